/* Id-mapped mounts, and the bind mounts of a container with a new user
 * namespace: detached trees made by rt on the host before the clone (the
 * user namespace that carries a mount's mappings too), attached by the
 * child on their targets. */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/clone.h"
#include "kernel/idmap.h"
#include "kernel/mount_parts.h"
#include "util/cleanup.h"
#include "util/fs.h"

bool
rt_mount_wants_idmap (const oci_mount *m, const struct rt_mount_opts *o)
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
  if (!rt_mount_is_bind (m, o))
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
      r = rt_mount_wants_idmap (m, &o) ? check_idmap (cfg, m, &o, err) : 0;
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
  cleanup_free char *src = rt_mount_bind_source (bundle, m->source ? m->source : "");
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

  if (rt_mount_wants_idmap (m, o))
    return true;
  return ns && !(ns->path && *ns->path) && rt_mount_is_bind (m, o) && !o->src_nofollow && !o->copy_symlink
         && geteuid () == 0;
}

/* Root of a user namespace that does not own rt's mount namespace may not
 * clone its trees either: those plain binds are made inside too. */
static bool
may_make_inside (const oci_mount *m, const struct rt_mount_opts *o, const struct rt_error *err)
{
  return err->errnum == EPERM && !rt_mount_wants_idmap (m, o);
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
          && ((rt_mount_wants_idmap (m, &o) && check_idmap (cfg, m, &o, err) < 0)
              || (fd = detached_tree (cfg, bundle, m, &o, rt_mount_wants_idmap (m, &o), err)) < 0))
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

int
rt_mount_prepared_fd (size_t index)
{
  return index < prepared_len ? prepared_fds[index] : -1;
}

/* Is the bind source a directory? (Decides what the target must be.) */
static bool
source_is_dir (const char *source)
{
  struct stat st;
  return stat (source, &st) == 0 && S_ISDIR (st.st_mode);
}

/* What the target must be: the prepared tree tells (its source may be out
 * of the container root's reach), else the source. */
bool
rt_mount_tree_is_dir (size_t index, const char *src)
{
  struct stat st;
  int fd = rt_mount_prepared_fd (index);

  if (fd >= 0)
    return fstat (fd, &st) == 0 && S_ISDIR (st.st_mode);
  return source_is_dir (src);
}

int
rt_mount_attach_prepared (const oci_mount *m, size_t index, int target, struct rt_error *err)
{
  int fd = rt_mount_prepared_fd (index);

  if (fd < 0)
    return rt_error_set (err, 0, "the id-mapped mount of `%s` was not prepared", m->source ? m->source : "");
  if (syscall (SYS_move_mount, fd, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return rt_error_set (err, errno, "attach `%s` on `%s`", m->source ? m->source : "", m->destination);
  close (fd);
  prepared_fds[index] = -1;
  return 0;
}
