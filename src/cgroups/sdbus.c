#include "cgroups/sdbus.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-bus.h>

#include "util/cleanup.h"
#include "util/log.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
/* as runc: systemd answers in milliseconds unless it is stuck */
#define JOB_TIMEOUT_SEC 30

/* What rt calls in libsystemd, resolved once at open. */
#define SDBUS_FUNCTIONS(X)                                                                                             \
  X (sd_bus_open_system)                                                                                               \
  X (sd_bus_open_user)                                                                                                 \
  X (sd_bus_flush_close_unref)                                                                                         \
  X (sd_bus_message_new_method_call)                                                                                   \
  X (sd_bus_message_append)                                                                                            \
  X (sd_bus_message_append_array)                                                                                      \
  X (sd_bus_message_open_container)                                                                                    \
  X (sd_bus_message_close_container)                                                                                   \
  X (sd_bus_message_read)                                                                                              \
  X (sd_bus_message_unref)                                                                                             \
  X (sd_bus_call)                                                                                                      \
  X (sd_bus_error_free)                                                                                                \
  X (sd_bus_error_has_name)                                                                                            \
  X (sd_bus_match_signal)                                                                                              \
  X (sd_bus_slot_unref)                                                                                                \
  X (sd_bus_process)                                                                                                   \
  X (sd_bus_wait)                                                                                                      \
  X (sd_bus_get_property_string)

struct rt_sdbus
{
  void *lib;
  sd_bus *bus;
  bool user;
#define X(f) __typeof__ (f) *f;
  SDBUS_FUNCTIONS (X)
#undef X
};

