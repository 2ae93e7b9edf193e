/* libocispec: C types for the OCI runtime-spec 1.2 (Linux) config, process,
 * resources, state and features documents; parsing with exact JSON-path
 * errors, JSON output and freeing, all driven by one set of field tables
 * (ocispec_types.c).
 *
 * Conventions, the same for every type:
 *  - JSON name fooBar  ->  C member foo_bar.
 *  - strings: char * (NULL when absent).
 *  - bool: bool (false when absent).
 *  - integers: the spec's width; when absence differs from zero, a companion
 *    `bool has_<member>` says whether the value was given.
 *  - nested object: pointer, NULL when absent.
 *  - array of strings: char **m; size_t m_len.
 *  - array of objects: struct T **m; size_t m_len.
 *    Arrays of strings and of objects made by parse, dup and oci_strv_append
 *    also end with a NULL (m[m_len] == NULL), so args/env go to execve as is.
 *  - map of strings: oci_strmap; map of objects: oci_objmap.
 * Everything is heap-owned by the document and released by its _free(). */
#ifndef OCISPEC_H
#define OCISPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* GNU C predefines `linux' as 1, which would turn the `linux' members below
 * into syntax errors; nothing should test that macro (use __linux__). */
#undef linux

#define OCI_SPEC_VERSION "1.3.0"

typedef struct
{
  char **keys;
  char **values;
  size_t len;
} oci_strmap;

typedef struct
{
  char **keys;
  void **values; /* each points to the map's element type */
  size_t len;
} oci_objmap;

/* ---- process ---- */
typedef struct
{
  uint64_t height;
  uint64_t width;
} oci_console_size;

typedef struct
{
  uint32_t uid;
  uint32_t gid;
  uint32_t umask;
  bool has_umask;
  uint32_t *additional_gids;
  size_t additional_gids_len;
  char *username;
} oci_user;

typedef struct
{
  char **bounding;
  size_t bounding_len;
  char **effective;
  size_t effective_len;
  char **inheritable;
  size_t inheritable_len;
  char **permitted;
  size_t permitted_len;
  char **ambient;
  size_t ambient_len;
} oci_capabilities;

typedef struct
{
  char *type; /* RLIMIT_* */
  uint64_t hard;
  uint64_t soft;
} oci_rlimit;

typedef struct
{
  char *policy; /* SCHED_* */
  int32_t nice;
  int32_t priority;
  char **flags;
  size_t flags_len;
  uint64_t runtime;
  uint64_t deadline;
  uint64_t period;
} oci_scheduler;

typedef struct
{
  char *class; /* IOPRIO_CLASS_RT | _BE | _IDLE */
  int32_t priority;
} oci_io_priority;

typedef struct
{
  char *initial;
  char *final;
} oci_exec_cpu_affinity;

typedef struct
{
  bool terminal;
  oci_console_size *console_size;
  oci_user *user;
  char **args;
  size_t args_len;
  char *command_line;
  char **env;
  size_t env_len;
  char *cwd;
  oci_capabilities *capabilities;
  oci_rlimit **rlimits;
  size_t rlimits_len;
  bool no_new_privileges;
  char *apparmor_profile;
  int32_t oom_score_adj;
  bool has_oom_score_adj;
  oci_scheduler *scheduler;
  char *selinux_label;
  oci_io_priority *io_priority;
  oci_exec_cpu_affinity *exec_cpu_affinity;
} oci_process;

/* ---- root, mounts, hooks ---- */
typedef struct
{
  char *path;
  bool readonly;
} oci_root;

typedef struct
{
  uint32_t container_id;
  uint32_t host_id;
  uint32_t size;
} oci_id_mapping;

typedef struct
{
  char *destination;
  char *source;
  char **options;
  size_t options_len;
  char *type;
  oci_id_mapping **uid_mappings;
  size_t uid_mappings_len;
  oci_id_mapping **gid_mappings;
  size_t gid_mappings_len;
} oci_mount;

