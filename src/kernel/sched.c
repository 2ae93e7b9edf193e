#include "kernel/sched.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <linux/sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tables.h"
#include "util/cleanup.h"

/* The highest CPU or node number accepted, as runc: a bound on the mask a
 * bogus list could make rt allocate. */
#define MAX_CPU (64 * 1024)

#define IOPRIO_WHO_PGRP 2
#define IOPRIO_CLASS_SHIFT 13

#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif
#define SCHED_ISO 4 /* named by the spec, never merged into Linux */

/* glibc has no wrapper: the kernel's struct, up to the utilization clamps. */
struct rt_sched_attr
{
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
  uint32_t sched_util_min;
  uint32_t sched_util_max;
};

/* ---- CPU and node lists ---- */

static int
parse_num (const char **s, unsigned long *out)
{
  char *end;

  while (isspace ((unsigned char) **s))
    (*s)++;
  if (!isdigit ((unsigned char) **s))
    return -1;
  errno = 0;
  *out = strtoul (*s, &end, 10);
  if (errno != 0 || *out > MAX_CPU)
    return -1;
  *s = end;
  while (isspace ((unsigned char) **s))
    (*s)++;
  return 0;
}

/* One pass to find the highest number (so the set can be sized), one to
 * fill it; empty elements (",,") are allowed, as runc allows them. */
static int
list_walk (const char *list, cpu_set_t *set, size_t bytes, unsigned long *max, size_t *count)
{
  const char *s = list;

  *max = 0;
  *count = 0;
  while (*s)
    {
      unsigned long a, b;

      while (isspace ((unsigned char) *s))
        s++;
      if (*s == ',' || *s == '\0')
        {
          s += *s == ',';
          continue;
        }
      if (parse_num (&s, &a) < 0)
        return -1;
      b = a;
      if (*s == '-' && (s++, parse_num (&s, &b) < 0 || b < a))
        return -1;
      if (*s != ',' && *s != '\0')
        return -1;
      for (unsigned long i = a; set && i <= b; i++)
        CPU_SET_S (i, bytes, set);
      *max = b > *max ? b : *max;
      (*count)++;
    }
  return 0;
}

int
rt_cpu_list_parse (const char *list, cpu_set_t **set, size_t *n, struct rt_error *err)
{
  unsigned long max;
  size_t count, bytes;

  *set = NULL;
  *n = 0;
  if (list_walk (list, NULL, 0, &max, &count) < 0)
    return rt_error_set (err, 0, "`%s` is not a list like 0-3,7 (numbers up to %d)", list, MAX_CPU);
  if (count == 0)
    return rt_error_set (err, 0, "`%s` names no CPU or node", list);
  *set = CPU_ALLOC (max + 1);
  if (*set == NULL)
    return rt_error_set (err, ENOMEM, "cpu list");
  bytes = CPU_ALLOC_SIZE (max + 1);
  CPU_ZERO_S (bytes, *set);
  list_walk (list, *set, bytes, &max, &count);
  *n = bytes * CHAR_BIT;
  return 0;
}

/* ---- checks ---- */

static bool
is_rt_policy (uint64_t policy)
{
  return policy == SCHED_FIFO || policy == SCHED_RR;
}

static int
check_scheduler (const oci_scheduler *s, struct rt_error *err)
{
  const struct oci_name_value *pol = oci_table_find (oci_sched_policies, s->policy);

  if (pol == NULL)
    return rt_error_set (err, 0, ".process.scheduler.policy: unknown policy \"%s\"", s->policy);
  if (pol->value == SCHED_ISO)
    return rt_error_set (err, 0, ".process.scheduler.policy: SCHED_ISO is not implemented by the Linux kernel");
  if ((pol->value == SCHED_OTHER || pol->value == SCHED_BATCH) && (s->nice < -20 || s->nice > 19))
    return rt_error_set (err, 0, ".process.scheduler.nice: %d is not from -20 to 19", s->nice);
  if (is_rt_policy (pol->value) && (s->priority < 1 || s->priority > 99))
    return rt_error_set (err, 0, ".process.scheduler.priority: %s needs a priority from 1 to 99, not %d", s->policy,
                         s->priority);
  if (!is_rt_policy (pol->value) && s->priority != 0)
    return rt_error_set (err, 0, ".process.scheduler.priority: only SCHED_FIFO and SCHED_RR take a priority");
  if (pol->value != SCHED_DEADLINE && (s->runtime || s->deadline || s->period))
    return rt_error_set (err, 0, ".process.scheduler: runtime, deadline and period are for SCHED_DEADLINE only");
  if (pol->value == SCHED_DEADLINE && s->runtime == 0)
    return rt_error_set (err, 0, ".process.scheduler.runtime: SCHED_DEADLINE needs a runtime");
  return 0;
}

static int
check_ioprio (const oci_io_priority *io, struct rt_error *err)
{
  if (oci_table_find (oci_ioprio_classes, io->class) == NULL)
    return rt_error_set (err, 0, ".process.ioPriority.class: unknown class \"%s\"", io->class);
  if (io->priority < 0 || io->priority > 7)
    return rt_error_set (err, 0, ".process.ioPriority.priority: %d is not from 0 to 7", io->priority);
  return 0;
}

