/* rt events: runc's event stream, one JSON object a line. --stats prints
 * the statistics once; otherwise a stats event every interval and an oom
 * event whenever the kernel OOM-kills in the container, until the
 * container's process exits or its cgroup is removed. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "cgroups/cgroup.h"
#include "cmd/cmd.h"
#include "container/state.h"
#include "container/status.h"
#include "util/cleanup.h"

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
  } units[] = { { "ns", 1 }, { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 } };
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

static void
gen_str (yajl_gen g, const char *s)
{
  yajl_gen_string (g, (const unsigned char *) s, strlen (s));
}

/* {"type":type,"id":id[,"data":stats]} and a newline, flushed at once:
 * a consumer reads events as they happen. */
static int
print_event (const char *type, const char *id, char *const *dirs, size_t len, struct rt_error *err)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  const unsigned char *buf;
  size_t n;
  int ret = 0;

  if (g == NULL)
    return rt_error_set (err, ENOMEM, "events");
  yajl_gen_map_open (g);
  gen_str (g, "type");
  gen_str (g, type);
  gen_str (g, "id");
  gen_str (g, id);
  if (dirs != NULL)
    {
      gen_str (g, "data");
      ret = rt_cgroup_stats_emit (g, dirs, len, err);
    }
  yajl_gen_map_close (g);
  if (ret == 0 && yajl_gen_get_buf (g, &buf, &n) == yajl_gen_status_ok)
    {
      fwrite (buf, 1, n, stdout);
      putchar ('\n');
      fflush (stdout);
    }
  yajl_gen_free (g);
  return ret;
}

static long long
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Report OOM kills; false once the cgroup is gone. */
static bool
report_oom (struct rt_oom_watch *w, const char *id)
{
  int i, n = rt_oom_watch_read (w);

  for (i = 0; i < n; i++)
    print_event ("oom", id, NULL, 0, NULL);
  return n >= 0;
}

static int
watch (const struct rt_state *s, const struct events_opts *o, struct rt_error *err)
{
  struct rt_oom_watch w;
  cleanup_close int pidfd = (int) syscall (SYS_pidfd_open, s->pid, 0);
  long long next = now_ns () + o->interval_ns;

  if (rt_oom_watch_open (s->cgroup_dirs, s->cgroup_dirs_len, &w, err) < 0)
    return -1;
  for (;;)
    {
      struct pollfd p[2] = { { w.fd, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
      long long left = next - now_ns ();
      int r = poll (p, 2, left <= 0 ? 0 : (int) ((left + 999999) / 1000000));

      if (r < 0 && errno != EINTR)
        break;
      if ((p[0].revents & POLLIN) && !report_oom (&w, s->id))
        break;
      if (p[1].revents & POLLIN)
        {
          /* an OOM kill of init: its notification may trail the exit */
          report_oom (&w, s->id);
          break;
        }
      if (pidfd < 0 && !rt_state_process_alive (s))
        break;
      if (now_ns () >= next)
        {
          if (print_event ("stats", s->id, s->cgroup_dirs, s->cgroup_dirs_len, NULL) < 0)
            break;
          /* a slow tick is not made up for with a burst */
          next += o->interval_ns;
          if (next < now_ns ())
            next = now_ns () + o->interval_ns;
        }
    }
  rt_oom_watch_close (&w);
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
  struct rt_state s;
  const char *status;
  int ret, dirfd, first = rt_cmd_getopt (c, argc, argv, "+h", longopts, on_opt, &o, err);

  if (first < 0)
    return first == -2 ? 0 : -1;
  if (rt_cmd_need_args (c, argc, first, 1, err) < 0)
    return -1;
  if (o.interval_ns <= 0)
    return rt_error_set (err, 0, "events: duration interval must be greater than 0");
  /* not held while watching: the lock would keep delete out */
  dirfd = rt_state_dir_open (ctx->root, argv[first], false, err);
  if (dirfd < 0)
    return -1;
  if (rt_state_read (dirfd, &s, err) < 0)
    {
      close (dirfd);
      return -1;
    }
  status = rt_state_status (dirfd, &s);
  close (dirfd);
  if (rt_status_check (RT_OP_EVENTS, s.id, status, err) < 0)
    ret = -1;
  else if (o.stats)
    ret = print_event ("stats", s.id, s.cgroup_dirs, s.cgroup_dirs_len, err);
  else
    ret = watch (&s, &o, err);
  rt_state_free (&s);
  return ret;
}
