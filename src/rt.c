/* rt: the command line. Global options, the command table, and the one
 * error line printed on failure. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "context.h"
#include "kernel/rootless.h"
#include "kernel/seccomp.h"
#include "ocispec.h"
#include "util/cleanup.h"
#include "util/log.h"

static void
usage (FILE *out)
{
  const struct rt_command *c;

  fprintf (out, "Usage: rt [global options] COMMAND [options] [arguments]\n\n"
                "rt runs OCI containers: it creates them from a bundle (config.json and a root\n"
                "filesystem) and manages their lifecycle.\n\nCommands:\n");
  for (c = rt_commands; c->name != NULL; c++)
    fprintf (out, "  %-11s %s\n", c->name, c->summary);
  fprintf (out, "\nGlobal options:\n"
                "  --root DIR              state directory (default " RT_DEFAULT_ROOT ";\n"
                "                          rootless, $XDG_RUNTIME_DIR/rt)\n"
                "  --log FILE              also write messages to FILE\n"
                "  --log-format text|json  format of the --log file (default text)\n"
                "  --debug                 write debug messages to the log\n"
                "  --cgroup-manager cgroupfs|disabled|systemd\n"
                "  --systemd-cgroup        same as --cgroup-manager=systemd\n"
                "  --rootless true|false|auto  run as a user without the host's root: no cgroup where\n"
                "                          none is writable (default auto: a user, or root of a\n"
                "                          user namespace)\n"
                "  --criu PATH             accepted for runc compatibility\n"
                "  -v, --version           print the version\n"
                "  -h, --help              print this help\n");
}

static int
parse_cgroup_manager (struct rt_context *ctx, const char *v, struct rt_error *err)
{
  if (strcmp (v, "cgroupfs") == 0)
    ctx->cgroup_manager = RT_CGROUP_CGROUPFS;
  else if (strcmp (v, "disabled") == 0)
    ctx->cgroup_manager = RT_CGROUP_DISABLED;
  else if (strcmp (v, "systemd") == 0)
    ctx->cgroup_manager = RT_CGROUP_SYSTEMD;
  else
    return rt_error_set (err, 0, "--cgroup-manager: unknown manager `%s` (cgroupfs, disabled or systemd)", v);
  return 0;
}

enum
{
  OPT_ROOT = 256,
  OPT_LOG,
  OPT_LOG_FORMAT,
  OPT_DEBUG,
  OPT_CGROUP_MANAGER,
  OPT_SYSTEMD_CGROUP,
  OPT_ROOTLESS,
  OPT_CRIU,
};

static const struct option global_options[] = {
  { "root", required_argument, NULL, OPT_ROOT },
  { "log", required_argument, NULL, OPT_LOG },
  { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
  { "debug", no_argument, NULL, OPT_DEBUG },
  { "cgroup-manager", required_argument, NULL, OPT_CGROUP_MANAGER },
  { "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP },
  { "rootless", required_argument, NULL, OPT_ROOTLESS },
  { "criu", required_argument, NULL, OPT_CRIU },
  { "version", no_argument, NULL, 'v' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static const char *
env_get (const char *name)
{
  return getenv (name);
}

/* --rootless and, without --root, the root that goes with it. */
static int
resolve_rootless (struct rt_context *ctx, const char *flag, char **root_buf, struct rt_error *err)
{
  /* one read of /proc/self/uid_map, and only for root: a user is rootless
   * whatever its namespace */
  bool in_userns = geteuid () == 0 && rt_in_user_namespace ();

  if (rt_rootless_resolve (flag, in_userns, &ctx->rootless, err) < 0)
    return -1;
  if (ctx->root != NULL)
    return 0;
  *root_buf = rt_rootless_default_root (env_get, geteuid (), in_userns);
  if (*root_buf == NULL)
    return rt_error_set (err, ENOMEM, "state directory");
  ctx->root = *root_buf;
  return 0;
}

