/* start, kill and delete, and the helpers they share with create. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "container/container.h"
#include "container/hooks.h"
#include "container/state.h"
#include "container/status.h"
#include "kernel/rdt.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"

char *
rt_container_state_json (const char *id, const char *status, pid_t pid, const char *bundle,
                         const oci_strmap *annotations)
{
  oci_state s = { .oci_version = (char *) OCI_SPEC_VERSION,
                  .id = (char *) id,
                  .status = (char *) status,
                  .pid = pid,
                  .bundle = (char *) bundle };
  char *perr = NULL, *json;

  if (annotations)
    s.annotations = *annotations;
  json = oci_state_emit (&s, false, &perr);
  free (perr);
  return json;
}

int
rt_write_pid_file (const char *path, pid_t pid, struct rt_error *err)
{
  cleanup_free char *abs = rt_abspath (path), *dir = NULL, *data = NULL;
  cleanup_close int dirfd = -1;
  char *slash;

  if (abs == NULL || (dir = strdup (abs)) == NULL || asprintf (&data, "%d", pid) < 0)
    return rt_error_set (err, ENOMEM, "pid file");
  slash = strrchr (dir, '/');
  *slash = '\0';
  dirfd = open (*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return rt_error_set (err, errno, "pid file `%s`", abs);
  if (rt_write_file_atomic_at (dirfd, slash + 1, data, strlen (data), 0644, err) < 0)
    return rt_error_prefix (err, "pid file");
  return 0;
}

static void
run_hooks_warn (oci_hook *const *hooks, size_t n, const char *kind, const struct rt_state *s, const char *status)
{
  cleanup_free char *json = NULL;

  if (n == 0)
    return;
  json = rt_container_state_json (s->id, status, s->pid, s->bundle, &s->annotations);
  if (json)
    rt_hooks_run_warn (hooks, n, kind, json);
}

/* Wait for start's read end: EOF means the process was exec'd; text means
 * the child failed after create and tells why. */
static int
read_start_result (int fd, const struct rt_state *s, struct rt_error *err)
{
  cleanup_free char *msg = NULL;
  size_t len = 0, cap = 0;

  for (;;)
    {
      struct pollfd p = { fd, POLLIN, 0 };
      int r = poll (&p, 1, 100);
      char buf[4096];
      ssize_t n;

      if (r < 0 && errno != EINTR)
        return rt_error_set (err, errno, "start: poll");
      if (r <= 0)
        {
          if (!rt_state_process_alive (s))
            return rt_error_set (err, 0, "start: the container process exited");
          continue;
        }
      n = read (fd, buf, sizeof buf);
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        continue;
      if (n <= 0)
        break;
      if (len + (size_t) n + 1 > cap)
        {
          char *nm = realloc (msg, cap = (len + (size_t) n + 1) * 2);
          if (nm == NULL)
            return rt_error_set (err, ENOMEM, "start");
          msg = nm;
        }
      memcpy (msg + len, buf, (size_t) n);
      len += (size_t) n;
      msg[len] = '\0';
    }
  if (len > 0)
    return rt_error_set (err, 0, "%s", msg);
  return 0;
}

int
rt_container_start (struct rt_context *ctx, const char *id, struct rt_error *err)
{
  cleanup_close int dirfd = rt_state_dir_open (ctx->root, id, true, err);
  cleanup_close int fifo = -1;
  struct rt_state s;
  const char *status;
  oci_config *cfg;
  int ret;

  if (dirfd < 0 || rt_state_read (dirfd, &s, err) < 0)
    return -1;
  status = rt_state_status (dirfd, &s);
  if (rt_status_check (RT_OP_START, id, status, err) < 0)
    {
      rt_state_free (&s);
      return -1;
    }
  fifo = openat (dirfd, RT_FIFO_FILE, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fifo < 0)
    {
      rt_state_free (&s);
      return rt_error_set (err, errno, "start `%s`: open the exec fifo", id);
    }
  unlinkat (dirfd, RT_FIFO_FILE, 0);
  rt_log_debug ("start `%s`: released process %d", id, s.pid);
  ret = read_start_result (fifo, &s, err);
  if (ret == 0 && (cfg = rt_state_config (dirfd)) != NULL)
    {
      if (cfg->hooks)
        run_hooks_warn (cfg->hooks->poststart, cfg->hooks->poststart_len, "poststart", &s, "running");
      oci_config_free (cfg);
    }
  rt_state_free (&s);
  return ret < 0 ? rt_error_prefix (err, "start `%s`", id) : 0;
}

