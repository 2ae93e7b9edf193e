/* Container statistics: the parsers of cgroup file contents, the JSON of
 * `events --stats` (runc's shape, byte for byte), and a read of a fake
 * cgroup2 directory made of plain files. */
#include "cgroups/stats.h"
#include "container/stats_json.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the parsers ---- */

Test (stats, parse_u64)
{
  cr_assert_eq (rt_cgroup_stats_parse_u64 ("123\n"), 123);
  cr_assert_eq (rt_cgroup_stats_parse_u64 ("max\n"), UINT64_MAX, "max is the largest value");
  cr_assert_eq (rt_cgroup_stats_parse_u64 (""), 0);
  cr_assert_eq (rt_cgroup_stats_parse_u64 (NULL), 0, "a missing file reads as 0");
}

Test (stats, parse_key)
{
  const char *cpu_stat = "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 7\n";

  cr_assert_eq (rt_cgroup_stats_parse_key (cpu_stat, "usage_usec"), 1500);
  cr_assert_eq (rt_cgroup_stats_parse_key (cpu_stat, "system_usec"), 500);
  cr_assert_eq (rt_cgroup_stats_parse_key (cpu_stat, "nr_periods"), 7, "the last line");
  cr_assert_eq (rt_cgroup_stats_parse_key (cpu_stat, "usage"), 0, "a prefix of a key is no key");
  cr_assert_eq (rt_cgroup_stats_parse_key (cpu_stat, "throttled_usec"), 0);
  cr_assert_eq (rt_cgroup_stats_parse_key ("max 4", "max"), 4, "no newline at the end");
  cr_assert_eq (rt_cgroup_stats_parse_key (NULL, "max"), 0);
}

static void
assert_list (const struct rt_cgroup_stats_list *l, const uint64_t *want, size_t n)
{
  cr_assert_eq (l->len, n, "%zu numbers, want %zu", l->len, n);
  for (size_t i = 0; i < n; i++)
    cr_assert_eq (l->v[i], want[i], "number %zu: %llu, want %llu", i, (unsigned long long) l->v[i],
                  (unsigned long long) want[i]);
}

Test (stats, parse_u64s)
{
  struct rt_cgroup_stats_list l;
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_eq (rt_cgroup_stats_parse_u64s ("1 22 333 0 \n", &l, &err), 0);
  cr_assert (l.present);
  assert_list (&l, (const uint64_t[]){ 1, 22, 333, 0 }, 4);
  rt_cgroup_stats_list_free (&l);

  cr_assert_eq (rt_cgroup_stats_parse_u64s ("\n", &l, &err), 0);
  cr_assert_not (l.present, "no number, no list");
  cr_assert_eq (rt_cgroup_stats_parse_u64s (NULL, &l, &err), 0);
  cr_assert_not (l.present);
}

Test (stats, parse_cpulist)
{
  struct rt_cgroup_stats_list l;
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_eq (rt_cgroup_stats_parse_cpulist ("0-2,5\n", &l, &err), 0);
  cr_assert (l.present);
  assert_list (&l, (const uint64_t[]){ 0, 1, 2, 5 }, 4);
  rt_cgroup_stats_list_free (&l);

  cr_assert_eq (rt_cgroup_stats_parse_cpulist ("3", &l, &err), 0);
  assert_list (&l, (const uint64_t[]){ 3 }, 1);
  rt_cgroup_stats_list_free (&l);

  cr_assert_eq (rt_cgroup_stats_parse_cpulist ("0-1,4-5,7", &l, &err), 0);
  assert_list (&l, (const uint64_t[]){ 0, 1, 4, 5, 7 }, 5);
  rt_cgroup_stats_list_free (&l);

  cr_assert_eq (rt_cgroup_stats_parse_cpulist ("\n", &l, &err), 0);
  cr_assert_not (l.present, "an empty cpuset has no list");
  cr_assert_eq (rt_cgroup_stats_parse_cpulist (NULL, &l, &err), 0);
  cr_assert_not (l.present);

  cr_assert_eq (rt_cgroup_stats_parse_cpulist ("5-2\n", &l, &err), 0);
  cr_assert (l.present, "a backwards range is a list, an empty one");
  cr_assert_eq (l.len, 0);
  rt_cgroup_stats_list_free (&l);

  cr_assert_eq (rt_cgroup_stats_parse_cpulist ("0-1000000", &l, &err), 0);
  cr_assert_eq (l.len, 65536, "a range is bounded");
  rt_cgroup_stats_list_free (&l);
}

