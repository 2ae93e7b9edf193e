#include <ctype.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "container/container.h"
#include "tables.h"

/* "TERM", "SIGTERM", "term" or "15". */
int
rt_signal_parse (const char *s, int *sig, struct rt_error *err)
{
  char *end, *upper;
  const struct oci_name_value *e;
  size_t i;
  long n = strtol (s, &end, 10);

  if (*s && *end == '\0')
    {
      /* 0 sends nothing: it asks whether the process is alive */
      if (n < 0 || n > 64)
        return rt_error_set (err, 0, "invalid signal number %s", s);
      *sig = (int) n;
      return 0;
    }
  upper = malloc (strlen (s) + 4);
  if (upper == NULL)
    return rt_error_set (err, 0, "out of memory");
  strcpy (upper, strncasecmp (s, "SIG", 3) == 0 ? "" : "SIG");
  for (i = 0; s[i]; i++)
    upper[strlen (upper) + 1] = '\0', upper[strlen (upper)] = (char) toupper ((unsigned char) s[i]);
  e = oci_table_find (oci_signals, upper);
  free (upper);
  if (e == NULL)
    return rt_error_set (err, 0, "unknown signal `%s`", s);
  *sig = (int) e->value;
  return 0;
}

static int
on_opt (void *data, int opt, const char *arg, struct rt_error *err)
{
  if (opt == 'a')
    *(bool *) data = true;
  return 0;
}

RT_CMD (kill)
{
  static const struct option longopts[] = {
    { "all", no_argument, NULL, 'a' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const struct rt_command *c = rt_command_find ("kill");
  bool all = false;
  int sig = 15, first = rt_cmd_getopt (c, argc, argv, "+ah", longopts, on_opt, &all, err);

  if (first < 0)
    return first == -2 ? 0 : -1;
  if (rt_cmd_need_args (c, argc, first, 1, err) < 0)
    return -1;
  if (first + 1 < argc && rt_signal_parse (argv[first + 1], &sig, err) < 0)
    return -1;
  return rt_container_kill (ctx, argv[first], sig, all, err);
}
