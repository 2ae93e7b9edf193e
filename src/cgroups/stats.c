/* Container statistics in the shape of runc's `events` (types/events.go):
 * the same quantities, the same units (nanoseconds, bytes). Each
 * controller is read from the directory that has its files: v1 names
 * first (on a hybrid host the cgroup2 directory also has a cpu.stat,
 * without throttling). The parsing of file contents is kept apart from the
 * reading, in pure functions the unit tests call on buffers. */
#include "cgroups/stats.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

#define MAX_U64 UINT64_MAX

/* ---- growing the lists ---- */

static int
list_push (struct rt_cgroup_stats_list *l, uint64_t v, struct rt_error *err)
{
  uint64_t *nv = realloc (l->v, (l->len + 1) * sizeof *nv);

  if (nv == NULL)
    return rt_error_set (err, ENOMEM, "cgroup statistics");
  l->v = nv;
  l->v[l->len++] = v;
  return 0;
}

static int
blkio_push (struct rt_cgroup_blkio_list *l, unsigned long major, unsigned long minor, const char *op, uint64_t v,
            struct rt_error *err)
{
  struct rt_cgroup_blkio_entry *nv = realloc (l->v, (l->len + 1) * sizeof *nv), *e;

  if (nv == NULL)
    return rt_error_set (err, ENOMEM, "cgroup statistics");
  l->v = nv;
  e = &l->v[l->len++];
  memset (e, 0, sizeof *e);
  e->major = major;
  e->minor = minor;
  snprintf (e->op, sizeof e->op, "%s", op ? op : "");
  e->value = v;
  return 0;
}

void
rt_cgroup_stats_list_free (struct rt_cgroup_stats_list *l)
{
  free (l->v);
  memset (l, 0, sizeof *l);
}

void
rt_cgroup_stats_kv_list_free (struct rt_cgroup_stats_kv_list *l)
{
  size_t i;

  for (i = 0; i < l->len; i++)
    free (l->v[i].key);
  free (l->v);
  memset (l, 0, sizeof *l);
}

void
rt_cgroup_blkio_list_free (struct rt_cgroup_blkio_list *l)
{
  free (l->v);
  memset (l, 0, sizeof *l);
}

/* ---- the parsers ---- */

uint64_t
rt_cgroup_stats_parse_u64 (const char *text)
{
  if (text == NULL)
    return 0;
  /* runc reads "max" as MaxUint64 */
  if (strncmp (text, "max", 3) == 0)
    return MAX_U64;
  return strtoull (text, NULL, 10);
}

uint64_t
rt_cgroup_stats_parse_key (const char *text, const char *key)
{
  size_t n = strlen (key);
  const char *p;

  for (p = text; p && *p; p = strchr (p, '\n') ? strchr (p, '\n') + 1 : NULL)
    if (strncmp (p, key, n) == 0 && p[n] == ' ')
      return strtoull (p + n + 1, NULL, 10);
  return 0;
}

int
rt_cgroup_stats_parse_u64s (const char *text, struct rt_cgroup_stats_list *out, struct rt_error *err)
{
  const char *p = text;
  char *end;

  memset (out, 0, sizeof *out);
  while (p && *p)
    {
      uint64_t v = strtoull (p, &end, 10);
      if (end == p)
        break;
      if (list_push (out, v, err) < 0)
        {
          rt_cgroup_stats_list_free (out);
          return -1;
        }
      p = end;
    }
  out->present = out->len > 0;
  return 0;
}

int
rt_cgroup_stats_parse_cpulist (const char *text, struct rt_cgroup_stats_list *out, struct rt_error *err)
{
  const char *p = text;
  char *end;

  memset (out, 0, sizeof *out);
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
      /* a range was read, even one that holds nothing ("5-2"): [] */
      out->present = true;
      /* the bound keeps a corrupt range from taking all memory */
      for (i = a; i <= b && i - a < 65536; i++)
        if (list_push (out, i, err) < 0)
          {
            rt_cgroup_stats_list_free (out);
            return -1;
          }
      p = *end == ',' ? end + 1 : end;
    }
  return 0;
}