Test (stats, parse_kv)
{
  struct rt_cgroup_stats_kv_list kv;
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_eq (rt_cgroup_stats_parse_kv ("cache 1234\nrss 5678\nnoval\ntotal_cache 99\n", &kv, &err), 0);
  cr_assert (kv.present);
  cr_assert_eq (kv.len, 3, "the line without a value is skipped");
  cr_assert_str_eq (kv.v[0].key, "cache");
  cr_assert_eq (kv.v[0].value, 1234);
  cr_assert_str_eq (kv.v[1].key, "rss");
  cr_assert_eq (kv.v[1].value, 5678);
  cr_assert_str_eq (kv.v[2].key, "total_cache");
  cr_assert_eq (kv.v[2].value, 99);
  rt_cgroup_stats_kv_list_free (&kv);

  cr_assert_eq (rt_cgroup_stats_parse_kv ("noval\n", &kv, &err), 0);
  cr_assert (kv.present, "content without pairs is an empty map");
  cr_assert_eq (kv.len, 0);
  rt_cgroup_stats_kv_list_free (&kv);

  cr_assert_eq (rt_cgroup_stats_parse_kv ("", &kv, &err), 0);
  cr_assert_not (kv.present, "an empty file has no map");
  cr_assert_eq (rt_cgroup_stats_parse_kv (NULL, &kv, &err), 0);
  cr_assert_not (kv.present);
}

static void
assert_entry (const struct rt_cgroup_blkio_entry *e, uint64_t major, uint64_t minor, const char *op, uint64_t value)
{
  cr_assert_eq (e->major, major);
  cr_assert_eq (e->minor, minor);
  cr_assert_str_eq (e->op, op);
  cr_assert_eq (e->value, value);
}

Test (stats, parse_blkio_v1)
{
  struct rt_cgroup_blkio_list l = { NULL, 0 };
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_eq (rt_cgroup_stats_parse_blkio_v1 ("8:0 Read 10\n8:0 Write 20\n253:1 Total 30\nTotal 30\n", &l, &err), 0);
  cr_assert_eq (l.len, 3, "the Total line without a device is skipped");
  assert_entry (&l.v[0], 8, 0, "Read", 10);
  assert_entry (&l.v[1], 8, 0, "Write", 20);
  assert_entry (&l.v[2], 253, 1, "Total", 30);
  cr_assert_eq (rt_cgroup_stats_parse_blkio_v1 ("8:16 4096\n", &l, &err), 0);
  cr_assert_eq (l.len, 4, "appended");
  assert_entry (&l.v[3], 8, 16, "", 4096);
  cr_assert_eq (rt_cgroup_stats_parse_blkio_v1 (NULL, &l, &err), 0);
  cr_assert_eq (l.len, 4);
  rt_cgroup_blkio_list_free (&l);
}

Test (stats, parse_io_stat)
{
  const char *io = "8:0 rbytes=100 wbytes=200 rios=3 wios=4 dbytes=0 dios=0\n253:0 rbytes=0 wbytes=8 rios=0 wios=1\n";
  struct rt_cgroup_blkio_list l = { NULL, 0 };
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_eq (rt_cgroup_stats_parse_io_stat (io, "rbytes", "wbytes", &l, &err), 0);
  cr_assert_eq (l.len, 4);
  assert_entry (&l.v[0], 8, 0, "Read", 100);
  assert_entry (&l.v[1], 8, 0, "Write", 200);
  assert_entry (&l.v[2], 253, 0, "Read", 0);
  assert_entry (&l.v[3], 253, 0, "Write", 8);
  rt_cgroup_blkio_list_free (&l);

  cr_assert_eq (rt_cgroup_stats_parse_io_stat (io, "rios", "wios", &l, &err), 0);
  cr_assert_eq (l.len, 4);
  assert_entry (&l.v[1], 8, 0, "Write", 4);
  rt_cgroup_blkio_list_free (&l);

  cr_assert_eq (rt_cgroup_stats_parse_io_stat ("", "rios", "wios", &l, &err), 0);
  cr_assert_eq (l.len, 0);
}

