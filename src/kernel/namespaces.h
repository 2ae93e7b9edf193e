/* Namespaces: new ones become clone flags, joined ones (by path) are opened
 * before the clone and entered with setns. */
#ifndef RT_NAMESPACES_H
#define RT_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "ocispec.h"
#include "util/error.h"

#define RT_NS_COUNT 8

struct rt_namespaces
{
  unsigned long clone_flags; /* new namespaces */
  int join_fd[RT_NS_COUNT];  /* by oci_namespaces index; -1 when not joined */
  bool present[RT_NS_COUNT]; /* listed in the config at all */
  bool for_good;             /* the caller stays in what it joins for its children (rt_ns_for_children) */
};

int rt_namespaces_prepare (const oci_linux *l, struct rt_namespaces *ns, struct rt_error *err);
void rt_namespaces_close (struct rt_namespaces *ns);

/* Child: enter the other joined namespaces, the user namespace first. */
int rt_namespaces_join (const struct rt_namespaces *ns, struct rt_error *err);

/* A user (not root) has no right to join a pid namespace but from inside
 * its owner: the caller joins the container's user namespace itself, for
 * good (there is no way back to the host's), and sets for_good. For a
 * caller whose only child is the one it makes next (exec). */
int rt_ns_enter_user (struct rt_namespaces *ns, struct rt_error *err);

/* The pid and time namespaces of rt itself for its children: joined or
 * new ones are set before the clone (no second fork) and restored after,
 * so that hooks run in rt's own; with ns->for_good they are not (only
 * the host's root may return to the host's pid namespace). On failure
 * nothing is left joined, unless for_good. */
struct rt_ns_restore
{
  int pid_fd;
  int time_fd;
};
int rt_ns_for_children (const oci_config *cfg, struct rt_namespaces *ns, unsigned long *clone_flags,
                        struct rt_ns_restore *saved, struct rt_error *err);
/* Back to rt's own namespaces; fails when rt cannot return (its later
 * children, the hooks, must not start inside the container's). */
int rt_ns_restore (struct rt_ns_restore *saved, struct rt_error *err);

bool rt_namespaces_has (const struct rt_namespaces *ns, const char *type);
bool rt_namespaces_joins (const struct rt_namespaces *ns, const char *type);
bool rt_namespaces_new (const struct rt_namespaces *ns, const char *type);

#endif
