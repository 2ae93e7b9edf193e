#include "kernel/pidfd.h"

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/unixsock.h"

int
rt_pidfd_hand_over (const char *path, const char *what, pid_t pid, const char *payload, struct rt_error *err)
{
  cleanup_close int sock = rt_unix_connect (path, what, err);
  cleanup_close int pidfd = -1;

  if (sock < 0)
    return -1;
  pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  if (pidfd < 0)
    return rt_error_set (err, errno, "%s: pidfd_open of %d", what, pid);
  if (rt_send_fd (sock, pidfd, payload, strlen (payload), err) < 0)
    return rt_error_prefix (err, "%s `%s`", what, path);
  return 0;
}
