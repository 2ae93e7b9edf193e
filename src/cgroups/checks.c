/* Before anything is created: does a hierarchy serve every resource class
 * the config sets? Without this check a limit would be silently dropped
 * (no hierarchy to write it to) or fail late with a bare ENOENT. */
#include "cgroups/backend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

static bool
want_memory (const oci_resources *r)
{
  const oci_memory *m = r->memory;
  return m
         && (m->has_limit || m->has_reservation || m->has_swap || m->has_swappiness
             || (m->has_disable_oom_killer && m->disable_oom_killer));
}

/* 0 is "leave alone" for these, as in v1.c and v2.c */
static bool
want_cpu (const oci_resources *r)
{
  const oci_cpu *c = r->cpu;
  return c
         && ((c->has_shares && c->shares) || (c->has_quota && c->quota) || (c->has_period && c->period) || c->has_burst
             || (c->has_realtime_runtime && c->realtime_runtime) || (c->has_realtime_period && c->realtime_period)
             || c->has_idle);
}

static bool
want_cpuset (const oci_resources *r)
{
  return r->cpu && ((r->cpu->cpus && *r->cpu->cpus) || (r->cpu->mems && *r->cpu->mems));
}

static bool
want_pids (const oci_resources *r)
{
  return r->pids && r->pids->has_limit;
}

static bool
want_blkio (const oci_resources *r)
{
  const oci_block_io *b = r->block_io;
  return b
         && ((b->has_weight && b->weight) || (b->has_leaf_weight && b->leaf_weight) || b->weight_device_len
             || b->throttle_read_bps_device_len || b->throttle_write_bps_device_len || b->throttle_read_iops_device_len
             || b->throttle_write_iops_device_len);
}

static bool
want_hugetlb (const oci_resources *r)
{
  return r->hugepage_limits_len > 0;
}

static bool
want_classid (const oci_resources *r)
{
  return r->network && r->network->has_class_id;
}

static bool
want_prio (const oci_resources *r)
{
  return r->network && r->network->priorities_len > 0;
}

static bool
want_rdma (const oci_resources *r)
{
  return r->rdma.len > 0;
}

static const struct
{
  const char *what; /* the config's path below .linux.resources */
  const char *v1, *v2;
  bool (*wanted) (const oci_resources *r);
} classes[] = {
  { "memory", "memory", "memory", want_memory },
  { "cpu", "cpu", "cpu", want_cpu },
  { "cpu.cpus/mems", "cpuset", "cpuset", want_cpuset },
  { "pids", "pids", "pids", want_pids },
  { "blockIO", "blkio", "io", want_blkio },
  { "hugepageLimits", "hugetlb", "hugetlb", want_hugetlb },
  { "network.classID", "net_cls", NULL, want_classid },
  { "network.priorities", "net_prio", NULL, want_prio },
  { "rdma", "rdma", "rdma", want_rdma },
};

#define N_CLASSES (sizeof classes / sizeof classes[0])

static const struct rt_cgroup_hier *
find (const struct rt_cgroup_layout *l, bool v2, const char *controller)
{
  size_t i;

  for (i = 0; controller && i < l->len; i++)
    if (l->h[i].v2 == v2 && rt_cgroup_list_has (l->h[i].controllers, controller))
      return &l->h[i];
  return NULL;
}

/* "memory.max" -> "memory"; the core "cgroup.*" files need no controller. */
static char *
unified_controller (const char *key)
{
  const char *dot = strchr (key, '.');

  if (dot == NULL || strncmp (key, "cgroup.", 7) == 0)
    return NULL;
  return strndup (key, (size_t) (dot - key));
}

static int
check_unified (const struct rt_cgroup_layout *l, const oci_strmap *u, struct rt_error *err)
{
  size_t i;

  if (u->len > 0 && !l->has_v2)
    return rt_error_set (
        err, ENOTSUP,
        "invalid configuration: .linux.resources.unified: needs cgroup v2, and this host has no cgroup2 mount");
  for (i = 0; i < u->len; i++)
    {
      cleanup_free char *ctrl = unified_controller (u->keys[i]);
      if (ctrl && find (l, true, ctrl) == NULL)
        return rt_error_set (
            err, ENOTSUP,
            "invalid configuration: .linux.resources.unified: `%s` needs the %s controller, which the cgroup2 "
            "mount does not have%s",
            u->keys[i], ctrl, find (l, false, ctrl) ? " (it is on a cgroup v1 hierarchy)" : "");
    }
  return 0;
}

/* The hierarchy that serves a resource class: its v1 one if mounted (a
 * controller is on one hierarchy only), else the cgroup2 tree's. */
static const struct rt_cgroup_hier *
served_by (const struct rt_cgroup_layout *l, const char *v1, const char *v2)
{
  const struct rt_cgroup_hier *h = find (l, false, v1);

  return h ? h : find (l, true, v2);
}

static bool
on_v2 (const struct rt_cgroup_layout *l, const char *v1, const char *v2)
{
  const struct rt_cgroup_hier *h = served_by (l, v1, v2);

  return h != NULL && h->v2;
}

/* The v1 settings that cgroup v2 has no file for: refused rather than
 * dropped (runc ignores them). */