typedef struct
{
  char *path;
  char **args;
  size_t args_len;
  char **env;
  size_t env_len;
  int64_t timeout;
  bool has_timeout;
} oci_hook;

typedef struct
{
  oci_hook **prestart;
  size_t prestart_len;
  oci_hook **create_runtime;
  size_t create_runtime_len;
  oci_hook **create_container;
  size_t create_container_len;
  oci_hook **start_container;
  size_t start_container_len;
  oci_hook **poststart;
  size_t poststart_len;
  oci_hook **poststop;
  size_t poststop_len;
} oci_hooks;

/* ---- linux ---- */
typedef struct
{
  char *type; /* a name from the namespace table */
  char *path;
} oci_namespace;

typedef struct
{
  int64_t secs;
  uint32_t nanosecs;
} oci_time_offset;

typedef struct
{
  char *type; /* c, b, u, p */
  char *path;
  int64_t major;
  int64_t minor;
  uint32_t file_mode;
  bool has_file_mode;
  uint32_t uid;
  bool has_uid;
  uint32_t gid;
  bool has_gid;
} oci_device;

typedef struct
{
  bool allow;
  char *type; /* a, c, b */
  int64_t major;
  bool has_major;
  int64_t minor;
  bool has_minor;
  char *access;
} oci_device_cgroup;

typedef struct
{
  int64_t limit;
  bool has_limit;
  int64_t reservation;
  bool has_reservation;
  int64_t swap;
  bool has_swap;
  int64_t kernel;
  bool has_kernel;
  int64_t kernel_tcp;
  bool has_kernel_tcp;
  uint64_t swappiness;
  bool has_swappiness;
  bool disable_oom_killer;
  bool has_disable_oom_killer;
  bool use_hierarchy;
  bool has_use_hierarchy;
  bool check_before_update;
} oci_memory;

typedef struct
{
  uint64_t shares;
  bool has_shares;
  int64_t quota;
  bool has_quota;
  uint64_t burst;
  bool has_burst;
  uint64_t period;
  bool has_period;
  int64_t realtime_runtime;
  bool has_realtime_runtime;
  uint64_t realtime_period;
  bool has_realtime_period;
  char *cpus;
  char *mems;
  int64_t idle;
  bool has_idle;
} oci_cpu;

typedef struct
{
  int64_t limit; /* -1 (or below 0): no limit; 0 is a limit (1.3) */
  bool has_limit;
} oci_pids;

typedef struct
{
  int64_t major;
  int64_t minor;
  uint16_t weight;
  bool has_weight;
  uint16_t leaf_weight;
  bool has_leaf_weight;
} oci_weight_device;

typedef struct
{
  int64_t major;
  int64_t minor;
  uint64_t rate;
} oci_throttle_device;

typedef struct
{
  uint16_t weight;
  bool has_weight;
  uint16_t leaf_weight;
  bool has_leaf_weight;
  oci_weight_device **weight_device;
  size_t weight_device_len;
  oci_throttle_device **throttle_read_bps_device;
  size_t throttle_read_bps_device_len;
  oci_throttle_device **throttle_write_bps_device;
  size_t throttle_write_bps_device_len;
  oci_throttle_device **throttle_read_iops_device;
  size_t throttle_read_iops_device_len;
  oci_throttle_device **throttle_write_iops_device;
  size_t throttle_write_iops_device_len;
} oci_block_io;

typedef struct
{
  char *page_size;
  uint64_t limit;
} oci_hugepage_limit;

typedef struct
{
  char *name;
  uint32_t priority;
} oci_interface_priority;

typedef struct
{
  uint32_t class_id;
  bool has_class_id;
  oci_interface_priority **priorities;
  size_t priorities_len;
} oci_network;

typedef struct
{
  uint32_t hca_handles;
  bool has_hca_handles;
  uint32_t hca_objects;
  bool has_hca_objects;
} oci_rdma;

