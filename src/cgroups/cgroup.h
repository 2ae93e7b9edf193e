/* The cgroup manager: what the container layer sees of cgroups. One
 * manager per command, made from one reading of the host's layout (v1
 * hierarchies and/or a cgroup2 mount); the backends behind it (cgroupfs,
 * systemd, none: cgroups/backend.h) differ in how a container's cgroup is
 * made, changed and removed. What works on the directories alone (the
 * processes, the freezer, statistics, OOM events) needs no manager: a
 * container's cgroup is the list of its directories, which state.json
 * keeps. */
#ifndef RT_CGROUP_H
#define RT_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "context.h"
#include "ocispec.h"
#include "util/error.h"

/* ---- the layout ---- */

struct rt_cgroup_hier
{
  char *mount;       /* e.g. /sys/fs/cgroup/memory */
  char *controllers; /* v1: "memory", "cpu,cpuacct", "name=systemd"; v2: the enabled ones */
  char *caller;      /* the calling process's cgroup in this hierarchy */
  bool v2;
};

struct rt_cgroup_layout
{
  struct rt_cgroup_hier *h;
  size_t len;
  bool has_v1;
  bool has_v2;
};

int rt_cgroup_layout_read (struct rt_cgroup_layout *l, struct rt_error *err);
/* The hierarchies alone (callers NULL): no /proc/self/cgroup, whose read
 * takes the kernel's cgroup_mutex, which teardowns of other cgroups hold. */
int rt_cgroup_layout_read_mounts (struct rt_cgroup_layout *l, struct rt_error *err);
/* /sys/fs/cgroup is cgroup2: a unified host, by runc's test (one statfs
 * where the layout would read mountinfo). */
bool rt_cgroup_unified_host (void);
void rt_cgroup_layout_free (struct rt_cgroup_layout *l);

/* The layout from mountinfo text and (unless NULL) /proc/self/cgroup
 * text; the probe asks the host what text cannot tell (whether a mount is
 * covered, what a cgroup2 mount offers); NULL: every mount visible, no
 * cgroup2 controllers. */
struct rt_cgroup_probe
{
  bool (*visible) (const char *mountpoint, const char *devno);
  char *(*controllers) (const char *mount); /* heap string */
};
int rt_cgroup_layout_parse (const char *mountinfo, const char *proc_cgroup, const struct rt_cgroup_probe *probe,
                            struct rt_cgroup_layout *l, struct rt_error *err);

/* The hierarchy that serves a controller ("memory", "pids", "hugetlb"...):
 * a v1 hierarchy naming it first, else the cgroup2 mount if it has it. */
const struct rt_cgroup_hier *rt_cgroup_hier_for (const struct rt_cgroup_layout *l, const char *controller);
/* The hierarchy a directory lives in, NULL for none. */
const struct rt_cgroup_hier *rt_cgroup_hier_of (const struct rt_cgroup_layout *l, const char *dir);
/* Does the comma (or space) separated list name `name` (n bytes)? */
bool rt_cgroup_list_has (const char *list, const char *name);
bool rt_cgroup_list_has_n (const char *list, const char *name, size_t n);

/* ---- a container's cgroup ---- */

struct rt_cgroup
{
  char **dirs; /* its directory in each hierarchy, NULL-terminated */
  size_t len;
  bool shared;  /* it held others' processes at create: never killed wholesale */
  int clone_fd; /* after create: the cgroup2 directory, for clone3 CLONE_INTO_CGROUP; -1 if none */
  bool pending; /* made at attach (systemd, with the process): nothing to join before */
};

/* Frees the directories and closes clone_fd (the cgroups stay). */
void rt_cgroup_release (struct rt_cgroup *cg);

/* The words for a container without a cgroup (tests match them). */
#define RT_NO_CGROUP "the container has no cgroup (--cgroup-manager=disabled, or rootless with none writable)"

/* ---- the manager ---- */

struct rt_cgroup_manager;

/* kind: the backend; RT_CGROUP_DISABLED gives containers no cgroup.
 * rootless: systemd is the user's manager, on the user's bus. */
int rt_cgroup_manager_open (enum rt_cgroup_driver kind, bool rootless, struct rt_cgroup_manager **m,
                            struct rt_error *err);
void rt_cgroup_manager_close (struct rt_cgroup_manager *m);
/* The layout, read once for the manager (callers too); NULL on failure. */
const struct rt_cgroup_layout *rt_cgroup_manager_layout (struct rt_cgroup_manager *m, struct rt_error *err);

