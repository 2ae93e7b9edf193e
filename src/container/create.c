/* create: the parent side. The state directory comes first (so that
 * `delete --force` can undo whatever follows, even if rt dies), then the
 * cgroup, one clone3 into the namespaces and the cgroup, and the steps the
 * child reports over the sync socket. Any failure undoes everything. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "container/container.h"
#include "container/hooks.h"
#include "container/restore.h"
#include "container/state.h"
#include "container/sync.h"
#include "kernel/caps.h"
#include "kernel/clone.h"
#include "kernel/idmap.h"
#include "kernel/mounts.h"
#include "kernel/namespaces.h"
#include "kernel/netdev.h"
#include "kernel/pidfd.h"
#include "kernel/rdt.h"
#include "kernel/process.h"
#include "kernel/terminal.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/unixsock.h"
#include "util/log.h"

/* What a create holds until it has succeeded or been undone. */
struct creation
{
  const struct rt_context *ctx;
  const struct rt_create_opts *o;
  oci_config *cfg;
  char *config_raw;
  size_t config_len;
  char *bundle;
  char *rootfs;
  int dirfd;
  bool dir_made;
  bool config_copied;
  struct rt_cgroup_manager *cgm;
  struct rt_cgroup cg;
  struct rt_cgroup_join join;
  struct rt_namespaces ns;
  struct rt_seccomp seccomp;
  struct rt_state state;
  int sync[2];
  int fifo_fd;
  int console_fd;
  pid_t pid;
  bool rdt_applied; /* intelRdt: the resctrl group(s) to remove on undo */
};

static int
load_config (struct creation *c, struct rt_error *err)
{
  cleanup_free char *path = NULL;
  char *perr = NULL;
  struct stat st;

  c->bundle = rt_abspath (c->o->bundle ? c->o->bundle : ".");
  if (c->bundle == NULL || asprintf (&path, "%s/config.json", c->bundle) < 0)
    return rt_error_set (err, ENOMEM, "bundle");
  if (c->o->loaded && c->o->loaded->raw)
    {
      /* read by the caller; parsed too, unless it failed to parse */
      c->config_raw = rt_steal_ptr (&c->o->loaded->raw);
      c->config_len = c->o->loaded->len;
      c->cfg = rt_steal_ptr (&c->o->loaded->cfg);
    }
  else if (rt_read_file (path, &c->config_raw, &c->config_len, err) < 0)
    return rt_error_prefix (err, "bundle `%s`", c->bundle);
  if (c->cfg == NULL)
    c->cfg = oci_config_parse (c->config_raw, c->config_len, "config.json", &perr);
  if (c->cfg == NULL)
    return rt_error_take (err, 0, perr);
  if (rt_config_normalize (c->cfg, err) < 0 || rt_config_validate (c->cfg, err) < 0)
    return rt_error_prefix (err, "config.json");
  if (c->cfg->root->path[0] == '/')
    c->rootfs = strdup (c->cfg->root->path);
  else if (asprintf (&c->rootfs, "%s/%s", c->bundle, c->cfg->root->path) < 0)
    c->rootfs = NULL;
  if (c->rootfs == NULL)
    return rt_error_set (err, ENOMEM, "rootfs");
  if (stat (c->rootfs, &st) < 0)
    return rt_error_set (err, errno, "config.json: .root.path: `%s`", c->rootfs);
  if (!S_ISDIR (st.st_mode))
    return rt_error_set (err, ENOTDIR, "config.json: .root.path: `%s`", c->rootfs);
  return 0;
}

static char *
now_rfc3339 (void)
{
  struct timespec ts;
  char buf[64];

  clock_gettime (CLOCK_REALTIME, &ts);
  rt_time_rfc3339 (&ts, buf, sizeof buf);
  return strdup (buf);
}

