/* checkpoint: CRIU dumps the container's process tree into the image
 * directory. Everything CRIU cannot see from inside (bind mounts from the
 * host, namespaces given by path, the stdio the container inherited) is
 * named to it, so that a restore can put the same in place. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "cgroups/cgroup.h"
#include "container/container.h"
#include "container/criu_req.h"
#include "container/state.h"
#include "container/status.h"
#include "kernel/criu.h"
#include "kernel/namespaces.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"

static void
free_config (oci_config **c)
{
  oci_config_free (*c);
}

/* Namespaces given by path are the caller's (a pod's network): CRIU leaves
 * them out, and a restore joins whatever the new config names. */
static int
external_namespaces (struct rt_criu_req *r, const oci_config *cfg, struct rt_error *err)
{
  size_t i;

  for (i = 0; cfg->linux && i < cfg->linux->namespaces_len; i++)
    {
      const oci_namespace *ns = cfg->linux->namespaces[i];
      const struct rt_criu_ns *c = rt_criu_ns_of (ns->type);
      cleanup_free char *spec = NULL;
      struct stat st;

      if (ns->path == NULL || c == NULL || c->ext_key == NULL)
        continue;
      if (stat (ns->path, &st) < 0)
        return rt_error_set (err, errno, ".linux.namespaces[%zu].path `%s`", i, ns->path);
      if (asprintf (&spec, "%s[%llu]:%s", c->criu, (unsigned long long) st.st_ino, c->ext_key) < 0
          || rt_criu_req_add_external (r, spec) < 0)
        return rt_error_set (err, ENOMEM, "criu");
    }
  return 0;
}

/* The mount an fd of pid's is on (its fdinfo's mnt_id), or -1. */
static int
fd_mnt_id (pid_t pid, int fd)
{
  cleanup_free char *path = NULL, *info = NULL;
  const char *m;
  int id;

  if (asprintf (&path, "/proc/%d/fdinfo/%d", pid, fd) < 0 || rt_read_file (path, &info, NULL, NULL) < 0
      || (m = strstr (info, "mnt_id:")) == NULL || sscanf (m + 7, "%d", &id) != 1)
    return -1;
  return id;
}

/* Is mount mnt_id in pid's mount namespace (a line of its mountinfo)? */
static bool
mount_inside (pid_t pid, int mnt_id)
{
  cleanup_free char *path = NULL, *info = NULL;
  const char *line;

  if (asprintf (&path, "/proc/%d/mountinfo", pid) < 0 || rt_read_file (path, &info, NULL, NULL) < 0)
    return false;
  for (line = info; line != NULL && *line; line = strchr (line, '\n'), line = line ? line + 1 : NULL)
    if (atoi (line) == mnt_id)
      return true;
  return false;
}

/* CRIU's key of a stdio fd that comes from outside the container: a pipe
 * as it names it ("pipe:[1234]"), a terminal or a file on a mount the
 * container does not have (/dev/null, a log) as an external one that a
 * restore hands its own fd for; NULL for none (the container's own
 * terminal or files, a socket: CRIU restores those itself, or its flags
 * decide). */
static char *
stdio_key (pid_t pid, int fd, struct rt_criu_req *r)
{
  cleanup_free char *link = NULL, *target = NULL;
  char *key = NULL;
  struct stat st;
  int mnt_id;

  if (asprintf (&link, "/proc/%d/fd/%d", pid, fd) < 0 || (target = rt_readlinkat (AT_FDCWD, link)) == NULL)
    return NULL;
  if (strncmp (target, "pipe:", 5) == 0)
    return rt_steal_ptr (&target);
  if (target[0] != '/' || stat (link, &st) < 0 || (mnt_id = fd_mnt_id (pid, fd)) < 0 || mount_inside (pid, mnt_id))
    return NULL;
  if (S_ISCHR (st.st_mode) && (strncmp (target, "/dev/pts/", 9) == 0 || strncmp (target, "/dev/tty", 8) == 0))
    {
      if (asprintf (&key, "tty[%llx:%llx]", (unsigned long long) st.st_rdev, (unsigned long long) st.st_dev) < 0)
        return NULL;
    }
  else if (asprintf (&key, "file[%x:%llx]", (unsigned) mnt_id, (unsigned long long) st.st_ino) < 0)
    return NULL;
  if (rt_criu_req_add_external (r, key) < 0)
    {
      free (key);
      return NULL;
    }
  return key;
}

/* What the process's stdio are, as CRIU's keys: a restore hands its own
 * stdio to CRIU in their place (runc's file, with files and terminals
 * besides pipes: a container started with </dev/null checkpoints too). */
