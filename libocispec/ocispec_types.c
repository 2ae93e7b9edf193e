/* Field descriptors for every type in ocispec.h.  The codec (codec.c) reads
 * only these, so a new property is one line here.  Each table lists the
 * properties in the order of the runtime-spec's Go types (specs-go), which is
 * the order `runc spec` prints them and therefore the order we emit. */
#include "codec.h"

#include <stddef.h>

/* CUR is the C struct whose table is being written. */
#define FLD(json, kind, m, has, len, sub, flags, table, noun)                                                          \
  {                                                                                                                    \
    json, kind, offsetof (CUR, m), has, len, sub, flags, table, noun                                                   \
  }

#define STR(j, m) FLD (j, OCI_STRING, m, OCI_NO_OFFSET, 0, NULL, 0, NULL, NULL)
#define STR_REQ(j, m) FLD (j, OCI_STRING, m, OCI_NO_OFFSET, 0, NULL, OCI_REQUIRED, NULL, NULL)
#define ENUM(j, m, flags, table, noun) FLD (j, OCI_STRING, m, OCI_NO_OFFSET, 0, NULL, flags, table, noun)
#define BOOL(j, m) FLD (j, OCI_BOOL, m, OCI_NO_OFFSET, 0, NULL, 0, NULL, NULL)
#define BOOL_REQ(j, m) FLD (j, OCI_BOOL, m, OCI_NO_OFFSET, 0, NULL, OCI_REQUIRED, NULL, NULL)
#define OPT_BOOL(j, m) FLD (j, OCI_BOOL, m, offsetof (CUR, has_##m), 0, NULL, 0, NULL, NULL)
#define NUM(j, kind, m) FLD (j, kind, m, OCI_NO_OFFSET, 0, NULL, 0, NULL, NULL)
#define NUM_REQ(j, kind, m) FLD (j, kind, m, OCI_NO_OFFSET, 0, NULL, OCI_REQUIRED, NULL, NULL)
#define OPT_NUM(j, kind, m) FLD (j, kind, m, offsetof (CUR, has_##m), 0, NULL, 0, NULL, NULL)
#define OBJ(j, m, sub) FLD (j, OCI_OBJECT, m, OCI_NO_OFFSET, 0, &sub, 0, NULL, NULL)
#define STRV(j, m, flags) FLD (j, OCI_STRV, m, OCI_NO_OFFSET, offsetof (CUR, m##_len), NULL, flags, NULL, NULL)
#define ENUMV(j, m, table, noun) FLD (j, OCI_STRV, m, OCI_NO_OFFSET, offsetof (CUR, m##_len), NULL, 0, table, noun)
#define OBJV(j, m, sub) FLD (j, OCI_OBJV, m, OCI_NO_OFFSET, offsetof (CUR, m##_len), &sub, 0, NULL, NULL)
#define U32V(j, m) FLD (j, OCI_U32V, m, OCI_NO_OFFSET, offsetof (CUR, m##_len), NULL, 0, NULL, NULL)
#define STRMAP(j, m) FLD (j, OCI_STRMAP, m, OCI_NO_OFFSET, 0, NULL, 0, NULL, NULL)
#define OBJMAP(j, m, sub) FLD (j, OCI_OBJMAP, m, OCI_NO_OFFSET, 0, &sub, 0, NULL, NULL)

#define N_FIELDS(f) (sizeof (f) / sizeof ((f)[0]))
#define QUOTE_(x) #x
#define QUOTE(x) QUOTE_ (x)
#define TYPE(var, f) static const struct oci_type var = { QUOTE (CUR), sizeof (CUR), f, N_FIELDS (f) }
#define PUBLIC_TYPE(var, f) const struct oci_type var = { QUOTE (CUR), sizeof (CUR), f, N_FIELDS (f) }

/* ---- process ---- */

#define CUR oci_console_size
static const struct oci_field console_size_fields[] = {
  NUM ("height", OCI_UINT64, height),
  NUM ("width", OCI_UINT64, width),
};
TYPE (console_size_type, console_size_fields);
#undef CUR

