/* Checks of linux.resources that need no host: the values the cgroup
 * files would refuse, said with their JSON path before any cgroup exists
 * (create) or any file is written (update). What a host cannot honour
 * (a controller missing, a v1-only setting on cgroup v2) is the cgroup
 * manager's check (cgroups/checks.c). */
#include <string.h>

#include "container/container.h"

static int
check_memory (const oci_memory *m, struct rt_error *err)
{
  if (m == NULL)
    return 0;
  if (m->has_swappiness && m->swappiness > 100)
    return rt_error_set (err, 0, ".linux.resources.memory.swappiness: %llu is not between 0 and 100",
                         (unsigned long long) m->swappiness);
  /* swap counts memory+swap (v1's memsw): 0 is unset, -1 unlimited; with
   * the limit in the same document the order is known here (an update of
   * the swap alone is checked against memory.max, in v2.c) */
  if (m->has_swap && m->swap > 0 && m->has_limit && m->limit >= 0 && m->swap < m->limit)
    return rt_error_set (err, 0,
                         ".linux.resources.memory.swap: %lld must be >= the memory limit %lld (it counts "
                         "memory+swap)",
                         (long long) m->swap, (long long) m->limit);
  return 0;
}

/* A unified key is a file of the container's cgroup directory. */
static int
check_unified (const oci_strmap *u, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < u->len; i++)
    if (u->keys[i][0] == '\0' || u->keys[i][0] == '.' || strchr (u->keys[i], '/') != NULL)
      return rt_error_set (err, 0, ".linux.resources.unified[\"%s\"]: invalid key: not a file name of the cgroup",
                           u->keys[i]);
  return 0;
}

int
rt_resources_validate (const oci_resources *r, struct rt_error *err)
{
  if (r == NULL)
    return 0;
  if (check_memory (r->memory, err) < 0 || check_unified (&r->unified, err) < 0)
    return -1;
  return 0;
}
