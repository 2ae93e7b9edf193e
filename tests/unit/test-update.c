/* rt update's flags (runc's) and its resources document, parsed without a
 * container (cmd/update.c). */
#include "cmd/update_opts.h"

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Parses "update FLAGS... c1" from a NULL-terminated list; returns what
 * rt_update_opts_parse returns, its message in *msg. */
static int
parse (struct rt_update_opts *o, char **msg, const char *first, ...)
{
  static char *argv[32];
  struct rt_error err = RT_ERROR_INIT;
  const char *a;
  va_list ap;
  int argc = 0, r;

  argv[argc++] = (char *) "update";
  va_start (ap, first);
  for (a = first; a != NULL && argc < 31; a = va_arg (ap, const char *))
    argv[argc++] = (char *) a;
  va_end (ap);
  argv[argc] = NULL;
  r = rt_update_opts_parse (argc, argv, o, &err);
  cr_assert_eq (r == -1, err.msg != NULL);
  if (msg)
    *msg = err.msg;
  else
    cr_assert_null (err.msg, "refused: %s", err.msg);
  return r;
}

static int64_t
memory (const char *arg)
{
  struct rt_update_opts o;

  cr_assert_eq (parse (&o, NULL, "--memory", arg, "c1", NULL), 3, "--memory %s", arg);
  cr_assert (o.memory.has_limit);
  return o.memory.limit;
}

static void
assert_refused (const char *flag, const char *arg, const char *want)
{
  struct rt_update_opts o;
  char *msg = NULL;

  cr_assert_eq (parse (&o, &msg, flag, arg, "c1", NULL), -1, "%s %s accepted", flag, arg);
  cr_assert_not_null (strstr (msg, want), "`%s` does not say `%s`", msg, want);
  free (msg);
}

Test (update, memory_sizes_as_go_units)
{
  cr_assert_eq (memory ("1024"), 1024);
  cr_assert_eq (memory ("0"), 0);
  cr_assert_eq (memory ("512k"), 512 << 10);
  cr_assert_eq (memory ("512 KiB"), 512 << 10);
  cr_assert_eq (memory ("16m"), 16 << 20);
  cr_assert_eq (memory ("16MB"), 16 << 20);
  cr_assert_eq (memory ("1.5g"), 3LL << 29);
  cr_assert_eq (memory ("2G"), 2LL << 30);
  cr_assert_eq (memory ("1t"), 1LL << 40);
  cr_assert_eq (memory ("1p"), 1LL << 50);
  cr_assert_eq (memory ("10b"), 10);
  cr_assert_eq (memory ("-1"), -1, "unlimited");
}

Test (update, memory_sizes_refused)
{
  assert_refused ("--memory", "", "invalid value for --memory: `` (a size such as");
  assert_refused ("--memory", "m", "--memory");
  assert_refused ("--memory", "-2", "--memory");
  assert_refused ("--memory", "1e3", "--memory");
  assert_refused ("--memory", "0x10", "--memory");
  assert_refused ("--memory", "16q", "--memory");
  assert_refused ("--memory", "16m ", "--memory");
  assert_refused ("--memory", "16  m", "--memory");
  assert_refused ("--memory", "8192p", "--memory"); /* past int64 */
  assert_refused ("--memory-swap", "x", "--memory-swap");
  assert_refused ("--memory-reservation", "x", "--memory-reservation");
}

Test (update, memory_flags)
{
  struct rt_update_opts o;

  cr_assert_eq (parse (&o, NULL, "--memory-reservation", "1m", "--memory-swap", "-1", "c1", NULL), 5);
  cr_assert_not (o.memory.has_limit);
  cr_assert (o.memory.has_reservation);
  cr_assert_eq (o.memory.reservation, 1 << 20);
  cr_assert (o.memory.has_swap);
  cr_assert_eq (o.memory.swap, -1);
  /* obsolete, ignored with a warning */
  cr_assert_eq (parse (&o, NULL, "--kernel-memory", "1m", "--kernel-memory-tcp", "1m", "c1", NULL), 5);
}

