/* rt run: create, start through the sync socket, and (unless --detach)
 * mirror the container: signals forwarded, its exit status returned, the
 * container deleted afterwards. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/create_opts.h"
#include "container/hooks.h"
#include "container/sync.h"
#include "util/log.h"

static volatile pid_t forward_to;

static void
forward (int sig)
{
  if (forward_to > 0)
    kill (forward_to, sig);
}

static void
forward_signals (pid_t pid)
{
  static const int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT };
  struct sigaction sa = { .sa_handler = forward, .sa_flags = SA_RESTART };
  size_t i;

  forward_to = pid;
  sigemptyset (&sa.sa_mask);
  for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
    sigaction (sigs[i], &sa, NULL);
}

/* After START: EOF on the sync socket means the process was exec'd, a
 * message is the child's error. */
static int
await_exec (int fd, struct rt_error *err)
{
  char *msg = NULL;
  int r = rt_sync_expect (fd, RT_SYNC_READY, &msg, err);

  close (fd);
  if (r == 0)
    {
      free (msg);
      return rt_error_set (err, EPROTO, "start: unexpected message");
    }
  if (err->msg && strstr (err->msg, "exited before it was set up") != NULL)
    {
      rt_error_clear (err);
      return 0;
    }
  return -1;
}

static int
exit_status (int status)
{
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return 1;
}

static void
poststart (const struct rt_created *c, const char *id, const char *bundle)
{
  struct rt_error err = RT_ERROR_INIT;
  char *state;

  if (c->cfg->hooks == NULL || c->cfg->hooks->poststart_len == 0)
    return;
  state = rt_container_state_json (id, "running", c->pid, bundle, &c->cfg->annotations);
  if (state && rt_hooks_run (c->cfg->hooks->poststart, c->cfg->hooks->poststart_len, "poststart", state, &err) < 0)
    rt_log_warning ("%s", err.msg);
  free (state);
  rt_error_clear (&err);
}

RT_CMD (run)
{
  struct rt_create_cli c = { 0 };
  struct rt_created out;
  int first, status = 0, code;
  struct rt_error derr = RT_ERROR_INIT;

  first = rt_create_cli_parse ("run", argc, argv, &c, err);
  if (first < 0)
    return first == -2 ? 0 : -1;
  c.o.run = true;
  if (rt_container_create (ctx, &c.o, &out, err) < 0)
    return -1;
  forward_signals (out.pid);
  if (rt_sync_send (out.sync_fd, RT_SYNC_START, 0, NULL, err) < 0 || await_exec (out.sync_fd, err) < 0)
    {
      rt_error_prefix (err, "run `%s`", c.o.id);
      rt_container_delete (ctx, c.o.id, true, &derr);
      rt_error_clear (&derr);
      oci_config_free (out.cfg);
      return -1;
    }
  poststart (&out, c.o.id, c.o.bundle ? c.o.bundle : ".");
  if (c.detach)
    {
      oci_config_free (out.cfg);
      return 0;
    }
  while (waitpid (out.pid, &status, 0) < 0 && errno == EINTR)
    ;
  code = exit_status (status);
  oci_config_free (out.cfg);
  if (!c.keep && rt_container_delete (ctx, c.o.id, true, &derr) < 0)
    rt_log_warning ("%s", derr.msg);
  rt_error_clear (&derr);
  return code;
}
