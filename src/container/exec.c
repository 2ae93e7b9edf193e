/* exec: the parent opens everything the child needs while the container's
 * init is known to be alive (its namespaces, its root, its cgroups), joins
 * the pid and time namespaces for its children, and clones once into the
 * cgroup. The child enters the other namespaces and becomes the process;
 * its errors come back over the sync socket, whose close-on-exec end
 * reports the exec by EOF. When the parent has nothing to do between the
 * clone and the exec, the child borrows its memory (rt_clone_vfork) and the
 * parent sleeps until the exec; otherwise the child has its own copy and
 * waits for GO (every cgroup joined, the pidfd handed over). */
#include "container/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "container/container.h"
#include "container/state.h"
#include "container/status.h"
#include "container/sync.h"
#include "kernel/caps.h"
#include "kernel/clone.h"
#include "kernel/lsm.h"
#include "kernel/namespaces.h"
#include "kernel/pidfd.h"
#include "kernel/process.h"
#include "kernel/sched.h"
#include "kernel/seccomp.h"
#include "kernel/terminal.h"
#include "tables.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/unixsock.h"

struct execution
{
  const struct rt_context *ctx;
  const struct rt_exec_opts *o;
  int dirfd; /* the state dir, share-locked until the process runs */
  struct rt_state state;
  oci_config *cfg;
  oci_process *p;
  struct rt_namespaces ns;
  struct rt_seccomp seccomp;
  int rootfd;
  struct rt_cgroup_manager *cgm;
  struct rt_cgroup cg; /* the cgroups the process joins (clone_fd: its cgroup2 one) */
  struct rt_cgroup_join join;
  int sync[2];
  int console[2]; /* [0]: rt's end when it relays the terminal; [1]: the child's */
  pid_t pid;
  int pidfd;
};

/* ---- the container and its config ---- */

static int
check_status (struct execution *e, struct rt_error *err)
{
  const char *status = rt_state_status (e->dirfd, &e->state);

  return rt_status_check (e->o->ignore_paused ? RT_OP_EXEC_IGNORE_PAUSED : RT_OP_EXEC, e->state.id, status, err);
}

static int
load_container (struct execution *e, struct rt_error *err)
{
  cleanup_free char *data = NULL;
  char *perr = NULL;
  size_t len;

  e->dirfd = rt_state_dir_open (e->ctx->root, e->o->id, false, err);
  if (e->dirfd < 0 || rt_state_read (e->dirfd, &e->state, err) < 0 || check_status (e, err) < 0)
    return -1;
  if (rt_read_file_at (e->dirfd, RT_CONFIG_FILE, &data, &len, err) < 0)
    return rt_error_prefix (err, "the container's stored config");
  e->cfg = oci_config_parse (data, len, "stored config.json", &perr);
  if (e->cfg == NULL)
    return rt_error_take (err, 0, perr);
  return 0;
}

/* ---- the process ---- */

static int
replace_str (char **dst, const char *src, struct rt_error *err)
{
  char *copy = strdup (src);

  if (copy == NULL)
    return rt_error_set (err, ENOMEM, "process");
  free (*dst);
  *dst = copy;
  return 0;
}

static void
strv_clear (char ***v, size_t *len)
{
  size_t i;

  for (i = 0; i < *len; i++)
    free ((*v)[i]);
  free (*v);
  *v = NULL;
  *len = 0;
}

static void
swap_str (char **a, char **b)
{
  char *t = *a;

  *a = *b;
  *b = t;
}

/* What the process file leaves out of the capabilities, rlimits and LSM
 * labels comes from the container's process, as runc fills it in. */
static int
fill_from_container (oci_process *p, const oci_process *c, struct rt_error *err)
{
  oci_process *d = oci_process_dup (c);

  if (d == NULL)
    return rt_error_set (err, ENOMEM, "process");
  if (p->capabilities == NULL)
    p->capabilities = rt_steal_ptr (&d->capabilities);
  if (p->rlimits_len == 0)
    {
      oci_rlimit **r = p->rlimits;
      p->rlimits = d->rlimits;
      p->rlimits_len = d->rlimits_len;
      d->rlimits = r;
      d->rlimits_len = 0;
    }
  if (p->apparmor_profile == NULL || *p->apparmor_profile == '\0')
    swap_str (&p->apparmor_profile, &d->apparmor_profile);
  if (p->selinux_label == NULL || *p->selinux_label == '\0')
    swap_str (&p->selinux_label, &d->selinux_label);
  oci_process_free (d);
  return 0;
}

