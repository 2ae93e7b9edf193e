/* A D-Bus connection to the system or the user's bus: connect and
 * authenticate, call a method and wait for its reply, and keep the
 * systemd manager's JobRemoved signals of the jobs rt queued that arrive
 * meanwhile (dbus_jobs.c). The wire format is dbus_msg.c's. */
#ifndef RT_DBUS_H
#define RT_DBUS_H

#include <stdbool.h>

#include "cgroups/dbus_msg.h"
#include "util/error.h"

struct rt_dbus;

/* The system bus ($DBUS_SYSTEM_BUS_ADDRESS, else
 * /run/dbus/system_bus_socket), or (user) the session bus
 * ($DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus). */
int rt_dbus_open (bool user, struct rt_dbus **out, struct rt_error *err);
void rt_dbus_close (struct rt_dbus *c);

/* A reply: the message's bytes, taken apart in msg. */
struct rt_dbus_reply
{
  struct rt_dbus_buf buf;
  struct rt_dbus_msg msg;
  char *error_name; /* an error reply's name, e.g. org.freedesktop.systemd1.NoSuchUnit */
};
void rt_dbus_reply_free (struct rt_dbus_reply *r);

/* A method of the bus itself (org.freedesktop.DBus: Hello, AddMatch...). */
struct rt_dbus_head rt_dbus_daemon_method (const char *member, const char *signature);

/* Call h's method with body (NULL: none) and wait up to timeout_ms for
 * its reply. An error reply is -1 with err holding its message and
 * reply->error_name its name; so are a timeout and a broken connection
 * (error_name NULL). */
int rt_dbus_call (struct rt_dbus *c, const struct rt_dbus_head *h, const struct rt_dbus_buf *body, int timeout_ms,
                  struct rt_dbus_reply *reply, struct rt_error *err);

/* Have the bus send this connection the systemd manager's JobRemoved
 * signals (AddMatch), once: before the first call that queues a job, and
 * only on a connection that queues one (a round trip saved elsewhere). */
int rt_dbus_watch_jobs (struct rt_dbus *c, int timeout_ms, struct rt_error *err);
/* A job rt queued, job_path the path the method's reply named: from now
 * on its JobRemoved is kept when read (any other is dropped). Call it
 * before reading anything more: the bus keeps the order of the manager's
 * messages, so the signal comes after that reply. */
int rt_dbus_expect_job (struct rt_dbus *c, const char *job_path, struct rt_error *err);
/* Wait for the JobRemoved of an expected job (read already during a call,
 * or to come); *result is its result ("done", "failed"...), heap. The job
 * is no longer expected after, however the wait ended. */
int rt_dbus_wait_job (struct rt_dbus *c, const char *job_path, int timeout_ms, char **result, struct rt_error *err);

#endif