static int
save_descriptors (int image_fd, pid_t pid, struct rt_criu_req *r, struct rt_error *err)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  const unsigned char *buf;
  size_t len;
  int fd, ret;

  if (g == NULL)
    return rt_error_set (err, ENOMEM, RT_CRIU_DESCRIPTORS);
  yajl_gen_array_open (g);
  for (fd = 0; fd < 3; fd++)
    {
      cleanup_free char *key = stdio_key (pid, fd, r);
      yajl_gen_string (g, (const unsigned char *) (key ? key : ""), key ? strlen (key) : 0);
    }
  yajl_gen_array_close (g);
  yajl_gen_get_buf (g, &buf, &len);
  ret = rt_write_file_atomic_at (image_fd, RT_CRIU_DESCRIPTORS, (const char *) buf, len, 0600, err);
  yajl_gen_free (g);
  return ret;
}

/* as the container sees it */
static bool
masked_file (const char *path, void *data)
{
  const struct rt_state *s = data;
  cleanup_free char *p = NULL;
  struct stat st;

  return asprintf (&p, "/proc/%d/root%s", s->pid, path) >= 0 && stat (p, &st) == 0 && !S_ISDIR (st.st_mode);
}

static int
dump (const struct rt_state *s, const oci_config *cfg, const struct rt_criu_opts *co, struct rt_error *err)
{
  struct rt_cgroup cg = rt_state_cgroup (s);
  struct rt_criu_dirs d = { .image_fd = -1, .work_fd = -1 };
  struct rt_criu_req r;
  struct rt_criu_resp resp;
  bool userns = false;
  size_t i;
  int ret = -1;

  rt_criu_req_init (&r, co->pre_dump ? RT_CRIU_PRE_DUMP : RT_CRIU_DUMP);
  for (i = 0; cfg->linux && i < cfg->linux->namespaces_len; i++)
    userns |= strcmp (cfg->linux->namespaces[i]->type, "user") == 0;
  if (rt_criu_req_prepare (&r, co, true, co->pre_dump ? "pre-dump.log" : "dump.log", &d, err) < 0)
    goto out;
  r.pid = s->pid;
  r.root = s->rootfs;
  r.freeze_cgroup = rt_cgroup_freezer_dir (&cg);
  /* a pre-dump tracks memory; the dump after it names its parent */
  r.track_mem = co->pre_dump || co->parent_path;
  r.parent_img = co->parent_path;
  if (rt_criu_plan_mounts (cfg, false, userns, masked_file, (void *) s, &r.ext_mnt) < 0)
    {
      rt_error_set (err, ENOMEM, "criu");
      goto out;
    }
  if (external_namespaces (&r, cfg, err) < 0 || save_descriptors (d.image_fd, s->pid, &r, err) < 0)
    goto out;
  rt_log_debug ("checkpoint `%s`: criu %s of pid %d", s->id, co->pre_dump ? "pre-dump" : "dump", s->pid);
  ret = rt_criu_call (&r, NULL, NULL, d.work_fd >= 0 ? d.work_fd : d.image_fd, d.log_path, &resp, err);
  if (ret == 0)
    rt_criu_resp_free (&resp);
out:
  rt_criu_req_free (&r);
  rt_criu_dirs_close (&d);
  return ret;
}

int
rt_container_checkpoint (struct rt_context *ctx, const char *id, const struct rt_criu_opts *co, struct rt_error *err)
{
  cleanup_close int dirfd = rt_state_dir_open (ctx->root, id, true, err);
  __attribute__ ((cleanup (free_config))) oci_config *cfg = NULL;
  struct rt_state s;
  int ret = -1;

  if (dirfd < 0 || rt_state_read (dirfd, &s, err) < 0)
    return -1;
  if (rt_status_check (RT_OP_CHECKPOINT, id, rt_state_status (dirfd, &s), err) < 0)
    goto out;
  if (geteuid () != 0)
    {
      rt_error_set (err, 0, "checkpoint `%s`: CRIU needs root (rootless checkpoint is not supported)", id);
      goto out;
    }
  if ((cfg = rt_state_config (dirfd)) == NULL)
    {
      rt_error_set (err, 0, "checkpoint `%s`: its stored config.json is unreadable", id);
      goto out;
    }
  if (dump (&s, cfg, co, err) < 0)
    {
      rt_error_prefix (err, "checkpoint `%s`", id);
      goto out;
    }
  ret = 0;
  /* CRIU has killed the processes: the container has stopped, and a
   * restore may take over its id */
  if (!co->leave_running && !co->pre_dump)
    {
      s.checkpointed = true;
      ret = rt_state_write (dirfd, &s, err);
    }
out:
  rt_state_free (&s);
  return ret;
}
