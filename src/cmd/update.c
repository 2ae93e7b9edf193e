/* rt update: change the resource limits of a live container, with runc's
 * flags or a LinuxResources document (--resources FILE, or - for stdin as
 * containerd sends it). Only what is given changes: the document starts
 * empty, and each backend writes only the values that are set. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/update_opts.h"
#include "container/container.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"

enum
{
  OPT_RESOURCES = 'r',
  OPT_BLKIO_WEIGHT = 256,
  OPT_CPU_PERIOD,
  OPT_CPU_QUOTA,
  OPT_CPU_BURST,
  OPT_CPU_SHARES,
  OPT_CPU_RT_PERIOD,
  OPT_CPU_RT_RUNTIME,
  OPT_CPU_IDLE,
  OPT_CPUSET_CPUS,
  OPT_CPUSET_MEMS,
  OPT_KERNEL_MEMORY,
  OPT_KERNEL_MEMORY_TCP,
  OPT_MEMORY,
  OPT_MEMORY_RESERVATION,
  OPT_MEMORY_SWAP,
  OPT_PIDS_LIMIT,
  OPT_L3_CACHE_SCHEMA,
  OPT_MEM_BW_SCHEMA,
};

static const struct option longopts[] = {
  { "resources", required_argument, NULL, OPT_RESOURCES },
  { "blkio-weight", required_argument, NULL, OPT_BLKIO_WEIGHT },
  { "cpu-period", required_argument, NULL, OPT_CPU_PERIOD },
  { "cpu-quota", required_argument, NULL, OPT_CPU_QUOTA },
  { "cpu-burst", required_argument, NULL, OPT_CPU_BURST },
  { "cpu-share", required_argument, NULL, OPT_CPU_SHARES },
  { "cpu-shares", required_argument, NULL, OPT_CPU_SHARES },
  { "cpu-rt-period", required_argument, NULL, OPT_CPU_RT_PERIOD },
  { "cpu-rt-runtime", required_argument, NULL, OPT_CPU_RT_RUNTIME },
  { "cpu-idle", required_argument, NULL, OPT_CPU_IDLE },
  { "cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS },
  { "cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS },
  { "kernel-memory", required_argument, NULL, OPT_KERNEL_MEMORY },
  { "kernel-memory-tcp", required_argument, NULL, OPT_KERNEL_MEMORY_TCP },
  { "memory", required_argument, NULL, OPT_MEMORY },
  { "memory-reservation", required_argument, NULL, OPT_MEMORY_RESERVATION },
  { "memory-swap", required_argument, NULL, OPT_MEMORY_SWAP },
  { "pids-limit", required_argument, NULL, OPT_PIDS_LIMIT },
  { "l3-cache-schema", required_argument, NULL, OPT_L3_CACHE_SCHEMA },
  { "mem-bw-schema", required_argument, NULL, OPT_MEM_BW_SCHEMA },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static const char *
opt_name (int opt)
{
  const struct option *o;

  for (o = longopts; o->name; o++)
    if (o->val == opt)
      return o->name;
  return "?";
}

/* go-units' RAMInBytes: "16m", "1.5g", "512 KiB", "1024": binary multiples. */
static int
parse_ram_bytes (const char *s, int64_t *out)
{
  static const char units[] = "kmgtp";
  const char *p = s, *u;
  long double v;
  char *end;
  int shift = 0;

  if (!isdigit ((unsigned char) *p))
    return -1;
  errno = 0;
  v = strtold (p, &end);
  if (errno != 0 || end == p || strchr (p, 'e') || strchr (p, 'E') || strchr (p, 'x') || strchr (p, 'X'))
    return -1;
  p = end;
  if (*p == ' ')
    p++;
  if (*p && (u = strchr (units, tolower ((unsigned char) *p))) != NULL)
    {
      shift = 10 * (int) (u - units + 1);
      p++;
    }
  if (*p == 'i' || *p == 'I')
    p++;
  if (*p == 'b' || *p == 'B')
    p++;
  if (*p != '\0')
    return -1;
  v = ldexpl (v, shift);
  if (v >= 9223372036854775807.0L)
    return -1;
  *out = (int64_t) v;
  return 0;
}

