/* Bind mounts: the source (a relative one is the bundle's), src-nofollow
 * (the symlink itself) and copy-symlink (a symlink recreated, no mount). */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel/mount_parts.h"
#include "util/cleanup.h"
#include "util/fs.h"

char *
rt_mount_bind_source (const char *bundle, const char *source)
{
  char *r = NULL;

  if (source[0] == '/')
    return strdup (source);
  return asprintf (&r, "%s/%s", bundle, source) < 0 ? NULL : r;
}

/* src-nofollow: the symlink itself, as a detached tree moved onto the
 * target (mount(2) would follow it). */
static int
mount_bind_nofollow (const char *src, const oci_mount *m, const struct rt_mount_opts *o, int target,
                     struct rt_error *err)
{
  cleanup_close int tree = (int) syscall (SYS_open_tree, AT_FDCWD, src,
                                          OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW
                                              | (o->flags & MS_REC ? AT_RECURSIVE : 0));

  if (tree < 0)
    return rt_error_set (err, errno, "open_tree `%s`", src);
  if (syscall (SYS_move_mount, tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return rt_error_set (err, errno, "bind-mount the symlink `%s` on `%s`", src, m->destination);
  return 0;
}

int
rt_mount_bind (const struct rt_mount_ctx *c, const oci_mount *m, const struct rt_mount_opts *o, int target,
               struct rt_error *err)
{
  cleanup_free char *src = rt_mount_bind_source (c->bundle, m->source ? m->source : "");

  if (src == NULL)
    return rt_error_set (err, ENOMEM, "mount");
  if (o->src_nofollow)
    return mount_bind_nofollow (src, m, o, target, err);
  if (rt_mount_fd (src, target, NULL, MS_BIND | (o->flags & MS_REC), NULL) < 0)
    return rt_error_set (err, errno, "bind-mount `%s` on `%s`", src, m->destination);
  return 0;
}

bool
rt_mount_is_symlink (const char *path)
{
  struct stat st;
  return lstat (path, &st) == 0 && S_ISLNK (st.st_mode);
}

/* copy-symlink: a symlink source becomes the same symlink at the
 * destination, no mount; one already there with that target is kept. */
int
rt_mount_copy_symlink (const struct rt_mount_ctx *c, const oci_mount *m, const char *src, struct rt_error *err)
{
  cleanup_free char *target = rt_readlinkat (AT_FDCWD, src);
  cleanup_free char *parent = NULL, *existing = NULL;
  cleanup_close int dirfd = -1;
  const char *name;

  if (target == NULL)
    return rt_error_set (err, errno, "copy-symlink: readlink `%s`", src);
  parent = strdup (m->destination);
  if (parent == NULL)
    return rt_error_set (err, ENOMEM, "mount");
  name = strrchr (m->destination, '/') + 1;
  parent[name - m->destination] = '\0';
  dirfd = rt_mkpath_in_root (c->rootfd, *parent ? parent : "/", true, err);
  if (dirfd < 0)
    return -1;
  if (symlinkat (target, dirfd, name) == 0)
    return 0;
  if (errno == EEXIST && (existing = rt_readlinkat (dirfd, name)) != NULL && strcmp (existing, target) == 0)
    return 0;
  return rt_error_set (err, errno == EINVAL ? EEXIST : errno, "copy-symlink: create `%s`", m->destination);
}