#define CUR oci_user
static const struct oci_field user_fields[] = {
  NUM ("uid", OCI_UINT32, uid),         NUM ("gid", OCI_UINT32, gid),
  OPT_NUM ("umask", OCI_UINT32, umask), U32V ("additionalGids", additional_gids),
  STR ("username", username),
};
TYPE (user_type, user_fields);
#undef CUR

#define CUR oci_capabilities
/* any name: one that cannot be granted here is a warning (runtime-spec) */
#define CAPS(j, m) STRV (j, m, 0)
static const struct oci_field capabilities_fields[] = {
  CAPS ("bounding", bounding),   CAPS ("effective", effective), CAPS ("inheritable", inheritable),
  CAPS ("permitted", permitted), CAPS ("ambient", ambient),
};
#undef CAPS
TYPE (capabilities_type, capabilities_fields);
#undef CUR

#define CUR oci_rlimit
static const struct oci_field rlimit_fields[] = {
  ENUM ("type", type, OCI_REQUIRED, oci_rlimits, "rlimit type"),
  NUM_REQ ("hard", OCI_UINT64, hard),
  NUM_REQ ("soft", OCI_UINT64, soft),
};
TYPE (rlimit_type, rlimit_fields);
#undef CUR

#define CUR oci_scheduler
static const struct oci_field scheduler_fields[] = {
  ENUM ("policy", policy, 0, oci_sched_policies, "scheduler policy"),
  NUM ("nice", OCI_INT32, nice),
  NUM ("priority", OCI_INT32, priority),
  ENUMV ("flags", flags, oci_sched_flags, "scheduler flag"),
  NUM ("runtime", OCI_UINT64, runtime),
  NUM ("deadline", OCI_UINT64, deadline),
  NUM ("period", OCI_UINT64, period),
};
TYPE (scheduler_type, scheduler_fields);
#undef CUR

#define CUR oci_io_priority
static const struct oci_field io_priority_fields[] = {
  ENUM ("class", class, 0, oci_ioprio_classes, "I/O priority class"),
  NUM ("priority", OCI_INT32, priority),
};
TYPE (io_priority_type, io_priority_fields);
#undef CUR

#define CUR oci_exec_cpu_affinity
static const struct oci_field exec_cpu_affinity_fields[] = {
  STR ("initial", initial),
  STR ("final", final),
};
TYPE (exec_cpu_affinity_type, exec_cpu_affinity_fields);
#undef CUR

#define CUR oci_process
static const struct oci_field process_fields[] = {
  BOOL ("terminal", terminal),
  OBJ ("consoleSize", console_size, console_size_type),
  OBJ ("user", user, user_type),
  STRV ("args", args, 0),
  STR ("commandLine", command_line),
  STRV ("env", env, 0),
  STR_REQ ("cwd", cwd),
  OBJ ("capabilities", capabilities, capabilities_type),
  OBJV ("rlimits", rlimits, rlimit_type),
  BOOL ("noNewPrivileges", no_new_privileges),
  STR ("apparmorProfile", apparmor_profile),
  OPT_NUM ("oomScoreAdj", OCI_INT32, oom_score_adj),
  OBJ ("scheduler", scheduler, scheduler_type),
  STR ("selinuxLabel", selinux_label),
  OBJ ("ioPriority", io_priority, io_priority_type),
  OBJ ("execCPUAffinity", exec_cpu_affinity, exec_cpu_affinity_type),
};
PUBLIC_TYPE (oci_process_type, process_fields);
#undef CUR

/* ---- root, mounts, hooks ---- */

#define CUR oci_root
static const struct oci_field root_fields[] = {
  STR_REQ ("path", path),
  BOOL ("readonly", readonly),
};
TYPE (root_type, root_fields);
#undef CUR

#define CUR oci_id_mapping
static const struct oci_field id_mapping_fields[] = {
  NUM_REQ ("containerID", OCI_UINT32, container_id),
  NUM_REQ ("hostID", OCI_UINT32, host_id),
  NUM_REQ ("size", OCI_UINT32, size),
};
TYPE (id_mapping_type, id_mapping_fields);
#undef CUR

