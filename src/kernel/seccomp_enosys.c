#include "kernel/seccomp_enosys.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>

#define X32_SYSCALL_BIT 0x40000000u

static struct sock_filter
insn (uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
  struct sock_filter f = { code, jt, jf, k };
  return f;
}

/* Per architecture: load arch, skip the block unless it matches; load the
 * number; (x86_64: x32 numbers to the filter); above the largest: ENOSYS;
 * else to the filter. After the blocks: to the filter; then the ENOSYS
 * return; then the filter itself. Jumps count from the next instruction. */
int
rt_seccomp_enosys_prefix (const struct rt_enosys_arch *a, size_t n, struct sock_filter **out, size_t *len)
{
  size_t total = 2, i, pc = 0;
  struct sock_filter *p;

  for (i = 0; i < n; i++)
    total += a[i].x32_bit ? 6 : 5;
  if (total > 250)
    return -EINVAL; /* more than the 8-bit jumps reach: not a profile anyone has */
  p = calloc (total, sizeof *p);
  if (p == NULL)
    return -ENOMEM;
  for (i = 0; i < n; i++)
    {
      size_t block = a[i].x32_bit ? 6 : 5, next = pc + block, enosys = total - 1, filter = total;
      p[pc] = insn (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch), 0, 0);
      pc++;
      p[pc] = insn (BPF_JMP | BPF_JEQ | BPF_K, a[i].audit_arch, 0, (uint8_t) (next - pc - 1));
      pc++;
      p[pc] = insn (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr), 0, 0);
      pc++;
      if (a[i].x32_bit)
        {
          p[pc] = insn (BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, (uint8_t) (filter - pc - 1), 0);
          pc++;
        }
      p[pc] = insn (BPF_JMP | BPF_JGT | BPF_K, a[i].max_nr, (uint8_t) (enosys - pc - 1), 0);
      pc++;
      p[pc] = insn (BPF_JMP | BPF_JA, (uint32_t) (filter - pc - 1), 0, 0);
      pc++;
    }
  p[pc] = insn (BPF_JMP | BPF_JA, 1, 0, 0); /* no block matched: the filter */
  pc++;
  p[pc] = insn (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA), 0, 0);
  *out = p;
  *len = total;
  return 0;
}
