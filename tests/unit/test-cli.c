/* The flags of create and run (cmd/create.c, one table) and kill's signal
 * names (cmd/kill.c), parsed without a container. */
#include "cmd/cmd.h"
#include "cmd/create_opts.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static int
parse (const char *name, struct rt_create_cli *c, char **msg, char **argv)
{
  struct rt_error err = RT_ERROR_INIT;
  int argc = 0, r;

  while (argv[argc])
    argc++;
  memset (c, 0, sizeof *c);
  r = rt_create_cli_parse (name, argc, argv, c, &err);
  cr_assert_eq (r == -1, err.msg != NULL);
  if (msg)
    *msg = err.msg;
  else
    cr_assert_null (err.msg, "%s", err.msg);
  return r;
}

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })

Test (cli, create_flags)
{
  struct rt_create_cli c;

  unsetenv ("LISTEN_FDS");
  cr_assert_eq (parse ("create", &c, NULL,
                       ARGV ("create", "--bundle", "/b", "--pid-file", "/p", "--console-socket", "/s", "--preserve-fds",
                             "2", "--no-pivot", "--no-new-keyring", "--pidfd-socket", "/f", "c1")),
                13);
  cr_assert_str_eq (c.o.id, "c1");
  cr_assert_str_eq (c.o.bundle, "/b");
  cr_assert_str_eq (c.o.pid_file, "/p");
  cr_assert_str_eq (c.o.console_socket, "/s");
  cr_assert_eq (c.o.preserve_fds, 2);
  cr_assert (c.o.no_pivot);
  cr_assert_str_eq (c.o.pidfd_socket, "/f");
  cr_assert_not (c.detach);
  /* options after the id, as runc takes them */
  cr_assert_eq (parse ("create", &c, NULL, ARGV ("create", "c1", "-b", "/b")), 3);
  cr_assert_str_eq (c.o.bundle, "/b");
  cr_assert_str_eq (c.o.id, "c1");
}

Test (cli, run_has_three_more)
{
  struct rt_create_cli c;
  char *msg = NULL;

  cr_assert_eq (parse ("run", &c, NULL, ARGV ("run", "-d", "--keep", "--no-subreaper", "c1")), 4);
  cr_assert (c.detach && c.keep && c.no_subreaper);
  cr_assert_eq (parse ("create", &c, &msg, ARGV ("create", "--detach", "c1")), -1);
  cr_assert_not_null (strstr (msg, "create: unknown or incomplete option `--detach`"), "%s", msg);
  free (msg);
}

Test (cli, create_refusals)
{
  struct rt_create_cli c;
  char *msg = NULL;

  cr_assert_eq (parse ("create", &c, &msg, ARGV ("create", "--preserve-fds", "x", "c1")), -1);
  cr_assert_str_eq (msg, "--preserve-fds: `x` is not a number");
  free (msg);
  cr_assert_eq (parse ("create", &c, &msg, ARGV ("create", "--preserve-fds", "-1", "c1")), -1);
  free (msg);
  cr_assert_eq (parse ("create", &c, &msg, ARGV ("create", "-b", "/b")), -1);
  cr_assert_not_null (strstr (msg, "create: expected 1 argument"), "%s", msg);
  free (msg);
}

/* systemd's socket activation: the fds it passes are kept, as runc does. */
Test (cli, listen_fds)
{
  struct rt_create_cli c;

  setenv ("LISTEN_FDS", "3", 1);
  cr_assert_eq (parse ("create", &c, NULL, ARGV ("create", "c1")), 1);
  cr_assert_eq (c.o.preserve_fds, 3);
  cr_assert_eq (parse ("create", &c, NULL, ARGV ("create", "--preserve-fds", "5", "c1")), 3);
  cr_assert_eq (c.o.preserve_fds, 5);
  unsetenv ("LISTEN_FDS");
}

static int
signal_of (const char *s)
{
  struct rt_error err = RT_ERROR_INIT;
  int sig = -1;

  cr_assert_eq (rt_signal_parse (s, &sig, &err), 0, "%s: %s", s, err.msg);
  return sig;
}

static void
assert_no_signal (const char *s, const char *want)
{
  struct rt_error err = RT_ERROR_INIT;
  int sig;

  cr_assert_lt (rt_signal_parse (s, &sig, &err), 0, "`%s` accepted", s);
  cr_assert_str_eq (err.msg, want);
  free (err.msg);
}

Test (cli, signals)
{
  cr_assert_eq (signal_of ("TERM"), SIGTERM);
  cr_assert_eq (signal_of ("SIGKILL"), SIGKILL);
  cr_assert_eq (signal_of ("hup"), SIGHUP);
  cr_assert_eq (signal_of ("sigusr1"), SIGUSR1);
  cr_assert_eq (signal_of ("15"), 15);
  cr_assert_eq (signal_of ("0"), 0, "whether the process is alive");
  cr_assert_eq (signal_of ("64"), 64);
  assert_no_signal ("65", "invalid signal number 65");
  assert_no_signal ("-1", "invalid signal number -1");
  assert_no_signal ("NOPE", "unknown signal `NOPE`");
  assert_no_signal ("", "unknown signal ``");
}
