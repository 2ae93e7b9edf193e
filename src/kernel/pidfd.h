/* A pidfd of a container's process, handed to the caller over a unix
 * socket: runc's --pidfd-socket (create, run, exec) and crun's
 * run.oci.pidfd_receiver annotation. The receiver can then wait for and
 * signal the process without the races of a pid. */
#ifndef RT_PIDFD_H
#define RT_PIDFD_H

#include <sys/types.h>

#include "util/error.h"

/* What the fd comes with: runc's words for an init and an exec'd process,
 * crun's single space. */
#define RT_PIDFD_INIT "standard"
#define RT_PIDFD_EXEC "setns"
#define RT_PIDFD_CRUN " "

/* The annotation (crun's) that names a receiver socket in config.json. */
#define RT_ANNOTATION_PIDFD_RECEIVER "run.oci.pidfd_receiver"

/* Connects to path (errors name `what`), sends a pidfd of pid with
 * payload, closes both. */
int rt_pidfd_hand_over (const char *path, const char *what, pid_t pid, const char *payload, struct rt_error *err);

#endif
