#include "kernel/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "tables.h"
#include "util/cleanup.h"
#include "util/mountinfo.h"
#include "util/fs.h"

static unsigned long
propagation_flags (const char *name, unsigned long fallback)
{
  const struct oci_mount_option *o = name ? oci_mount_option_find (name) : NULL;

  return o && o->kind == OCI_MOUNT_PROPAGATION ? o->value : fallback;
}

static int
check_rootfs_propagation (const oci_config *cfg, struct rt_error *err)
{
  const char *p = cfg->linux ? cfg->linux->rootfs_propagation : NULL;

  if (p && *p && propagation_flags (p, 0) == 0)
    return rt_error_set (err, 0, ".linux.rootfsPropagation: unknown propagation \"%s\"", p);
  return 0;
}

/* The mount point that holds path: the longest mount point prefix. */
static char *
mount_point_of (const char *path)
{
  cleanup_fclose FILE *f = fopen ("/proc/self/mountinfo", "re");
  cleanup_free char *line = NULL;
  char *best = NULL;
  size_t cap = 0, best_len = 0;

  while (f && getline (&line, &cap, f) > 0)
    {
      char *mp = NULL;
      size_t n;

      if (sscanf (line, "%*s %*s %*s %*s %ms", &mp) != 1)
        continue;
      n = strlen (mp);
      if ((n == 1 || (strncmp (path, mp, n) == 0 && (path[n] == '/' || path[n] == '\0'))) && n >= best_len)
        {
          free (best);
          best = mp;
          best_len = n;
        }
      else
        free (mp);
    }
  return best;
}

/* Nothing mounted from here on may propagate back to the host, unless the
 * config asks for shared propagation: then / keeps its peers (so a shared
 * mount inside reaches the host, as with runc) and only the mount holding
 * the rootfs is made private, which pivot_root needs and which keeps the
 * rootfs bind itself off the host. The requested propagation is set on the
 * new root at the end. */
static int
set_first_propagation (const char *want, const char *rootfs, struct rt_error *err)
{
  unsigned long flags = want ? propagation_flags (want, 0) : 0;
  cleanup_free char *holder = NULL;

  if (!(flags & MS_SHARED))
    {
      unsigned long first = (flags & MS_PRIVATE) ? MS_PRIVATE : MS_SLAVE;
      if (mount (NULL, "/", NULL, first | MS_REC, NULL) < 0)
        return rt_error_set (err, errno, "make / a %s mount", first == MS_PRIVATE ? "private" : "slave");
      return 0;
    }
  holder = mount_point_of (rootfs);
  if (holder == NULL)
    return rt_error_set (err, ENOENT, "find the mount that holds `%s`", rootfs);
  if (mount (NULL, holder, NULL, MS_PRIVATE, NULL) < 0)
    return rt_error_set (err, errno, "make `%s` private", holder);
  return 0;
}

int
rt_rootfs_prepare (const oci_config *cfg, const char *rootfs, bool own_mount_ns, struct rt_mount_ctx *mc,
                   struct rt_error *err)
{
  const char *want = cfg->linux ? cfg->linux->rootfs_propagation : NULL;
  size_t i;

