/* rt's log (util/log.c): stderr always, the --log file as runc's logrus
 * writes it, text or JSON lines, one line a message. */
#include "util/log.h"

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "util/fs.h"

static char dir[] = "/tmp/rt-test-log.XXXXXX";
static char *path;

static void
setup (void)
{
  cr_redirect_stderr ();
  cr_assert_not_null (mkdtemp (dir));
  cr_assert_geq (asprintf (&path, "%s/log", dir), 0);
}

static void
teardown (void)
{
  rt_log_close ();
  unlink (path);
  rmdir (dir);
  free (path);
}

TestSuite (log, .init = setup, .fini = teardown);

static char *
log_text (void)
{
  char *data = NULL;

  cr_assert_eq (rt_read_file (path, &data, NULL, NULL), 0);
  return data;
}

/* A line of the text format: time="RFC 3339" level=L msg="M". */
static void
assert_text_line (const char *line, const char *level, const char *msg)
{
  char want[512];
  const char *p = line;

  cr_assert_eq (strncmp (p, "time=\"", 6), 0, "%s", line);
  p += 6;
  /* 2026-12-06T10:00:00.123456789Z */
  cr_assert_eq (p[4], '-', "%s", line);
  cr_assert_eq (p[10], 'T', "%s", line);
  cr_assert_eq (p[29], 'Z', "%s", line);
  snprintf (want, sizeof want, "\" level=%s msg=%s\n", level, msg);
  cr_assert_eq (strncmp (p + 30, want, strlen (want)), 0, "`%s` is not `...%s`", line, want);
}

Test (log, text_file_and_stderr)
{
  struct rt_error err = RT_ERROR_INIT;
  char *data, *second;

  cr_assert_eq (rt_log_open (path, RT_LOG_TEXT, false, &err), 0, "%s", err.msg);
  rt_log_error ("cannot %s `%s`", "start", "c1");
  rt_log_warning ("two\nlines and \"quotes\" \\ too");
  rt_log_debug ("not without --debug");
  fflush (stderr);
  data = log_text ();
  assert_text_line (data, "error", "\"cannot start `c1`\"");
  second = strchr (data, '\n') + 1;
  assert_text_line (second, "warning", "\"two lines and \\\"quotes\\\" \\\\ too\"");
  cr_assert_null (strchr (strchr (second, '\n') + 1, '\n'), "two lines: %s", data);
  free (data);
  cr_assert_stderr_eq_str ("rt: cannot start `c1`\nrt: two lines and \"quotes\" \\ too\n");
}

Test (log, json_lines)
{
  const char *lpath[] = { "level", NULL }, *mpath[] = { "msg", NULL }, *tpath[] = { "time", NULL };
  char *data, errbuf[128];
  yajl_val v, t;

  cr_assert_eq (rt_log_open (path, RT_LOG_JSON, true, NULL), 0);
  rt_log_debug ("a \"debug\"\rline %d", 7);
  data = log_text ();
  cr_assert_eq (data[strlen (data) - 1], '\n');
  v = yajl_tree_parse (data, errbuf, sizeof errbuf);
  cr_assert_not_null (v, "%s: %s", data, errbuf);
  cr_assert_str_eq (YAJL_GET_STRING (yajl_tree_get (v, lpath, yajl_t_string)), "debug");
  cr_assert_str_eq (YAJL_GET_STRING (yajl_tree_get (v, mpath, yajl_t_string)), "a \"debug\" line 7");
  t = yajl_tree_get (v, tpath, yajl_t_string);
  cr_assert (YAJL_IS_STRING (t));
  cr_assert_eq (strlen (t->u.string), 30);
  yajl_tree_free (v);
  free (data);
  /* debug lines go to the log only */
  fflush (stderr);
  cr_assert_stderr_eq_str ("");
}

Test (log, debug_without_a_log_file_goes_to_stderr)
{
  cr_assert_eq (rt_log_open (NULL, RT_LOG_TEXT, true, NULL), 0);
  rt_log_debug ("hello");
  fflush (stderr);
  cr_assert_stderr_neq_str ("");
}

Test (log, unopenable_file)
{
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_lt (rt_log_open ("/nonexistent/dir/log", RT_LOG_TEXT, false, &err), 0);
  cr_assert_not_null (strstr (err.msg, "open log file `/nonexistent/dir/log`"), "%s", err.msg);
  free (err.msg);
}
