/* Linux security modules: whether AppArmor and SELinux are on, the checks
 * made before anything exists, the labels a process gets at its execve,
 * and the SELinux mount label. */
#ifndef RT_LSM_H
#define RT_LSM_H

#include <stdbool.h>

#include "ocispec.h"
#include "util/error.h"

bool rt_apparmor_enabled (void);
bool rt_selinux_enabled (void);

/* On the host, before anything starts: is the LSM there at all? (the
 * process of the config, or the one `exec` starts) */
int rt_lsm_check (const oci_process *p, struct rt_error *err);

/* apparmorProfile, selinuxLabel and mountLabel against the LSMs this host
 * has: asking for one that is not there is an error, never ignored. */
int rt_lsm_config_check (const oci_config *cfg, struct rt_error *err);

/* The filesystem data for a new mount of `type` with linux.mountLabel:
 * `data` plus context="LABEL" where the filesystem takes a context (not
 * for bind mounts, nor for proc, sysfs and cgroups, as runc). *out is
 * NULL when there is nothing to pass. */
int rt_mount_label_data (const char *label, const char *type, const char *data, char **out, struct rt_error *err);

/* AppArmor profile and SELinux label for the next execve. */
int rt_lsm_apply (const oci_process *p, struct rt_error *err);

#endif
