/* Rootless: is rt running without the host's root (an ordinary user, or
 * root of a user namespace that is not the initial one), and where does
 * such a caller keep its state. runc's rules (--rootless auto|true|false). */
#ifndef RT_ROOTLESS_H
#define RT_ROOTLESS_H

#include <stdbool.h>

#include "util/error.h"

/* Is this /proc/self/uid_map text the initial namespace's identity map
 * ("0 0 4294967295")? */
bool rt_uid_map_is_initial (const char *text);
/* Is the caller in a user namespace other than the initial one? */
bool rt_in_user_namespace (void);

/* --rootless: "true", "false" or "auto" (or NULL: auto). Auto is true for
 * a caller that is not root, or root of a non-initial user namespace
 * (in_userns: rt_in_user_namespace, asked by the caller once). */
int rt_rootless_resolve (const char *flag, bool in_userns, bool *rootless, struct rt_error *err);

/* The default state root: $XDG_RUNTIME_DIR/rt for an ordinary user (or
 * for root of a user namespace whose $USER is not root), /run/rt for the
 * host's root. env: getenv, or a stand-in for tests. Heap string. */
char *rt_rootless_default_root (const char *(*env) (const char *name), unsigned euid, bool in_userns);

#endif
