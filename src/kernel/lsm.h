/* Linux security modules beyond the process attributes (rt_lsm_apply in
 * process.c writes those): the checks made before anything exists, and
 * the SELinux mount label. */
#ifndef RT_LSM_H
#define RT_LSM_H

#include "ocispec.h"
#include "util/error.h"

/* apparmorProfile, selinuxLabel and mountLabel against the LSMs this host
 * has: asking for one that is not there is an error, never ignored. */
int rt_lsm_config_check (const oci_config *cfg, struct rt_error *err);

/* The filesystem data for a new mount of `type` with linux.mountLabel:
 * `data` plus context="LABEL" where the filesystem takes a context (not
 * for bind mounts, nor for proc, sysfs and cgroups, as runc). *out is
 * NULL when there is nothing to pass. */
int rt_mount_label_data (const char *label, const char *type, const char *data, char **out, struct rt_error *err);

#endif