static int
check_list (const char *list, const char *where, struct rt_error *err)
{
  cleanup_free cpu_set_t *set = NULL;
  size_t n;

  if (list == NULL || *list == '\0')
    return 0;
  if (rt_cpu_list_parse (list, &set, &n, err) < 0)
    return rt_error_prefix (err, "%s", where);
  return 0;
}

/* Which modes take nodes, as set_mempolicy(2) and runc have it. */
static int
check_mempolicy (const oci_memory_policy *m, struct rt_error *err)
{
  const struct oci_name_value *mode = oci_table_find (oci_mempolicy_modes, m->mode);
  bool nodes = m->nodes != NULL && m->nodes[0] != '\0';

  if (mode == NULL)
    return rt_error_set (err, 0, ".linux.memoryPolicy.mode: unknown mode \"%s\"", m->mode);
  if (check_list (m->nodes, ".linux.memoryPolicy.nodes", err) < 0)
    return -1;
  if ((strcmp (m->mode, "MPOL_DEFAULT") == 0 || strcmp (m->mode, "MPOL_LOCAL") == 0) && nodes)
    return rt_error_set (err, 0, ".linux.memoryPolicy.nodes: %s takes no nodes", m->mode);
  if (strcmp (m->mode, "MPOL_DEFAULT") != 0 && strcmp (m->mode, "MPOL_LOCAL") != 0
      && strcmp (m->mode, "MPOL_PREFERRED") != 0 && !nodes)
    return rt_error_set (err, 0, ".linux.memoryPolicy.nodes: %s needs at least one node", m->mode);
  if (m->flags_len > 0 && (strcmp (m->mode, "MPOL_DEFAULT") == 0 || strcmp (m->mode, "MPOL_LOCAL") == 0))
    return rt_error_set (err, 0, ".linux.memoryPolicy.flags: %s takes no flags", m->mode);
  return 0;
}

static int
check_personality (const oci_personality *p, struct rt_error *err)
{
  if (oci_table_find (oci_personality_domains, p->domain) == NULL)
    return rt_error_set (err, 0, ".linux.personality.domain: unknown domain \"%s\"", p->domain);
  /* the spec defines no flag yet: one given cannot be honoured */
  if (p->flags_len > 0)
    return rt_error_set (err, 0, ".linux.personality.flags: \"%s\": the runtime-spec defines no personality flags",
                         p->flags[0]);
  return 0;
}

int
rt_sched_check (const oci_config *cfg, struct rt_error *err)
{
  const oci_process *p = cfg->process;
  const oci_linux *l = cfg->linux;

  if (p && p->scheduler && check_scheduler (p->scheduler, err) < 0)
    return -1;
  if (p && p->io_priority && check_ioprio (p->io_priority, err) < 0)
    return -1;
  if (p && p->exec_cpu_affinity
      && (check_list (p->exec_cpu_affinity->initial, ".process.execCPUAffinity.initial", err) < 0
          || check_list (p->exec_cpu_affinity->final, ".process.execCPUAffinity.final", err) < 0))
    return -1;
  if (l && l->memory_policy && check_mempolicy (l->memory_policy, err) < 0)
    return -1;
  if (l && l->personality && check_personality (l->personality, err) < 0)
    return -1;
  return 0;
}

/* ---- in the container's process ---- */

static uint64_t
sched_flags (const oci_scheduler *s)
{
  uint64_t f = 0;
  size_t i;

  for (i = 0; i < s->flags_len; i++)
    {
      const struct oci_name_value *e = oci_table_find (oci_sched_flags, s->flags[i]);
      f |= e ? e->value : 0; /* the parser accepts only known names */
    }
  return f;
}

static int
apply_scheduler (const oci_scheduler *s, struct rt_error *err)
{
  const struct oci_name_value *pol = oci_table_find (oci_sched_policies, s->policy);
  struct rt_sched_attr attr = {
    .size = sizeof attr,
    .sched_policy = pol ? (uint32_t) pol->value : 0,
    .sched_flags = sched_flags (s),
    .sched_nice = s->nice,
    .sched_priority = (uint32_t) s->priority,
    .sched_runtime = s->runtime,
    .sched_deadline = s->deadline,
    .sched_period = s->period,
  };
  int e;

  if (syscall (SYS_sched_setattr, 0, &attr, 0) == 0)
    return 0;
  e = errno;
  /* the usual reason here: a cgroup v1 cpu controller with realtime group
   * scheduling gives a new cgroup no realtime runtime at all */
  if (e == EPERM && (is_rt_policy (attr.sched_policy) || attr.sched_policy == SCHED_DEADLINE))
    return rt_error_set (err, e,
                         ".process.scheduler: sched_setattr %s (a realtime policy needs CAP_SYS_NICE and, with "
                         "cgroup v1 realtime group scheduling, .linux.resources.cpu.realtimeRuntime)",
                         s->policy);
  return rt_error_set (err, e, ".process.scheduler: sched_setattr %s", s->policy);
}