Test (stats, hugetlb_page)
{
  cr_assert_eq (rt_cgroup_stats_hugetlb_page ("hugetlb.2MB.max", ".max"), 3);
  cr_assert_eq (rt_cgroup_stats_hugetlb_page ("hugetlb.64KB.limit_in_bytes", ".limit_in_bytes"), 4);
  cr_assert_eq (rt_cgroup_stats_hugetlb_page ("hugetlb.2MB.rsvd.max", ".max"), 0, "reservations are not pages");
  cr_assert_eq (rt_cgroup_stats_hugetlb_page ("hugetlb.2MB.current", ".max"), 0);
  cr_assert_eq (rt_cgroup_stats_hugetlb_page ("hugetlb.max", ".max"), 0);
  cr_assert_eq (rt_cgroup_stats_hugetlb_page ("memory.max", ".max"), 0);
}

/* ---- the JSON ---- */

static char *
to_json (const struct rt_cgroup_stats *s)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  const unsigned char *buf;
  size_t n;
  char *out;

  cr_assert_not_null (g);
  cr_assert_eq (rt_stats_json_write (g, s), 0);
  cr_assert_eq (yajl_gen_get_buf (g, &buf, &n), yajl_gen_status_ok);
  out = strndup ((const char *) buf, n);
  yajl_gen_free (g);
  return out;
}

static const char empty_json[] =
    "{\"cpu\":{\"usage\":{\"kernel\":0,\"user\":0},\"throttling\":{}},"
    "\"cpuset\":{\"cpu_exclusive\":0,\"mem_hardwall\":0,\"mem_exclusive\":0,\"memory_migrate\":0,"
    "\"memory_spread_page\":0,\"memory_spread_slab\":0,\"memory_pressure\":0,\"sched_load_balance\":0,"
    "\"sched_relax_domain_level\":0},"
    "\"memory\":{\"usage\":{\"limit\":0,\"failcnt\":0},\"swap\":{\"limit\":0,\"failcnt\":0},"
    "\"kernel\":{\"limit\":0,\"failcnt\":0},\"kernelTCP\":{\"limit\":0,\"failcnt\":0}},"
    "\"pids\":{},\"blkio\":{},\"hugetlb\":{},\"intel_rdt\":{},\"network_interfaces\":null}";

Test (stats, json_empty)
{
  struct rt_cgroup_stats s;
  char *json;

  memset (&s, 0, sizeof s);
  json = to_json (&s);
  cr_assert_str_eq (json, empty_json, "every omitempty zero left out:\n%s", json);
  free (json);
}