/* --process: the file is the whole process. */
static int
load_process_file (struct execution *e, struct rt_error *err)
{
  char *perr = NULL;

  e->p = oci_process_parse_file (e->o->process_file, &perr);
  if (e->p == NULL)
    return rt_error_take (err, 0, perr);
  return e->cfg->process ? fill_from_container (e->p, e->cfg->process, err) : 0;
}

static int
add_caps (oci_process *p, char *const *caps, size_t n, struct rt_error *err)
{
  oci_capabilities *c;
  bool ambient;
  size_t i;

  if (n == 0)
    return 0;
  if (p->capabilities == NULL)
    p->capabilities = oci_calloc (1, sizeof *p->capabilities);
  c = p->capabilities;
  /* as runc: ambient ones need inheritable, which --cap does not add */
  ambient = c->inheritable != NULL;
  for (i = 0; i < n; i++)
    if (oci_table_find (oci_capabilities_table, caps[i]) == NULL)
      return rt_error_set (err, 0, "--cap: unknown capability \"%s\"", caps[i]);
  for (i = 0; i < n; i++)
    if (oci_strv_append (&c->bounding, &c->bounding_len, caps[i]) < 0
        || oci_strv_append (&c->effective, &c->effective_len, caps[i]) < 0
        || oci_strv_append (&c->permitted, &c->permitted_len, caps[i]) < 0
        || (ambient && oci_strv_append (&c->ambient, &c->ambient_len, caps[i]) < 0))
      return rt_error_set (err, ENOMEM, "--cap");
  return 0;
}

static int
apply_user (oci_process *p, const struct rt_exec_opts *o, struct rt_error *err)
{
  oci_user *u;
  uint32_t *gids;

  if (!o->has_uid && !o->has_gid && o->gids_len == 0)
    return 0;
  if (p->user == NULL)
    p->user = oci_calloc (1, sizeof *p->user);
  u = p->user;
  if (o->has_uid)
    u->uid = o->uid;
  if (o->has_gid)
    u->gid = o->gid;
  if (o->gids_len == 0)
    return 0;
  gids = realloc (u->additional_gids, (u->additional_gids_len + o->gids_len) * sizeof *gids);
  if (gids == NULL)
    return rt_error_set (err, ENOMEM, "--additional-gids");
  memcpy (gids + u->additional_gids_len, o->gids, o->gids_len * sizeof *gids);
  u->additional_gids = gids;
  u->additional_gids_len += o->gids_len;
  return 0;
}

/* No --process: the container's process with the command line's changes. */
static int
override_process (struct execution *e, struct rt_error *err)
{
  const struct rt_exec_opts *o = e->o;
  oci_process *p;
  size_t i;

  /* a config without a process (allowed for create) gives no defaults */
  if (e->cfg->process)
    p = e->p = oci_process_dup (e->cfg->process);
  else
    p = e->p = calloc (1, sizeof *p);
  if (p == NULL)
    return rt_error_set (err, ENOMEM, "process");
  strv_clear (&p->args, &p->args_len);
  for (i = 0; i < o->args_len; i++)
    if (oci_strv_append (&p->args, &p->args_len, o->args[i]) < 0)
      return rt_error_set (err, ENOMEM, "process");
  for (i = 0; i < o->env_len; i++)
    if (rt_env_set (&p->env, &p->env_len, o->env[i], err) < 0)
      return -1;
  p->terminal = o->tty;
  if (o->no_new_privs)
    p->no_new_privileges = true;
  if ((o->cwd && replace_str (&p->cwd, o->cwd, err) < 0)
      || (o->apparmor && replace_str (&p->apparmor_profile, o->apparmor, err) < 0)
      || (o->label && replace_str (&p->selinux_label, o->label, err) < 0))
    return -1;
  if (add_caps (p, o->caps, o->caps_len, err) < 0 || apply_user (p, o, err) < 0)
    return -1;
  return 0;
}