static int
wait_gone (const struct rt_state *s, int timeout_ms)
{
  int pidfd = (int) syscall (SYS_pidfd_open, s->pid, 0);
  int waited = 0;

  if (pidfd >= 0)
    {
      struct pollfd p = { pidfd, POLLIN, 0 };
      poll (&p, 1, timeout_ms);
      close (pidfd);
    }
  /* a zombie still counts as alive for pidfd: check /proc as well */
  while (rt_state_process_alive (s) && waited < timeout_ms)
    {
      usleep (1000);
      waited++;
    }
  return rt_state_process_alive (s) ? -1 : 0;
}

static ino_t
pid_ns_of (pid_t pid)
{
  cleanup_free char *path = NULL;
  struct stat st;

  if (asprintf (&path, "/proc/%d/ns/pid", pid) < 0 || stat (path, &st) < 0)
    return 0;
  return st.st_ino;
}

/* Of a shared cgroup's processes, those in the init's own pid namespace
 * (the rest are whoever else's); the init alone where it has none. */
static void
keep_own (const struct rt_state *s, pid_t *pids, size_t *n)
{
  ino_t init_ns = rt_state_process_alive (s) ? pid_ns_of (s->pid) : 0;
  bool own_ns = init_ns != 0 && init_ns != pid_ns_of (getpid ());
  size_t i, kept = 0;

  for (i = 0; i < *n; i++)
    if (own_ns ? pid_ns_of (pids[i]) == init_ns : init_ns != 0 && pids[i] == s->pid)
      pids[kept++] = pids[i];
  *n = kept;
}

static int
all_procs (pid_t **pids, size_t *n, struct rt_error *err)
{
  DIR *d = opendir ("/proc");
  struct dirent *de;

  if (d == NULL)
    return rt_error_set (err, errno, "open /proc");
  while ((de = readdir (d)) != NULL)
    {
      char *end;
      long pid = strtol (de->d_name, &end, 10);
      pid_t *np;

      if (*end != '\0' || pid <= 0)
        continue;
      if ((np = realloc (*pids, (*n + 1) * sizeof *np)) == NULL)
        {
          closedir (d);
          return rt_error_set (err, ENOMEM, "pids");
        }
      *pids = np;
      np[(*n)++] = (pid_t) pid;
    }
  closedir (d);
  return 0;
}

int
rt_container_pids (const struct rt_state *s, pid_t **pids, size_t *n, struct rt_error *err)
{
  *pids = NULL;
  *n = 0;
  if (s->cgroup_dirs_len == 0)
    {
      /* no cgroup (--cgroup-manager=disabled, or rootless without a
       * writable one): every process we may see, the init's pid namespace's
       * kept */
      if (!rt_state_process_alive (s))
        return 0;
      if (all_procs (pids, n, err) < 0)
        return -1;
      keep_own (s, *pids, n);
      return 0;
    }
  if (rt_cgroup_pids (&(struct rt_cgroup){ .dirs = s->cgroup_dirs, .len = s->cgroup_dirs_len }, pids, n, err) < 0)
    return -1;
  if (s->cgroup_shared)
    keep_own (s, *pids, n);
  return 0;
}

