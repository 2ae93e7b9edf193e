/* The status rules: what each operation may do, and runc's words when it
 * may not (engines match them: docs/engines.md). */
#include "container/status.h"

#include <criterion/criterion.h>
#include <string.h>

static const char *
refusal (enum rt_op op, const char *status)
{
  static struct rt_error err = RT_ERROR_INIT;

  rt_error_clear (&err);
  if (rt_status_check (op, "c1", status, &err) == 0)
    return NULL;
  return err.msg;
}

Test (status, allowed)
{
  cr_assert_null (refusal (RT_OP_START, "created"));
  cr_assert_null (refusal (RT_OP_KILL, "paused"));
  cr_assert_null (refusal (RT_OP_DELETE, "stopped"));
  cr_assert_null (refusal (RT_OP_PAUSE, "created"));
  cr_assert_null (refusal (RT_OP_RESUME, "paused"));
  cr_assert_null (refusal (RT_OP_EXEC, "created"), "runc execs into a created container");
  cr_assert_null (refusal (RT_OP_EXEC_IGNORE_PAUSED, "paused"));
}

Test (status, runc_words)
{
  cr_assert_str_eq (refusal (RT_OP_KILL, "stopped"), "container not running: `c1` is stopped");
  cr_assert_str_eq (refusal (RT_OP_KILL, "creating"), "container not running: `c1` is creating");
  cr_assert_str_eq (refusal (RT_OP_START, "stopped"), "cannot start a container that has stopped: `c1`");
  cr_assert_str_eq (refusal (RT_OP_START, "running"), "cannot start an already running container: `c1`");
  cr_assert_str_eq (refusal (RT_OP_START, "paused"), "cannot start a container in the paused state: `c1`");
  cr_assert_str_eq (refusal (RT_OP_DELETE, "running"), "cannot delete container c1 that is not stopped: running");
  cr_assert_str_eq (refusal (RT_OP_PAUSE, "stopped"), "container not running: `c1` is stopped");
  cr_assert_str_eq (refusal (RT_OP_RESUME, "running"), "container not paused: `c1` is running");
  cr_assert_str_eq (refusal (RT_OP_EXEC, "stopped"), "cannot exec in a stopped container: `c1`");
  cr_assert_str_eq (refusal (RT_OP_EXEC, "paused"),
                    "cannot exec in a paused container (use --ignore-paused to override): `c1`");
}
