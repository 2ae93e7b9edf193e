/* rt exec [options] ID [COMMAND [ARG...]]: runc's flags. As runc, a
 * failure after the command line was understood exits 255, so that it
 * cannot be mistaken for the exit status of the process. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "container/exec.h"
#include "ocispec.h"
#include "util/log.h"

#define EXEC_FAILED 255

enum
{
  OPT_PID_FILE = 256,
  OPT_CONSOLE_SOCKET,
  OPT_CWD,
  OPT_NO_NEW_PRIVS,
  OPT_APPARMOR,
  OPT_LABEL,
  OPT_PRESERVE_FDS,
  OPT_CGROUP,
  OPT_IGNORE_PAUSED,
  OPT_NO_SUBREAPER,
  OPT_PIDFD_SOCKET,
};

struct exec_cli
{
  struct rt_exec_opts o;
};

static int
parse_u32 (const char *s, uint32_t *out)
{
  char *end;
  unsigned long v;

  errno = 0;
  v = strtoul (s, &end, 10);
  if (*s == '\0' || *s == '-' || *end != '\0' || errno != 0 || v > UINT32_MAX)
    return -1;
  *out = (uint32_t) v;
  return 0;
}

/* --user UID[:GID], numeric as in runc */
static int
parse_user (struct rt_exec_opts *o, const char *arg, struct rt_error *err)
{
  char *copy = strdup (arg), *colon;
  int r = 0;

  if (copy == NULL)
    return rt_error_set (err, ENOMEM, "--user");
  colon = strchr (copy, ':');
  if (colon)
    *colon++ = '\0';
  if (parse_u32 (copy, &o->uid) < 0 || (colon && parse_u32 (colon, &o->gid) < 0))
    r = rt_error_set (err, 0, "--user: `%s` is not UID[:GID] (numbers)", arg);
  o->has_uid = true;
  o->has_gid = colon != NULL;
  free (copy);
  return r;
}

/* --additional-gids GID, repeatable; a comma-separated list is accepted too */
static int
parse_gids (struct rt_exec_opts *o, const char *arg, struct rt_error *err)
{
  char *copy = strdup (arg), *tok, *save = NULL;
  int r = 0;

  if (copy == NULL)
    return rt_error_set (err, ENOMEM, "--additional-gids");
  for (tok = strtok_r (copy, ",", &save); tok && r == 0; tok = strtok_r (NULL, ",", &save))
    {
      uint32_t gid, *ng;
      if (parse_u32 (tok, &gid) < 0)
        r = rt_error_set (err, 0, "--additional-gids: `%s` is not a group id", tok);
      else if ((ng = realloc (o->gids, (o->gids_len + 1) * sizeof *ng)) == NULL)
        r = rt_error_set (err, ENOMEM, "--additional-gids");
      else
        {
          ng[o->gids_len++] = gid;
          o->gids = ng;
        }
    }
  free (copy);
  return r;
}

static int
append (char ***v, size_t *len, const char *arg, const char *flag, struct rt_error *err)
{
  if (oci_strv_append (v, len, arg) < 0)
    return rt_error_set (err, ENOMEM, "%s", flag);
  return 0;
}

