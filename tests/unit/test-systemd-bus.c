/* The manager's methods (systemd_bus.c over dbus.c) against a fake bus in
 * a child process: which calls go out, in which order, and that a job's
 * end is found among other clients' JobRemoved signals. */
#include "cgroups/systemd_bus.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/dbus_jobs.h"
#include "cgroups/dbus_msg.h"

#define JOB_PATH "/org/freedesktop/systemd1/job/"

struct fake_bus
{
  int fd;
  struct rt_dbus_buf in;
  uint32_t serial;
  unsigned next_job;
};

static bool
fill (struct fake_bus *f)
{
  ssize_t n;

  if (!rt_dbus_buf_reserve (&f->in, 4096))
    return false;
  n = recv (f->fd, f->in.data + f->in.len, f->in.cap - f->in.len, 0);
  if (n <= 0)
    return false;
  f->in.len += (size_t) n;
  return true;
}

static void
consume (struct fake_bus *f, size_t n)
{
  memmove (f->in.data, f->in.data + n, f->in.len - n);
  f->in.len -= n;
}

/* Read up to and through text. */
static bool
read_through (struct fake_bus *f, const char *text)
{
  size_t n = strlen (text);
  unsigned char *at;

  while (f->in.len == 0 || (at = memmem (f->in.data, f->in.len, text, n)) == NULL)
    if (!fill (f))
      return false;
  consume (f, (size_t) (at - f->in.data) + n);
  return true;
}

static bool
next_call (struct fake_bus *f, struct rt_dbus_buf *buf, struct rt_dbus_msg *m)
{
  size_t size = 0;

  while (f->in.len < 16 || (size = rt_dbus_msg_size (f->in.data)) == 0 || f->in.len < size)
    if ((f->in.len >= 16 && size == 0) || !fill (f))
      return false;
  memset (buf, 0, sizeof *buf);
  if (!rt_dbus_buf_reserve (buf, size))
    return false;
  memcpy (buf->data, f->in.data, size);
  buf->len = size;
  consume (f, size);
  return rt_dbus_msg_parse (buf->data, buf->len, m) == 0;
}

static void
send_message (struct fake_bus *f, uint8_t type, const struct rt_dbus_head *h, const struct rt_dbus_buf *body)
{
  struct rt_dbus_buf out = { 0 };

  if (rt_dbus_message (&out, type, ++f->serial, h, body) == 0)
    send (f->fd, out.data, out.len, MSG_NOSIGNAL);
  rt_dbus_buf_free (&out);
}

/* A method return to call, its body one object path (or none). */
static void
reply (struct fake_bus *f, const struct rt_dbus_msg *call, const char *path)
{
  struct rt_dbus_head h = { .reply_serial = call->serial, .signature = path ? "o" : NULL };
  struct rt_dbus_buf body = { 0 };

  if (path != NULL)
    rt_dbus_put_string (&body, path);
  send_message (f, RT_DBUS_METHOD_RETURN, &h, path ? &body : NULL);
  rt_dbus_buf_free (&body);
}

static void
job_removed (struct fake_bus *f, unsigned id, const char *result)
{
  struct rt_dbus_head h = {
    .path = "/org/freedesktop/systemd1",
    .interface = "org.freedesktop.systemd1.Manager",
    .member = "JobRemoved",
    .signature = "uoss",
  };
  struct rt_dbus_buf body = { 0 };
  char path[64];

  snprintf (path, sizeof path, JOB_PATH "%u", id);
  rt_dbus_put_u32 (&body, id);
  rt_dbus_put_string (&body, path);
  rt_dbus_put_string (&body, "other.scope");
  rt_dbus_put_string (&body, result);
  send_message (f, RT_DBUS_SIGNAL, &h, &body);
  rt_dbus_buf_free (&body);
}

/* A call that queues a job: the manager's signals of other clients' jobs
 * come before its reply and after it, then its own. */
static void
queue_job (struct fake_bus *f, const struct rt_dbus_msg *call)
{
  unsigned id = f->next_job++;
  char path[64];

  snprintf (path, sizeof path, JOB_PATH "%u", id);
  job_removed (f, id + 1000, "failed");
  reply (f, call, path);
  job_removed (f, id + 2000, "canceled");
  job_removed (f, id, "done");
}

static bool
queues_job (const char *member)
{
  return strcmp (member, "StartTransientUnit") == 0 || strcmp (member, "StopUnit") == 0;
}

/* The bus's side of one connection: SASL, then every call answered and
 * its member written to log, one a line (AddMatch with any other rule
 * than JobRemoved's as "AddMatch?"). */
