#include "kernel/lsm.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/process.h"

int
rt_lsm_config_check (const oci_config *cfg, struct rt_error *err)
{
  /* a mountLabel without SELinux is left out of the mount options, as
   * crun and go-selinux do: the kernel would refuse `context=` */
  if (cfg->process && rt_lsm_check (cfg->process, err) < 0)
    return -1;
  return 0;
}

/* These get their labels from the kernel (or from the bind source). */
static bool
takes_context (const char *type)
{
  static const char *const none[] = { "bind", "proc", "sysfs", "cgroup", "cgroup2", "securityfs", NULL };
  size_t i;

  if (type == NULL)
    return false;
  for (i = 0; none[i]; i++)
    if (strcmp (type, none[i]) == 0)
      return false;
  return true;
}

int
rt_mount_label_data (const char *label, const char *type, const char *data, char **out, struct rt_error *err)
{
  bool have = data && *data;

  *out = NULL;
  if (label == NULL || *label == '\0' || !takes_context (type) || (have && strstr (data, "context=") != NULL)
      || !rt_selinux_enabled ())
    {
      /* a context given in the options wins over the config-wide label */
      if (have && (*out = strdup (data)) == NULL)
        return rt_error_set (err, ENOMEM, "mount label");
      return 0;
    }
  if (asprintf (out, "%s%scontext=\"%s\"", have ? data : "", have ? "," : "", label) < 0)
    {
      *out = NULL;
      return rt_error_set (err, ENOMEM, "mount label");
    }
  return 0;
}