static int
check_process (const oci_process *p, struct rt_error *err)
{
  if (p->args_len == 0)
    return rt_error_set (err, 0, "process: args must not be empty (give a command, or --process)");
  if (p->cwd && *p->cwd && p->cwd[0] != '/')
    return rt_error_set (err, 0, "process: cwd `%s` must be an absolute path", p->cwd);
  if (rt_lsm_check (p, err) < 0)
    return -1;
  rt_caps_check (p->capabilities);
  return 0;
}

static int
build_process (struct execution *e, struct rt_error *err)
{
  int r = e->o->process_file ? load_process_file (e, err) : override_process (e, err);

  if (r < 0)
    return e->o->process_file ? rt_error_prefix (err, "--process `%s`", e->o->process_file) : -1;
  if (check_process (e->p, err) < 0)
    return e->o->process_file ? rt_error_prefix (err, "--process `%s`", e->o->process_file) : -1;
  return 0;
}

/* ---- what the child needs, opened while init is alive ---- */

static bool
same_ns (int fd, const char *name)
{
  cleanup_free char *path = NULL;
  struct stat a, b;

  if (asprintf (&path, "/proc/self/ns/%s", name) < 0)
    return false;
  return fstat (fd, &a) == 0 && stat (path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Every namespace of init that differs from rt's own: setns into one's own
 * user namespace is refused, and the others would be no-ops. */
static int
open_namespaces (struct execution *e, int procfd, struct rt_error *err)
{
  int i;

  for (i = 0; i < RT_NS_COUNT && oci_namespace_proc_names[i]; i++)
    {
      cleanup_free char *path = NULL;
      cleanup_close int fd = -1;

      if (asprintf (&path, "ns/%s", oci_namespace_proc_names[i]) < 0)
        return rt_error_set (err, ENOMEM, "namespaces");
      fd = openat (procfd, path, O_RDONLY | O_CLOEXEC);
      if (fd < 0 && errno == ENOENT)
        continue; /* a kind this kernel does not have */
      if (fd < 0)
        return rt_error_set (err, errno, "open the container's %s namespace", oci_namespaces[i].name);
      if (same_ns (fd, oci_namespace_proc_names[i]))
        continue;
      e->ns.present[i] = true;
      e->ns.join_fd[i] = rt_steal_fd (&fd);
    }
  return 0;
}

static int
open_init_files (struct execution *e, struct rt_error *err)
{
  cleanup_free char *path = NULL;
  cleanup_close int procfd = -1;

  if (asprintf (&path, "/proc/%d", e->state.pid) < 0)
    return rt_error_set (err, ENOMEM, "proc");
  procfd = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (procfd < 0)
    return rt_error_set (err, errno, "open `%s`", path);
  if (open_namespaces (e, procfd, err) < 0)
    return -1;
  /* init's root: with --no-pivot it is not the mount namespace's root */
  e->rootfd = openat (procfd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (e->rootfd < 0)
    return rt_error_set (err, errno, "open the container's root");
  return 0;
}

static int
open_init (struct execution *e, struct rt_error *err)
{
  int r = open_init_files (e, err);

  /* what was opened is init's unless it exited (and its pid was reused)
   * meanwhile, which also explains a failure */
  if (!rt_state_process_alive (&e->state))
    return rt_status_check (RT_OP_EXEC, e->state.id, "stopped", err);
  return r;
}

/* Does the comma-separated `list` name `name` (n bytes)? */
static int
choose_cgroups (struct execution *e, struct rt_error *err)
{
  const struct rt_cgroup own = rt_state_cgroup (&e->state);

  if (rt_cgroup_manager_open (own.len > 0 ? RT_CGROUP_CGROUPFS : RT_CGROUP_DISABLED, e->ctx->rootless, &e->cgm, err)
      < 0)
    return -1;
  return rt_cgroup_for_exec (e->cgm, &own, e->o->cgroups, e->o->cgroups_len, &e->cg, err);
}

/* The runc rules: a console socket only for a detached process with a
 * terminal; a detached terminal needs one. */
static int
prepare_console (struct execution *e, struct rt_error *err)
{
  bool tty = e->p->terminal;

  if (e->o->console_socket && (!e->o->detach || !tty))
    return rt_error_set (err, 0, "cannot use --console-socket if rt will not detach or allocate a tty");
  if (!tty)
    return 0;
  if (e->o->console_socket)
    {
      e->console[1] = rt_unix_connect (e->o->console_socket, "--console-socket", err);
      return e->console[1] < 0 ? -1 : 0;
    }
  if (e->o->detach)
    return rt_error_set (err, 0, "cannot allocate a tty if rt will detach without setting --console-socket");
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, e->console) < 0)
    return rt_error_set (err, errno, "terminal: socketpair");
  return 0;
}

static int
prepare (struct execution *e, struct rt_error *err)
{
  const oci_linux *l = e->cfg->linux;

  if (l && rt_seccomp_compile (l->seccomp, &e->seccomp, err) < 0)
    return rt_error_prefix (err, "stored config.json");
  if (e->seccomp.has_listener)
    {
      /* the agent gets the container's state, as runc sends it for an
       * exec: running, the init's pid (the child inherits this copy) */
      cleanup_free char *state =
          rt_container_state_json (e->state.id, "running", e->state.pid, e->state.bundle, &e->state.annotations);
      if (state == NULL || rt_seccomp_set_state (state, err) < 0)
        return state ? -1 : rt_error_set (err, ENOMEM, "seccomp");
    }
  if (prepare_console (e, err) < 0 || open_init (e, err) < 0 || choose_cgroups (e, err) < 0)
    return -1;
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, e->sync) < 0)
    return rt_error_set (err, errno, "sync socket");
  return 0;
}

