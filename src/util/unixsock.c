#include "util/unixsock.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/cleanup.h"

int
rt_unix_connect (const char *path, const char *what, struct rt_error *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int fd = -1;

  if (strlen (path) >= sizeof addr.sun_path)
    return rt_error_set (err, ENAMETOOLONG, "%s `%s`", what, path);
  strcpy (addr.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return rt_error_set (err, errno, "%s: socket", what);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return rt_error_set (err, errno, "%s: connect to `%s`", what, path);
  return rt_steal_fd (&fd);
}

int
rt_send_fd (int sock, int fd, const void *data, size_t len, struct rt_error *err)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct iovec iov = { .iov_base = (void *) data, .iov_len = len };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  struct cmsghdr *c;
  size_t done;
  ssize_t n;

  memset (&u, 0, sizeof u);
  c = CMSG_FIRSTHDR (&mh);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &fd, sizeof fd);
  do
    n = sendmsg (sock, &mh, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return rt_error_set (err, errno, "send an fd");
  for (done = (size_t) n; done < len; done += (size_t) n)
    {
      n = send (sock, (const char *) data + done, len - done, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        n = 0;
      else if (n < 0)
        return rt_error_set (err, errno, "send the data that comes with an fd");
    }
  return 0;
}

int
rt_recv_fd (int sock, struct rt_error *err)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  char data[256];
  struct iovec iov = { data, sizeof data };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  struct cmsghdr *c;
  int fd;

  if (recvmsg (sock, &msg, MSG_CMSG_CLOEXEC) < 0)
    return rt_error_set (err, errno, "receive an fd");
  c = CMSG_FIRSTHDR (&msg);
  if (c == NULL || c->cmsg_type != SCM_RIGHTS)
    return rt_error_set (err, EPROTO, "receive an fd: none came");
  memcpy (&fd, CMSG_DATA (c), sizeof fd);
  return fd;
}
