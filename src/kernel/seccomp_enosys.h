/* Syscalls newer than a seccomp profile fail with ENOSYS, not with the
 * profile's default action: a libc falls back from a syscall the kernel
 * does not have (clone3 to clone, faccessat2 to faccessat) on ENOSYS only,
 * and an EPERM there breaks programs the profile meant to allow (runc does
 * the same). A short BPF prefix checks the architecture and the number
 * against the largest one the profile names, and otherwise runs the
 * profile's filter. Pure: the program is built, not loaded. */
#ifndef RT_SECCOMP_ENOSYS_H
#define RT_SECCOMP_ENOSYS_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rt_enosys_arch
{
  uint32_t audit_arch; /* AUDIT_ARCH_* as seccomp_data.arch has it */
  uint32_t max_nr;     /* the largest syscall the profile names there */
  bool x32_bit;        /* x86_64: numbers with the x32 bit are left to the filter */
};

/* The prefix, to put before the filter; *out is a heap array. */
int rt_seccomp_enosys_prefix (const struct rt_enosys_arch *a, size_t n, struct sock_filter **out, size_t *len);

#endif
