#include "kernel/lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

/* As runc: securityfs shows the module is loaded, the parameter that it is on. */
bool
rt_apparmor_enabled (void)
{
  cleanup_free char *v = NULL;

  if (access ("/sys/kernel/security/apparmor", F_OK) < 0
      || rt_read_file ("/sys/module/apparmor/parameters/enabled", &v, NULL, NULL) < 0)
    return false;
  return v[0] == 'Y';
}

bool
rt_selinux_enabled (void)
{
  return access ("/sys/fs/selinux/enforce", F_OK) == 0;
}

static int
write_attr (const char *path, const char *fallback, const char *value, const char *what, struct rt_error *err)
{
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);
  size_t len = strlen (value);
  ssize_t n;

  if (fd < 0 && errno == ENOENT && fallback != NULL)
    fd = open (path = fallback, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return rt_error_set (err, errno, "%s: open `%s`", what, path);
  do
    n = write (fd, value, len);
  while (n < 0 && errno == EINTR);
  if (n < 0 || (size_t) n != len)
    return rt_error_set (err, n < 0 ? errno : EIO, "%s: write `%s`", what, path);
  return 0;
}

int
rt_lsm_check (const oci_process *p, struct rt_error *err)
{
  if (p->apparmor_profile && *p->apparmor_profile && !rt_apparmor_enabled ())
    return rt_error_set (err, 0, ".process.apparmorProfile: `%s` is set, but AppArmor is not enabled on this host",
                         p->apparmor_profile);
  if (p->selinux_label && *p->selinux_label && !rt_selinux_enabled ())
    return rt_error_set (err, 0, ".process.selinuxLabel: `%s` is set, but SELinux is not enabled on this host",
                         p->selinux_label);
  return 0;
}

/* Both take effect at the next execve only, so they can be set while the
 * process still has the privileges to write its own attributes. */
int
rt_lsm_apply (const oci_process *p, struct rt_error *err)
{
  cleanup_free char *profile = NULL;

  if (p->apparmor_profile && *p->apparmor_profile)
    {
      if (asprintf (&profile, "exec %s", p->apparmor_profile) < 0)
        return rt_error_set (err, ENOMEM, "apparmor");
      if (write_attr ("/proc/thread-self/attr/apparmor/exec", "/proc/thread-self/attr/exec", profile,
                      ".process.apparmorProfile", err)
          < 0)
        return -1;
    }
  if (p->selinux_label && *p->selinux_label
      && write_attr ("/proc/thread-self/attr/exec", NULL, p->selinux_label, ".process.selinuxLabel", err) < 0)
    return -1;
  return 0;
}

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