static int
check_v1_only (const struct rt_cgroup_layout *l, const oci_resources *res, struct rt_error *err)
{
  const oci_memory *m = res->memory;
  const oci_cpu *c = res->cpu;
  const oci_block_io *b = res->block_io;

  if (m && on_v2 (l, "memory", "memory"))
    {
      if (m->has_swappiness)
        return rt_error_set (err, ENOTSUP,
                             ".linux.resources.memory.swappiness: %llu: cgroup v2 has no per-cgroup swappiness",
                             (unsigned long long) m->swappiness);
      if (m->has_disable_oom_killer && m->disable_oom_killer)
        return rt_error_set (err, ENOTSUP,
                             ".linux.resources.memory.disableOOMKiller: cgroup v2 cannot disable the OOM killer");
    }
  if (c && on_v2 (l, "cpu", "cpu")
      && ((c->has_realtime_runtime && c->realtime_runtime != 0) || (c->has_realtime_period && c->realtime_period != 0)))
    return rt_error_set (err, ENOTSUP,
                         ".linux.resources.cpu.realtimeRuntime/realtimePeriod: not supported on cgroup v2");
  if (b && b->has_leaf_weight && b->leaf_weight != 0 && on_v2 (l, "blkio", "io"))
    return rt_error_set (err, ENOTSUP, ".linux.resources.blockIO.leafWeight: not supported on cgroup v2");
  return 0;
}

int
rt_cgroup_check_layout (const struct rt_cgroup_layout *l, const oci_resources *res, struct rt_error *err)
{
  size_t i;

  if (res == NULL)
    return 0;
  for (i = 0; i < N_CLASSES; i++)
    if (classes[i].wanted (res) && find (l, false, classes[i].v1) == NULL && find (l, true, classes[i].v2) == NULL)
      {
        if (classes[i].v2 == NULL || strcmp (classes[i].v1, classes[i].v2) == 0)
          return rt_error_set (err, ENOTSUP,
                               ".linux.resources.%s: no cgroup hierarchy on this host has the %s controller",
                               classes[i].what, classes[i].v1);
        return rt_error_set (err, ENOTSUP,
                             ".linux.resources.%s: no cgroup hierarchy on this host has the %s (v1) or %s "
                             "(v2) controller",
                             classes[i].what, classes[i].v1, classes[i].v2);
      }
  if (check_v1_only (l, res, err) < 0)
    return -1;
  return check_unified (l, &res->unified, err);
}

int
rt_cgroup_check_v2_dir (const struct rt_cgroup_layout *l, const char *dir, const char *controllers,
                        const oci_resources *res, struct rt_error *err)
{
  size_t i;

  if (res == NULL)
    return 0;
  for (i = 0; i < N_CLASSES; i++)
    {
      const char *c = classes[i].v2;
      if (!classes[i].wanted (res) || find (l, false, classes[i].v1) != NULL || find (l, true, c) == NULL)
        continue;
      if (!rt_cgroup_list_has (controllers, c))
        return rt_error_set (err, ENOTSUP,
                             ".linux.resources.%s: the %s controller is not enabled for `%s` (the parent's "
                             "cgroup.subtree_control lacks it; a parent with processes of its own cannot "
                             "enable it)",
                             classes[i].what, c, dir);
    }
  for (i = 0; i < res->unified.len; i++)
    {
      cleanup_free char *ctrl = unified_controller (res->unified.keys[i]);
      if (ctrl && !rt_cgroup_list_has (controllers, ctrl))
        return rt_error_set (err, ENOTSUP, ".linux.resources.unified: `%s`: the %s controller is not enabled for `%s`",
                             res->unified.keys[i], ctrl, dir);
    }
  return 0;
}

static bool
has_dir_in (const struct rt_cgroup_layout *l, const struct rt_cgroup_hier *h, char *const *dirs, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (rt_cgroup_hier_of (l, dirs[i]) == h)
      return true;
  return false;
}

int
rt_cgroup_check_served (const struct rt_cgroup_layout *l, char *const *dirs, size_t n, const oci_resources *res,
                        struct rt_error *err)
{
  const struct rt_cgroup_hier *h;
  size_t i;

  if (res == NULL)
    return 0;
  for (i = 0; i < N_CLASSES; i++)
    {
      if (!classes[i].wanted (res))
        continue;
      h = served_by (l, classes[i].v1, classes[i].v2);
      if (h != NULL && !has_dir_in (l, h, dirs, n))
        return rt_error_set (err, 0,
                             ".linux.resources.%s: cannot set %s limit: container could not join or create cgroup "
                             "(rootless: `%s` is not writable for you)",
                             classes[i].what, h->v2 ? classes[i].v2 : classes[i].v1, h->mount);
    }
  for (i = 0; i < l->len && res->unified.len > 0; i++)
    if (l->h[i].v2 && !has_dir_in (l, &l->h[i], dirs, n))
      return rt_error_set (err, 0,
                           ".linux.resources.unified: cannot set unified limit: container could not join or create "
                           "cgroup (rootless: `%s` is not writable for you)",
                           l->h[i].mount);
  return 0;
}
