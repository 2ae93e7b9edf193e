/* Mounts of type cgroup and cgroup2: the container's hierarchies, new
 * instances in a cgroup namespace, else its own cgroups bound (v1: a tmpfs
 * with one directory per hierarchy). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "kernel/mount_parts.h"
#include "util/cleanup.h"

static int
mount_cgroup_v1 (const struct rt_mount_ctx *c, const oci_mount *m, const struct rt_mount_opts *o, int target,
                 const struct rt_cgroup_layout *layout, struct rt_error *err)
{
  const struct rt_cgroup_layout l = *layout;
  size_t i;

  cleanup_close int top = -1;

  if (rt_mount_fd ("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
    return rt_error_set (err, errno, "mount tmpfs on `%s`", m->destination);
  top = rt_mount_reopen (c, m, O_PATH | O_DIRECTORY, err);
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
  top = rt_mount_reopen (c, m, O_PATH, NULL);
  if (top < 0)
    return -1;
  return rt_mount_fd (NULL, top, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

int
rt_mount_cgroup (const struct rt_mount_ctx *c, const oci_mount *m, const struct rt_mount_opts *o, int target,
                 struct rt_error *err)
{
  struct rt_cgroup_layout read = { 0 };
  const struct rt_cgroup_layout *l = c->cgroup_layout;
  const char *src;
  int ret;

  /* no container cgroup (so no layout from the parent) on a unified host:
   * a cgroup2 instance, without reading mountinfo for it */
  if (l == NULL && !(c->cgroup_dirs_len == 0 && rt_cgroup_unified_host ()))
    {
      if (rt_cgroup_layout_read_mounts (&read, err) < 0)
        return -1;
      l = &read;
    }
  if (l != NULL && (l->has_v1 || !l->has_v2))
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
  if (errno != EPERM && errno != EBUSY)
    {
      rt_cgroup_layout_free (&read);
      return rt_error_set (err, errno, "mount cgroup2 on `%s`", m->destination);
    }
  src = c->cgroup_dirs_len > 0 ? c->cgroup_dirs[0] : l != NULL && l->len > 0 ? l->h[0].mount : "/sys/fs/cgroup";
  ret = bind_read_only (c, m, o, src, target);
  if (ret < 0)
    rt_error_set (err, errno, "bind-mount the container's cgroup on `%s`", m->destination);
  rt_cgroup_layout_free (&read);
  return ret;
}