static int
signal_own (const struct rt_state *s, int sig, struct rt_error *err)
{
  cleanup_free pid_t *pids = NULL;
  size_t n, i;

  if (rt_container_pids (s, &pids, &n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    if (kill (pids[i], sig) < 0 && errno != ESRCH)
      return rt_error_set (err, errno, "kill %d", pids[i]);
  return 0;
}

int
rt_container_kill (struct rt_context *ctx, const char *id, int sig, bool all, struct rt_error *err)
{
  cleanup_close int dirfd = rt_state_dir_open (ctx->root, id, false, err);
  struct rt_state s;
  struct rt_cgroup cg;
  const char *status;
  int ret = 0;

  if (dirfd < 0 || rt_state_read (dirfd, &s, err) < 0)
    return -1;
  status = rt_state_status (dirfd, &s);
  cg = rt_state_cgroup (&s);
  if (all && cg.len > 0)
    {
      ret = cg.shared ? signal_own (&s, sig, err) : rt_cgroup_signal_all (&cg, sig, err);
      if (ret == 0 && strcmp (status, "paused") == 0 && sig == SIGKILL)
        ret = rt_cgroup_freeze (&cg, false, err);
    }
  else if (rt_status_check (RT_OP_KILL, id, status, err) < 0)
    ret = -1;
  else if (kill (s.pid, sig) < 0)
    /* ESRCH: it exited between the status check and the kill */
    ret = errno == ESRCH ? rt_error_set (err, 0, RT_ERR_NOT_RUNNING ": `%s`: no such process", id)
                         : rt_error_set (err, errno, "kill container `%s`", id);
  rt_state_free (&s);
  return ret;
}

int
rt_container_pause (struct rt_context *ctx, const char *id, bool freeze, struct rt_error *err)
{
  cleanup_close int dirfd = rt_state_dir_open (ctx->root, id, true, err);
  struct rt_state s;
  struct rt_cgroup cg;
  const char *status;
  int ret;

  if (dirfd < 0 || rt_state_read (dirfd, &s, err) < 0)
    return -1;
  status = rt_state_status (dirfd, &s);
  cg = rt_state_cgroup (&s);
  if (rt_status_check (freeze ? RT_OP_PAUSE : RT_OP_RESUME, id, status, err) < 0)
    ret = -1;
  else if (cg.len == 0)
    ret = rt_error_set (err, 0, "%s `%s`: " RT_NO_CGROUP, freeze ? "pause" : "resume", id);
  else
    ret = rt_cgroup_freeze (&cg, freeze, err);
  rt_state_free (&s);
  return ret;
}

/* With the backend that made it (state.json says which). */
static int
remove_cgroup (const struct rt_state *s, struct rt_error *err)
{
  struct rt_cgroup_manager *m = NULL;
  struct rt_cgroup cg = rt_state_cgroup (s);
  int r = rt_cgroup_manager_open (s->systemd ? RT_CGROUP_SYSTEMD : RT_CGROUP_CGROUPFS, s->rootless, &m, err);

  if (r == 0)
    r = rt_cgroup_destroy (m, &cg, err);
  rt_cgroup_manager_close (m);
  return r;
}

int
rt_container_delete (struct rt_context *ctx, const char *id, bool force, const oci_config *known, struct rt_error *err)
{
  cleanup_close int dirfd = rt_state_dir_open (ctx->root, id, true, err);
  struct rt_state s;
  struct rt_cgroup cg;
  const char *status;
  oci_config *stored = NULL;
  const oci_config *cfg;
  int ret = -1;

  if (dirfd < 0)
    {
      if (force && err->errnum == ENOENT)
        {
          rt_error_clear (err);
          return 0;
        }
      return -1;
    }
  if (rt_state_read (dirfd, &s, err) < 0)
    {
      /* a create killed before its first state write: nothing else exists */
      if (force)
        {
          rt_error_clear (err);
          return rt_state_dir_remove (ctx->root, id, err);
        }
      return -1;
    }
  status = rt_state_status (dirfd, &s);
  cg = rt_state_cgroup (&s);
  if (strcmp (status, "stopped") != 0)
    {
      if (!force && strcmp (status, "creating") != 0 && rt_status_check (RT_OP_DELETE, id, status, err) < 0)
        goto out;
      if (cg.len > 0 && strcmp (status, "paused") == 0)
        rt_cgroup_freeze (&cg, false, NULL);
      if (s.pid > 0)
        kill (s.pid, SIGKILL);
      if (s.pid > 0 && wait_gone (&s, 5000) < 0)
        {
          rt_error_set (err, 0, "delete `%s`: the container process does not exit", id);
          goto out;
        }
    }
  cfg = known ? known : (stored = rt_state_config (dirfd));
  if (cfg != NULL)
    {
      if (cfg->hooks)
        run_hooks_warn (cfg->hooks->poststop, cfg->hooks->poststop_len, "poststop", &s, "stopped");
      /* as a failing poststop hook: reported, and the delete goes on */
      if (rt_rdt_remove (cfg, id, err) < 0)
        rt_log_warning ("delete `%s`: %s", id, err->msg), rt_error_clear (err);
      oci_config_free (stored);
    }
  if (cg.len > 0 && remove_cgroup (&s, err) < 0)
    goto out;
  ret = rt_state_dir_remove (ctx->root, id, err);
out:
  rt_state_free (&s);
  return ret;
}
