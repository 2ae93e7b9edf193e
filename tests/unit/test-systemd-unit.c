/* The systemd driver's pure part: cgroupsPath to unit, slice names to
 * paths, resources and annotations to unit properties. */
#include "cgroups/systemd_unit.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void
expect_unit (const char *path, bool user, const char *slice, const char *name, bool is_slice)
{
  struct rt_error err = RT_ERROR_INIT;
  struct rt_systemd_unit u;

  cr_assert_eq (rt_systemd_unit_parse (path, "ID", user, &u, &err), 0, "`%s`: %s", path, err.msg);
  cr_assert_str_eq (u.slice, slice, "`%s`", path);
  cr_assert_str_eq (u.name, name, "`%s`", path);
  cr_assert_eq (u.is_slice, is_slice, "`%s`", path);
  rt_systemd_unit_free (&u);
}

static void
expect_unit_error (const char *path, const char *words)
{
  struct rt_error err = RT_ERROR_INIT;
  struct rt_systemd_unit u;

  cr_assert_lt (rt_systemd_unit_parse (path, "ID", false, &u, &err), 0, "`%s` accepted", path);
  cr_assert_not_null (strstr (err.msg, words), "`%s`: %s", path, err.msg);
  cr_assert_not_null (strstr (err.msg, ".linux.cgroupsPath"), "%s", err.msg);
  rt_error_clear (&err);
}

Test (systemd_unit, runc_paths)
{
  expect_unit (NULL, false, "system.slice", "rt-ID.scope", false);
  expect_unit ("", true, "user.slice", "rt-ID.scope", false);
  expect_unit ("system.slice:runc:test1", false, "system.slice", "runc-test1.scope", false);
  expect_unit ("machine.slice:libpod:abc", false, "machine.slice", "libpod-abc.scope", false);
  expect_unit (":crio:x", false, "system.slice", "crio-x.scope", false);
  expect_unit (":crio:x", true, "user.slice", "crio-x.scope", false);
  expect_unit ("a-b.slice::x", false, "a-b.slice", "x.scope", false);
  expect_unit ("system.slice:rt:pod-1.slice", false, "system.slice", "pod-1.slice", true);
}

Test (systemd_unit, bad_paths)
{
  expect_unit_error ("/abs/path", "slice:prefix:name");
  expect_unit_error ("a.slice:b", "slice:prefix:name");
  expect_unit_error ("a.slice:b:c:d", "slice:prefix:name");
  expect_unit_error ("system.slice:rt:", "has no name");
  expect_unit_error ("system:rt:x", "is not a slice name");
  expect_unit_error ("a--b.slice:rt:x", "is not a slice name");
  expect_unit_error ("system.slice:rt:-x.slice", "is not a slice name");
}

static void
expect_slice (const char *slice, const char *want)
{
  char *got = rt_systemd_slice_path (slice);

  if (want == NULL)
    {
      cr_assert_null (got, "`%s` -> `%s`", slice, got);
      cr_assert_eq (errno, EINVAL);
      return;
    }
  cr_assert_not_null (got, "`%s`", slice);
  cr_assert_str_eq (got, want);
  free (got);
}

Test (systemd_unit, slice_paths)
{
  expect_slice ("system.slice", "/system.slice");
  expect_slice ("a-b-c.slice", "/a.slice/a-b.slice/a-b-c.slice");
  expect_slice ("-.slice", "/");
  expect_slice ("a--b.slice", NULL);
  expect_slice ("-a.slice", NULL);
  expect_slice ("a-.slice", NULL);
  expect_slice (".slice", NULL);
  expect_slice ("a.scope", NULL);
  expect_slice ("a/b.slice", NULL);
}

static const struct rt_systemd_prop *
find (const struct rt_systemd_props *ps, const char *name)
{
  size_t i;

  for (i = 0; i < ps->len; i++)
    if (strcmp (ps->p[i].name, name) == 0)
      return &ps->p[i];
  return NULL;
}

