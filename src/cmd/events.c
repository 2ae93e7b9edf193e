/* rt events: runc's event stream (container/events.c) with runc's flags. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "container/container.h"

struct events_opts
{
  bool stats;
  long long interval_ns;
};

/* A Go duration: "5s", "250ms", "1m30s", "1.5h" (units ns us µs ms s m h). */
static int
parse_duration (const char *s, long long *ns)
{
  static const struct
  {
    const char *unit;
    double ns;
  } units[] = { { "ns", 1 },  { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "ms", 1e6 },
                { "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 } };
  double total = 0;
  bool neg = *s == '-';

  if (*s == '-' || *s == '+')
    s++;
  if (strcmp (s, "0") == 0)
    return *ns = 0, 0;
  if (*s == '\0')
    return -1;
  while (*s)
    {
      char *end;
      double v = strtod (s, &end);
      size_t i, best = 0, best_len = 0;
      if (!((*s >= '0' && *s <= '9') || *s == '.') || end == s)
        return -1;
      for (i = 0; i < sizeof units / sizeof units[0]; i++)
        {
          size_t n = strlen (units[i].unit);
          if (strncmp (end, units[i].unit, n) == 0 && n > best_len)
            best = i, best_len = n;
        }
      if (best_len == 0)
        return -1;
      total += v * units[best].ns;
      s = end + best_len;
    }
  if (total > 9e18)
    return -1;
  *ns = (long long) (neg ? -total : total);
  return 0;
}

static int
on_opt (void *data, int opt, const char *arg, struct rt_error *err)
{
  struct events_opts *o = data;

  if (opt == 's')
    o->stats = true;
  else if (opt == 'i' && parse_duration (arg, &o->interval_ns) < 0)
    return rt_error_set (err, 0, "events: invalid value `%s` for --interval: a duration such as 5s or 500ms", arg);
  return 0;
}

RT_CMD (events)
{
  static const struct option longopts[] = {
    { "stats", no_argument, NULL, 's' },
    { "interval", required_argument, NULL, 'i' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const struct rt_command *c = rt_command_find ("events");
  struct events_opts o = { false, 5000000000LL };
  int first = rt_cmd_getopt (c, argc, argv, "+h", longopts, on_opt, &o, err);

  if (first < 0)
    return first == -2 ? 0 : -1;
  if (rt_cmd_need_args (c, argc, first, 1, err) < 0)
    return -1;
  if (o.interval_ns <= 0)
    return rt_error_set (err, 0, "events: duration interval must be greater than 0");
  return rt_container_events (ctx, argv[first], o.stats, o.interval_ns, err);
}
