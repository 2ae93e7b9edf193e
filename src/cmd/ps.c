/* rt ps: the processes of a container. JSON is the array of their pids
 * (containerd's `ps --format json ID`); the table is what runc prints: the
 * output of `ps -ef` (or of the ps options given after the id), keeping the
 * header and the lines whose PID column is one of the container's. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "cmd/cmd.h"
#include "container/container.h"
#include "container/state.h"
#include "util/cleanup.h"

static int
on_opt (void *data, int opt, const char *arg, struct rt_error *err)
{
  if (opt != 'f')
    return 0;
  if (strcmp (arg, "json") != 0 && strcmp (arg, "table") != 0)
    return rt_error_set (err, 0, "ps: invalid format `%s` (table or json)", arg);
  *(bool *) data = strcmp (arg, "json") == 0;
  return 0;
}

static int
print_json (const pid_t *pids, size_t n, struct rt_error *err)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  const unsigned char *buf;
  size_t len, i;

  if (g == NULL)
    return rt_error_set (err, ENOMEM, "ps");
  yajl_gen_array_open (g);
  for (i = 0; i < n; i++)
    yajl_gen_integer (g, pids[i]);
  yajl_gen_array_close (g);
  yajl_gen_get_buf (g, &buf, &len);
  fwrite (buf, 1, len, stdout);
  putchar ('\n');
  yajl_gen_free (g);
  return 0;
}

/* The index of the PID column in ps's header. */
static int
pid_column (const char *header)
{
  cleanup_free char *copy = strdup (header);
  char *tok, *save = NULL;
  int i = 0;

  for (tok = copy ? strtok_r (copy, " \t\n", &save) : NULL; tok; tok = strtok_r (NULL, " \t\n", &save), i++)
    if (strcmp (tok, "PID") == 0)
      return i;
  return -1;
}

static long
column (const char *line, int col)
{
  cleanup_free char *copy = strdup (line);
  char *tok, *save = NULL, *end;
  int i = 0;
  long v;

  for (tok = copy ? strtok_r (copy, " \t\n", &save) : NULL; tok && i < col; tok = strtok_r (NULL, " \t\n", &save))
    i++;
  if (tok == NULL)
    return -1;
  v = strtol (tok, &end, 10);
  return *end == '\0' ? v : -1;
}

static bool
has_pid (const pid_t *pids, size_t n, long pid)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (pids[i] == pid)
      return true;
  return false;
}

/* Run ps with args (its stdout and stderr in one pipe, as runc's
 * CombinedOutput) and return everything it wrote. */
static int
run_ps (char **args, char **out, struct rt_error *err)
{
  int p[2], status;
  size_t len = 0, cap = 0;
  pid_t pid;

  *out = NULL;
  if (pipe2 (p, O_CLOEXEC) < 0)
    return rt_error_set (err, errno, "ps: pipe");
  pid = fork ();
  if (pid < 0)
    return rt_error_set (err, errno, "ps: fork");
  if (pid == 0)
    {
      dup2 (p[1], STDOUT_FILENO);
      dup2 (p[1], STDERR_FILENO);
      execvp ("ps", args);
      fprintf (stderr, "exec ps: %s\n", strerror (errno));
      _exit (127);
    }
  close (p[1]);
  for (;;)
    {
      ssize_t n;
      if (len + 4097 > cap)
        {
          char *no = realloc (*out, cap = (cap + 4097) * 2);
          if (no == NULL)
            break;
          *out = no;
        }
      n = read (p[0], *out + len, cap - len - 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      len += (size_t) n;
    }
  close (p[0]);
  if (*out)
    (*out)[len] = '\0';
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (*out == NULL)
    return rt_error_set (err, ENOMEM, "ps");
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return rt_error_set (err, 0, "ps: `ps` failed (%s): %s", WIFEXITED (status) ? "exit status" : "signal", *out);
  return 0;
}

static int
print_table (int argc, char **argv, const pid_t *pids, size_t n, struct rt_error *err)
{
  static char *def[] = { (char *) "ps", (char *) "-ef", NULL };
  cleanup_free char **args = NULL;
  cleanup_free char *out = NULL;
  char *line, *save = NULL;
  int col, i;

  if (argc > 0)
    {
      args = calloc ((size_t) argc + 2, sizeof *args);
      if (args == NULL)
        return rt_error_set (err, ENOMEM, "ps");
      args[0] = (char *) "ps";
      for (i = 0; i < argc; i++)
        args[i + 1] = argv[i];
    }
  if (run_ps (args ? args : def, &out, err) < 0)
    return -1;
  line = strtok_r (out, "\n", &save);
  if (line == NULL || (col = pid_column (line)) < 0)
    return rt_error_set (err, 0, "ps: couldn't find PID field in ps output");
  printf ("%s\n", line);
  while ((line = strtok_r (NULL, "\n", &save)) != NULL)
    {
      long pid = column (line, col);
      if (pid < 0)
        return rt_error_set (err, 0, "ps: unable to parse pid in `%s`", line);
      if (has_pid (pids, n, pid))
        printf ("%s\n", line);
    }
  return 0;
}

RT_CMD (ps)
{
  static const struct option longopts[] = {
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const struct rt_command *c = rt_command_find ("ps");
  cleanup_close int dirfd = -1;
  cleanup_free pid_t *pids = NULL;
  struct rt_state s;
  size_t n = 0;
  bool json = false;
  int ret, first = rt_cmd_getopt (c, argc, argv, "+f:h", longopts, on_opt, &json, err);

  if (first < 0)
    return first == -2 ? 0 : -1;
  if (rt_cmd_need_args (c, argc, first, 1, err) < 0)
    return -1;
  dirfd = rt_state_dir_open (ctx->root, argv[first], false, err);
  if (dirfd < 0 || rt_state_read (dirfd, &s, err) < 0)
    return -1;
  ret = rt_container_pids (&s, &pids, &n, err);
  rt_state_free (&s);
  if (ret < 0)
    return -1;
  first++;
  if (first < argc && strcmp (argv[first], "--") == 0)
    first++;
  if (json)
    return print_json (pids, n, err);
  return print_table (argc - first, argv + first, pids, n, err);
}
