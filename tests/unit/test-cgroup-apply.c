/* What the cgroupfs backends write (cgroups/v1.c, v2.c, files.c), into a
 * temporary directory that stands for a cgroup: its files are made empty
 * first (the kernel's exist; rt never creates one), each written once, then
 * read back. v1 values go as they are; v2 converts them with runc's and
 * crun's formulas. */
#include "cgroups/backend.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.h"

static char dir[] = "/tmp/rt-test-cgroup.XXXXXX";
static oci_resources *res;

static void
setup (void)
{
  cr_assert_not_null (mkdtemp (dir));
}

static void
teardown (void)
{
  int fd = open ("/tmp", O_RDONLY | O_DIRECTORY);

  rt_rm_rf_at (fd, dir + strlen ("/tmp/"), NULL);
  close (fd);
  oci_resources_free (res);
  res = NULL;
}

TestSuite (cgroup_apply, .init = setup, .fini = teardown);

/* Empty files of the fake cgroup, NULL-terminated; "name=text" gives one
 * content. */
static void
files (const char *first, ...)
{
  const char *f;
  va_list ap;

  va_start (ap, first);
  for (f = first; f != NULL; f = va_arg (ap, const char *))
    {
      char *path = NULL, *name = strdup (f), *eq = strchr (name, '=');
      int fd;

      if (eq)
        *eq = '\0';
      cr_assert_geq (asprintf (&path, "%s/%s", dir, name), 0);
      fd = open (path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
      cr_assert_geq (fd, 0, "%s", path);
      if (eq)
        cr_assert_eq (write (fd, eq + 1, strlen (eq + 1)), (ssize_t) strlen (eq + 1));
      close (fd);
      free (path);
      free (name);
    }
  va_end (ap);
}

static void
assert_file (const char *name, const char *want)
{
  char *path = NULL, *data = NULL;

  cr_assert_geq (asprintf (&path, "%s/%s", dir, name), 0);
  cr_assert_eq (rt_read_file (path, &data, NULL, NULL), 0, "%s", path);
  cr_assert_str_eq (data, want, "%s", name);
  free (data);
  free (path);
}

static const oci_resources *
resources (const char *json)
{
  char *perr = NULL;

  oci_resources_free (res);
  res = oci_resources_parse (json, strlen (json), "resources", &perr);
  cr_assert_not_null (res, "%s: %s", json, perr ? perr : "?");
  return res;
}

/* rt_cgroup_v?_apply's message, or NULL. */
static char *
apply (int version, const char *controllers, const char *json)
{
  struct rt_error err = RT_ERROR_INIT;
  int r = version == 1 ? rt_cgroup_v1_apply (dir, controllers, resources (json), &err)
                       : rt_cgroup_v2_apply (dir, controllers, resources (json), false, &err);

  cr_assert_eq (r < 0, err.msg != NULL);
  return err.msg;
}

static void
apply_ok (int version, const char *controllers, const char *json)
{
  char *msg = apply (version, controllers, json);

  cr_assert_null (msg, "%s: %s", json, msg);
}

static void
assert_refused (int version, const char *controllers, const char *json, const char *want)
{
  char *msg = apply (version, controllers, json);

  cr_assert_not_null (msg, "accepted: %s", json);
  cr_assert_not_null (strstr (msg, want), "`%s` does not say `%s`", msg, want);
  free (msg);
}

Test (cgroup_apply, v1_memory)
{
  files ("memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.soft_limit_in_bytes", "memory.swappiness",
         "memory.oom_control", "memory.kmem.limit_in_bytes", NULL);
  apply_ok (1, "memory",
            "{\"memory\":{\"limit\":1048576,\"swap\":2097152,\"reservation\":524288,\"swappiness\":10,"
            "\"disableOOMKiller\":true,\"kernel\":4096,\"kernelTCP\":4096}}");
  assert_file ("memory.limit_in_bytes", "1048576");
  assert_file ("memory.memsw.limit_in_bytes", "2097152");
  assert_file ("memory.soft_limit_in_bytes", "524288");
  assert_file ("memory.swappiness", "10");
  assert_file ("memory.oom_control", "1");
  assert_file ("memory.kmem.limit_in_bytes", "4096");
  /* kmem.tcp is absent here, as on recent kernels: left alone */
}

Test (cgroup_apply, v1_swap_without_accounting)
{
  files ("memory.limit_in_bytes", NULL);
  apply_ok (1, "memory", "{\"memory\":{\"limit\":-1,\"swap\":-1}}");
  assert_file ("memory.limit_in_bytes", "-1");
  assert_refused (1, "memory", "{\"memory\":{\"swap\":1048576}}",
                  ".linux.resources.memory.swap: 1048576: this kernel has no swap accounting");
}

Test (cgroup_apply, v1_cpu)
{
  files ("cpu.shares", "cpu.cfs_period_us", "cpu.cfs_quota_us", "cpu.cfs_burst_us", "cpu.rt_period_us",
         "cpu.rt_runtime_us", "cpu.idle", "cpuset.cpus", "cpuset.mems", NULL);
  apply_ok (1, "cpu,cpuacct cpuset",
            "{\"cpu\":{\"shares\":512,\"period\":100000,\"quota\":50000,\"burst\":1000,\"realtimePeriod\":1000000,"
            "\"realtimeRuntime\":950000,\"idle\":1,\"cpus\":\"0-1\",\"mems\":\"0\"}}");
  assert_file ("cpu.shares", "512");
  assert_file ("cpu.cfs_period_us", "100000");
  assert_file ("cpu.cfs_quota_us", "50000");
  assert_file ("cpu.cfs_burst_us", "1000");
  assert_file ("cpu.rt_period_us", "1000000");
  assert_file ("cpu.rt_runtime_us", "950000");
  assert_file ("cpu.idle", "1");
  assert_file ("cpuset.cpus", "0-1");
  assert_file ("cpuset.mems", "0");
}

/* Only the controllers of the hierarchy: nothing else is touched. */
Test (cgroup_apply, v1_only_its_controllers)
{
  files ("pids.max", NULL);
  apply_ok (1, "pids", "{\"memory\":{\"limit\":1},\"cpu\":{\"shares\":2},\"pids\":{\"limit\":-1}}");
  assert_file ("pids.max", "max");
  files ("pids.max", NULL);
  apply_ok (1, "pids", "{\"pids\":{\"limit\":0}}");
  assert_file ("pids.max", "0");
  assert_refused (1, "memory", "{\"memory\":{\"limit\":1}}", "memory.limit_in_bytes");
}

Test (cgroup_apply, v1_blkio_network_hugetlb_rdma)
{
  files ("blkio.weight", "blkio.leaf_weight", "blkio.weight_device", "blkio.leaf_weight_device",
         "blkio.throttle.read_bps_device", "blkio.throttle.write_iops_device", "net_cls.classid", "net_prio.ifpriomap",
         "hugetlb.2MB.limit_in_bytes", "rdma.max", NULL);
  apply_ok (1, "blkio net_cls,net_prio hugetlb rdma",
            "{\"blockIO\":{\"weight\":300,\"leafWeight\":200,"
            "\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":500,\"leafWeight\":400}],"
            "\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576}],"
            "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":16,\"rate\":100}]},"
            "\"network\":{\"classID\":1048577,\"priorities\":[{\"name\":\"eth0\",\"priority\":5}]},"
            "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":209715200}],"
            "\"rdma\":{\"mlx5_1\":{\"hcaHandles\":3,\"hcaObjects\":10000}}}");
  assert_file ("blkio.weight", "300");
  assert_file ("blkio.leaf_weight", "200");
  assert_file ("blkio.weight_device", "8:0 500");
  assert_file ("blkio.leaf_weight_device", "8:0 400");
  assert_file ("blkio.throttle.read_bps_device", "8:0 1048576");
  assert_file ("blkio.throttle.write_iops_device", "8:16 100");
  assert_file ("net_cls.classid", "1048577");
  assert_file ("net_prio.ifpriomap", "eth0 5");
  assert_file ("hugetlb.2MB.limit_in_bytes", "209715200");
  assert_file ("rdma.max", "mlx5_1 hca_handle=3 hca_object=10000");
}

