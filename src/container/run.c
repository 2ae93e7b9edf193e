/* run: create, start through the sync socket, and (unless detached)
 * mirror the container: signals forwarded, its terminal relayed, its exit
 * status returned, the container deleted afterwards. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "container/container.h"
#include "container/exec.h"
#include "container/hooks.h"
#include "container/sync.h"
#include "kernel/process.h"
#include "kernel/terminal.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"

static void
poststart (const struct rt_created *c, const char *id, const char *bundle)
{
  char *state;

  if (c->cfg->hooks == NULL || c->cfg->hooks->poststart_len == 0)
    return;
  state = rt_container_state_json (id, "running", c->pid, bundle, &c->cfg->annotations);
  if (state)
    rt_hooks_run_warn (c->cfg->hooks->poststart, c->cfg->hooks->poststart_len, "poststart", state);
  free (state);
}

/* Read once, for runc's console rules before anything is created, and
 * handed to create; a config that does not parse is left for create to
 * report. */
static bool
bundle_wants_terminal (const char *bundle, struct rt_loaded_config *loaded)
{
  cleanup_free char *path = NULL;
  char *perr = NULL;

  if (asprintf (&path, "%s/config.json", bundle ? bundle : ".") < 0
      || rt_read_file (path, &loaded->raw, &loaded->len, NULL) < 0)
    return false;
  loaded->cfg = oci_config_parse (loaded->raw, loaded->len, "config.json", &perr);
  free (perr);
  return loaded->cfg && loaded->cfg->process && loaded->cfg->process->terminal;
}

/* runc's rules; with a terminal in the foreground and no console socket,
 * rt receives the terminal itself (*relay). */
static int
console_mode (const struct rt_create_opts *o, bool detach, bool *relay, struct rt_error *err)
{
  bool tty = bundle_wants_terminal (o->bundle, o->loaded);

  *relay = false;
  if (o->console_socket && (!detach || !tty))
    return rt_error_set (err, 0, "cannot use --console-socket if rt will not detach or allocate a tty");
  if (tty && detach && !o->console_socket)
    return rt_error_set (err, 0, "cannot allocate a tty if rt will detach without setting --console-socket");
  *relay = tty && !o->console_socket;
  return 0;
}

static void
discard (struct rt_context *ctx, struct rt_created *out, const char *id)
{
  struct rt_error derr = RT_ERROR_INIT;

  rt_created_drop (out);
  rt_container_delete (ctx, id, true, out->cfg, &derr);
  rt_error_clear (&derr);
  oci_config_free (out->cfg);
}

/* Create and start; with a relayed terminal, *master is its pty. */
static int
create_and_start (struct rt_context *ctx, struct rt_create_opts *o, bool relay, struct rt_created *out, int *master,
                  struct rt_error *err)
{
  struct rt_console_listener l = { .fd = -1, .dirfd = -1 };
  int r;

  if (relay && rt_console_listen (&l, err) < 0)
    {
      rt_console_listener_close (&l);
      return -1;
    }
  if (relay)
    o->console_socket = l.path;
  r = rt_container_create (ctx, o, out, err);
  if (relay)
    o->console_socket = NULL;
  if (r == 0 && relay)
    r = *master = rt_console_listener_take (&l, err);
  rt_console_listener_close (&l);
  if (r < 0)
    {
      if (out->cfg)
        discard (ctx, out, o->id);
      return -1;
    }
  rt_signals_forward (out->pid, !relay);
  if (rt_sync_send (out->sync_fd, RT_SYNC_START, 0, NULL, err) < 0 || rt_created_record (out, err) < 0
      || rt_sync_await_exec (out->sync_fd, err) < 0)
    {
      rt_error_prefix (err, "run `%s`", o->id);
      close (out->sync_fd);
      discard (ctx, out, o->id);
      return -1;
    }
  close (out->sync_fd);
  return 0;
}

int
rt_mirror (pid_t pid, int pidfd, int master, bool relay_errors_kill, struct rt_error *err)
{
  struct rt_error rerr = RT_ERROR_INIT;
  cleanup_close int own = -1;

  rt_signals_forward (pid, master < 0);
  if (master >= 0)
    {
      if (pidfd < 0)
        {
          own = (int) syscall (SYS_pidfd_open, pid, 0);
          pidfd = own;
        }
      if (pidfd < 0)
        rt_error_set (&rerr, errno, "terminal: pidfd_open");
      if (pidfd < 0 || rt_terminal_relay (master, pidfd, &rerr) < 0)
        {
          if (relay_errors_kill)
            {
              kill (pid, SIGKILL);
              rt_wait_exit_code (pid, NULL);
              rt_error_set (err, rerr.errnum, "%s", rerr.msg);
              rt_error_clear (&rerr);
              return -1;
            }
          rt_log_warning ("%s", rerr.msg);
        }
      rt_error_clear (&rerr);
    }
  return rt_wait_exit_code (pid, err);
}

int
rt_container_stand_in (struct rt_context *ctx, const char *id, struct rt_created *out, int master,
                       const struct rt_run_mode *mode, struct rt_error *err)
{
  struct rt_error derr = RT_ERROR_INIT;
  int code;

  if (mode->detach)
    {
      oci_config_free (out->cfg);
      return 0;
    }
  /* the relay ending early only loses output: a warning */
  code = rt_mirror (out->pid, -1, master, false, err);
  if (!mode->keep && rt_container_delete (ctx, id, true, out->cfg, &derr) < 0)
    rt_log_warning ("%s", derr.msg);
  oci_config_free (out->cfg);
  rt_error_clear (&derr);
  return code;
}

/* what create did not take over */
static void
loaded_free (struct rt_loaded_config *l)
{
  free (l->raw);
  oci_config_free (l->cfg);
}

int
rt_container_run (struct rt_context *ctx, struct rt_create_opts *o, const struct rt_run_mode *mode,
                  struct rt_error *err)
{
  __attribute__ ((cleanup (loaded_free))) struct rt_loaded_config loaded = { 0 };
  struct rt_created out = { 0 };
  cleanup_close int master = -1;
  bool relay;

  o->run = true;
  o->loaded = &loaded;
  if (!mode->detach && !mode->no_subreaper && rt_become_subreaper (err) < 0)
    return -1;
  if (console_mode (o, mode->detach, &relay, err) < 0)
    return -1;
  if (create_and_start (ctx, o, relay, &out, &master, err) < 0)
    return -1;
  poststart (&out, o->id, o->bundle ? o->bundle : ".");
  return rt_container_stand_in (ctx, o->id, &out, master, mode, err);
}