static int
make_state_dir (struct creation *c, struct rt_error *err)
{
  size_t i;

  rt_log_debug ("create `%s`: bundle `%s`, rootfs `%s`", c->o->id, c->bundle, c->rootfs);
  c->dirfd = rt_state_dir_create (c->ctx->root, c->o->id, err);
  if (c->dirfd < 0)
    return -1;
  c->dir_made = true;
  c->state.id = strdup (c->o->id);
  c->state.bundle = strdup (c->bundle);
  c->state.rootfs = strdup (c->rootfs);
  c->state.created = now_rfc3339 ();
  c->state.creating = true;
  c->state.systemd = c->ctx->cgroup_manager == RT_CGROUP_SYSTEMD;
  c->state.rootless = c->ctx->rootless;
  for (i = 0; i < c->cfg->annotations.len; i++)
    oci_strmap_set (&c->state.annotations, c->cfg->annotations.keys[i], c->cfg->annotations.values[i]);
  return 0;
}

/* state.json, and the first time it is asked for, the config copy beside
 * it (delete reads that for the poststop hooks and an intelRdt group). A
 * create killed before its first write leaves a directory without
 * state.json, which `delete --force` removes. */
static int
write_state (struct creation *c, bool with_config, struct rt_error *err)
{
  if (rt_state_write (c->dirfd, &c->state, err) < 0)
    return -1;
  if (!with_config || c->config_copied)
    return 0;
  c->config_copied = true;
  return rt_write_file_atomic_at (c->dirfd, RT_CONFIG_FILE, c->config_raw, c->config_len, 0600, err);
}

/* from now on `delete --force` knows the cgroups to remove */
static int
record_cgroups (void *data, const struct rt_cgroup *cg, struct rt_error *err)
{
  struct creation *c = data;
  bool rdt;
  size_t i;

  for (i = 0; i < cg->len; i++)
    if (oci_strv_append (&c->state.cgroup_dirs, &c->state.cgroup_dirs_len, cg->dirs[i]) < 0)
      return rt_error_set (err, ENOMEM, "cgroup");
  c->state.cgroup_shared = cg->shared;
  for (i = 0; i < cg->len; i++)
    rt_log_debug ("create `%s`: cgroup `%s`", c->o->id, cg->dirs[i]);
  /* Before the pid, delete has to find only the cgroups and a resctrl
   * group (made before the pid is written): without them, the first write
   * waits for the pid, one write fewer, and in `run` off the path to the
   * container's exec. */
  rdt = c->cfg->linux && c->cfg->linux->intel_rdt;
  if (cg->len == 0 && !rdt)
    return 0;
  return write_state (c, rdt, err);
}

static int
make_cgroup (struct creation *c, struct rt_error *err)
{
  const oci_linux *l = c->cfg->linux;
  const struct rt_cgroup_request req = {
    .path = l ? l->cgroups_path : NULL,
    .id = c->o->id,
    .root = c->ctx->root,
    .res = l ? l->resources : NULL,
    .annotations = &c->cfg->annotations,
  };

  if (rt_cgroup_manager_open (c->ctx->cgroup_manager, c->ctx->rootless, &c->cgm, err) < 0)
    return -1;
  return rt_cgroup_create (c->cgm, &req, record_cgroups, c, &c->cg, err);
}

static int
prepare_channels (struct creation *c, struct rt_error *err)
{
  /* a restored process is not rt's child to talk to */
  if (!c->o->restore && socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c->sync) < 0)
    return rt_error_set (err, errno, "sync socket");
  if (!c->o->run && !c->o->restore)
    {
      /* writable by the container's root even in a user namespace: only
       * reachable through the fd, the state directory itself is 0700 */
      if (mkfifoat (c->dirfd, RT_FIFO_FILE, 0622) < 0 || fchmodat (c->dirfd, RT_FIFO_FILE, 0622, 0) < 0)
        return rt_error_set (err, errno, "create the exec fifo");
      c->fifo_fd = openat (c->dirfd, RT_FIFO_FILE, O_PATH | O_CLOEXEC);
      if (c->fifo_fd < 0)
        return rt_error_set (err, errno, "open the exec fifo");
    }
  if (c->o->console_socket)
    {
      c->console_fd = rt_unix_connect (c->o->console_socket, "--console-socket", err);
      if (c->console_fd < 0)
        return -1;
    }
  else if (c->cfg->process && c->cfg->process->terminal)
    return rt_error_set (err, 0, ".process.terminal: a terminal needs --console-socket");
  return 0;
}

