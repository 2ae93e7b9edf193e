/* Container statistics in the shape of runc's `events` (types/events.go):
 * the same property names, the same units (nanoseconds, bytes), and Go's
 * omitempty: a zero counter marked so is left out. Each controller is
 * read from the directory that has its files: v1 names first (on a hybrid
 * host the cgroup2 directory also has a cpu.stat, without throttling). */
#include "cgroups/backend.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "util/cleanup.h"
#include "util/fs.h"

#define MAX_U64 UINT64_MAX

struct dirs
{
  char *const *v;
  size_t len;
};

static char *
read_in (const char *dir, const char *file)
{
  cleanup_free char *path = NULL;
  char *data = NULL;

  if (dir == NULL || asprintf (&path, "%s/%s", dir, file) < 0 || rt_read_file (path, &data, NULL, NULL) < 0)
    return NULL;
  return data;
}

static bool
exists_in (const char *dir, const char *file)
{
  cleanup_free char *path = NULL;
  return asprintf (&path, "%s/%s", dir, file) >= 0 && access (path, F_OK) == 0;
}

/* The first directory of the container that has file. */
static const char *
dir_with (const struct dirs *d, const char *file)
{
  size_t i;

  for (i = 0; i < d->len; i++)
    if (exists_in (d->v[i], file))
      return d->v[i];
  return NULL;
}

/* A single-value file; "max" is the largest value (runc: MaxUint64). */
static uint64_t
read_u64 (const char *dir, const char *file)
{
  cleanup_free char *data = read_in (dir, file);

  if (data == NULL)
    return 0;
  if (strncmp (data, "max", 3) == 0)
    return MAX_U64;
  return strtoull (data, NULL, 10);
}

/* A "key value" line of a flat keyed file (cpu.stat, memory.events). */
static uint64_t
read_key (const char *dir, const char *file, const char *key)
{
  cleanup_free char *data = read_in (dir, file);
  size_t n = strlen (key);
  char *p;

  for (p = data; p && *p; p = strchr (p, '\n') ? strchr (p, '\n') + 1 : NULL)
    if (strncmp (p, key, n) == 0 && p[n] == ' ')
      return strtoull (p + n + 1, NULL, 10);
  return 0;
}

static void
key (yajl_gen g, const char *k)
{
  yajl_gen_string (g, (const unsigned char *) k, strlen (k));
}

static void
u64 (yajl_gen g, uint64_t v)
{
  char num[24];
  int n = snprintf (num, sizeof num, "%" PRIu64, v);
  yajl_gen_number (g, num, (size_t) n);
}

/* A field; with omitempty, left out when zero. */
static void
field (yajl_gen g, const char *k, uint64_t v, bool omitempty)
{
  if (omitempty && v == 0)
    return;
  key (g, k);
  u64 (g, v);
}

/* "123 456 789\n" as an array; omitted when empty. */
static void
field_list (yajl_gen g, const char *k, const char *data)
{
  char *end;
  const char *p = data;
  bool open = false;

  while (p && *p)
    {
      uint64_t v = strtoull (p, &end, 10);
      if (end == p)
        break;
      if (!open)
        {
          key (g, k);
          yajl_gen_array_open (g);
          open = true;
        }
      u64 (g, v);
      p = end;
    }
  if (open)
    yajl_gen_array_close (g);
}

/* ---- cpu ---- */

static void
cpu_usage_v1 (yajl_gen g, const char *dir)
{
  cleanup_free char *percpu = read_in (dir, "cpuacct.usage_percpu");
  cleanup_free char *sys = read_in (dir, "cpuacct.usage_percpu_sys");
  cleanup_free char *user = read_in (dir, "cpuacct.usage_percpu_user");
  long hz = sysconf (_SC_CLK_TCK);
  uint64_t to_ns = hz > 0 ? 1000000000ULL / (uint64_t) hz : 10000000ULL;

  field (g, "total", read_u64 (dir, "cpuacct.usage"), true);
  field_list (g, "percpu", percpu);
  field_list (g, "percpu_kernel", sys);
  field_list (g, "percpu_user", user);
  /* cpuacct.stat counts USER_HZ ticks */
  field (g, "kernel", read_key (dir, "cpuacct.stat", "system") * to_ns, false);
  field (g, "user", read_key (dir, "cpuacct.stat", "user") * to_ns, false);
}

