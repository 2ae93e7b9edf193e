/* Commands still to come: each says so plainly instead of pretending. */
#include "cmd/cmd.h"

#define NOT_YET(name)                                                                                                  \
  RT_CMD (name) { return rt_error_set (err, 0, #name ": not implemented yet"); }

RT_CMD (checkpoint)
{
  return rt_error_set (err, 0, "checkpoint: rt does not support checkpoint/restore (no CRIU support)");
}