typedef struct
{
  oci_device_cgroup **devices;
  size_t devices_len;
  oci_memory *memory;
  oci_cpu *cpu;
  oci_pids *pids;
  oci_block_io *block_io;
  oci_hugepage_limit **hugepage_limits;
  size_t hugepage_limits_len;
  oci_network *network;
  oci_objmap rdma; /* values: oci_rdma * */
  oci_strmap unified;
} oci_resources;

typedef struct
{
  char *clos_id;
  char *l3_cache_schema;
  char *mem_bw_schema;
  char **schemata;
  size_t schemata_len;
  bool enable_monitoring;
} oci_intel_rdt;

typedef struct
{
  uint32_t index;
  uint64_t value;
  uint64_t value_two;
  char *op; /* SCMP_CMP_* */
} oci_seccomp_arg;

typedef struct
{
  char **names;
  size_t names_len;
  char *action; /* SCMP_ACT_* */
  uint32_t errno_ret;
  bool has_errno_ret;
  oci_seccomp_arg **args;
  size_t args_len;
} oci_seccomp_syscall;

typedef struct
{
  char *default_action;
  uint32_t default_errno_ret;
  bool has_default_errno_ret;
  char **architectures;
  size_t architectures_len;
  char **flags;
  size_t flags_len;
  char *listener_path;
  char *listener_metadata;
  oci_seccomp_syscall **syscalls;
  size_t syscalls_len;
} oci_seccomp;

typedef struct
{
  char *domain; /* LINUX | LINUX32 */
  char **flags;
  size_t flags_len;
} oci_personality;

typedef struct
{
  char *mode; /* MPOL_* */
  char *nodes;
  char **flags;
  size_t flags_len;
} oci_memory_policy;

typedef struct
{
  char *name;
} oci_net_device;

typedef struct
{
  oci_namespace **namespaces;
  size_t namespaces_len;
  oci_id_mapping **uid_mappings;
  size_t uid_mappings_len;
  oci_id_mapping **gid_mappings;
  size_t gid_mappings_len;
  oci_objmap time_offsets; /* values: oci_time_offset *, keys "monotonic"/"boottime" */
  oci_device **devices;
  size_t devices_len;
  char *cgroups_path;
  oci_resources *resources;
  oci_intel_rdt *intel_rdt;
  oci_strmap sysctl;
  oci_seccomp *seccomp;
  char *rootfs_propagation;
  char **masked_paths;
  size_t masked_paths_len;
  char **readonly_paths;
  size_t readonly_paths_len;
  char *mount_label;
  oci_personality *personality;
  oci_memory_policy *memory_policy;
  oci_objmap net_devices; /* values: oci_net_device * */
} oci_linux;

typedef struct
{
  char *oci_version;
  oci_process *process;
  oci_root *root;
  char *hostname;
  char *domainname;
  oci_mount **mounts;
  size_t mounts_len;
  oci_hooks *hooks;
  oci_strmap annotations;
  oci_linux *linux;
} oci_config;

/* ---- state.json (the OCI state, as `rt state` prints it) ---- */
typedef struct
{
  char *oci_version;
  char *id;
  char *status;
  int32_t pid; /* 0 when there is no process */
  char *bundle;
  oci_strmap annotations;
} oci_state;

/* ---- features (runtime-spec features.md) ---- */
typedef struct
{
  bool enabled;
  bool has_enabled;
} oci_feature_enabled;

typedef struct
{
  bool v1, has_v1;
  bool v2, has_v2;
  bool systemd, has_systemd;
  bool systemd_user, has_systemd_user;
  bool rdma, has_rdma;
} oci_features_cgroup;

typedef struct
{
  bool enabled;
  bool has_enabled;
  char **actions;
  size_t actions_len;
  char **operators;
  size_t operators_len;
  char **archs;
  size_t archs_len;
  char **known_flags;
  size_t known_flags_len;
  char **supported_flags;
  size_t supported_flags_len;
} oci_features_seccomp;

typedef struct
{
  oci_feature_enabled *idmap;
} oci_features_mount_extensions;

