/* kernel/sched.c without a syscall: CPU and node lists, and the checks of
 * the scheduler, I/O priority, memory policy and personality that run
 * before anything exists. */
#include "kernel/sched.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The CPUs of `list` as "0,1,2" (or NULL when refused, with the message in
 * *msg when asked). */
static char *
cpus (const char *list, char **msg)
{
  struct rt_error err = RT_ERROR_INIT;
  cpu_set_t *set = NULL;
  size_t n = 0, i, len = 0;
  char *out;

  if (rt_cpu_list_parse (list, &set, &n, &err) < 0)
    {
      cr_assert_null (set);
      cr_assert_not_null (err.msg);
      if (msg)
        *msg = err.msg;
      else
        free (err.msg);
      return NULL;
    }
  cr_assert_not_null (set);
  cr_assert_gt (n, 0);
  cr_assert_eq (n % 8, 0, "the size is in bits of whole bytes");
  out = calloc (1, n * 8 + 1);
  cr_assert_not_null (out);
  for (i = 0; i < n; i++)
    if (CPU_ISSET_S (i, n / 8, set))
      len += (size_t) sprintf (out + len, "%s%zu", len ? "," : "", i);
  CPU_FREE (set);
  return out;
}

static void
assert_cpus (const char *list, const char *want)
{
  char *got = cpus (list, NULL);

  cr_assert_not_null (got, "`%s` refused", list);
  cr_assert_str_eq (got, want, "`%s`", list);
  free (got);
}

static void
assert_no_cpus (const char *list, const char *want)
{
  char *msg = NULL;

  cr_assert_null (cpus (list, &msg), "`%s` accepted", list);
  cr_assert_not_null (strstr (msg, want), "`%s` does not say `%s`", msg, want);
  free (msg);
}

Test (cpu_list, ranges_and_singles)
{
  assert_cpus ("0", "0");
  assert_cpus ("0-3", "0,1,2,3");
  assert_cpus ("0-1,7", "0,1,7");
  assert_cpus ("3,1", "1,3");
  assert_cpus ("2-2", "2");
  assert_cpus (" 1 , 4 - 5 ", "1,4,5");
}

Test (cpu_list, empty_elements_as_runc)
{
  assert_cpus ("1,,2", "1,2");
  assert_cpus (",3,", "3");
}

Test (cpu_list, sized_by_the_highest)
{
  struct rt_error err = RT_ERROR_INIT;
  cpu_set_t *set = NULL;
  size_t n = 0;

  cr_assert_eq (rt_cpu_list_parse ("1000", &set, &n, &err), 0);
  cr_assert_geq (n, 1001);
  cr_assert (CPU_ISSET_S (1000, n / 8, set));
  cr_assert_eq (CPU_COUNT_S (n / 8, set), 1);
  CPU_FREE (set);
  /* the highest accepted: a bound on what a bogus list makes rt allocate */
  cr_assert_eq (rt_cpu_list_parse ("65536", &set, &n, &err), 0);
  CPU_FREE (set);
}

Test (cpu_list, refused)
{
  assert_no_cpus ("", "names no CPU");
  assert_no_cpus (",", "names no CPU");
  assert_no_cpus ("a", "is not a list like 0-3,7");
  assert_no_cpus ("3-1", "is not a list");
  assert_no_cpus ("1-", "is not a list");
  assert_no_cpus ("-1", "is not a list");
  assert_no_cpus ("1;2", "is not a list");
  assert_no_cpus ("65537", "numbers up to 65536");
  assert_no_cpus ("99999999999999999999999", "is not a list");
}

/* rt_sched_check's message on a config made of `process` and `linux`
 * members, or NULL when it passes. */
static char *
check (const char *process_extra, const char *linux_json)
{
  struct rt_error err = RT_ERROR_INIT;
  char *json = NULL, *perr = NULL;
  oci_config *cfg;
  int r;

  cr_assert_geq (asprintf (&json,
                           "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                           "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"%s},\"linux\":%s}",
                           process_extra, linux_json),
                 0);
  cfg = oci_config_parse (json, strlen (json), "config.json", &perr);
  cr_assert_not_null (cfg, "%s: %s", json, perr ? perr : "?");
  r = rt_sched_check (cfg, &err);
  cr_assert_eq (r < 0, err.msg != NULL);
  oci_config_free (cfg);
  free (json);
  return err.msg;
}

static void
assert_passes (const char *process_extra, const char *linux_json)
{
  char *msg = check (process_extra, linux_json);

  cr_assert_null (msg, "refused: %s", msg);
}

static void
assert_refused (const char *process_extra, const char *linux_json, const char *want)
{
  char *msg = check (process_extra, linux_json);

  cr_assert_not_null (msg, "accepted, expected: %s", want);
  cr_assert_not_null (strstr (msg, want), "`%s` does not say `%s`", msg, want);
  free (msg);
}

