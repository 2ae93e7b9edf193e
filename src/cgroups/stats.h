/* A container's statistics as plain data: what runc's `events` reports
 * (types/events.go), in its units (nanoseconds, bytes), read from the
 * container's cgroup directories. The cgroups layer only reads; the
 * container layer writes them out (container/stats_json.h). Zero means
 * "not reported" wherever runc's field is omitempty; where the JSON tells
 * an empty list from no list, a flag says which. */
#ifndef RT_CGROUP_STATS_H
#define RT_CGROUP_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroups/cgroup.h"
#include "util/error.h"

/* Numbers from a file; present: the file gave a list, maybe an empty one
 * (a cpuset range like "5-2"), which is printed as [] rather than left out. */
struct rt_cgroup_stats_list
{
  uint64_t *v;
  size_t len;
  bool present;
};

struct rt_cgroup_cpu_usage
{
  uint64_t total;                                                 /* ns */
  struct rt_cgroup_stats_list percpu, percpu_kernel, percpu_user; /* v1 only */
  uint64_t kernel, user;                                          /* ns; printed even when 0 */
};

struct rt_cgroup_cpu_throttling
{
  uint64_t periods, throttled_periods;
  uint64_t throttled_time; /* ns */
};

struct rt_cgroup_cpu_stats
{
  struct rt_cgroup_cpu_usage usage;
  struct rt_cgroup_cpu_throttling throttling;
};

/* The flags are the v1 files' values (0 on v2, which has none of them). */
struct rt_cgroup_cpuset_stats
{
  struct rt_cgroup_stats_list cpus, mems;
  uint64_t cpu_exclusive, mem_hardwall, mem_exclusive, memory_migrate;
  uint64_t memory_spread_page, memory_spread_slab, memory_pressure, sched_load_balance;
  int64_t sched_relax_domain_level;
};

/* One of usage, swap (memory+swap, as v1's memsw), kernel, kernelTCP;
 * "max" in a limit file is UINT64_MAX. */
struct rt_cgroup_mem_entry
{
  uint64_t limit, usage, max, failcnt;
};

struct rt_cgroup_stats_kv
{
  char *key;
  uint64_t value;
};

/* memory.stat as it is; present: the file had content (even with no
 * "key value" line in it, which makes an empty map). */
struct rt_cgroup_stats_kv_list
{
  struct rt_cgroup_stats_kv *v;
  size_t len;
  bool present;
};

struct rt_cgroup_memory_stats
{
  uint64_t cache;
  struct rt_cgroup_mem_entry usage, swap, kernel, kernel_tcp;
  struct rt_cgroup_stats_kv_list raw;
};

struct rt_cgroup_pids_stats
{
  uint64_t current;
  uint64_t limit; /* 0: no limit ("max"), as runc reports it */
};

/* A v1 blkio line, or one of the bytes/ios pairs of a v2 io.stat line. */
struct rt_cgroup_blkio_entry
{
  uint64_t major, minor;
  char op[16]; /* "Read", "Write", "Total"...; "" for a line without one */
  uint64_t value;
};

/* No flag: a list is printed only when it has an entry. */
struct rt_cgroup_blkio_list
{
  struct rt_cgroup_blkio_entry *v;
  size_t len;
};

struct rt_cgroup_blkio_stats
{
  struct rt_cgroup_blkio_list service_bytes; /* ioServiceBytesRecursive */
  struct rt_cgroup_blkio_list serviced;      /* ioServicedRecursive */
};

struct rt_cgroup_hugetlb_entry
{
  char *page_size; /* "2MB", "1GB" */
  uint64_t usage, max, failcnt;
};

struct rt_cgroup_stats
{
  struct rt_cgroup_cpu_stats cpu;
  struct rt_cgroup_cpuset_stats cpuset;
  struct rt_cgroup_memory_stats memory;
  struct rt_cgroup_pids_stats pids;
  struct rt_cgroup_blkio_stats blkio;
  struct rt_cgroup_hugetlb_entry *hugetlb; /* sorted by page size */
  size_t hugetlb_len;
};

/* Reads the statistics of the container's cgroup; a controller whose
 * files are missing reads as zeros. Fails (ENOENT) when none of the
 * directories exists any more. out is filled in full or left empty. */
int rt_cgroup_stats_read (const struct rt_cgroup *cg, struct rt_cgroup_stats *out, struct rt_error *err);
/* Frees what a read allocated; the struct is then empty (zeros). */
void rt_cgroup_stats_free (struct rt_cgroup_stats *s);
/* For a struct zeroed where it is declared. */
#define cleanup_cgroup_stats __attribute__ ((cleanup (rt_cgroup_stats_free)))

/* ---- the parsers of file contents (pure, for the unit tests) ---- */

/* A single-value file: "123\n"; "max" is UINT64_MAX; NULL is 0. */
uint64_t rt_cgroup_stats_parse_u64 (const char *text);
/* The value of a "key value" line of a flat keyed file (cpu.stat,
 * memory.events); 0 when there is none. */
uint64_t rt_cgroup_stats_parse_key (const char *text, const char *key);
/* "123 456 789\n" (cpuacct.usage_percpu) up to the first non-number. */
int rt_cgroup_stats_parse_u64s (const char *text, struct rt_cgroup_stats_list *out, struct rt_error *err);
/* A cpu or node list: "0-2,5" is 0 1 2 5. */
int rt_cgroup_stats_parse_cpulist (const char *text, struct rt_cgroup_stats_list *out, struct rt_error *err);
/* memory.stat's "key value" lines, in order; lines without a space are
 * skipped. */
int rt_cgroup_stats_parse_kv (const char *text, struct rt_cgroup_stats_kv_list *out, struct rt_error *err);
/* v1 blkio files: "8:0 Read 4096" or "8:0 4096" lines (the "Total N"
 * line, with no device, is skipped). Appends to out. */
int rt_cgroup_stats_parse_blkio_v1 (const char *text, struct rt_cgroup_blkio_list *out, struct rt_error *err);
/* v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 ...": the values of
 * rkey and wkey as Read and Write entries. Appends to out. */
int rt_cgroup_stats_parse_io_stat (const char *text, const char *rkey, const char *wkey,
                                   struct rt_cgroup_blkio_list *out, struct rt_error *err);
/* The length of the page size in a hugetlb file name that ends in suffix
 * ("hugetlb.2MB.max", ".max" -> 3 for "2MB"); 0 when it is no such file
 * (or a reservation file, hugetlb.*.rsvd.*). */
size_t rt_cgroup_stats_hugetlb_page (const char *file, const char *suffix);

void rt_cgroup_stats_list_free (struct rt_cgroup_stats_list *l);
void rt_cgroup_stats_kv_list_free (struct rt_cgroup_stats_kv_list *l);
void rt_cgroup_blkio_list_free (struct rt_cgroup_blkio_list *l);

#endif