static int
apply_ioprio (const oci_io_priority *io, struct rt_error *err)
{
  const struct oci_name_value *c = oci_table_find (oci_ioprio_classes, io->class);
  long value = ((long) (c ? c->value : 0) << IOPRIO_CLASS_SHIFT) | io->priority;

  /* the spec's unit is the process group: after setsid, ours alone */
  if (syscall (SYS_ioprio_set, IOPRIO_WHO_PGRP, 0, value) < 0)
    return rt_error_set (err, errno, ".process.ioPriority: ioprio_set %s %d", io->class, io->priority);
  return 0;
}

int
rt_sched_apply (const oci_process *p, struct rt_error *err)
{
  if (p->scheduler && apply_scheduler (p->scheduler, err) < 0)
    return -1;
  if (p->io_priority && apply_ioprio (p->io_priority, err) < 0)
    return -1;
  return 0;
}

static int
apply_mempolicy (const oci_memory_policy *m, struct rt_error *err)
{
  const struct oci_name_value *mode = oci_table_find (oci_mempolicy_modes, m->mode);
  cleanup_free cpu_set_t *nodes = NULL;
  unsigned long flags = 0;
  size_t i, n = 0;

  for (i = 0; i < m->flags_len; i++)
    {
      const struct oci_name_value *f = oci_table_find (oci_mempolicy_flags, m->flags[i]);
      flags |= f ? f->value : 0;
    }
  if (m->nodes && *m->nodes && rt_cpu_list_parse (m->nodes, &nodes, &n, err) < 0)
    return rt_error_prefix (err, ".linux.memoryPolicy.nodes");
  /* a cpu_set_t is an array of longs, the layout of a nodemask; the kernel
   * reads one bit less than maxnode says */
  if (syscall (SYS_set_mempolicy, (int) ((mode ? mode->value : 0) | flags), nodes, n ? n + 1 : 0) < 0)
    return rt_error_set (err, errno, ".linux.memoryPolicy: set_mempolicy %s%s%s", m->mode, m->nodes ? " " : "",
                         m->nodes ? m->nodes : "");
  return 0;
}

int
rt_persona_apply (const oci_linux *l, struct rt_error *err)
{
  if (l == NULL)
    return 0;
  if (l->personality)
    {
      const struct oci_name_value *d = oci_table_find (oci_personality_domains, l->personality->domain);
      if (personality ((unsigned long) (d ? d->value : PER_LINUX)) < 0)
        return rt_error_set (err, errno, ".linux.personality: set %s", l->personality->domain);
    }
  if (l->memory_policy && apply_mempolicy (l->memory_policy, err) < 0)
    return -1;
  return 0;
}

/* ---- execCPUAffinity ---- */

int
rt_affinity_push_initial (const oci_process *p, struct rt_affinity_saved *saved, struct rt_error *err)
{
  const char *initial = p->exec_cpu_affinity ? p->exec_cpu_affinity->initial : NULL;
  cleanup_free cpu_set_t *set = NULL;
  size_t n;

  saved->set = NULL;
  saved->size = 0;
  if (initial == NULL || *initial == '\0')
    return 0;
  if (rt_cpu_list_parse (initial, &set, &n, err) < 0)
    return rt_error_prefix (err, ".process.execCPUAffinity.initial");
  saved->set = CPU_ALLOC (MAX_CPU);
  saved->size = CPU_ALLOC_SIZE (MAX_CPU);
  if (saved->set == NULL)
    return rt_error_set (err, ENOMEM, "cpu affinity");
  if (sched_getaffinity (0, saved->size, saved->set) < 0)
    {
      rt_affinity_pop (saved);
      return rt_error_set (err, errno, "sched_getaffinity");
    }
  if (sched_setaffinity (0, n / CHAR_BIT, set) < 0)
    {
      int e = errno;
      rt_affinity_pop (saved);
      return rt_error_set (err, e, ".process.execCPUAffinity.initial: sched_setaffinity `%s`", initial);
    }
  return 0;
}

void
rt_affinity_pop (struct rt_affinity_saved *saved)
{
  if (saved->set == NULL)
    return;
  /* best effort: the parent only waits for its child from here on */
  sched_setaffinity (0, saved->size, saved->set);
  CPU_FREE (saved->set);
  saved->set = NULL;
}

int
rt_affinity_set_final (pid_t pid, const oci_process *p, struct rt_error *err)
{
  const char *final = p->exec_cpu_affinity ? p->exec_cpu_affinity->final : NULL;
  cleanup_free cpu_set_t *set = NULL;
  size_t n;

  if (final == NULL || *final == '\0')
    return 0;
  if (rt_cpu_list_parse (final, &set, &n, err) < 0)
    return rt_error_prefix (err, ".process.execCPUAffinity.final");
  if (sched_setaffinity (pid, n / CHAR_BIT, set) < 0)
    return rt_error_set (err, errno, ".process.execCPUAffinity.final: sched_setaffinity `%s`", final);
  return 0;
}
