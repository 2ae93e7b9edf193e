/* events: runc's event stream, one JSON object a line. --stats prints
 * the statistics once; otherwise a stats event every interval and an oom
 * event whenever the kernel OOM-kills in the container, until the
 * container's process exits or its cgroup is removed. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "cgroups/cgroup.h"
#include "cgroups/stats.h"
#include "container/container.h"
#include "container/state.h"
#include "container/stats_json.h"
#include "container/status.h"
#include "util/cleanup.h"

static void
gen_str (yajl_gen g, const char *s)
{
  yajl_gen_string (g, (const unsigned char *) s, strlen (s));
}

/* {"type":type,"id":id[,"data":stats]} and a newline, flushed at once:
 * a consumer reads events as they happen. */
static int
print_event (const char *type, const char *id, const struct rt_cgroup *cg, struct rt_error *err)
{
  cleanup_cgroup_stats struct rt_cgroup_stats st = { 0 };
  yajl_gen g;
  const unsigned char *buf;
  size_t n;
  int ret = 0;

  /* the statistics first: an event is printed whole or not at all */
  if (cg != NULL && rt_cgroup_stats_read (cg, &st, err) < 0)
    return -1;
  g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return rt_error_set (err, ENOMEM, "events");
  yajl_gen_map_open (g);
  gen_str (g, "type");
  gen_str (g, type);
  gen_str (g, "id");
  gen_str (g, id);
  if (cg != NULL)
    {
      gen_str (g, "data");
      if (rt_stats_json_write (g, &st) < 0)
        ret = rt_error_set (err, 0, "events: cannot write the statistics as JSON");
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
    print_event ("oom", id, NULL, NULL);
  return n >= 0;
}

static int
watch (const struct rt_state *s, long long interval_ns, struct rt_error *err)
{
  const struct rt_cgroup cg = rt_state_cgroup (s);
  struct rt_oom_watch w;
  cleanup_close int pidfd = (int) syscall (SYS_pidfd_open, s->pid, 0);
  long long next = now_ns () + interval_ns;

  if (rt_oom_watch_open (&cg, &w, err) < 0)
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
          if (print_event ("stats", s->id, &cg, NULL) < 0)
            break;
          /* a slow tick is not made up for with a burst */
          next += interval_ns;
          if (next < now_ns ())
            next = now_ns () + interval_ns;
        }
    }
  rt_oom_watch_close (&w);
  return 0;
}

int
rt_container_events (struct rt_context *ctx, const char *id, bool stats_only, long long interval_ns,
                     struct rt_error *err)
{
  struct rt_state s;
  struct rt_cgroup cg;
  const char *status;
  int ret, dirfd;

  /* not held while watching: the lock would keep delete out */
  dirfd = rt_state_dir_open (ctx->root, id, false, err);
  if (dirfd < 0)
    return -1;
  if (rt_state_read (dirfd, &s, err) < 0)
    {
      close (dirfd);
      return -1;
    }
  status = rt_state_status (dirfd, &s);
  close (dirfd);
  cg = rt_state_cgroup (&s);
  if (rt_status_check (RT_OP_EVENTS, s.id, status, err) < 0)
    ret = -1;
  else if (stats_only)
    ret = print_event ("stats", s.id, &cg, err);
  else
    ret = watch (&s, interval_ns, err);
  rt_state_free (&s);
  return ret;
}