#define CUR oci_mount
static const struct oci_field mount_fields[] = {
  STR_REQ ("destination", destination),
  STR ("type", type),
  STR ("source", source),
  STRV ("options", options, 0),
  OBJV ("uidMappings", uid_mappings, id_mapping_type),
  OBJV ("gidMappings", gid_mappings, id_mapping_type),
};
TYPE (mount_type, mount_fields);
#undef CUR

#define CUR oci_hook
static const struct oci_field hook_fields[] = {
  STR_REQ ("path", path),
  STRV ("args", args, 0),
  STRV ("env", env, 0),
  OPT_NUM ("timeout", OCI_INT64, timeout),
};
TYPE (hook_type, hook_fields);
#undef CUR

#define CUR oci_hooks
static const struct oci_field hooks_fields[] = {
  OBJV ("prestart", prestart, hook_type),
  OBJV ("createRuntime", create_runtime, hook_type),
  OBJV ("createContainer", create_container, hook_type),
  OBJV ("startContainer", start_container, hook_type),
  OBJV ("poststart", poststart, hook_type),
  OBJV ("poststop", poststop, hook_type),
};
TYPE (hooks_type, hooks_fields);
#undef CUR

/* ---- linux.resources ---- */

#define CUR oci_device_cgroup
static const struct oci_field device_cgroup_fields[] = {
  BOOL_REQ ("allow", allow),           STR ("type", type),     OPT_NUM ("major", OCI_INT64, major),
  OPT_NUM ("minor", OCI_INT64, minor), STR ("access", access),
};
TYPE (device_cgroup_type, device_cgroup_fields);
#undef CUR

#define CUR oci_memory
static const struct oci_field memory_fields[] = {
  OPT_NUM ("limit", OCI_INT64, limit),
  OPT_NUM ("reservation", OCI_INT64, reservation),
  OPT_NUM ("swap", OCI_INT64, swap),
  OPT_NUM ("kernel", OCI_INT64, kernel),
  OPT_NUM ("kernelTCP", OCI_INT64, kernel_tcp),
  OPT_NUM ("swappiness", OCI_UINT64, swappiness),
  OPT_BOOL ("disableOOMKiller", disable_oom_killer),
  OPT_BOOL ("useHierarchy", use_hierarchy),
  BOOL ("checkBeforeUpdate", check_before_update),
};
TYPE (memory_type, memory_fields);
#undef CUR

#define CUR oci_cpu
static const struct oci_field cpu_fields[] = {
  OPT_NUM ("shares", OCI_UINT64, shares),
  OPT_NUM ("quota", OCI_INT64, quota),
  OPT_NUM ("burst", OCI_UINT64, burst),
  OPT_NUM ("period", OCI_UINT64, period),
  OPT_NUM ("realtimeRuntime", OCI_INT64, realtime_runtime),
  OPT_NUM ("realtimePeriod", OCI_UINT64, realtime_period),
  STR ("cpus", cpus),
  STR ("mems", mems),
  OPT_NUM ("idle", OCI_INT64, idle),
};
TYPE (cpu_type, cpu_fields);
#undef CUR

#define CUR oci_pids
static const struct oci_field pids_fields[] = {
  OPT_NUM ("limit", OCI_INT64, limit), /* optional since 1.3 */
};
TYPE (pids_type, pids_fields);
#undef CUR

#define CUR oci_weight_device
static const struct oci_field weight_device_fields[] = {
  NUM_REQ ("major", OCI_INT64, major),
  NUM_REQ ("minor", OCI_INT64, minor),
  OPT_NUM ("weight", OCI_UINT16, weight),
  OPT_NUM ("leafWeight", OCI_UINT16, leaf_weight),
};
TYPE (weight_device_type, weight_device_fields);
#undef CUR

#define CUR oci_throttle_device
static const struct oci_field throttle_device_fields[] = {
  NUM_REQ ("major", OCI_INT64, major),
  NUM_REQ ("minor", OCI_INT64, minor),
  NUM_REQ ("rate", OCI_UINT64, rate),
};
TYPE (throttle_device_type, throttle_device_fields);
#undef CUR

