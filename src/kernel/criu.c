/* The `criu swrk` conversation. CRIU is a program, not a library here:
 * rt starts it only for checkpoint and restore, so the other commands pay
 * nothing for it and rt needs no CRIU at build time. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/criu.h"
#include "util/cleanup.h"
#include "util/fs.h"

extern char **environ;

/* the largest answer CRIU sends is a few hundred bytes */
#define RESP_MAX 65536

static int
spawn_swrk (int fd, pid_t *pid, struct rt_error *err)
{
  char fdstr[16];
  char *argv[] = { (char *) "criu", (char *) "swrk", fdstr, NULL };
  int r;

  snprintf (fdstr, sizeof fdstr, "%d", fd);
  r = posix_spawnp (pid, "criu", NULL, NULL, argv, environ);
  if (r == ENOENT)
    return rt_error_set (err, 0, "criu: not found in PATH (checkpoint and restore need CRIU: install criu)");
  if (r != 0)
    return rt_error_set (err, r, "start criu swrk");
  return 0;
}

/* One message, with the fd CRIU may pass alongside (else *fd = -1). */
static ssize_t
recv_msg (int sock, unsigned char *buf, size_t size, int *fd)
{
  char ctl[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { .iov_base = buf, .iov_len = size };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
  struct cmsghdr *c;
  ssize_t n;

  *fd = -1;
  do
    n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  for (c = n >= 0 ? CMSG_FIRSTHDR (&msg) : NULL; c != NULL; c = CMSG_NXTHDR (&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN (sizeof (int)))
      memcpy (fd, CMSG_DATA (c), sizeof (int));
  if (n >= 0 && (msg.msg_flags & MSG_TRUNC))
    {
      errno = EMSGSIZE;
      return -1;
    }
  return n;
}

static int
send_req (int sock, const struct rt_criu_req *req, struct rt_error *err)
{
  cleanup_free unsigned char *buf = NULL;
  size_t len;
  ssize_t n;

  if (rt_criu_req_encode (req, &buf, &len) < 0)
    return rt_error_set (err, ENOMEM, "criu request");
  do
    n = send (sock, buf, len, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return rt_error_set (err, errno, "send to criu");
  return 0;
}

static int
answer_notify (int sock, const struct rt_criu_resp *r, int fd, rt_criu_notify_fn notify, void *data,
               struct rt_error *err)
{
  struct rt_criu_req ack;
  int ret = 0;

  rt_criu_req_init (&ack, RT_CRIU_NOTIFY);
  if (notify)
    ret = notify (data, r->notify_script ? r->notify_script : "", r->notify_pid, fd, err);
  ack.notify_success = ret == 0;
  if (send_req (sock, &ack, ret < 0 ? NULL : err) < 0 && ret == 0)
    ret = -1;
  return ret;
}

/* Until the answer that is not a notification. -2 (err unset) when criu
 * closed the socket without one: its log then says why. */
static int
converse (int sock, const struct rt_criu_req *req, rt_criu_notify_fn notify, void *data, struct rt_criu_resp *out,
          struct rt_error *err)
{
  cleanup_free unsigned char *buf = malloc (RESP_MAX);

  if (buf == NULL)
    return rt_error_set (err, ENOMEM, "criu answer");
  if (send_req (sock, req, err) < 0)
    return -1;
  for (;;)
    {
      int fd, r;
      ssize_t n = recv_msg (sock, buf, RESP_MAX, &fd);

      if (n < 0)
        return rt_error_set (err, errno, "read from criu");
      if (n == 0)
        return -2;
      r = rt_criu_resp_decode (buf, (size_t) n, out);
      if (r < 0)
        {
          if (fd >= 0)
            close (fd);
          return rt_error_set (err, 0, "criu: malformed answer");
        }
      if (out->type != RT_CRIU_NOTIFY)
        {
          if (fd >= 0)
            close (fd);
          return 0;
        }
      r = answer_notify (sock, out, fd, notify, data, err);
      if (fd >= 0)
        close (fd);
      rt_criu_resp_free (out);
      if (r < 0)
        return -1;
    }
}

/* "criu: <its first logged error> (log: PATH)", or its errno. */
static int
criu_failed (const struct rt_criu_resp *r, int log_dir_fd, const char *log_file, const char *log_path,
             struct rt_error *err)
{
  cleanup_free char *log = NULL, *what = NULL;
  size_t len;

  if (log_file && rt_read_file_at (log_dir_fd, log_file, &log, &len, NULL) == 0)
    what = rt_criu_log_first_error (log, len);
  if (what)
    return rt_error_set (err, 0, "criu: %s (log: %s)", what, log_path);
  if (r && r->cr_errmsg)
    return rt_error_set (err, r->cr_errno, "criu: %s (log: %s)", r->cr_errmsg, log_path);
  if (r == NULL)
    return rt_error_set (err, 0, "criu ended without an answer (log: %s)", log_path);
  return rt_error_set (err, r->cr_errno, "criu failed (log: %s)", log_path);
}

int
rt_criu_call (const struct rt_criu_req *req, rt_criu_notify_fn notify, void *data, int log_dir_fd, const char *log_path,
              struct rt_criu_resp *out, struct rt_error *err)
{
  int sv[2], status, ret;
  pid_t pid;

  memset (out, 0, sizeof *out);
  /* criu's end crosses the exec: no close-on-exec there */
  if (socketpair (AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0)
    return rt_error_set (err, errno, "criu socket");
  if (fcntl (sv[0], F_SETFD, FD_CLOEXEC) < 0 || spawn_swrk (sv[1], &pid, err) < 0)
    {
      if (!err->msg)
        rt_error_set (err, errno, "criu socket");
      close (sv[0]);
      close (sv[1]);
      return -1;
    }
  close (sv[1]);
  ret = converse (sv[0], req, notify, data, out, err);
  close (sv[0]);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (ret < 0)
    {
      rt_criu_resp_free (out);
      return ret == -2 ? criu_failed (NULL, log_dir_fd, req->log_file, log_path, err) : -1;
    }
  if (!out->success)
    {
      criu_failed (out, log_dir_fd, req->log_file, log_path, err);
      rt_criu_resp_free (out);
      return -1;
    }
  return 0;
}
