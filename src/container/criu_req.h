/* What checkpoint and restore both tell CRIU about a container: its
 * directories, runc's options, and the mounts CRIU cannot dump itself. */
#ifndef RT_CRIU_REQ_H
#define RT_CRIU_REQ_H

#include <stdbool.h>

#include "container/container.h"
#include "kernel/criu_rpc.h"

#define RT_CRIU_DESCRIPTORS "descriptors.json"
#define RT_CRIU_EXT_NETNS "extRootNetNS"
#define RT_CRIU_EXT_PIDNS "extRootPidNS"

/* How CRIU takes a namespace that the config names by path: as an
 * external one (ext_key: network and pid, left out of the images and
 * handed back at the restore), or joined at the restore (ipc, uts, time). */
struct rt_criu_ns
{
  const char *type;    /* the config's name */
  const char *criu;    /* CRIU's */
  const char *ext_key; /* NULL: joined */
};
/* NULL for the namespaces CRIU makes itself (mount, user, cgroup). */
const struct rt_criu_ns *rt_criu_ns_of (const char *type);

/* The mounts that come from outside the container (bind mounts, masked
 * files bound from /dev/null, devices bound from the host's /dev in a user
 * namespace) as CRIU's external mounts: keyed by their destination; at a
 * dump the value is the key, at a restore what to bind there now. Which
 * masked paths are files (not directories, which get a tmpfs that CRIU
 * dumps itself) is_file says; NULL: all of them, as at a restore, where a
 * key that the images do not mark external is not looked up. Pure. */
int rt_criu_plan_mounts (const oci_config *cfg, bool restore, bool bind_devices,
                         bool (*is_file) (const char *path, void *data), void *data, struct rt_criu_kvs *ext);

/* The directories and fds of a request. */
struct rt_criu_dirs
{
  int image_fd;
  int work_fd;
  char *log_path;   /* the log, for errors */
  char *ps_address; /* --page-server's address */
};

/* Open (a dump: make) the image and work directories, and fill in the
 * request what runc's options say. The fds are inherited by criu. */
int rt_criu_req_prepare (struct rt_criu_req *r, const struct rt_criu_opts *co, bool make_dirs, const char *log_file,
                         struct rt_criu_dirs *d, struct rt_error *err);
void rt_criu_dirs_close (struct rt_criu_dirs *d);

#endif