#define CUR oci_block_io
static const struct oci_field block_io_fields[] = {
  OPT_NUM ("weight", OCI_UINT16, weight),
  OPT_NUM ("leafWeight", OCI_UINT16, leaf_weight),
  OBJV ("weightDevice", weight_device, weight_device_type),
  OBJV ("throttleReadBpsDevice", throttle_read_bps_device, throttle_device_type),
  OBJV ("throttleWriteBpsDevice", throttle_write_bps_device, throttle_device_type),
  OBJV ("throttleReadIOPSDevice", throttle_read_iops_device, throttle_device_type),
  OBJV ("throttleWriteIOPSDevice", throttle_write_iops_device, throttle_device_type),
};
TYPE (block_io_type, block_io_fields);
#undef CUR

#define CUR oci_hugepage_limit
static const struct oci_field hugepage_limit_fields[] = {
  STR_REQ ("pageSize", page_size),
  NUM_REQ ("limit", OCI_UINT64, limit),
};
TYPE (hugepage_limit_type, hugepage_limit_fields);
#undef CUR

#define CUR oci_interface_priority
static const struct oci_field interface_priority_fields[] = {
  STR ("name", name),
  NUM ("priority", OCI_UINT32, priority),
};
TYPE (interface_priority_type, interface_priority_fields);
#undef CUR

#define CUR oci_network
static const struct oci_field network_fields[] = {
  OPT_NUM ("classID", OCI_UINT32, class_id),
  OBJV ("priorities", priorities, interface_priority_type),
};
TYPE (network_type, network_fields);
#undef CUR

#define CUR oci_rdma
static const struct oci_field rdma_fields[] = {
  OPT_NUM ("hcaHandles", OCI_UINT32, hca_handles),
  OPT_NUM ("hcaObjects", OCI_UINT32, hca_objects),
};
TYPE (rdma_type, rdma_fields);
#undef CUR

#define CUR oci_resources
static const struct oci_field resources_fields[] = {
  OBJV ("devices", devices, device_cgroup_type),
  OBJ ("memory", memory, memory_type),
  OBJ ("cpu", cpu, cpu_type),
  OBJ ("pids", pids, pids_type),
  OBJ ("blockIO", block_io, block_io_type),
  OBJV ("hugepageLimits", hugepage_limits, hugepage_limit_type),
  OBJ ("network", network, network_type),
  OBJMAP ("rdma", rdma, rdma_type),
  STRMAP ("unified", unified),
};
PUBLIC_TYPE (oci_resources_type, resources_fields);
#undef CUR

/* ---- linux ---- */

#define CUR oci_namespace
static const struct oci_field namespace_fields[] = {
  ENUM ("type", type, OCI_REQUIRED, oci_namespaces, "namespace type"),
  STR ("path", path),
};
TYPE (namespace_type, namespace_fields);
#undef CUR

#define CUR oci_time_offset
static const struct oci_field time_offset_fields[] = {
  NUM ("secs", OCI_INT64, secs),
  NUM ("nanosecs", OCI_UINT32, nanosecs),
};
TYPE (time_offset_type, time_offset_fields);
#undef CUR

#define CUR oci_device
static const struct oci_field device_fields[] = {
  STR_REQ ("path", path),
  ENUM ("type", type, OCI_REQUIRED, oci_device_types, "device type"),
  NUM ("major", OCI_INT64, major),
  NUM ("minor", OCI_INT64, minor),
  OPT_NUM ("fileMode", OCI_UINT32, file_mode),
  OPT_NUM ("uid", OCI_UINT32, uid),
  OPT_NUM ("gid", OCI_UINT32, gid),
};
TYPE (device_type, device_fields);
#undef CUR

#define CUR oci_intel_rdt
static const struct oci_field intel_rdt_fields[] = {
  STR ("closID", clos_id),        STR ("l3CacheSchema", l3_cache_schema),       STR ("memBwSchema", mem_bw_schema),
  STRV ("schemata", schemata, 0), BOOL ("enableMonitoring", enable_monitoring),
};
TYPE (intel_rdt_type, intel_rdt_fields);
#undef CUR

