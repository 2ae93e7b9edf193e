/* linux.netDevices: host interfaces moved (and renamed) into the
 * container's network namespace by the parent, after the clone. As the
 * runtime-spec requires, they are never moved back: when the namespace
 * dies the kernel returns physical devices to the host and destroys
 * virtual ones. */
#ifndef RT_NETDEV_H
#define RT_NETDEV_H

#include <sys/types.h>

#include "kernel/namespaces.h"
#include "ocispec.h"
#include "util/error.h"

/* Before anything exists: a network namespace of the container's own,
 * valid names, each interface present on the host, no two with the same
 * name in the container. */
int rt_netdev_check (const oci_config *cfg, struct rt_error *err);

/* Parent, after the clone and before the child goes on: move each device
 * into the child's namespace (its joined one, or /proc/<pid>/ns/net),
 * with its permanent global addresses, and bring it up. */
int rt_netdev_move (const oci_linux *l, pid_t pid, const struct rt_namespaces *ns, struct rt_error *err);

/* The child, in its new network namespace: loopback up. Two ioctls, as
 * crun does: no netlink socket in the child. */
int rt_netdev_loopback_up (struct rt_error *err);

#endif