static int
record_pid (struct creation *c, struct rt_error *err)
{
  c->state.pid = c->pid;
  c->state.start_time = rt_proc_start_time (c->pid);
  return write_state (c, true, err);
}

const char *const rt_unsafe_annotations[] = { RT_ANNOTATION_PIDFD_RECEIVER, NULL };

/* --pidfd-socket (runc) and the run.oci.pidfd_receiver annotation (crun):
 * a pidfd of the container's process for whoever listens there. */
static int
hand_over_pidfds (struct creation *c, struct rt_error *err)
{
  const char *receiver = oci_strmap_get (&c->cfg->annotations, RT_ANNOTATION_PIDFD_RECEIVER);

  if (c->o->pidfd_socket && rt_pidfd_hand_over (c->o->pidfd_socket, "--pidfd-socket", c->pid, RT_PIDFD_INIT, err) < 0)
    return -1;
  if (receiver && *receiver
      && rt_pidfd_hand_over (receiver, "annotation " RT_ANNOTATION_PIDFD_RECEIVER, c->pid, RT_PIDFD_CRUN, err) < 0)
    return -1;
  return 0;
}

static int
spawn (struct creation *c, struct rt_error *err)
{
  struct rt_init_args a = {
    .ctx = c->ctx,
    .opts = c->o,
    .cfg = c->cfg,
    .rootfs = c->rootfs,
    .bundle = c->bundle,
    .ns = c->ns,
    .sync_fd = c->sync[1],
    .fifo_fd = c->fifo_fd,
    .console_fd = c->console_fd,
    .cgroup_dirs = c->cg.dirs,
    .cgroup_dirs_len = c->cg.len,
    .seccomp = &c->seccomp,
    .join = &c->join,
    .parent_fds = { c->dirfd, c->cg.clone_fd },
  };
  bool joins_mount_ns = rt_namespaces_has (&c->ns, "mount") && !rt_namespaces_new (&c->ns, "mount");
  unsigned long flags = c->ns.clone_flags;
  struct rt_ns_restore saved;
  bool into_cgroup = false;
  int clone_errno, restored;

  /* a cgroup namespace made at clone time would be rooted where rt sits
   * in the v1 hierarchies: the child unshares it once inside its cgroups */
  a.new_cgroupns = (flags & CLONE_NEWCGROUP) != 0;
  /* the cgroup hierarchies are where we saw them, unless the child joins
   * another mount namespace */
  a.cgroup_layout = c->cg.len > 0 && !joins_mount_ns ? rt_cgroup_manager_layout (c->cgm, NULL) : NULL;
  flags &= ~(unsigned long) CLONE_NEWCGROUP;
  if (rt_cgroup_join_prepare (&c->cg, &c->join, err) < 0
      || rt_ns_for_children (c->cfg, &c->ns, &flags, &saved, err) < 0)
    return -1;
  /* CVE-2019-5736: until its execve the child runs rt's binary inside the
   * container; non-dumpable, its /proc/PID/exe is closed to the container.
   * A user writing the child's id maps needs it dumpable until GO. */
  a.maps_by_user = rt_namespaces_new (&c->ns, "user") && geteuid () != 0;
  if (!a.maps_by_user && prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return rt_error_set (err, errno, "prctl PR_SET_DUMPABLE");
  fflush (NULL);
  c->pid = rt_clone_child (flags, c->cg.clone_fd, NULL, &into_cgroup);
  if (c->pid == 0)
    {
      close (c->sync[0]);
      rt_init_main (&a);
    }
  clone_errno = errno;
  /* the seccomp agent reads the state until EOF: the child's copy only */
  rt_seccomp_drop_listener (&c->seccomp);
  restored = rt_ns_restore (&saved, err);
  rt_cgroup_join_release (&c->join);
  if (c->pid < 0)
    return rt_error_set (err, clone_errno, "clone the container process");
  if (restored < 0)
    return -1;
  close (c->sync[1]);
  c->sync[1] = -1;
  if (rt_cgroup_attach (c->cgm, &c->cg, c->pid, into_cgroup, err) < 0)
    return -1;
  rt_log_debug ("create `%s`: container process %d cloned (flags %#lx)", c->o->id, c->pid, flags);
  if (rt_idmap_write (c->pid, c->cfg, &c->ns, err) < 0)
    return -1;
  if (rt_netdev_move (c->cfg->linux, c->pid, &c->ns, err) < 0)
    return -1;
  if (rt_rdt_apply (c->cfg, c->o->id, c->pid, err) < 0)
    return -1;
  c->rdt_applied = c->cfg->linux && c->cfg->linux->intel_rdt;
  if (rt_oom_score_adj_write (c->pid, c->cfg->process, err) < 0 || hand_over_pidfds (c, err) < 0)
    return -1;
  /* The pid must be in state.json before the child can outlive rt: from
   * then on only delete --force, by this pid, stops it. A `create` child
   * stops dying with rt as it sends READY, so it is recorded before GO; a
   * `run` child dies with rt until START, which follows the final write,
   * so it is recorded while the child sets to work. (Dying with rt:
   * PDEATHSIG, or EOF on the sync socket where becoming root in a user
   * namespace cleared that.) */
  if (!c->o->run && record_pid (c, err) < 0)
    return -1;
  if (rt_sync_send (c->sync[0], RT_SYNC_GO, 0, NULL, err) < 0)
    return -1;
  return c->o->run ? record_pid (c, err) : 0;
}

static int
run_create_hooks (struct creation *c, struct rt_error *err)
{
  const oci_hooks *h = c->cfg->hooks;
  cleanup_free char *state = NULL;

  if (!rt_hooks_create_needs_state (c->cfg))
    return 0;
  if (rt_sync_expect (c->sync[0], RT_SYNC_HOOKS, NULL, err) < 0)
    return -1;
  /* prestart is the deprecated hook of a created container (its old
   * meaning, which crun keeps); createRuntime sees the creation going on */
  if (h && h->prestart_len > 0)
    {
      cleanup_free char *created =
          rt_container_state_json (c->o->id, "created", c->pid, c->bundle, &c->cfg->annotations);
      if (created == NULL || rt_hooks_run (h->prestart, h->prestart_len, "prestart", created, err) < 0)
        return created ? -1 : rt_error_set (err, ENOMEM, "state");
    }
  state = rt_container_state_json (c->o->id, "creating", c->pid, c->bundle, &c->cfg->annotations);
  if (state == NULL)
    return rt_error_set (err, ENOMEM, "state");
  if (h && rt_hooks_run (h->create_runtime, h->create_runtime_len, "createRuntime", state, err) < 0)
    return -1;
  return rt_sync_send (c->sync[0], RT_SYNC_HOOKS_DONE, 0, state, err);
}

/* restore: CRIU brings the process back where a clone would start one */
static int
revive (struct creation *c, struct rt_error *err)
{
  cleanup_free char *state_dir = NULL;
  struct rt_revive a = {
    .dirfd = c->dirfd,
    .cfg = c->cfg,
    .rootfs = c->rootfs,
    .cg = &c->cg,
    .layout = c->cg.len > 0 ? rt_cgroup_manager_layout (c->cgm, NULL) : NULL,
    .console_fd = c->console_fd,
    .co = c->o->restore,
    .userns = rt_namespaces_new (&c->ns, "user"),
  };

  if (asprintf (&state_dir, "%s/%s", c->ctx->root, c->o->id) < 0 || (a.state_dir = rt_abspath (state_dir)) == NULL)
    return rt_error_set (err, ENOMEM, "restore");
  if (rt_criu_revive (&a, &c->pid, err) < 0)
    {
      free ((char *) a.state_dir);
      return -1;
    }
  free ((char *) a.state_dir);
  rt_log_debug ("restore `%s`: criu restored pid %d", c->o->id, c->pid);
  if (rt_cgroup_attach (c->cgm, &c->cg, c->pid, false, err) < 0)
    return -1;
  return record_pid (c, err);
}

static int
record_created (int dirfd, struct rt_state *s, const char *pid_file, struct rt_error *err)
{
  s->creating = false;
  if (rt_state_write (dirfd, s, err) < 0)
    return -1;
  if (pid_file && rt_write_pid_file (pid_file, s->pid, err) < 0)
    return -1;
  return 0;
}

static int
finish (struct creation *c, struct rt_error *err)
{
  if (!c->o->restore && rt_sync_expect (c->sync[0], RT_SYNC_READY, NULL, err) < 0)
    return -1;
  rt_log_debug ("create `%s`: the container process is ready, waiting for start", c->o->id);
  /* run: recorded by rt_created_record once START is on its way */
  return c->o->run ? 0 : record_created (c->dirfd, &c->state, c->o->pid_file, err);
}

int
rt_created_record (struct rt_created *out, struct rt_error *err)
{
  int r = record_created (out->dirfd, &out->state, out->pid_file, err);

  rt_created_drop (out);
  return r;
}

void
rt_created_drop (struct rt_created *out)
{
  if (out->dirfd >= 0)
    close (out->dirfd);
  out->dirfd = -1;
  rt_state_free (&out->state);
}

static void
undo (struct creation *c)
{
  if (c->pid > 0)
    {
      kill (c->pid, SIGKILL);
      waitpid (c->pid, NULL, 0);
    }
  if (c->cgm != NULL)
    rt_cgroup_destroy (c->cgm, &c->cg, NULL);
  if (c->rdt_applied)
    rt_rdt_remove (c->cfg, c->o->id, NULL);
  if (c->dir_made)
    rt_state_dir_remove (c->ctx->root, c->o->id, NULL);
}

static void
release (struct creation *c)
{
  int i;

  for (i = 0; i < 2; i++)
    if (c->sync[i] >= 0)
      close (c->sync[i]);
  if (c->fifo_fd >= 0)
    close (c->fifo_fd);
  if (c->console_fd >= 0)
    close (c->console_fd);
  if (c->dirfd >= 0)
    close (c->dirfd);
  rt_namespaces_close (&c->ns);
  rt_cgroup_release (&c->cg);
  rt_cgroup_join_release (&c->join);
  rt_cgroup_manager_close (c->cgm);
  rt_seccomp_free (&c->seccomp);
  rt_mounts_release_prepared ();
  rt_state_free (&c->state);
  free (c->config_raw);
  free (c->bundle);
  free (c->rootfs);
}

int
rt_container_create (struct rt_context *ctx, const struct rt_create_opts *o, struct rt_created *out,
                     struct rt_error *err)
{
  struct creation c = { .ctx = ctx, .o = o, .dirfd = -1, .sync = { -1, -1 }, .fifo_fd = -1, .console_fd = -1 };
  int ret = -1;

  out->dirfd = -1;
  c.cg.clone_fd = -1;
  for (int i = 0; i < RT_NS_COUNT; i++)
    c.ns.join_fd[i] = -1;
  if (rt_state_check_id (o->id, err) < 0 || load_config (&c, err) < 0)
    goto out;
  if (c.cfg->process)
    rt_caps_check (c.cfg->process->capabilities);
  if (rt_namespaces_prepare (c.cfg->linux, &c.ns, err) < 0
      || (c.cfg->linux && rt_seccomp_compile (c.cfg->linux->seccomp, &c.seccomp, err) < 0))
    {
      rt_error_prefix (err, "config.json");
      goto out;
    }
  if (make_state_dir (&c, err) < 0 || make_cgroup (&c, err) < 0 || prepare_channels (&c, err) < 0)
    goto out_ctx;
  if (o->restore
          ? revive (&c, err) < 0
          : rt_mounts_prepare (c.cfg, c.bundle, err) < 0 || spawn (&c, err) < 0 || run_create_hooks (&c, err) < 0)
    goto out_ctx;
  if (finish (&c, err) < 0)
    goto out_ctx;
  ret = 0;
  out->pid = c.pid;
  out->sync_fd = o->run ? rt_steal_fd (&c.sync[0]) : -1;
  out->cfg = rt_steal_ptr (&c.cfg);
  if (o->run)
    {
      /* the lock and the state go on to rt_created_record */
      out->dirfd = rt_steal_fd (&c.dirfd);
      out->state = c.state;
      memset (&c.state, 0, sizeof c.state);
      out->pid_file = o->pid_file;
    }
  goto out;
out_ctx:
  rt_error_prefix (err, "%s `%s`", o->restore ? "restore" : "create", o->id);
out:
  if (ret < 0)
    undo (&c);
  release (&c);
  oci_config_free (c.cfg);
  return ret;
}
