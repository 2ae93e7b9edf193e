/* cgroup v2: one tree, v1-style values converted with the documented
 * formulas (runc's and crun's): shares -> cpu.weight, blkio weight ->
 * io.weight, swap (memory+swap) -> memory.swap.max (swap only). */
#include "cgroups/backend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/devices.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* Enable the controllers AVAIL (space-separated) for the children of DIR.
 * One write first, which the kernel applies all or nothing: a cgroup that
 * holds processes (the caller's own, for a relative cgroupsPath) refuses
 * it with EBUSY and is left exactly as it was; enabling the threaded
 * controllers alone there would turn it "domain threaded" and break every
 * sibling. On any other refusal, each controller is tried alone. */
static void
enable_for_children (const char *dir, char *avail)
{
  cleanup_free char *all = NULL;
  struct rt_error e = RT_ERROR_INIT;
  char *tok, *save = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&all, &len);
  bool busy;

  if (f == NULL)
    return;
  for (tok = strtok_r (avail, " \n", &save); tok; tok = strtok_r (NULL, " \n", &save))
    fprintf (f, "%s+%s", ftell (f) > 0 ? " " : "", tok);
  if (fclose (f) != 0 || all == NULL || *all == '\0')
    return;
  if (rt_cgroup_write (dir, "cgroup.subtree_control", all, &e) == 0)
    return;
  busy = e.errnum == EBUSY;
  rt_error_clear (&e);
  if (busy)
    return;
  for (tok = strtok_r (all, " ", &save); tok; tok = strtok_r (NULL, " ", &save))
    rt_cgroup_write (dir, "cgroup.subtree_control", tok, NULL);
}

/* Enable every available controller in the subtree_control of each
 * ancestor of path (below the mount), so that the leaf gets them. */
int
rt_cgroup_v2_enable_controllers (const char *mount, const char *path, struct rt_error *err)
{
  cleanup_free char *cur = strdup (mount), *rel = strdup (path);
  char *comp, *save = NULL;

  if (cur == NULL || rel == NULL)
    return rt_error_set (err, ENOMEM, "cgroup");
  comp = strtok_r (rel, "/", &save);
  while (comp != NULL)
    {
      cleanup_free char *ctrl_path = NULL, *avail = NULL;
      char *next_comp = strtok_r (NULL, "/", &save), *next;

      if (asprintf (&ctrl_path, "%s/cgroup.controllers", cur) < 0)
        return rt_error_set (err, ENOMEM, "cgroup");
      if (rt_read_file (ctrl_path, &avail, NULL, NULL) == 0)
        enable_for_children (cur, avail);
      if (asprintf (&next, "%s/%s", cur, comp) < 0)
        return rt_error_set (err, ENOMEM, "cgroup");
      free (cur);
      cur = next;
      comp = next_comp;
    }
  return 0;
}

/* The memory limit in force: the one given, else memory.max (an update
 * may change the swap alone). -1 for none. */
static long long
memory_limit (const char *dir, const oci_memory *m)
{
  cleanup_free char *path = NULL, *data = NULL;

  if (m->has_limit)
    return m->limit < 0 ? -1 : m->limit;
  if (asprintf (&path, "%s/memory.max", dir) < 0 || rt_read_file (path, &data, NULL, NULL) < 0
      || strncmp (data, "max", 3) == 0)
    return -1;
  return strtoll (data, NULL, 10);
}

/* OCI's swap counts memory+swap (v1's memsw); memory.swap.max counts swap
 * alone. 0 means unset; -1 unlimited. */
static int
apply_swap (const char *dir, const oci_memory *m, struct rt_error *err)
{
  long long limit = memory_limit (dir, m);

  if (m->swap < 0)
    RT_CG_W ("memory.swap.max", "%s", "max");
  else if (limit < 0)
    return rt_error_set (err, EINVAL,
                         ".linux.resources.memory.swap: %lld: a swap limit needs a memory limit on cgroup v2",
                         (long long) m->swap);
  else if (m->swap < limit)
    return rt_error_set (err, EINVAL,
                         ".linux.resources.memory.swap: %lld must be >= the memory limit %lld (it counts memory+swap)",
                         (long long) m->swap, limit);
  else
    RT_CG_W ("memory.swap.max", "%lld", (long long) m->swap - limit);
  return 0;
}

static int
apply_memory (const char *dir, const oci_memory *m, struct rt_error *err)
{
  if (m->has_limit)
    {
      if (m->limit < 0)
        RT_CG_W ("memory.max", "%s", "max");
      else
        RT_CG_W ("memory.max", "%lld", (long long) m->limit);
    }
  if (m->has_swap && m->swap != 0 && apply_swap (dir, m, err) < 0)
    return -1;
  if (m->has_reservation)
    {
      if (m->reservation < 0)
        RT_CG_W ("memory.low", "%s", "max");
      else
        RT_CG_W ("memory.low", "%lld", (long long) m->reservation);
    }
  /* swappiness and disableOOMKiller: refused before (checks.c) */
  return 0;
}

/* The quota part of cpu.max: the one given, else the one in force (an
 * update may change the period alone). */
static char *
cpu_max_quota (const char *dir, const oci_cpu *c)
{
  cleanup_free char *path = NULL, *cur = NULL;
  char *q = NULL;

  if (c->has_quota && c->quota != 0)
    {
      if (c->quota < 0)
        return strdup ("max");
      return asprintf (&q, "%lld", (long long) c->quota) < 0 ? NULL : q;
    }
  if (asprintf (&path, "%s/cpu.max", dir) < 0 || rt_read_file (path, &cur, NULL, NULL) < 0)
    return strdup ("max");
  return strndup (cur, strcspn (cur, " \n"));
}

