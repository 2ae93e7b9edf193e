/* Unix stream sockets that carry fds to a caller: the console socket, the
 * seccomp agent, the pidfd receiver. */
#ifndef RT_UNIXSOCK_H
#define RT_UNIXSOCK_H

#include <stddef.h>

#include "util/error.h"

/* A SOCK_STREAM connection to path (close-on-exec); errors say `what`
 * (the option or config field that named the path). */
int rt_unix_connect (const char *path, const char *what, struct rt_error *err);

/* fd over SCM_RIGHTS with the first bytes of data; the rest of data
 * follows on the stream. */
int rt_send_fd (int sock, int fd, const void *data, size_t len, struct rt_error *err);

/* An fd sent with rt_send_fd (close-on-exec); its data is dropped. */
int rt_recv_fd (int sock, struct rt_error *err);

#endif