/* BFQ's files where the CFQ ones are gone. */
Test (cgroup_apply, v1_bfq_weight)
{
  files ("blkio.bfq.weight", "blkio.bfq.weight_device", "rdma.max", NULL);
  apply_ok (1, "blkio rdma",
            "{\"blockIO\":{\"weight\":300,\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":500}]},"
            "\"rdma\":{\"mlx5_1\":{\"hcaObjects\":7}}}");
  assert_file ("blkio.bfq.weight", "300");
  assert_file ("blkio.bfq.weight_device", "8:0 500");
  assert_file ("rdma.max", "mlx5_1 hca_object=7");
}

Test (cgroup_apply, v2_memory)
{
  files ("memory.max", "memory.swap.max", "memory.low", NULL);
  apply_ok (2, "cpu memory pids", "{\"memory\":{\"limit\":1048576,\"swap\":3145728,\"reservation\":524288}}");
  assert_file ("memory.max", "1048576");
  /* OCI's swap counts memory+swap; memory.swap.max swap alone */
  assert_file ("memory.swap.max", "2097152");
  assert_file ("memory.low", "524288");
}

Test (cgroup_apply, v2_memory_unlimited)
{
  files ("memory.max", "memory.swap.max", "memory.low", NULL);
  apply_ok (2, "memory", "{\"memory\":{\"limit\":-1,\"swap\":-1,\"reservation\":-1}}");
  assert_file ("memory.max", "max");
  assert_file ("memory.swap.max", "max");
  assert_file ("memory.low", "max");
}

