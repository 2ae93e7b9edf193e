/* Each config mount onto its target, resolved inside the rootfs: the
 * order of the steps, new filesystems, and what applies to a mount once it
 * is in (propagation, attributes, the read-only remounts). The kinds of
 * mount that need more have a file each: mount_bind.c, mount_cgroup.c,
 * mount_idmap.c (made on the host before the clone), tmpcopyup.c. */
#include "kernel/mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel/lsm.h"
#include "kernel/mount_parts.h"
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

bool
rt_mount_type_is (const oci_mount *m, const char *t)
{
  return m->type != NULL && strcmp (m->type, t) == 0;
}

bool
rt_mount_is_bind (const oci_mount *m, const struct rt_mount_opts *o)
{
  return o->bind || rt_mount_type_is (m, "bind");
}

/* What an fd opened before a mount sees is the covered directory: reach
 * the new mount by resolving the destination again. */
int
rt_mount_reopen (const struct rt_mount_ctx *c, const oci_mount *m, int flags, struct rt_error *err)
{
  return rt_open_in_root (c->rootfd, m->destination, flags, 0, err);
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
  top = rt_mount_reopen (c, m, o->tmpcopyup ? O_RDONLY | O_DIRECTORY : O_PATH, err);
  if (top < 0)
    return -1;
  if (o->tmpcopyup && rt_tmpcopyup (below, top, err) < 0)
    return -1;
  if (bind && remount && rt_mount_fd (NULL, top, NULL, MS_BIND | MS_REMOUNT | remount, NULL) < 0)
    return rt_error_set (err, errno, "remount `%s` with its options", m->destination);
  if (o->propagation && rt_mount_fd (NULL, top, NULL, o->propagation, NULL) < 0)
    return rt_error_set (err, errno, "set propagation of `%s`", m->destination);
  return set_attrs (top, o, m->destination, err);
}

/* A new filesystem: its data, with the SELinux mount label if any. */
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
  if (errno == EINVAL && rt_mount_type_is (m, "devpts") && data != NULL && rt_mount_data_drop_gid (data)
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
  return (o->flags & MS_RDONLY) && !rt_mount_is_bind (m, o)
         && (rt_mount_type_is (m, "tmpfs") || strcmp (m->destination, "/dev") == 0);
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
          top = rt_mount_reopen (c, m, O_PATH, err);
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

  if (!rt_mount_type_is (m, "proc") && !rt_mount_type_is (m, "sysfs"))
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
  if (rt_mount_type_is (m, "sysfs"))
    return "/sys";
  if (rt_mount_type_is (m, "mqueue"))
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
  if (rt_mount_bind (c, &host, o, target, err) < 0)
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
  bind = rt_mount_is_bind (m, &o);
  if (bind)
    o.flags |= MS_BIND;
  if (sealed_later (m, &o))
    o.flags &= ~(unsigned long) MS_RDONLY;
  /* a relative bind source is the bundle's, not rt's cwd's */
  src = bind ? rt_mount_bind_source (c->bundle, m->source ? m->source : "") : NULL;
  if (bind && src == NULL)
    {
      rt_error_set (err, ENOMEM, "mount");
      goto out;
    }
  if (check_ordinary_dir (c, m, err) < 0)
    goto out;
  if (bind && o.copy_symlink && rt_mount_is_symlink (src))
    {
      ret = rt_mount_copy_symlink (c, m, src, err);
      goto out;
    }
  target = rt_mkpath_in_root (c->rootfd, m->destination,
                              !bind || (!o.src_nofollow && rt_mount_tree_is_dir (index, src)), err);
  if (target < 0)
    goto out;
  if (o.tmpcopyup)
    below = rt_open_in_root (c->rootfd, m->destination, O_RDONLY | O_DIRECTORY, 0, err);
  if (o.tmpcopyup && below < 0)
    goto out;
  if (rt_mount_wants_idmap (m, &o) || rt_mount_prepared_fd (index) >= 0)
    ret = rt_mount_attach_prepared (m, index, target, err);
  else if (bind)
    ret = rt_mount_bind (c, m, &o, target, err);
  else if (rt_mount_type_is (m, "cgroup") || rt_mount_type_is (m, "cgroup2"))
    ret = rt_mount_cgroup (c, m, &o, target, err);
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
