/* The child, between clone and exec: it runs in the new namespaces,
 * builds the root filesystem, reports to the parent over the sync socket,
 * waits for `start`, then becomes the container's process. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "container/container.h"
#include "container/hooks.h"
#include "container/sync.h"
#include "kernel/caps.h"
#include "kernel/netdev.h"
#include "kernel/process.h"
#include "kernel/rootfs.h"
#include "kernel/sysctl.h"
#include "kernel/sched.h"
#include "kernel/seccomp.h"
#include "kernel/terminal.h"
#include "util/cleanup.h"

static int
setup_root (struct rt_init_args *a, struct rt_error *err)
{
  struct rt_mount_ctx mc = {
    .rootfd = -1,
    .bundle = a->bundle,
    .new_cgroupns = a->new_cgroupns || rt_namespaces_has (&a->ns, "cgroup"),
    /* rootless (a user, or root of someone's user namespace): no mknod */
    .bind_devices = rt_namespaces_new (&a->ns, "user") || a->ctx->rootless,
    .cgroup_dirs = a->cgroup_dirs,
    .cgroup_dirs_len = a->cgroup_dirs_len,
    .mount_label = a->cfg->linux ? a->cfg->linux->mount_label : NULL,
    .cgroup_layout = a->cgroup_layout,
  };
  int ret = rt_rootfs_prepare (a->cfg, a->rootfs, rt_namespaces_has (&a->ns, "mount"), &mc, err);

  if (mc.rootfd >= 0)
    close (mc.rootfd);
  return ret;
}

/* The createRuntime hooks run in the parent while the child waits here;
 * the parent answers with the state that the createContainer hooks get. */
static int
hooks_point (struct rt_init_args *a, char **state, struct rt_error *err)
{
  const oci_hooks *h = a->cfg->hooks;

  if (!rt_hooks_create_needs_state (a->cfg))
    return 0;
  if (rt_sync_send (a->sync_fd, RT_SYNC_HOOKS, 0, NULL, err) < 0
      || rt_sync_expect (a->sync_fd, RT_SYNC_HOOKS_DONE, state, err) < 0)
    return -1;
  /* runc runs them from inside the rootfs (a relative path in a hook is
   * the container's) */
  if (h && h->create_container_len > 0 && chdir (a->rootfs) < 0)
    return rt_error_set (err, errno, "createContainer hooks: chdir to the rootfs `%s`", a->rootfs);
  if (h && rt_hooks_run (h->create_container, h->create_container_len, "createContainer", *state, err) < 0)
    return -1;
  return 0;
}

static int
setup_container (struct rt_init_args *a, char **state, char **exe, struct rt_error *err)
{
  const oci_config *cfg = a->cfg;
  bool mount_ns = rt_namespaces_has (&a->ns, "mount");

  if (rt_namespaces_join (&a->ns, err) < 0)
    return -1;
  if (rt_namespaces_new (&a->ns, "user") && (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0))
    return rt_error_set (err, errno, "become root in the user namespace");
  if (a->new_cgroupns && unshare (CLONE_NEWCGROUP) < 0)
    return rt_error_set (err, errno, "create the cgroup namespace");
  if (setup_root (a, err) < 0)
    return -1;
  if (hooks_point (a, state, err) < 0)
    return -1;
  if (mount_ns ? rt_rootfs_pivot (a->rootfs, a->opts->no_pivot, err) < 0
               : (chroot (a->rootfs) < 0 || chdir ("/") < 0) && rt_error_set (err, errno, "chroot into the rootfs") < 0)
    return -1;
  /* before rt_rootfs_finish makes /proc/sys (a readonlyPath) and maybe
   * the root read-only */
  if (rt_hostname_apply (cfg, rt_namespaces_has (&a->ns, "uts"), err) < 0 || rt_sysctl_apply (cfg, err) < 0)
    return -1;
  if (cfg->process && rt_cwd_create (cfg->process, err) < 0)
    return -1;
  if (rt_rootfs_finish (cfg, mount_ns, err) < 0)
    return -1;
  if (rt_namespaces_new (&a->ns, "network") && rt_netdev_loopback_up (err) < 0)
    return -1;
  if (cfg->process == NULL)
    return 0; /* `start` reports it */
  if (cfg->process->terminal && rt_terminal_setup (a->console_fd, cfg->process, mount_ns, err) < 0)
    return -1;
  if (rt_cwd_apply (cfg->process, err) < 0 || rt_exec_lookup (cfg->process, exe, err) < 0
      || rt_exec_refuse_self (*exe, err) < 0)
    return -1;
  return 0;
}

/* The state the parent sent for the create hooks, as a container that
 * has been created: what the startContainer hooks see. */
static char *
created_state (const char *state, struct rt_error *err)
{
  char *perr = NULL, *json = NULL;
  oci_state *s;

  if (state == NULL)
    {
      rt_error_set (err, EPROTO, "startContainer hooks: the parent sent no state");
      return NULL;
    }
  s = oci_state_parse (state, strlen (state), "state", &perr);
  if (s == NULL)
    {
      rt_error_take (err, 0, perr);
      return NULL;
    }
  free (s->status);
  s->status = oci_strdup ("created");
  json = oci_state_emit (s, false, &perr);
  oci_state_free (s);
  if (json == NULL)
    rt_error_take (err, 0, perr);
  return json;
}

/* The startContainer hooks run as runc runs them: last before the execve,
 * as the container's user, with its capabilities and seccomp filter (a
 * hook the profile forbids fails the start). */