/* Returns the index of the command name, 0 to exit successfully, or -1. */
static int
parse_globals (struct rt_context *ctx, int argc, char **argv, char **root_buf, struct rt_error *err)
{
  const char *rootless = NULL;
  int c;

  opterr = 0;
  while ((c = getopt_long (argc, argv, "+vh", global_options, NULL)) != -1)
    {
      switch (c)
        {
        case OPT_ROOT:
          ctx->root = optarg;
          break;
        case OPT_LOG:
          ctx->log = optarg;
          break;
        case OPT_LOG_FORMAT:
          if (strcmp (optarg, "json") != 0 && strcmp (optarg, "text") != 0)
            return rt_error_set (err, 0, "--log-format: unknown format `%s` (text or json)", optarg);
          ctx->log_json = strcmp (optarg, "json") == 0;
          break;
        case OPT_DEBUG:
          ctx->debug = true;
          break;
        case OPT_CGROUP_MANAGER:
          if (parse_cgroup_manager (ctx, optarg, err) < 0)
            return -1;
          break;
        case OPT_SYSTEMD_CGROUP:
          ctx->cgroup_manager = RT_CGROUP_SYSTEMD;
          break;
        case OPT_ROOTLESS:
          rootless = optarg;
          break;
        case OPT_CRIU:
          break;
        case 'v':
          /* runc's lines, in runc's order */
          printf ("rt version %s\ncommit: %s\nspec: %s\nlibseccomp: %s\n", PACKAGE_VERSION, RT_COMMIT, OCI_SPEC_VERSION,
                  rt_seccomp_library_version ());
          return 0;
        case 'h':
          usage (stdout);
          return 0;
        default:
          return rt_error_set (err, 0, "unknown global option `%s` (see rt --help)", argv[optind - 1]);
        }
    }
  if (optind >= argc)
    {
      usage (stderr);
      return rt_error_set (err, 0, "no command given");
    }
  if (resolve_rootless (ctx, rootless, root_buf, err) < 0)
    return -1;
  return optind;
}

int
main (int argc, char **argv)
{
  struct rt_context ctx = { .cgroup_manager = RT_CGROUP_CGROUPFS };
  struct rt_error err = RT_ERROR_INIT;
  cleanup_free char *root_buf = NULL;
  const struct rt_command *cmd;
  int first, ret;

  first = parse_globals (&ctx, argc, argv, &root_buf, &err);
  if (first == 0)
    return EXIT_SUCCESS;
  if (first > 0 && rt_log_open (ctx.log, ctx.log_json ? RT_LOG_JSON : RT_LOG_TEXT, ctx.debug, &err) < 0)
    first = -1;
  if (first < 0)
    {
      rt_log_error ("%s", err.msg);
      return EXIT_FAILURE;
    }
  cmd = rt_command_find (argv[first]);
  if (cmd == NULL)
    {
      rt_log_error ("unknown command `%s` (see rt --help)", argv[first]);
      return EXIT_FAILURE;
    }
  if (argc - first >= 2 && (strcmp (argv[first + 1], "--help") == 0 || strcmp (argv[first + 1], "-h") == 0))
    {
      rt_command_usage (cmd, stdout);
      return EXIT_SUCCESS;
    }
  ctx.command = cmd->name;
  rt_log_debug ("rt %s: %s (root `%s`%s, cgroup manager %s)", PACKAGE_VERSION, cmd->name, ctx.root,
                ctx.rootless ? ", rootless" : "",
                ctx.cgroup_manager == RT_CGROUP_DISABLED  ? "disabled"
                : ctx.cgroup_manager == RT_CGROUP_SYSTEMD ? "systemd"
                                                          : "cgroupfs");
  optind = 0; /* reset getopt for the command's own flags */
  ret = cmd->run (&ctx, argc - first, argv + first, &err);
  if (ret < 0 && err.msg != NULL)
    rt_log_error ("%s", err.msg);
  else if (ret < 0 && err.errnum != 0)
    rt_log_error ("%s: %s", cmd->name, strerror (err.errnum));
  rt_error_clear (&err);
  rt_log_close ();
  /* commands that mirror a process (run, exec) return its status */
  return ret < 0 ? EXIT_FAILURE : ret;
}