static void
expect_u64 (const struct rt_systemd_props *ps, const char *name, uint64_t want)
{
  const struct rt_systemd_prop *p = find (ps, name);

  cr_assert_not_null (p, "no %s", name);
  cr_assert_eq (p->type, RT_SD_U64, "%s", name);
  cr_assert_eq (p->u, want, "%s: %llu, not %llu", name, (unsigned long long) p->u, (unsigned long long) want);
}

static void
props_of (const oci_resources *r, unsigned version, struct rt_systemd_props *ps)
{
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_eq (rt_systemd_resource_props (r, version, ps, &err), 0, "%s", err.msg);
}

Test (systemd_unit, memory)
{
  oci_memory m = { .limit = 33554432,
                   .has_limit = true,
                   .swap = 67108864,
                   .has_swap = true,
                   .reservation = 1048576,
                   .has_reservation = true };
  oci_resources r = { .memory = &m };
  struct rt_systemd_props ps;

  props_of (&r, 252, &ps);
  expect_u64 (&ps, "MemoryMax", 33554432);
  expect_u64 (&ps, "MemoryLow", 1048576);
  expect_u64 (&ps, "MemorySwapMax", 33554432); /* memory+swap less memory */
  rt_systemd_props_free (&ps);

  m.limit = -1;
  m.swap = -1;
  m.has_reservation = false;
  props_of (&r, 252, &ps);
  expect_u64 (&ps, "MemoryMax", UINT64_MAX);
  expect_u64 (&ps, "MemorySwapMax", UINT64_MAX);
  cr_assert_null (find (&ps, "MemoryLow"));
  rt_systemd_props_free (&ps);
}

Test (systemd_unit, cpu)
{
  oci_cpu c = { .shares = 1024,
                .has_shares = true,
                .quota = 12345,
                .has_quota = true,
                .period = 100000,
                .has_period = true,
                .cpus = (char *) "0-2,5",
                .mems = (char *) "1" };
  oci_resources r = { .cpu = &c };
  struct rt_systemd_props ps;
  const struct rt_systemd_prop *p;

  props_of (&r, 252, &ps);
  expect_u64 (&ps, "CPUWeight", 39);
  expect_u64 (&ps, "CPUQuotaPerSecUSec", 130000); /* 123450 up to systemd's 10 ms steps */
  expect_u64 (&ps, "CPUQuotaPeriodUSec", 100000);
  p = find (&ps, "AllowedCPUs");
  cr_assert_not_null (p);
  cr_assert_eq (p->type, RT_SD_BYTES);
  cr_assert_eq (p->n, 1);
  cr_assert_eq (p->bytes[0], 0x27);
  p = find (&ps, "AllowedMemoryNodes");
  cr_assert_not_null (p);
  cr_assert_eq (p->bytes[0], 0x02);
  rt_systemd_props_free (&ps);

  /* older systemd: no period, no cpusets (they stay for the files) */
  props_of (&r, 241, &ps);
  cr_assert_null (find (&ps, "CPUQuotaPeriodUSec"));
  cr_assert_null (find (&ps, "AllowedCPUs"));
  rt_systemd_props_free (&ps);

  c.quota = -1;
  c.cpus = (char *) "9-1";
  {
    struct rt_error err = RT_ERROR_INIT;
    cr_assert_lt (rt_systemd_resource_props (&r, 252, &ps, &err), 0);
    cr_assert_not_null (strstr (err.msg, "CPU or memory node list"), "%s", err.msg);
    rt_error_clear (&err);
  }
}

Test (systemd_unit, pids_and_io)
{
  oci_pids p = { .limit = 32, .has_limit = true };
  oci_block_io b = { .weight = 500, .has_weight = true };
  oci_resources r = { .pids = &p, .block_io = &b };
  struct rt_systemd_props ps;

  props_of (&r, 252, &ps);
  expect_u64 (&ps, "TasksMax", 32);
  expect_u64 (&ps, "IOWeight", 4950);
  rt_systemd_props_free (&ps);
  p.limit = -1;
  props_of (&r, 252, &ps);
  expect_u64 (&ps, "TasksMax", UINT64_MAX);
  rt_systemd_props_free (&ps);
  props_of (NULL, 252, &ps);
  cr_assert_eq (ps.len, 0);
}

