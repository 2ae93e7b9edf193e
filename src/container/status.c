#include "container/status.h"

#include <stddef.h>
#include <string.h>

enum
{
  S_CREATING = 1 << 0,
  S_CREATED = 1 << 1,
  S_RUNNING = 1 << 2,
  S_PAUSED = 1 << 3,
  S_STOPPED = 1 << 4,
};

/* A refusal: for the statuses in `when`, the text (`%1$s` the id, `%2$s`
 * the status). The first rule that matches wins. */
struct refusal
{
  unsigned when;
  const char *fmt;
};

struct rule
{
  unsigned allowed;
  struct refusal refuse[3];
};

static const struct rule rules[] = {
  [RT_OP_START] = { S_CREATED,
                    { { S_STOPPED, "cannot start a container that has stopped: `%1$s`" },
                      { S_RUNNING, "cannot start an already running container: `%1$s`" },
                      { ~0u, "cannot start a container in the %2$s state: `%1$s`" } } },
  [RT_OP_KILL] = { S_CREATED | S_RUNNING | S_PAUSED, { { ~0u, RT_ERR_NOT_RUNNING ": `%1$s` is %2$s" } } },
  [RT_OP_DELETE] = { S_STOPPED, { { ~0u, "cannot delete container %1$s that is not stopped: %2$s" } } },
  [RT_OP_PAUSE] = { S_CREATED | S_RUNNING, { { ~0u, RT_ERR_NOT_RUNNING ": `%1$s` is %2$s" } } },
  [RT_OP_RESUME] = { S_PAUSED, { { ~0u, RT_ERR_NOT_PAUSED ": `%1$s` is %2$s" } } },
  [RT_OP_EXEC] = { S_CREATED | S_RUNNING,
                   { { S_PAUSED, "cannot exec in a paused container (use --ignore-paused to override): `%1$s`" },
                     { S_STOPPED, "cannot exec in a stopped container: `%1$s`" },
                     { ~0u, RT_ERR_NOT_RUNNING ": `%1$s` is %2$s" } } },
  [RT_OP_EXEC_IGNORE_PAUSED] = { S_CREATED | S_RUNNING | S_PAUSED,
                                 { { S_STOPPED, "cannot exec in a stopped container: `%1$s`" },
                                   { ~0u, RT_ERR_NOT_RUNNING ": `%1$s` is %2$s" } } },
  [RT_OP_UPDATE] = { S_CREATED | S_RUNNING | S_PAUSED, { { ~0u, RT_ERR_NOT_RUNNING ": `%1$s` is %2$s" } } },
  [RT_OP_EVENTS] = { S_CREATED | S_RUNNING | S_PAUSED, { { ~0u, RT_ERR_NOT_RUNNING ": `%1$s` is %2$s" } } },
  /* CRIU dumps a process tree that runs (or is frozen): not one waiting in rt's binary for start */
  [RT_OP_CHECKPOINT] = { S_RUNNING | S_PAUSED, { { ~0u, RT_ERR_NOT_RUNNING ": `%1$s` is %2$s" } } },
};

static unsigned
status_bit (const char *status)
{
  static const char *const names[] = { "creating", "created", "running", "paused", "stopped" };
  size_t i;

  for (i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp (status, names[i]) == 0)
      return 1u << i;
  return 0;
}

int
rt_status_check (enum rt_op op, const char *id, const char *status, struct rt_error *err)
{
  const struct rule *r = &rules[op];
  unsigned bit = status_bit (status);
  size_t i;

  if (r->allowed & bit)
    return 0;
  for (i = 0; i < sizeof r->refuse / sizeof r->refuse[0] && r->refuse[i].fmt != NULL; i++)
    if (r->refuse[i].when & bit || r->refuse[i].when == ~0u)
      break;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  return rt_error_set (err, 0, r->refuse[i].fmt, id, status);
#pragma GCC diagnostic pop
}
