/* process.terminal: a pty whose master goes to --console-socket (as runc
 * sends it, SCM_RIGHTS) and whose slave becomes the process's stdio. */
#ifndef RT_TERMINAL_H
#define RT_TERMINAL_H

#include <stdbool.h>

#include "ocispec.h"
#include "util/error.h"

/* console: the container's first process in its own mount namespace,
 * where /dev/console becomes a bind mount of the terminal (the spec's
 * "default device"); not for exec. */
int rt_terminal_setup (int console_fd, const oci_process *p, bool console, struct rt_error *err);
int rt_terminal_make_controlling (struct rt_error *err);

/* `run` with a terminal and no --console-socket receives the master itself:
 * a listening socket in a private directory, named through /proc/self/fd
 * so that the name is short whatever TMPDIR is, and only this process
 * can use it. */
struct rt_console_listener
{
  int fd;
  int dirfd;
  char *dir;
  char *path; /* the --console-socket to give create */
};
int rt_console_listen (struct rt_console_listener *l, struct rt_error *err);
/* The master that create's child sent; call once create has returned. */
int rt_console_listener_take (struct rt_console_listener *l, struct rt_error *err);
void rt_console_listener_close (struct rt_console_listener *l);

/* Copy rt's stdin to the pty master and the master to rt's stdout until
 * the process behind pidfd exits, then drain what it wrote. rt's own
 * terminal is raw meanwhile and window size changes follow it. */
int rt_terminal_relay (int master, int pidfd, struct rt_error *err);

#endif
