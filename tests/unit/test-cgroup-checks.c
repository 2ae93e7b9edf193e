/* What the cgroup manager checks against the host's layout before any
 * cgroup exists (cgroups/checks.c): a controller for every resource, no v1
 * setting on a cgroup v2 controller, the controllers of a v2 directory,
 * and the hierarchies a rootless container could not write. */
#include "cgroups/backend.h"

#include <criterion/criterion.h>
#include <string.h>

static struct rt_cgroup_hier v2_hier[] = {
  { (char *) "/sys/fs/cgroup", (char *) "cpuset cpu io memory hugetlb pids", NULL, true },
};
static const struct rt_cgroup_layout v2 = { v2_hier, 1, false, true };

static struct rt_cgroup_hier hybrid_hier[] = {
  { (char *) "/sys/fs/cgroup/memory", (char *) "memory", NULL, false },
  { (char *) "/sys/fs/cgroup/cpu,cpuacct", (char *) "cpu,cpuacct", NULL, false },
  { (char *) "/sys/fs/cgroup/unified", (char *) "hugetlb", NULL, true },
};
static const struct rt_cgroup_layout hybrid = { hybrid_hier, 3, true, true };

static char *
layout_refusal (const struct rt_cgroup_layout *l, const oci_resources *r)
{
  struct rt_error err = RT_ERROR_INIT;
  int ret = rt_cgroup_check_layout (l, r, &err);

  cr_assert_eq (ret < 0, err.msg != NULL);
  return err.msg;
}

static void
assert_says (char *msg, const char *want)
{
  cr_assert_not_null (msg, "accepted, expected: %s", want);
  cr_assert_not_null (strstr (msg, want), "`%s` does not say `%s`", msg, want);
  free (msg);
}

Test (cgroup_checks, swappiness_is_v1s)
{
  oci_memory m = { .has_swappiness = true, .swappiness = 60 };
  oci_resources r = { .memory = &m };

  cr_assert_null (layout_refusal (&hybrid, &r), "memory on v1 takes it");
  assert_says (layout_refusal (&v2, &r),
               ".linux.resources.memory.swappiness: 60: cgroup v2 has no per-cgroup swappiness");
}

Test (cgroup_checks, v1_only_settings_on_v2)
{
  oci_memory m = { .has_disable_oom_killer = true, .disable_oom_killer = true };
  oci_cpu c = { .has_realtime_runtime = true, .realtime_runtime = 950000 };
  oci_block_io b = { .has_leaf_weight = true, .leaf_weight = 100 };
  oci_resources mem = { .memory = &m }, cpu = { .cpu = &c }, blkio = { .block_io = &b };

  assert_says (layout_refusal (&v2, &mem), ".linux.resources.memory.disableOOMKiller: cgroup v2 cannot");
  assert_says (layout_refusal (&v2, &cpu), ".linux.resources.cpu.realtimeRuntime/realtimePeriod: not supported");
  assert_says (layout_refusal (&v2, &blkio), ".linux.resources.blockIO.leafWeight: not supported on cgroup v2");
  cr_assert_null (layout_refusal (&hybrid, &cpu), "cpu on v1 takes realtime");
  m.disable_oom_killer = false;
  c.realtime_runtime = 0;
  cr_assert_null (layout_refusal (&v2, &mem), "false is no request");
  cr_assert_null (layout_refusal (&v2, &cpu), "0 leaves it alone");
}

Test (cgroup_checks, a_controller_for_each_resource)
{
  oci_pids p = { .has_limit = true, .limit = 10 };
  oci_resources r = { .pids = &p };

  assert_says (layout_refusal (&hybrid, &r), ".linux.resources.pids: no cgroup hierarchy on this host has the pids");
  cr_assert_null (layout_refusal (&v2, &r));
}

Test (cgroup_checks, unified_needs_v2_and_its_controller)
{
  const char *keys[] = { "memory.high" }, *values[] = { "max" };
  oci_resources r = { .unified = { (char **) keys, (char **) values, 1 } };

  assert_says (layout_refusal (&hybrid, &r), "`memory.high` needs the memory controller, which the cgroup2 mount "
                                             "does not have (it is on a cgroup v1 hierarchy)");
  cr_assert_null (layout_refusal (&v2, &r));
}

Test (cgroup_checks, v2_directory_controllers)
{
  oci_pids p = { .has_limit = true, .limit = 10 };
  oci_resources r = { .pids = &p };
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_eq (rt_cgroup_check_v2_dir (&v2, "/sys/fs/cgroup/c1", "cpu memory pids", &r, &err), 0);
  cr_assert_lt (rt_cgroup_check_v2_dir (&v2, "/sys/fs/cgroup/c1", "cpu memory", &r, &err), 0);
  assert_says (err.msg, ".linux.resources.pids: the pids controller is not enabled for `/sys/fs/cgroup/c1`");
}

Test (cgroup_checks, rootless_without_a_writable_hierarchy)
{
  oci_memory m = { .has_limit = true, .limit = 1 << 20 };
  oci_resources r = { .memory = &m };
  char *only_cpu[] = { (char *) "/sys/fs/cgroup/cpu,cpuacct/c1" };
  char *with_memory[] = { (char *) "/sys/fs/cgroup/memory/c1" };
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_eq (rt_cgroup_check_served (&hybrid, with_memory, 1, &r, &err), 0);
  cr_assert_lt (rt_cgroup_check_served (&hybrid, only_cpu, 1, &r, &err), 0);
  assert_says (err.msg, ".linux.resources.memory: cannot set memory limit: container could not join or create cgroup");
}
