/* The config's mounts, each onto a target resolved inside the rootfs. */
#ifndef RT_MOUNTS_H
#define RT_MOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "ocispec.h"
#include "util/error.h"

struct rt_mount_opts
{
  unsigned long flags;       /* mount(2) flags */
  unsigned long propagation; /* MS_SHARED etc, 0 for none */
  uint64_t attr_set;         /* mount_setattr, recursive */
  uint64_t attr_clr;
  char *data;                /* unknown options, comma-joined: filesystem data */
  bool bind;
  bool tmpcopyup;
  bool idmap;
};

int rt_mount_opts_parse (char **options, size_t n, struct rt_mount_opts *o, struct rt_error *err);
void rt_mount_opts_free (struct rt_mount_opts *o);

struct rt_mount_ctx
{
  int rootfd;              /* O_PATH of the rootfs (before pivot_root) */
  const char *bundle;      /* relative bind sources are relative to it */
  bool new_cgroupns;
  bool new_userns;
  char *const *cgroup_dirs; /* the container's cgroups, for cgroup mounts without a cgroupns */
  size_t cgroup_dirs_len;
};

int rt_mount_entry (const struct rt_mount_ctx *c, const oci_mount *m, size_t index, struct rt_error *err);

/* Mount onto an fd: through its /proc/self/fd path, so nothing in the
 * rootfs can redirect the target between resolution and mount. */
int rt_mount_fd (const char *source, int targetfd, const char *type, unsigned long flags, const char *data);
char *rt_fd_path (int fd);

#endif
