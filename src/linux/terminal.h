/* process.terminal: a pty whose master goes to --console-socket (as runc
 * sends it, SCM_RIGHTS) and whose slave becomes the process's stdio. */
#ifndef RT_TERMINAL_H
#define RT_TERMINAL_H

#include "ocispec.h"
#include "util/error.h"

int rt_console_socket_connect (const char *path, struct rt_error *err);
int rt_terminal_setup (int console_fd, const oci_process *p, struct rt_error *err);
int rt_terminal_make_controlling (struct rt_error *err);
int rt_send_fd (int sock, int fd, const char *name, struct rt_error *err);
int rt_recv_fd (int sock, struct rt_error *err);

#endif