/* ---- the child ---- */

/* Once inside, the host's directories the parent opened (state dir,
 * cgroup, init's root, namespaces) must not stay reachable. */
static void
drop_host_fds (struct execution *e)
{
  int *fds[] = { &e->dirfd, &e->rootfd, &e->cg.clone_fd };
  size_t i;

  rt_namespaces_close (&e->ns);
  for (i = 0; i < sizeof fds / sizeof fds[0]; i++)
    if (*fds[i] >= 0)
      close (rt_steal_fd (fds[i]));
}

static int
enter_container (struct execution *e, struct rt_error *err)
{
  if (rt_namespaces_join (&e->ns, err) < 0)
    return -1;
  if (fchdir (e->rootfd) < 0 || chroot (".") < 0 || chdir ("/") < 0)
    return rt_error_set (err, errno, "enter the container's root");
  drop_host_fds (e);
  if (e->p->terminal && rt_terminal_setup (e->console[1], e->p, false, err) < 0)
    return -1;
  return 0;
}

static __attribute__ ((noreturn)) void
exec_child (struct execution *e, bool await_go)
{
  struct rt_error err = RT_ERROR_INIT;
  char *exe = NULL;
  char *no_env[] = { NULL };

  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  close (e->sync[0]);
  if (e->console[0] >= 0)
    close (e->console[0]);
  if (await_go && rt_sync_expect (e->sync[1], RT_SYNC_GO, NULL, &err) < 0)
    _exit (EXIT_FAILURE);
  if (rt_cgroup_join_self (&e->join, &err) < 0 || enter_container (e, &err) < 0
      || rt_env_default_home (&e->p->env, &e->p->env_len, e->p->user ? e->p->user->uid : 0, &err) < 0
      || rt_cwd_apply (e->p, &err) < 0 || rt_exec_lookup (e->p, &exe, &err) < 0 || rt_exec_refuse_self (exe, &err) < 0
      || rt_persona_apply (e->cfg->linux, &err) < 0
      || rt_process_become (e->p, &e->seccomp, e->o->preserve_fds, &err) < 0)
    rt_sync_fail (e->sync[1], &err);
  /* a detached process outlives rt */
  prctl (PR_SET_PDEATHSIG, 0, 0, 0, 0);
  execve (exe, e->p->args, e->p->env ? e->p->env : no_env);
  rt_exec_failed (exe, errno, &err);
  rt_sync_fail (e->sync[1], &err);
}

