/* The parent/child channel (a SOCK_SEQPACKET pair): the steps of creation,
 * and errors from the child that travel back as one message. */
#ifndef RT_SYNC_H
#define RT_SYNC_H

#include "util/error.h"

enum rt_sync_type
{
  RT_SYNC_GO = 1,     /* parent: cgroups, id maps done; child may set up */
  RT_SYNC_HOOKS,      /* child: mounts done, run createRuntime hooks now */
  RT_SYNC_HOOKS_DONE, /* parent: hooks ran; payload: the state JSON */
  RT_SYNC_READY,      /* child: set up, waiting for start */
  RT_SYNC_START,      /* parent (run): exec the process now */
  RT_SYNC_ERROR,      /* child: errno + message */
};

int rt_sync_send (int fd, enum rt_sync_type type, int errnum, const char *payload, struct rt_error *err);
/* Wait for `want`; an ERROR message becomes err, and EOF the error that
 * the container's init exited before it was set up.
 * The payload (may be NULL) is returned in *payload when asked for. */
int rt_sync_expect (int fd, enum rt_sync_type want, char **payload, struct rt_error *err);
/* Child side: report err to the parent and exit. */
__attribute__ ((noreturn)) void rt_sync_fail (int fd, const struct rt_error *err);

#endif
