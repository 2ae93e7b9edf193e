/* The systemd jobs rt queued on one D-Bus connection, and how each ended
 * once its JobRemoved signal was read. Only those signals are kept: the
 * bus sends every JobRemoved of the manager to a connection that asked
 * (the jobs of every client, once any client did Subscribe), and a long
 * wait would otherwise keep them all. Pure, so unit-tested; dbus.c reads
 * the messages. */
#ifndef RT_DBUS_JOBS_H
#define RT_DBUS_JOBS_H

#include <stdbool.h>

#include "cgroups/dbus_msg.h"

/* The AddMatch rule for the signals rt_dbus_jobs_removed looks at: the
 * bus sends a signal only to a connection that asked for it. */
#define RT_DBUS_JOBS_MATCH                                                                                             \
  "type='signal',sender='org.freedesktop.systemd1',path='/org/freedesktop/systemd1',"                                  \
  "interface='org.freedesktop.systemd1.Manager',member='JobRemoved'"

/* rt waits for each job right after queuing it: a few slots are plenty,
 * and they bound what a connection keeps. */
#define RT_DBUS_MAX_JOBS 8

struct rt_dbus_job
{
  char *path;   /* NULL: a free slot */
  char *result; /* NULL: not removed yet */
};

struct rt_dbus_jobs
{
  struct rt_dbus_job job[RT_DBUS_MAX_JOBS];
};

/* A job rt queued (the path the method's reply named): its JobRemoved
 * will be kept. 0, -ENOMEM, or -ENOSPC when all slots are taken. */
int rt_dbus_jobs_expect (struct rt_dbus_jobs *j, const char *path);
/* A message read: true when it is the manager's JobRemoved of an
 * expected job (its result is kept); any other is for the caller to drop. */
bool rt_dbus_jobs_removed (struct rt_dbus_jobs *j, const struct rt_dbus_msg *m);
/* 1 when the job was removed (*result: systemd's word for how it ended,
 * "done", "failed"..., heap; the job is forgotten), 0 when not yet,
 * -ENOENT when it was not expected. */
int rt_dbus_jobs_take (struct rt_dbus_jobs *j, const char *path, char **result);
/* No longer waited for (a wait that timed out): its slot is free. */
void rt_dbus_jobs_forget (struct rt_dbus_jobs *j, const char *path);
void rt_dbus_jobs_free (struct rt_dbus_jobs *j);

#endif
