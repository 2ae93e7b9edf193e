/* A conversation with CRIU: `criu swrk FD` on one end of a socket pair,
 * rt on the other, one request, its notifications, one answer (CRIU's RPC,
 * as runc speaks it). Checkpoint and restore (container/) say what to ask. */
#ifndef RT_CRIU_H
#define RT_CRIU_H

#include "kernel/criu_rpc.h"
#include "util/error.h"

/* A notification from CRIU: the script name ("post-dump",
 * "orphan-pts-master", ...), a pid, and the fd CRIU sent with it or -1
 * (closed by the caller afterwards). Returns 0, or -1 with err set to fail
 * the operation. */
typedef int (*rt_criu_notify_fn) (void *data, const char *script, pid_t pid, int fd, struct rt_error *err);

/* Send req to a new `criu swrk` (found in PATH) and wait for its answer;
 * CRIU inherits rt's fds that are not close-on-exec (inherit_fd, status_fd,
 * the images and work directories). A failure names CRIU's first logged
 * error: log_dir_fd and req->log_file say where the log is (log_path names
 * it for the user). On success *out holds the answer (rt_criu_resp_free). */
int rt_criu_call (const struct rt_criu_req *req, rt_criu_notify_fn notify, void *data, int log_dir_fd,
                  const char *log_path, struct rt_criu_resp *out, struct rt_error *err);

#endif