/* A swap value alone: against the limit in force, from memory.max. */
Test (cgroup_apply, v2_swap_against_the_limit_in_force)
{
  files ("memory.max=1000\n", "memory.swap.max", NULL);
  apply_ok (2, "memory", "{\"memory\":{\"swap\":1500}}");
  assert_file ("memory.swap.max", "500");
  assert_refused (2, "memory", "{\"memory\":{\"swap\":999}}",
                  ".linux.resources.memory.swap: 999 must be >= the memory limit 1000 (it counts memory+swap)");
  files ("memory.max=max\n", NULL);
  assert_refused (2, "memory", "{\"memory\":{\"swap\":999}}", "a swap limit needs a memory limit on cgroup v2");
}

Test (cgroup_apply, v2_cpu)
{
  files ("cpu.weight", "cpu.max", "cpu.max.burst", "cpu.idle", "cpuset.cpus", "cpuset.mems", NULL);
  apply_ok (2, "cpuset cpu",
            "{\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000,\"burst\":10,\"idle\":0,"
            "\"cpus\":\"1\",\"mems\":\"0\"}}");
  /* 1 + (1024 - 2) * 9999 / 262142 */
  assert_file ("cpu.weight", "39");
  assert_file ("cpu.max", "50000 100000");
  assert_file ("cpu.max.burst", "10");
  assert_file ("cpu.idle", "0");
  assert_file ("cpuset.cpus", "1");
  assert_file ("cpuset.mems", "0");
}

Test (cgroup_apply, v2_cpu_weight_bounds)
{
  static const struct
  {
    const char *res, *weight;
  } cases[] = {
    { "{\"cpu\":{\"shares\":2}}", "1" },
    { "{\"cpu\":{\"shares\":1}}", "1" },
    { "{\"cpu\":{\"shares\":262144}}", "10000" },
    { "{\"cpu\":{\"shares\":1000000}}", "10000" },
  };
  size_t i;

  for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      files ("cpu.weight", NULL);
      apply_ok (2, "cpu", cases[i].res);
      assert_file ("cpu.weight", cases[i].weight);
    }
}

/* An update of the period alone keeps the quota in force; no quota, max. */
Test (cgroup_apply, v2_cpu_max_parts)
{
  files ("cpu.max=20000 100000\n", NULL);
  apply_ok (2, "cpu", "{\"cpu\":{\"period\":50000}}");
  /* written over the old text, as the kernel's file takes it whole */
  assert_file ("cpu.max", "20000 500000\n");
  files ("cpu.max", NULL);
  apply_ok (2, "cpu", "{\"cpu\":{\"quota\":-1}}");
  assert_file ("cpu.max", "max");
  files ("cpu.max", NULL);
  apply_ok (2, "cpu", "{\"cpu\":{\"quota\":30000}}");
  assert_file ("cpu.max", "30000");
}