/* The child on rt's memory: its fds are its own, so it closes them in its
 * own copy of the struct and leaves the parent's to the parent. */
static int
exec_child_sharing (void *arg)
{
  struct execution copy = *(const struct execution *) arg;

  exec_child (&copy, false);
}

/* ---- the parent ---- */

/* The child may borrow rt's memory only when the parent has nothing to do
 * between the clone and the exec (it sleeps meanwhile): the cgroups are
 * joined by the clone (cgroup2) or by the child (v1); no final CPU affinity
 * or OOM score to set from outside, no pidfd to hand over, no seccomp agent
 * to wait for; and no user namespace to join, which setns refuses to a
 * process that shares its memory. */
static bool
can_share_memory (const struct execution *e)
{
  const oci_exec_cpu_affinity *aff = e->p->exec_cpu_affinity;

  return rt_clone_vfork_supported () && !rt_namespaces_joins (&e->ns, "user") && !e->seccomp.has_listener
         && !e->o->pidfd_socket && !e->p->has_oom_score_adj && !(aff && aff->final && *aff->final);
}

/* the child's stack while it borrows rt's memory: part of the parent's
 * stack, whose pages rt has mostly touched already */
#define SHARING_STACK_SIZE (64 * 1024)

/* rt_clone_vfork into the cgroup2 directory; -1 when the kernel refuses,
 * and the ordinary clone follows (nothing has run) */
static pid_t
clone_sharing (struct execution *e)
{
  char stack[SHARING_STACK_SIZE] __attribute__ ((aligned (16)));

  return rt_clone_vfork (e->cg.clone_fd, &e->pidfd, exec_child_sharing, e, stack, sizeof stack);
}

static int
spawn (struct execution *e, struct rt_error *err)
{
  oci_config none = { 0 };
  unsigned long flags = 0;
  struct rt_ns_restore saved;
  struct rt_affinity_saved aff;
  bool into_cgroup, shared;
  int clone_errno, restored;

  /* CVE-2019-5736: the child runs rt's binary inside the container until
   * its execve; non-dumpable from birth, its /proc/PID/exe, cwd, root and
   * fds are closed to the container's processes (execve resets it) */
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return rt_error_set (err, errno, "prctl PR_SET_DUMPABLE");
  if (rt_cgroup_join_prepare (&e->cg, &e->join, err) < 0)
    return -1;
  /* the pid (and time) namespace applies to children only: join it here;
   * rootless, for good (this process makes no other child) */
  e->ns.for_good = e->ctx->rootless;
  if ((geteuid () != 0 && rt_ns_enter_user (&e->ns, err) < 0)
      || rt_ns_for_children (&none, &e->ns, &flags, &saved, err) < 0)
    return -1;
  /* execCPUAffinity.initial: inherited from rt at the clone */
  if (rt_affinity_push_initial (e->p, &aff, err) < 0)
    {
      rt_ns_restore (&saved, NULL);
      return -1;
    }
  fflush (NULL);
  e->pid = can_share_memory (e) ? clone_sharing (e) : -1;
  shared = e->pid > 0;
  into_cgroup = shared && e->cg.clone_fd >= 0;
  if (!shared)
    {
      e->pid = rt_clone_child (0, e->cg.clone_fd, &e->pidfd, &into_cgroup);
      if (e->pid == 0)
        exec_child (e, true);
    }
  clone_errno = errno;
  /* the agent reads the state until EOF: only the child's copy of the
   * connection may keep it open, or agent and process wait for each other */
  rt_seccomp_drop_listener (&e->seccomp);
  rt_affinity_pop (&aff);
  restored = rt_ns_restore (&saved, err);
  rt_cgroup_join_release (&e->join);
  if (e->pid < 0)
    return rt_error_set (err, clone_errno, "clone the process");
  if (restored < 0)
    return -1;
  close (e->sync[1]);
  e->sync[1] = -1;
  if (e->console[1] >= 0)
    close (rt_steal_fd (&e->console[1]));
  /* each step below that acts on the child from outside has its condition
   * in can_share_memory: a shared child has exec'd before they run */
  if (rt_cgroup_attach (e->cgm, &e->cg, e->pid, into_cgroup, err) < 0)
    return -1;
  if (rt_affinity_set_final (e->pid, e->p, err) < 0)
    return -1;
  if (rt_oom_score_adj_write (e->pid, e->p, err) < 0)
    return -1;
  rt_log_debug ("exec `%s`: process %d cloned", e->state.id, e->pid);
  if (e->o->pidfd_socket && rt_pidfd_hand_over (e->o->pidfd_socket, "--pidfd-socket", e->pid, RT_PIDFD_EXEC, err) < 0)
    return -1;
  /* a child that shared rt's memory has exec'd or failed by now */
  if (!shared && rt_sync_send (e->sync[0], RT_SYNC_GO, 0, NULL, err) < 0)
    return -1;
  return rt_sync_await_exec (e->sync[0], err);
}

