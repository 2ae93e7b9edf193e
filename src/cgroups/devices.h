/* The device allow-list: the config's rules, then the devices every
 * container gets (runc's defaults) and the config's linux.devices. */
#ifndef RT_CGROUP_DEVICES_H
#define RT_CGROUP_DEVICES_H

#include "ocispec.h"
#include "util/error.h"

struct rt_device_rules
{
  oci_device_cgroup **rules;
  size_t len;
};

int rt_device_rules_build (const oci_config *cfg, struct rt_device_rules *out, struct rt_error *err);
void rt_device_rules_free (struct rt_device_rules *r);

int rt_cgroup_v1_devices (const char *dir, oci_device_cgroup *const *rules, size_t n, struct rt_error *err);

#endif
