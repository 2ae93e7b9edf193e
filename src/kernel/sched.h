/* How the container's process runs: scheduler policy (sched_setattr), I/O
 * priority (ioprio_set), personality, NUMA memory policy (set_mempolicy)
 * and the CPU affinity of exec'd processes (execCPUAffinity). */
#ifndef RT_SCHED_H
#define RT_SCHED_H

#include <sched.h>
#include <stdbool.h>
#include <sys/types.h>

#include "ocispec.h"
#include "util/error.h"

/* Before anything exists: the values the parser cannot judge alone. */
int rt_sched_check (const oci_config *cfg, struct rt_error *err);

/* .process.scheduler and .process.ioPriority for the calling process;
 * in rt_process_become, after setsid (the I/O priority is the process
 * group's) and before capabilities are dropped (realtime classes need
 * CAP_SYS_NICE or CAP_SYS_ADMIN). */
int rt_sched_apply (const oci_process *p, struct rt_error *err);

/* .linux.personality and .linux.memoryPolicy for the calling process:
 * both survive execve. */
int rt_persona_apply (const oci_linux *l, struct rt_error *err);

/* "0-3,7" -> a CPU (or node) set; *n is its size in bits. */
int rt_cpu_list_parse (const char *list, cpu_set_t **set, size_t *n, struct rt_error *err);

/* execCPUAffinity of a process exec'd into a running container (the spec
 * makes it inapplicable to init): `initial` holds while the process is
 * cloned and enters the cgroup, so the parent takes it around the clone
 * (the child inherits it) and then gets its own back; `final` is set on
 * the child once it sits in its cgroup. */
struct rt_affinity_saved
{
  cpu_set_t *set;
  size_t size; /* bytes */
};
int rt_affinity_push_initial (const oci_process *p, struct rt_affinity_saved *saved, struct rt_error *err);
void rt_affinity_pop (struct rt_affinity_saved *saved);
int rt_affinity_set_final (pid_t pid, const oci_process *p, struct rt_error *err);

#endif
