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

/* Where nodes are made: /dev, opened once (nearly every node is there),
 * and what a node made in it gets without being told, so that the common
 * node is one mknodat instead of eight calls. */
struct node_dir
{
  int dev; /* -1: no /dev directory yet */
  uid_t uid;
  gid_t gid;
};

static void
node_dir_open (int rootfd, struct node_dir *nd)
{
  struct stat st;

  nd->uid = geteuid ();
  nd->gid = getegid ();
  nd->dev = rt_open_in_root (rootfd, "/dev", O_RDONLY | O_DIRECTORY, 0, NULL);
  /* a set-group-ID /dev gives its group to new nodes: open each parent then */
  if (nd->dev >= 0 && (fstat (nd->dev, &st) < 0 || (st.st_mode & S_ISGID)))
    {
      close (nd->dev);
      nd->dev = -1;
    }
}

/* The directory of path (*dirfd: nd->dev, or *own opened for it). */
static int
node_parent (int rootfd, const struct node_dir *nd, const char *path, const char **base, int *own, struct rt_error *err)
{
  cleanup_close int parent = -1;
  cleanup_free char *pp = NULL;
  const char *slash = strrchr (path, '/');

  /* directly in /dev: its only slash after "/dev" ends a name */
  if (nd->dev >= 0 && slash != NULL && slash - path == 4 && strncmp (path, "/dev/", 5) == 0 && slash[1] != '\0')
    {
      *base = slash + 1;
      return nd->dev;
    }
  parent = open_parent (rootfd, path, base, err);
  if (parent < 0)
    return -1;
  /* an O_PATH parent cannot be used with mknodat: reopen it as a directory */
  if (asprintf (&pp, "/proc/self/fd/%d", parent) < 0)
    return rt_error_set (err, ENOMEM, "device");
  *own = open (pp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (*own < 0)
    return rt_error_set (err, errno, "open the directory of `%s`", path);
  return *own;
}

/* umask is 0 here (rt_devices_create): mknod gives the mode asked for */
static int
make_node (int rootfd, const struct node_dir *nd, const char *path, mode_t type, unsigned major, unsigned minor,
           mode_t mode, uid_t uid, gid_t gid, bool bind_from_host, struct rt_error *err)
{
  const char *base = NULL;
  cleanup_close int own = -1;
  int dirfd = node_parent (rootfd, nd, path, &base, &own, err);
  dev_t dev = makedev (major, minor);

  if (dirfd < 0)
    return -1;
  if (bind_from_host)
    {
      cleanup_close int target = -1;
      if (unlinkat (dirfd, base, 0) < 0 && errno != ENOENT && errno != EISDIR)
        return rt_error_set (err, errno, "replace `%s`", path);
      target = openat (dirfd, base, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (target < 0)
        return rt_error_set (err, errno, "create `%s`", path);
      if (rt_mount_fd (path, target, NULL, MS_BIND, NULL) < 0)
        return rt_error_set (err, errno, "bind-mount the host's `%s`", path);
      return 0;
    }
  /* a node already there (a /dev that is no tmpfs) is replaced */
  if (mknodat (dirfd, base, type | (mode & 07777), dev) < 0
      && (errno != EEXIST || unlinkat (dirfd, base, 0) < 0 || mknodat (dirfd, base, type | (mode & 07777), dev) < 0))
    return rt_error_set (err, errno, "mknod `%s`", path);
  if ((mode & 07000) && fchmodat (dirfd, base, mode & 07777, 0) < 0)
    return rt_error_set (err, errno, "chmod `%s`", path);
  if ((dirfd != nd->dev || uid != nd->uid || gid != nd->gid)
      && fchownat (dirfd, base, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
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
make_links (int rootfd, const struct node_dir *nd, struct rt_error *err)
{
  /* the /dev the nodes were made in, or (set-group-ID) one of its own */
  cleanup_close int own = nd->dev < 0 ? rt_open_in_root (rootfd, "/dev", O_RDONLY | O_DIRECTORY, 0, NULL) : -1;
  int dev = nd->dev >= 0 ? nd->dev : own;
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

static int
create_all (int rootfd, const oci_config *cfg, const struct node_dir *nd, bool bind_from_host, struct rt_error *err)
{
  const oci_linux *l = cfg->linux;
  size_t i;

  if (!dev_is_bind (cfg))
    {
      for (i = 0; i < sizeof default_devices / sizeof default_devices[0]; i++)
        if (!listed (l, default_devices[i].path)
            && make_node (rootfd, nd, default_devices[i].path, S_IFCHR, default_devices[i].major,
                          default_devices[i].minor, 0666, 0, 0, bind_from_host, err)
                   < 0)
          return -1;
      if (make_links (rootfd, nd, err) < 0)
        return -1;
    }
  for (i = 0; l && i < l->devices_len; i++)
    {
      const oci_device *d = l->devices[i];
      if (make_node (rootfd, nd, d->path, device_type (d->type), (unsigned) d->major, (unsigned) d->minor,
                     d->has_file_mode ? d->file_mode : 0666, d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0,
                     bind_from_host, err)
          < 0)
        return rt_error_prefix (err, ".linux.devices[%zu]", i);
    }
  return 0;
}

int
rt_devices_create (int rootfd, const oci_config *cfg, bool bind_from_host, struct rt_error *err)
{
  struct node_dir nd;
  mode_t mask = umask (0);
  int r;

  node_dir_open (rootfd, &nd);
  r = create_all (rootfd, cfg, &nd, bind_from_host, err);
  umask (mask);
  if (nd.dev >= 0)
    close (nd.dev);
  return r;
}
