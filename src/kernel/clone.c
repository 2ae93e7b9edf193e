/* Making a child process: the ordinary clone3 (its own copy of rt's memory,
 * which runs concurrently with rt), and the vfork-like one, which borrows
 * rt's memory until it execs.
 *
 * Why the second: the ordinary clone copies rt's page tables, and the child
 * then faults on every page it writes (copy-on-write) and on every page of
 * code it runs again; in a VM where each fault leaves the guest, that was
 * 40% of an `exec`'s CPU time. A child that shares the memory copies
 * nothing; the parent sleeps meanwhile, so the two never run at once.
 * glibc's clone() cannot name a cgroup (clone3 only), and clone3 has no
 * wrapper: the few instructions that start the child on its own stack are
 * here. */
#include "kernel/clone.h"

#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* both clones' arguments: a pidfd when asked, the cgroup when named */
static struct clone_args
clone_args_for (unsigned long flags, int cgroup_fd, int *pidfd)
{
  struct clone_args ca = { .flags = flags, .exit_signal = SIGCHLD };

  if (pidfd)
    {
      ca.flags |= CLONE_PIDFD;
      ca.pidfd = (uintptr_t) pidfd;
    }
  if (cgroup_fd >= 0)
    {
      ca.flags |= CLONE_INTO_CGROUP;
      ca.cgroup = (unsigned) cgroup_fd;
    }
  return ca;
}

pid_t
rt_clone_child (unsigned long flags, int cgroup_fd, int *pidfd, bool *into_cgroup)
{
  struct clone_args ca = clone_args_for (flags, cgroup_fd, pidfd);
  long pid;

  *into_cgroup = false;
  if (cgroup_fd >= 0)
    {
      pid = syscall (SYS_clone3, &ca, sizeof ca);
      if (pid >= 0)
        {
          *into_cgroup = pid > 0;
          return (pid_t) pid;
        }
      /* older kernels, or a v1-only layout: rt_cgroup_enter places it */
      ca.flags &= ~(unsigned long) CLONE_INTO_CGROUP;
    }
  return (pid_t) syscall (SYS_clone3, &ca, sizeof ca);
}

#if defined(__SANITIZE_ADDRESS__)
#define RT_NO_CLONE_VFORK 1 /* the child's frames would stay poisoned in the shared shadow */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RT_NO_CLONE_VFORK 1
#endif
#endif

#if defined(__x86_64__) && !defined(RT_NO_CLONE_VFORK)
/* long rt_clone3_entry (struct clone_args *ca, size_t size, int (*fn) (void *), void *arg)
 * The raw syscall's result in the parent (-errno on failure). The child
 * starts on ca->stack with the parent's registers: fn and arg wait in r8
 * and r9, which the syscall leaves alone. */
__asm__(".text\n"
        ".globl rt_clone3_entry\n"
        ".hidden rt_clone3_entry\n"
        ".type rt_clone3_entry, @function\n"
        "rt_clone3_entry:\n"
        "  .cfi_startproc\n"
        "  mov %rdx, %r8\n"
        "  mov %rcx, %r9\n"
        "  mov $435, %eax\n" /* SYS_clone3 */
        "  syscall\n"
        "  test %rax, %rax\n"
        "  jz 1f\n"
        "  ret\n"
        "1:\n"
        "  .cfi_undefined rip\n"
        "  xor %ebp, %ebp\n"
        "  mov %r9, %rdi\n"
        "  call *%r8\n"
        "  mov %eax, %edi\n"
        "  mov $60, %eax\n" /* SYS_exit */
        "  syscall\n"
        "  hlt\n"
        "  .cfi_endproc\n"
        ".size rt_clone3_entry, . - rt_clone3_entry\n");
_Static_assert(SYS_clone3 == 435 && SYS_exit == 60, "the x86_64 syscall numbers above");
#define RT_HAVE_CLONE3_ENTRY 1
#endif

#ifdef RT_HAVE_CLONE3_ENTRY
long rt_clone3_entry (struct clone_args *ca, size_t size, int (*fn) (void *), void *arg);

bool
rt_clone_vfork_supported (void)
{
  return true;
}

pid_t
rt_clone_vfork (int cgroup_fd, int *pidfd, int (*fn) (void *), void *arg, void *stack, size_t size)
{
  struct clone_args ca = clone_args_for (CLONE_VM | CLONE_VFORK, cgroup_fd, pidfd);
  long r;

  /* the child's first frame must start 16-byte aligned */
  if (((uintptr_t) stack & 15) != 0)
    {
      errno = EINVAL;
      return -1;
    }
  ca.stack = (uintptr_t) stack;
  ca.stack_size = size & ~(size_t) 15;
  r = rt_clone3_entry (&ca, sizeof ca, fn, arg);
  if (r < 0)
    {
      errno = (int) -r;
      return -1;
    }
  return (pid_t) r;
}
#else
bool
rt_clone_vfork_supported (void)
{
  return false;
}

pid_t
rt_clone_vfork (int cgroup_fd, int *pidfd, int (*fn) (void *), void *arg, void *stack, size_t size)
{
  (void) cgroup_fd, (void) pidfd, (void) fn, (void) arg, (void) stack, (void) size;
  errno = ENOSYS;
  return -1;
}
#endif
