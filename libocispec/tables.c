
#include "tables.h"

#include <linux/capability.h>
#include <linux/mount.h>
#include <linux/personality.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

const struct oci_name_value *
oci_table_find (const struct oci_name_value *t, const char *name)
{
  for (; t->name != NULL; t++)
    if (strcmp (t->name, name) == 0)
      return t;
  return NULL;
}

const char *
oci_table_name (const struct oci_name_value *t, uint64_t value)
{
  for (; t->name != NULL; t++)
    if (t->value == value)
      return t->name;
  return NULL;
}

size_t
oci_table_len (const struct oci_name_value *t)
{
  size_t n = 0;
  while (t[n].name != NULL)
    n++;
  return n;
}

const struct oci_name_value oci_namespaces[] = {
  { "pid", CLONE_NEWPID },       { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS },
  { "ipc", CLONE_NEWIPC },       { "uts", CLONE_NEWUTS },     { "user", CLONE_NEWUSER },
  { "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },   { NULL, 0 },
};

const char *const oci_namespace_proc_names[] = {
  "pid", "net", "mnt", "ipc", "uts", "user", "cgroup", "time", NULL,
};

#define CAP(n)                                                                                                         \
  {                                                                                                                    \
    "CAP_" #n, CAP_##n                                                                                                 \
  }
const struct oci_name_value oci_capabilities_table[] = {
  CAP (CHOWN),
  CAP (DAC_OVERRIDE),
  CAP (DAC_READ_SEARCH),
  CAP (FOWNER),
  CAP (FSETID),
  CAP (KILL),
  CAP (SETGID),
  CAP (SETUID),
  CAP (SETPCAP),
  CAP (LINUX_IMMUTABLE),
  CAP (NET_BIND_SERVICE),
  CAP (NET_BROADCAST),
  CAP (NET_ADMIN),
  CAP (NET_RAW),
  CAP (IPC_LOCK),
  CAP (IPC_OWNER),
  CAP (SYS_MODULE),
  CAP (SYS_RAWIO),
  CAP (SYS_CHROOT),
  CAP (SYS_PTRACE),
  CAP (SYS_PACCT),
  CAP (SYS_ADMIN),
  CAP (SYS_BOOT),
  CAP (SYS_NICE),
  CAP (SYS_RESOURCE),
  CAP (SYS_TIME),
  CAP (SYS_TTY_CONFIG),
  CAP (MKNOD),
  CAP (LEASE),
  CAP (AUDIT_WRITE),
  CAP (AUDIT_CONTROL),
  CAP (SETFCAP),
  CAP (MAC_OVERRIDE),
  CAP (MAC_ADMIN),
  CAP (SYSLOG),
  CAP (WAKE_ALARM),
  CAP (BLOCK_SUSPEND),
  CAP (AUDIT_READ),
  CAP (PERFMON),
  CAP (BPF),
  CAP (CHECKPOINT_RESTORE),
  { NULL, 0 },
};
#undef CAP

#define RL(n)                                                                                                          \
  {                                                                                                                    \
    "RLIMIT_" #n, RLIMIT_##n                                                                                           \
  }
const struct oci_name_value oci_rlimits[] = {
  RL (CPU), RL (FSIZE), RL (DATA),       RL (STACK),    RL (CORE), RL (RSS),    RL (NPROC),  RL (NOFILE), RL (MEMLOCK),
  RL (AS),  RL (LOCKS), RL (SIGPENDING), RL (MSGQUEUE), RL (NICE), RL (RTPRIO), RL (RTTIME), { NULL, 0 },
};
#undef RL

#define SIG(n)                                                                                                         \
  {                                                                                                                    \
    "SIG" #n, SIG##n                                                                                                   \
  }
const struct oci_name_value oci_signals[] = {
  SIG (HUP),  SIG (INT),   SIG (QUIT), SIG (ILL),  SIG (TRAP), SIG (ABRT), SIG (IOT),   SIG (BUS),    SIG (FPE),
  SIG (KILL), SIG (USR1),  SIG (SEGV), SIG (USR2), SIG (PIPE), SIG (ALRM), SIG (TERM),  SIG (STKFLT), SIG (CHLD),
  SIG (CONT), SIG (STOP),  SIG (TSTP), SIG (TTIN), SIG (TTOU), SIG (URG),  SIG (XCPU),  SIG (XFSZ),   SIG (VTALRM),
  SIG (PROF), SIG (WINCH), SIG (IO),   SIG (POLL), SIG (PWR),  SIG (SYS),  { NULL, 0 },
};
#undef SIG

const struct oci_name_value oci_seccomp_actions[] = {
  { "SCMP_ACT_KILL", SCMP_ACT_KILL },
  { "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS },
  { "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD },
  { "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
  { "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO (0) },
  { "SCMP_ACT_TRACE", SCMP_ACT_TRACE (0) },
  { "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW },
  { "SCMP_ACT_LOG", SCMP_ACT_LOG },
  { "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY },
  { NULL, 0 },
};

const struct oci_name_value oci_seccomp_operators[] = {
  { "SCMP_CMP_NE", SCMP_CMP_NE },
  { "SCMP_CMP_LT", SCMP_CMP_LT },
  { "SCMP_CMP_LE", SCMP_CMP_LE },
  { "SCMP_CMP_EQ", SCMP_CMP_EQ },
  { "SCMP_CMP_GE", SCMP_CMP_GE },
  { "SCMP_CMP_GT", SCMP_CMP_GT },
  { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
  { NULL, 0 },
};

#define ARCH(n)                                                                                                        \
  {                                                                                                                    \
    "SCMP_ARCH_" #n, SCMP_ARCH_##n                                                                                     \
  }
const struct oci_name_value oci_seccomp_archs[] = {
  ARCH (X86),       ARCH (X86_64), ARCH (X32),      ARCH (ARM),         ARCH (AARCH64), ARCH (MIPS),  ARCH (MIPS64),
  ARCH (MIPS64N32), ARCH (MIPSEL), ARCH (MIPSEL64), ARCH (MIPSEL64N32), ARCH (PPC),     ARCH (PPC64), ARCH (PPC64LE),
  ARCH (S390),      ARCH (S390X),  ARCH (PARISC),   ARCH (PARISC64),    ARCH (RISCV64), { NULL, 0 },
};
#undef ARCH

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
const struct oci_name_value oci_seccomp_flags[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
  { NULL, 0 },
};

#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif
const struct oci_name_value oci_sched_policies[] = {
  { "SCHED_OTHER", SCHED_OTHER },
  { "SCHED_FIFO", SCHED_FIFO },
  { "SCHED_RR", SCHED_RR },
  { "SCHED_BATCH", SCHED_BATCH },
  { "SCHED_ISO", 4 },
  { "SCHED_IDLE", SCHED_IDLE },
  { "SCHED_DEADLINE", SCHED_DEADLINE },
  { NULL, 0 },
};

const struct oci_name_value oci_sched_flags[] = {
  { "SCHED_FLAG_RESET_ON_FORK", 0x01 },  { "SCHED_FLAG_RECLAIM", 0x02 },
  { "SCHED_FLAG_DL_OVERRUN", 0x04 },     { "SCHED_FLAG_KEEP_POLICY", 0x08 },
  { "SCHED_FLAG_KEEP_PARAMS", 0x10 },    { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
  { "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 }, { NULL, 0 },
};

const struct oci_name_value oci_ioprio_classes[] = {
  { "IOPRIO_CLASS_RT", 1 },
  { "IOPRIO_CLASS_BE", 2 },
  { "IOPRIO_CLASS_IDLE", 3 },
  { NULL, 0 },
};

const struct oci_name_value oci_personality_domains[] = {
  { "LINUX", PER_LINUX },
  { "LINUX32", PER_LINUX32 },
  { NULL, 0 },
};

const struct oci_name_value oci_mempolicy_modes[] = {
  { "MPOL_DEFAULT", 0 },
  { "MPOL_PREFERRED", 1 },
  { "MPOL_BIND", 2 },
  { "MPOL_INTERLEAVE", 3 },
  { "MPOL_LOCAL", 4 },
  { "MPOL_PREFERRED_MANY", 5 },
  { "MPOL_WEIGHTED_INTERLEAVE", 6 },
  { NULL, 0 },
};

const struct oci_name_value oci_mempolicy_flags[] = {
  { "MPOL_F_NUMA_BALANCING", 1 << 13 },
  { "MPOL_F_RELATIVE_NODES", 1 << 14 },
  { "MPOL_F_STATIC_NODES", 1 << 15 },
  { NULL, 0 },
};

#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif
const struct oci_mount_option oci_mount_options[] = {
  { "defaults", OCI_MOUNT_FLAG, 0 },
  { "ro", OCI_MOUNT_FLAG, MS_RDONLY },
  { "rw", OCI_MOUNT_CLEAR, MS_RDONLY },
  { "suid", OCI_MOUNT_CLEAR, MS_NOSUID },
  { "nosuid", OCI_MOUNT_FLAG, MS_NOSUID },
  { "dev", OCI_MOUNT_CLEAR, MS_NODEV },
  { "nodev", OCI_MOUNT_FLAG, MS_NODEV },
  { "exec", OCI_MOUNT_CLEAR, MS_NOEXEC },
  { "noexec", OCI_MOUNT_FLAG, MS_NOEXEC },
  { "sync", OCI_MOUNT_FLAG, MS_SYNCHRONOUS },
  { "async", OCI_MOUNT_CLEAR, MS_SYNCHRONOUS },
  { "dirsync", OCI_MOUNT_FLAG, MS_DIRSYNC },
  { "remount", OCI_MOUNT_FLAG, MS_REMOUNT },
  { "mand", OCI_MOUNT_FLAG, MS_MANDLOCK },
  { "nomand", OCI_MOUNT_CLEAR, MS_MANDLOCK },
  { "atime", OCI_MOUNT_CLEAR, MS_NOATIME },
  { "noatime", OCI_MOUNT_FLAG, MS_NOATIME },
  { "diratime", OCI_MOUNT_CLEAR, MS_NODIRATIME },
  { "nodiratime", OCI_MOUNT_FLAG, MS_NODIRATIME },
  { "relatime", OCI_MOUNT_FLAG, MS_RELATIME },
  { "norelatime", OCI_MOUNT_CLEAR, MS_RELATIME },
  { "strictatime", OCI_MOUNT_FLAG, MS_STRICTATIME },
  { "nostrictatime", OCI_MOUNT_CLEAR, MS_STRICTATIME },
  { "silent", OCI_MOUNT_FLAG, MS_SILENT },
  { "loud", OCI_MOUNT_CLEAR, MS_SILENT },
  { "iversion", OCI_MOUNT_FLAG, MS_I_VERSION },
  { "noiversion", OCI_MOUNT_CLEAR, MS_I_VERSION },
  { "lazytime", OCI_MOUNT_FLAG, MS_LAZYTIME },
  { "nolazytime", OCI_MOUNT_CLEAR, MS_LAZYTIME },
  { "symfollow", OCI_MOUNT_CLEAR, MS_NOSYMFOLLOW },
  { "nosymfollow", OCI_MOUNT_FLAG, MS_NOSYMFOLLOW },
  { "shared", OCI_MOUNT_PROPAGATION, MS_SHARED },
  { "rshared", OCI_MOUNT_PROPAGATION, MS_SHARED | MS_REC },
  { "private", OCI_MOUNT_PROPAGATION, MS_PRIVATE },
  { "rprivate", OCI_MOUNT_PROPAGATION, MS_PRIVATE | MS_REC },
  { "slave", OCI_MOUNT_PROPAGATION, MS_SLAVE },
  { "rslave", OCI_MOUNT_PROPAGATION, MS_SLAVE | MS_REC },
  { "unbindable", OCI_MOUNT_PROPAGATION, MS_UNBINDABLE },
  { "runbindable", OCI_MOUNT_PROPAGATION, MS_UNBINDABLE | MS_REC },
  { "rro", OCI_MOUNT_ATTR, MOUNT_ATTR_RDONLY },
  { "rrw", OCI_MOUNT_ATTR_CLEAR, MOUNT_ATTR_RDONLY },
  { "rnosuid", OCI_MOUNT_ATTR, MOUNT_ATTR_NOSUID },
  { "rsuid", OCI_MOUNT_ATTR_CLEAR, MOUNT_ATTR_NOSUID },
  { "rnodev", OCI_MOUNT_ATTR, MOUNT_ATTR_NODEV },
  { "rdev", OCI_MOUNT_ATTR_CLEAR, MOUNT_ATTR_NODEV },
  { "rnoexec", OCI_MOUNT_ATTR, MOUNT_ATTR_NOEXEC },
  { "rexec", OCI_MOUNT_ATTR_CLEAR, MOUNT_ATTR_NOEXEC },
  { "rnodiratime", OCI_MOUNT_ATTR, MOUNT_ATTR_NODIRATIME },
  { "rdiratime", OCI_MOUNT_ATTR_CLEAR, MOUNT_ATTR_NODIRATIME },
  { "rrelatime", OCI_MOUNT_ATTR, MOUNT_ATTR_RELATIME },
  { "rnorelatime", OCI_MOUNT_ATTR_CLEAR, MOUNT_ATTR_RELATIME },
  { "rnoatime", OCI_MOUNT_ATTR, MOUNT_ATTR_NOATIME },
  { "ratime", OCI_MOUNT_ATTR_CLEAR, MOUNT_ATTR_NOATIME },
  { "rstrictatime", OCI_MOUNT_ATTR, MOUNT_ATTR_STRICTATIME },
  { "rnostrictatime", OCI_MOUNT_ATTR_CLEAR, MOUNT_ATTR_STRICTATIME },
  { "rnosymfollow", OCI_MOUNT_ATTR, MOUNT_ATTR_NOSYMFOLLOW },
  { "rsymfollow", OCI_MOUNT_ATTR_CLEAR, MOUNT_ATTR_NOSYMFOLLOW },
  { "bind", OCI_MOUNT_EXTENSION, MS_BIND },
  { "rbind", OCI_MOUNT_EXTENSION, MS_BIND | MS_REC },
  { "tmpcopyup", OCI_MOUNT_EXTENSION, 0 },
  { "idmap", OCI_MOUNT_EXTENSION, 0 },
  { "ridmap", OCI_MOUNT_EXTENSION, 0 },
  /* crun's: the source symlink itself, bound or copied as a symlink */
  { "src-nofollow", OCI_MOUNT_EXTENSION, 0 },
  { "copy-symlink", OCI_MOUNT_EXTENSION, 0 },
  { NULL, 0, 0 },
};

const struct oci_mount_option *
oci_mount_option_find (const char *name)
{
  const struct oci_mount_option *o;

  for (o = oci_mount_options; o->name != NULL; o++)
    if (strcmp (o->name, name) == 0)
      return o;
  return NULL;
}

const char *const oci_hook_names[] = {
  "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", NULL,
};

/* "u" is an unbuffered character device: to mknod(2) it is just S_IFCHR. */
const struct oci_name_value oci_device_types[] = {
  { "c", S_IFCHR }, { "b", S_IFBLK }, { "u", S_IFCHR }, { "p", S_IFIFO }, { NULL, 0 },
};
