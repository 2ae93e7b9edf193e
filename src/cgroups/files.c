/* Reading and writing the files of cgroup directories, for every backend. */
#include <linux/magic.h>
#include <stdarg.h>
#include <sys/vfs.h>
#include <time.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/backend.h"
#include "util/cleanup.h"
#include "util/fs.h"

bool
rt_cgroup_dir_is_v2 (const char *dir)
{
  struct statfs sfs;

  return statfs (dir, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

int
rt_cgroup_write (const char *dir, const char *file, const char *value, struct rt_error *err)
{
  cleanup_free char *path = NULL;

  if (asprintf (&path, "%s/%s", dir, file) < 0)
    return rt_error_set (err, ENOMEM, "cgroup");
  return rt_write_file (path, value, strlen (value), err);
}

int
rt_cgroup_writef (const char *dir, const char *file, struct rt_error *err, const char *fmt, ...)
{
  cleanup_free char *value = NULL;
  va_list ap;
  int n;

  va_start (ap, fmt);
  n = vasprintf (&value, fmt, ap);
  va_end (ap);
  if (n < 0)
    return rt_error_set (err, ENOMEM, "cgroup");
  return rt_cgroup_write (dir, file, value, err);
}

char *
rt_cgroup_read_controllers (const char *dir)
{
  cleanup_free char *path = NULL;
  char *data = NULL;

  if (asprintf (&path, "%s/cgroup.controllers", dir) < 0)
    return NULL;
  if (rt_read_file (path, &data, NULL, NULL) < 0)
    return strdup ("");
  data[strcspn (data, "\n")] = '\0';
  return data;
}

/* runtime-spec 1.3: absent leaves pids.max alone, below 0 is no limit,
 * and 0 is a limit like any other (the kernel's pids controller takes it;
 * runc >= 1.4 writes 1 instead, for systemd's sake). */
int
rt_cgroup_write_pids (const char *dir, const oci_pids *p, struct rt_error *err)
{
  if (p == NULL || !p->has_limit)
    return 0;
  if (p->limit < 0)
    return rt_cgroup_write (dir, "pids.max", "max", err);
  return rt_cgroup_writef (dir, "pids.max", err, "%lld", (long long) p->limit);
}

int
rt_cgroup_write_hugetlb (const char *dir, const oci_resources *r, const char *suffix, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < r->hugepage_limits_len; i++)
    {
      cleanup_free char *file = NULL;
      if (asprintf (&file, "hugetlb.%s.%s", r->hugepage_limits[i]->page_size, suffix) < 0)
        return rt_error_set (err, ENOMEM, "hugetlb");
      if (rt_cgroup_writef (dir, file, err, "%llu", (unsigned long long) r->hugepage_limits[i]->limit) < 0)
        return -1;
    }
  return 0;
}

int
rt_cgroup_read_pids (const char *dir, pid_t **pids, size_t *n, struct rt_error *err)
{
  cleanup_free char *path = NULL, *data = NULL;
  char *p, *end;

  if (asprintf (&path, "%s/cgroup.procs", dir) < 0)
    return rt_error_set (err, ENOMEM, "cgroup");
  if (rt_read_file (path, &data, NULL, err) < 0)
    return -1;
  for (p = data; *p; p = end)
    {
      long v = strtol (p, &end, 10);
      pid_t *np;
      if (end == p)
        break;
      np = realloc (*pids, (*n + 1) * sizeof *np);
      if (np == NULL)
        return rt_error_set (err, ENOMEM, "cgroup");
      *pids = np;
      (*pids)[(*n)++] = (pid_t) v;
    }
  return 0;
}

bool
rt_cgroup_read_is (const char *dir, const char *file, const char *want)
{
  cleanup_free char *path = NULL, *data = NULL;

  if (asprintf (&path, "%s/%s", dir, file) < 0 || rt_read_file (path, &data, NULL, NULL) < 0)
    return false;
  return strncmp (data, want, strlen (want)) == 0;
}

bool
rt_cgroup_has_file (const char *dir, const char *file)
{
  cleanup_free char *path = NULL;

  return asprintf (&path, "%s/%s", dir, file) >= 0 && access (path, F_OK) == 0;
}

void
rt_cgroup_sleep_ms (long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  nanosleep (&ts, NULL);
}

int
rt_cgroup_write_rdma (const char *dir, const oci_resources *r, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < r->rdma.len; i++)
    {
      const oci_rdma *d = r->rdma.values[i];
      cleanup_free char *line = NULL;
      int n;

      if (d->has_hca_handles && d->has_hca_objects)
        n = asprintf (&line, "%s hca_handle=%u hca_object=%u", r->rdma.keys[i], d->hca_handles, d->hca_objects);
      else if (d->has_hca_handles)
        n = asprintf (&line, "%s hca_handle=%u", r->rdma.keys[i], d->hca_handles);
      else if (d->has_hca_objects)
        n = asprintf (&line, "%s hca_object=%u", r->rdma.keys[i], d->hca_objects);
      else
        continue;
      if (n < 0)
        return rt_error_set (err, ENOMEM, "rdma");
      if (rt_cgroup_write (dir, "rdma.max", line, err) < 0)
        return -1;
    }
  return 0;
}
