/* The freezer: v1's freezer.state where the container has a freezer
 * hierarchy, else cgroup2's cgroup.freeze. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/backend.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* The v1 freezer when there is one, else cgroup.freeze of cgroup2. A path
 * with "freezer" in it (the hierarchy's usual mount point) is tried first:
 * that spares a path lookup in each other hierarchy, among the container's
 * siblings there (1,000 containers, 1,000 siblings); the rest is the
 * fallback. */
static const char *
freezer_dir (char *const *dirs, size_t len, bool *v2)
{
  size_t i;

  for (i = 0; i < len; i++)
    if (strstr (dirs[i], "freezer") != NULL && rt_cgroup_has_file (dirs[i], "freezer.state"))
      {
        *v2 = false;
        return dirs[i];
      }
  for (i = 0; i < len; i++)
    if (rt_cgroup_has_file (dirs[i], "freezer.state"))
      {
        *v2 = false;
        return dirs[i];
      }
  for (i = 0; i < len; i++)
    if (rt_cgroup_has_file (dirs[i], "cgroup.freeze"))
      {
        *v2 = true;
        return dirs[i];
      }
  return NULL;
}

const char *
rt_cgroup_freezer_dir (const struct rt_cgroup *cg)
{
  bool v2;

  return freezer_dir (cg->dirs, cg->len, &v2);
}

/* Read a short cgroup file into buf (NUL-terminated): one open, one read. */
static bool
read_short (const char *dir, const char *file, char *buf, size_t size)
{
  cleanup_free char *path = NULL;
  ssize_t n;
  int fd;

  if (asprintf (&path, "%s/%s", dir, file) < 0)
    return false;
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  do
    n = read (fd, buf, size - 1);
  while (n < 0 && errno == EINTR);
  close (fd);
  if (n < 0)
    return false;
  buf[n] = '\0';
  return true;
}

bool
rt_cgroup_is_frozen (const struct rt_cgroup *cg)
{
  bool v2 = false;
  const char *dir;
  char buf[64];
  size_t i;

  /* `list` asks this of every container: the usual place of the v1
   * freezer is read straight away, three system calls */
  for (i = 0; i < cg->len; i++)
    if (strstr (cg->dirs[i], "freezer") != NULL && read_short (cg->dirs[i], "freezer.state", buf, sizeof buf))
      return strncmp (buf, "THAWED", 6) != 0;
  dir = freezer_dir (cg->dirs, cg->len, &v2);

  if (dir == NULL)
    return false;
  return v2 ? rt_cgroup_read_is (dir, "cgroup.freeze", "1") : !rt_cgroup_read_is (dir, "freezer.state", "THAWED");
}

/* cgroup2 says in cgroup.events when every process has stopped. */
static bool
v2_frozen (const char *dir)
{
  cleanup_free char *path = NULL, *data = NULL;

  if (asprintf (&path, "%s/cgroup.events", dir) < 0 || rt_read_file (path, &data, NULL, NULL) < 0)
    return false;
  return strstr (data, "frozen 1") != NULL;
}

int
rt_cgroup_freeze (const struct rt_cgroup *cg, bool freeze, struct rt_error *err)
{
  bool v2 = false;
  const char *dir = freezer_dir (cg->dirs, cg->len, &v2);
  int tries;

  if (dir == NULL)
    return rt_error_set (err, ENOTSUP, "no freezer: the container has no freezer cgroup");
  if (v2 ? rt_cgroup_write (dir, "cgroup.freeze", freeze ? "1" : "0", err)
         : rt_cgroup_write (dir, "freezer.state", freeze ? "FROZEN" : "THAWED", err))
    return -1;
  for (tries = 0; tries < 1000; tries++)
    {
      bool done =
          v2 ? v2_frozen (dir) == freeze : rt_cgroup_read_is (dir, "freezer.state", freeze ? "FROZEN" : "THAWED");
      if (done)
        return 0;
      if (!v2 && freeze && tries % 50 == 49)
        rt_cgroup_write (dir, "freezer.state", "FROZEN", NULL);
      rt_cgroup_sleep_ms (1);
    }
  return rt_error_set (err, ETIMEDOUT, "%s `%s`", freeze ? "freeze" : "thaw", dir);
}
