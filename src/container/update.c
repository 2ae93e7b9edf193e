/* update: new limits for a live container, through the backend that made
 * its cgroup, and new Intel RDT schemata. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "cgroups/cgroup.h"
#include "container/container.h"
#include "container/state.h"
#include "container/status.h"
#include "kernel/rdt.h"
#include "util/cleanup.h"

int
rt_container_update (struct rt_context *ctx, const char *id, const oci_resources *res, const char *l3_schema,
                     const char *mb_schema, struct rt_error *err)
{
  cleanup_close int dirfd = rt_state_dir_open (ctx->root, id, true, err);
  struct rt_cgroup_manager *m = NULL;
  struct rt_state s;
  struct rt_cgroup cg;
  int ret;

  if (dirfd < 0 || rt_state_read (dirfd, &s, err) < 0)
    return rt_error_prefix (err, "update `%s`", id);
  cg = rt_state_cgroup (&s);
  ret = rt_status_check (RT_OP_UPDATE, id, rt_state_status (dirfd, &s), err);
  if (ret == 0)
    ret = rt_resources_validate (res, err);
  if (ret == 0 && cg.len == 0)
    ret = rt_error_set (err, 0, RT_NO_CGROUP);
  if (ret == 0)
    ret = rt_cgroup_manager_open (s.systemd ? RT_CGROUP_SYSTEMD : RT_CGROUP_CGROUPFS, s.rootless, &m, err);
  if (ret == 0)
    ret = rt_cgroup_update (m, &cg, res, err);
  if (ret == 0)
    ret = rt_rdt_update (id, l3_schema, mb_schema, err);
  rt_cgroup_manager_close (m);
  rt_state_free (&s);
  return ret < 0 ? rt_error_prefix (err, "update `%s`", id) : 0;
}
