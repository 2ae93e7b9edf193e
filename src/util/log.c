#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

static int log_fd = -1;
static enum rt_log_format log_format = RT_LOG_TEXT;
static bool log_debug;

int
rt_log_open (const char *path, enum rt_log_format format, bool debug, struct rt_error *err)
{
  log_format = format;
  log_debug = debug;
  if (path == NULL)
    return 0;
  log_fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (log_fd < 0)
    return rt_error_set (err, errno, "open log file `%s`", path);
  return 0;
}

void
rt_log_close (void)
{
  if (log_fd >= 0)
    close (log_fd);
  log_fd = -1;
}

/* UTC by arithmetic (days to civil date, proleptic Gregorian): glibc's
 * gmtime_r reads /etc/localtime first, a file rt has no use for. */
void
rt_time_rfc3339 (const struct timespec *ts, char *buf, size_t size)
{
  long long days = ts->tv_sec / 86400, secs = ts->tv_sec % 86400;
  long long era, doe, yoe, doy, mp, y, m, d;

  days += 719468; /* days from 0000-03-01 to 1970-01-01 */
  era = days / 146097;
  doe = days - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = yoe + era * 400 + (m <= 2);
  snprintf (buf, size, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%09ldZ", y, m, d, secs / 3600, secs / 60 % 60,
            secs % 60, ts->tv_nsec);
}

static void
timestamp (char *buf, size_t size)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  rt_time_rfc3339 (&ts, buf, size);
}

static void
write_json_line (int fd, const char *level, const char *msg)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  const unsigned char *buf;
  size_t len;
  char ts[64];

  if (g == NULL)
    return;
  timestamp (ts, sizeof ts);
  yajl_gen_map_open (g);
  yajl_gen_string (g, (const unsigned char *) "level", 5);
  yajl_gen_string (g, (const unsigned char *) level, strlen (level));
  yajl_gen_string (g, (const unsigned char *) "msg", 3);
  yajl_gen_string (g, (const unsigned char *) msg, strlen (msg));
  yajl_gen_string (g, (const unsigned char *) "time", 4);
  yajl_gen_string (g, (const unsigned char *) ts, strlen (ts));
  yajl_gen_map_close (g);
  if (yajl_gen_get_buf (g, &buf, &len) == yajl_gen_status_ok)
    dprintf (fd, "%.*s\n", (int) len, (const char *) buf);
  yajl_gen_free (g);
}

/* A message is one line, whatever a container id or a path holds. */
static void
one_line (char *msg)
{
  for (; *msg; msg++)
    if (*msg == '\n' || *msg == '\r')
      *msg = ' ';
}

/* msg as a Go string literal, as logrus' text format quotes values */
static char *
quoted (const char *msg)
{
  char *q = malloc (strlen (msg) * 2 + 3), *o = q;
  const char *p;

  if (q == NULL)
    return NULL;
  *o++ = '"';
  for (p = msg; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        *o++ = '\\';
      *o++ = *p;
    }
  *o++ = '"';
  *o = '\0';
  return q;
}

/* One line, in one write (the log is shared, O_APPEND), as runc writes
 * it with logrus: text `time="..." level=... msg="..."`, or JSON. */
static void
write_line (int fd, const char *level, const char *msg)
{
  char ts[64], *q;

  if (log_format == RT_LOG_JSON)
    {
      write_json_line (fd, level, msg);
      return;
    }
  timestamp (ts, sizeof ts);
  q = quoted (msg);
  if (q != NULL)
    dprintf (fd, "time=\"%s\" level=%s msg=%s\n", ts, level, q);
  free (q);
}

static void
log_message (const char *level, bool to_stderr, const char *fmt, va_list ap)
{
  struct sigaction ignore = { .sa_handler = SIG_IGN }, old;
  char *msg = NULL;

  if (vasprintf (&msg, fmt, ap) < 0)
    {
      /* the message itself did not fit in memory: say that much */
      if (to_stderr)
        fputs ("rt: out of memory\n", stderr);
      return;
    }
  one_line (msg);
  /* a reader of stderr that has gone (`rt ... | head`) must not kill rt
   * half-way through a create: the write fails instead of SIGPIPE */
  sigaction (SIGPIPE, &ignore, &old);
  if (to_stderr)
    {
      fprintf (stderr, "rt: %s\n", msg);
      fflush (stderr);
    }
  if (log_fd >= 0)
    write_line (log_fd, level, msg);
  else if (!to_stderr)
    /* debug lines without --log go to stderr, as runc's do */
    write_line (STDERR_FILENO, level, msg);
  sigaction (SIGPIPE, &old, NULL);
  free (msg);
}

void
rt_log_error (const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  log_message ("error", true, fmt, ap);
  va_end (ap);
}

void
rt_log_warning (const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  log_message ("warning", true, fmt, ap);
  va_end (ap);
}

void
rt_log_debug (const char *fmt, ...)
{
  va_list ap;

  if (!log_debug)
    return;
  va_start (ap, fmt);
  log_message ("debug", false, fmt, ap);
  va_end (ap);
}
