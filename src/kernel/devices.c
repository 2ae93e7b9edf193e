/* Device nodes inside the rootfs: the defaults every container gets, and
 * linux.devices. With a user namespace, mknod is forbidden: the host's
 * node is bind-mounted instead. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kernel/rootfs.h"
#include "kernel/mount_opts.h"
#include "util/cleanup.h"
#include "util/fs.h"

static const struct
{
  const char *path;
  unsigned major, minor;
} default_devices[] = {
  { "/dev/null", 1, 3 },   { "/dev/zero", 1, 5 },    { "/dev/full", 1, 7 },
  { "/dev/random", 1, 8 }, { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

const char *
rt_device_default_path (size_t i)
{
  return i < sizeof default_devices / sizeof default_devices[0] ? default_devices[i].path : NULL;
}

static const struct
{
  const char *target, *link;
} default_links[] = {
  { "/proc/self/fd", "/dev/fd" },
  { "/proc/self/fd/0", "/dev/stdin" },
  { "/proc/self/fd/1", "/dev/stdout" },
  { "/proc/self/fd/2", "/dev/stderr" },
};

/* linux.devices may redefine a default device: then only its entry counts
 * (with a user namespace a second bind mount on the same path would fail). */
static bool
listed (const oci_linux *l, const char *path)
{
  size_t i;

  for (i = 0; l && i < l->devices_len; i++)
    if (strcmp (l->devices[i]->path, path) == 0)
      return true;
  return false;
}

static bool
dev_is_bind (const oci_config *cfg)
{
  size_t i;

  for (i = 0; i < cfg->mounts_len; i++)
    if (strcmp (cfg->mounts[i]->destination, "/dev") == 0 && rt_mount_wants_bind (cfg->mounts[i]))
      return true;
  return false;
}

/* The parent directory of path inside the root, and the last component. */
static int
open_parent (int rootfd, const char *path, const char **base, struct rt_error *err)
{
  cleanup_free char *dir = strdup (path);
  char *slash;

  if (dir == NULL)
    return rt_error_set (err, ENOMEM, "device");
  slash = strrchr (dir, '/');
  if (slash == NULL || slash[1] == '\0')
    return rt_error_set (err, EINVAL, "invalid device path `%s`", path);
  *base = path + (slash - dir) + 1;
  if (slash == dir)
    return dup (rootfd);
  *slash = '\0';
  return rt_mkpath_in_root (rootfd, dir, true, err);
}

static int
make_node (int rootfd, const char *path, mode_t type, unsigned major, unsigned minor, mode_t mode, uid_t uid, gid_t gid,
           bool bind_from_host, struct rt_error *err)
{
  const char *base = NULL;
  cleanup_close int parent = open_parent (rootfd, path, &base, err);
  cleanup_close int dirfd = -1;

  if (parent < 0)
    return -1;
  /* an O_PATH parent cannot be used with mknodat: reopen it as a directory */
  {
    cleanup_free char *pp = NULL;
    if (asprintf (&pp, "/proc/self/fd/%d", parent) < 0)
      return rt_error_set (err, ENOMEM, "device");
    dirfd = open (pp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
      return rt_error_set (err, errno, "open the directory of `%s`", path);
  }
  if (unlinkat (dirfd, base, 0) < 0 && errno != ENOENT && errno != EISDIR)
    return rt_error_set (err, errno, "replace `%s`", path);
  if (bind_from_host)
    {
      cleanup_close int target = openat (dirfd, base, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (target < 0)
        return rt_error_set (err, errno, "create `%s`", path);
      if (rt_mount_fd (path, target, NULL, MS_BIND, NULL) < 0)
        return rt_error_set (err, errno, "bind-mount the host's `%s`", path);
      return 0;
    }
  if (mknodat (dirfd, base, type | (mode & 07777), makedev (major, minor)) < 0)
    return rt_error_set (err, errno, "mknod `%s`", path);
  /* mknod obeys the umask: set the mode the config asked for */
  if (fchmodat (dirfd, base, mode & 07777, 0) < 0)
    return rt_error_set (err, errno, "chmod `%s`", path);
  if (fchownat (dirfd, base, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
    return rt_error_set (err, errno, "chown `%s`", path);
  return 0;
}

static mode_t
device_type (const char *t)
{
  switch (t[0])
    {
    case 'b':
      return S_IFBLK;
    case 'p':
      return S_IFIFO;
    default:
      return S_IFCHR;
    }
}

static int
make_links (int rootfd, struct rt_error *err)
{
  cleanup_close int dev = rt_open_in_root (rootfd, "/dev", O_RDONLY | O_DIRECTORY, 0, NULL);
  size_t i;

  if (dev < 0)
    return 0;
  for (i = 0; i < sizeof default_links / sizeof default_links[0]; i++)
    if (symlinkat (default_links[i].target, dev, default_links[i].link + 5) < 0 && errno != EEXIST)
      return rt_error_set (err, errno, "symlink `%s`", default_links[i].link);
  if (faccessat (dev, "pts", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    {
      if (unlinkat (dev, "ptmx", 0) < 0 && errno != ENOENT)
        return rt_error_set (err, errno, "replace /dev/ptmx");
      if (symlinkat ("pts/ptmx", dev, "ptmx") < 0)
        return rt_error_set (err, errno, "symlink /dev/ptmx");
    }
  return 0;
}

int
rt_devices_create (int rootfd, const oci_config *cfg, bool bind_from_host, struct rt_error *err)
{
  const oci_linux *l = cfg->linux;
  size_t i;

  if (!dev_is_bind (cfg))
    {
      for (i = 0; i < sizeof default_devices / sizeof default_devices[0]; i++)
        if (!listed (l, default_devices[i].path)
            && make_node (rootfd, default_devices[i].path, S_IFCHR, default_devices[i].major, default_devices[i].minor,
                          0666, 0, 0, bind_from_host, err)
                   < 0)
          return -1;
      if (make_links (rootfd, err) < 0)
        return -1;
    }
  for (i = 0; l && i < l->devices_len; i++)
    {
      const oci_device *d = l->devices[i];
      if (make_node (rootfd, d->path, device_type (d->type), (unsigned) d->major, (unsigned) d->minor,
                     d->has_file_mode ? d->file_mode : 0666, d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0,
                     bind_from_host, err)
          < 0)
        return rt_error_prefix (err, ".linux.devices[%zu]", i);
    }
  return 0;
}