/* Calls fn on each line of text (a copy: fn may cut it up), until one
 * fails. */
typedef int (*line_fn) (char *line, void *data, struct rt_error *err);

static int
each_line (const char *text, line_fn fn, void *data, struct rt_error *err)
{
  cleanup_free char *copy = NULL;
  char *line, *save = NULL;

  if (text == NULL)
    return 0;
  copy = strdup (text);
  if (copy == NULL)
    return rt_error_set (err, ENOMEM, "cgroup statistics");
  for (line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    if (fn (line, data, err) < 0)
      return -1;
  return 0;
}

/* "key value" */
static int
kv_line (char *line, void *data, struct rt_error *err)
{
  struct rt_cgroup_stats_kv_list *out = data;
  char *sp = strchr (line, ' ');
  struct rt_cgroup_stats_kv *nv;

  if (sp == NULL)
    return 0;
  nv = realloc (out->v, (out->len + 1) * sizeof *nv);
  if (nv == NULL)
    return rt_error_set (err, ENOMEM, "cgroup statistics");
  out->v = nv;
  nv[out->len].key = strndup (line, (size_t) (sp - line));
  if (nv[out->len].key == NULL)
    return rt_error_set (err, ENOMEM, "cgroup statistics");
  nv[out->len++].value = strtoull (sp + 1, NULL, 10);
  return 0;
}

int
rt_cgroup_stats_parse_kv (const char *text, struct rt_cgroup_stats_kv_list *out, struct rt_error *err)
{
  memset (out, 0, sizeof *out);
  if (text == NULL || *text == '\0')
    return 0;
  out->present = true;
  if (each_line (text, kv_line, out, err) < 0)
    {
      rt_cgroup_stats_kv_list_free (out);
      return -1;
    }
  return 0;
}

/* "MAJ:MIN Op value", or "MAJ:MIN value" */
static int
blkio_v1_line (char *line, void *data, struct rt_error *err)
{
  unsigned long major, minor;
  unsigned long long v;
  char op[16] = "";

  if (sscanf (line, "%lu:%lu %15s %llu", &major, &minor, op, &v) != 4
      && (op[0] = '\0', sscanf (line, "%lu:%lu %llu", &major, &minor, &v) != 3))
    return 0;
  return blkio_push (data, major, minor, op, v, err);
}

int
rt_cgroup_stats_parse_blkio_v1 (const char *text, struct rt_cgroup_blkio_list *out, struct rt_error *err)
{
  return each_line (text, blkio_v1_line, out, err);
}

struct io_stat_keys
{
  const char *rkey, *wkey;
  struct rt_cgroup_blkio_list *out;
};

/* "MAJ:MIN key=value key=value..." */
static int
io_stat_line (char *line, void *data, struct rt_error *err)
{
  const struct io_stat_keys *k = data;
  unsigned long major, minor;
  char *tok, *tsave = NULL;

  if (sscanf (line, "%lu:%lu", &major, &minor) != 2)
    return 0;
  strtok_r (line, " ", &tsave);
  for (tok = strtok_r (NULL, " ", &tsave); tok; tok = strtok_r (NULL, " ", &tsave))
    {
      char *eq = strchr (tok, '=');
      const char *op;
      if (eq == NULL)
        continue;
      *eq = '\0';
      op = strcmp (tok, k->rkey) == 0 ? "Read" : strcmp (tok, k->wkey) == 0 ? "Write" : NULL;
      if (op != NULL && blkio_push (k->out, major, minor, op, strtoull (eq + 1, NULL, 10), err) < 0)
        return -1;
    }
  return 0;
}

int
rt_cgroup_stats_parse_io_stat (const char *text, const char *rkey, const char *wkey, struct rt_cgroup_blkio_list *out,
                               struct rt_error *err)
{
  struct io_stat_keys k = { rkey, wkey, out };

  return each_line (text, io_stat_line, &k, err);
}

size_t
rt_cgroup_stats_hugetlb_page (const char *file, const char *suffix)
{
  size_t len = strlen (file), sl = strlen (suffix);

  if (strncmp (file, "hugetlb.", 8) != 0 || len <= 8 + sl || strcmp (file + len - sl, suffix) != 0
      || strstr (file, ".rsvd.") != NULL)
    return 0;
  return len - 8 - sl;
}

/* ---- the files ---- */

struct dirs
{
  char *const *v;
  size_t len;
};

/* NULL for a file that cannot be read: a controller without it reads as
 * zeros, as runc's does. */
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

static uint64_t
read_u64 (const char *dir, const char *file)
{
  cleanup_free char *data = read_in (dir, file);
  return rt_cgroup_stats_parse_u64 (data);
}

static uint64_t
read_key (const char *dir, const char *file, const char *key)
{
  cleanup_free char *data = read_in (dir, file);
  return rt_cgroup_stats_parse_key (data, key);
}

/* ---- cpu ---- */

static int
read_cpu_usage_v1 (const char *dir, struct rt_cgroup_cpu_usage *u, struct rt_error *err)
{
  cleanup_free char *percpu = read_in (dir, "cpuacct.usage_percpu");
  cleanup_free char *sys = read_in (dir, "cpuacct.usage_percpu_sys");
  cleanup_free char *user = read_in (dir, "cpuacct.usage_percpu_user");
  long hz = sysconf (_SC_CLK_TCK);
  uint64_t to_ns = hz > 0 ? 1000000000ULL / (uint64_t) hz : 10000000ULL;

  u->total = read_u64 (dir, "cpuacct.usage");
  if (rt_cgroup_stats_parse_u64s (percpu, &u->percpu, err) < 0
      || rt_cgroup_stats_parse_u64s (sys, &u->percpu_kernel, err) < 0
      || rt_cgroup_stats_parse_u64s (user, &u->percpu_user, err) < 0)
    return -1;
  /* cpuacct.stat counts USER_HZ ticks */
  u->kernel = read_key (dir, "cpuacct.stat", "system") * to_ns;
  u->user = read_key (dir, "cpuacct.stat", "user") * to_ns;
  return 0;
}

static int
read_cpu (const struct dirs *d, struct rt_cgroup_cpu_stats *c, struct rt_error *err)
{
  const char *v1 = dir_with (d, "cpuacct.usage"), *cfs = dir_with (d, "cpu.cfs_period_us");
  const char *v2 = dir_with (d, "cpu.stat");

  if (v1)
    {
      if (read_cpu_usage_v1 (v1, &c->usage, err) < 0)
        return -1;
    }
  else if (v2)
    {
      c->usage.total = read_key (v2, "cpu.stat", "usage_usec") * 1000;
      c->usage.kernel = read_key (v2, "cpu.stat", "system_usec") * 1000;
      c->usage.user = read_key (v2, "cpu.stat", "user_usec") * 1000;
    }
  if (cfs)
    {
      c->throttling.periods = read_key (cfs, "cpu.stat", "nr_periods");
      c->throttling.throttled_periods = read_key (cfs, "cpu.stat", "nr_throttled");
      c->throttling.throttled_time = read_key (cfs, "cpu.stat", "throttled_time");
    }
  else if (v2)
    {
      c->throttling.periods = read_key (v2, "cpu.stat", "nr_periods");
      c->throttling.throttled_periods = read_key (v2, "cpu.stat", "nr_throttled");
      c->throttling.throttled_time = read_key (v2, "cpu.stat", "throttled_usec") * 1000;
    }
  return 0;
}

/* ---- cpuset ---- */

static int
read_cpuset (const struct dirs *d, struct rt_cgroup_cpuset_stats *cs, struct rt_error *err)
{
  const struct
  {
    const char *file;
    uint64_t *v;
  } flags[] = {
    { "cpuset.cpu_exclusive", &cs->cpu_exclusive },           { "cpuset.mem_hardwall", &cs->mem_hardwall },
    { "cpuset.mem_exclusive", &cs->mem_exclusive },           { "cpuset.memory_migrate", &cs->memory_migrate },
    { "cpuset.memory_spread_page", &cs->memory_spread_page }, { "cpuset.memory_spread_slab", &cs->memory_spread_slab },
    { "cpuset.memory_pressure", &cs->memory_pressure },       { "cpuset.sched_load_balance", &cs->sched_load_balance },
  };
  const char *v1 = dir_with (d, "cpuset.cpu_exclusive"), *v2 = v1 ? NULL : dir_with (d, "cpuset.cpus.effective");
  cleanup_free char *cpus = v1 ? read_in (v1, "cpuset.cpus") : read_in (v2, "cpuset.cpus.effective");
  cleanup_free char *mems = v1 ? read_in (v1, "cpuset.mems") : read_in (v2, "cpuset.mems.effective");
  cleanup_free char *relax = read_in (v1, "cpuset.sched_relax_domain_level");
  size_t i;

  if (rt_cgroup_stats_parse_cpulist (cpus, &cs->cpus, err) < 0
      || rt_cgroup_stats_parse_cpulist (mems, &cs->mems, err) < 0)
    return -1;
  /* v2 has none of the flags */
  for (i = 0; v1 && i < sizeof flags / sizeof flags[0]; i++)
    *flags[i].v = read_u64 (v1, flags[i].file);
  cs->sched_relax_domain_level = relax ? strtoll (relax, NULL, 10) : 0;
  return 0;
}

/* ---- memory ---- */

/* prefix "memory" -> memory.usage_in_bytes, memory.max_usage_in_bytes... */
static int
mem_entry_v1 (const char *dir, const char *prefix, struct rt_cgroup_mem_entry *e, struct rt_error *err)
{
  cleanup_free char *f1 = NULL, *f2 = NULL, *f3 = NULL, *f4 = NULL;

  if (asprintf (&f1, "%s.limit_in_bytes", prefix) < 0 || asprintf (&f2, "%s.usage_in_bytes", prefix) < 0
      || asprintf (&f3, "%s.max_usage_in_bytes", prefix) < 0 || asprintf (&f4, "%s.failcnt", prefix) < 0)
    return rt_error_set (err, ENOMEM, "cgroup statistics");
  e->limit = read_u64 (dir, f1);
  e->usage = read_u64 (dir, f2);
  e->max = read_u64 (dir, f3);
  e->failcnt = read_u64 (dir, f4);
  return 0;
}

static int
read_memory_v1 (const char *dir, struct rt_cgroup_memory_stats *m, struct rt_error *err)
{
  cleanup_free char *stat = read_in (dir, "memory.stat");

  if (mem_entry_v1 (dir, "memory", &m->usage, err) < 0 || mem_entry_v1 (dir, "memory.memsw", &m->swap, err) < 0
      || mem_entry_v1 (dir, "memory.kmem", &m->kernel, err) < 0
      || mem_entry_v1 (dir, "memory.kmem.tcp", &m->kernel_tcp, err) < 0)
    return -1;
  m->cache = rt_cgroup_stats_parse_key (stat, "cache");
  return rt_cgroup_stats_parse_kv (stat, &m->raw, err);
}

static int
read_memory_v2 (const char *dir, struct rt_cgroup_memory_stats *m, struct rt_error *err)
{
  cleanup_free char *stat = read_in (dir, "memory.stat");
  struct rt_cgroup_mem_entry *usage = &m->usage, *swap = &m->swap;

  usage->limit = read_u64 (dir, "memory.max");
  usage->usage = read_u64 (dir, "memory.current");
  usage->max = read_u64 (dir, "memory.peak");
  usage->failcnt = read_key (dir, "memory.events", "max");
  swap->limit = read_u64 (dir, "memory.swap.max");
  swap->usage = read_u64 (dir, "memory.swap.current");
  swap->failcnt = read_key (dir, "memory.swap.events", "max");
  /* like v1's memsw, swap is reported as memory+swap */
  swap->usage += usage->usage;
  if (swap->limit != MAX_U64 && usage->limit != MAX_U64)
    swap->limit += usage->limit;
  else
    swap->limit = MAX_U64;
  m->cache = rt_cgroup_stats_parse_key (stat, "file");
  return rt_cgroup_stats_parse_kv (stat, &m->raw, err);
}

static int
read_memory (const struct dirs *d, struct rt_cgroup_memory_stats *m, struct rt_error *err)
{
  const char *v1 = dir_with (d, "memory.usage_in_bytes"), *v2 = v1 ? NULL : dir_with (d, "memory.current");

  if (v1)
    return read_memory_v1 (v1, m, err);
  if (v2)
    return read_memory_v2 (v2, m, err);
  return 0;
}

/* ---- pids ---- */

static void
read_pids (const struct dirs *d, struct rt_cgroup_pids_stats *p)
{
  const char *dir = dir_with (d, "pids.current");
  uint64_t limit = read_u64 (dir, "pids.max");

  p->current = read_u64 (dir, "pids.current");
  p->limit = limit == MAX_U64 ? 0 : limit;
}

/* ---- blkio ---- */

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

static int
read_blkio (const struct dirs *d, struct rt_cgroup_blkio_stats *b, struct rt_error *err)
{
  static const char *const bytes[] = { "blkio.bfq.io_service_bytes_recursive", "blkio.io_service_bytes_recursive",
                                       "blkio.throttle.io_service_bytes_recursive", "blkio.throttle.io_service_bytes",
                                       NULL };
  static const char *const ios[] = { "blkio.bfq.io_serviced_recursive", "blkio.io_serviced_recursive",
                                     "blkio.throttle.io_serviced_recursive", "blkio.throttle.io_serviced", NULL };
  const char *v1 = dir_with (d, "blkio.throttle.io_serviced"), *v2 = v1 ? NULL : dir_with (d, "io.stat");

  if (v1)
    {
      cleanup_free char *by = read_first (v1, bytes), *s = read_first (v1, ios);
      if (rt_cgroup_stats_parse_blkio_v1 (by, &b->service_bytes, err) < 0
          || rt_cgroup_stats_parse_blkio_v1 (s, &b->serviced, err) < 0)
        return -1;
    }
  else if (v2)
    {
      cleanup_free char *st = read_in (v2, "io.stat");
      if (rt_cgroup_stats_parse_io_stat (st, "rbytes", "wbytes", &b->service_bytes, err) < 0
          || rt_cgroup_stats_parse_io_stat (st, "rios", "wios", &b->serviced, err) < 0)
        return -1;
    }
  return 0;
}

/* ---- hugetlb ---- */

static int
cmp_hugetlb (const void *a, const void *b)
{
  return strcmp (((const struct rt_cgroup_hugetlb_entry *) a)->page_size,
                 ((const struct rt_cgroup_hugetlb_entry *) b)->page_size);
}

/* The page sizes ("2MB", "1GB") with a limit file (named by suffix) in
 * dir, sorted, into s->hugetlb. */
static int
hugetlb_sizes (const char *dir, const char *suffix, struct rt_cgroup_stats *s, struct rt_error *err)
{
  DIR *dp = opendir (dir);
  struct dirent *de;

  if (dp == NULL)
    return 0;
  while ((de = readdir (dp)) != NULL)
    {
      size_t n = rt_cgroup_stats_hugetlb_page (de->d_name, suffix);
      struct rt_cgroup_hugetlb_entry *nv;
      if (n == 0)
        continue;
      nv = realloc (s->hugetlb, (s->hugetlb_len + 1) * sizeof *nv);
      if (nv == NULL)
        break;
      s->hugetlb = nv;
      memset (&nv[s->hugetlb_len], 0, sizeof *nv);
      if ((nv[s->hugetlb_len].page_size = strndup (de->d_name + 8, n)) == NULL)
        break;
      s->hugetlb_len++;
    }
  closedir (dp);
  if (de != NULL)
    return rt_error_set (err, ENOMEM, "cgroup statistics");
  if (s->hugetlb_len > 1)
    qsort (s->hugetlb, s->hugetlb_len, sizeof *s->hugetlb, cmp_hugetlb);
  return 0;
}

static int
read_hugetlb_size (const char *dir, struct rt_cgroup_hugetlb_entry *h, bool v2, struct rt_error *err)
{
  const char *size = h->page_size;
  cleanup_free char *usage = NULL, *max = NULL, *fail = NULL;

  if (asprintf (&usage, v2 ? "hugetlb.%s.current" : "hugetlb.%s.usage_in_bytes", size) < 0
      || asprintf (&max, "hugetlb.%s.max_usage_in_bytes", size) < 0
      || asprintf (&fail, v2 ? "hugetlb.%s.events" : "hugetlb.%s.failcnt", size) < 0)
    return rt_error_set (err, ENOMEM, "cgroup statistics");
  h->usage = read_u64 (dir, usage);
  /* v2 keeps no peak */
  h->max = v2 ? 0 : read_u64 (dir, max);
  h->failcnt = v2 ? read_key (dir, fail, "max") : read_u64 (dir, fail);
  return 0;
}

/* v1 names its limit files *.limit_in_bytes, v2 *.max. */
static int
read_hugetlb (const struct dirs *d, struct rt_cgroup_stats *s, struct rt_error *err)
{
  const char *dir = NULL;
  bool v2 = false;
  size_t i;

  for (i = 0; i < d->len && dir == NULL; i++)
    {
      if (hugetlb_sizes (d->v[i], ".limit_in_bytes", s, err) < 0)
        return -1;
      if (s->hugetlb_len == 0)
        {
          if (hugetlb_sizes (d->v[i], ".max", s, err) < 0)
            return -1;
          v2 = s->hugetlb_len > 0;
        }
      if (s->hugetlb_len > 0)
        dir = d->v[i];
    }
  for (i = 0; i < s->hugetlb_len; i++)
    if (read_hugetlb_size (dir, &s->hugetlb[i], v2, err) < 0)
      return -1;
  return 0;
}

int
rt_cgroup_stats_read (const struct rt_cgroup *cg, struct rt_cgroup_stats *out, struct rt_error *err)
{
  struct dirs d = { cg->dirs, cg->len };
  size_t i, present = 0;

  memset (out, 0, sizeof *out);
  for (i = 0; i < d.len; i++)
    present += access (d.v[i], F_OK) == 0;
  if (d.len > 0 && present == 0)
    return rt_error_set (err, ENOENT, "the container's cgroups are gone");
  if (read_cpu (&d, &out->cpu, err) < 0 || read_cpuset (&d, &out->cpuset, err) < 0
      || read_memory (&d, &out->memory, err) < 0)
    goto fail;
  read_pids (&d, &out->pids);
  if (read_blkio (&d, &out->blkio, err) < 0 || read_hugetlb (&d, out, err) < 0)
    goto fail;
  return 0;

fail:
  rt_cgroup_stats_free (out);
  return -1;
}

void
rt_cgroup_stats_free (struct rt_cgroup_stats *s)
{
  size_t i;

  rt_cgroup_stats_list_free (&s->cpu.usage.percpu);
  rt_cgroup_stats_list_free (&s->cpu.usage.percpu_kernel);
  rt_cgroup_stats_list_free (&s->cpu.usage.percpu_user);
  rt_cgroup_stats_list_free (&s->cpuset.cpus);
  rt_cgroup_stats_list_free (&s->cpuset.mems);
  rt_cgroup_stats_kv_list_free (&s->memory.raw);
  rt_cgroup_blkio_list_free (&s->blkio.service_bytes);
  rt_cgroup_blkio_list_free (&s->blkio.serviced);
  for (i = 0; i < s->hugetlb_len; i++)
    free (s->hugetlb[i].page_size);
  free (s->hugetlb);
  memset (s, 0, sizeof *s);
}
