/* The name tables: the single source of truth for what rt understands.
 * Parsing validates against them, the runtime maps names to kernel values
 * with them, and `rt features` and the man pages list them. */
#ifndef OCISPEC_TABLES_H
#define OCISPEC_TABLES_H

#include <stddef.h>
#include <stdint.h>

struct oci_name_value
{
  const char *name;
  uint64_t value;
};

/* A table ends with a { NULL, 0 } row. */
const struct oci_name_value *oci_table_find (const struct oci_name_value *t, const char *name);
const char *oci_table_name (const struct oci_name_value *t, uint64_t value);
size_t oci_table_len (const struct oci_name_value *t);

/* OCI namespace type -> CLONE_NEW* flag. */
extern const struct oci_name_value oci_namespaces[];
/* Its /proc/self/ns/<name> entry, same order as oci_namespaces. */
extern const char *const oci_namespace_proc_names[];

/* "CAP_CHOWN" -> 0 ... */
extern const struct oci_name_value oci_capabilities_table[];
/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE */
extern const struct oci_name_value oci_rlimits[];
/* "SIGTERM" -> 15 (rt kill also accepts "TERM" and numbers) */
extern const struct oci_name_value oci_signals[];

/* Seccomp vocabulary, value = the libseccomp constant (actions without errno). */
extern const struct oci_name_value oci_seccomp_actions[];
extern const struct oci_name_value oci_seccomp_operators[];
extern const struct oci_name_value oci_seccomp_archs[]; /* SCMP_ARCH_* -> SCMP_ARCH_* */
extern const struct oci_name_value oci_seccomp_flags[]; /* SECCOMP_FILTER_FLAG_* */

/* Scheduler policies, flags, I/O priority classes, personality domains and
 * flags, memory policy modes and flags. */
extern const struct oci_name_value oci_sched_policies[];
extern const struct oci_name_value oci_sched_flags[];
extern const struct oci_name_value oci_ioprio_classes[];
extern const struct oci_name_value oci_personality_domains[];
extern const struct oci_name_value oci_mempolicy_modes[];
extern const struct oci_name_value oci_mempolicy_flags[];

/* Mount options. kind tells how an option applies. */
enum oci_mount_opt_kind
{
  OCI_MOUNT_FLAG,        /* set value in mount(2) flags */
  OCI_MOUNT_CLEAR,       /* clear value from mount(2) flags */
  OCI_MOUNT_PROPAGATION, /* value is MS_SHARED|MS_PRIVATE|... (with MS_REC if recursive) */
  OCI_MOUNT_ATTR,        /* value is MOUNT_ATTR_* set recursively with mount_setattr */
  OCI_MOUNT_ATTR_CLEAR,  /* value is MOUNT_ATTR_* cleared recursively */
  OCI_MOUNT_EXTENSION,   /* handled by rt itself: tmpcopyup, idmap, ridmap, bind, rbind */
};

struct oci_mount_option
{
  const char *name;
  enum oci_mount_opt_kind kind;
  uint64_t value;
};

extern const struct oci_mount_option oci_mount_options[];
const struct oci_mount_option *oci_mount_option_find (const char *name);

/* linux.devices[].type -> the S_IF* file type for mknod(2). */
extern const struct oci_name_value oci_device_types[];

/* Hook names in the order the spec lists them. */
extern const char *const oci_hook_names[];

#endif
