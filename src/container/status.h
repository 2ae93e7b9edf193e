/* What each operation may do in each status of a container, in one table,
 * and the words it fails with. Engines decide by the text of a runtime's
 * error (containerd's shim, go-runc, Podman, conmon: docs/engines.md), so
 * every refusal starts with runc's words; rt's own detail follows. */
#ifndef RT_STATUS_H
#define RT_STATUS_H

#include "util/error.h"

#define RT_ERR_NOT_EXIST "container does not exist"
#define RT_ERR_NOT_RUNNING "container not running"
#define RT_ERR_NOT_PAUSED "container not paused"
#define RT_ERR_EXISTS "container with given ID already exists"

enum rt_op
{
  RT_OP_START,
  RT_OP_KILL,
  RT_OP_DELETE, /* without --force */
  RT_OP_PAUSE,
  RT_OP_RESUME,
  RT_OP_EXEC,
  RT_OP_EXEC_IGNORE_PAUSED,
  RT_OP_UPDATE,
  RT_OP_EVENTS,
  RT_OP_CHECKPOINT,
};

/* 0 when op may act on container `id` in `status` ("creating", "created",
 * "running", "paused", "stopped"), else -1 with the refusal. */
int rt_status_check (enum rt_op op, const char *id, const char *status, struct rt_error *err);

#endif
