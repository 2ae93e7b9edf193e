/* The container's root: propagation, the rootfs bind, its mounts and
 * devices, then pivot_root (or MS_MOVE + chroot with --no-pivot), masked
 * and read-only paths, and a read-only root. */
#ifndef RT_ROOTFS_H
#define RT_ROOTFS_H

#include <stdbool.h>

#include "kernel/mounts.h"
#include "ocispec.h"
#include "util/error.h"

/* Before the hooks: mounts and devices, all inside the rootfs. Without a
 * mount namespace of its own the container's mounts land in the caller's,
 * as with runc: the config asked for exactly that. */
int rt_rootfs_prepare (const oci_config *cfg, const char *rootfs, bool own_mount_ns, struct rt_mount_ctx *mc,
                       struct rt_error *err);
/* After the createContainer hooks. */
int rt_rootfs_pivot (const char *rootfs, bool no_pivot, struct rt_error *err);
int rt_rootfs_finish (const oci_config *cfg, bool own_mount_ns, struct rt_error *err);

/* The devices every container gets (/dev/null, ...): the i-th path, NULL past the last. */
const char *rt_device_default_path (size_t i);
/* linux.devices and the default devices, created inside the rootfs. */
int rt_devices_create (int rootfd, const oci_config *cfg, bool bind_from_host, struct rt_error *err);

#endif
