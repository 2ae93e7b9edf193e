/* /etc/passwd as text: the container's, read from inside its root, or the
 * host's for `list` (read as runc does: no NSS, which a static binary
 * cannot load). */
#ifndef RT_PASSWD_H
#define RT_PASSWD_H

#include <sys/types.h>

/* The home directory of uid in the passwd text (NUL-terminated), as a
 * heap string; NULL when no entry has that uid (or out of memory). */
char *rt_passwd_home (const char *passwd, uid_t uid);

/* The name of the first entry with uid, as a heap string; NULL when there
 * is none (or out of memory). */
char *rt_passwd_name (const char *passwd, uid_t uid);

#endif
