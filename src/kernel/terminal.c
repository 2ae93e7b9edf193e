#include "kernel/terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "kernel/mounts.h"
#include "util/cleanup.h"
#include "util/unixsock.h"

/* /dev/console as the runtime spec has it: the terminal, bound there (a
 * file made on /dev's tmpfs first). CRIU restores a terminal so too. */
static int
bind_console (int master, struct rt_error *err)
{
  cleanup_close int target = -1;
  char slave[32];
  int n;

  if (ioctl (master, TIOCGPTN, &n) < 0)
    return rt_error_set (err, errno, ".process.terminal: the pty's number");
  snprintf (slave, sizeof slave, "/dev/pts/%d", n);
  /* O_PATH: an existing node is not opened as a device */
  target = open ("/dev/console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (target < 0 && errno == ENOENT)
    {
      int made = open ("/dev/console", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (made >= 0)
        close (made);
      target = open ("/dev/console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
    }
  if (target < 0)
    return rt_error_set (err, errno, ".process.terminal: create /dev/console");
  if (rt_mount_fd (slave, target, NULL, MS_BIND, NULL) < 0)
    return rt_error_set (err, errno, ".process.terminal: bind %s on /dev/console", slave);
  return 0;
}

int
rt_terminal_setup (int console_fd, const oci_process *p, bool console, struct rt_error *err)
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
  /* the process's own terminal, as runc hands it over (its user may then
   * reopen /dev/pts/N, and tools that check the tty's owner agree); the
   * group stays devpts' (tty) */
  if (p->user && fchown (slave, p->user->uid, (gid_t) -1) < 0)
    return rt_error_set (err, errno, ".process.terminal: chown the pty to uid %u", p->user->uid);
  if (p->console_size)
    {
      struct winsize ws = { .ws_row = (unsigned short) p->console_size->height,
                            .ws_col = (unsigned short) p->console_size->width };
      if (ioctl (slave, TIOCSWINSZ, &ws) < 0)
        return rt_error_set (err, errno, ".process.consoleSize: set the window size");
    }
  if (console && bind_console (master, err) < 0)
    return -1;
  if (rt_send_fd (console_fd, master, "/dev/ptmx", strlen ("/dev/ptmx"), err) < 0)
    return rt_error_prefix (err, "--console-socket");
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

int
rt_console_listen (struct rt_console_listener *l, struct rt_error *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  const char *tmp = getenv ("TMPDIR");

  l->fd = l->dirfd = -1;
  l->path = NULL;
  if (asprintf (&l->dir, "%s/rt-console-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0)
    return rt_error_set (err, ENOMEM, "console socket");
  if (mkdtemp (l->dir) == NULL)
    {
      int e = errno;
      free (l->dir);
      l->dir = NULL;
      return rt_error_set (err, e, "console socket: create a private directory");
    }
  l->dirfd = open (l->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (l->dirfd < 0)
    return rt_error_set (err, errno, "console socket: open `%s`", l->dir);
  if (asprintf (&l->path, "/proc/self/fd/%d/console.sock", l->dirfd) < 0)
    return rt_error_set (err, ENOMEM, "console socket");
  strcpy (addr.sun_path, l->path); /* fits: a few dozen characters */
  l->fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (l->fd < 0)
    return rt_error_set (err, errno, "console socket: socket");
  if (bind (l->fd, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (l->fd, 1) < 0)
    return rt_error_set (err, errno, "console socket: listen on `%s`", l->dir);
  return 0;
}

int
rt_console_listener_take (struct rt_console_listener *l, struct rt_error *err)
{
  cleanup_close int conn = accept4 (l->fd, NULL, NULL, SOCK_CLOEXEC);

  /* non-blocking: create has connected already, or never will */
  if (conn < 0)
    return rt_error_set (err, errno == EAGAIN ? 0 : errno, "console socket: the container sent no terminal");
  return rt_recv_fd (conn, err);
}

void
rt_console_listener_close (struct rt_console_listener *l)
{
  if (l->fd >= 0)
    close (l->fd);
  if (l->dirfd >= 0)
    {
      unlinkat (l->dirfd, "console.sock", 0);
      close (l->dirfd);
    }
  if (l->dir)
    rmdir (l->dir);
  free (l->dir);
  free (l->path);
  l->fd = l->dirfd = -1;
  l->dir = l->path = NULL;
}

/* ---- the relay ---- */

struct relay
{
  int master;
  int sigfd;
  bool in_open;     /* rt's stdin still gives data */
  bool master_open; /* some process still holds the slave */
  char buf[4096];   /* stdin data not yet taken by the pty */
  size_t off, len;
};

static void
copy_winsize (int master)
{
  struct winsize ws;

  /* 0x0 is no size at all (script without a terminal): keep consoleSize */
  if (ioctl (STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && (ws.ws_row != 0 || ws.ws_col != 0))
    ioctl (master, TIOCSWINSZ, &ws);
}

/* Output nobody reads any more is dropped, not fatal: the process runs on. */
static void
write_out (const char *p, size_t n)
{
  while (n > 0)
    {
      ssize_t w = write (STDOUT_FILENO, p, n);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return;
      p += w;
      n -= (size_t) w;
    }
}

static void
master_read (struct relay *r)
{
  char out[4096];

  for (;;)
    {
      ssize_t n = read (r->master, out, sizeof out);
      if (n > 0)
        {
          write_out (out, (size_t) n);
          continue;
        }
      if (n < 0 && errno == EINTR)
        continue;
      /* EIO: the last slave fd is closed */
      if (n == 0 || errno != EAGAIN)
        r->master_open = false;
      return;
    }
}

static void
stdin_read (struct relay *r)
{
  ssize_t n = read (STDIN_FILENO, r->buf, sizeof r->buf);

  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  if (n <= 0)
    {
      r->in_open = false;
      return;
    }
  r->off = 0;
  r->len = (size_t) n;
}

static void
master_write (struct relay *r)
{
  ssize_t n = write (r->master, r->buf + r->off, r->len);

  if (n < 0)
    {
      if (errno != EINTR && errno != EAGAIN)
        {
          r->len = 0;
          r->master_open = false;
        }
      return;
    }
  r->off += (size_t) n;
  r->len -= (size_t) n;
}

static void
on_signal (struct relay *r)
{
  struct signalfd_siginfo si;

  while (read (r->sigfd, &si, sizeof si) == (ssize_t) sizeof si)
    copy_winsize (r->master);
}

/* One round of poll; returns 1 once the process has exited. */
static int
relay_once (struct relay *r, int pidfd, struct rt_error *err)
{
  struct pollfd p[4] = {
    { r->in_open && r->len == 0 ? STDIN_FILENO : -1, POLLIN, 0 },
    { r->master_open ? r->master : -1, (short) (POLLIN | (r->len > 0 ? POLLOUT : 0)), 0 },
    { pidfd, POLLIN, 0 },
    { r->sigfd, POLLIN, 0 },
  };

  if (poll (p, 4, -1) < 0)
    return errno == EINTR ? 0 : rt_error_set (err, errno, "terminal: poll");
  if (p[3].revents & POLLIN)
    on_signal (r);
  if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
    master_read (r);
  if ((p[1].revents & POLLOUT) && r->master_open)
    master_write (r);
  if (p[0].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
    stdin_read (r);
  if (!r->master_open)
    r->len = 0;
  if (p[2].revents & POLLIN)
    {
      if (r->master_open)
        master_read (r);
      return 1;
    }
  return 0;
}

static int
relay_loop (struct relay *r, int pidfd, struct rt_error *err)
{
  int flags = fcntl (r->master, F_GETFL);

  if (flags < 0 || fcntl (r->master, F_SETFL, flags | O_NONBLOCK) < 0)
    return rt_error_set (err, errno, "terminal: set the master non-blocking");
  for (;;)
    {
      int done = relay_once (r, pidfd, err);
      if (done != 0)
        return done < 0 ? -1 : 0;
    }
}

int
rt_terminal_relay (int master, int pidfd, struct rt_error *err)
{
  struct relay r = { .master = master, .sigfd = -1, .in_open = true, .master_open = true };
  struct termios saved, raw;
  bool is_tty = tcgetattr (STDIN_FILENO, &saved) == 0;
  sigset_t winch, old;
  struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe;
  int ret;

  sigemptyset (&winch);
  sigaddset (&winch, SIGWINCH);
  if (sigprocmask (SIG_BLOCK, &winch, &old) < 0)
    return rt_error_set (err, errno, "terminal: block SIGWINCH");
  r.sigfd = signalfd (-1, &winch, SFD_CLOEXEC | SFD_NONBLOCK);
  if (r.sigfd < 0)
    {
      sigprocmask (SIG_SETMASK, &old, NULL);
      return rt_error_set (err, errno, "terminal: signalfd");
    }
  sigaction (SIGPIPE, &ign, &old_pipe);
  if (is_tty)
    {
      raw = saved;
      cfmakeraw (&raw);
      tcsetattr (STDIN_FILENO, TCSANOW, &raw);
      copy_winsize (master);
    }
  ret = relay_loop (&r, pidfd, err);
  if (is_tty)
    tcsetattr (STDIN_FILENO, TCSANOW, &saved);
  sigaction (SIGPIPE, &old_pipe, NULL);
  close (r.sigfd);
  sigprocmask (SIG_SETMASK, &old, NULL);
  return ret;
}
