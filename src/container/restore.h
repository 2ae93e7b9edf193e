/* The part of restore that create calls in place of its clone. */
#ifndef RT_RESTORE_H
#define RT_RESTORE_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroups/cgroup.h"
#include "container/container.h"

/* What create has made ready for the restored process. */
struct rt_revive
{
  const char *state_dir; /* absolute: CRIU's root is bound inside */
  int dirfd;
  const oci_config *cfg;
  const char *rootfs;
  const struct rt_cgroup *cg;
  const struct rt_cgroup_layout *layout; /* NULL: no cgroup */
  int console_fd;                        /* -1: none */
  const struct rt_criu_opts *co;
  bool userns; /* devices were bound from the host */
};

/* CRIU restores the tree from the images; *pid is its first process, a
 * child of rt. */
int rt_criu_revive (const struct rt_revive *a, pid_t *pid, struct rt_error *err);

#endif
