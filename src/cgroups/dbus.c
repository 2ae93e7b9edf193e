#include "cgroups/dbus.h"

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/dbus_jobs.h"
#include "util/cleanup.h"

struct rt_dbus
{
  int fd;
  uint32_t serial;
  struct rt_dbus_buf in; /* bytes read, not yet a whole message */
  struct rt_dbus_jobs jobs;
  bool watching_jobs; /* AddMatch for JobRemoved done */
};

static long long
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
send_all (struct rt_dbus *c, const void *data, size_t len, struct rt_error *err)
{
  const char *p = data;

  while (len > 0)
    {
      ssize_t n = send (c->fd, p, len, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return rt_error_set (err, errno, "D-Bus: send");
      p += n;
      len -= (size_t) n;
    }
  return 0;
}

/* Read more bytes into c->in, waiting until deadline (ms, monotonic). */
static int
receive (struct rt_dbus *c, long long deadline, struct rt_error *err)
{
  struct pollfd p = { .fd = c->fd, .events = POLLIN };
  ssize_t n;

  for (;;)
    {
      long long left = deadline - now_ms ();
      int r;

      if (left <= 0)
        return rt_error_set (err, ETIMEDOUT, "D-Bus: no answer");
      r = poll (&p, 1, (int) left);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return rt_error_set (err, errno, "D-Bus: poll");
      if (r > 0)
        break;
    }
  if (!rt_dbus_buf_reserve (&c->in, 4096))
    return rt_error_set (err, ENOMEM, "D-Bus");
  do
    n = recv (c->fd, c->in.data + c->in.len, c->in.cap - c->in.len, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return rt_error_set (err, errno, "D-Bus: receive");
  if (n == 0)
    return rt_error_set (err, ECONNRESET, "D-Bus: the bus closed the connection");
  c->in.len += (size_t) n;
  return 0;
}

/* The next whole message, moved out of c->in into *out. */
static int
next_message (struct rt_dbus *c, long long deadline, struct rt_dbus_buf *out, struct rt_error *err)
{
  size_t size = 0;

  while (c->in.len < 16 || (size = rt_dbus_msg_size (c->in.data)) == 0 || c->in.len < size)
    {
      if (c->in.len >= 16 && size == 0)
        return rt_error_set (err, EBADMSG, "D-Bus: not a message");
      if (receive (c, deadline, err) < 0)
        return -1;
    }
  memset (out, 0, sizeof *out);
  if ((out->data = malloc (size)) == NULL)
    return rt_error_set (err, ENOMEM, "D-Bus");
  memcpy (out->data, c->in.data, size);
  out->len = out->cap = size;
  memmove (c->in.data, c->in.data + size, c->in.len - size);
  c->in.len -= size;
  return 0;
}

void
rt_dbus_reply_free (struct rt_dbus_reply *r)
{
  rt_dbus_buf_free (&r->buf);
  free (r->error_name);
  memset (r, 0, sizeof *r);
}

static int
error_reply (struct rt_dbus_reply *reply, struct rt_error *err)
{
  struct rt_dbus_reader r;
  const char *text = NULL;

  reply->error_name = strdup (reply->msg.h.error_name ? reply->msg.h.error_name : "");
  rt_dbus_reader_init (&r, &reply->msg);
  if (reply->msg.h.signature[0] != 's' || rt_dbus_read_string (&r, &text) < 0)
    text = reply->error_name;
  return rt_error_set (err, 0, "%s", text ? text : "D-Bus error");
}

int
rt_dbus_call (struct rt_dbus *c, const struct rt_dbus_head *h, const struct rt_dbus_buf *body, int timeout_ms,
              struct rt_dbus_reply *reply, struct rt_error *err)
{
  struct rt_dbus_buf msg = { 0 };
  long long deadline = now_ms () + timeout_ms;
  uint32_t serial = ++c->serial;
  int r = rt_dbus_message (&msg, RT_DBUS_METHOD_CALL, serial, h, body);

  memset (reply, 0, sizeof *reply);
  if (r < 0)
    {
      rt_dbus_buf_free (&msg);
      return rt_error_set (err, -r, "D-Bus: %s", h->member);
    }
  r = send_all (c, msg.data, msg.len, err);
  rt_dbus_buf_free (&msg);
  while (r == 0)
    {
      if (next_message (c, deadline, &reply->buf, err) < 0)
        return -1;
      if (rt_dbus_msg_parse (reply->buf.data, reply->buf.len, &reply->msg) < 0)
        {
          rt_dbus_reply_free (reply);
          return rt_error_set (err, EBADMSG, "D-Bus: a message that does not parse");
        }
      if ((reply->msg.type == RT_DBUS_METHOD_RETURN || reply->msg.type == RT_DBUS_ERROR)
          && reply->msg.h.reply_serial == serial)
        return reply->msg.type == RT_DBUS_ERROR ? error_reply (reply, err) : 0;
      /* a signal: kept only when it ends a job rt queued */
      rt_dbus_jobs_removed (&c->jobs, &reply->msg);
      rt_dbus_reply_free (reply);
    }
  return -1;
}

int
rt_dbus_watch_jobs (struct rt_dbus *c, int timeout_ms, struct rt_error *err)
{
  struct rt_dbus_head match = rt_dbus_daemon_method ("AddMatch", "s");
  struct rt_dbus_buf body = { 0 };
  struct rt_dbus_reply reply;
  int r;

  if (c->watching_jobs)
    return 0;
  rt_dbus_put_string (&body, RT_DBUS_JOBS_MATCH);
  r = rt_dbus_call (c, &match, &body, timeout_ms, &reply, err);
  rt_dbus_buf_free (&body);
  rt_dbus_reply_free (&reply);
  if (r < 0)
    return rt_error_prefix (err, "D-Bus: watch for JobRemoved");
  c->watching_jobs = true;
  return 0;
}

int
rt_dbus_expect_job (struct rt_dbus *c, const char *job_path, struct rt_error *err)
{
  int r;

  /* else the signal never comes, and the wait would last its timeout */
  if (!c->watching_jobs)
    return rt_error_set (err, EINVAL, "D-Bus: job %s expected without watching for JobRemoved", job_path);
  r = rt_dbus_jobs_expect (&c->jobs, job_path);
  return r < 0 ? rt_error_set (err, -r, "D-Bus: expect job %s", job_path) : 0;
}

int
rt_dbus_wait_job (struct rt_dbus *c, const char *job_path, int timeout_ms, char **result, struct rt_error *err)
{
  long long deadline = now_ms () + timeout_ms;
  int r;

  while ((r = rt_dbus_jobs_take (&c->jobs, job_path, result)) == 0)
    {
      struct rt_dbus_buf buf;
      struct rt_dbus_msg m;

      if (next_message (c, deadline, &buf, err) < 0)
        {
          rt_dbus_jobs_forget (&c->jobs, job_path);
          return -1;
        }
      if (rt_dbus_msg_parse (buf.data, buf.len, &m) == 0)
        rt_dbus_jobs_removed (&c->jobs, &m);
      rt_dbus_buf_free (&buf);
    }
  if (r < 0)
    return rt_error_set (err, EINVAL, "D-Bus: wait for job %s, which rt did not expect", job_path);
  return 0;
}

static int
connect_address (const char *address, struct rt_error *err)
{
  cleanup_free char *path = NULL;
  cleanup_close int fd = -1;
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  size_t off = 0, n;
  bool abstract;
  int r = rt_dbus_address_socket (address, &path, &abstract);

  if (r < 0)
    return rt_error_set (err, -r, "bus address `%s`", address);
  n = strlen (path);
  if (abstract)
    off = 1; /* sun_path[0] stays '\0' */
  if (off + n > sizeof sa.sun_path)
    return rt_error_set (err, ENAMETOOLONG, "bus socket `%s`", path);
  memcpy (sa.sun_path + off, path, n);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return rt_error_set (err, errno, "socket");
  if (connect (fd, (struct sockaddr *) &sa, (socklen_t) (offsetof (struct sockaddr_un, sun_path) + off + n)) < 0)
    return rt_error_set (err, errno, "connect to %s%s", abstract ? "@" : "", path);
  return rt_steal_fd (&fd);
}

/* SASL EXTERNAL: the kernel tells the bus who rt is. Then BEGIN, and the
 * bus speaks D-Bus. */
static int
authenticate (struct rt_dbus *c, struct rt_error *err)
{
  long long deadline = now_ms () + 10000;
  int r = 0;

  if (send_all (c, RT_DBUS_AUTH, sizeof RT_DBUS_AUTH - 1, err) < 0)
    return -1;
  while (r == 0)
    {
      char *eol;
      size_t n;

      while (c->in.len == 0 || (eol = memmem (c->in.data, c->in.len, "\r\n", 2)) == NULL)
        if (receive (c, deadline, err) < 0)
          return -1;
      *eol = '\0';
      r = rt_dbus_auth_answer ((char *) c->in.data);
      if (r < 0)
        return rt_error_set (err, EACCES, "the bus refused rt: %.60s", (char *) c->in.data);
      n = (size_t) (eol + 2 - (char *) c->in.data);
      c->in.len -= n;
      memmove (c->in.data, c->in.data + n, c->in.len);
    }
  return send_all (c, "BEGIN\r\n", 7, err);
}

static char *
bus_address (bool user)
{
  const char *env = getenv (user ? "DBUS_SESSION_BUS_ADDRESS" : "DBUS_SYSTEM_BUS_ADDRESS");
  const char *run = getenv ("XDG_RUNTIME_DIR");
  char *a = NULL;

  if (env != NULL && *env != '\0')
    return strdup (env);
  if (!user)
    return strdup ("unix:path=/run/dbus/system_bus_socket");
  if (run == NULL || *run == '\0')
    {
      errno = ENOMEDIUM; /* as sd-bus: no session bus to be found */
      return NULL;
    }
  if (asprintf (&a, "unix:path=%s/bus", run) < 0)
    return NULL;
  return a;
}

struct rt_dbus_head
rt_dbus_daemon_method (const char *member, const char *signature)
{
  return (struct rt_dbus_head){
    .destination = "org.freedesktop.DBus",
    .path = "/org/freedesktop/DBus",
    .interface = "org.freedesktop.DBus",
    .member = member,
    .signature = signature,
  };
}

int
rt_dbus_open (bool user, struct rt_dbus **out, struct rt_error *err)
{
  struct rt_dbus_head hello = rt_dbus_daemon_method ("Hello", NULL);
  cleanup_free char *address = bus_address (user);
  struct rt_dbus *c;
  struct rt_dbus_reply reply;

  if (address == NULL)
    return rt_error_set (err, errno ? errno : ENOMEM, "no address for the %s bus", user ? "user's" : "system");
  if ((c = calloc (1, sizeof *c)) == NULL)
    return rt_error_set (err, ENOMEM, "D-Bus");
  c->fd = connect_address (address, err);
  if (c->fd < 0 || authenticate (c, err) < 0 || rt_dbus_call (c, &hello, NULL, 10000, &reply, err) < 0)
    {
      rt_dbus_close (c);
      return -1;
    }
  rt_dbus_reply_free (&reply);
  *out = c;
  return 0;
}

void
rt_dbus_close (struct rt_dbus *c)
{
  if (c == NULL)
    return;
  if (c->fd >= 0)
    close (c->fd);
  rt_dbus_jobs_free (&c->jobs);
  rt_dbus_buf_free (&c->in);
  free (c);
}