#define CUR oci_seccomp_arg
static const struct oci_field seccomp_arg_fields[] = {
  NUM_REQ ("index", OCI_UINT32, index),
  NUM_REQ ("value", OCI_UINT64, value),
  NUM ("valueTwo", OCI_UINT64, value_two),
  ENUM ("op", op, OCI_REQUIRED, oci_seccomp_operators, "seccomp operator"),
};
TYPE (seccomp_arg_type, seccomp_arg_fields);
#undef CUR

#define CUR oci_seccomp_syscall
static const struct oci_field seccomp_syscall_fields[] = {
  STRV ("names", names, OCI_REQUIRED),
  ENUM ("action", action, OCI_REQUIRED, oci_seccomp_actions, "seccomp action"),
  OPT_NUM ("errnoRet", OCI_UINT32, errno_ret),
  OBJV ("args", args, seccomp_arg_type),
};
TYPE (seccomp_syscall_type, seccomp_syscall_fields);
#undef CUR

#define CUR oci_seccomp
static const struct oci_field seccomp_fields[] = {
  ENUM ("defaultAction", default_action, OCI_REQUIRED, oci_seccomp_actions, "seccomp action"),
  OPT_NUM ("defaultErrnoRet", OCI_UINT32, default_errno_ret),
  ENUMV ("architectures", architectures, oci_seccomp_archs, "seccomp architecture"),
  ENUMV ("flags", flags, oci_seccomp_flags, "seccomp flag"),
  STR ("listenerPath", listener_path),
  STR ("listenerMetadata", listener_metadata),
  OBJV ("syscalls", syscalls, seccomp_syscall_type),
};
TYPE (seccomp_type, seccomp_fields);
#undef CUR

#define CUR oci_personality
static const struct oci_field personality_fields[] = {
  ENUM ("domain", domain, 0, oci_personality_domains, "personality domain"),
  STRV ("flags", flags, 0),
};
TYPE (personality_type, personality_fields);
#undef CUR

#define CUR oci_memory_policy
static const struct oci_field memory_policy_fields[] = {
  ENUM ("mode", mode, 0, oci_mempolicy_modes, "memory policy mode"),
  STR ("nodes", nodes),
  ENUMV ("flags", flags, oci_mempolicy_flags, "memory policy flag"),
};
TYPE (memory_policy_type, memory_policy_fields);
#undef CUR

#define CUR oci_net_device
static const struct oci_field net_device_fields[] = {
  STR ("name", name),
};
TYPE (net_device_type, net_device_fields);
#undef CUR

#define CUR oci_linux
static const struct oci_field linux_fields[] = {
  OBJV ("uidMappings", uid_mappings, id_mapping_type),
  OBJV ("gidMappings", gid_mappings, id_mapping_type),
  STRMAP ("sysctl", sysctl),
  OBJ ("resources", resources, oci_resources_type),
  STR ("cgroupsPath", cgroups_path),
  OBJV ("namespaces", namespaces, namespace_type),
  OBJV ("devices", devices, device_type),
  OBJ ("seccomp", seccomp, seccomp_type),
  STR ("rootfsPropagation", rootfs_propagation),
  STRV ("maskedPaths", masked_paths, 0),
  STRV ("readonlyPaths", readonly_paths, 0),
  STR ("mountLabel", mount_label),
  OBJ ("intelRdt", intel_rdt, intel_rdt_type),
  OBJ ("personality", personality, personality_type),
  OBJMAP ("timeOffsets", time_offsets, time_offset_type),
  OBJ ("memoryPolicy", memory_policy, memory_policy_type),
  OBJMAP ("netDevices", net_devices, net_device_type),
};
TYPE (linux_type, linux_fields);
#undef CUR

#define CUR oci_config
static const struct oci_field config_fields[] = {
  STR_REQ ("ociVersion", oci_version), OBJ ("process", process, oci_process_type),
  OBJ ("root", root, root_type),       STR ("hostname", hostname),
  STR ("domainname", domainname),      OBJV ("mounts", mounts, mount_type),
  OBJ ("hooks", hooks, hooks_type),    STRMAP ("annotations", annotations),
  OBJ ("linux", linux, linux_type),
};
PUBLIC_TYPE (oci_config_type, config_fields);
#undef CUR

