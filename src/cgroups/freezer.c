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

/* The v1 freezer when there is one, else cgroup.freeze of cgroup2. */
static const char *
freezer_dir (char *const *dirs, size_t len, bool *v2)
{
  size_t i;

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

bool
rt_cgroup_is_frozen (const struct rt_cgroup *cg)
{
  bool v2 = false;
  const char *dir = freezer_dir (cg->dirs, cg->len, &v2);

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