typedef struct
{
  bool enabled, has_enabled;
  bool schemata, has_schemata;     /* 1.3: linux.intelRdt.schemata */
  bool monitoring, has_monitoring; /* 1.3: linux.intelRdt.enableMonitoring */
} oci_features_intel_rdt;

typedef struct
{
  char **modes;
  size_t modes_len;
  char **flags;
  size_t flags_len;
} oci_features_memory_policy;

typedef struct
{
  char **namespaces;
  size_t namespaces_len;
  char **capabilities;
  size_t capabilities_len;
  oci_features_cgroup *cgroup;
  oci_features_seccomp *seccomp;
  oci_feature_enabled *apparmor;
  oci_feature_enabled *selinux;
  oci_features_intel_rdt *intel_rdt;
  oci_features_memory_policy *memory_policy;
  oci_features_mount_extensions *mount_extensions;
  oci_feature_enabled *net_devices;
} oci_features_linux;

typedef struct
{
  char *oci_version_min;
  char *oci_version_max;
  char **hooks;
  size_t hooks_len;
  char **mount_options;
  size_t mount_options_len;
  oci_features_linux *linux;
  oci_strmap annotations;
  char **potentially_unsafe_config_annotations; /* a name ending in `.` is a prefix */
  size_t potentially_unsafe_config_annotations_len;
} oci_features;

/* ---- API ----
 * parse: `source` names the document in messages ("config.json"); on failure
 * returns NULL and sets *err to a heap string such as
 *   config.json: .linux.namespaces[2].type: unknown namespace type "pidd"
 *   config.json: .process.user.uid: expected an unsigned 32-bit integer, got string
 *   config.json: .process.user.uid: value 4294967296 out of range for an unsigned 32-bit integer
 *   config.json: .root.path: missing required property
 *   config.json: invalid JSON: <yajl's message, on one line>
 *   config.json: expected a JSON object at the top level
 * Unknown properties are ignored, null is the same as absent and of
 * repeated keys the last wins.  The _parse_file variants read files of any
 * size and use the path as the source.
 * emit: returns a heap string with the document as JSON (pretty: indented by
 * tabs like runc's output, compact: one line), or NULL with *err set.  Keys
 * come in the spec's order; absent values (NULL, has_ false, empty arrays and
 * maps, false bools) are left out unless required, integers without a has_
 * flag are always written, and so are the strings and pid of oci_state. */
oci_config *oci_config_parse_file (const char *path, char **err);
oci_config *oci_config_parse (const char *json, size_t len, const char *source, char **err);
char *oci_config_emit (const oci_config *c, bool pretty, char **err);
void oci_config_free (oci_config *c);

oci_process *oci_process_parse_file (const char *path, char **err);
oci_process *oci_process_parse (const char *json, size_t len, const char *source, char **err);
char *oci_process_emit (const oci_process *p, bool pretty, char **err);
void oci_process_free (oci_process *p);

oci_resources *oci_resources_parse (const char *json, size_t len, const char *source, char **err);
char *oci_resources_emit (const oci_resources *r, bool pretty, char **err);
void oci_resources_free (oci_resources *r);

oci_state *oci_state_parse (const char *json, size_t len, const char *source, char **err);
char *oci_state_emit (const oci_state *s, bool pretty, char **err);
void oci_state_free (oci_state *s);

oci_features *oci_features_parse (const char *json, size_t len, const char *source, char **err);
char *oci_features_emit (const oci_features *f, bool pretty, char **err);
void oci_features_free (oci_features *f);

/* Deep copy through the same tables (used by exec to merge a process). */
oci_process *oci_process_dup (const oci_process *p);

/* Small helpers for building documents in code (rt spec, features). */
char *oci_strdup (const char *s);         /* aborts on ENOMEM */
void *oci_calloc (size_t n, size_t size); /* aborts on ENOMEM */
/* These two copy their arguments and return 0, or -1 with errno set. */
int oci_strv_append (char ***v, size_t *len, const char *s);
int oci_strmap_set (oci_strmap *m, const char *key, const char *value); /* replaces */
const char *oci_strmap_get (const oci_strmap *m, const char *key);

#endif
