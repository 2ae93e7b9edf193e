#include "container/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/log.h"

static void
child (const oci_hook *h, int in)
{
  char *empty[] = { NULL };
  char **argv = h->args_len ? h->args : NULL;
  char *fallback[] = { h->path, NULL };

  if (dup2 (in, 0) < 0)
    _exit (127);
  /* hooks get stdio only: not the runtime's other fds (sync socket,
   * fifo), nor the fds preserved for the container's process */
  if (close_range (3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    _exit (127);
  execve (h->path, argv ? argv : fallback, h->env_len ? h->env : empty);
  fprintf (stderr, "rt: hook %s: %s\n", h->path, strerror (errno));
  _exit (127);
}

static long long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Wait for pid, killing it when the timeout (seconds, 0: none) passes. */
static int
wait_hook (pid_t pid, long long timeout, int *status)
{
  int pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  long long deadline = timeout > 0 ? now_ms () + timeout * 1000 : 0;
  int r;

  if (pidfd >= 0)
    {
      for (;;)
        {
          struct pollfd pfd = { pidfd, POLLIN, 0 };
          long long left = deadline ? deadline - now_ms () : -1;
          if (deadline && left <= 0)
            break;
          r = poll (&pfd, 1, deadline ? (int) left : -1);
          if (r > 0 || (r < 0 && errno != EINTR))
            break;
        }
      close (pidfd);
    }
  r = waitpid (pid, status, deadline ? WNOHANG : 0);
  if (r == 0)
    {
      kill (pid, SIGKILL);
      waitpid (pid, status, 0);
      return 1;
    }
  return r < 0 ? -1 : 0;
}

/* A failure says runc's words first ("error running hook #N"), then which
 * hook and how it ended. */
static int
run_one (const oci_hook *h, const char *kind, size_t i, const char *state, struct rt_error *err)
{
  int pipefd[2], status = 0, r;
  pid_t pid;
  size_t len = strlen (state);

  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return rt_error_set (err, errno, "%s hook %zu: pipe", kind, i);
  pid = fork ();
  if (pid < 0)
    {
      close (pipefd[0]);
      close (pipefd[1]);
      return rt_error_set (err, errno, "%s hook %zu: fork", kind, i);
    }
  if (pid == 0)
    {
      close (pipefd[1]);
      child (h, pipefd[0]);
    }
  close (pipefd[0]);
  /* a hook need not read its stdin: ignore EPIPE */
  {
    struct sigaction ign = { .sa_handler = SIG_IGN }, old;
    sigaction (SIGPIPE, &ign, &old);
    if (write (pipefd[1], state, len) < 0 && errno != EPIPE)
      rt_log_debug ("%s hook %zu: cannot write the state to its stdin: %s", kind, i, strerror (errno));
    sigaction (SIGPIPE, &old, NULL);
  }
  close (pipefd[1]);
  r = wait_hook (pid, h->has_timeout ? h->timeout : 0, &status);
  if (r < 0)
    return rt_error_set (err, errno, "error running hook #%zu: %s hook `%s`: wait", i, kind, h->path);
  if (r > 0)
    return rt_error_set (err, ETIMEDOUT, "error running hook #%zu: %s hook `%s`: killed after its timeout of %llds", i,
                         kind, h->path, (long long) h->timeout);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  if (WIFSIGNALED (status))
    {
      char why[64];
      /* Go's words for the signal ("signal: bad system call"), as runc's */
      snprintf (why, sizeof why, "%s", strsignal (WTERMSIG (status)));
      return rt_error_set (err, 0, "error running hook #%zu: %s hook `%s`: signal: %s", i, kind, h->path,
                           rt_go_words (why));
    }
  return rt_error_set (err, 0, "error running hook #%zu: %s hook `%s`: exit status %d", i, kind, h->path,
                       WEXITSTATUS (status));
}

int
rt_hooks_run (oci_hook *const *hooks, size_t n, const char *kind, const char *state_json, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (run_one (hooks[i], kind, i, state_json, err) < 0)
      return -1;
  return 0;
}

bool
rt_hooks_create_needs_state (const oci_config *cfg)
{
  const oci_hooks *h = cfg->hooks;

  if (cfg->linux && cfg->linux->seccomp && cfg->linux->seccomp->listener_path)
    return true;
  return h && h->prestart_len + h->create_runtime_len + h->create_container_len + h->start_container_len > 0;
}

void
rt_hooks_run_warn (oci_hook *const *hooks, size_t n, const char *kind, const char *state_json)
{
  size_t i;

  for (i = 0; i < n; i++)
    {
      struct rt_error err = RT_ERROR_INIT;
      if (run_one (hooks[i], kind, i, state_json, &err) < 0)
        rt_log_warning ("%s", err.msg);
      rt_error_clear (&err);
    }
}
