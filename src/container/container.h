/* The container lifecycle on the host side. */
#ifndef RT_CONTAINER_H
#define RT_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "context.h"
#include "kernel/namespaces.h"
#include "kernel/seccomp.h"
#include "cgroups/cgroup.h"
#include "container/state.h"
#include "ocispec.h"
#include "util/error.h"

struct rt_loaded_config;

/* checkpoint's and restore's options (runc's) */
struct rt_criu_opts
{
  const char *image_path;  /* default: ./checkpoint */
  const char *work_path;   /* CRIU's logs; default: the image path */
  const char *parent_path; /* a previous (pre-)dump, relative to the image path */
  const char *page_server; /* ADDRESS:PORT */
  const char *lsm_profile;
  const char *lsm_mount_context;
  const char *manage_cgroups_mode; /* soft, full, strict, ignore; NULL: CRIU's default */
  const char *empty_ns;            /* "network": made anew, not restored */
  int status_fd;                   /* -1: none */
  bool leave_running, tcp_established, ext_unix_sk, shell_job, file_locks, pre_dump, auto_dedup, lazy_pages;
};

struct rt_create_opts
{
  const char *id;
  const char *bundle;
  const char *pid_file;
  const char *console_socket;
  int preserve_fds;
  bool no_pivot;
  const char *pidfd_socket;           /* --pidfd-socket: where a pidfd of the process goes */
  bool run;                           /* create for `run`: the child waits on the sync socket, not the fifo */
  struct rt_loaded_config *loaded;    /* config.json already read and parsed, or NULL */
  const struct rt_criu_opts *restore; /* restore: CRIU brings the process back instead of a clone */
};

/* config.json as a caller read it before create (`run`, for its console
 * rules): create takes both over instead of reading the file again. */
struct rt_loaded_config
{
  char *raw;
  size_t len;
  oci_config *cfg;
};

/* What create hands back to `run`. */
struct rt_created
{
  pid_t pid;
  int sync_fd; /* run only: send RT_SYNC_START, then EOF means exec'd */
  oci_config *cfg;
  /* run only: the state, still "creating", and its directory, locked; the
   * container is recorded created once START is sent, so that the write
   * overlaps the child's exec */
  int dirfd;
  struct rt_state state;
  const char *pid_file;
};

/* Records the container created (and --pid-file), then drops the record. */
int rt_created_record (struct rt_created *out, struct rt_error *err);
/* Closes the directory (its lock) and frees the state: before any delete. */
void rt_created_drop (struct rt_created *out);

/* Everything the child needs, prepared by the parent before the clone. */
struct rt_init_args
{
  const struct rt_context *ctx;
  const struct rt_create_opts *opts;
  const oci_config *cfg;
  const char *rootfs;
  const char *bundle;
  struct rt_namespaces ns;
  int sync_fd;
  int fifo_fd; /* O_PATH of exec.fifo, -1 for run */
  int console_fd;
  char **cgroup_dirs;
  size_t cgroup_dirs_len;
  bool new_cgroupns; /* unshared by the child once it sits in its cgroups */
  const struct rt_seccomp *seccomp;
  struct rt_cgroup_join *join;                  /* the v1 cgroups the child moves itself into */
  const struct rt_cgroup_layout *cgroup_layout; /* NULL where the child's mounts differ (a joined mount ns) */
  int parent_fds[2];                            /* the parent's state dir (it holds the lock) and cgroup fds */
  bool maps_by_user; /* a new user namespace whose maps a user (not root) writes: dumpable until GO */
};

__attribute__ ((noreturn)) void rt_init_main (struct rt_init_args *a);

int rt_container_create (struct rt_context *ctx, const struct rt_create_opts *o, struct rt_created *out,
                         struct rt_error *err);
int rt_container_start (struct rt_context *ctx, const char *id, struct rt_error *err);

/* `run`: create and start, then (unless detached) stand in for the
 * process until it exits, and delete the container (unless keep). The
 * process's exit code, or -1. */
struct rt_run_mode
{
  bool detach;
  bool keep;
  bool no_subreaper;
};
int rt_container_run (struct rt_context *ctx, struct rt_create_opts *o, const struct rt_run_mode *mode,
                      struct rt_error *err);
/* After create (and start): detached, nothing more; else stand in for the
 * process (rt_mirror) and delete the container after it (unless keep).
 * Takes out->cfg. The process's exit code, or -1. */
int rt_container_stand_in (struct rt_context *ctx, const char *id, struct rt_created *out, int master,
                           const struct rt_run_mode *mode, struct rt_error *err);
/* In the foreground rt stands in for a process: its signals go there, its
 * terminal (master, or -1) is relayed, its exit code becomes rt's. A relay
 * that fails kills the process (relay_errors_kill) or is a warning. pidfd:
 * the process's, or -1. */
int rt_mirror (pid_t pid, int pidfd, int master, bool relay_errors_kill, struct rt_error *err);
/* checkpoint: CRIU dumps the container's processes (and, unless it is
 * left running or this is a pre-dump, the container stops). */
int rt_container_checkpoint (struct rt_context *ctx, const char *id, const struct rt_criu_opts *co,
                             struct rt_error *err);
/* restore: a container from a checkpoint and a bundle, run as `run` does
 * (in the foreground unless detached). The process's exit code, or -1. */
int rt_container_restore (struct rt_context *ctx, struct rt_create_opts *o, const struct rt_run_mode *mode,
                          struct rt_error *err);

/* cfg: the container's config where the caller holds it (`run`), else
 * NULL: read from the state directory. */
int rt_container_delete (struct rt_context *ctx, const char *id, bool force, const oci_config *cfg,
                         struct rt_error *err);
int rt_container_kill (struct rt_context *ctx, const char *id, int sig, bool all, struct rt_error *err);
/* New resource limits (and Intel RDT schemata, NULL for none). */
int rt_container_update (struct rt_context *ctx, const char *id, const oci_resources *res, const char *l3_schema,
                         const char *mb_schema, struct rt_error *err);
/* runc's `events`: statistics once (stats_only), or a stats event every
 * interval and oom events until the container stops; JSON on stdout. */
int rt_container_events (struct rt_context *ctx, const char *id, bool stats_only, long long interval_ns,
                         struct rt_error *err);
/* pause (freeze) or resume (thaw) every process of the container. */
int rt_container_pause (struct rt_context *ctx, const char *id, bool freeze, struct rt_error *err);

struct rt_state;
/* The container's processes (host pids): those of its cgroup and the
 * cgroups below it; of a shared cgroup only its own (its pid namespace's);
 * without a cgroup its init alone. */
int rt_container_pids (const struct rt_state *s, pid_t **pids, size_t *n, struct rt_error *err);

/* State JSON for hooks. */
char *rt_container_state_json (const char *id, const char *status, pid_t pid, const char *bundle,
                               const oci_strmap *annotations);

/* The config annotations that change what rt does (for `features`). */
extern const char *const rt_unsafe_annotations[];

/* Semantic checks beyond the parser: they name the JSON path too. */
int rt_config_validate (const oci_config *cfg, struct rt_error *err);
/* The part of them for linux.resources (validate_resources.c), at create
 * and at update: ranges and names that no host would take. */
int rt_resources_validate (const oci_resources *r, struct rt_error *err);
/* What the spec allows in a form rt reads one way only (relative mount
 * destinations), rewritten with a warning; before rt_config_validate. */
int rt_config_normalize (oci_config *cfg, struct rt_error *err);

/* Write a pid file atomically, resolved to an absolute path. */
int rt_write_pid_file (const char *path, pid_t pid, struct rt_error *err);

#endif