Test (update, cpu_flags)
{
  struct rt_update_opts o;

  cr_assert_eq (parse (&o, NULL, "--cpu-period", "100000", "--cpu-quota", "-1", "--cpu-burst", "5", "--cpu-shares",
                       "512", "--cpu-rt-period", "1000000", "--cpu-rt-runtime", "-1", "--cpu-idle", "1",
                       "--cpuset-cpus", "0-1", "--cpuset-mems", "0", "c1", NULL),
                19);
  cr_assert (o.cpu.has_period && o.cpu.period == 100000);
  cr_assert (o.cpu.has_quota && o.cpu.quota == -1);
  cr_assert (o.cpu.has_burst && o.cpu.burst == 5);
  cr_assert (o.cpu.has_shares && o.cpu.shares == 512);
  cr_assert (o.cpu.has_realtime_period && o.cpu.realtime_period == 1000000);
  cr_assert (o.cpu.has_realtime_runtime && o.cpu.realtime_runtime == -1);
  cr_assert (o.cpu.has_idle && o.cpu.idle == 1);
  cr_assert_str_eq (o.cpu.cpus, "0-1");
  cr_assert_str_eq (o.cpu.mems, "0");
  cr_assert_not (o.memory.has_limit, "only what is given changes");
  cr_assert_not (o.pids.has_limit);

  /* runc's alias, and an empty cpuset as no value */
  cr_assert_eq (parse (&o, NULL, "--cpu-share", "2", "--cpuset-cpus", "", "c1", NULL), 5);
  cr_assert (o.cpu.has_shares && o.cpu.shares == 2);
  cr_assert_null (o.cpu.cpus);
}

Test (update, numbers_refused)
{
  assert_refused ("--cpu-period", "-5", "update: invalid value for --cpu-period: `-5`");
  /* the message names the first spelling of the flag (runc's alias) */
  assert_refused ("--cpu-shares", "", "invalid value for --cpu-share: ``");
  assert_refused ("--cpu-burst", "12a", "--cpu-burst");
  assert_refused ("--cpu-rt-period", "99999999999999999999999", "--cpu-rt-period");
  assert_refused ("--cpu-quota", "1.5", "--cpu-quota");
  assert_refused ("--cpu-rt-runtime", "", "--cpu-rt-runtime");
  assert_refused ("--cpu-idle", "x", "--cpu-idle");
  assert_refused ("--pids-limit", "many", "--pids-limit");
}

Test (update, blkio_weight)
{
  struct rt_update_opts o;

  cr_assert_eq (parse (&o, NULL, "--blkio-weight", "500", "c1", NULL), 3);
  cr_assert (o.block_io.has_weight);
  cr_assert_eq (o.block_io.weight, 500);
  /* runc: 0 is "not given" */
  cr_assert_eq (parse (&o, NULL, "--blkio-weight", "0", "c1", NULL), 3);
  cr_assert_not (o.block_io.has_weight);
  assert_refused ("--blkio-weight", "65536", "update: invalid value for --blkio-weight: `65536`");
  assert_refused ("--blkio-weight", "-1", "--blkio-weight");
  assert_refused ("--blkio-weight", "x", "--blkio-weight");
}

Test (update, pids_and_rdt)
{
  struct rt_update_opts o;

  cr_assert_eq (
      parse (&o, NULL, "--pids-limit", "-1", "--l3-cache-schema", "L3:0=f", "--mem-bw-schema", "MB:0=50", "c1", NULL),
      7);
  cr_assert (o.pids.has_limit);
  cr_assert_eq (o.pids.limit, -1);
  cr_assert_str_eq (o.l3_cache_schema, "L3:0=f");
  cr_assert_str_eq (o.mem_bw_schema, "MB:0=50");
}

Test (update, options_after_the_argument)
{
  struct rt_update_opts o;
  char *msg = NULL;

  /* as runc: options may follow the id */
  cr_assert_eq (parse (&o, NULL, "c1", "--pids-limit", "10", NULL), 3);
  cr_assert_eq (o.pids.limit, 10);
  cr_assert_eq (parse (&o, NULL, "-r", "r.json", "c1", NULL), 3);
  cr_assert_str_eq (o.resources, "r.json");
  cr_assert_eq (parse (&o, &msg, "--no-such-flag", "c1", NULL), -1);
  cr_assert_not_null (strstr (msg, "update: unknown or incomplete option `--no-such-flag`"), "%s", msg);
  free (msg);
  cr_assert_eq (parse (&o, &msg, "c1", "--memory", NULL), -1);
  free (msg);
}

Test (update, help, .init = cr_redirect_stdout)
{
  struct rt_update_opts o;

  cr_assert_eq (parse (&o, NULL, "--help", NULL), -2);
  fflush (stdout);
  cr_assert_stdout_neq_str ("");
}

