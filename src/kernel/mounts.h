/* The config's mounts, each onto a target resolved inside the rootfs. */
#ifndef RT_MOUNTS_H
#define RT_MOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/mount_opts.h"
#include "ocispec.h"
#include "util/error.h"

struct rt_mount_ctx
{
  int rootfd;         /* O_PATH of the rootfs (before pivot_root) */
  const char *bundle; /* relative bind sources are relative to it */
  bool new_cgroupns;
  bool bind_devices;        /* mknod is not allowed (a user namespace): bind the host's nodes */
  char *const *cgroup_dirs; /* the container's cgroups, for cgroup mounts without a cgroupns */
  size_t cgroup_dirs_len;
  const char *mount_label;                      /* linux.mountLabel: context= for the filesystems that take one */
  const struct rt_cgroup_layout *cgroup_layout; /* the parent's reading where it holds here; NULL: read it */
};

int rt_mount_entry (const struct rt_mount_ctx *c, const oci_mount *m, size_t index, struct rt_error *err);
/* Once every mount and device is in: read-only tmpfs mounts (and /dev)
 * become read-only (they were mounted writable to take what goes below). */
int rt_mounts_seal (const struct rt_mount_ctx *c, const oci_config *cfg, struct rt_error *err);

/* Before anything exists: what rt_mount_entry cannot do (id-mapped mounts
 * of anything but a bind mount, mappings missing). */
int rt_mounts_check (const oci_config *cfg, struct rt_error *err);

/* Id-mapped mounts (idmap, ridmap, or per-mount uidMappings/gidMappings),
 * and the bind mounts of a container with a new user namespace, are made
 * by the parent before the clone, as detached trees: only rt in the host's
 * user namespace may idmap a host filesystem, and reach a source that the
 * container's root (mapped to another uid) may not. The child inherits the
 * fds (and this module's table of them) and attaches each on its target;
 * the parent releases its copies after the clone. */
int rt_mounts_prepare (const oci_config *cfg, const char *bundle, struct rt_error *err);
void rt_mounts_release_prepared (void);

/* Mount onto an fd: through its /proc/self/fd path, so nothing in the
 * rootfs can redirect the target between resolution and mount. */
int rt_mount_fd (const char *source, int targetfd, const char *type, unsigned long flags, const char *data);

#endif
