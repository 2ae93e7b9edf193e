/* User namespace id maps, written by the parent for the child: directly
 * (root, or a user's own id), else through newuidmap/newgidmap. */
#ifndef RT_IDMAP_H
#define RT_IDMAP_H

#include <stdbool.h>
#include <sys/types.h>

#include "kernel/namespaces.h"
#include "ocispec.h"
#include "util/error.h"

/* Does the mapping map exactly one id, `id`, of the host (what a user may
 * write without help)? */
bool rt_idmap_is_own (oci_id_mapping *const *m, size_t n, unsigned id);
/* The maps as the kernel reads them, "INSIDE OUTSIDE COUNT\n" each, into
 * *out (heap; NULL for no map). */
int rt_idmap_text (oci_id_mapping *const *m, size_t n, char **out, struct rt_error *err);
/* The maps as text into /proc/PID/FILE (uid_map, gid_map), as they are:
 * for a writer the kernel lets (root, or a user's own id). */
int rt_idmap_write_text (pid_t pid, const char *file, oci_id_mapping *const *m, size_t n, struct rt_error *err);
int rt_idmap_write (pid_t pid, const oci_config *cfg, const struct rt_namespaces *ns, struct rt_error *err);

#endif