/* A v1 host's statistics, by hand. */
Test (stats, json_v1)
{
  uint64_t percpu[] = { 1, 2, 3, 0 }, sys[] = { 4, 5, 6, 0 }, user[] = { 7, 8, 9, 0 };
  uint64_t cpus[] = { 0, 1, 2, 5 }, mems[] = { 0 };
  struct rt_cgroup_stats_kv raw[] = { { (char *) "cache", 1234 }, { (char *) "", 0 }, { (char *) "rss", 5678 } };
  struct rt_cgroup_blkio_entry bytes[] = { { 8, 16, "Read", 4096 }, { 8, 16, "Write", 0 }, { 8, 0, "", 12 } };
  struct rt_cgroup_blkio_entry ios[] = { { 8, 0, "Read", 11 } };
  struct rt_cgroup_hugetlb_entry huge[] = { { (char *) "1GB", 0, 0, 0 }, { (char *) "2MB", 2097152, 4194304, 1 } };
  struct rt_cgroup_stats s;
  char *json;

  memset (&s, 0, sizeof s);
  s.cpu.usage.total = 98765;
  s.cpu.usage.percpu = (struct rt_cgroup_stats_list){ percpu, 4, true };
  s.cpu.usage.percpu_kernel = (struct rt_cgroup_stats_list){ sys, 4, true };
  s.cpu.usage.percpu_user = (struct rt_cgroup_stats_list){ user, 4, true };
  s.cpu.usage.kernel = 230000000;
  s.cpu.usage.user = 170000000;
  s.cpu.throttling.periods = 12;
  s.cpu.throttling.throttled_periods = 3;
  s.cpu.throttling.throttled_time = 4500000;
  s.cpuset.cpus = (struct rt_cgroup_stats_list){ cpus, 4, true };
  s.cpuset.mems = (struct rt_cgroup_stats_list){ mems, 1, true };
  s.cpuset.cpu_exclusive = 1;
  s.cpuset.memory_pressure = 42;
  s.cpuset.sched_load_balance = 1;
  s.cpuset.sched_relax_domain_level = -1;
  s.memory.cache = 1234;
  s.memory.usage = (struct rt_cgroup_mem_entry){ 9223372036854771712ULL, 4096, 8192, 2 };
  s.memory.swap = (struct rt_cgroup_mem_entry){ UINT64_MAX, 4096, 0, 0 };
  s.memory.kernel = (struct rt_cgroup_mem_entry){ 100, 0, 0, 0 };
  s.memory.raw = (struct rt_cgroup_stats_kv_list){ raw, 3, true };
  s.pids.current = 3;
  s.blkio.service_bytes = (struct rt_cgroup_blkio_list){ bytes, 3 };
  s.blkio.serviced = (struct rt_cgroup_blkio_list){ ios, 1 };
  s.hugetlb = huge;
  s.hugetlb_len = 2;

  json = to_json (&s);
  cr_assert_str_eq (
      json,
      "{\"cpu\":{\"usage\":{\"total\":98765,\"percpu\":[1,2,3,0],\"percpu_kernel\":[4,5,6,0],"
      "\"percpu_user\":[7,8,9,0],\"kernel\":230000000,\"user\":170000000},"
      "\"throttling\":{\"periods\":12,\"throttledPeriods\":3,\"throttledTime\":4500000}},"
      "\"cpuset\":{\"cpus\":[0,1,2,5],\"mems\":[0],\"cpu_exclusive\":1,\"mem_hardwall\":0,\"mem_exclusive\":0,"
      "\"memory_migrate\":0,\"memory_spread_page\":0,\"memory_spread_slab\":0,\"memory_pressure\":42,"
      "\"sched_load_balance\":1,\"sched_relax_domain_level\":-1},"
      "\"memory\":{\"cache\":1234,\"usage\":{\"limit\":9223372036854771712,\"usage\":4096,\"max\":8192,\"failcnt\":2},"
      "\"swap\":{\"limit\":18446744073709551615,\"usage\":4096,\"failcnt\":0},\"kernel\":{\"limit\":100,\"failcnt\":0},"
      "\"kernelTCP\":{\"limit\":0,\"failcnt\":0},\"raw\":{\"cache\":1234,\"\":0,\"rss\":5678}},"
      "\"pids\":{\"current\":3},"
      "\"blkio\":{\"ioServiceBytesRecursive\":[{\"major\":8,\"minor\":16,\"op\":\"Read\",\"value\":4096},"
      "{\"major\":8,\"minor\":16,\"op\":\"Write\"},{\"major\":8,\"value\":12}],"
      "\"ioServicedRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":11}]},"
      "\"hugetlb\":{\"1GB\":{\"failcnt\":0},\"2MB\":{\"usage\":2097152,\"max\":4194304,\"failcnt\":1}},"
      "\"intel_rdt\":{},\"network_interfaces\":null}",
      "got:\n%s", json);
  free (json);
}

/* An empty list the file had is [], none is left out; likewise raw. */
Test (stats, json_present_but_empty)
{
  struct rt_cgroup_stats s;
  char *json;

  memset (&s, 0, sizeof s);
  s.cpuset.cpus.present = true;
  s.memory.raw.present = true;
  s.pids.limit = 10;
  json = to_json (&s);
  cr_assert_not_null (strstr (json, "\"cpuset\":{\"cpus\":[],\"cpu_exclusive\":0,"), "%s", json);
  cr_assert_not_null (strstr (json, "\"kernelTCP\":{\"limit\":0,\"failcnt\":0},\"raw\":{}}"), "%s", json);
  cr_assert_not_null (strstr (json, "\"pids\":{\"limit\":10}"), "%s", json);
  free (json);
}

/* ---- a read of plain files ---- */

static void
put (const char *dir, const char *file, const char *text)
{
  char *path = NULL;
  FILE *f;

  cr_assert_geq (asprintf (&path, "%s/%s", dir, file), 0);
  f = fopen (path, "w");
  cr_assert_not_null (f, "%s", path);
  fputs (text, f);
  fclose (f);
  free (path);
}

static int
rm_one (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void) st;
  (void) flag;
  (void) ftw;
  return remove (path);
}

