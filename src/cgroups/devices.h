/* The device allow-list: everything denied, then linux.resources.devices,
 * then the devices every container gets (runc's defaults). linux.devices
 * are made, not allowed: a config that denies everything keeps its extra
 * devices unusable, as with runc. Inside the cgroups layer only. */
#ifndef RT_CGROUP_DEVICES_H
#define RT_CGROUP_DEVICES_H

#include <stddef.h>

#include "ocispec.h"
#include "util/error.h"

struct rt_device_rules
{
  oci_device_cgroup **rules;
  size_t len;
};

int rt_device_rules_build (const oci_resources *res, struct rt_device_rules *out, struct rt_error *err);
void rt_device_rules_free (struct rt_device_rules *r);

/* v1: devices.deny / devices.allow, one line per rule. */
int rt_cgroup_v1_devices (const char *dir, oci_device_cgroup *const *rules, size_t n, struct rt_error *err);

/* v2: the rules compiled to a BPF_PROG_TYPE_CGROUP_DEVICE program that
 * replaces the device programs attached to dir (devices_bpf.c). */
struct bpf_insn;
int rt_devices_bpf_program (oci_device_cgroup *const *rules, size_t n, struct bpf_insn **out, size_t *len,
                            struct rt_error *err);
int rt_cgroup_v2_devices (const char *dir, oci_device_cgroup *const *rules, size_t n, struct rt_error *err);

#endif