/* As runc: 0 leaves a value alone; shares become cpu.weight. */
static int
apply_cpu (const char *dir, const oci_cpu *c, struct rt_error *err)
{
  bool quota = c->has_quota && c->quota != 0, period = c->has_period && c->period != 0;

  if (c->has_shares && c->shares != 0)
    {
      uint64_t s = c->shares < 2 ? 2 : (c->shares > 262144 ? 262144 : c->shares);
      RT_CG_W ("cpu.weight", "%llu", (unsigned long long) (1 + ((s - 2) * 9999) / 262142));
    }
  if (quota || period)
    {
      cleanup_free char *q = cpu_max_quota (dir, c);
      if (q == NULL)
        return rt_error_set (err, ENOMEM, "cpu.max");
      if (period)
        RT_CG_W ("cpu.max", "%s %llu", q, (unsigned long long) c->period);
      else
        RT_CG_W ("cpu.max", "%s", q);
    }
  if (c->has_burst)
    RT_CG_W ("cpu.max.burst", "%llu", (unsigned long long) c->burst);
  if (c->has_idle)
    RT_CG_W ("cpu.idle", "%lld", (long long) c->idle);
  return 0;
}

static int
io_lines (const char *dir, const char *key, oci_throttle_device **d, size_t n, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < n; i++)
    RT_CG_W ("io.max", "%lld:%lld %s=%llu", (long long) d[i]->major, (long long) d[i]->minor, key,
             (unsigned long long) d[i]->rate);
  return 0;
}

static unsigned
blkio_to_io_weight (unsigned w)
{
  return w == 0 ? 0 : 1 + (w - 10) * 9999 / 990;
}

static int
apply_io (const char *dir, const oci_block_io *b, struct rt_error *err)
{
  bool bfq = access (dir, F_OK) == 0 && ({
               cleanup_free char *p = NULL;
               asprintf (&p, "%s/io.bfq.weight", dir) >= 0 && access (p, F_OK) == 0;
             });
  size_t i;

  if (b->has_weight && b->weight != 0)
    {
      if (bfq)
        RT_CG_W ("io.bfq.weight", "%u", b->weight);
      else
        RT_CG_W ("io.weight", "default %u", blkio_to_io_weight (b->weight));
    }
  for (i = 0; i < b->weight_device_len; i++)
    if (b->weight_device[i]->has_weight && b->weight_device[i]->weight != 0)
      {
        if (bfq)
          RT_CG_W ("io.bfq.weight", "%lld:%lld %u", (long long) b->weight_device[i]->major,
                   (long long) b->weight_device[i]->minor, b->weight_device[i]->weight);
        else
          RT_CG_W ("io.weight", "%lld:%lld %u", (long long) b->weight_device[i]->major,
                   (long long) b->weight_device[i]->minor, blkio_to_io_weight (b->weight_device[i]->weight));
      }
  if (io_lines (dir, "rbps", b->throttle_read_bps_device, b->throttle_read_bps_device_len, err) < 0
      || io_lines (dir, "wbps", b->throttle_write_bps_device, b->throttle_write_bps_device_len, err) < 0
      || io_lines (dir, "riops", b->throttle_read_iops_device, b->throttle_read_iops_device_len, err) < 0
      || io_lines (dir, "wiops", b->throttle_write_iops_device, b->throttle_write_iops_device_len, err) < 0)
    return -1;
  return 0;
}

/* Each key a file of dir: rt_resources_validate refused any other. */
static int
apply_unified (const char *dir, const oci_strmap *u, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < u->len; i++)
    RT_CG_W (u->keys[i], "%s", u->values[i]);
  return 0;
}

/* On a hybrid host the cgroup2 mount has only some controllers: apply just
 * what it serves (v1.c has the rest). */
int
rt_cgroup_v2_apply (const char *dir, const char *controllers, const oci_resources *r, bool devices,
                    struct rt_error *err)
{
  if (devices && r->devices_len > 0 && rt_cgroup_v2_devices (dir, r->devices, r->devices_len, err) < 0)
    return -1;
  if (rt_cgroup_list_has (controllers, "memory") && r->memory && apply_memory (dir, r->memory, err) < 0)
    return -1;
  if (rt_cgroup_list_has (controllers, "cpu") && r->cpu && apply_cpu (dir, r->cpu, err) < 0)
    return -1;
  if (rt_cgroup_list_has (controllers, "cpuset") && r->cpu)
    {
      if (r->cpu->cpus && *r->cpu->cpus)
        RT_CG_W ("cpuset.cpus", "%s", r->cpu->cpus);
      if (r->cpu->mems && *r->cpu->mems)
        RT_CG_W ("cpuset.mems", "%s", r->cpu->mems);
    }
  if (rt_cgroup_list_has (controllers, "pids") && rt_cgroup_write_pids (dir, r->pids, err) < 0)
    return -1;
  if (rt_cgroup_list_has (controllers, "io") && r->block_io && apply_io (dir, r->block_io, err) < 0)
    return -1;
  if (rt_cgroup_list_has (controllers, "hugetlb") && rt_cgroup_write_hugetlb (dir, r, "max", err) < 0)
    return -1;
  if (rt_cgroup_list_has (controllers, "rdma") && rt_cgroup_write_rdma (dir, r, err) < 0)
    return -1;
  return apply_unified (dir, &r->unified, err);
}
