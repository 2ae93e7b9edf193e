/* restore: create's steps (state directory, cgroup), but CRIU brings the
 * process tree back from the images instead of a clone, and the tree
 * becomes rt's child (rst_sibling) so that a foreground restore stands in
 * for it as `run` does. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "cgroups/cgroup.h"
#include "container/container.h"
#include "container/criu_req.h"
#include "container/restore.h"
#include "container/state.h"
#include "kernel/criu.h"
#include "kernel/mount_opts.h"
#include "kernel/process.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/unixsock.h"

#define CRIU_ROOT "criu-root"

/* The checkpointed stdio (pipes, terminals, files from outside) become
 * rt's own stdio. */
static int
inherit_stdio (struct rt_criu_req *r, int image_fd, struct rt_error *err)
{
  cleanup_free char *data = NULL;
  yajl_val doc;
  size_t i;

  if (rt_read_file_at (image_fd, RT_CRIU_DESCRIPTORS, &data, NULL, NULL) < 0)
    return 0; /* a checkpoint by another runtime may lack it */
  doc = yajl_tree_parse (data, NULL, 0);
  for (i = 0; doc && YAJL_IS_ARRAY (doc) && i < YAJL_GET_ARRAY (doc)->len && i < 3; i++)
    {
      yajl_val v = YAJL_GET_ARRAY (doc)->values[i];
      const char *s = YAJL_IS_STRING (v) ? YAJL_GET_STRING (v) : NULL;
      if (s && *s && rt_criu_req_add_inherit_fd (r, s, (int) i) < 0)
        {
          yajl_tree_free (doc);
          return rt_error_set (err, ENOMEM, "criu");
        }
    }
  yajl_tree_free (doc);
  return 0;
}

/* Namespaces the new config names by path: the restored tree joins them
 * (network and pid as CRIU's external ones, the others with join_ns). The
 * fds stay open (inherited by criu) until *fds is closed. */
static int
join_namespaces (struct rt_criu_req *r, const oci_config *cfg, int *fds, struct rt_error *err)
{
  size_t i, n = 0;

  for (i = 0; cfg->linux && i < cfg->linux->namespaces_len; i++)
    {
      const oci_namespace *ns = cfg->linux->namespaces[i];
      const struct rt_criu_ns *c = rt_criu_ns_of (ns->type);

      if (ns->path == NULL || c == NULL)
        continue;
      if (c->ext_key == NULL)
        {
          if (rt_criu_kvs_add (&r->join_ns, c->criu, ns->path) < 0)
            return rt_error_set (err, ENOMEM, "criu");
          continue;
        }
      fds[n] = open (ns->path, O_RDONLY); /* inherited by criu */
      if (fds[n] < 0)
        return rt_error_set (err, errno, ".linux.namespaces[%zu].path `%s`", i, ns->path);
      if (rt_criu_req_add_inherit_fd (r, c->ext_key, fds[n++]) < 0)
        return rt_error_set (err, ENOMEM, "criu");
    }
  return 0;
}

/* The new cgroup takes the place of the checkpointed one: its path below
 * each hierarchy's root (one for all when they agree, as they do unless
 * cgroupsPath is relative to rt's own cgroups). */
static int
cgroup_roots (struct rt_criu_req *r, const struct rt_revive *a, struct rt_error *err)
{
  const char *first = NULL;
  bool same = true;
  size_t i;

  for (i = 0; a->layout && i < a->cg->len; i++)
    {
      const struct rt_cgroup_hier *h = rt_cgroup_hier_of (a->layout, a->cg->dirs[i]);
      const char *rel = h ? a->cg->dirs[i] + strlen (h->mount) : NULL;
      if (rel == NULL)
        continue;
      if (first == NULL)
        first = rel;
      same &= strcmp (first, rel) == 0;
    }
  for (i = 0; first && a->layout && i < a->cg->len; i++)
    {
      const struct rt_cgroup_hier *h = rt_cgroup_hier_of (a->layout, a->cg->dirs[i]);
      const char *rel = h ? a->cg->dirs[i] + strlen (h->mount) : NULL;
      if (rel == NULL)
        continue;
      if (rt_criu_kvs_add (&r->cg_root, same || h->v2 ? NULL : h->controllers, *rel ? rel : "/") < 0)
        return rt_error_set (err, ENOMEM, "criu");
      if (same)
        break;
    }
  return 0;
}

/* CRIU's "orphan-pts-master": the terminal's master, for the console socket. */
static int
on_notify (void *data, const char *script, pid_t pid, int fd, struct rt_error *err)
{
  const struct rt_revive *a = data;

  (void) pid;
  if (strcmp (script, "orphan-pts-master") != 0 || fd < 0 || a->console_fd < 0)
    return 0;
  /* with a name, as create sends it (a stream socket carries an fd with data only) */
  return rt_send_fd (a->console_fd, fd, "/dev/ptmx", strlen ("/dev/ptmx"), err);
}

/* CRIU wants the root a mount point (it pivots into it): the rootfs bound
 * inside the state directory for the time of the restore. */
static int
bind_root (const struct rt_revive *a, char **root, struct rt_error *err)
{
  if (asprintf (root, "%s/" CRIU_ROOT, a->state_dir) < 0)
    return rt_error_set (err, ENOMEM, "criu");
  if (mkdirat (a->dirfd, CRIU_ROOT, 0755) < 0 && errno != EEXIST)
    return rt_error_set (err, errno, "mkdir `%s`", *root);
  if (mount (a->rootfs, *root, NULL, MS_BIND | MS_REC, NULL) < 0)
    {
      int e = errno;
      unlinkat (a->dirfd, CRIU_ROOT, AT_REMOVEDIR);
      return rt_error_set (err, e, "bind the rootfs on `%s`", *root);
    }
  return 0;
}