int
rt_sync_await_exec (int fd, struct rt_error *err)
{
  ssize_t n;

  do
    n = recv (fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
  while (n < 0 && errno == EINTR);
  if (n == 0)
    return 0;
  if (n < 0)
    return rt_error_set (err, errno, "sync: receive");
  if (rt_sync_expect (fd, RT_SYNC_ERROR, NULL, err) == 0)
    return rt_error_set (err, EPROTO, "sync: unexpected message");
  return -1;
}

/* In the foreground: the terminal comes from the child first (signals
 * are forwarded already while rt waits for it). */
static int
mirror (struct execution *e, struct rt_error *err)
{
  cleanup_close int master = -1;

  rt_signals_forward (e->pid, e->console[0] < 0);
  if (e->console[0] >= 0 && (master = rt_recv_fd (e->console[0], err)) < 0)
    {
      kill (e->pid, SIGKILL);
      rt_wait_exit_code (e->pid, NULL);
      return -1;
    }
  return rt_mirror (e->pid, e->pidfd, master, true, err);
}

static void
release (struct execution *e)
{
  int i;

  for (i = 0; i < 2; i++)
    {
      if (e->sync[i] >= 0)
        close (e->sync[i]);
      if (e->console[i] >= 0)
        close (e->console[i]);
    }
  if (e->dirfd >= 0)
    close (e->dirfd);
  if (e->rootfd >= 0)
    close (e->rootfd);
  if (e->pidfd >= 0)
    close (e->pidfd);
  rt_cgroup_join_release (&e->join);
  rt_namespaces_close (&e->ns);
  rt_seccomp_free (&e->seccomp);
  rt_state_free (&e->state);
  rt_cgroup_release (&e->cg);
  rt_cgroup_manager_close (e->cgm);
  oci_process_free (e->p);
  oci_config_free (e->cfg);
}

static int
start (struct execution *e, struct rt_error *err)
{
  if (load_container (e, err) < 0 || build_process (e, err) < 0 || prepare (e, err) < 0 || spawn (e, err) < 0)
    return -1;
  /* running: `delete` may proceed, and the pid file tells who we are */
  close (rt_steal_fd (&e->dirfd));
  if (e->o->pid_file && rt_write_pid_file (e->o->pid_file, e->pid, err) < 0)
    return -1;
  return 0;
}

int
rt_container_exec (struct rt_context *ctx, const struct rt_exec_opts *o, struct rt_error *err)
{
  struct execution e = {
    .ctx = ctx,
    .o = o,
    .dirfd = -1,
    .rootfd = -1,
    .cg = { .clone_fd = -1 },
    .sync = { -1, -1 },
    .console = { -1, -1 },
    .pidfd = -1,
  };
  int ret, i;

  for (i = 0; i < RT_NS_COUNT; i++)
    e.ns.join_fd[i] = -1;
  ret = start (&e, err);
  if (ret < 0 && e.pid > 0)
    {
      kill (e.pid, SIGKILL);
      rt_wait_exit_code (e.pid, NULL);
    }
  else if (ret == 0 && !o->detach)
    ret = mirror (&e, err);
  release (&e);
  return ret;
}