  if (check_rootfs_propagation (cfg, err) < 0)
    return -1;
  if (own_mount_ns)
    {
      if (set_first_propagation (want, rootfs, err) < 0)
        return -1;
      if (mount (rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
        return rt_error_set (err, errno, "bind-mount the rootfs `%s`", rootfs);
    }
  mc->rootfd = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (mc->rootfd < 0)
    return rt_error_set (err, errno, "open the rootfs `%s`", rootfs);
  for (i = 0; i < cfg->mounts_len; i++)
    if (rt_mount_entry (mc, cfg->mounts[i], i, err) < 0)
      return -1;
  if (rt_devices_create (mc->rootfd, cfg, mc->bind_devices, err) < 0)
    return -1;
  return rt_mounts_seal (mc, cfg, err);
}

/* pivot_root into the rootfs with the old root stacked on the same
 * directory, then detach it: no temporary directory in the rootfs needed. */
static int
pivot (const char *rootfs, struct rt_error *err)
{
  cleanup_close int oldroot = open ("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  cleanup_close int newroot = open (rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);

  if (oldroot < 0 || newroot < 0)
    return rt_error_set (err, errno, "open the rootfs for pivot_root");
  if (fchdir (newroot) < 0)
    return rt_error_set (err, errno, "chdir to the rootfs");
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return rt_error_set (err, errno, "pivot_root into `%s`", rootfs);
  if (fchdir (oldroot) < 0)
    return rt_error_set (err, errno, "chdir to the old root");
  /* the unmount must not propagate to the host */
  if (mount (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return rt_error_set (err, errno, "make the old root a slave");
  if (umount2 (".", MNT_DETACH) < 0)
    return rt_error_set (err, errno, "detach the old root");
  if (chdir ("/") < 0)
    return rt_error_set (err, errno, "chdir /");
  return 0;
}

/* Without pivot_root the host's mounts stay in the namespace, below the
 * chroot: a full procfs or sysfs among them would let the container mount
 * a new, unmasked one (the kernel allows it where a full one is visible).
 * As runc: each is detached (the detach kept from the host), or covered
 * where it cannot be. */
static int
hide_host_pseudo_fs (const char *rootfs, struct rt_error *err)
{
  cleanup_free char *real = realpath (rootfs, NULL);
  struct rt_mountinfo mi;
  size_t i, n;
  int ret = 0;

  if (real == NULL)
    return rt_error_set (err, errno, "--no-pivot: resolve `%s`", rootfs);
  n = strlen (real);
  if (rt_mountinfo_read (&mi, err) < 0)
    return -1;
  for (i = mi.len; ret == 0 && i-- > 0;)
    {
      const struct rt_mount_entry *e = &mi.e[i];
      if (strcmp (e->root, "/") != 0 || (strcmp (e->fstype, "proc") != 0 && strcmp (e->fstype, "sysfs") != 0)
          || (strncmp (e->mountpoint, real, n) == 0 && (e->mountpoint[n] == '/' || e->mountpoint[n] == '\0')))
        continue;
      if (mount (NULL, e->mountpoint, NULL, MS_SLAVE | MS_REC, NULL) < 0)
        {
          if (errno == ENOENT)
            continue; /* below one detached already */
          ret = rt_error_set (err, errno, "--no-pivot: make `%s` a slave", e->mountpoint);
        }
      else if (umount2 (e->mountpoint, MNT_DETACH) < 0
               && ((errno != EINVAL && errno != EPERM) || mount ("tmpfs", e->mountpoint, "tmpfs", 0, NULL) < 0))
        ret = rt_error_set (err, errno, "--no-pivot: hide the host's `%s`", e->mountpoint);
    }
  rt_mountinfo_free (&mi);
  return ret;
}

static int
move_root (const char *rootfs, struct rt_error *err)
{
  if (hide_host_pseudo_fs (rootfs, err) < 0)
    return -1;
  if (chdir (rootfs) < 0)
    return rt_error_set (err, errno, "chdir to the rootfs `%s`", rootfs);
  if (mount (rootfs, "/", NULL, MS_MOVE, NULL) < 0)
    return rt_error_set (err, errno, "move the rootfs to /");
  if (chroot (".") < 0)
    return rt_error_set (err, errno, "chroot into the rootfs");
  if (chdir ("/") < 0)
    return rt_error_set (err, errno, "chdir /");
  return 0;
}

int
rt_rootfs_pivot (const char *rootfs, bool no_pivot, struct rt_error *err)
{
  return no_pivot ? move_root (rootfs, err) : pivot (rootfs, err);
}

/* What masking and read-only paths share: the root, the empty directory
 * all masked directories show, and which of /proc and /sys is known to be
 * the kernel's. */
struct finish
{
  int rootfd;
  int empty_dir;
  bool proc_checked, sys_checked;
};

/* /proc and /sys must really be procfs and sysfs before masking relies on
 * them: a rootfs could place a symlink or another filesystem there. Once
 * each: a path masked or made read-only below them does not change them. */
static int
check_fs_type (struct finish *f, const char *path, struct rt_error *err)
{
  bool proc = strncmp (path, "/proc/", 6) == 0;
  bool *checked = proc ? &f->proc_checked : &f->sys_checked;
  struct statfs sfs;

  if (!proc && strncmp (path, "/sys/", 5) != 0)
    return 0;
  if (*checked)
    return 0;
  if (statfs (proc ? "/proc" : "/sys", &sfs) < 0)
    return 0; /* nothing mounted: nothing to mask either */
  if (proc ? sfs.f_type != PROC_SUPER_MAGIC : sfs.f_type != SYSFS_MAGIC)
    return rt_error_set (err, 0, "`%s` is below a %s that is not the kernel's %s", path, proc ? "/proc" : "/sys",
                         proc ? "procfs" : "sysfs");
  *checked = true;
  return 0;
}

/* /proc or /sys itself masked or remounted: check what is there anew */
static void
forget_fs_type (struct finish *f, const char *path)
{
  if (strcmp (path, "/proc") == 0 || strcmp (path, "/proc/") == 0)
    f->proc_checked = false;
  if (strcmp (path, "/sys") == 0 || strcmp (path, "/sys/") == 0)
    f->sys_checked = false;
}

static int
mask_path (struct finish *f, const char *path, size_t index, struct rt_error *err)
{
  cleanup_close int fd = -1;
  struct stat st;

  if (check_fs_type (f, path, err) < 0)
    return rt_error_prefix (err, ".linux.maskedPaths[%zu]", index);
  forget_fs_type (f, path);
  fd = rt_open_in_root (f->rootfd, path, O_PATH | O_NOFOLLOW, 0, NULL);
  if (fd < 0)
    return errno == ENOENT ? 0 : rt_error_set (err, errno, ".linux.maskedPaths[%zu]: open `%s`", index, path);
  if (fstat (fd, &st) < 0)
    return rt_error_set (err, errno, ".linux.maskedPaths[%zu]: stat `%s`", index, path);
  if (!S_ISDIR (st.st_mode))
    {
      if (rt_mount_fd ("/dev/null", fd, NULL, MS_BIND, NULL) < 0)
        return rt_error_set (err, errno, ".linux.maskedPaths[%zu]: mask `%s`", index, path);
      return 0;
    }
  if (f->empty_dir >= 0)
    {
      /* every masked directory shares the first one's empty tmpfs */
      cleanup_free char *src = rt_fd_path (f->empty_dir);
      if (rt_mount_fd (src, fd, NULL, MS_BIND, NULL) < 0)
        return rt_error_set (err, errno, ".linux.maskedPaths[%zu]: mask `%s`", index, path);
      return 0;
    }
  if (rt_mount_fd ("tmpfs", fd, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0,nr_inodes=1") < 0)
    return rt_error_set (err, errno, ".linux.maskedPaths[%zu]: mask `%s`", index, path);
  f->empty_dir = rt_open_in_root (f->rootfd, path, O_PATH | O_DIRECTORY, 0, err);
  return f->empty_dir < 0 ? -1 : 0;
}

static int
readonly_path (struct finish *f, const char *path, size_t index, struct rt_error *err)
{
  cleanup_close int fd = -1, top = -1;

  if (check_fs_type (f, path, err) < 0)
    return rt_error_prefix (err, ".linux.readonlyPaths[%zu]", index);
  forget_fs_type (f, path);
  fd = rt_open_in_root (f->rootfd, path, O_PATH | O_NOFOLLOW, 0, NULL);
  if (fd < 0)
    return errno == ENOENT ? 0 : rt_error_set (err, errno, ".linux.readonlyPaths[%zu]: open `%s`", index, path);
  if (rt_mount_fd (path, fd, NULL, MS_BIND | MS_REC, NULL) < 0)
    return rt_error_set (err, errno, ".linux.readonlyPaths[%zu]: bind `%s`", index, path);
  top = rt_open_in_root (f->rootfd, path, O_PATH | O_NOFOLLOW, 0, err);
  if (top < 0)
    return -1;
  if (rt_mount_fd (NULL, top, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_REC, NULL)
      < 0)
    return rt_error_set (err, errno, ".linux.readonlyPaths[%zu]: remount `%s` read-only", index, path);
  return 0;
}

static int
mask_and_protect (const oci_linux *l, struct rt_error *err)
{
  struct finish f = { .rootfd = -1, .empty_dir = -1 };
  size_t i;
  int ret = 0;

  if (l == NULL || l->masked_paths_len + l->readonly_paths_len == 0)
    return 0;
  f.rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (f.rootfd < 0)
    return rt_error_set (err, errno, "open /");
  for (i = 0; ret == 0 && i < l->masked_paths_len; i++)
    ret = mask_path (&f, l->masked_paths[i], i, err);
  for (i = 0; ret == 0 && i < l->readonly_paths_len; i++)
    ret = readonly_path (&f, l->readonly_paths[i], i, err);
  close (f.rootfd);
  if (f.empty_dir >= 0)
    close (f.empty_dir);
  return ret;
}

int
rt_rootfs_finish (const oci_config *cfg, bool own_mount_ns, struct rt_error *err)
{
  const oci_linux *l = cfg->linux;

  if (mask_and_protect (l, err) < 0)
    return -1;
  /* without a mount namespace "/" is a directory of the host's: changing
   * its mount would change the host's */
  if (!own_mount_ns && ((l && l->rootfs_propagation) || (cfg->root && cfg->root->readonly)))
    return rt_error_set (err, 0, "%s needs a mount namespace",
                         cfg->root && cfg->root->readonly ? ".root.readonly" : ".linux.rootfsPropagation");
  if (l && l->rootfs_propagation && mount (NULL, "/", NULL, propagation_flags (l->rootfs_propagation, 0), NULL) < 0)
    return rt_error_set (err, errno, ".linux.rootfsPropagation: set `%s` on /", l->rootfs_propagation);
  if (cfg->root && cfg->root->readonly && mount (NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, NULL) < 0)
    return rt_error_set (err, errno, ".root.readonly: remount / read-only");
  return 0;
}
