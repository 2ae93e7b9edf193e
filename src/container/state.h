/* The state store: one directory per container under --root, holding
 * state.json (written atomically), a copy of config.json, and exec.fifo
 * while the container waits for `start`. The directory fd carries the lock. */
#ifndef RT_STATE_H
#define RT_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroups/cgroup.h"
#include "ocispec.h"
#include "util/error.h"

struct rt_state
{
  char *id;
  pid_t pid;                     /* 0 while creating */
  unsigned long long start_time; /* of pid, from /proc/pid/stat: detects pid reuse */
  char *bundle;
  char *rootfs;
  char *created;      /* RFC 3339 */
  char **cgroup_dirs; /* the container's directory in each hierarchy */
  size_t cgroup_dirs_len;
  bool creating;
  bool systemd;
  bool rootless;      /* made by a user: its systemd unit is the user manager's */
  bool cgroup_shared; /* the cgroup held others' processes at create: never killed wholesale */
  bool checkpointed;  /* stopped by a checkpoint: a restore may take its id */
  oci_strmap annotations;
};

#define RT_STATE_FILE "state.json"
#define RT_CONFIG_FILE "config.json"
#define RT_FIFO_FILE "exec.fifo"

/* Container ids are one path component of [A-Za-z0-9_+.-], never "." or "..". */
int rt_state_check_id (const char *id, struct rt_error *err);

/* Create <root>/<id> exclusively and return its fd, locked. */
int rt_state_dir_create (const char *root, const char *id, struct rt_error *err);
/* Open <root>/<id>; `exclusive` takes the lock that changes need. */
int rt_state_dir_open (const char *root, const char *id, bool exclusive, struct rt_error *err);
/* The same, in an open --root (rootfd < 0: no --root, the container does
 * not exist). */
int rt_state_dir_openat (int rootfd, const char *id, bool exclusive, struct rt_error *err);
int rt_state_dir_remove (const char *root, const char *id, struct rt_error *err);

int rt_state_write (int dirfd, const struct rt_state *s, struct rt_error *err);
int rt_state_read (int dirfd, struct rt_state *s, struct rt_error *err);
void rt_state_free (struct rt_state *s);
/* The config.json stored at create; NULL when unreadable. */
oci_config *rt_state_config (int dirfd);

/* The container's cgroup as the state keeps it (the directories are the
 * state's, not copied: no rt_cgroup_release). */
static inline struct rt_cgroup
rt_state_cgroup (const struct rt_state *s)
{
  struct rt_cgroup cg = {
    .dirs = s->cgroup_dirs, .len = s->cgroup_dirs_len, .shared = s->cgroup_shared, .clone_fd = -1
  };
  return cg;
}

/* "creating", "created", "running", "paused" or "stopped", from the
 * process, the fifo and the freezer. */
const char *rt_state_status (int dirfd, const struct rt_state *s);
bool rt_state_process_alive (const struct rt_state *s);

/* The start time (field 22 of /proc/PID/stat) of pid, from the file or
 * from its text; 0 when the process is gone, or for a zombie: the
 * container's process has exited. */
unsigned long long rt_proc_start_time (pid_t pid);
unsigned long long rt_proc_stat_start_time (const char *stat);

/* The OCI state document of a container. */
int rt_state_to_oci (int dirfd, const struct rt_state *s, oci_state *out, struct rt_error *err);

#endif