static void
cpu_usage_v2 (yajl_gen g, const char *dir)
{
  field (g, "total", read_key (dir, "cpu.stat", "usage_usec") * 1000, true);
  field (g, "kernel", read_key (dir, "cpu.stat", "system_usec") * 1000, false);
  field (g, "user", read_key (dir, "cpu.stat", "user_usec") * 1000, false);
}

static void
emit_cpu (yajl_gen g, const struct dirs *d)
{
  const char *v1 = dir_with (d, "cpuacct.usage"), *cfs = dir_with (d, "cpu.cfs_period_us");
  const char *v2 = dir_with (d, "cpu.stat");

  key (g, "cpu");
  yajl_gen_map_open (g);
  key (g, "usage");
  yajl_gen_map_open (g);
  if (v1)
    cpu_usage_v1 (g, v1);
  else if (v2)
    cpu_usage_v2 (g, v2);
  else
    {
      field (g, "kernel", 0, false);
      field (g, "user", 0, false);
    }
  yajl_gen_map_close (g);
  key (g, "throttling");
  yajl_gen_map_open (g);
  if (cfs)
    {
      field (g, "periods", read_key (cfs, "cpu.stat", "nr_periods"), true);
      field (g, "throttledPeriods", read_key (cfs, "cpu.stat", "nr_throttled"), true);
      field (g, "throttledTime", read_key (cfs, "cpu.stat", "throttled_time"), true);
    }
  else if (v2)
    {
      field (g, "periods", read_key (v2, "cpu.stat", "nr_periods"), true);
      field (g, "throttledPeriods", read_key (v2, "cpu.stat", "nr_throttled"), true);
      field (g, "throttledTime", read_key (v2, "cpu.stat", "throttled_usec") * 1000, true);
    }
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);
}

/* ---- cpuset ---- */

/* "0-2,5" -> [0,1,2,5] */
static void
field_cpulist (yajl_gen g, const char *k, const char *list)
{
  const char *p = list;
  char *end;
  bool open = false;

  while (p && *p && *p != '\n')
    {
      unsigned long a = strtoul (p, &end, 10), b = a, i;
      if (end == p)
        break;
      if (*end == '-')
        {
          p = end + 1;
          b = strtoul (p, &end, 10);
        }
      if (!open)
        {
          key (g, k);
          yajl_gen_array_open (g);
          open = true;
        }
      for (i = a; i <= b && i - a < 65536; i++)
        u64 (g, i);
      p = *end == ',' ? end + 1 : end;
    }
  if (open)
    yajl_gen_array_close (g);
}

static void
emit_cpuset (yajl_gen g, const struct dirs *d)
{
  static const char *const flags[][2] = {
    { "cpu_exclusive", "cpuset.cpu_exclusive" },       { "mem_hardwall", "cpuset.mem_hardwall" },
    { "mem_exclusive", "cpuset.mem_exclusive" },       { "memory_migrate", "cpuset.memory_migrate" },
    { "memory_spread_page", "cpuset.memory_spread_page" }, { "memory_spread_slab", "cpuset.memory_spread_slab" },
    { "memory_pressure", "cpuset.memory_pressure" },   { "sched_load_balance", "cpuset.sched_load_balance" },
  };
  const char *v1 = dir_with (d, "cpuset.cpu_exclusive"), *v2 = v1 ? NULL : dir_with (d, "cpuset.cpus.effective");
  cleanup_free char *cpus = v1 ? read_in (v1, "cpuset.cpus") : read_in (v2, "cpuset.cpus.effective");
  cleanup_free char *mems = v1 ? read_in (v1, "cpuset.mems") : read_in (v2, "cpuset.mems.effective");
  cleanup_free char *relax = read_in (v1, "cpuset.sched_relax_domain_level");
  size_t i;

  key (g, "cpuset");
  yajl_gen_map_open (g);
  field_cpulist (g, "cpus", cpus);
  field_cpulist (g, "mems", mems);
  for (i = 0; i < sizeof flags / sizeof flags[0]; i++)
    field (g, flags[i][0], v1 ? read_u64 (v1, flags[i][1]) : 0, false);
  key (g, "sched_relax_domain_level");
  yajl_gen_integer (g, relax ? strtoll (relax, NULL, 10) : 0);
  yajl_gen_map_close (g);
}

/* ---- memory ---- */

struct mem_entry
{
  uint64_t limit, usage, max, failcnt;
};

