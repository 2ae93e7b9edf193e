#include "container/sync.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct sync_header
{
  uint32_t type;
  int32_t errnum;
};

int
rt_sync_send (int fd, enum rt_sync_type type, int errnum, const char *payload, struct rt_error *err)
{
  struct sync_header h = { (uint32_t) type, errnum };
  size_t plen = payload ? strlen (payload) : 0;
  struct iovec iov[2] = { { &h, sizeof h }, { (void *) payload, plen } };
  struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
  ssize_t n;

  do
    n = sendmsg (fd, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return rt_error_set (err, errno, "sync: send");
  return 0;
}

static int
recv_message (int fd, struct sync_header *h, char **payload, struct rt_error *err)
{
  ssize_t n;
  char *buf;

  do
    n = recv (fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return rt_error_set (err, errno, "sync: receive");
  if (n == 0)
    return 1; /* EOF */
  buf = malloc ((size_t) n + 1);
  if (buf == NULL)
    return rt_error_set (err, ENOMEM, "sync: receive");
  do
    n = recv (fd, buf, (size_t) n, 0);
  while (n < 0 && errno == EINTR);
  if (n < (ssize_t) sizeof *h)
    {
      free (buf);
      return rt_error_set (err, n < 0 ? errno : EPROTO, "sync: receive");
    }
  memcpy (h, buf, sizeof *h);
  memmove (buf, buf + sizeof *h, (size_t) n - sizeof *h);
  buf[n - sizeof *h] = '\0';
  *payload = buf;
  return 0;
}

int
rt_sync_expect (int fd, enum rt_sync_type want, char **payload, struct rt_error *err)
{
  struct sync_header h;
  char *buf = NULL;
  int r = recv_message (fd, &h, &buf, err);

  if (r < 0)
    return -1;
  if (r > 0)
    return rt_error_set (err, 0, "the container's init process exited before it was set up");
  if (h.type == RT_SYNC_ERROR)
    return rt_error_take (err, h.errnum, buf);
  if (h.type != (uint32_t) want)
    {
      free (buf);
      return rt_error_set (err, EPROTO, "sync: expected step %d, got %u", want, h.type);
    }
  if (payload)
    *payload = buf;
  else
    free (buf);
  return 0;
}

void
rt_sync_fail (int fd, const struct rt_error *err)
{
  rt_sync_send (fd, RT_SYNC_ERROR, err->errnum, err->msg ? err->msg : "unknown error", NULL);
  _exit (EXIT_FAILURE);
}