static int
parse_u64 (int opt, const char *arg, uint64_t *v, struct rt_error *err)
{
  char *end;

  errno = 0;
  *v = strtoull (arg, &end, 10);
  if (*arg == '\0' || *arg == '-' || *end != '\0' || errno != 0)
    return rt_error_set (err, 0, "update: invalid value for --%s: `%s`", opt_name (opt), arg);
  return 0;
}

static int
parse_i64 (int opt, const char *arg, int64_t *v, struct rt_error *err)
{
  char *end;

  errno = 0;
  *v = strtoll (arg, &end, 10);
  if (*arg == '\0' || *end != '\0' || errno != 0)
    return rt_error_set (err, 0, "update: invalid value for --%s: `%s`", opt_name (opt), arg);
  return 0;
}

/* Memory sizes take units; -1 is unlimited. */
static int
parse_mem (int opt, const char *arg, int64_t *v, bool *has, struct rt_error *err)
{
  if (strcmp (arg, "-1") == 0)
    *v = -1;
  else if (parse_ram_bytes (arg, v) < 0)
    return rt_error_set (err, 0, "update: invalid value for --%s: `%s` (a size such as 1024, 512k, 16m, 2g)",
                         opt_name (opt), arg);
  *has = true;
  return 0;
}

/* The CPU flags; 1 when opt is not one of them. */
static int
on_cpu_opt (struct rt_update_opts *o, int opt, const char *arg, struct rt_error *err)
{
  oci_cpu *c = &o->cpu;

  switch (opt)
    {
    case OPT_CPU_PERIOD:
      c->has_period = true;
      return parse_u64 (opt, arg, &c->period, err);
    case OPT_CPU_QUOTA:
      c->has_quota = true;
      return parse_i64 (opt, arg, &c->quota, err);
    case OPT_CPU_BURST:
      c->has_burst = true;
      return parse_u64 (opt, arg, &c->burst, err);
    case OPT_CPU_SHARES:
      c->has_shares = true;
      return parse_u64 (opt, arg, &c->shares, err);
    case OPT_CPU_RT_PERIOD:
      c->has_realtime_period = true;
      return parse_u64 (opt, arg, &c->realtime_period, err);
    case OPT_CPU_RT_RUNTIME:
      c->has_realtime_runtime = true;
      return parse_i64 (opt, arg, &c->realtime_runtime, err);
    case OPT_CPU_IDLE:
      c->has_idle = true;
      return parse_i64 (opt, arg, &c->idle, err);
    case OPT_CPUSET_CPUS:
      c->cpus = *arg ? (char *) arg : NULL;
      return 0;
    case OPT_CPUSET_MEMS:
      c->mems = *arg ? (char *) arg : NULL;
      return 0;
    }
  return 1;
}

static int
on_opt (void *data, int opt, const char *arg, struct rt_error *err)
{
  struct rt_update_opts *o = data;
  int64_t v;
  int r = on_cpu_opt (o, opt, arg, err);

  if (r <= 0)
    return r;
  switch (opt)
    {
    case OPT_RESOURCES:
      o->resources = arg;
      return 0;
    case OPT_BLKIO_WEIGHT:
      if (parse_i64 (opt, arg, &v, err) < 0)
        return -1;
      if (v < 0 || v > 65535)
        return rt_error_set (err, 0, "update: invalid value for --blkio-weight: `%s`", arg);
      o->block_io.weight = (uint16_t) v;
      o->block_io.has_weight = v != 0;
      return 0;
    case OPT_MEMORY:
      return parse_mem (opt, arg, &o->memory.limit, &o->memory.has_limit, err);
    case OPT_MEMORY_RESERVATION:
      return parse_mem (opt, arg, &o->memory.reservation, &o->memory.has_reservation, err);
    case OPT_MEMORY_SWAP:
      return parse_mem (opt, arg, &o->memory.swap, &o->memory.has_swap, err);
    case OPT_KERNEL_MEMORY:
    case OPT_KERNEL_MEMORY_TCP:
      rt_log_warning ("update: --%s is ignored (kernel memory limits are obsolete)", opt_name (opt));
      return 0;
    case OPT_PIDS_LIMIT:
      o->pids.has_limit = true;
      return parse_i64 (opt, arg, &o->pids.limit, err);
    case OPT_L3_CACHE_SCHEMA:
      o->l3_cache_schema = arg;
      return 0;
    case OPT_MEM_BW_SCHEMA:
      o->mem_bw_schema = arg;
      return 0;
    }
  return rt_error_set (err, 0, "update: unexpected option");
}

