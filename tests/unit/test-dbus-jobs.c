/* The JobRemoved signals a connection keeps: only those of the jobs rt
 * queued, however many the bus sends, in a bounded table. */
#include "cgroups/dbus_jobs.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SD_MANAGER "org.freedesktop.systemd1.Manager"

/* A signal as the manager sends it, taken apart into *m (*buf holds its
 * bytes). */
static void
signal_of (struct rt_dbus_buf *buf, struct rt_dbus_msg *m, const char *interface, const char *member,
           const char *signature, const char *job, const char *result)
{
  struct rt_dbus_head h = {
    .path = "/org/freedesktop/systemd1",
    .interface = interface,
    .member = member,
    .signature = signature,
    .sender = ":1.1",
  };
  struct rt_dbus_buf body = { 0 };

  rt_dbus_put_u32 (&body, 7);
  rt_dbus_put_string (&body, job);
  rt_dbus_put_string (&body, "rt-x.scope");
  if (result != NULL)
    rt_dbus_put_string (&body, result);
  memset (buf, 0, sizeof *buf);
  cr_assert_eq (rt_dbus_message (buf, RT_DBUS_SIGNAL, 3, &h, &body), 0);
  cr_assert_eq (rt_dbus_msg_parse (buf->data, buf->len, m), 0);
  rt_dbus_buf_free (&body);
}

/* JobRemoved of job ending result: whether the table kept it. */
static bool
removed (struct rt_dbus_jobs *j, const char *job, const char *result)
{
  struct rt_dbus_buf buf;
  struct rt_dbus_msg m;
  bool kept;

  signal_of (&buf, &m, SD_MANAGER, "JobRemoved", "uoss", job, result);
  kept = rt_dbus_jobs_removed (j, &m);
  rt_dbus_buf_free (&buf);
  return kept;
}

static size_t
slots_used (const struct rt_dbus_jobs *j)
{
  size_t i, n = 0;

  for (i = 0; i < RT_DBUS_MAX_JOBS; i++)
    n += j->job[i].path != NULL;
  return n;
}

Test (dbus_jobs, only_expected_jobs_kept)
{
  struct rt_dbus_jobs j = { 0 };
  char *result = NULL;

  cr_assert_eq (rt_dbus_jobs_expect (&j, "/org/freedesktop/systemd1/job/42"), 0);
  cr_assert_eq (rt_dbus_jobs_take (&j, "/org/freedesktop/systemd1/job/42", &result), 0, "not removed yet");
  /* another client's job */
  cr_assert_not (removed (&j, "/org/freedesktop/systemd1/job/41", "done"));
  cr_assert_eq (rt_dbus_jobs_take (&j, "/org/freedesktop/systemd1/job/41", &result), -ENOENT);
  cr_assert (removed (&j, "/org/freedesktop/systemd1/job/42", "failed"));
  cr_assert_eq (rt_dbus_jobs_take (&j, "/org/freedesktop/systemd1/job/42", &result), 1);
  cr_assert_str_eq (result, "failed");
  free (result);
  /* taken: forgotten, and its slot free */
  cr_assert_eq (rt_dbus_jobs_take (&j, "/org/freedesktop/systemd1/job/42", &result), -ENOENT);
  cr_assert_eq (slots_used (&j), 0);
  rt_dbus_jobs_free (&j);
}

Test (dbus_jobs, other_messages_not_kept)
{
  static const struct
  {
    const char *interface, *member, *signature, *result;
  } cases[] = {
    { SD_MANAGER, "JobNew", "uos", NULL },
    { "org.example.Manager", "JobRemoved", "uoss", "done" },
    { SD_MANAGER, "JobRemoved", "uos", NULL }, /* no result */
    { SD_MANAGER, "JobRemoved", "uoso", "done" },
  };
  struct rt_dbus_jobs j = { 0 };
  char *result = NULL;
  size_t i;

  cr_assert_eq (rt_dbus_jobs_expect (&j, "/job/1"), 0);
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct rt_dbus_buf buf;
      struct rt_dbus_msg m;

      signal_of (&buf, &m, cases[i].interface, cases[i].member, cases[i].signature, "/job/1", cases[i].result);
      cr_assert_not (rt_dbus_jobs_removed (&j, &m), "%s.%s (%s)", cases[i].interface, cases[i].member,
                     cases[i].signature);
      rt_dbus_buf_free (&buf);
    }
  cr_assert_eq (rt_dbus_jobs_take (&j, "/job/1", &result), 0);
  rt_dbus_jobs_free (&j);
}

Test (dbus_jobs, bounded)
{
  struct rt_dbus_jobs j = { 0 };
  char path[32];
  size_t i;

  /* the bus's signals of other jobs take no room, however many */
  for (i = 0; i < 1000; i++)
    {
      snprintf (path, sizeof path, "/job/%zu", i);
      cr_assert_not (removed (&j, path, "done"));
    }
  cr_assert_eq (slots_used (&j), 0);
  for (i = 0; i < RT_DBUS_MAX_JOBS; i++)
    {
      snprintf (path, sizeof path, "/job/%zu", i);
      cr_assert_eq (rt_dbus_jobs_expect (&j, path), 0);
    }
  cr_assert_eq (rt_dbus_jobs_expect (&j, "/job/0"), 0, "expected already: no new slot");
  cr_assert_eq (rt_dbus_jobs_expect (&j, "/job/x"), -ENOSPC);
  /* a wait given up frees its slot */
  rt_dbus_jobs_forget (&j, "/job/3");
  cr_assert_eq (slots_used (&j), RT_DBUS_MAX_JOBS - 1);
  cr_assert_eq (rt_dbus_jobs_expect (&j, "/job/x"), 0);
  /* a repeated signal keeps one result, the last */
  cr_assert (removed (&j, "/job/x", "canceled"));
  cr_assert (removed (&j, "/job/x", "done"));
  {
    char *result = NULL;
    cr_assert_eq (rt_dbus_jobs_take (&j, "/job/x", &result), 1);
    cr_assert_str_eq (result, "done");
    free (result);
  }
  rt_dbus_jobs_free (&j);
  cr_assert_eq (slots_used (&j), 0);
}
