#include "cgroups/systemd_bus.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/dbus.h"
#include "util/cleanup.h"
#include "util/log.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
/* as runc: systemd answers in milliseconds unless it is stuck */
#define JOB_TIMEOUT_SEC 30
#define TIMEOUT_MS (JOB_TIMEOUT_SEC * 1000)

int
rt_systemd_bus_open (bool user, struct rt_dbus **out, struct rt_error *err)
{
  if (rt_dbus_open (user, out, err) < 0)
    return rt_error_prefix (err, "systemd cgroup driver: connect to the %s bus", user ? "user's" : "system");
  return 0;
}

void
rt_systemd_bus_close (struct rt_dbus *b)
{
  rt_dbus_close (b);
}

static struct rt_dbus_head
manager_call (const char *method, const char *signature)
{
  return (struct rt_dbus_head){
    .destination = SD_DEST,
    .path = SD_PATH,
    .interface = SD_MANAGER,
    .member = method,
    .signature = signature,
  };
}

/* A string property of the manager (org.freedesktop.DBus.Properties.Get,
 * whose answer is a variant). */
static int
manager_string (struct rt_dbus *b, const char *property, char **out, struct rt_error *err)
{
  struct rt_dbus_head get = {
    .destination = SD_DEST,
    .path = SD_PATH,
    .interface = "org.freedesktop.DBus.Properties",
    .member = "Get",
    .signature = "ss",
  };
  struct rt_dbus_buf body = { 0 };
  struct rt_dbus_reply reply;
  struct rt_dbus_reader rd;
  const char *sig, *value;
  int r;

  rt_dbus_put_string (&body, SD_MANAGER);
  rt_dbus_put_string (&body, property);
  r = rt_dbus_call (b, &get, &body, TIMEOUT_MS, &reply, err);
  rt_dbus_buf_free (&body);
  if (r < 0)
    return -1;
  rt_dbus_reader_init (&rd, &reply.msg);
  if (strcmp (reply.msg.h.signature, "v") != 0 || rt_dbus_read_signature (&rd, &sig) < 0 || strcmp (sig, "s") != 0
      || rt_dbus_read_string (&rd, &value) < 0)
    r = rt_error_set (err, EBADMSG, "the manager's %s is not a string", property);
  else if ((*out = strdup (value)) == NULL)
    r = rt_error_set (err, ENOMEM, "systemd");
  rt_dbus_reply_free (&reply);
  return r;
}

unsigned
rt_systemd_bus_version (struct rt_dbus *b)
{
  struct rt_error e = RT_ERROR_INIT;
  cleanup_free char *v = NULL;

  if (manager_string (b, "Version", &v, &e) < 0)
    {
      rt_error_clear (&e);
      return 0;
    }
  /* "252.38-1~deb12u1", or "v252..." from some builds */
  return (unsigned) strtoul (v + strspn (v, "v"), NULL, 10);
}

int
rt_systemd_bus_manager_cgroup (struct rt_dbus *b, char **out, struct rt_error *err)
{
  if (manager_string (b, "ControlGroup", out, err) < 0)
    return rt_error_prefix (err, "systemd: the manager's ControlGroup");
  if (**out == '\0')
    {
      free (*out);
      *out = strdup ("/");
      if (*out == NULL)
        return rt_error_set (err, ENOMEM, "systemd");
    }
  return 0;
}

static void
put_prop (struct rt_dbus_buf *m, const struct rt_systemd_prop *p)
{
  static const char *const sig[] = {
    [RT_SD_STRING] = "s", [RT_SD_BOOL] = "b", [RT_SD_U64] = "t",   [RT_SD_I64] = "x",
    [RT_SD_U32] = "u",    [RT_SD_I32] = "i",  [RT_SD_U32S] = "au", [RT_SD_BYTES] = "ay",
  };
  struct rt_dbus_array a;
  size_t i;

  rt_dbus_pad (m, 8); /* (sv) */
  rt_dbus_put_string (m, p->name);
  rt_dbus_put_signature (m, sig[p->type]);
  switch (p->type)
    {
    case RT_SD_STRING:
      rt_dbus_put_string (m, p->s);
      break;
    case RT_SD_BOOL:
      rt_dbus_put_u32 (m, p->b ? 1 : 0);
      break;
    case RT_SD_U64:
    case RT_SD_I64:
      rt_dbus_put_u64 (m, p->u);
      break;
    case RT_SD_U32:
    case RT_SD_I32:
      rt_dbus_put_u32 (m, (uint32_t) p->u);
      break;
    case RT_SD_U32S:
      a = rt_dbus_array_open (m, 4);
      for (i = 0; i < p->n; i++)
        rt_dbus_put_u32 (m, p->u32s[i]);
      rt_dbus_array_close (m, a);
      break;
    case RT_SD_BYTES:
      a = rt_dbus_array_open (m, 1);
      for (i = 0; i < p->n; i++)
        rt_dbus_put_byte (m, p->bytes[i]);
      rt_dbus_array_close (m, a);
      break;
    }
}

/* a(sv) */
static void
put_props (struct rt_dbus_buf *m, const struct rt_systemd_props *props)
{
  struct rt_dbus_array a = rt_dbus_array_open (m, 8);
  size_t i;

  for (i = 0; props != NULL && i < props->len; i++)
    put_prop (m, &props->p[i]);
  rt_dbus_array_close (m, a);
}

/* Call a manager method that queues a job (its reply: the job's path) and
 * wait for the job to be removed; *result is systemd's word for how it
 * ended ("done", "failed", "canceled"...). On an error reply, *error_name
 * is its name (heap). */
