/* Which sysctls a container may set: /proc/sys is mostly global, so only
 * the keys that a namespace of the container's own isolates are allowed
 * (runc's rules); then they are written from inside the container. */
#ifndef RT_SYSCTL_H
#define RT_SYSCTL_H

#include "ocispec.h"
#include "util/error.h"

/* Before anything exists: every .linux.sysctl key against the namespaces
 * of the config; errors name `.linux.sysctl["key"]`. */
int rt_sysctl_check (const oci_config *cfg, struct rt_error *err);

/* Write every .linux.sysctl value, from inside the container's
 * namespaces (its /proc/sys). */
int rt_sysctl_apply (const oci_config *cfg, struct rt_error *err);

#endif