Test (sched_check, nothing_to_check)
{
  assert_passes ("", "{}");
  assert_passes ("", "{\"memoryPolicy\":null}");
}

Test (sched_check, scheduler)
{
  assert_passes (",\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"nice\":-20}", "{}");
  assert_passes (",\"scheduler\":{\"policy\":\"SCHED_BATCH\",\"nice\":19}", "{}");
  assert_passes (",\"scheduler\":{\"policy\":\"SCHED_FIFO\",\"priority\":99}", "{}");
  assert_passes (",\"scheduler\":{\"policy\":\"SCHED_RR\",\"priority\":1}", "{}");
  assert_passes (",\"scheduler\":{\"policy\":\"SCHED_DEADLINE\",\"runtime\":10,\"deadline\":20,\"period\":30}", "{}");
  assert_refused (",\"scheduler\":{\"policy\":\"SCHED_ISO\"}", "{}", "SCHED_ISO is not implemented");
  assert_refused (",\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"nice\":20}", "{}",
                  ".process.scheduler.nice: 20 is not from -20 to 19");
  assert_refused (",\"scheduler\":{\"policy\":\"SCHED_BATCH\",\"nice\":-21}", "{}", "-21 is not from -20 to 19");
  assert_refused (",\"scheduler\":{\"policy\":\"SCHED_FIFO\"}", "{}",
                  "SCHED_FIFO needs a priority from 1 to 99, not 0");
  assert_refused (",\"scheduler\":{\"policy\":\"SCHED_RR\",\"priority\":100}", "{}", "not 100");
  assert_refused (",\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"priority\":5}", "{}",
                  "only SCHED_FIFO and SCHED_RR take a priority");
  assert_refused (",\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"runtime\":5}", "{}", "for SCHED_DEADLINE only");
  assert_refused (",\"scheduler\":{\"policy\":\"SCHED_DEADLINE\",\"deadline\":5}", "{}",
                  ".process.scheduler.runtime: SCHED_DEADLINE needs a runtime");
}

Test (sched_check, io_priority)
{
  assert_passes (",\"ioPriority\":{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":7}", "{}");
  assert_passes (",\"ioPriority\":{\"class\":\"IOPRIO_CLASS_IDLE\",\"priority\":0}", "{}");
  assert_refused (",\"ioPriority\":{\"class\":\"IOPRIO_CLASS_RT\",\"priority\":8}", "{}",
                  ".process.ioPriority.priority: 8 is not from 0 to 7");
  assert_refused (",\"ioPriority\":{\"class\":\"IOPRIO_CLASS_RT\",\"priority\":-1}", "{}", "-1 is not from 0 to 7");
}

Test (sched_check, exec_cpu_affinity)
{
  assert_passes (",\"execCPUAffinity\":{\"initial\":\"0-1\",\"final\":\"0\"}", "{}");
  assert_passes (",\"execCPUAffinity\":{\"initial\":\"\"}", "{}");
  assert_refused (",\"execCPUAffinity\":{\"initial\":\"x\"}", "{}", ".process.execCPUAffinity.initial: `x`");
  assert_refused (",\"execCPUAffinity\":{\"final\":\"2-1\"}", "{}", ".process.execCPUAffinity.final: `2-1`");
}

Test (sched_check, memory_policy)
{
  assert_passes ("", "{\"memoryPolicy\":{\"mode\":\"MPOL_DEFAULT\"}}");
  assert_passes ("", "{\"memoryPolicy\":{\"mode\":\"MPOL_LOCAL\"}}");
  assert_passes ("", "{\"memoryPolicy\":{\"mode\":\"MPOL_PREFERRED\"}}");
  assert_passes ("",
                 "{\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0-1\",\"flags\":[\"MPOL_F_STATIC_NODES\"]}}");
  assert_refused ("", "{\"memoryPolicy\":{\"mode\":\"MPOL_DEFAULT\",\"nodes\":\"0\"}}", "MPOL_DEFAULT takes no nodes");
  assert_refused ("", "{\"memoryPolicy\":{\"mode\":\"MPOL_INTERLEAVE\"}}", "MPOL_INTERLEAVE needs at least one node");
  assert_refused ("", "{\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0-\"}}", ".linux.memoryPolicy.nodes: ");
  assert_refused ("", "{\"memoryPolicy\":{\"mode\":\"MPOL_LOCAL\",\"flags\":[\"MPOL_F_STATIC_NODES\"]}}",
                  "MPOL_LOCAL takes no flags");
}

Test (sched_check, personality)
{
  assert_passes ("", "{\"personality\":{\"domain\":\"LINUX32\"}}");
  assert_refused ("", "{\"personality\":{\"domain\":\"LINUX\",\"flags\":[\"X\"]}}",
                  "the runtime-spec defines no personality flags");
}
