/* Inside the cgroups layer: the backends behind the manager, and the
 * helpers they share. Nothing outside src/cgroups includes this. */
#ifndef RT_CGROUP_BACKEND_H
#define RT_CGROUP_BACKEND_H

#include "cgroups/cgroup.h"
#include "cgroups/devices.h"

struct rt_cgroup_backend
{
  const char *name;
  int (*create) (struct rt_cgroup_manager *m, const struct rt_cgroup_request *req, rt_cgroup_planned_fn planned,
                 void *data, struct rt_cgroup *cg, struct rt_error *err);
  int (*attach) (struct rt_cgroup_manager *m, const struct rt_cgroup *cg, pid_t pid, bool born_inside,
                 struct rt_error *err);
  int (*update) (struct rt_cgroup_manager *m, const struct rt_cgroup *cg, const oci_resources *res,
                 struct rt_error *err);
  int (*destroy) (struct rt_cgroup_manager *m, const struct rt_cgroup *cg, struct rt_error *err);
  void (*close) (struct rt_cgroup_manager *m); /* may be NULL */
};

struct rt_cgroup_manager
{
  enum rt_cgroup_driver kind;
  bool rootless;
  const struct rt_cgroup_backend *backend;
  struct rt_cgroup_layout layout;
  bool have_layout;
  void *priv; /* the backend's own */
};

extern const struct rt_cgroup_backend rt_cgroup_backend_fs;      /* fs.c: cgroupfs, v1, hybrid and v2 */
extern const struct rt_cgroup_backend rt_cgroup_backend_none;    /* manager.c: no cgroups */
extern const struct rt_cgroup_backend rt_cgroup_backend_systemd; /* systemd.c: transient units */

/* ---- fs.c: what the systemd backend shares with cgroupfs ---- */

/* mkdir -p, then what a new directory needs (v1 cpuset's cpus and mems
 * from the parent, v2 controllers enabled down to it). */
int rt_cgroup_fs_make_dir (const struct rt_cgroup_hier *h, const char *dir, struct rt_error *err);
/* res written into dir, of hierarchy h. */
int rt_cgroup_fs_apply (const struct rt_cgroup_layout *l, const struct rt_cgroup_hier *h, const char *dir,
                        const oci_resources *res, struct rt_error *err);
/* The resources with the device rules rt applies: the default set after
 * linux.resources.devices (all of them when `always`, as at create; at
 * update only when rules are given); none at all for a rootless manager (a
 * user may not set them: v1 needs CAP_SYS_ADMIN, v2 a BPF program; its
 * user namespace keeps mknod from the container instead). Free rules
 * after use of out. */
int rt_cgroup_with_device_rules (const struct rt_cgroup_manager *m, const oci_resources *res, bool always,
                                 oci_resources *out, struct rt_device_rules *rules, struct rt_error *err);
/* Fails when a directory, or the ancestor it would be made in, is frozen. */
int rt_cgroup_refuse_frozen (const struct rt_cgroup_layout *l, char *const *dirs, size_t n, struct rt_error *err);

/* ---- files.c: reading and writing cgroup files ---- */

bool rt_cgroup_dir_is_v2 (const char *dir);
bool rt_cgroup_has_file (const char *dir, const char *file);
/* The controllers of a cgroup2 directory, space-separated (its
 * cgroup.controllers, "" if unreadable); NULL only without memory. */
char *rt_cgroup_read_controllers (const char *dir);
/* Does dir/file start with want? */
bool rt_cgroup_read_is (const char *dir, const char *file, const char *want);
/* The pids of dir's cgroup.procs, appended to *pids. */
int rt_cgroup_read_pids (const char *dir, pid_t **pids, size_t *n, struct rt_error *err);
/* Write "value" to dir/file, naming both in the error. */
int rt_cgroup_write (const char *dir, const char *file, const char *value, struct rt_error *err);
int rt_cgroup_writef (const char *dir, const char *file, struct rt_error *err, const char *fmt, ...) RT_PRINTF (4, 5);
/* hugepageLimits into hugetlb.<size>.<suffix> (v1 limit_in_bytes, v2 max) */
int rt_cgroup_write_hugetlb (const char *dir, const oci_resources *r, const char *suffix, struct rt_error *err);
/* linux.resources.pids into pids.max (v1 and v2 alike) */
int rt_cgroup_write_pids (const char *dir, const oci_pids *p, struct rt_error *err);
/* linux.resources.rdma into rdma.max (v1 and v2 alike) */
int rt_cgroup_write_rdma (const char *dir, const oci_resources *r, struct rt_error *err);
void rt_cgroup_sleep_ms (long ms);
/* In an applier with `dir` and `err` in scope: write, or return -1. */
#define RT_CG_W(file, fmt, ...)                                                                                        \
  do                                                                                                                   \
    {                                                                                                                  \
      if (rt_cgroup_writef (dir, file, err, fmt, __VA_ARGS__) < 0)                                                     \
        return -1;                                                                                                     \
    }                                                                                                                  \
  while (0)

/* ---- procs.c ---- */

/* Move pid into each cgroup2 directory (the v1 ones it joins itself). */
int rt_cgroup_enter_v2 (char *const *dirs, size_t len, pid_t pid, struct rt_error *err);

/* ---- tree.c: a cgroup and the ones below it ---- */

struct rt_cgroup_subtree
{
  char **dirs; /* deepest first: each directory comes before its parent */
  size_t len;
};
/* dir and the cgroups below it; a directory gone meanwhile is not listed. */
int rt_cgroup_subtree_read (const char *dir, struct rt_cgroup_subtree *t);
void rt_cgroup_subtree_free (struct rt_cgroup_subtree *t);
/* Kill and remove the directories and what is below them (shared: only
 * remove what is empty); then their default parent if it is empty. */
int rt_cgroup_remove_dirs (char *const *dirs, size_t len, bool shared, struct rt_error *err);
/* The name of the default parent of a container's cgroup: "rt" for the
 * default state root, "rt-<8 hex digits>" naming any other. */
char *rt_cgroup_default_parent (const char *root);

/* ---- v1.c, v2.c: resources in one directory of their kind ---- */

/* v2: `controllers` are those of the directory itself (its
 * cgroup.controllers); `devices` says that the cgroup2 tree filters devices
 * (no v1 devices hierarchy), with an eBPF program. */
int rt_cgroup_v1_apply (const char *dir, const char *controllers, const oci_resources *res, struct rt_error *err);
int rt_cgroup_v2_apply (const char *dir, const char *controllers, const oci_resources *res, bool devices,
                        struct rt_error *err);
int rt_cgroup_v2_enable_controllers (const char *mount, const char *path, struct rt_error *err);

/* ---- checks.c ---- */

/* Fails, naming the controller, when res asks for something that no
 * hierarchy of the layout serves, or for a v1 setting (swappiness,
 * disableOOMKiller, realtime cpu, blkio leaf weight) of a controller that
 * cgroup v2 serves. */
int rt_cgroup_check_layout (const struct rt_cgroup_layout *l, const oci_resources *res, struct rt_error *err);
/* Rootless: the hierarchies without a directory in dirs were not writable;
 * fails for a resource that needs one of them (runc's words). */
int rt_cgroup_check_served (const struct rt_cgroup_layout *l, char *const *dirs, size_t n, const oci_resources *res,
                            struct rt_error *err);
/* Fails when res needs a controller of the cgroup2 tree that is not
 * enabled for dir (absent from its cgroup.controllers). */
int rt_cgroup_check_v2_dir (const struct rt_cgroup_layout *l, const char *dir, const char *controllers,
                            const oci_resources *res, struct rt_error *err);

#endif