Test (systemd_unit, unified)
{
  char *keys[] = { "memory.high", "memory.max", "pids.max", "cpu.max", "cpu.weight", "io.max" };
  char *values[] = { "16777216", "max", "10\n", "50000 100000", "200", "8:0 rbps=1" };
  oci_resources r = { .unified = { keys, values, 6 } };
  struct rt_systemd_props ps;
  struct rt_error err = RT_ERROR_INIT;

  props_of (&r, 252, &ps);
  expect_u64 (&ps, "MemoryHigh", 16777216);
  expect_u64 (&ps, "MemoryMax", UINT64_MAX);
  expect_u64 (&ps, "TasksMax", 10);
  expect_u64 (&ps, "CPUQuotaPerSecUSec", 500000);
  expect_u64 (&ps, "CPUQuotaPeriodUSec", 100000);
  expect_u64 (&ps, "CPUWeight", 200);
  cr_assert_eq (ps.len, 6, "io.max has no property: %zu", ps.len);
  rt_systemd_props_free (&ps);

  values[0] = "lots";
  cr_assert_lt (rt_systemd_resource_props (&r, 252, &ps, &err), 0);
  cr_assert_not_null (strstr (err.msg, "unified[\"memory.high\"]"), "%s", err.msg);
  rt_error_clear (&err);
}

Test (systemd_unit, annotations)
{
  char *keys[] = { "org.systemd.property.TimeoutStopUSec",
                   "org.systemd.property.CollectMode",
                   "org.systemd.property.TimeoutStopSec",
                   "org.systemd.property.Foo",
                   "other",
                   "org.systemd.property.N" };
  char *values[] = { "uint64 123456789", "'inactive-or-failed'", "5", "true", "x", "int32 -5" };
  oci_strmap a = { keys, values, 6 };
  struct rt_systemd_props ps = { 0 };
  struct rt_error err = RT_ERROR_INIT;
  const struct rt_systemd_prop *p;

  cr_assert_eq (rt_systemd_annotation_props (&a, &ps, &err), 0, "%s", err.msg);
  cr_assert_eq (ps.len, 5);
  cr_assert_eq (ps.p[0].type, RT_SD_U64);
  cr_assert_eq (ps.p[0].u, 123456789);
  p = find (&ps, "CollectMode");
  cr_assert_eq (p->type, RT_SD_STRING);
  cr_assert_str_eq (p->s, "inactive-or-failed");
  cr_assert_str_eq (ps.p[2].name, "TimeoutStopUSec"); /* seconds given, microseconds sent */
  cr_assert_eq (ps.p[2].u, 5000000);
  p = find (&ps, "Foo");
  cr_assert_eq (p->type, RT_SD_BOOL);
  cr_assert (p->b);
  p = find (&ps, "N");
  cr_assert_eq (p->type, RT_SD_I32);
  cr_assert_eq ((int32_t) p->u, -5);
  rt_systemd_props_free (&ps);
}

static void
expect_annotation_error (const char *key, const char *value, const char *words)
{
  char *keys[] = { (char *) key }, *values[] = { (char *) value };
  oci_strmap a = { keys, values, 1 };
  struct rt_systemd_props ps = { 0 };
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_lt (rt_systemd_annotation_props (&a, &ps, &err), 0, "%s=%s accepted", key, value);
  cr_assert_not_null (strstr (err.msg, words), "%s", err.msg);
  cr_assert_not_null (strstr (err.msg, key), "%s", err.msg);
  rt_error_clear (&err);
  rt_systemd_props_free (&ps);
}

Test (systemd_unit, bad_annotations)
{
  expect_annotation_error ("org.systemd.property.A-B", "1", "not a systemd property name");
  expect_annotation_error ("org.systemd.property.", "1", "not a systemd property name");
  expect_annotation_error ("org.systemd.property.X", "abc", "not a value");
  expect_annotation_error ("org.systemd.property.X", "uint32 -1", "not a value");
  expect_annotation_error ("org.systemd.property.X", "uint32 4294967296", "not a value");
  expect_annotation_error ("org.systemd.property.X", "'a'b'", "not a value");
  expect_annotation_error ("org.systemd.property.TimeoutStopSec", "'5'", "not a value");
}
