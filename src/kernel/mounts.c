#include "kernel/mounts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "kernel/idmap.h"
#include "kernel/lsm.h"
#include "kernel/namespaces.h"
#include "tables.h"
#include "util/cleanup.h"
#include "util/fs.h"

int
rt_mount_fd (const char *source, int targetfd, const char *type, unsigned long flags, const char *data)
{
  cleanup_free char *target = rt_fd_path (targetfd);

  if (target == NULL)
    {
      errno = ENOMEM;
      return -1;
    }
  return mount (source, target, type, flags, data);
}

/* Is the bind source a directory? (Decides what the target must be.) */
static bool
source_is_dir (const char *source)
{
  struct stat st;
  return stat (source, &st) == 0 && S_ISDIR (st.st_mode);
}

static char *
bind_source (const struct rt_mount_ctx *c, const char *source)
{
  char *r = NULL;

  if (source[0] == '/')
    return strdup (source);
  return asprintf (&r, "%s/%s", c->bundle, source) < 0 ? NULL : r;
}

static int
set_attrs (int fd, const struct rt_mount_opts *o, const char *dest, struct rt_error *err)
{
  struct mount_attr attr = { .attr_set = o->attr_set, .attr_clr = o->attr_clr };

  if (o->attr_set == 0 && o->attr_clr == 0)
    return 0;
  if (o->attr_set & MOUNT_ATTR_NOATIME || o->attr_set & MOUNT_ATTR_STRICTATIME || o->attr_set & MOUNT_ATTR_RELATIME)
    attr.attr_clr |= MOUNT_ATTR__ATIME;
  if (syscall (SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
    return rt_error_set (err, errno, "mount_setattr on `%s`", dest);
  return 0;
}

/* tmpcopyup: the tmpfs starts with a copy of what it covers, read through
 * an fd opened before the mount hid it. */
static int copy_tree (int from, int to, struct rt_error *err);

static int
copy_file (int from, int to, const char *name, const struct stat *st, struct rt_error *err)
{
  cleanup_close int in = openat (from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_close int out = -1;
  char buf[65536];
  ssize_t n;

  if (in < 0)
    return rt_error_set (err, errno, "tmpcopyup: open `%s`", name);
  out = openat (to, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st->st_mode & 07777);
  if (out < 0)
    return rt_error_set (err, errno, "tmpcopyup: create `%s`", name);
  while ((n = read (in, buf, sizeof buf)) > 0)
    if (write (out, buf, (size_t) n) != n)
      return rt_error_set (err, errno, "tmpcopyup: write `%s`", name);
  if (n < 0)
    return rt_error_set (err, errno, "tmpcopyup: read `%s`", name);
  return 0;
}

static int
copy_entry (int from, int to, const char *name, struct rt_error *err)
{
  struct stat st;

  if (fstatat (from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return rt_error_set (err, errno, "tmpcopyup: stat `%s`", name);
  if (S_ISDIR (st.st_mode))
    {
      cleanup_close int sub_from = -1, sub_to = -1;
      if (mkdirat (to, name, st.st_mode & 07777) < 0)
        return rt_error_set (err, errno, "tmpcopyup: mkdir `%s`", name);
      sub_from = openat (from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      sub_to = openat (to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub_from < 0 || sub_to < 0 || copy_tree (sub_from, sub_to, err) < 0)
        return err && err->msg ? -1 : rt_error_set (err, errno, "tmpcopyup: `%s`", name);
    }
  else if (S_ISLNK (st.st_mode))
    {
      cleanup_free char *target = rt_readlinkat (from, name);
      if (target == NULL || symlinkat (target, to, name) < 0)
        return rt_error_set (err, errno, "tmpcopyup: symlink `%s`", name);
    }
  else if (S_ISREG (st.st_mode))
    {
      if (copy_file (from, to, name, &st, err) < 0)
        return -1;
    }
  else if (mknodat (to, name, st.st_mode, st.st_rdev) < 0)
    return rt_error_set (err, errno, "tmpcopyup: mknod `%s`", name);
  if (fchownat (to, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
    return rt_error_set (err, errno, "tmpcopyup: chown `%s`", name);
  return 0;
}

static int
copy_tree (int from, int to, struct rt_error *err)
{
  DIR *d = fdopendir (dup (from));
  struct dirent *de;
  int ret = 0;

  if (d == NULL)
    return rt_error_set (err, errno, "tmpcopyup: opendir");
  while (ret == 0 && (de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      ret = copy_entry (from, to, de->d_name, err);
  closedir (d);
  return ret;
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

static int
mount_bind (const struct rt_mount_ctx *c, const oci_mount *m, const struct rt_mount_opts *o, int target,
            struct rt_error *err)
{
  cleanup_free char *src = bind_source (c, m->source ? m->source : "");

  if (src == NULL)
    return rt_error_set (err, ENOMEM, "mount");
  if (o->src_nofollow)
    return mount_bind_nofollow (src, m, o, target, err);
  if (rt_mount_fd (src, target, NULL, MS_BIND | (o->flags & MS_REC), NULL) < 0)
    return rt_error_set (err, errno, "bind-mount `%s` on `%s`", src, m->destination);
  return 0;
}

static bool
is_symlink (const char *path)
{
  struct stat st;
  return lstat (path, &st) == 0 && S_ISLNK (st.st_mode);
}

/* copy-symlink: a symlink source becomes the same symlink at the
 * destination, no mount; one already there with that target is kept. */
static int
copy_symlink (const struct rt_mount_ctx *c, const oci_mount *m, const char *src, struct rt_error *err)
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

/* What an fd opened before a mount sees is the covered directory: reach
 * the new mount by resolving the destination again. */
static int
reopen (const struct rt_mount_ctx *c, const oci_mount *m, int flags, struct rt_error *err)
{
  return rt_open_in_root (c->rootfd, m->destination, flags, 0, err);
}

static int
mount_cgroup_v1 (const struct rt_mount_ctx *c, const oci_mount *m, const struct rt_mount_opts *o, int target,
                 const struct rt_cgroup_layout *layout, struct rt_error *err)
{
  const struct rt_cgroup_layout l = *layout;
  size_t i;

  cleanup_close int top = -1;

  if (rt_mount_fd ("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
    return rt_error_set (err, errno, "mount tmpfs on `%s`", m->destination);
  top = reopen (c, m, O_PATH | O_DIRECTORY, err);
  if (top < 0)
    return -1;
  target = top;
  for (i = 0; i < l.len; i++)
    {
      const char *name = strrchr (l.h[i].mount, '/') + 1;
      cleanup_close int sub = -1;
      int r;

      if (mkdirat (target, name, 0755) < 0 && errno != EEXIST)
        return rt_error_set (err, errno, "mkdir `%s/%s`", m->destination, name);
      sub = openat (target, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0)
        return rt_error_set (err, errno, "open `%s/%s`", m->destination, name);
      if (c->new_cgroupns)
        r = rt_mount_fd (l.h[i].v2 ? "cgroup2" : "cgroup", sub, l.h[i].v2 ? "cgroup2" : "cgroup", o->flags & ~MS_REC,
                         l.h[i].v2 ? NULL : l.h[i].controllers);
      else
        {
          /* without a cgroup namespace, show the container its own cgroup */
          const char *dir = NULL;
          size_t j, n = strlen (l.h[i].mount);
          for (j = 0; j < c->cgroup_dirs_len && dir == NULL; j++)
            if (strncmp (c->cgroup_dirs[j], l.h[i].mount, n) == 0 && c->cgroup_dirs[j][n] == '/')
              dir = c->cgroup_dirs[j];
          r = rt_mount_fd (dir ? dir : l.h[i].mount, sub, NULL, MS_BIND | MS_REC, NULL);
          if (r == 0 && (o->flags & MS_RDONLY))
            {
              cleanup_close int mounted = openat (top, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
              r = mounted < 0 ? -1
                              : rt_mount_fd (NULL, mounted, NULL,
                                             MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
            }
        }
      if (r < 0)
        return rt_error_set (err, errno, "mount cgroup `%s` on `%s/%s`", l.h[i].controllers, m->destination, name);
    }
  if ((o->flags & MS_RDONLY)
      && rt_mount_fd (NULL, top, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
    return rt_error_set (err, errno, "remount `%s` read-only", m->destination);
  return 0;
}

/* src bound on the destination, read-only where the mount says so (a
 * bind mount takes flags only from a remount). */
static int
bind_read_only (const struct rt_mount_ctx *c, const oci_mount *m, const struct rt_mount_opts *o, const char *src,
                int target)
{
  cleanup_close int top = -1;

  if (rt_mount_fd (src, target, NULL, MS_BIND | MS_REC, NULL) < 0)
    return -1;
  if (!(o->flags & MS_RDONLY))
    return 0;
  top = reopen (c, m, O_PATH, NULL);
  if (top < 0)
    return -1;
  return rt_mount_fd (NULL, top, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

static int
mount_cgroup (const struct rt_mount_ctx *c, const oci_mount *m, const struct rt_mount_opts *o, int target,
              struct rt_error *err)
{
  struct rt_cgroup_layout read = { 0 };
  const struct rt_cgroup_layout *l = c->cgroup_layout;
  int ret;

  if (l == NULL)
    {
      if (rt_cgroup_layout_read_mounts (&read, err) < 0)
        return -1;
      l = &read;
    }
  if (l->has_v1 || !l->has_v2)
    {
      ret = mount_cgroup_v1 (c, m, o, target, l, err);
      rt_cgroup_layout_free (&read);
      return ret;
    }
  if (rt_mount_fd ("cgroup2", target, "cgroup2", o->flags & ~MS_REC, o->data) == 0)
    {
      rt_cgroup_layout_free (&read);
      return 0;
    }
  /* without a cgroup (or a network) namespace the kernel refuses a new
   * cgroup2 instance: show the container its own cgroup instead, or,
   * rootless without one, the hierarchy as the caller sees it (as the
   * host's /sys a rootless container binds) */
  if (errno == EPERM || errno == EBUSY)
    {
      const char *src = c->cgroup_dirs_len > 0 ? c->cgroup_dirs[0] : l->len > 0 ? l->h[0].mount : NULL;
      ret = src != NULL ? bind_read_only (c, m, o, src, target) : -1;
      if (ret < 0)
        rt_error_set (err, src ? errno : EPERM, "bind-mount the container's cgroup on `%s`", m->destination);
      rt_cgroup_layout_free (&read);
      return ret;
    }
  rt_cgroup_layout_free (&read);
  return rt_error_set (err, errno, "mount cgroup2 on `%s`", m->destination);
}

static bool
type_is (const oci_mount *m, const char *t)
{
  return m->type != NULL && strcmp (m->type, t) == 0;
}

/* Steps that act on the new mount itself: copy-up, flags of a bind mount,
 * propagation and recursive attributes. */
static int
after_mount (const struct rt_mount_ctx *c, const oci_mount *m, const struct rt_mount_opts *o, bool bind, int below,
             struct rt_error *err)
{
  unsigned long remount = o->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
  cleanup_close int top = -1;

  if (!o->tmpcopyup && !(bind && remount) && !o->propagation && !o->attr_set && !o->attr_clr)
    return 0;
  top = reopen (c, m, o->tmpcopyup ? O_RDONLY | O_DIRECTORY : O_PATH, err);
  if (top < 0)
    return -1;
  if (o->tmpcopyup && copy_tree (below, top, err) < 0)
    return -1;
  if (bind && remount && rt_mount_fd (NULL, top, NULL, MS_BIND | MS_REMOUNT | remount, NULL) < 0)
    return rt_error_set (err, errno, "remount `%s` with its options", m->destination);
  if (o->propagation && rt_mount_fd (NULL, top, NULL, o->propagation, NULL) < 0)
    return rt_error_set (err, errno, "set propagation of `%s`", m->destination);
  return set_attrs (top, o, m->destination, err);
}

/* ---- id-mapped mounts ---- */

static bool
is_bind (const oci_mount *m, const struct rt_mount_opts *o)
{
  return o->bind || type_is (m, "bind");
}

static bool
wants_idmap (const oci_mount *m, const struct rt_mount_opts *o)
{
  return o->idmap || m->uid_mappings_len > 0 || m->gid_mappings_len > 0;
}

static const oci_namespace *
userns_of (const oci_config *cfg)
{
  size_t i;

  for (i = 0; cfg->linux && i < cfg->linux->namespaces_len; i++)
    if (strcmp (cfg->linux->namespaces[i]->type, "user") == 0)
      return cfg->linux->namespaces[i];
  return NULL;
}

static int
check_idmap (const oci_config *cfg, const oci_mount *m, const struct rt_mount_opts *o, struct rt_error *err)
{
  if (!is_bind (m, o))
    return rt_error_set (err, 0, "id-mapped mounts are supported for bind mounts only");
  if ((m->uid_mappings_len > 0) != (m->gid_mappings_len > 0))
    return rt_error_set (err, 0, "an id-mapped mount needs both uidMappings and gidMappings");
  /* the spec: without mappings of its own, the container's user namespace
   * gives them; without one either, it is an error */
  if (m->uid_mappings_len == 0 && o->uid_map_len == 0 && userns_of (cfg) == NULL)
    return rt_error_set (err, 0, "idmap without uidMappings and gidMappings needs a user namespace to take them from");
  return 0;
}

int
rt_mounts_check (const oci_config *cfg, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < cfg->mounts_len; i++)
    {
      const oci_mount *m = cfg->mounts[i];
      struct rt_mount_opts o;
      int r;

      if (rt_mount_opts_parse (m->options, m->options_len, &o, err) < 0)
        return rt_error_prefix (err, ".mounts[%zu]", i);
      r = wants_idmap (m, &o) ? check_idmap (cfg, m, &o, err) : 0;
      rt_mount_opts_free (&o);
      if (r < 0)
        return rt_error_prefix (err, ".mounts[%zu]", i);
    }
  return 0;
}

/* A user namespace that carries the mappings, for mount_setattr: a child
 * made in a new one only to hold it open, gone once its ns fd is taken. */
static int
userns_with_maps (oci_id_mapping *const *uid, size_t nuid, oci_id_mapping *const *gid, size_t ngid,
                  struct rt_error *err)
{
  cleanup_free char *path = NULL;
  int pipefd[2], fd = -1, status;
  bool into_cgroup;
  char c;
  pid_t pid;

  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return rt_error_set (err, errno, "pipe");
  fflush (NULL);
  pid = rt_clone_child (CLONE_NEWUSER, -1, NULL, &into_cgroup);
  if (pid == 0)
    {
      /* wait for the parent to be done with our namespace */
      close (pipefd[1]);
      while (read (pipefd[0], &c, 1) < 0 && errno == EINTR)
        ;
      _exit (0);
    }
  close (pipefd[0]);
  if (pid < 0)
    {
      close (pipefd[1]);
      return rt_error_set (err, errno, "clone a user namespace for an id-mapped mount");
    }
  if (rt_idmap_write_text (pid, "uid_map", uid, nuid, err) == 0
      && rt_idmap_write_text (pid, "gid_map", gid, ngid, err) == 0)
    {
      if (asprintf (&path, "/proc/%d/ns/user", pid) < 0)
        rt_error_set (err, ENOMEM, "id map");
      else if ((fd = open (path, O_RDONLY | O_CLOEXEC)) < 0)
        rt_error_set (err, errno, "open `%s`", path);
    }
  close (pipefd[1]);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  return fd;
}

/* The user namespace whose mappings the mount gets. */
static int
mapping_userns (const oci_config *cfg, const oci_mount *m, const struct rt_mount_opts *o, struct rt_error *err)
{
  const oci_namespace *ns = userns_of (cfg);
  const oci_linux *l = cfg->linux;
  int fd;

  if (m->uid_mappings_len > 0)
    return userns_with_maps (m->uid_mappings, m->uid_mappings_len, m->gid_mappings, m->gid_mappings_len, err);
  if (o->uid_map_len > 0)
    return userns_with_maps (o->uid_map, o->uid_map_len, o->gid_map, o->gid_map_len, err);
  if (ns && ns->path && *ns->path)
    {
      fd = open (ns->path, O_RDONLY | O_CLOEXEC);
      return fd < 0 ? rt_error_set (err, errno, "open the user namespace `%s`", ns->path) : fd;
    }
  return userns_with_maps (l->uid_mappings, l->uid_mappings_len, l->gid_mappings, l->gid_mappings_len, err);
}

/* A detached copy of a bind mount's source, made by rt on the host (only
 * those can be idmapped, and the host's root reaches sources that the
 * container's root, in its user namespace, may not). */
static int
detached_tree (const oci_config *cfg, const char *bundle, const oci_mount *m, const struct rt_mount_opts *o, bool idmap,
               struct rt_error *err)
{
  const struct rt_mount_ctx c = { .bundle = bundle };
  cleanup_free char *src = bind_source (&c, m->source ? m->source : "");
  cleanup_close int tree = -1, userns = -1;
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP };

  if (src == NULL)
    return rt_error_set (err, ENOMEM, "mount");
  tree = (int) syscall (SYS_open_tree, AT_FDCWD, src,
                        OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | ((o->flags & MS_REC) || o->ridmap ? AT_RECURSIVE : 0));
  if (tree < 0)
    return rt_error_set (err, errno, "open_tree `%s`", src);
  if (!idmap)
    return rt_steal_fd (&tree);
  userns = mapping_userns (cfg, m, o, err);
  if (userns < 0)
    return -1;
  attr.userns_fd = (uint64_t) userns;
  if (syscall (SYS_mount_setattr, tree, "", AT_EMPTY_PATH | (o->ridmap ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
    return rt_error_set (err, errno, "id-map `%s`%s", src,
                         errno == EINVAL ? " (does its filesystem support id-mapped mounts?)" : "");
  return rt_steal_fd (&tree);
}

/* By mount index, -1 where there is none; filled before the clone. */
static int *prepared_fds;
static size_t prepared_len;

/* Made on the host before the clone: id-mapped mounts, and with a new user
 * namespace every plain bind mount (its source opened with the host's
 * root's rights, as runc does). An ordinary user may not clone a tree of
 * the host's mount namespace: its binds are made inside, with its rights. */
static bool
prepared_on_host (const oci_config *cfg, const oci_mount *m, const struct rt_mount_opts *o)
{
  const oci_namespace *ns = userns_of (cfg);

  if (wants_idmap (m, o))
    return true;
  return ns && !(ns->path && *ns->path) && is_bind (m, o) && !o->src_nofollow && !o->copy_symlink && geteuid () == 0;
}

/* Root of a user namespace that does not own rt's mount namespace may not
 * clone its trees either: those plain binds are made inside too. */
static bool
may_make_inside (const oci_mount *m, const struct rt_mount_opts *o, const struct rt_error *err)
{
  return err->errnum == EPERM && !wants_idmap (m, o);
}

int
rt_mounts_prepare (const oci_config *cfg, const char *bundle, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < cfg->mounts_len; i++)
    {
      const oci_mount *m = cfg->mounts[i];
      struct rt_mount_opts o;
      int fd = -1;

      if (rt_mount_opts_parse (m->options, m->options_len, &o, err) < 0)
        return rt_error_prefix (err, ".mounts[%zu]", i);
      if (prepared_on_host (cfg, m, &o)
          && ((wants_idmap (m, &o) && check_idmap (cfg, m, &o, err) < 0)
              || (fd = detached_tree (cfg, bundle, m, &o, wants_idmap (m, &o), err)) < 0))
        {
          if (fd < 0 && may_make_inside (m, &o, err))
            {
              rt_error_clear (err);
              rt_mount_opts_free (&o);
              continue;
            }
          rt_mount_opts_free (&o);
          return rt_error_prefix (err, ".mounts[%zu]", i);
        }
      rt_mount_opts_free (&o);
      if (fd < 0)
        continue;
      if (prepared_fds == NULL)
        {
          prepared_fds = malloc (cfg->mounts_len * sizeof *prepared_fds);
          if (prepared_fds == NULL)
            {
              close (fd);
              return rt_error_set (err, ENOMEM, "mount");
            }
          for (prepared_len = 0; prepared_len < cfg->mounts_len; prepared_len++)
            prepared_fds[prepared_len] = -1;
        }
      prepared_fds[i] = fd;
    }
  return 0;
}

void
rt_mounts_release_prepared (void)
{
  size_t i;

  for (i = 0; i < prepared_len; i++)
    if (prepared_fds[i] >= 0)
      close (prepared_fds[i]);
  free (prepared_fds);
  prepared_fds = NULL;
  prepared_len = 0;
}

static int
prepared_fd (size_t index)
{
  return index < prepared_len ? prepared_fds[index] : -1;
}

/* What the target must be: the prepared tree tells (its source may be out
 * of the container root's reach), else the source. */
static bool
tree_is_dir (size_t index, const char *src)
{
  struct stat st;
  int fd = prepared_fd (index);

  if (fd >= 0)
    return fstat (fd, &st) == 0 && S_ISDIR (st.st_mode);
  return source_is_dir (src);
}

static int
attach_prepared (const oci_mount *m, size_t index, int target, struct rt_error *err)
{
  int fd = prepared_fd (index);

  if (fd < 0)
    return rt_error_set (err, 0, "the id-mapped mount of `%s` was not prepared", m->source ? m->source : "");
  if (syscall (SYS_move_mount, fd, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return rt_error_set (err, errno, "attach `%s` on `%s`", m->source ? m->source : "", m->destination);
  close (fd);
  prepared_fds[index] = -1;
  return 0;
}

/* A new filesystem: its data, with the SELinux mount label if any. */
/* Removes a gid=N option from comma-separated data; false if none. */
static bool
drop_gid_option (char *data)
{
  char *p = data;

  while (p != NULL && *p)
    {
      char *next = strchr (p, ',');
      if (strncmp (p, "gid=", 4) == 0)
        {
          if (next != NULL)
            memmove (p, next + 1, strlen (next + 1) + 1);
          else if (p > data)
            p[-1] = '\0';
          else
            *p = '\0';
          return true;
        }
      p = next ? next + 1 : NULL;
    }
  return false;
}

static int
mount_new (const struct rt_mount_ctx *c, const oci_mount *m, const struct rt_mount_opts *o, int target,
           struct rt_error *err)
{
  cleanup_free char *data = NULL;

  if (rt_mount_label_data (c->mount_label, m->type, o->data, &data, err) < 0)
    return -1;
  if (rt_mount_fd (m->source ? m->source : m->type, target, m->type, o->flags & ~MS_REC, data) == 0)
    return 0;
  /* a devpts gid (tty's 5) that a user namespace does not map: the
   * kernel says EINVAL; without it the pty group is the mounter's (crun) */
  if (errno == EINVAL && type_is (m, "devpts") && data != NULL && drop_gid_option (data)
      && rt_mount_fd (m->source ? m->source : m->type, target, m->type, o->flags & ~MS_REC, data) == 0)
    return 0;
  return rt_error_set (err, errno, "mount `%s` (%s) on `%s`", m->source ? m->source : "", m->type ? m->type : "",
                       m->destination);
}

/* A read-only tmpfs (or /dev) may get mounts and device nodes below it
 * later: it is mounted writable and made read-only once they are in
 * (rt_mounts_seal), as runc does. */
static bool
sealed_later (const oci_mount *m, const struct rt_mount_opts *o)
{
  return (o->flags & MS_RDONLY) && !is_bind (m, o) && (type_is (m, "tmpfs") || strcmp (m->destination, "/dev") == 0);
}

int
rt_mounts_seal (const struct rt_mount_ctx *c, const oci_config *cfg, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < cfg->mounts_len; i++)
    {
      const oci_mount *m = cfg->mounts[i];
      struct rt_mount_opts o;
      cleanup_close int top = -1;
      int r = 0;

      if (rt_mount_opts_parse (m->options, m->options_len, &o, err) < 0)
        return rt_error_prefix (err, ".mounts[%zu]", i);
      if (sealed_later (m, &o))
        {
          top = reopen (c, m, O_PATH, err);
          if (top < 0 || rt_mount_fd (NULL, top, NULL, MS_REMOUNT | (o.flags & ~MS_REC), o.data) < 0)
            r = top < 0 ? -1 : rt_error_set (err, errno, "remount `%s` read-only", m->destination);
        }
      rt_mount_opts_free (&o);
      if (r < 0)
        return rt_error_prefix (err, ".mounts[%zu]", i);
    }
  return 0;
}

/* procfs and sysfs go on a directory only: one mounted through a symlink
 * the rootfs put in its place has been an attack (runc's words). */
static int
check_ordinary_dir (const struct rt_mount_ctx *c, const oci_mount *m, struct rt_error *err)
{
  cleanup_close int fd = -1;
  struct stat st;

  if (!type_is (m, "proc") && !type_is (m, "sysfs"))
    return 0;
  fd = rt_open_in_root (c->rootfd, m->destination, O_PATH | O_NOFOLLOW, 0, NULL);
  if (fd < 0 || fstat (fd, &st) < 0 || S_ISDIR (st.st_mode))
    return 0; /* missing: made as a directory below */
  return rt_error_set (err, 0, "filesystem \"%s\" must be mounted on ordinary directory: `%s` is not one", m->type,
                       m->destination);
}

/* A user namespace may not mount a sysfs for a network namespace it does
 * not own, nor an mqueue for an IPC namespace it does not own: the host's
 * instance, bound, is what runc and crun give a rootless container then. */
static const char *
host_instance (const oci_mount *m)
{
  if (type_is (m, "sysfs"))
    return "/sys";
  if (type_is (m, "mqueue"))
    return "/dev/mqueue";
  return NULL;
}

static int
bind_host_instance (const struct rt_mount_ctx *c, const oci_mount *m, struct rt_mount_opts *o, int target, bool *bind,
                    struct rt_error *err)
{
  oci_mount host = *m;

  rt_error_clear (err);
  host.source = (char *) host_instance (m);
  o->flags |= MS_BIND | MS_REC;
  *bind = true;
  if (mount_bind (c, &host, o, target, err) < 0)
    return rt_error_prefix (err, "mount %s: not allowed, and binding the host's", m->type);
  return 0;
}

int
rt_mount_entry (const struct rt_mount_ctx *c, const oci_mount *m, size_t index, struct rt_error *err)
{
  struct rt_mount_opts o;
  cleanup_close int target = -1;
  cleanup_close int below = -1;
  cleanup_free char *src = NULL;
  bool bind;
  int ret = -1;

  if (rt_mount_opts_parse (m->options, m->options_len, &o, err) < 0)
    return -1;
  bind = is_bind (m, &o);
  if (bind)
    o.flags |= MS_BIND;
  if (sealed_later (m, &o))
    o.flags &= ~(unsigned long) MS_RDONLY;
  /* a relative bind source is the bundle's, not rt's cwd's */
  src = bind ? bind_source (c, m->source ? m->source : "") : NULL;
  if (bind && src == NULL)
    {
      rt_error_set (err, ENOMEM, "mount");
      goto out;
    }
  if (check_ordinary_dir (c, m, err) < 0)
    goto out;
  if (bind && o.copy_symlink && is_symlink (src))
    {
      ret = copy_symlink (c, m, src, err);
      goto out;
    }
  target = rt_mkpath_in_root (c->rootfd, m->destination, !bind || (!o.src_nofollow && tree_is_dir (index, src)), err);
  if (target < 0)
    goto out;
  if (o.tmpcopyup)
    below = rt_open_in_root (c->rootfd, m->destination, O_RDONLY | O_DIRECTORY, 0, err);
  if (o.tmpcopyup && below < 0)
    goto out;
  if (wants_idmap (m, &o) || prepared_fd (index) >= 0)
    ret = attach_prepared (m, index, target, err);
  else if (bind)
    ret = mount_bind (c, m, &o, target, err);
  else if (type_is (m, "cgroup") || type_is (m, "cgroup2"))
    ret = mount_cgroup (c, m, &o, target, err);
  else if ((ret = mount_new (c, m, &o, target, err)) < 0 && err->errnum == EPERM && host_instance (m) != NULL)
    ret = bind_host_instance (c, m, &o, target, &bind, err);
  if (ret == 0)
    ret = after_mount (c, m, &o, bind, below, err);
out:
  if (ret < 0)
    rt_error_prefix (err, ".mounts[%zu]", index);
  rt_mount_opts_free (&o);
  return ret;
}
