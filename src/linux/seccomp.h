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
  void *filter;          /* struct sock_filter[] */
  unsigned short len;    /* instructions */
  unsigned int flags;    /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
  bool notify;           /* a rule uses SCMP_ACT_NOTIFY: a listener fd comes back */
};

int rt_seccomp_compile (const oci_seccomp *s, struct rt_seccomp *out, struct rt_error *err);
void rt_seccomp_free (struct rt_seccomp *s);
/* Loads the filter; returns the listener fd when notify, else 0. A NULL or
 * empty filter is a no-op. */
int rt_seccomp_load (const struct rt_seccomp *s, struct rt_error *err);

#endif
