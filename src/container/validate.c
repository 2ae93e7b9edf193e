/* Checks of the config beyond its JSON shape: what the parser cannot see
 * field by field. Messages name the JSON path. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container/container.h"
#include "kernel/lsm.h"
#include "kernel/mounts.h"
#include "kernel/netdev.h"
#include "kernel/rdt.h"
#include "kernel/sched.h"
#include "kernel/sysctl.h"
#include "tables.h"
#include "util/log.h"

/* runtime-spec 1.2: a relative mount destination is deprecated but
 * allowed, and means relative to "/" (runc warns and does the same). */
static int
absolute_destinations (oci_config *cfg, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < cfg->mounts_len; i++)
    {
      oci_mount *m = cfg->mounts[i];
      char *abs = NULL;
      if (m->destination[0] == '/')
        continue;
      if (asprintf (&abs, "/%s", m->destination) < 0)
        return rt_error_set (err, ENOMEM, "mounts");
      rt_log_warning (".mounts[%zu].destination: `%s` is relative (deprecated): mounted on `%s`", i, m->destination,
                      abs);
      free (m->destination);
      m->destination = abs;
    }
  return 0;
}

static int
check_devices (const oci_linux *l, struct rt_error *err)
{
  size_t i;

  for (i = 0; l && i < l->devices_len; i++)
    {
      const oci_device *d = l->devices[i];
      /* the spec lets a device be anywhere in the container */
      if (d->path[0] != '/')
        return rt_error_set (err, 0, ".linux.devices[%zu].path: `%s` is not an absolute path", i, d->path);
      if (strstr (d->path, "/../") != NULL)
        return rt_error_set (err, 0, ".linux.devices[%zu].path: `%s` must not contain `..`", i, d->path);
      if (d->type[0] != 'p' && (d->major < 0 || d->minor < 0))
        return rt_error_set (err, 0, ".linux.devices[%zu]: a %s device needs major and minor numbers", i, d->type);
    }
  return 0;
}

/* The spec: a hook's path is absolute, its timeout above zero. */
static int
check_hook_list (oci_hook *const *hooks, size_t n, const char *kind, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < n; i++)
    {
      if (hooks[i]->path == NULL || hooks[i]->path[0] != '/')
        return rt_error_set (err, 0, ".hooks.%s[%zu].path: `%s` is not an absolute path", kind, i,
                             hooks[i]->path ? hooks[i]->path : "");
      if (hooks[i]->has_timeout && hooks[i]->timeout <= 0)
        return rt_error_set (err, 0, ".hooks.%s[%zu].timeout: %lld is not above zero", kind, i,
                             (long long) hooks[i]->timeout);
    }
  return 0;
}

static int
check_hooks (const oci_hooks *h, struct rt_error *err)
{
  if (h == NULL)
    return 0;
  if (check_hook_list (h->prestart, h->prestart_len, "prestart", err) < 0
      || check_hook_list (h->create_runtime, h->create_runtime_len, "createRuntime", err) < 0
      || check_hook_list (h->create_container, h->create_container_len, "createContainer", err) < 0
      || check_hook_list (h->start_container, h->start_container_len, "startContainer", err) < 0
      || check_hook_list (h->poststart, h->poststart_len, "poststart", err) < 0
      || check_hook_list (h->poststop, h->poststop_len, "poststop", err) < 0)
    return -1;
  return 0;
}

/* The device cgroup's vocabulary: type a, b or c; access of r, w, m. */
static int
check_device_rules (const oci_linux *l, struct rt_error *err)
{
  const oci_resources *r = l ? l->resources : NULL;
  size_t i;

  for (i = 0; r && i < r->devices_len; i++)
    {
      const oci_device_cgroup *d = r->devices[i];
      if (d->type && (strlen (d->type) != 1 || strchr ("abc", d->type[0]) == NULL))
        return rt_error_set (err, 0, ".linux.resources.devices[%zu].type: \"%s\" is not a, b or c", i, d->type);
      /* runc ignores the letters that are not r, w or m ("rwa"): so does
       * rt (rt_device_rules_build), saying so at --debug */
      if (d->access && strspn (d->access, "rwm") != strlen (d->access))
        rt_log_debug (".linux.resources.devices[%zu].access: \"%s\": only r, w and m are used", i, d->access);
    }
  return 0;
}

