/* cgroup v1: each resource goes to the hierarchy of its controller. */
#include "cgroups/backend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/devices.h"
#include "util/cleanup.h"

/* Kernel memory limits are gone from recent kernels (the files may stay
 * but refuse with EOPNOTSUPP): like runc, ignore them there. */
static int
memory_optional (const char *dir, const char *file, int64_t v, struct rt_error *err)
{
  struct rt_error e = RT_ERROR_INIT;

  if (!rt_cgroup_has_file (dir, file))
    return 0;
  if (rt_cgroup_writef (dir, file, &e, "%lld", (long long) v) == 0)
    return 0;
  if (e.errnum == EOPNOTSUPP || e.errnum == ENOTSUP)
    {
      rt_error_clear (&e);
      return 0;
    }
  rt_error_clear (err);
  *err = e;
  return -1;
}

/* Without swap accounting there is no memsw file: unlimited is a no-op. */
static int
memsw (const char *dir, int64_t swap, struct rt_error *err)
{
  if (!rt_cgroup_has_file (dir, "memory.memsw.limit_in_bytes"))
    {
      if (swap < 0)
        return 0;
      return rt_error_set (err, ENOTSUP,
                           ".linux.resources.memory.swap: %lld: this kernel has no swap accounting "
                           "(memory.memsw.limit_in_bytes)",
                           (long long) swap);
    }
  return rt_cgroup_writef (dir, "memory.memsw.limit_in_bytes", err, "%lld", (long long) swap);
}

static int
apply_memory (const char *dir, const oci_memory *m, struct rt_error *err)
{
  if (m->has_limit && m->has_swap && m->swap != 0)
    {
      /* memsw must stay >= limit at every step: raise memsw first when
       * the limit goes up, lower the limit first when it goes down */
      if (rt_cgroup_writef (dir, "memory.limit_in_bytes", NULL, "%lld", (long long) m->limit) < 0)
        {
          if (memsw (dir, m->swap, err) < 0)
            return -1;
          RT_CG_W ("memory.limit_in_bytes", "%lld", (long long) m->limit);
        }
      else if (memsw (dir, m->swap, err) < 0)
        return -1;
    }
  else if (m->has_limit)
    RT_CG_W ("memory.limit_in_bytes", "%lld", (long long) m->limit);
  else if (m->has_swap && m->swap != 0 && memsw (dir, m->swap, err) < 0)
    return -1;
  if (m->has_reservation)
    RT_CG_W ("memory.soft_limit_in_bytes", "%lld", (long long) m->reservation);
  if (m->has_kernel && memory_optional (dir, "memory.kmem.limit_in_bytes", m->kernel, err) < 0)
    return -1;
  if (m->has_kernel_tcp && memory_optional (dir, "memory.kmem.tcp.limit_in_bytes", m->kernel_tcp, err) < 0)
    return -1;
  /* 0..100: rt_resources_validate refused any other */
  if (m->has_swappiness)
    RT_CG_W ("memory.swappiness", "%llu", (unsigned long long) m->swappiness);
  if (m->has_disable_oom_killer && m->disable_oom_killer)
    RT_CG_W ("memory.oom_control", "%d", 1);
  return 0;
}

/* As runc: 0 leaves a value alone (an update document carries zeros for
 * what it does not change). */
/* Period and quota together: a smaller period with the old quota can
 * exceed a parent's limit (EINVAL), when the new quota would not; then the
 * quota goes first and the period after it (runc's order). */
static int
set_cfs (const char *dir, const oci_cpu *c, struct rt_error *err)
{
  bool period = c->has_period && c->period != 0, quota = c->has_quota && c->quota != 0, retry = false;

  if (period && rt_cgroup_writef (dir, "cpu.cfs_period_us", err, "%llu", (unsigned long long) c->period) < 0)
    {
      if (err == NULL || err->errnum != EINVAL || !quota)
        return -1;
      rt_error_clear (err);
      retry = true;
    }
  if (quota)
    RT_CG_W ("cpu.cfs_quota_us", "%lld", (long long) c->quota);
  if (retry)
    RT_CG_W ("cpu.cfs_period_us", "%llu", (unsigned long long) c->period);
  return 0;
}

static int
apply_cpu (const char *dir, const oci_cpu *c, struct rt_error *err)
{
  if (c->has_shares && c->shares != 0)
    RT_CG_W ("cpu.shares", "%llu", (unsigned long long) c->shares);
  if (set_cfs (dir, c, err) < 0)
    return -1;
  if (c->has_burst)
    RT_CG_W ("cpu.cfs_burst_us", "%llu", (unsigned long long) c->burst);
  if (c->has_realtime_period && c->realtime_period != 0)
    RT_CG_W ("cpu.rt_period_us", "%llu", (unsigned long long) c->realtime_period);
  if (c->has_realtime_runtime && c->realtime_runtime != 0)
    RT_CG_W ("cpu.rt_runtime_us", "%lld", (long long) c->realtime_runtime);
  if (c->has_idle)
    RT_CG_W ("cpu.idle", "%lld", (long long) c->idle);
  return 0;
}

