/* OCI hooks: each runs with the state on its stdin, within its timeout. */
#ifndef RT_HOOKS_H
#define RT_HOOKS_H

#include "ocispec.h"
#include "util/error.h"

/* Runs hooks in order; stops at the first failure. `kind` names them in
 * errors ("createRuntime"). */
int rt_hooks_run (oci_hook *const *hooks, size_t n, const char *kind, const char *state_json, struct rt_error *err);
/* poststart and poststop: a failing hook is a warning and the others still
 * run, as the spec says. */
void rt_hooks_run_warn (oci_hook *const *hooks, size_t n, const char *kind, const char *state_json);
/* Does the child need the state JSON from the parent during create (for
 * the create and startContainer hooks, or a seccomp listener)? Parent and
 * child both ask, and skip that exchange together when not. */
bool rt_hooks_create_needs_state (const oci_config *cfg);

#endif