static void
unbind_root (const struct rt_revive *a, const char *root)
{
  if (umount2 (root, MNT_DETACH) < 0)
    rt_log_warning ("umount `%s`: %s", root, strerror (errno));
  unlinkat (a->dirfd, CRIU_ROOT, AT_REMOVEDIR);
}

static bool
under_tmpfs (const oci_config *cfg, const char *dest)
{
  size_t i, n;

  for (i = 0; i < cfg->mounts_len; i++)
    {
      const oci_mount *m = cfg->mounts[i];
      n = strlen (m->destination);
      if (m->type && strcmp (m->type, "tmpfs") == 0 && strncmp (dest, m->destination, n) == 0 && dest[n] == '/')
        return true;
    }
  return false;
}

/* CRIU mounts on what is there: the mount points of a new rootfs (an
 * engine's fresh one, after an import) are made first, as create would.
 * Not those on a tmpfs, which CRIU fills itself, nor cgroup mounts. */
static int
make_mount_points (const oci_config *cfg, const char *root, struct rt_error *err)
{
  cleanup_close int rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  size_t i;

  if (rootfd < 0)
    return rt_error_set (err, errno, "open `%s`", root);
  for (i = 0; i < cfg->mounts_len; i++)
    {
      const oci_mount *m = cfg->mounts[i];
      struct stat st;
      bool is_dir = true;

      if ((m->type && (strcmp (m->type, "cgroup") == 0 || strcmp (m->type, "cgroup2") == 0))
          || under_tmpfs (cfg, m->destination))
        continue;
      if (rt_mount_wants_bind (m) && m->source && stat (m->source, &st) == 0)
        is_dir = S_ISDIR (st.st_mode);
      int fd = rt_mkpath_in_root (rootfd, m->destination, is_dir, err);
      if (fd < 0)
        return rt_error_prefix (err, ".mounts[%zu].destination", i);
      close (fd);
    }
  return 0;
}

static int
ask_criu (struct rt_criu_req *r, const struct rt_revive *a, pid_t *pid, struct rt_error *err)
{
  struct rt_criu_dirs d = { .image_fd = -1, .work_fd = -1 };
  struct rt_criu_resp resp;
  int ns_fds[2] = { -1, -1 }, ret = -1;
  size_t i;

  if (rt_criu_req_prepare (r, a->co, false, "restore.log", &d, err) < 0 || inherit_stdio (r, d.image_fd, err) < 0
      || join_namespaces (r, a->cfg, ns_fds, err) < 0 || cgroup_roots (r, a, err) < 0)
    goto out;
  if (rt_criu_plan_mounts (a->cfg, true, a->userns, NULL, NULL, &r->ext_mnt) < 0)
    {
      rt_error_set (err, ENOMEM, "criu");
      goto out;
    }
  r->rst_sibling = true;
  r->notify_scripts = a->console_fd >= 0;
  ret = rt_criu_call (r, on_notify, (void *) a, d.work_fd >= 0 ? d.work_fd : d.image_fd, d.log_path, &resp, err);
  if (ret == 0)
    {
      *pid = resp.restore_pid;
      rt_criu_resp_free (&resp);
      if (*pid <= 0)
        ret = rt_error_set (err, 0, "criu: no pid in its answer");
    }
out:
  for (i = 0; i < 2; i++)
    if (ns_fds[i] >= 0)
      close (ns_fds[i]);
  rt_criu_dirs_close (&d);
  return ret;
}

int
rt_criu_revive (const struct rt_revive *a, pid_t *pid, struct rt_error *err)
{
  cleanup_free char *root = NULL;
  struct rt_criu_req r;
  int ret;

  if (geteuid () != 0)
    return rt_error_set (err, 0, "CRIU needs root (rootless restore is not supported)");
  if (bind_root (a, &root, err) < 0)
    return -1;
  if (make_mount_points (a->cfg, root, err) < 0)
    {
      unbind_root (a, root);
      return -1;
    }
  rt_criu_req_init (&r, RT_CRIU_RESTORE);
  r.root = root;
  ret = ask_criu (&r, a, pid, err);
  rt_criu_req_free (&r);
  unbind_root (a, root);
  return ret;
}

static bool
stopped_by_checkpoint (struct rt_context *ctx, const char *id)
{
  cleanup_close int dirfd = rt_state_dir_open (ctx->root, id, false, NULL);
  struct rt_state s;
  bool yes;

  if (dirfd < 0 || rt_state_read (dirfd, &s, NULL) < 0)
    return false;
  yes = s.checkpointed && strcmp (rt_state_status (dirfd, &s), "stopped") == 0;
  rt_state_free (&s);
  return yes;
}

/* A container stopped by a checkpoint gives its id to the restore (as
 * runc, which deletes it at the checkpoint). */
static int
take_checkpointed_id (struct rt_context *ctx, const char *id, struct rt_error *err)
{
  return stopped_by_checkpoint (ctx, id) ? rt_container_delete (ctx, id, true, NULL, err) : 0;
}

int
rt_container_restore (struct rt_context *ctx, struct rt_create_opts *o, const struct rt_run_mode *mode,
                      struct rt_error *err)
{
  struct rt_created out = { 0 };

  if (rt_state_check_id (o->id, err) < 0 || take_checkpointed_id (ctx, o->id, err) < 0)
    return -1;
  if (!mode->detach && !mode->no_subreaper && rt_become_subreaper (err) < 0)
    return -1;
  if (rt_container_create (ctx, o, &out, err) < 0)
    return -1;
  return rt_container_stand_in (ctx, o->id, &out, -1, mode, err);
}
