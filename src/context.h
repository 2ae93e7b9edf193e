/* Global options, parsed once in main and passed to every command. */
#ifndef RT_CONTEXT_H
#define RT_CONTEXT_H

#include <stdbool.h>
#include <stdio.h>

enum rt_cgroup_driver
{
  RT_CGROUP_CGROUPFS,
  RT_CGROUP_DISABLED,
  RT_CGROUP_SYSTEMD,
};

struct rt_context
{
  const char *root; /* state store: --root, or /run/rt ($XDG_RUNTIME_DIR/rt rootless) */
  const char *log;
  bool log_json;
  bool debug;
  enum rt_cgroup_driver cgroup_manager;
  bool rootless;       /* not the host's root (--rootless, or detected) */
  const char *command; /* the subcommand, for error context */
};

#define RT_DEFAULT_ROOT "/run/rt"

#endif