Test (update, resources_from_the_flags)
{
  struct rt_error err = RT_ERROR_INIT;
  struct rt_update_opts o;
  oci_resources flags, *doc = (oci_resources *) 1, *r;

  cr_assert_eq (parse (&o, NULL, "--memory", "-1", "--cpu-shares", "2", "c1", NULL), 5);
  r = rt_update_resources (&o, &flags, &doc, &err);
  cr_assert_eq (r, &flags);
  cr_assert_null (doc);
  cr_assert_eq (r->memory, &o.memory);
  cr_assert_eq (r->cpu->shares, 2);
  /* runc: unlimited memory without a swap value unlimits swap too */
  cr_assert (r->memory->has_swap);
  cr_assert_eq (r->memory->swap, -1);

  cr_assert_eq (parse (&o, NULL, "--memory", "-1", "--memory-swap", "1g", "c1", NULL), 5);
  r = rt_update_resources (&o, &flags, &doc, &err);
  cr_assert_eq (r->memory->swap, 1LL << 30);
  cr_assert_eq (parse (&o, NULL, "--memory", "1g", "c1", NULL), 3);
  r = rt_update_resources (&o, &flags, &doc, &err);
  cr_assert_not (r->memory->has_swap);
}

/* The document, from a file in a temporary directory. */
static oci_resources *
from_file (const char *json, oci_resources **doc, char **msg)
{
  char dir[] = "/tmp/rt-test-update.XXXXXX", *path = NULL, *arg[] = { (char *) "update", (char *) "-r", NULL, NULL };
  struct rt_error err = RT_ERROR_INIT;
  struct rt_update_opts o;
  oci_resources flags, *r;
  FILE *f;

  cr_assert_not_null (mkdtemp (dir));
  cr_assert_geq (asprintf (&path, "%s/resources.json", dir), 0);
  if (json)
    {
      f = fopen (path, "w");
      cr_assert_not_null (f);
      fputs (json, f);
      fclose (f);
    }
  arg[2] = path;
  cr_assert_eq (rt_update_opts_parse (3, arg, &o, &err), 3);
  r = rt_update_resources (&o, &flags, doc, &err);
  cr_assert_neq (r, &flags);
  cr_assert_eq (r == NULL, err.msg != NULL);
  *msg = err.msg;
  unlink (path);
  rmdir (dir);
  free (path);
  return r;
}

Test (update, resources_from_a_file)
{
  oci_resources *doc, *r;
  char *msg;

  r = from_file ("{\"memory\":{\"limit\":-1},\"pids\":{\"limit\":5}}", &doc, &msg);
  cr_assert_not_null (r, "%s", msg);
  cr_assert_eq (r, doc);
  cr_assert_eq (r->pids->limit, 5);
  cr_assert (r->memory->has_swap, "the swap rule holds for a document too");
  cr_assert_eq (r->memory->swap, -1);
  cr_assert_null (r->cpu);
  oci_resources_free (doc);

  cr_assert_null (from_file (NULL, &doc, &msg));
  cr_assert_not_null (strstr (msg, "--resources"), "%s", msg);
  free (msg);
  cr_assert_null (from_file ("{\"memory\":{\"limit\":\"x\"}}", &doc, &msg));
  cr_assert_not_null (strstr (msg, "memory"), "%s", msg);
  free (msg);
  cr_assert_null (doc);
}

Test (update, resources_from_stdin)
{
  static const char json[] = "{\"cpu\":{\"shares\":1024,\"cpus\":\"0\"}}";
  char *argv[] = { (char *) "update", (char *) "--resources", (char *) "-", (char *) "c1", NULL };
  struct rt_error err = RT_ERROR_INIT;
  struct rt_update_opts o;
  oci_resources flags, *doc, *r;
  int p[2];

  /* a test runs in a process of its own: its stdin can be a pipe */
  cr_assert_eq (pipe (p), 0);
  cr_assert_eq (write (p[1], json, strlen (json)), (ssize_t) strlen (json));
  close (p[1]);
  cr_assert_eq (dup2 (p[0], STDIN_FILENO), STDIN_FILENO);
  close (p[0]);
  cr_assert_eq (rt_update_opts_parse (4, argv, &o, &err), 3);
  r = rt_update_resources (&o, &flags, &doc, &err);
  cr_assert_not_null (r, "%s", err.msg);
  cr_assert_eq (r->cpu->shares, 1024);
  cr_assert_str_eq (r->cpu->cpus, "0");
  oci_resources_free (doc);
}
