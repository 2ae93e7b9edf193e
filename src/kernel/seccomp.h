/* Seccomp: the filter is compiled to BPF in the parent, before the clone,
 * so the child only loads it (a container with a tiny memory limit still
 * starts), and so errors in the profile are reported before anything runs. */
#ifndef RT_SECCOMP_H
#define RT_SECCOMP_H

#include <stdbool.h>

#include "ocispec.h"
#include "util/error.h"

struct rt_seccomp
{
  void *filter;       /* struct sock_filter[] */
  unsigned short len; /* instructions */
  unsigned int flags; /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
  bool notify;        /* a rule uses SCMP_ACT_NOTIFY: a listener fd comes back */
  /* With notify: the seccomp agent at listenerPath, connected by the
   * parent (as root, on the host's filesystem, before the clone): the
   * child cannot reach the path from inside its root. */
  bool has_listener;
  int listener_fd; /* SOCK_STREAM, close-on-exec */
  char *metadata;  /* listenerMetadata, or NULL */
};

/* Compiles the profile and, for SCMP_ACT_NOTIFY, connects to listenerPath. */
int rt_seccomp_compile (const oci_seccomp *s, struct rt_seccomp *out, struct rt_error *err);
void rt_seccomp_free (struct rt_seccomp *s);
/* The parent's copy of the agent connection, closed once the child has
 * its own: the agent reads until EOF. */
void rt_seccomp_drop_listener (struct rt_seccomp *s);
/* The container's state JSON (as hooks get it: id, status, host pid,
 * bundle, annotations) for the listener's container process state; set by
 * the child before rt_seccomp_load. */
int rt_seccomp_set_state (const char *state_json, struct rt_error *err);
/* What rt_seccomp_load sends the agent with the fd: the container process
 * state (ociVersion, fds, pid, metadata, state) as a heap string; NULL
 * with err set before rt_seccomp_set_state. Public for the unit tests:
 * it is the agent protocol. */
char *rt_seccomp_agent_message (const struct rt_seccomp *s, struct rt_error *err);
/* Loads the filter. With a listener, sends it the container process
 * state and the listener fd (SCM_RIGHTS), then closes both, and returns
 * 0; without one, returns the listener fd when notify, else 0. A NULL or
 * empty filter is a no-op. */
int rt_seccomp_load (const struct rt_seccomp *s, struct rt_error *err);

/* The libseccomp rt runs with ("2.5.4"), for --version. */
const char *rt_seccomp_library_version (void);

#endif
