/* rt create and rt run share their flags; run then starts and waits. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/create_opts.h"

static int
on_opt (void *data, int opt, const char *arg, struct rt_error *err)
{
  struct rt_create_cli *c = data;
  char *end;

  switch (opt)
    {
    case 'b':
      c->o.bundle = arg;
      break;
    case 'p':
      c->o.pid_file = arg;
      break;
    case 's':
      c->o.console_socket = arg;
      break;
    case 'F':
      c->o.preserve_fds = (int) strtol (arg, &end, 10);
      if (*end != '\0' || c->o.preserve_fds < 0)
        return rt_error_set (err, 0, "--preserve-fds: `%s` is not a number", arg);
      break;
    case 'P':
      c->o.no_pivot = true;
      break;
    case 'd':
      c->detach = true;
      break;
    case 'k':
      c->keep = true;
      break;
    case 'S':
      c->no_subreaper = true;
      break;
    case 'f':
      c->o.pidfd_socket = arg;
      break;
    default:
      break;
    }
  return 0;
}

int
rt_create_cli_parse (const char *name, int argc, char **argv, struct rt_create_cli *c, struct rt_error *err)
{
  /* run takes every option of create and three of its own: one table,
   * whose tail (from RUN_ONLY on) is create's */
  enum
  {
    RUN_ONLY = 3
  };
  static const struct option opts[] = {
    { "detach", no_argument, NULL, 'd' },
    { "keep", no_argument, NULL, 'k' },
    { "no-subreaper", no_argument, NULL, 'S' },
    { "bundle", required_argument, NULL, 'b' },
    { "pid-file", required_argument, NULL, 'p' },
    { "console-socket", required_argument, NULL, 's' },
    { "preserve-fds", required_argument, NULL, 'F' },
    { "no-pivot", no_argument, NULL, 'P' },
    { "no-new-keyring", no_argument, NULL, 'K' },
    { "pidfd-socket", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const struct rt_command *cmd = rt_command_find (name);
  const char *listen_fds;
  bool run = strcmp (name, "run") == 0;
  int first = rt_cmd_getopt (cmd, argc, argv, run ? "+b:dh" : "+b:h", run ? opts : opts + RUN_ONLY, on_opt, c, err);

  if (first < 0)
    return first;
  if (rt_cmd_need_args (cmd, argc, first, 1, err) < 0)
    return -1;
  c->o.id = argv[first];
  /* systemd's socket activation: pass LISTEN_FDS through like runc */
  if ((listen_fds = getenv ("LISTEN_FDS")) != NULL)
    {
      int n = atoi (listen_fds);
      if (n > c->o.preserve_fds)
        c->o.preserve_fds = n;
    }
  return first;
}

RT_CMD (create)
{
  struct rt_create_cli c = { 0 };
  struct rt_created out;
  int first = rt_create_cli_parse ("create", argc, argv, &c, err);

  if (first < 0)
    return first == -2 ? 0 : -1;
  if (rt_container_create (ctx, &c.o, &out, err) < 0)
    return -1;
  oci_config_free (out.cfg);
  return 0;
}