static void
serve (int fd, int log)
{
  struct fake_bus f = { .fd = fd, .next_job = 7 };
  struct rt_dbus_buf buf;
  struct rt_dbus_msg m;

  if (!read_through (&f, "DATA\r\n"))
    return;
  send (fd, "OK 0123456789abcdef0123456789abcdef\r\n", 37, MSG_NOSIGNAL);
  if (!read_through (&f, "BEGIN\r\n"))
    return;
  while (next_call (&f, &buf, &m))
    {
      struct rt_dbus_reader r;
      const char *rule = "";

      rt_dbus_reader_init (&r, &m);
      if (strcmp (m.h.member, "AddMatch") == 0 && rt_dbus_read_string (&r, &rule) == 0
          && strcmp (rule, RT_DBUS_JOBS_MATCH) != 0)
        dprintf (log, "AddMatch?\n");
      else
        dprintf (log, "%s\n", m.h.member);
      if (queues_job (m.h.member))
        queue_job (&f, &m);
      else
        reply (&f, &m, NULL);
      rt_dbus_buf_free (&buf);
    }
  rt_dbus_buf_free (&f.in);
}

struct fake
{
  pid_t pid;
  int log; /* the calls the bus saw */
};

/* A bus at an abstract socket of its own, named by
 * DBUS_SYSTEM_BUS_ADDRESS, serving one connection in a child. */
static struct fake
fake_bus_start (void)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  struct fake fake;
  int fd, log[2], n;
  char address[128];

  n = snprintf (sa.sun_path + 1, sizeof sa.sun_path - 1, "rt-unit-fake-bus-%d", (int) getpid ());
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  cr_assert_geq (fd, 0);
  cr_assert_eq (bind (fd, (struct sockaddr *) &sa, (socklen_t) (offsetof (struct sockaddr_un, sun_path) + 1 + n)), 0,
                "bind: %s", strerror (errno));
  cr_assert_eq (listen (fd, 1), 0);
  snprintf (address, sizeof address, "unix:abstract=%s", sa.sun_path + 1);
  cr_assert_eq (setenv ("DBUS_SYSTEM_BUS_ADDRESS", address, 1), 0);
  cr_assert_eq (pipe2 (log, O_CLOEXEC), 0);
  fake.pid = fork ();
  cr_assert_geq (fake.pid, 0);
  if (fake.pid == 0)
    {
      int conn = accept (fd, NULL, NULL);

      close (log[0]);
      if (conn >= 0)
        serve (conn, log[1]);
      _exit (0);
    }
  close (fd);
  close (log[1]);
  fake.log = log[0];
  return fake;
}

/* What the bus saw, once the client has closed its connection. */
static void
fake_bus_expect (struct fake fake, const char *calls)
{
  char seen[512];
  size_t len = 0;
  ssize_t n;
  int status;

  while ((n = read (fake.log, seen + len, sizeof seen - 1 - len)) > 0)
    len += (size_t) n;
  seen[len] = '\0';
  close (fake.log);
  cr_assert_eq (waitpid (fake.pid, &status, 0), fake.pid);
  cr_assert_str_eq (seen, calls);
}

Test (systemd_bus, properties_set_without_addmatch)
{
  struct fake fake = fake_bus_start ();
  struct rt_systemd_prop p = { .name = "TasksMax", .type = RT_SD_U64, .u = 10 };
  struct rt_systemd_props ps = { .p = &p, .len = 1 };
  struct rt_error err = RT_ERROR_INIT;
  struct rt_dbus *b;

  cr_assert_eq (rt_systemd_bus_open (false, &b, &err), 0, "%s", err.msg);
  cr_assert_eq (rt_systemd_bus_set_properties (b, "rt-x.scope", &ps, &err), 0, "%s", err.msg);
  rt_systemd_bus_close (b);
  fake_bus_expect (fake, "Hello\nSetUnitProperties\n");
}

Test (systemd_bus, jobs_watched_once_and_found)
{
  struct fake fake = fake_bus_start ();
  struct rt_systemd_props ps = { 0 };
  struct rt_error err = RT_ERROR_INIT;
  struct rt_dbus *b;

  cr_assert_eq (rt_systemd_bus_open (false, &b, &err), 0, "%s", err.msg);
  cr_assert_eq (rt_systemd_bus_start_unit (b, "rt-x.scope", &ps, &err), 0, "%s", err.msg);
  cr_assert_eq (rt_systemd_bus_stop_unit (b, "rt-x.scope", &err), 0, "%s", err.msg);
  rt_systemd_bus_close (b);
  fake_bus_expect (fake, "Hello\nAddMatch\nStartTransientUnit\nStopUnit\nResetFailedUnit\n");
}
