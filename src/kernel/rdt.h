/* linux.intelRdt through the resctrl filesystem: a CTRL_MON group named
 * after closID (or the container id), its schemata, the container's pid
 * in its tasks, an optional MON group; removed on delete when rt made it. */
#ifndef RT_RDT_H
#define RT_RDT_H

#include <stdbool.h>
#include <sys/types.h>

#include "ocispec.h"
#include "util/error.h"

/* Is resctrl mounted in rt's mount namespace (for `rt features`)? */
bool rt_rdt_available (void);

/* Before anything exists: resctrl mounted, the closID and schemas sane. */
int rt_rdt_check (const oci_config *cfg, struct rt_error *err);

/* Parent, after the clone. On failure it leaves nothing it made. */
int rt_rdt_apply (const oci_config *cfg, const char *id, pid_t pid, struct rt_error *err);

/* delete (and a failed create): the MON group, and the CTRL_MON group
 * when it is the container's own (no closID). Missing ones are fine. */
int rt_rdt_remove (const oci_config *cfg, const char *id, struct rt_error *err);

/* `update --l3-cache-schema/--mem-bw-schema`: the schemata of the
 * container's group (/sys/fs/resctrl/<id>). */
int rt_rdt_update (const char *id, const char *l3, const char *mb, struct rt_error *err);

#endif