static void
emit_mem_entry (yajl_gen g, const char *k, const struct mem_entry *e)
{
  key (g, k);
  yajl_gen_map_open (g);
  field (g, "limit", e->limit, false);
  field (g, "usage", e->usage, true);
  field (g, "max", e->max, true);
  field (g, "failcnt", e->failcnt, false);
  yajl_gen_map_close (g);
}

/* prefix "memory" -> memory.usage_in_bytes, memory.max_usage_in_bytes... */
static struct mem_entry
mem_entry_v1 (const char *dir, const char *prefix)
{
  struct mem_entry e = { 0, 0, 0, 0 };
  cleanup_free char *f1 = NULL, *f2 = NULL, *f3 = NULL, *f4 = NULL;

  if (asprintf (&f1, "%s.limit_in_bytes", prefix) < 0 || asprintf (&f2, "%s.usage_in_bytes", prefix) < 0
      || asprintf (&f3, "%s.max_usage_in_bytes", prefix) < 0 || asprintf (&f4, "%s.failcnt", prefix) < 0)
    return e;
  e.limit = read_u64 (dir, f1);
  e.usage = read_u64 (dir, f2);
  e.max = read_u64 (dir, f3);
  e.failcnt = read_u64 (dir, f4);
  return e;
}

/* memory.stat as a map. */
static void
emit_raw (yajl_gen g, const char *dir)
{
  cleanup_free char *data = read_in (dir, "memory.stat");
  char *line, *save = NULL;

  if (data == NULL || *data == '\0')
    return;
  key (g, "raw");
  yajl_gen_map_open (g);
  for (line = strtok_r (data, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *sp = strchr (line, ' ');
      if (sp == NULL)
        continue;
      *sp = '\0';
      key (g, line);
      u64 (g, strtoull (sp + 1, NULL, 10));
    }
  yajl_gen_map_close (g);
}

static void
emit_memory_v1 (yajl_gen g, const char *dir)
{
  struct mem_entry usage = mem_entry_v1 (dir, "memory"), swap = mem_entry_v1 (dir, "memory.memsw");
  struct mem_entry kernel = mem_entry_v1 (dir, "memory.kmem"), tcp = mem_entry_v1 (dir, "memory.kmem.tcp");

  field (g, "cache", read_key (dir, "memory.stat", "cache"), true);
  emit_mem_entry (g, "usage", &usage);
  emit_mem_entry (g, "swap", &swap);
  emit_mem_entry (g, "kernel", &kernel);
  emit_mem_entry (g, "kernelTCP", &tcp);
  emit_raw (g, dir);
}

static void
emit_memory_v2 (yajl_gen g, const char *dir)
{
  struct mem_entry usage = { read_u64 (dir, "memory.max"), read_u64 (dir, "memory.current"),
                             read_u64 (dir, "memory.peak"), read_key (dir, "memory.events", "max") };
  struct mem_entry swap = { read_u64 (dir, "memory.swap.max"), read_u64 (dir, "memory.swap.current"), 0,
                            read_key (dir, "memory.swap.events", "max") };
  struct mem_entry none = { 0, 0, 0, 0 };

  /* like v1's memsw, swap is reported as memory+swap */
  swap.usage += usage.usage;
  if (swap.limit != MAX_U64 && usage.limit != MAX_U64)
    swap.limit += usage.limit;
  else
    swap.limit = MAX_U64;
  field (g, "cache", read_key (dir, "memory.stat", "file"), true);
  emit_mem_entry (g, "usage", &usage);
  emit_mem_entry (g, "swap", &swap);
  emit_mem_entry (g, "kernel", &none);
  emit_mem_entry (g, "kernelTCP", &none);
  emit_raw (g, dir);
}

static void
emit_memory (yajl_gen g, const struct dirs *d)
{
  const char *v1 = dir_with (d, "memory.usage_in_bytes"), *v2 = v1 ? NULL : dir_with (d, "memory.current");
  struct mem_entry none = { 0, 0, 0, 0 };

  key (g, "memory");
  yajl_gen_map_open (g);
  if (v1)
    emit_memory_v1 (g, v1);
  else if (v2)
    emit_memory_v2 (g, v2);
  else
    {
      emit_mem_entry (g, "usage", &none);
      emit_mem_entry (g, "swap", &none);
      emit_mem_entry (g, "kernel", &none);
      emit_mem_entry (g, "kernelTCP", &none);
    }
  yajl_gen_map_close (g);
}

/* ---- pids ---- */

static void
emit_pids (yajl_gen g, const struct dirs *d)
{
  const char *dir = dir_with (d, "pids.current");
  uint64_t limit = read_u64 (dir, "pids.max");

  key (g, "pids");
  yajl_gen_map_open (g);
  field (g, "current", read_u64 (dir, "pids.current"), true);
  field (g, "limit", limit == MAX_U64 ? 0 : limit, true);
  yajl_gen_map_close (g);
}

/* ---- blkio ---- */

static void
blkio_entry (yajl_gen g, unsigned long major, unsigned long minor, const char *op, uint64_t v)
{
  yajl_gen_map_open (g);
  field (g, "major", major, true);
  field (g, "minor", minor, true);
  if (op && *op)
    {
      key (g, "op");
      yajl_gen_string (g, (const unsigned char *) op, strlen (op));
    }
  field (g, "value", v, true);
  yajl_gen_map_close (g);
}

/* v1 "8:0 Read 4096" lines (the "Total N" line has no device). */
static void
emit_blkio_v1_list (yajl_gen g, const char *k, const char *data)
{
  cleanup_free char *copy = data ? strdup (data) : NULL;
  char *line, *save = NULL;
  bool open = false;

  for (line = copy ? strtok_r (copy, "\n", &save) : NULL; line; line = strtok_r (NULL, "\n", &save))
    {
      unsigned long major, minor;
      unsigned long long v;
      char op[16] = "";
      if (sscanf (line, "%lu:%lu %15s %llu", &major, &minor, op, &v) != 4
          && (op[0] = '\0', sscanf (line, "%lu:%lu %llu", &major, &minor, &v) != 3))
        continue;
      if (!open)
        {
          key (g, k);
          yajl_gen_array_open (g);
          open = true;
        }
      blkio_entry (g, major, minor, op, v);
    }
  if (open)
    yajl_gen_array_close (g);
}

/* v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 ...": the bytes or the
 * ios as Read and Write entries. */
static void
emit_io_v2_list (yajl_gen g, const char *k, const char *data, const char *rkey, const char *wkey)
{
  cleanup_free char *copy = data ? strdup (data) : NULL;
  char *line, *save = NULL;
  bool open = false;

  for (line = copy ? strtok_r (copy, "\n", &save) : NULL; line; line = strtok_r (NULL, "\n", &save))
    {
      unsigned long major, minor;
      char *tok, *tsave = NULL;
      if (sscanf (line, "%lu:%lu", &major, &minor) != 2)
        continue;
      strtok_r (line, " ", &tsave);
      for (tok = strtok_r (NULL, " ", &tsave); tok; tok = strtok_r (NULL, " ", &tsave))
        {
          char *eq = strchr (tok, '=');
          const char *op;
          if (eq == NULL)
            continue;
          *eq = '\0';
          op = strcmp (tok, rkey) == 0 ? "Read" : strcmp (tok, wkey) == 0 ? "Write" : NULL;
          if (op == NULL)
            continue;
          if (!open)
            {
              key (g, k);
              yajl_gen_array_open (g);
              open = true;
            }
          blkio_entry (g, major, minor, op, strtoull (eq + 1, NULL, 10));
        }
    }
  if (open)
    yajl_gen_array_close (g);
}

/* The first of the files that the directory has (bfq, then throttle). */
static char *
read_first (const char *dir, const char *const *files)
{
  char *data = NULL;

  for (; *files && dir; files++)
    if ((data = read_in (dir, *files)) != NULL && *data != '\0')
      return data;
    else
      free (data);
  return NULL;
}

static void
emit_blkio (yajl_gen g, const struct dirs *d)
{
  static const char *const bytes[] = { "blkio.bfq.io_service_bytes_recursive", "blkio.io_service_bytes_recursive",
                                       "blkio.throttle.io_service_bytes_recursive", "blkio.throttle.io_service_bytes",
                                       NULL };
  static const char *const ios[] = { "blkio.bfq.io_serviced_recursive", "blkio.io_serviced_recursive",
                                     "blkio.throttle.io_serviced_recursive", "blkio.throttle.io_serviced", NULL };
  const char *v1 = dir_with (d, "blkio.throttle.io_serviced"), *v2 = v1 ? NULL : dir_with (d, "io.stat");

  key (g, "blkio");
  yajl_gen_map_open (g);
  if (v1)
    {
      cleanup_free char *b = read_first (v1, bytes), *s = read_first (v1, ios);
      emit_blkio_v1_list (g, "ioServiceBytesRecursive", b);
      emit_blkio_v1_list (g, "ioServicedRecursive", s);
    }
  else if (v2)
    {
      cleanup_free char *st = read_in (v2, "io.stat");
      emit_io_v2_list (g, "ioServiceBytesRecursive", st, "rbytes", "wbytes");
      emit_io_v2_list (g, "ioServicedRecursive", st, "rios", "wios");
    }
  yajl_gen_map_close (g);
}

/* ---- hugetlb ---- */

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The page sizes ("2MB", "1GB") with a limit file in dir. */
static char **
hugetlb_sizes (const char *dir, const char *suffix, size_t *n)
{
  DIR *dp = dir ? opendir (dir) : NULL;
  struct dirent *de;
  char **sizes = NULL;

  *n = 0;
  if (dp == NULL)
    return NULL;
  while ((de = readdir (dp)) != NULL)
    {
      size_t len = strlen (de->d_name), sl = strlen (suffix);
      char **ns;
      if (strncmp (de->d_name, "hugetlb.", 8) != 0 || len <= 8 + sl || strcmp (de->d_name + len - sl, suffix) != 0
          || strstr (de->d_name, ".rsvd.") != NULL)
        continue;
      ns = realloc (sizes, (*n + 1) * sizeof *ns);
      if (ns == NULL)
        break;
      sizes = ns;
      if ((sizes[*n] = strndup (de->d_name + 8, len - 8 - sl)) != NULL)
        (*n)++;
    }
  closedir (dp);
  if (*n == 0)
    {
      free (sizes);
      return NULL;
    }
  if (*n > 1)
    qsort (sizes, *n, sizeof *sizes, cmp_str);
  return sizes;
}

static void
emit_hugetlb_size (yajl_gen g, const char *dir, const char *size, bool v2)
{
  cleanup_free char *usage = NULL, *max = NULL, *fail = NULL;

  if (asprintf (&usage, v2 ? "hugetlb.%s.current" : "hugetlb.%s.usage_in_bytes", size) < 0
      || asprintf (&max, "hugetlb.%s.max_usage_in_bytes", size) < 0
      || asprintf (&fail, v2 ? "hugetlb.%s.events" : "hugetlb.%s.failcnt", size) < 0)
    return;
  key (g, size);
  yajl_gen_map_open (g);
  field (g, "usage", read_u64 (dir, usage), true);
  field (g, "max", v2 ? 0 : read_u64 (dir, max), true);
  field (g, "failcnt", v2 ? read_key (dir, fail, "max") : read_u64 (dir, fail), false);
  yajl_gen_map_close (g);
}

/* v1 names its limit files *.limit_in_bytes, v2 *.max. */
static void
emit_hugetlb (yajl_gen g, const struct dirs *d)
{
  char **sizes = NULL;
  const char *dir = NULL;
  bool v2 = false;
  size_t n = 0, i;

  for (i = 0; i < d->len && dir == NULL; i++)
    {
      if ((sizes = hugetlb_sizes (d->v[i], ".limit_in_bytes", &n)) == NULL)
        v2 = (sizes = hugetlb_sizes (d->v[i], ".max", &n)) != NULL;
      if (sizes != NULL)
        dir = d->v[i];
    }
  key (g, "hugetlb");
  yajl_gen_map_open (g);
  for (i = 0; i < n; i++)
    {
      emit_hugetlb_size (g, dir, sizes[i], v2);
      free (sizes[i]);
    }
  free (sizes);
  yajl_gen_map_close (g);
}

int
rt_cgroup_stats_emit (struct yajl_gen_t *g, const struct rt_cgroup *cg, struct rt_error *err)
{
  char *const *dirs = cg->dirs;
  size_t len = cg->len;
  struct dirs d = { dirs, len };
  size_t i, present = 0;

  for (i = 0; i < len; i++)
    present += access (dirs[i], F_OK) == 0;
  if (len > 0 && present == 0)
    return rt_error_set (err, ENOENT, "the container's cgroups are gone");
  yajl_gen_map_open (g);
  emit_cpu (g, &d);
  emit_cpuset (g, &d);
  emit_memory (g, &d);
  emit_pids (g, &d);
  emit_blkio (g, &d);
  emit_hugetlb (g, &d);
  key (g, "intel_rdt");
  yajl_gen_map_open (g);
  yajl_gen_map_close (g);
  key (g, "network_interfaces");
  yajl_gen_null (g);
  yajl_gen_map_close (g);
  return 0;
}
