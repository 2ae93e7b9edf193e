/* rt exec: one more process in a running container. It joins every
 * namespace and cgroup of the container's init, with its own rlimits,
 * capabilities, no_new_privs and the container's seccomp profile. */
#ifndef RT_EXEC_H
#define RT_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "util/error.h"

struct rt_exec_opts
{
  const char *id;

  /* The process: --process gives all of it; else the container's own
   * process from its stored config, with these overrides (as runc). */
  const char *process_file;
  char **args; /* NULL-terminated */
  size_t args_len;
  const char *cwd;
  char **env; /* appended; a name given again replaces the earlier one */
  size_t env_len;
  bool has_uid, has_gid;
  uint32_t uid, gid;
  uint32_t *gids; /* appended to additionalGids */
  size_t gids_len;
  char **caps; /* added to the bounding, effective, permitted (and ambient) sets */
  size_t caps_len;
  bool tty;
  bool no_new_privs;
  const char *apparmor;
  const char *label;

  /* How it runs. */
  const char *pid_file;
  const char *console_socket;
  char **cgroups; /* [CONTROLLER[,CONTROLLER]:]SUBPATH below the container's cgroup */
  size_t cgroups_len;
  int preserve_fds;
  bool detach;
  bool ignore_paused;
  const char *pidfd_socket; /* --pidfd-socket: where a pidfd of the process goes */
};

/* Returns the process's exit code (128 + signal if killed) in the
 * foreground, 0 once it runs with detach, or -1 with err set. */
int rt_container_exec (struct rt_context *ctx, const struct rt_exec_opts *o, struct rt_error *err);

/* After the last step on a sync socket whose child end is close-on-exec:
 * EOF means the process was exec'd, a message is the child's error. */
int rt_sync_await_exec (int fd, struct rt_error *err);

#endif
