/* The error idiom (util/error.c) and the small pure helpers of the
 * process and LSM code: env entries, #! lines, the SELinux mount label. */
#include "kernel/lsm.h"
#include "kernel/process.h"
#include "util/error.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int
fails_deep (struct rt_error *err)
{
  return rt_error_set (err, ENOENT, "open `%s`", "/x");
}

Test (error, set_and_prefix)
{
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_eq (fails_deep (&err), -1);
  cr_assert_eq (err.errnum, ENOENT);
  cr_assert_eq (rt_error_prefix (&err, ".mounts[%d]", 2), -1);
  cr_assert_str_eq (err.msg, ".mounts[2]: open `/x`: No such file or directory");
  cr_assert_eq (rt_error_set (&err, 0, "again"), -1, "a new error replaces the old");
  cr_assert_str_eq (err.msg, "again");
  cr_assert_eq (err.errnum, 0);
  rt_error_clear (&err);
  cr_assert_null (err.msg);
  cr_assert_eq (rt_error_set (NULL, EIO, "nobody listens"), -1, "a NULL err still fails");
}

Test (error, take_a_message)
{
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_eq (rt_error_take (&err, EINVAL, strdup ("config.json: bad")), -1);
  cr_assert_str_eq (err.msg, "config.json: bad");
  cr_assert_eq (err.errnum, EINVAL);
  rt_error_clear (&err);
}

Test (error, go_words)
{
  char a[] = "Bad system call", b[] = "EOF", buf[64];

  cr_assert_str_eq (rt_go_words (a), "bad system call");
  cr_assert_str_eq (rt_go_words (b), "EOF", "an acronym keeps its case");
  cr_assert_str_eq (rt_errno_text (ENOENT, buf, sizeof buf), "no such file or directory");
}

Test (env, set_replaces_the_last)
{
  char **env = NULL;
  size_t len = 0;
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_eq (rt_env_set (&env, &len, "PATH=/bin", &err), 0);
  cr_assert_eq (rt_env_set (&env, &len, "HOME=/root", &err), 0);
  cr_assert_eq (rt_env_set (&env, &len, "PATH=/usr/bin", &err), 0);
  cr_assert_eq (len, 2);
  cr_assert_str_eq (env[0], "PATH=/usr/bin");
  cr_assert_str_eq (env[1], "HOME=/root");
  cr_assert_null (env[2], "still NULL-terminated");
  cr_assert_eq (rt_env_set (&env, &len, "PATHX=1", &err), 0, "a longer name is another variable");
  cr_assert_eq (len, 3);
  for (size_t i = 0; i < len; i++)
    free (env[i]);
  free (env);
}

/* Only SELinux hosts add context=; everywhere a context in the options,
 * a bind mount or a kernel filesystem keeps the data as given. */
Test (lsm, mount_label_data)
{
  struct rt_error err = RT_ERROR_INIT;
  char *out = NULL;

  cr_assert_eq (rt_mount_label_data (NULL, "tmpfs", "size=1m", &out, &err), 0);
  cr_assert_str_eq (out, "size=1m");
  free (out);
  cr_assert_eq (rt_mount_label_data ("system_u:object_r:c:s0", "proc", NULL, &out, &err), 0);
  cr_assert_null (out, "nothing to pass");
  cr_assert_eq (rt_mount_label_data ("l", "tmpfs", "context=\"x\"", &out, &err), 0);
  cr_assert_str_eq (out, "context=\"x\"", "the mount's own context wins");
  free (out);
  cr_assert_eq (rt_mount_label_data ("l", "tmpfs", "size=1m", &out, &err), 0);
  cr_assert_str_eq (out, rt_selinux_enabled () ? "size=1m,context=\"l\"" : "size=1m");
  free (out);
}

/* CVE-2019-5736: the #! chain rt follows before it refuses its own binary */
Test (exec, script_interpreter)
{
  char *i;

  i = rt_script_interpreter_parse ("#!/bin/sh -e\necho\n");
  cr_assert_str_eq (i, "/bin/sh");
  free (i);
  i = rt_script_interpreter_parse ("#! \t/proc/self/exe\n");
  cr_assert_str_eq (i, "/proc/self/exe");
  free (i);
  cr_assert_null (rt_script_interpreter_parse ("#!\n"), "no word");
  cr_assert_null (rt_script_interpreter_parse ("\x7f"
                                               "ELF"),
                  "no script");
  cr_assert_null (rt_script_interpreter_parse ("#"), "one byte");
}
