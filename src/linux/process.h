/* The process side of the config: rlimits, user and groups, cwd, the
 * executable's lookup, fds left open, and the final exec. */
#ifndef RT_PROCESS_H
#define RT_PROCESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "ocispec.h"
#include "util/error.h"

int rt_rlimits_apply (const oci_process *p, struct rt_error *err);
int rt_oom_score_adj_write (pid_t pid, const oci_process *p, struct rt_error *err);
int rt_user_apply (const oci_process *p, struct rt_error *err);
int rt_cwd_apply (const oci_process *p, struct rt_error *err);
/* Find args[0] in the container's PATH; done before `create` returns so
 * that a missing binary is reported by create, as runc does. */
int rt_exec_lookup (const oci_process *p, char **path, struct rt_error *err);
/* Mark every fd above 2 + preserve close-on-exec. */
int rt_fds_close_on_exec (int preserve, struct rt_error *err);
int rt_hostname_apply (const oci_config *cfg, bool new_uts, struct rt_error *err);
int rt_sysctl_apply (const oci_config *cfg, struct rt_error *err);

#endif
