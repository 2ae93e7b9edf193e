/* cgroups: one small interface over a v1 backend (v1.c) and a v2 backend
 * (v2.c). The layout (v1 hierarchies and/or a cgroup2 mount) is read once
 * per command from /proc/self/mountinfo; a container's cgroup is the list of
 * its directories, one per hierarchy, which the state store keeps. */
#ifndef RT_CGROUP_H
#define RT_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ocispec.h"
#include "util/error.h"

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
/* The hierarchies alone (callers NULL): no /proc/self/cgroup, whose read
 * takes the kernel's cgroup_mutex, which teardowns of other cgroups hold. */
int rt_cgroup_layout_read_mounts (struct rt_cgroup_layout *l, struct rt_error *err);
void rt_cgroup_layout_free (struct rt_cgroup_layout *l);

/* The hierarchy that serves a controller ("memory", "pids", "hugetlb"...):
 * a v1 hierarchy naming it first, else the cgroup2 mount if it has it. */
const struct rt_cgroup_hier *rt_cgroup_hier_for (const struct rt_cgroup_layout *l, const char *controller);

struct rt_cgroup
{
  char **dirs; /* NULL-terminated */
  size_t len;
  int clone_fd; /* the cgroup2 directory, for clone3 CLONE_INTO_CGROUP; -1 if none */
  bool shared;  /* it held processes already (another container's): see rt_cgroup_destroy */
  struct rt_cgroup_layout layout; /* as create read it: the child mounts these, not reading them again */
};

/* cgroupsPath: absolute as given, relative below the caller's cgroup, and
 * <id> (relative) when absent, as runc. Creates the directories and applies resources. */
/* Called with the directories before any is made, so a caller can record
 * them first (a crash in between then leaks nothing that delete can't find). */
typedef int (*rt_cgroup_planned_fn) (void *data, char *const *dirs, size_t len, struct rt_error *err);

int rt_cgroup_create (const char *cgroups_path, const char *id, const oci_resources *res, rt_cgroup_planned_fn planned,
                      void *data, struct rt_cgroup *cg,
                      struct rt_error *err);
void rt_cgroup_release (struct rt_cgroup *cg);

/* Move pid into each cgroup2 directory (the v1 ones it joins itself, below). */
int rt_cgroup_enter_v2 (char *const *dirs, size_t len, pid_t pid, struct rt_error *err);

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
int rt_cgroup_join_prepare (char *const *dirs, size_t len, struct rt_cgroup_join *j, struct rt_error *err);
int rt_cgroup_join_self (struct rt_cgroup_join *j, struct rt_error *err);
void rt_cgroup_join_release (struct rt_cgroup_join *j);

/* Kill what is left inside and remove the directories, and the cgroups
 * made below them. A shared cgroup (it held processes when the container
 * came) is removed only where empty: what is left is not the container's. */
int rt_cgroup_destroy (char *const *dirs, size_t len, bool shared, struct rt_error *err);

int rt_cgroup_apply (char *const *dirs, size_t len, const oci_resources *res, struct rt_error *err);
bool rt_cgroup_is_frozen (const char *const *dirs, size_t len);
int rt_cgroup_freeze (char *const *dirs, size_t len, bool freeze, struct rt_error *err);
int rt_cgroup_pids (char *const *dirs, size_t len, pid_t **pids, size_t *npids, struct rt_error *err);
int rt_cgroup_signal_all (char *const *dirs, size_t len, int sig, struct rt_error *err);

/* Is this directory on a cgroup2 filesystem? */
bool rt_cgroup_dir_is_v2 (const char *dir);

/* Backends: apply the resources that live in one directory of their kind.
 * v2: `controllers` are those of the directory itself (its
 * cgroup.controllers); `devices` says that the cgroup2 tree filters devices
 * (no v1 devices hierarchy), with an eBPF program. */
int rt_cgroup_v1_apply (const char *dir, const char *controllers, const oci_resources *res, struct rt_error *err);
int rt_cgroup_v2_apply (const char *dir, const char *controllers, const oci_resources *res, bool devices,
                        struct rt_error *err);
int rt_cgroup_v2_enable_controllers (const char *mount, const char *path, struct rt_error *err);

/* Fails, naming the controller, when res asks for something that no
 * hierarchy of the layout serves (checks.c). */
int rt_cgroup_check_layout (const struct rt_cgroup_layout *l, const oci_resources *res, struct rt_error *err);
/* Fails when res needs a controller of the cgroup2 tree that is not
 * enabled for dir (absent from its cgroup.controllers). */
int rt_cgroup_check_v2_dir (const struct rt_cgroup_layout *l, const char *dir, const char *controllers,
                            const oci_resources *res, struct rt_error *err);
bool rt_cgroup_list_has (const char *list, const char *name);

/* Statistics as runc's `events` prints them: the "data" object of a
 * stats event (stats.c). */
struct yajl_gen_t;
int rt_cgroup_stats_emit (struct yajl_gen_t *g, char *const *dirs, size_t len, struct rt_error *err);

/* OOM notifications (oom.c): v1 eventfd on memory.oom_control, v2 inotify
 * on memory.events. fd is pollable; read tells how many OOM kills happened
 * since the last read. */
struct rt_oom_watch
{
  int fd;      /* -1: no memory controller, nothing to watch */
  int ctl_fd;  /* v1: memory.oom_control, held while registered */
  bool v2;
  char *dir;   /* the memory cgroup directory */
  char *events; /* v2: memory.events */
  unsigned long long seen; /* v2: oom_kill count already reported */
};
int rt_oom_watch_open (char *const *dirs, size_t len, struct rt_oom_watch *w, struct rt_error *err);
/* The number of new OOM events (0 for none), or -1 once the cgroup is gone. */
int rt_oom_watch_read (struct rt_oom_watch *w);
void rt_oom_watch_close (struct rt_oom_watch *w);

/* Write "value" to dir/file, naming both in the error. */
int rt_cgroup_write (const char *dir, const char *file, const char *value, struct rt_error *err);
/* hugepageLimits into hugetlb.<size>.<suffix> (v1 limit_in_bytes, v2 max) */
int rt_cgroup_write_hugetlb (const char *dir, const oci_resources *r, const char *suffix, struct rt_error *err);
/* linux.resources.pids into pids.max (v1 and v2 alike) */
int rt_cgroup_write_pids (const char *dir, const oci_pids *p, struct rt_error *err);
int rt_cgroup_writef (const char *dir, const char *file, struct rt_error *err, const char *fmt, ...)
    RT_PRINTF (4, 5);

#endif