static int
call_job (struct rt_dbus *b, const struct rt_dbus_head *call, const struct rt_dbus_buf *body, char **result,
          char **error_name, struct rt_error *err)
{
  struct rt_dbus_reply reply;
  struct rt_dbus_reader rd;
  const char *path;
  int r;

  /* the job's end is a signal, which the bus sends only to who asked
   * before (the manager sends a job's JobRemoved to the client that
   * queued it, without Subscribe); asked here, not at open, so that a
   * command that queues no job (update) saves the round trip */
  if (rt_dbus_watch_jobs (b, TIMEOUT_MS, err) < 0)
    return -1;
  r = rt_dbus_call (b, call, body, TIMEOUT_MS, &reply, err);
  if (r < 0)
    {
      *error_name = reply.error_name;
      reply.error_name = NULL;
      rt_dbus_reply_free (&reply);
      return -1;
    }
  rt_dbus_reader_init (&rd, &reply.msg);
  if (strcmp (reply.msg.h.signature, "o") != 0 || rt_dbus_read_string (&rd, &path) < 0)
    r = rt_error_set (err, EBADMSG, "%s: the reply names no job", call->member);
  else if (rt_dbus_expect_job (b, path, err) < 0 || rt_dbus_wait_job (b, path, TIMEOUT_MS, result, err) < 0)
    r = -1;
  rt_dbus_reply_free (&reply);
  return r;
}

static bool
named (const char *error_name, const char *suffix)
{
  static const char prefix[] = "org.freedesktop.systemd1.";

  return error_name != NULL && strncmp (error_name, prefix, sizeof prefix - 1) == 0
         && strcmp (error_name + sizeof prefix - 1, suffix) == 0;
}

static void
reset_failed (struct rt_dbus *b, const char *unit)
{
  struct rt_dbus_head call = manager_call ("ResetFailedUnit", "s");
  struct rt_dbus_buf body = { 0 };
  struct rt_error e = RT_ERROR_INIT;
  struct rt_dbus_reply reply;

  rt_dbus_put_string (&body, unit);
  rt_dbus_call (b, &call, &body, TIMEOUT_MS, &reply, &e);
  rt_dbus_reply_free (&reply);
  rt_dbus_buf_free (&body);
  rt_error_clear (&e);
}

static int
start_once (struct rt_dbus *b, const char *unit, const struct rt_systemd_props *props, char **error_name,
            struct rt_error *err)
{
  struct rt_dbus_head call = manager_call ("StartTransientUnit", "ssa(sv)a(sa(sv))");
  struct rt_dbus_buf body = { 0 };
  cleanup_free char *result = NULL;
  int r;

  rt_dbus_put_string (&body, unit);
  rt_dbus_put_string (&body, "fail"); /* never replace a job already queued for the unit */
  put_props (&body, props);
  rt_dbus_array_close (&body, rt_dbus_array_open (&body, 8)); /* no auxiliary units */
  r = call_job (b, &call, &body, &result, error_name, err);
  rt_dbus_buf_free (&body);
  if (r < 0)
    return -1;
  if (strcmp (result, "done") != 0)
    return rt_error_set (err, 0, "the job ended `%s` (see `journalctl -u %s`)", result, unit);
  return 0;
}

int
rt_systemd_bus_start_unit (struct rt_dbus *b, const char *unit, const struct rt_systemd_props *props,
                           struct rt_error *err)
{
  cleanup_free char *error_name = NULL;
  int r = start_once (b, unit, props, &error_name, err);

  if (r < 0 && named (error_name, "UnitExists"))
    {
      /* a unit that failed before keeps its name until it is reset */
      free (error_name);
      error_name = NULL;
      reset_failed (b, unit);
      r = start_once (b, unit, props, &error_name, err);
      if (r < 0 && named (error_name, "UnitExists"))
        return rt_error_set (err, 0,
                             "systemd: unit `%s` already exists (another container of that name, or "
                             "linux.cgroupsPath names a unit in use)",
                             unit);
    }
  return r < 0 ? rt_error_prefix (err, "systemd: start unit `%s`", unit) : 0;
}

int
rt_systemd_bus_set_properties (struct rt_dbus *b, const char *unit, const struct rt_systemd_props *props,
                               struct rt_error *err)
{
  struct rt_dbus_head call = manager_call ("SetUnitProperties", "sba(sv)");
  struct rt_dbus_buf body = { 0 };
  struct rt_dbus_reply reply;
  int r;

  rt_dbus_put_string (&body, unit);
  rt_dbus_put_u32 (&body, 1); /* runtime: gone with the unit */
  put_props (&body, props);
  r = rt_dbus_call (b, &call, &body, TIMEOUT_MS, &reply, err);
  rt_dbus_reply_free (&reply);
  rt_dbus_buf_free (&body);
  return r < 0 ? rt_error_prefix (err, "systemd: set the properties of `%s`", unit) : 0;
}

int
rt_systemd_bus_stop_unit (struct rt_dbus *b, const char *unit, struct rt_error *err)
{
  struct rt_dbus_head call = manager_call ("StopUnit", "ss");
  struct rt_dbus_buf body = { 0 };
  cleanup_free char *result = NULL, *error_name = NULL;
  int r;

  rt_dbus_put_string (&body, unit);
  rt_dbus_put_string (&body, "replace");
  r = call_job (b, &call, &body, &result, &error_name, err);
  rt_dbus_buf_free (&body);
  /* NoSuchUnit: gone already (with its last process, a scope goes) */
  if (r < 0 && !named (error_name, "NoSuchUnit"))
    return rt_error_prefix (err, "systemd: stop unit `%s`", unit);
  rt_error_clear (err);
  if (result != NULL && strcmp (result, "done") != 0)
    rt_log_debug ("systemd: stop unit `%s`: the job ended `%s`", unit, result);
  reset_failed (b, unit);
  return 0;
}
