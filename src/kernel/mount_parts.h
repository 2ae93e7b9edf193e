/* The parts of the mount code, one job per file, and what they share.
 * Only those files include this; the rest of rt has kernel/mounts.h. */
#ifndef RT_MOUNT_PARTS_H
#define RT_MOUNT_PARTS_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/mount_opts.h"
#include "kernel/mounts.h"
#include "ocispec.h"
#include "util/error.h"

/* ---- mounts.c ---- */

bool rt_mount_type_is (const oci_mount *m, const char *type);
/* A bind mount: by its options or its type. */
bool rt_mount_is_bind (const oci_mount *m, const struct rt_mount_opts *o);
/* What an fd opened before a mount sees is the covered directory: reach
 * the new mount by resolving the destination again. */
int rt_mount_reopen (const struct rt_mount_ctx *c, const oci_mount *m, int flags, struct rt_error *err);

/* ---- mount_bind.c ---- */

/* A bind source: a relative one is the bundle's, not rt's cwd's. */
char *rt_mount_bind_source (const char *bundle, const char *source);
int rt_mount_bind (const struct rt_mount_ctx *c, const oci_mount *m, const struct rt_mount_opts *o, int target,
                   struct rt_error *err);
bool rt_mount_is_symlink (const char *path);
int rt_mount_copy_symlink (const struct rt_mount_ctx *c, const oci_mount *m, const char *src, struct rt_error *err);

/* ---- mount_cgroup.c ---- */

int rt_mount_cgroup (const struct rt_mount_ctx *c, const oci_mount *m, const struct rt_mount_opts *o, int target,
                     struct rt_error *err);

/* ---- mount_idmap.c: the trees rt_mounts_prepare made ---- */

bool rt_mount_wants_idmap (const oci_mount *m, const struct rt_mount_opts *o);
/* The prepared tree of mount `index`, -1 for none. */
int rt_mount_prepared_fd (size_t index);
/* Is the target a directory? The prepared tree tells, else the source. */
bool rt_mount_tree_is_dir (size_t index, const char *src);
int rt_mount_attach_prepared (const oci_mount *m, size_t index, int target, struct rt_error *err);

/* ---- tmpcopyup.c ---- */

/* Copy the tree below the directory fd `from` into `to`. */
int rt_tmpcopyup (int from, int to, struct rt_error *err);

#endif