static int
check_rlimits (const oci_process *p, struct rt_error *err)
{
  size_t i, j;

  for (i = 0; i < p->rlimits_len; i++)
    {
      if (p->rlimits[i]->soft > p->rlimits[i]->hard)
        return rt_error_set (err, 0, ".process.rlimits[%zu]: soft limit %llu is above the hard limit %llu", i,
                             (unsigned long long) p->rlimits[i]->soft, (unsigned long long) p->rlimits[i]->hard);
      for (j = 0; j < i; j++)
        if (strcmp (p->rlimits[i]->type, p->rlimits[j]->type) == 0)
          return rt_error_set (err, 0, ".process.rlimits[%zu].type: duplicate rlimit \"%s\"", i, p->rlimits[i]->type);
    }
  return 0;
}

static bool
has_ns (const oci_linux *l, const char *type, bool *is_new)
{
  size_t i;

  for (i = 0; l && i < l->namespaces_len; i++)
    if (strcmp (l->namespaces[i]->type, type) == 0)
      {
        if (is_new)
          *is_new = l->namespaces[i]->path == NULL || l->namespaces[i]->path[0] == '\0';
        return true;
      }
  return false;
}

static int
check_namespaces (const oci_config *cfg, struct rt_error *err)
{
  const oci_linux *l = cfg->linux;
  bool new_user = false, new_uts = false;

  if (l && (l->uid_mappings_len || l->gid_mappings_len) && !(has_ns (l, "user", &new_user) && new_user))
    return rt_error_set (err, 0, ".linux.uidMappings: id mappings need a new user namespace");
  /* runc's rule: a uts namespace of the container's own, new or joined */
  if (((cfg->hostname && *cfg->hostname) || (cfg->domainname && *cfg->domainname)) && !has_ns (l, "uts", &new_uts))
    return rt_error_set (err, 0, ".hostname: setting a hostname needs a uts namespace");
  /* what sethostname(2) and setdomainname(2) take */
  if (cfg->hostname && strlen (cfg->hostname) > HOST_NAME_MAX)
    return rt_error_set (err, 0, ".hostname: longer than %d bytes", HOST_NAME_MAX);
  if (cfg->domainname && strlen (cfg->domainname) > HOST_NAME_MAX)
    return rt_error_set (err, 0, ".domainname: longer than %d bytes", HOST_NAME_MAX);
  return 0;
}

int
rt_config_normalize (oci_config *cfg, struct rt_error *err)
{
  return absolute_destinations (cfg, err);
}

int
rt_config_validate (const oci_config *cfg, struct rt_error *err)
{
  if (cfg->root == NULL)
    return rt_error_set (err, 0, ".root: missing required property");
  /* a config without a process may be created; `start` then fails */
  if (cfg->process && cfg->process->args_len == 0)
    return rt_error_set (err, 0, ".process.args: missing required property");
  if (cfg->process && (cfg->process->cwd == NULL || cfg->process->cwd[0] != '/'))
    return rt_error_set (err, 0, ".process.cwd: `%s` is not an absolute path",
                         cfg->process->cwd ? cfg->process->cwd : "");
  if (strncmp (cfg->oci_version, "1.", 2) != 0)
    return rt_error_set (err, 0, ".ociVersion: unsupported version \"%s\" (rt implements %s)", cfg->oci_version,
                         OCI_SPEC_VERSION);
  if (check_devices (cfg->linux, err) < 0 || (cfg->process && check_rlimits (cfg->process, err) < 0)
      || check_namespaces (cfg, err) < 0 || check_hooks (cfg->hooks, err) < 0
      || check_device_rules (cfg->linux, err) < 0
      || (cfg->linux && rt_resources_validate (cfg->linux->resources, err) < 0))
    return -1;
  /* what each kernel concern cannot honour, said before anything exists */
  if (rt_sysctl_check (cfg, err) < 0 || rt_sched_check (cfg, err) < 0 || rt_lsm_config_check (cfg, err) < 0
      || rt_mounts_check (cfg, err) < 0 || rt_netdev_check (cfg, err) < 0 || rt_rdt_check (cfg, err) < 0)
    return -1;
  return 0;
}