static int
apply_cpuset (const char *dir, const oci_cpu *c, struct rt_error *err)
{
  if (c->cpus && *c->cpus)
    RT_CG_W ("cpuset.cpus", "%s", c->cpus);
  if (c->mems && *c->mems)
    RT_CG_W ("cpuset.mems", "%s", c->mems);
  return 0;
}

static int
throttle (const char *dir, const char *file, oci_throttle_device **d, size_t n, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < n; i++)
    RT_CG_W (file, "%lld:%lld %llu", (long long) d[i]->major, (long long) d[i]->minor, (unsigned long long) d[i]->rate);
  return 0;
}

static int
apply_blkio (const char *dir, const oci_block_io *b, struct rt_error *err)
{
  const char *weight = rt_cgroup_has_file (dir, "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight";
  size_t i;

  if (b->has_weight && b->weight != 0)
    RT_CG_W (weight, "%u", b->weight);
  if (b->has_leaf_weight && b->leaf_weight != 0)
    RT_CG_W ("blkio.leaf_weight", "%u", b->leaf_weight);
  for (i = 0; i < b->weight_device_len; i++)
    {
      const oci_weight_device *d = b->weight_device[i];
      if (d->has_weight && d->weight != 0)
        RT_CG_W (rt_cgroup_has_file (dir, "blkio.weight_device") ? "blkio.weight_device" : "blkio.bfq.weight_device",
                 "%lld:%lld %u", (long long) d->major, (long long) d->minor, d->weight);
      if (d->has_leaf_weight && d->leaf_weight != 0)
        RT_CG_W ("blkio.leaf_weight_device", "%lld:%lld %u", (long long) d->major, (long long) d->minor,
                 d->leaf_weight);
    }
  if (throttle (dir, "blkio.throttle.read_bps_device", b->throttle_read_bps_device, b->throttle_read_bps_device_len,
                err)
          < 0
      || throttle (dir, "blkio.throttle.write_bps_device", b->throttle_write_bps_device,
                   b->throttle_write_bps_device_len, err)
             < 0
      || throttle (dir, "blkio.throttle.read_iops_device", b->throttle_read_iops_device,
                   b->throttle_read_iops_device_len, err)
             < 0
      || throttle (dir, "blkio.throttle.write_iops_device", b->throttle_write_iops_device,
                   b->throttle_write_iops_device_len, err)
             < 0)
    return -1;
  return 0;
}

static int
apply_network (const char *dir, const char *controllers, const oci_network *n, struct rt_error *err)
{
  size_t i;

  if (rt_cgroup_list_has (controllers, "net_cls") && n->has_class_id)
    RT_CG_W ("net_cls.classid", "%u", n->class_id);
  if (rt_cgroup_list_has (controllers, "net_prio"))
    for (i = 0; i < n->priorities_len; i++)
      RT_CG_W ("net_prio.ifpriomap", "%s %u", n->priorities[i]->name, n->priorities[i]->priority);
  return 0;
}

int
rt_cgroup_v1_apply (const char *dir, const char *controllers, const oci_resources *r, struct rt_error *err)
{
  if (rt_cgroup_list_has (controllers, "memory") && r->memory && apply_memory (dir, r->memory, err) < 0)
    return -1;
  if (rt_cgroup_list_has (controllers, "cpu") && r->cpu && apply_cpu (dir, r->cpu, err) < 0)
    return -1;
  if (rt_cgroup_list_has (controllers, "cpuset") && r->cpu && apply_cpuset (dir, r->cpu, err) < 0)
    return -1;
  if (rt_cgroup_list_has (controllers, "pids") && rt_cgroup_write_pids (dir, r->pids, err) < 0)
    return -1;
  if (rt_cgroup_list_has (controllers, "blkio") && r->block_io && apply_blkio (dir, r->block_io, err) < 0)
    return -1;
  if (rt_cgroup_list_has (controllers, "hugetlb") && rt_cgroup_write_hugetlb (dir, r, "limit_in_bytes", err) < 0)
    return -1;
  if (r->network && apply_network (dir, controllers, r->network, err) < 0)
    return -1;
  if (rt_cgroup_list_has (controllers, "rdma") && rt_cgroup_write_rdma (dir, r, err) < 0)
    return -1;
  if (rt_cgroup_list_has (controllers, "devices") && rt_cgroup_v1_devices (dir, r->devices, r->devices_len, err) < 0)
    return -1;
  return 0;
}
