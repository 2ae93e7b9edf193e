/* OOM notifications. v1: an eventfd registered on memory.oom_control
 * through cgroup.event_control; the kernel also signals it when the
 * cgroup is removed, which is told apart by the directory being gone.
 * v2: inotify on memory.events, and the oom_kill counter (like runc). */
#include "cgroups/backend.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

static unsigned long long
oom_kills (const char *events)
{
  cleanup_free char *data = NULL;
  char *p;

  if (rt_read_file (events, &data, NULL, NULL) < 0)
    return 0;
  for (p = data; p; p = strchr (p, '\n') ? strchr (p, '\n') + 1 : NULL)
    if (strncmp (p, "oom_kill ", 9) == 0)
      return strtoull (p + 9, NULL, 10);
  return 0;
}

static int
open_v1 (const char *dir, struct rt_oom_watch *w, struct rt_error *err)
{
  cleanup_free char *ctl = NULL;

  if (asprintf (&ctl, "%s/memory.oom_control", dir) < 0)
    return rt_error_set (err, ENOMEM, "oom");
  w->fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (w->fd < 0)
    return rt_error_set (err, errno, "eventfd");
  w->ctl_fd = open (ctl, O_RDONLY | O_CLOEXEC);
  if (w->ctl_fd < 0)
    return rt_error_set (err, errno, "open `%s`", ctl);
  return rt_cgroup_writef (dir, "cgroup.event_control", err, "%d %d", w->fd, w->ctl_fd);
}

static int
open_v2 (const char *dir, struct rt_oom_watch *w, struct rt_error *err)
{
  if (asprintf (&w->events, "%s/memory.events", dir) < 0)
    return rt_error_set (err, ENOMEM, "oom");
  w->v2 = true;
  w->fd = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);
  if (w->fd < 0)
    return rt_error_set (err, errno, "inotify");
  if (inotify_add_watch (w->fd, w->events, IN_MODIFY) < 0)
    return rt_error_set (err, errno, "watch `%s`", w->events);
  w->seen = oom_kills (w->events);
  return 0;
}

int
rt_oom_watch_open (const struct rt_cgroup *cg, struct rt_oom_watch *w, struct rt_error *err)
{
  char *const *dirs = cg->dirs;
  size_t len = cg->len;
  size_t i;
  int r = 0;

  memset (w, 0, sizeof *w);
  w->fd = w->ctl_fd = -1;
  for (i = 0; i < len; i++)
    {
      if (rt_cgroup_has_file (dirs[i], "memory.oom_control"))
        r = open_v1 (dirs[i], w, err);
      else if (rt_cgroup_has_file (dirs[i], "memory.events") && rt_cgroup_has_file (dirs[i], "memory.current"))
        r = open_v2 (dirs[i], w, err);
      else
        continue;
      if (r == 0 && (w->dir = strdup (dirs[i])) == NULL)
        r = rt_error_set (err, ENOMEM, "oom");
      break;
    }
  if (r < 0)
    rt_oom_watch_close (w);
  return r;
}

int
rt_oom_watch_read (struct rt_oom_watch *w)
{
  unsigned long long now;

  if (w->fd < 0)
    return 0;
  if (!w->v2)
    {
      uint64_t n = 0;
      if (read (w->fd, &n, sizeof n) != (ssize_t) sizeof n)
        return 0;
      return access (w->dir, F_OK) == 0 ? (int) (n > 1000 ? 1000 : n) : -1;
    }
  for (;;)
    {
      char buf[4096] __attribute__ ((aligned (__alignof__(struct inotify_event))));
      ssize_t n = read (w->fd, buf, sizeof buf);
      if (n <= 0)
        break;
    }
  if (access (w->dir, F_OK) != 0)
    return -1;
  now = oom_kills (w->events);
  if (now <= w->seen)
    return 0;
  now -= w->seen;
  w->seen += now;
  return (int) (now > 1000 ? 1000 : now);
}

void
rt_oom_watch_close (struct rt_oom_watch *w)
{
  if (w->fd >= 0)
    close (w->fd);
  if (w->ctl_fd >= 0)
    close (w->ctl_fd);
  free (w->events);
  free (w->dir);
  memset (w, 0, sizeof *w);
  w->fd = w->ctl_fd = -1;
}
