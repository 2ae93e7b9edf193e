/* The statistics read by the cgroups layer (cgroups/stats.h) as runc
 * prints them: Go's encoding/json of types/events.go, so the same
 * property order and omitempty (a zero counter marked so is left out). */
#include "container/stats_json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The generator and the first failure: the calls below go on after one,
 * which the caller learns from at the end. */
struct w
{
  yajl_gen g;
  int ret;
};

static void
check (struct w *w, yajl_gen_status st)
{
  if (st != yajl_gen_status_ok)
    w->ret = -1;
}

static void
str (struct w *w, const char *s)
{
  check (w, yajl_gen_string (w->g, (const unsigned char *) s, strlen (s)));
}

static void
key (struct w *w, const char *k)
{
  str (w, k);
}

static void
u64 (struct w *w, uint64_t v)
{
  char num[24];
  int n = snprintf (num, sizeof num, "%" PRIu64, v);
  check (w, yajl_gen_number (w->g, num, (size_t) n));
}

static void
map_open (struct w *w)
{
  check (w, yajl_gen_map_open (w->g));
}

static void
map_close (struct w *w)
{
  check (w, yajl_gen_map_close (w->g));
}

/* A field; with omitempty, left out when zero. */
static void
field (struct w *w, const char *k, uint64_t v, bool omitempty)
{
  if (omitempty && v == 0)
    return;
  key (w, k);
  u64 (w, v);
}

/* A list of numbers, left out when there was none. */
static void
field_list (struct w *w, const char *k, const struct rt_cgroup_stats_list *l)
{
  size_t i;

  if (!l->present)
    return;
  key (w, k);
  check (w, yajl_gen_array_open (w->g));
  for (i = 0; i < l->len; i++)
    u64 (w, l->v[i]);
  check (w, yajl_gen_array_close (w->g));
}

static void
write_cpu (struct w *w, const struct rt_cgroup_cpu_stats *c)
{
  key (w, "cpu");
  map_open (w);
  key (w, "usage");
  map_open (w);
  field (w, "total", c->usage.total, true);
  field_list (w, "percpu", &c->usage.percpu);
  field_list (w, "percpu_kernel", &c->usage.percpu_kernel);
  field_list (w, "percpu_user", &c->usage.percpu_user);
  field (w, "kernel", c->usage.kernel, false);
  field (w, "user", c->usage.user, false);
  map_close (w);
  key (w, "throttling");
  map_open (w);
  field (w, "periods", c->throttling.periods, true);
  field (w, "throttledPeriods", c->throttling.throttled_periods, true);
  field (w, "throttledTime", c->throttling.throttled_time, true);
  map_close (w);
  map_close (w);
}

static void
write_cpuset (struct w *w, const struct rt_cgroup_cpuset_stats *cs)
{
  key (w, "cpuset");
  map_open (w);
  field_list (w, "cpus", &cs->cpus);
  field_list (w, "mems", &cs->mems);
  field (w, "cpu_exclusive", cs->cpu_exclusive, false);
  field (w, "mem_hardwall", cs->mem_hardwall, false);
  field (w, "mem_exclusive", cs->mem_exclusive, false);
  field (w, "memory_migrate", cs->memory_migrate, false);
  field (w, "memory_spread_page", cs->memory_spread_page, false);
  field (w, "memory_spread_slab", cs->memory_spread_slab, false);
  field (w, "memory_pressure", cs->memory_pressure, false);
  field (w, "sched_load_balance", cs->sched_load_balance, false);
  key (w, "sched_relax_domain_level");
  check (w, yajl_gen_integer (w->g, cs->sched_relax_domain_level));
  map_close (w);
}

static void
write_mem_entry (struct w *w, const char *k, const struct rt_cgroup_mem_entry *e)
{
  key (w, k);
  map_open (w);
  field (w, "limit", e->limit, false);
  field (w, "usage", e->usage, true);
  field (w, "max", e->max, true);
  field (w, "failcnt", e->failcnt, false);
  map_close (w);
}

static void
write_memory (struct w *w, const struct rt_cgroup_memory_stats *m)
{
  size_t i;

  key (w, "memory");
  map_open (w);
  field (w, "cache", m->cache, true);
  write_mem_entry (w, "usage", &m->usage);
  write_mem_entry (w, "swap", &m->swap);
  write_mem_entry (w, "kernel", &m->kernel);
  write_mem_entry (w, "kernelTCP", &m->kernel_tcp);
  if (m->raw.present)
    {
      key (w, "raw");
      map_open (w);
      for (i = 0; i < m->raw.len; i++)
        {
          key (w, m->raw.v[i].key);
          u64 (w, m->raw.v[i].value);
        }
      map_close (w);
    }
  map_close (w);
}

static void
write_pids (struct w *w, const struct rt_cgroup_pids_stats *p)
{
  key (w, "pids");
  map_open (w);
  field (w, "current", p->current, true);
  field (w, "limit", p->limit, true);
  map_close (w);
}

/* Left out when empty. */
static void
write_blkio_list (struct w *w, const char *k, const struct rt_cgroup_blkio_list *l)
{
  size_t i;

  if (l->len == 0)
    return;
  key (w, k);
  check (w, yajl_gen_array_open (w->g));
  for (i = 0; i < l->len; i++)
    {
      const struct rt_cgroup_blkio_entry *e = &l->v[i];
      map_open (w);
      field (w, "major", e->major, true);
      field (w, "minor", e->minor, true);
      if (e->op[0] != '\0')
        {
          key (w, "op");
          str (w, e->op);
        }
      field (w, "value", e->value, true);
      map_close (w);
    }
  check (w, yajl_gen_array_close (w->g));
}

static void
write_blkio (struct w *w, const struct rt_cgroup_blkio_stats *b)
{
  key (w, "blkio");
  map_open (w);
  write_blkio_list (w, "ioServiceBytesRecursive", &b->service_bytes);
  write_blkio_list (w, "ioServicedRecursive", &b->serviced);
  map_close (w);
}

static void
write_hugetlb (struct w *w, const struct rt_cgroup_hugetlb_entry *h, size_t n)
{
  size_t i;

  key (w, "hugetlb");
  map_open (w);
  for (i = 0; i < n; i++)
    {
      key (w, h[i].page_size);
      map_open (w);
      field (w, "usage", h[i].usage, true);
      field (w, "max", h[i].max, true);
      field (w, "failcnt", h[i].failcnt, false);
      map_close (w);
    }
  map_close (w);
}

int
rt_stats_json_write (yajl_gen g, const struct rt_cgroup_stats *s)
{
  struct w w = { g, 0 };

  map_open (&w);
  write_cpu (&w, &s->cpu);
  write_cpuset (&w, &s->cpuset);
  write_memory (&w, &s->memory);
  write_pids (&w, &s->pids);
  write_blkio (&w, &s->blkio);
  write_hugetlb (&w, s->hugetlb, s->hugetlb_len);
  /* not read by rt: what runc prints when it has none (an empty struct, a
   * nil slice) */
  key (&w, "intel_rdt");
  map_open (&w);
  map_close (&w);
  key (&w, "network_interfaces");
  check (&w, yajl_gen_null (g));
  map_close (&w);
  return w.ret;
}