/* What a container asks of its cgroup. */
struct rt_cgroup_request
{
  const char *path; /* linux.cgroupsPath, or NULL */
  const char *id;
  const char *root;              /* the state root: names the default parent */
  const oci_resources *res;      /* may be NULL */
  const oci_strmap *annotations; /* systemd: org.systemd.property.* */
};

/* Called with the directories before any is made, so a caller can record
 * them first (a crash in between then leaks nothing that delete can't find). */
typedef int (*rt_cgroup_planned_fn) (void *data, const struct rt_cgroup *cg, struct rt_error *err);

/* Makes the container's cgroup and applies the resources (and the device
 * rules: the default set and linux.resources.devices); a backend that
 * needs the process (systemd) finishes in rt_cgroup_attach. */
int rt_cgroup_create (struct rt_cgroup_manager *m, const struct rt_cgroup_request *req, rt_cgroup_planned_fn planned,
                      void *data, struct rt_cgroup *cg, struct rt_error *err);
/* After the clone: the process in its cgroup (born_inside: clone3 put it
 * in the cgroup2 directory already). */
int rt_cgroup_attach (struct rt_cgroup_manager *m, const struct rt_cgroup *cg, pid_t pid, bool born_inside,
                      struct rt_error *err);
/* `update`: new resources; device rules given replace the container's. */
int rt_cgroup_update (struct rt_cgroup_manager *m, const struct rt_cgroup *cg, const oci_resources *res,
                      struct rt_error *err);
/* Kills what is left inside and removes the cgroup, and the cgroups made
 * below it. A shared cgroup is removed only where empty: what is left is
 * not the container's. */
int rt_cgroup_destroy (struct rt_cgroup_manager *m, const struct rt_cgroup *cg, struct rt_error *err);

/* The cgroups for `exec --cgroup [CONTROLLERS:]PATH...`: the container's
 * own, or the sub-cgroups the entries name (runc's rules). */
int rt_cgroup_for_exec (struct rt_cgroup_manager *m, const struct rt_cgroup *cg, char *const *entries, size_t n,
                        struct rt_cgroup *out, struct rt_error *err);

/* The v1 directories' `tasks` files, opened before the clone; the child
 * then moves itself by writing "0" to each. A thread moving itself skips
 * the kernel's global threadgroup lock, whose write side waits for an RCU
 * grace period (tens of ms: the costliest step of a start on v1 hosts). */
struct rt_cgroup_join
{
  int *fds;
  const char **dirs; /* borrowed from the caller, for errors */
  size_t len;
};
int rt_cgroup_join_prepare (const struct rt_cgroup *cg, struct rt_cgroup_join *j, struct rt_error *err);
int rt_cgroup_join_self (const struct rt_cgroup_join *j, struct rt_error *err);
void rt_cgroup_join_release (struct rt_cgroup_join *j);

/* ---- on the directories alone ---- */

bool rt_cgroup_is_frozen (const struct rt_cgroup *cg);
/* The directory that freezes the container: v1's freezer, else cgroup2's; NULL if none. */
const char *rt_cgroup_freezer_dir (const struct rt_cgroup *cg);
int rt_cgroup_freeze (const struct rt_cgroup *cg, bool freeze, struct rt_error *err);
/* Every process of the subtree of the first directory that exists. */
int rt_cgroup_pids (const struct rt_cgroup *cg, pid_t **pids, size_t *npids, struct rt_error *err);
/* Signals every process (SIGKILL: cgroup.kill where the kernel has it). */
int rt_cgroup_signal_all (const struct rt_cgroup *cg, int sig, struct rt_error *err);

/* Statistics: cgroups/stats.h. */

/* OOM notifications (oom.c): v1 eventfd on memory.oom_control, v2 inotify
 * on memory.events. fd is pollable; read tells how many OOM kills happened
 * since the last read. */
struct rt_oom_watch
{
  int fd;     /* -1: no memory controller, nothing to watch */
  int ctl_fd; /* v1: memory.oom_control, held while registered */
  bool v2;
  char *dir;               /* the memory cgroup directory */
  char *events;            /* v2: memory.events */
  unsigned long long seen; /* v2: oom_kill count already reported */
};
int rt_oom_watch_open (const struct rt_cgroup *cg, struct rt_oom_watch *w, struct rt_error *err);
/* The number of new OOM events (0 for none), or -1 once the cgroup is gone. */
int rt_oom_watch_read (struct rt_oom_watch *w);
void rt_oom_watch_close (struct rt_oom_watch *w);

#endif