static int
become_process (struct rt_init_args *a, const char *state, struct rt_error *err)
{
  const oci_hooks *h = a->cfg->hooks;
  cleanup_free char *created = NULL;

  if (h && h->start_container_len > 0 && (created = created_state (state, err)) == NULL)
    return -1;
  if ((state && rt_seccomp_set_state (state, err) < 0) || rt_persona_apply (a->cfg->linux, err) < 0)
    return -1;
  if (rt_process_become (a->cfg->process, a->seccomp, a->opts->preserve_fds, err) < 0)
    return -1;
  if (created && rt_hooks_run (h->start_container, h->start_container_len, "startContainer", created, err) < 0)
    return -1;
  return 0;
}

/* systemd socket activation passed through as runc does: the fds are the
 * first preserved ones and the process is told it is their owner, pid 1. */
static int
exec_env (const oci_process *p, char ***env, struct rt_error *err)
{
  const char *listen = getenv ("LISTEN_FDS");
  cleanup_free char *fds = NULL;
  size_t i, len = 0;

  *env = calloc (1, sizeof (char *));
  if (*env == NULL)
    return rt_error_set (err, ENOMEM, "env");
  for (i = 0; i < p->env_len; i++)
    if (oci_strv_append (env, &len, p->env[i]) < 0)
      return rt_error_set (err, ENOMEM, "env");
  if (rt_env_default_home (env, &len, p->user ? p->user->uid : 0, err) < 0)
    return -1;
  if (listen != NULL && atoi (listen) > 0)
    {
      if (asprintf (&fds, "LISTEN_FDS=%d", atoi (listen)) < 0)
        return rt_error_set (err, ENOMEM, "env");
      if (rt_env_set (env, &len, fds, err) < 0 || rt_env_set (env, &len, "LISTEN_PID=1", err) < 0)
        return -1;
    }
  return 0;
}

/* After `start` the parent is gone: errors go to whoever reads `channel`
 * (start's end of exec.fifo, or run's sync socket). */
static __attribute__ ((noreturn)) void
fail_to (const struct rt_init_args *a, int channel, const struct rt_error *err)
{
  const char *msg = err->msg ? err->msg : "unknown error";

  if (a->opts->run)
    rt_sync_fail (channel, err);
  if (write (channel, msg, strlen (msg)) < 0)
    _exit (EXIT_FAILURE);
  _exit (EXIT_FAILURE);
}

static int
wait_for_start (struct rt_init_args *a, struct rt_error *err)
{
  cleanup_free char *path = NULL;
  int fd;

  if (a->opts->run)
    {
      if (rt_sync_expect (a->sync_fd, RT_SYNC_START, NULL, err) < 0)
        return -1;
      return a->sync_fd;
    }
  /* blocks until `rt start` opens the other end */
  if (asprintf (&path, "/proc/self/fd/%d", a->fifo_fd) < 0)
    return rt_error_set (err, ENOMEM, "exec fifo");
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return rt_error_set (err, errno, "open the exec fifo");
  close (a->fifo_fd);
  return fd;
}

void
rt_init_main (struct rt_init_args *a)
{
  struct rt_error err = RT_ERROR_INIT;
  cleanup_free char *state = NULL, *exe = NULL;
  cleanup_strv char **env = NULL;
  int channel;

  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  /* CVE-2019-5736: rt's binary runs here until execve; keep its
   * /proc/PID/exe, cwd, root and fds from the container's processes (in a
   * joined pid namespace they see us; done by the parent before the clone,
   * this would have no window at all). A user's parent writes our id maps
   * (or has newuidmap write them), which needs our /proc files its own:
   * then only after GO, before anything of the container exists. */
  if (!a->maps_by_user)
    prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  /* the state dir fd carries create's lock: holding it would block `start` */
  for (size_t i = 0; i < sizeof a->parent_fds / sizeof a->parent_fds[0]; i++)
    if (a->parent_fds[i] >= 0)
      close (a->parent_fds[i]);
  if (rt_sync_expect (a->sync_fd, RT_SYNC_GO, NULL, &err) < 0)
    _exit (EXIT_FAILURE);
  if (a->maps_by_user)
    prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (rt_cgroup_join_self (a->join, &err) < 0)
    rt_sync_fail (a->sync_fd, &err);
  if (setup_container (a, &state, &exe, &err) < 0)
    rt_sync_fail (a->sync_fd, &err);
  /* `create` returns after READY: its exit must not kill us from then on */
  if (!a->opts->run)
    prctl (PR_SET_PDEATHSIG, 0, 0, 0, 0);
  if (rt_sync_send (a->sync_fd, RT_SYNC_READY, 0, NULL, &err) < 0)
    _exit (EXIT_FAILURE);
  if (!a->opts->run)
    close (a->sync_fd);
  channel = wait_for_start (a, &err);
  if (channel < 0)
    _exit (EXIT_FAILURE);
  /* `run` has started us: its death must not kill us now */
  prctl (PR_SET_PDEATHSIG, 0, 0, 0, 0);
  if (a->cfg->process == NULL)
    {
      rt_error_set (&err, 0, "config.json: .process is not set: there is nothing to start");
      fail_to (a, channel, &err);
    }
  if (exec_env (a->cfg->process, &env, &err) < 0 || become_process (a, state, &err) < 0)
    fail_to (a, channel, &err);
  execve (exe, a->cfg->process->args, env);
  rt_exec_failed (exe, errno, &err);
  fail_to (a, channel, &err);
}