static int
load (struct rt_sdbus *b, struct rt_error *err)
{
  b->lib = dlopen ("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
  if (b->lib == NULL)
    return rt_error_set (err, 0, "systemd cgroup driver: cannot load libsystemd.so.0 (install libsystemd0): %s",
                         dlerror ());
#define X(f)                                                                                                           \
  if ((b->f = (__typeof__ (f) *) dlsym (b->lib, #f)) == NULL)                                                          \
    return rt_error_set (err, 0, "systemd cgroup driver: libsystemd.so.0 has no %s (systemd too old)", #f);
  SDBUS_FUNCTIONS (X)
#undef X
  return 0;
}

int
rt_sdbus_open (bool user, struct rt_sdbus **out, struct rt_error *err)
{
  struct rt_sdbus *b = calloc (1, sizeof *b);
  int r;

  if (b == NULL)
    return rt_error_set (err, ENOMEM, "systemd");
  b->user = user;
  if (load (b, err) < 0)
    {
      rt_sdbus_close (b);
      return -1;
    }
  r = user ? b->sd_bus_open_user (&b->bus) : b->sd_bus_open_system (&b->bus);
  if (r < 0)
    {
      rt_error_set (err, -r, "systemd cgroup driver: connect to the %s bus", user ? "user's" : "system");
      rt_sdbus_close (b);
      return -1;
    }
  *out = b;
  return 0;
}

void
rt_sdbus_close (struct rt_sdbus *b)
{
  if (b == NULL)
    return;
  if (b->bus != NULL)
    b->sd_bus_flush_close_unref (b->bus);
  if (b->lib != NULL)
    dlclose (b->lib);
  free (b);
}

/* "context: the D-Bus error's message" */
static int
bus_error (struct rt_sdbus *b, sd_bus_error *e, int r, struct rt_error *err, const char *fmt, const char *arg)
{
  cleanup_free char *ctx = NULL;

  if (asprintf (&ctx, fmt, arg) < 0)
    ctx = NULL;
  if (e != NULL && e->message != NULL)
    rt_error_set (err, 0, "%s: %s", ctx ? ctx : "systemd", e->message);
  else
    rt_error_set (err, r < 0 ? -r : EIO, "%s", ctx ? ctx : "systemd");
  if (e != NULL)
    b->sd_bus_error_free (e);
  return -1;
}

static int
manager_string (struct rt_sdbus *b, const char *property, char **out)
{
  sd_bus_error e = SD_BUS_ERROR_NULL;
  int r = b->sd_bus_get_property_string (b->bus, SD_DEST, SD_PATH, SD_MANAGER, property, &e, out);

  b->sd_bus_error_free (&e);
  return r;
}

unsigned
rt_sdbus_version (struct rt_sdbus *b)
{
  cleanup_free char *v = NULL;

  if (manager_string (b, "Version", &v) < 0 || v == NULL)
    return 0;
  /* "252.38-1~deb12u1", or "v252..." from some builds */
  return (unsigned) strtoul (v + strspn (v, "v"), NULL, 10);
}

int
rt_sdbus_manager_cgroup (struct rt_sdbus *b, char **out, struct rt_error *err)
{
  int r = manager_string (b, "ControlGroup", out);

  if (r < 0)
    return rt_error_set (err, -r, "systemd: the manager's ControlGroup");
  if (**out == '\0')
    {
      free (*out);
      *out = strdup ("/");
      if (*out == NULL)
        return rt_error_set (err, ENOMEM, "systemd");
    }
  return 0;
}

static int
append_prop (struct rt_sdbus *b, sd_bus_message *m, const struct rt_systemd_prop *p)
{
  static const char *const sig[] = {
    [RT_SD_STRING] = "s", [RT_SD_BOOL] = "b", [RT_SD_U64] = "t",   [RT_SD_I64] = "x",
    [RT_SD_U32] = "u",    [RT_SD_I32] = "i",  [RT_SD_U32S] = "au", [RT_SD_BYTES] = "ay",
  };
  int r;

  if ((r = b->sd_bus_message_open_container (m, 'r', "sv")) < 0 || (r = b->sd_bus_message_append (m, "s", p->name)) < 0
      || (r = b->sd_bus_message_open_container (m, 'v', sig[p->type])) < 0)
    return r;
  switch (p->type)
    {
    case RT_SD_STRING:
      r = b->sd_bus_message_append (m, "s", p->s);
      break;
    case RT_SD_BOOL:
      r = b->sd_bus_message_append (m, "b", (int) p->b);
      break;
    case RT_SD_U64:
      r = b->sd_bus_message_append (m, "t", p->u);
      break;
    case RT_SD_I64:
      r = b->sd_bus_message_append (m, "x", (int64_t) p->u);
      break;
    case RT_SD_U32:
      r = b->sd_bus_message_append (m, "u", (uint32_t) p->u);
      break;
    case RT_SD_I32:
      r = b->sd_bus_message_append (m, "i", (int32_t) p->u);
      break;
    case RT_SD_U32S:
      r = b->sd_bus_message_append_array (m, 'u', p->u32s, p->n * sizeof (uint32_t));
      break;
    case RT_SD_BYTES:
      r = b->sd_bus_message_append_array (m, 'y', p->bytes, p->n);
      break;
    }
  if (r < 0 || (r = b->sd_bus_message_close_container (m)) < 0)
    return r;
  return b->sd_bus_message_close_container (m);
}

static int
append_props (struct rt_sdbus *b, sd_bus_message *m, const struct rt_systemd_props *props)
{
  size_t i;
  int r = b->sd_bus_message_open_container (m, 'a', "(sv)");

  for (i = 0; r >= 0 && props != NULL && i < props->len; i++)
    r = append_prop (b, m, &props->p[i]);
  return r < 0 ? r : b->sd_bus_message_close_container (m);
}

struct job_wait
{
  struct rt_sdbus *b;
  char *path; /* the job's object path, from the reply */
  char *result;
  bool done;
};

static int
on_job_removed (sd_bus_message *m, void *data, sd_bus_error *e)
{
  struct job_wait *w = data;
  struct rt_sdbus *b = w->b;
  const char *path = NULL, *unit = NULL, *result = NULL;
  uint32_t id;

  (void) e;
  if (b->sd_bus_message_read (m, "uoss", &id, &path, &unit, &result) < 0 || w->path == NULL
      || strcmp (path, w->path) != 0)
    return 0;
  w->result = strdup (result);
  w->done = true;
  return 0;
}

static double
now_sec (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* Call a manager method that queues a job (args: the unit and mode), and
 * wait for the job to be removed; *result is systemd's word for how it
 * ended ("done", "failed", "canceled"...). */
static int
call_job (struct rt_sdbus *b, sd_bus_message *call, const char *what, const char *unit, char **result, sd_bus_error *e,
          struct rt_error *err)
{
  struct job_wait w = { .b = b };
  sd_bus_slot *slot = NULL;
  sd_bus_message *reply = NULL;
  const char *path;
  double deadline;
  int r;

  /* the match first: the signal may come before the reply is read */
  r = b->sd_bus_match_signal (b->bus, &slot, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved", on_job_removed, &w);
  if (r < 0)
    return bus_error (b, NULL, r, err, "systemd: watch for JobRemoved (%s)", unit);
  r = b->sd_bus_call (b->bus, call, (uint64_t) JOB_TIMEOUT_SEC * 1000000, e, &reply);
  if (r < 0)
    goto out;
  r = b->sd_bus_message_read (reply, "o", &path);
  if (r < 0 || (w.path = strdup (path)) == NULL)
    {
      r = r < 0 ? r : -ENOMEM;
      goto out;
    }
  deadline = now_sec () + JOB_TIMEOUT_SEC;
  while (!w.done)
    {
      double left = deadline - now_sec ();
      r = b->sd_bus_process (b->bus, NULL);
      if (r < 0)
        goto out;
      if (r > 0)
        continue;
      if (left <= 0)
        {
          r = -ETIMEDOUT;
          rt_error_set (err, ETIMEDOUT, "systemd: %s `%s`: no answer within %d s", what, unit, JOB_TIMEOUT_SEC);
          goto out;
        }
      r = b->sd_bus_wait (b->bus, (uint64_t) (left * 1e6));
      if (r < 0 && r != -EINTR)
        goto out;
    }
  *result = w.result;
  w.result = NULL;
  r = *result == NULL ? -ENOMEM : 0;
out:
  free (w.path);
  free (w.result);
  b->sd_bus_message_unref (reply);
  b->sd_bus_slot_unref (slot);
  return r;
}

static int
new_call (struct rt_sdbus *b, const char *method, sd_bus_message **m)
{
  return b->sd_bus_message_new_method_call (b->bus, m, SD_DEST, SD_PATH, SD_MANAGER, method);
}

static int
reset_failed (struct rt_sdbus *b, const char *unit)
{
  sd_bus_message *m = NULL, *reply = NULL;
  sd_bus_error e = SD_BUS_ERROR_NULL;
  int r = new_call (b, "ResetFailedUnit", &m);

  if (r >= 0 && (r = b->sd_bus_message_append (m, "s", unit)) >= 0)
    r = b->sd_bus_call (b->bus, m, 0, &e, &reply);
  b->sd_bus_error_free (&e);
  b->sd_bus_message_unref (m);
  b->sd_bus_message_unref (reply);
  return r;
}

static int
start_once (struct rt_sdbus *b, const char *unit, const struct rt_systemd_props *props, sd_bus_error *e,
            struct rt_error *err)
{
  sd_bus_message *m = NULL;
  cleanup_free char *result = NULL;
  int r = new_call (b, "StartTransientUnit", &m);

  /* mode "fail": never replace a job already queued for the unit */
  if (r >= 0 && (r = b->sd_bus_message_append (m, "ss", unit, "fail")) >= 0 && (r = append_props (b, m, props)) >= 0
      && (r = b->sd_bus_message_append (m, "a(sa(sv))", 0)) >= 0)
    r = call_job (b, m, "start unit", unit, &result, e, err);
  b->sd_bus_message_unref (m);
  if (r < 0)
    return r;
  if (strcmp (result, "done") != 0)
    {
      rt_error_set (err, 0, "systemd: start unit `%s`: the job ended `%s` (see `journalctl -u %s`)", unit, result,
                    unit);
      return -EIO;
    }
  return 0;
}

int
rt_sdbus_start_unit (struct rt_sdbus *b, const char *unit, const struct rt_systemd_props *props, struct rt_error *err)
{
  sd_bus_error e = SD_BUS_ERROR_NULL;
  int r = start_once (b, unit, props, &e, err);

  if (r < 0 && b->sd_bus_error_has_name (&e, "org.freedesktop.systemd1.UnitExists"))
    {
      /* a unit that failed before keeps its name until it is reset */
      b->sd_bus_error_free (&e);
      reset_failed (b, unit);
      r = start_once (b, unit, props, &e, err);
      if (r < 0 && b->sd_bus_error_has_name (&e, "org.freedesktop.systemd1.UnitExists"))
        {
          b->sd_bus_error_free (&e);
          return rt_error_set (err, 0,
                               "systemd: unit `%s` already exists (another container of that name, or "
                               "linux.cgroupsPath names a unit in use)",
                               unit);
        }
    }
  if (r < 0 && err->msg == NULL)
    return bus_error (b, &e, r, err, "systemd: start unit `%s`", unit);
  b->sd_bus_error_free (&e);
  return r < 0 ? -1 : 0;
}

int
rt_sdbus_set_properties (struct rt_sdbus *b, const char *unit, const struct rt_systemd_props *props,
                         struct rt_error *err)
{
  sd_bus_message *m = NULL, *reply = NULL;
  sd_bus_error e = SD_BUS_ERROR_NULL;
  int r = new_call (b, "SetUnitProperties", &m);

  if (r >= 0 && (r = b->sd_bus_message_append (m, "sb", unit, 1)) >= 0 && (r = append_props (b, m, props)) >= 0)
    r = b->sd_bus_call (b->bus, m, (uint64_t) JOB_TIMEOUT_SEC * 1000000, &e, &reply);
  b->sd_bus_message_unref (m);
  b->sd_bus_message_unref (reply);
  if (r < 0)
    return bus_error (b, &e, r, err, "systemd: set the properties of `%s`", unit);
  b->sd_bus_error_free (&e);
  return 0;
}

int
rt_sdbus_stop_unit (struct rt_sdbus *b, const char *unit, struct rt_error *err)
{
  sd_bus_message *m = NULL;
  sd_bus_error e = SD_BUS_ERROR_NULL;
  cleanup_free char *result = NULL;
  int r = new_call (b, "StopUnit", &m);

  if (r >= 0 && (r = b->sd_bus_message_append (m, "ss", unit, "replace")) >= 0)
    r = call_job (b, m, "stop unit", unit, &result, &e, err);
  b->sd_bus_message_unref (m);
  /* NoSuchUnit: gone already (with its last process, a scope goes) */
  if (r < 0 && !b->sd_bus_error_has_name (&e, "org.freedesktop.systemd1.NoSuchUnit"))
    return err->msg ? -1 : bus_error (b, &e, r, err, "systemd: stop unit `%s`", unit);
  b->sd_bus_error_free (&e);
  if (result != NULL && strcmp (result, "done") != 0)
    rt_log_debug ("systemd: stop unit `%s`: the job ended `%s`", unit, result);
  reset_failed (b, unit);
  return 0;
}
