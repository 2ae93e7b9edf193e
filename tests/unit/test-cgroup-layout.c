/* cgroup layout detection from captures of v1, hybrid and v2 hosts. */
#include "cgroups/cgroup.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fs.h"

static char *
capture (const char *name)
{
  char *path = NULL, *data = NULL;

  cr_assert_geq (asprintf (&path, "%s/mountinfo/%s", TEST_DATA_DIR, name), 0);
  cr_assert_eq (rt_read_file (path, &data, NULL, NULL), 0, "read %s", path);
  free (path);
  return data;
}

static char *
fake_controllers (const char *mount)
{
  (void) mount;
  return strdup ("hugetlb");
}

static const struct rt_cgroup_probe fake = { NULL, fake_controllers };

static const struct rt_cgroup_hier *
at (const struct rt_cgroup_layout *l, const char *mount)
{
  for (size_t i = 0; i < l->len; i++)
    if (strcmp (l->h[i].mount, mount) == 0)
      return &l->h[i];
  return NULL;
}

Test (cgroup_layout, hybrid)
{
  char *mi = capture ("hybrid.txt"), *cg = capture ("hybrid-cgroup.txt");
  struct rt_cgroup_layout l;
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_eq (rt_cgroup_layout_parse (mi, cg, &fake, &l, &err), 0);
  cr_assert (l.has_v1 && l.has_v2);
  cr_assert_eq (l.len, 10);
  cr_assert_str_eq (at (&l, "/sys/fs/cgroup/systemd")->controllers, "name=systemd");
  cr_assert_str_eq (at (&l, "/sys/fs/cgroup/memory")->caller, "/supervisor/job1");
  cr_assert_str_eq (at (&l, "/sys/fs/cgroup/cpu")->caller, "/");
  cr_assert (at (&l, "/sys/fs/cgroup/unified")->v2);
  cr_assert_str_eq (rt_cgroup_hier_for (&l, "memory")->mount, "/sys/fs/cgroup/memory");
  cr_assert_str_eq (rt_cgroup_hier_for (&l, "hugetlb")->mount, "/sys/fs/cgroup/unified", "v2 serves what v1 lacks");
  cr_assert_null (rt_cgroup_hier_for (&l, "rdma"));
  rt_cgroup_layout_free (&l);
  free (mi);
  free (cg);
}

Test (cgroup_layout, v1_with_joined_controllers)
{
  char *mi = capture ("v1-debian10.txt");
  struct rt_cgroup_layout l;
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_eq (rt_cgroup_layout_parse (mi, NULL, NULL, &l, &err), 0);
  cr_assert_str_eq (at (&l, "/sys/fs/cgroup/cpu,cpuacct")->controllers, "cpu,cpuacct");
  cr_assert_str_eq (at (&l, "/sys/fs/cgroup/cpuset")->controllers, "cpuset", "clone_children is an option");
  cr_assert_str_eq (at (&l, "/sys/fs/cgroup/freezer")->controllers, "freezer", "release_agent= is an option");
  cr_assert_str_eq (rt_cgroup_hier_for (&l, "cpuacct")->mount, "/sys/fs/cgroup/cpu,cpuacct");
  cr_assert_str_eq (rt_cgroup_hier_for (&l, "net_prio")->mount, "/sys/fs/cgroup/net_cls,net_prio");
  cr_assert_null (at (&l, "/sys/fs/cgroup/cpu,cpuacct")->caller, "no caller text, no callers");
  rt_cgroup_layout_free (&l);
  free (mi);
}

Test (cgroup_layout, unified)
{
  char *mi = capture ("v2.txt"), *cg = capture ("v2-cgroup.txt");
  struct rt_cgroup_layout l;
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_eq (rt_cgroup_layout_parse (mi, cg, &fake, &l, &err), 0);
  cr_assert (l.has_v2 && !l.has_v1);
  cr_assert_eq (l.len, 1, "a second mount of cgroup2 is the same hierarchy");
  cr_assert_str_eq (l.h[0].caller, "/user.slice/user-1000.slice/session-3.scope");
  rt_cgroup_layout_free (&l);
  free (mi);
  free (cg);
}

/* cgroup2 over /sys/fs/cgroup in a private mount namespace: the covered
 * v1 hierarchies are still listed, and the probe says they are hidden. */
static bool
only_cgroup2 (const char *mountpoint, const char *devno)
{
  (void) mountpoint;
  return strcmp (devno, "0:99") == 0;
}

Test (cgroup_layout, covered_hierarchies)
{
  char *mi = capture ("hybrid.txt"), *all = NULL;
  const struct rt_cgroup_probe probe = { only_cgroup2, fake_controllers };
  struct rt_cgroup_layout l;
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_geq (asprintf (&all, "%s99 30 0:99 / /sys/fs/cgroup rw - cgroup2 none rw\n", mi), 0);
  cr_assert_eq (rt_cgroup_layout_parse (all, NULL, &probe, &l, &err), 0);
  cr_assert_eq (l.len, 1);
  cr_assert_str_eq (l.h[0].mount, "/sys/fs/cgroup");
  cr_assert (l.h[0].v2 && !l.has_v1);
  rt_cgroup_layout_free (&l);
  free (all);
  free (mi);
}
