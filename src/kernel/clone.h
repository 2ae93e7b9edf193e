#ifndef RT_KERNEL_CLONE_H
#define RT_KERNEL_CLONE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* clone3 with FLAGS (a pidfd into *PIDFD when it is not NULL), born in the
 * cgroup of CGROUP_FD when the kernel allows it; *INTO_CGROUP says whether
 * it did, else the caller must move the child itself. 0 in the child. */
pid_t rt_clone_child (unsigned long flags, int cgroup_fd, int *pidfd, bool *into_cgroup);

/* Whether rt_clone_vfork exists on this build (an architecture rt has the
 * entry code for, not under a sanitizer that tracks the stack). */
bool rt_clone_vfork_supported (void);

/* clone3 with CLONE_VM | CLONE_VFORK: FN (ARG) runs on STACK (SIZE bytes,
 * the caller's memory) in the caller's address space while the caller
 * sleeps, until FN's execve or _exit. Born in the cgroup of CGROUP_FD when
 * it is >= 0, or not at all; a pidfd into *PIDFD. The pid, or -1 and errno
 * (ENOSYS where rt_clone_vfork_supported is false). FN must not return. */
pid_t rt_clone_vfork (int cgroup_fd, int *pidfd, int (*fn) (void *), void *arg, void *stack, size_t size);

#endif