/* ---- state ---- */

#define CUR oci_state
#define ALWAYS_STR(j, m) FLD (j, OCI_STRING, m, OCI_NO_OFFSET, 0, NULL, OCI_REQUIRED | OCI_ALWAYS, NULL, NULL)
static const struct oci_field state_fields[] = {
  ALWAYS_STR ("ociVersion", oci_version), ALWAYS_STR ("id", id),
  ALWAYS_STR ("status", status),          NUM ("pid", OCI_INT32, pid),
  ALWAYS_STR ("bundle", bundle),          STRMAP ("annotations", annotations),
};
#undef ALWAYS_STR
PUBLIC_TYPE (oci_state_type, state_fields);
#undef CUR

/* ---- features ---- */

#define CUR oci_feature_enabled
static const struct oci_field feature_enabled_fields[] = {
  OPT_BOOL ("enabled", enabled),
};
TYPE (feature_enabled_type, feature_enabled_fields);
#undef CUR

#define CUR oci_features_cgroup
static const struct oci_field features_cgroup_fields[] = {
  OPT_BOOL ("v1", v1),     OPT_BOOL ("v2", v2), OPT_BOOL ("systemd", systemd), OPT_BOOL ("systemdUser", systemd_user),
  OPT_BOOL ("rdma", rdma),
};
TYPE (features_cgroup_type, features_cgroup_fields);
#undef CUR

#define CUR oci_features_seccomp
static const struct oci_field features_seccomp_fields[] = {
  OPT_BOOL ("enabled", enabled), STRV ("actions", actions, 0),        STRV ("operators", operators, 0),
  STRV ("archs", archs, 0),      STRV ("knownFlags", known_flags, 0), STRV ("supportedFlags", supported_flags, 0),
};
TYPE (features_seccomp_type, features_seccomp_fields);
#undef CUR

#define CUR oci_features_mount_extensions
static const struct oci_field features_mount_extensions_fields[] = {
  OBJ ("idmap", idmap, feature_enabled_type),
};
TYPE (features_mount_extensions_type, features_mount_extensions_fields);
#undef CUR

#define CUR oci_features_intel_rdt
static const struct oci_field features_intel_rdt_fields[] = {
  OPT_BOOL ("enabled", enabled),
  OPT_BOOL ("schemata", schemata),
  OPT_BOOL ("monitoring", monitoring),
};
TYPE (features_intel_rdt_type, features_intel_rdt_fields);
#undef CUR

#define CUR oci_features_memory_policy
static const struct oci_field features_memory_policy_fields[] = {
  STRV ("modes", modes, 0),
  STRV ("flags", flags, 0),
};
TYPE (features_memory_policy_type, features_memory_policy_fields);
#undef CUR

#define CUR oci_features_linux
static const struct oci_field features_linux_fields[] = {
  STRV ("namespaces", namespaces, 0),
  STRV ("capabilities", capabilities, 0),
  OBJ ("cgroup", cgroup, features_cgroup_type),
  OBJ ("seccomp", seccomp, features_seccomp_type),
  OBJ ("apparmor", apparmor, feature_enabled_type),
  OBJ ("selinux", selinux, feature_enabled_type),
  OBJ ("intelRdt", intel_rdt, features_intel_rdt_type),
  OBJ ("memoryPolicy", memory_policy, features_memory_policy_type),
  OBJ ("mountExtensions", mount_extensions, features_mount_extensions_type),
  OBJ ("netDevices", net_devices, feature_enabled_type),
};
TYPE (features_linux_type, features_linux_fields);
#undef CUR

#define CUR oci_features
static const struct oci_field features_fields[] = {
  STR ("ociVersionMin", oci_version_min),
  STR ("ociVersionMax", oci_version_max),
  STRV ("hooks", hooks, 0),
  STRV ("mountOptions", mount_options, 0),
  OBJ ("linux", linux, features_linux_type),
  STRMAP ("annotations", annotations),
  STRV ("potentiallyUnsafeConfigAnnotations", potentially_unsafe_config_annotations, 0),
};
PUBLIC_TYPE (oci_features_type, features_fields);
#undef CUR