static int
on_opt (void *data, int opt, const char *arg, struct rt_error *err)
{
  struct rt_exec_opts *o = &((struct exec_cli *) data)->o;
  char *end;

  switch (opt)
    {
    case 'p':
      o->process_file = arg;
      break;
    case 'd':
      o->detach = true;
      break;
    case 't':
      o->tty = true;
      break;
    case 'e':
      if (strchr (arg, '=') == NULL || arg[0] == '=')
        return rt_error_set (err, 0, "--env: `%s` is not NAME=VALUE", arg);
      return append (&o->env, &o->env_len, arg, "--env", err);
    case 'u':
      return parse_user (o, arg, err);
    case 'g':
      return parse_gids (o, arg, err);
    case 'c':
      return append (&o->caps, &o->caps_len, arg, "--cap", err);
    case OPT_PID_FILE:
      o->pid_file = arg;
      break;
    case OPT_CONSOLE_SOCKET:
      o->console_socket = arg;
      break;
    case OPT_CWD:
      o->cwd = arg;
      break;
    case OPT_NO_NEW_PRIVS:
      o->no_new_privs = true;
      break;
    case OPT_APPARMOR:
      o->apparmor = arg;
      break;
    case OPT_LABEL:
      o->label = arg;
      break;
    case OPT_CGROUP:
      return append (&o->cgroups, &o->cgroups_len, arg, "--cgroup", err);
    case OPT_IGNORE_PAUSED:
      o->ignore_paused = true;
      break;
    case OPT_NO_SUBREAPER:
      break; /* exec is never a subreaper (as runc) */
    case OPT_PIDFD_SOCKET:
      o->pidfd_socket = arg;
      break;
    case OPT_PRESERVE_FDS:
      o->preserve_fds = (int) strtol (arg, &end, 10);
      if (*arg == '\0' || *end != '\0' || o->preserve_fds < 0)
        return rt_error_set (err, 0, "--preserve-fds: `%s` is not a number", arg);
      break;
    default:
      break;
    }
  return 0;
}

static int
parse (int argc, char **argv, struct exec_cli *c, struct rt_error *err)
{
  static const struct option longopts[] = {
    { "process", required_argument, NULL, 'p' },
    { "detach", no_argument, NULL, 'd' },
    { "tty", no_argument, NULL, 't' },
    { "env", required_argument, NULL, 'e' },
    { "user", required_argument, NULL, 'u' },
    { "additional-gids", required_argument, NULL, 'g' },
    { "cap", required_argument, NULL, 'c' },
    { "pid-file", required_argument, NULL, OPT_PID_FILE },
    { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
    { "cwd", required_argument, NULL, OPT_CWD },
    { "no-new-privs", no_argument, NULL, OPT_NO_NEW_PRIVS },
    { "apparmor", required_argument, NULL, OPT_APPARMOR },
    { "process-label", required_argument, NULL, OPT_LABEL },
    { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
    { "cgroup", required_argument, NULL, OPT_CGROUP },
    { "ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED },
    { "no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER },
    { "pidfd-socket", required_argument, NULL, OPT_PIDFD_SOCKET },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const struct rt_command *cmd = rt_command_find ("exec");
  int first = rt_cmd_getopt (cmd, argc, argv, "+p:dte:u:g:c:h", longopts, on_opt, c, err);

  if (first < 0)
    return first;
  if (rt_cmd_need_args (cmd, argc, first, 1, err) < 0)
    return -1;
  c->o.id = argv[first];
  c->o.args = argv + first + 1;
  c->o.args_len = (size_t) (argc - first - 1);
  if (c->o.process_file == NULL && c->o.args_len == 0)
    return rt_error_set (err, 0, "exec: a command or --process is required (usage: rt exec %s)", cmd->args);
  return first;
}

static void
free_cli (struct exec_cli *c)
{
  size_t i;

  for (i = 0; i < c->o.env_len; i++)
    free (c->o.env[i]);
  for (i = 0; i < c->o.caps_len; i++)
    free (c->o.caps[i]);
  for (i = 0; i < c->o.cgroups_len; i++)
    free (c->o.cgroups[i]);
  free (c->o.env);
  free (c->o.caps);
  free (c->o.cgroups);
  free (c->o.gids);
}

RT_CMD (exec)
{
  struct exec_cli c = { 0 };
  int r = parse (argc, argv, &c, err);

  if (r < 0)
    {
      free_cli (&c);
      return r == -2 ? 0 : -1;
    }
  r = rt_container_exec (ctx, &c.o, err);
  free_cli (&c);
  if (r >= 0)
    return r;
  rt_error_prefix (err, "exec `%s`", c.o.id);
  rt_log_error ("%s", err->msg);
  rt_error_clear (err);
  return EXEC_FAILED;
}
