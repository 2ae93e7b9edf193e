/* User namespace id maps, written by the parent (root) for the child. */
#ifndef RT_IDMAP_H
#define RT_IDMAP_H

#include <sys/types.h>

#include "linux/namespaces.h"
#include "ocispec.h"
#include "util/error.h"

int rt_idmap_write (pid_t pid, const oci_config *cfg, const struct rt_namespaces *ns, struct rt_error *err);

#endif
