#include "linux/terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "util/cleanup.h"

int
rt_console_socket_connect (const char *path, struct rt_error *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int fd = -1;

  if (strlen (path) >= sizeof addr.sun_path)
    return rt_error_set (err, ENAMETOOLONG, "--console-socket `%s`", path);
  strcpy (addr.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return rt_error_set (err, errno, "--console-socket: socket");
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return rt_error_set (err, errno, "--console-socket: connect `%s`", path);
  return rt_steal_fd (&fd);
}

int
rt_send_fd (int sock, int fd, const char *name, struct rt_error *err)
{
  char cbuf[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { (void *) name, strlen (name) };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
  struct cmsghdr *c;

  memset (cbuf, 0, sizeof cbuf);
  c = CMSG_FIRSTHDR (&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &fd, sizeof (int));
  if (sendmsg (sock, &msg, MSG_NOSIGNAL) < 0)
    return rt_error_set (err, errno, "send fd over the console socket");
  return 0;
}

int
rt_recv_fd (int sock, struct rt_error *err)
{
  char cbuf[CMSG_SPACE (sizeof (int))], data[256];
  struct iovec iov = { data, sizeof data };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
  struct cmsghdr *c;
  int fd;

  if (recvmsg (sock, &msg, MSG_CMSG_CLOEXEC) < 0)
    return rt_error_set (err, errno, "receive the terminal");
  c = CMSG_FIRSTHDR (&msg);
  if (c == NULL || c->cmsg_type != SCM_RIGHTS)
    return rt_error_set (err, EPROTO, "receive the terminal: no fd");
  memcpy (&fd, CMSG_DATA (c), sizeof fd);
  return fd;
}

int
rt_terminal_setup (int console_fd, const oci_process *p, struct rt_error *err)
{
  cleanup_close int master = -1, slave = -1;
  int i;

  if (console_fd < 0)
    return rt_error_set (err, 0, ".process.terminal: a terminal needs --console-socket");
  master = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return rt_error_set (err, errno, ".process.terminal: open /dev/ptmx");
  if (unlockpt (master) < 0)
    return rt_error_set (err, errno, ".process.terminal: unlockpt");
  slave = ioctl (master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return rt_error_set (err, errno, ".process.terminal: open the pty slave");
  if (p->console_size)
    {
      struct winsize ws = { .ws_row = (unsigned short) p->console_size->height,
                            .ws_col = (unsigned short) p->console_size->width };
      if (ioctl (slave, TIOCSWINSZ, &ws) < 0)
        return rt_error_set (err, errno, ".process.consoleSize: set the window size");
    }
  if (rt_send_fd (console_fd, master, "/dev/ptmx", err) < 0)
    return -1;
  close (console_fd);
  for (i = 0; i < 3; i++)
    if (dup3 (slave, i, 0) < 0)
      return rt_error_set (err, errno, ".process.terminal: dup the pty slave");
  return 0;
}

int
rt_terminal_make_controlling (struct rt_error *err)
{
  if (ioctl (0, TIOCSCTTY, 0) < 0)
    return rt_error_set (err, errno, "make the terminal the controlling terminal");
  return 0;
}