Test (stats, read_v2_files)
{
  char dir[] = "/tmp/rt-test-stats-XXXXXX";
  char *dirs[] = { dir, NULL };
  struct rt_cgroup cg = { .dirs = dirs, .len = 1, .clone_fd = -1 };
  struct rt_cgroup_stats s;
  struct rt_error err = RT_ERROR_INIT;
  char *json;

  cr_assert_not_null (mkdtemp (dir));
  put (dir, "cpu.stat",
       "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 7\nnr_throttled 2\nthrottled_usec 33\n");
  put (dir, "cpuset.cpus.effective", "0-3,6\n");
  put (dir, "cpuset.mems.effective", "0-1\n");
  put (dir, "memory.current", "65536\n");
  put (dir, "memory.max", "max\n");
  put (dir, "memory.peak", "131072\n");
  put (dir, "memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
  put (dir, "memory.swap.current", "4096\n");
  put (dir, "memory.swap.max", "max\n");
  put (dir, "memory.swap.events", "high 0\nmax 1\nfail 0\n");
  put (dir, "memory.stat", "anon 1\nfile 77\nkernel 3\n");
  put (dir, "pids.current", "2\n");
  put (dir, "pids.max", "20\n");
  put (dir, "io.stat", "8:0 rbytes=100 wbytes=200 rios=3 wios=4 dbytes=0 dios=0\n");
  put (dir, "hugetlb.2MB.max", "2097152\n");
  put (dir, "hugetlb.2MB.current", "0\n");
  put (dir, "hugetlb.2MB.events", "max 5\n");
  put (dir, "hugetlb.2MB.rsvd.max", "max\n");
  put (dir, "hugetlb.1GB.max", "max\n");
  put (dir, "hugetlb.1GB.current", "1073741824\n");
  put (dir, "hugetlb.1GB.events", "max 0\n");

  cr_assert_eq (rt_cgroup_stats_read (&cg, &s, &err), 0, "%s", err.msg);
  cr_assert_eq (s.cpu.usage.total, 1500000, "usec in ns");
  cr_assert_not (s.cpu.usage.percpu.present, "v2 has no per-cpu usage");
  cr_assert_eq (s.memory.swap.usage, 65536 + 4096, "swap is memory+swap");
  cr_assert_eq (s.memory.swap.limit, UINT64_MAX);
  cr_assert_eq (s.hugetlb_len, 2, "the reservation file is no page size");
  json = to_json (&s);
  cr_assert_str_eq (
      json,
      "{\"cpu\":{\"usage\":{\"total\":1500000,\"kernel\":500000,\"user\":1000000},"
      "\"throttling\":{\"periods\":7,\"throttledPeriods\":2,\"throttledTime\":33000}},"
      "\"cpuset\":{\"cpus\":[0,1,2,3,6],\"mems\":[0,1],\"cpu_exclusive\":0,\"mem_hardwall\":0,\"mem_exclusive\":0,"
      "\"memory_migrate\":0,\"memory_spread_page\":0,\"memory_spread_slab\":0,\"memory_pressure\":0,"
      "\"sched_load_balance\":0,\"sched_relax_domain_level\":0},"
      "\"memory\":{\"cache\":77,\"usage\":{\"limit\":18446744073709551615,\"usage\":65536,\"max\":131072,"
      "\"failcnt\":4},\"swap\":{\"limit\":18446744073709551615,\"usage\":69632,\"failcnt\":1},"
      "\"kernel\":{\"limit\":0,\"failcnt\":0},\"kernelTCP\":{\"limit\":0,\"failcnt\":0},"
      "\"raw\":{\"anon\":1,\"file\":77,\"kernel\":3}},"
      "\"pids\":{\"current\":2,\"limit\":20},"
      "\"blkio\":{\"ioServiceBytesRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":100},"
      "{\"major\":8,\"op\":\"Write\",\"value\":200}],"
      "\"ioServicedRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":3},{\"major\":8,\"op\":\"Write\",\"value\":4}]},"
      "\"hugetlb\":{\"1GB\":{\"usage\":1073741824,\"failcnt\":0},\"2MB\":{\"failcnt\":5}},"
      "\"intel_rdt\":{},\"network_interfaces\":null}",
      "got:\n%s", json);
  free (json);
  rt_cgroup_stats_free (&s);
  cr_assert_eq (s.hugetlb_len, 0, "free leaves the struct empty");
  nftw (dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

Test (stats, read_gone)
{
  char *dirs[] = { (char *) "/nonexistent/rt-test-stats/a", (char *) "/nonexistent/rt-test-stats/b", NULL };
  struct rt_cgroup cg = { .dirs = dirs, .len = 2, .clone_fd = -1 };
  struct rt_cgroup_stats s;
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_eq (rt_cgroup_stats_read (&cg, &s, &err), -1);
  cr_assert_eq (err.errnum, ENOENT);
  cr_assert_str_eq (err.msg, "the container's cgroups are gone: No such file or directory");
  rt_error_clear (&err);
}
