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
void rt_cgroup_layout_free (struct rt_cgroup_layout *l);

/* The hierarchy that serves a controller ("memory", "pids", "hugetlb"...):
 * a v1 hierarchy naming it first, else the cgroup2 mount if it has it. */
const struct rt_cgroup_hier *rt_cgroup_hier_for (const struct rt_cgroup_layout *l, const char *controller);

struct rt_cgroup
{
  char **dirs; /* NULL-terminated */
  size_t len;
  int clone_fd; /* the cgroup2 directory, for clone3 CLONE_INTO_CGROUP; -1 if none */
};

/* cgroupsPath: absolute as given, relative below the caller's cgroup, and
 * /rt/<id> when absent. Creates the directories and applies resources. */
int rt_cgroup_create (const char *cgroups_path, const char *id, const oci_resources *res, struct rt_cgroup *cg,
                      struct rt_error *err);
void rt_cgroup_release (struct rt_cgroup *cg);

/* Move pid into each directory (skip_v2: clone3 already placed it there). */
int rt_cgroup_enter (char *const *dirs, size_t len, pid_t pid, bool skip_v2, struct rt_error *err);

/* Kill what is left inside and remove the directories. */
int rt_cgroup_destroy (char *const *dirs, size_t len, struct rt_error *err);

int rt_cgroup_apply (char *const *dirs, size_t len, const oci_resources *res, struct rt_error *err);
bool rt_cgroup_is_frozen (const char *const *dirs, size_t len);
int rt_cgroup_freeze (char *const *dirs, size_t len, bool freeze, struct rt_error *err);
int rt_cgroup_pids (char *const *dirs, size_t len, pid_t **pids, size_t *npids, struct rt_error *err);
int rt_cgroup_signal_all (char *const *dirs, size_t len, int sig, struct rt_error *err);

/* Is this directory on a cgroup2 filesystem? */
bool rt_cgroup_dir_is_v2 (const char *dir);

/* Backends: apply the resources that live in one directory of their kind. */
int rt_cgroup_v1_apply (const char *dir, const char *controllers, const oci_resources *res, struct rt_error *err);
int rt_cgroup_v2_apply (const char *dir, const char *controllers, const oci_resources *res, struct rt_error *err);
int rt_cgroup_v2_enable_controllers (const char *mount, const char *path, struct rt_error *err);

/* Write "value" to dir/file, naming both in the error. */
int rt_cgroup_write (const char *dir, const char *file, const char *value, struct rt_error *err);
int rt_cgroup_writef (const char *dir, const char *file, struct rt_error *err, const char *fmt, ...)
    RT_PRINTF (4, 5);

#endif