/* The whole of a file, or of stdin for "-". */
static int
read_input (const char *path, char **data, size_t *len, struct rt_error *err)
{
  size_t cap = 0;

  if (strcmp (path, "-") != 0)
    return rt_read_file (path, data, len, err) < 0 ? rt_error_prefix (err, "--resources") : 0;
  *data = NULL;
  *len = 0;
  for (;;)
    {
      ssize_t n;
      if (*len + 4096 + 1 > cap)
        {
          char *nd = realloc (*data, cap = (cap + 4096) * 2);
          if (nd == NULL)
            return rt_error_set (err, ENOMEM, "read stdin");
          *data = nd;
        }
      n = read (STDIN_FILENO, *data + *len, cap - *len - 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return rt_error_set (err, errno, "read the resources from stdin");
      if (n == 0)
        break;
      *len += (size_t) n;
    }
  (*data)[*len] = '\0';
  return 0;
}

static oci_resources *
load_resources (const char *path, struct rt_error *err)
{
  cleanup_free char *data = NULL;
  char *perr = NULL;
  size_t len;
  oci_resources *r;

  if (read_input (path, &data, &len, err) < 0)
    return NULL;
  r = oci_resources_parse (data, len, strcmp (path, "-") == 0 ? "stdin" : path, &perr);
  if (r == NULL)
    rt_error_take (err, 0, perr);
  return r;
}

/* From the flags: a document that points into o (never freed). */
static void
flags_resources (struct rt_update_opts *o, oci_resources *r)
{
  memset (r, 0, sizeof *r);
  r->memory = &o->memory;
  r->cpu = &o->cpu;
  r->block_io = &o->block_io;
  r->pids = &o->pids;
}

/* runc: unlimited memory without a swap value means unlimited swap too. */
static void
fix_swap (oci_resources *r)
{
  if (r->memory && r->memory->has_limit && r->memory->limit == -1 && !r->memory->has_swap)
    {
      r->memory->swap = -1;
      r->memory->has_swap = true;
    }
}

int
rt_update_opts_parse (int argc, char **argv, struct rt_update_opts *o, struct rt_error *err)
{
  memset (o, 0, sizeof *o);
  return rt_cmd_getopt (rt_command_find ("update"), argc, argv, "+r:h", longopts, on_opt, o, err);
}

oci_resources *
rt_update_resources (struct rt_update_opts *o, oci_resources *flags, oci_resources **doc, struct rt_error *err)
{
  oci_resources *r = flags;

  *doc = NULL;
  if (o->resources && (*doc = load_resources (o->resources, err)) == NULL)
    return NULL;
  if (*doc)
    r = *doc;
  else
    flags_resources (o, flags);
  fix_swap (r);
  return r;
}

static int
update (struct rt_context *ctx, const char *id, struct rt_update_opts *o, struct rt_error *err)
{
  oci_resources flags, *doc = NULL, *r;
  int ret;

  r = rt_update_resources (o, &flags, &doc, err);
  if (r == NULL)
    return rt_error_prefix (err, "update `%s`", id);
  ret = rt_container_update (ctx, id, r, o->l3_cache_schema, o->mem_bw_schema, err);
  oci_resources_free (doc);
  return ret;
}

RT_CMD (update)
{
  const struct rt_command *c = rt_command_find ("update");
  struct rt_update_opts o;
  int first;

  first = rt_update_opts_parse (argc, argv, &o, err);
  if (first < 0)
    return first == -2 ? 0 : -1;
  if (rt_cmd_need_args (c, argc, first, 1, err) < 0)
    return -1;
  if (argc - first > 1)
    return rt_error_set (err, 0, "update: expected 1 argument (usage: rt update %s)", c->args);
  return update (ctx, argv[first], &o, err);
}