Test (cgroup_apply, v2_io_weight_converted)
{
  files ("io.weight", "io.max", NULL);
  apply_ok (2, "io",
            "{\"blockIO\":{\"weight\":500,\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":10}]}}");
  /* 1 + (500 - 10) * 9999 / 990 */
  assert_file ("io.weight", "default 4950");
  assert_file ("io.max", "8:0 rbps=10");
  files ("io.weight", "io.max", NULL);
  apply_ok (2, "io",
            "{\"blockIO\":{\"weightDevice\":[{\"major\":8,\"minor\":16,\"weight\":1000}],"
            "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":5}]}}");
  assert_file ("io.weight", "8:16 10000");
  assert_file ("io.max", "8:0 wiops=5");
}

Test (cgroup_apply, v2_bfq_weight_as_given)
{
  files ("io.bfq.weight", NULL);
  apply_ok (2, "io", "{\"blockIO\":{\"weight\":500}}");
  assert_file ("io.bfq.weight", "500");
  files ("io.bfq.weight", NULL);
  apply_ok (2, "io", "{\"blockIO\":{\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":100}]}}");
  assert_file ("io.bfq.weight", "8:0 100");
}

Test (cgroup_apply, v2_hugetlb_rdma_unified)
{
  files ("hugetlb.1GB.max", "rdma.max", "memory.high", "pids.max", NULL);
  apply_ok (2, "hugetlb rdma pids",
            "{\"hugepageLimits\":[{\"pageSize\":\"1GB\",\"limit\":1073741824}],"
            "\"rdma\":{\"mlx4_0\":{\"hcaHandles\":2}},\"pids\":{\"limit\":64},"
            "\"unified\":{\"memory.high\":\"1G\"}}");
  assert_file ("hugetlb.1GB.max", "1073741824");
  assert_file ("rdma.max", "mlx4_0 hca_handle=2");
  assert_file ("pids.max", "64");
  assert_file ("memory.high", "1G");
  assert_refused (2, "", "{\"unified\":{\"io.nosuch\":\"1\"}}", "io.nosuch");
}

/* Every ancestor below the mount gets the controllers it has for its
 * children: one write of all of them. */
Test (cgroup_apply, v2_enable_controllers)
{
  struct rt_error err = RT_ERROR_INIT;
  char *sub = NULL, *path = NULL, *data = NULL;

  files ("cgroup.controllers=cpu memory pids\n", "cgroup.subtree_control", NULL);
  cr_assert_geq (asprintf (&sub, "%s/a", dir), 0);
  cr_assert_eq (mkdir (sub, 0700), 0);
  cr_assert_eq (rt_cgroup_v2_enable_controllers (dir, "a/b", &err), 0, "%s", err.msg);
  assert_file ("cgroup.subtree_control", "+cpu +memory +pids");
  /* a has no cgroup.controllers here: nothing written in it */
  cr_assert_geq (asprintf (&path, "%s/cgroup.subtree_control", sub), 0);
  cr_assert_lt (rt_read_file (path, &data, NULL, NULL), 0);
  free (path);
  free (sub);
}

Test (cgroup_apply, files)
{
  pid_t *pids = NULL;
  size_t n = 0;
  char *c;

  files ("cgroup.procs=12\n345\n", "cgroup.controllers=cpu io\n", "freezer.state=THAWED\n", NULL);
  cr_assert_eq (rt_cgroup_read_pids (dir, &pids, &n, NULL), 0);
  cr_assert_eq (n, 2);
  cr_assert_eq (pids[0], 12);
  cr_assert_eq (pids[1], 345);
  free (pids);
  c = rt_cgroup_read_controllers (dir);
  cr_assert_str_eq (c, "cpu io");
  free (c);
  c = rt_cgroup_read_controllers ("/nonexistent");
  cr_assert_str_eq (c, "");
  free (c);
  cr_assert (rt_cgroup_read_is (dir, "freezer.state", "THAWED"));
  cr_assert_not (rt_cgroup_read_is (dir, "freezer.state", "FROZEN"));
  cr_assert (rt_cgroup_has_file (dir, "cgroup.procs"));
  cr_assert_not (rt_cgroup_has_file (dir, "cgroup.events"));
  cr_assert_not (rt_cgroup_dir_is_v2 (dir));
}
