/* The systemd backend (--systemd-cgroup): the container's cgroup is a
 * transient unit of systemd's, a scope `prefix-name.scope` in a slice
 * (runc's slice:prefix:name cgroupsPath), started with the container
 * process in it and Delegate=yes. The limits go to systemd as unit
 * properties, so that systemd keeps them, and into the cgroup files (as
 * with cgroupfs) for what systemd has no property for. A scope needs its
 * process: the cgroup is planned at create and made at attach, while the
 * new process waits for rt's go. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/backend.h"
#include "cgroups/systemd_bus.h"
#include "cgroups/systemd_unit.h"
#include "util/cleanup.h"
#include "util/log.h"

struct sd_backend
{
  struct rt_dbus *bus;
  unsigned version;
  /* from create to attach */
  struct rt_systemd_unit unit;
  char *id;
  const oci_resources *res;
  const oci_strmap *annotations;
};

static struct sd_backend *
backend_of (struct rt_cgroup_manager *m)
{
  if (m->priv == NULL)
    m->priv = calloc (1, sizeof (struct sd_backend));
  return m->priv;
}

/* The manager of the caller: root's is the system's, a user's (rootless,
 * also as root of the user's own user namespace) its own. */
static struct sd_backend *
connect_bus (struct rt_cgroup_manager *m, struct rt_error *err)
{
  struct sd_backend *sd = backend_of (m);

  if (sd == NULL)
    {
      rt_error_set (err, ENOMEM, "systemd");
      return NULL;
    }
  if (sd->bus == NULL)
    {
      if (rt_systemd_bus_open (m->rootless, &sd->bus, err) < 0)
        return NULL;
      sd->version = rt_systemd_bus_version (sd->bus);
    }
  return sd;
}

static void
sd_close (struct rt_cgroup_manager *m)
{
  struct sd_backend *sd = m->priv;

  if (sd == NULL)
    return;
  rt_systemd_bus_close (sd->bus);
  rt_systemd_unit_free (&sd->unit);
  free (sd->id);
  free (sd);
  m->priv = NULL;
}

/* The unit's cgroup below each mount: a scope sits in its slice, a slice
 * where its name puts it, both below the manager's own cgroup. */
static char *
unit_cgroup (struct sd_backend *sd, struct rt_error *err)
{
  cleanup_free char *base = NULL, *slice = NULL;
  char *path = NULL;
  int n;

  if (rt_systemd_bus_manager_cgroup (sd->bus, &base, err) < 0)
    return NULL;
  slice = rt_systemd_slice_path (sd->unit.is_slice ? sd->unit.name : sd->unit.slice);
  if (slice == NULL)
    {
      rt_error_set (err, ENOMEM, "systemd");
      return NULL;
    }
  if (strcmp (base, "/") == 0)
    base[0] = '\0';
  if (strcmp (slice, "/") == 0)
    slice[0] = '\0';
  n = sd->unit.is_slice ? asprintf (&path, "%s%s", base, slice)
                        : asprintf (&path, "%s%s/%s", base, slice, sd->unit.name);
  if (n < 0)
    {
      rt_error_set (err, ENOMEM, "systemd");
      return NULL;
    }
  return path;
}

/* A v1 devices hierarchy: systemd writes the scope's devices.allow itself
 * (at a daemon-reload too: `a`, all, for a unit without DeviceAllow), so
 * the container sits one level down, where systemd never writes in a
 * delegated unit, and the kernel refuses to widen a parent's list while it
 * has children. (On cgroup v2 the filter is an eBPF program systemd leaves
 * alone: docs/systemd.md.) */
static bool
v1_devices (const struct rt_cgroup_hier *h)
{
  return !h->v2 && rt_cgroup_list_has (h->controllers, "devices");
}

static int
sd_create (struct rt_cgroup_manager *m, const struct rt_cgroup_request *req, rt_cgroup_planned_fn planned, void *data,
           struct rt_cgroup *cg, struct rt_error *err)
{
  const struct rt_cgroup_layout *l;
  struct sd_backend *sd;
  cleanup_free char *rel = NULL;
  size_t i;

  if (access ("/run/systemd/system", F_OK) < 0)
    return rt_error_set (err, 0,
                         "systemd is not running on this host (no /run/systemd/system): --systemd-cgroup needs it; "
                         "use --cgroup-manager=cgroupfs");
  l = rt_cgroup_manager_layout (m, err);
  if (l == NULL || rt_cgroup_check_layout (l, req->res, err) < 0 || (sd = connect_bus (m, err)) == NULL)
    return -1;
  if (rt_systemd_unit_parse (req->path, req->id, m->rootless, &sd->unit, err) < 0)
    return -1;
  sd->id = strdup (req->id);
  sd->res = req->res;
  sd->annotations = req->annotations;
  rel = unit_cgroup (sd, err);
  if (sd->id == NULL || rel == NULL)
    return err->msg ? -1 : rt_error_set (err, ENOMEM, "systemd");
  cg->dirs = calloc (l->len + 1, sizeof (char *));
  if (cg->dirs == NULL)
    return rt_error_set (err, ENOMEM, "cgroup");
  for (i = 0; i < l->len; i++)
    if (asprintf (&cg->dirs[cg->len++], "%s%s%s", l->h[i].mount, rel, v1_devices (&l->h[i]) ? "/container" : "") < 0)
      return rt_error_set (err, ENOMEM, "cgroup");
  cg->pending = true;
  rt_log_debug ("systemd %u: unit `%s` in `%s`", sd->version, sd->unit.name, sd->unit.slice);
  if (rt_cgroup_refuse_frozen (l, cg->dirs, cg->len, err) < 0)
    return -1;
  return planned != NULL ? planned (data, cg, err) : 0;
}

static int
add_bool (struct rt_systemd_props *ps, const char *name, bool v)
{
  struct rt_systemd_prop p = { .name = name, .type = RT_SD_BOOL, .b = v };
  return rt_systemd_props_add (ps, p);
}

static int
add_string (struct rt_systemd_props *ps, const char *name, const char *v)
{
  struct rt_systemd_prop p = { .name = name, .type = RT_SD_STRING, .s = v };
  return rt_systemd_props_add (ps, p);
}

/* What every unit of rt's has (as runc's), before the limits. */
static int
unit_props (struct sd_backend *sd, const struct rt_cgroup_layout *l, pid_t pid, const char *description,
            struct rt_systemd_props *ps)
{
  static const char *const accounting[] = { "MemoryAccounting", "CPUAccounting", "TasksAccounting" };
  size_t i;

  if (add_string (ps, "Description", description) < 0 || add_bool (ps, "DefaultDependencies", false) < 0)
    return -1;
  for (i = 0; i < sizeof accounting / sizeof accounting[0]; i++)
    if (add_bool (ps, accounting[i], true) < 0)
      return -1;
  if (add_bool (ps, l->has_v1 ? "BlockIOAccounting" : "IOAccounting", true) < 0)
    return -1;
  if (sd->unit.is_slice)
    return add_string (ps, "Wants", sd->unit.slice);
  {
    struct rt_systemd_prop p = { .name = "PIDs", .type = RT_SD_U32S, .n = 1 };
    p.u32s = malloc (sizeof (uint32_t));
    if (p.u32s == NULL)
      return -1;
    p.u32s[0] = (uint32_t) pid;
    if (rt_systemd_props_add (ps, p) < 0)
      return -1;
  }
  /* Delegate: systemd leaves what is below the scope to us (sub-cgroups
   * of exec --cgroup, nested managers) */
  return add_string (ps, "Slice", sd->unit.slice) < 0 ? -1 : add_bool (ps, "Delegate", true);
}

/* The limits systemd takes as properties, and annotations
 * org.systemd.property.NAME (runc's) for any property at all. */
static int
limit_props (struct sd_backend *sd, const oci_resources *res, const oci_strmap *annotations,
             struct rt_systemd_props *ps, struct rt_error *err)
{
  struct rt_systemd_props limits = { 0 };
  size_t i;

  if (rt_systemd_resource_props (res, sd->version, &limits, err) < 0)
    return -1;
  for (i = 0; i < limits.len; i++)
    if (rt_systemd_props_add (ps, limits.p[i]) < 0)
      {
        limits.len = i; /* the rest are still ours to free */
        rt_systemd_props_free (&limits);
        return rt_error_set (err, ENOMEM, "systemd");
      }
  free (limits.p);
  return annotations ? rt_systemd_annotation_props (annotations, ps, err) : 0;
}

/* The directories made where systemd left them out (v1 hierarchies it
 * does not manage), res written into each, the process moved in. */
static int
apply_files (const struct rt_cgroup_manager *m, const struct rt_cgroup_layout *l, const struct rt_cgroup *cg,
             const oci_resources *res, pid_t pid, struct rt_error *err)
{
  struct rt_device_rules rules;
  oci_resources all;
  size_t i;
  int ret = 0;

  if (rt_cgroup_with_device_rules (m, res, pid > 0, &all, &rules, err) < 0)
    return -1;
  for (i = 0; i < cg->len && ret == 0; i++)
    {
      const struct rt_cgroup_hier *h = rt_cgroup_hier_of (l, cg->dirs[i]);
      if (h == NULL)
        continue;
      if (pid > 0)
        ret = rt_cgroup_fs_make_dir (h, cg->dirs[i], err);
      if (ret == 0)
        ret = rt_cgroup_fs_apply (l, h, cg->dirs[i], &all, err);
      if (ret == 0 && pid > 0)
        ret = rt_cgroup_writef (cg->dirs[i], "cgroup.procs", err, "%d", pid);
    }
  rt_device_rules_free (&rules);
  return ret;
}

static int
sd_attach (struct rt_cgroup_manager *m, const struct rt_cgroup *cg, pid_t pid, bool born_inside, struct rt_error *err)
{
  struct sd_backend *sd = m->priv;
  const struct rt_cgroup_layout *l = rt_cgroup_manager_layout (m, err);
  struct rt_systemd_props ps = { 0 };
  cleanup_free char *description = NULL;
  int ret = -1;

  (void) born_inside;
  if (l == NULL || sd == NULL || sd->id == NULL)
    return rt_error_set (err, EINVAL, "systemd: attach before create");
  if (asprintf (&description, "rt container %s", sd->id) < 0)
    return rt_error_set (err, ENOMEM, "systemd");
  if (unit_props (sd, l, pid, description, &ps) < 0)
    rt_error_set (err, ENOMEM, "systemd");
  else if (limit_props (sd, sd->res, sd->annotations, &ps, err) == 0
           && rt_systemd_bus_start_unit (sd->bus, sd->unit.name, &ps, err) == 0)
    ret = apply_files (m, l, cg, sd->res, pid, err);
  rt_systemd_props_free (&ps);
  return ret < 0 ? rt_error_prefix (err, "create cgroup") : 0;
}

/* The unit's name is the last component of the container's directory in
 * any hierarchy but v1 devices (one level below). */
static char *
unit_of (const struct rt_cgroup *cg)
{
  size_t i;

  for (i = 0; i < cg->len; i++)
    {
      size_t n = strlen (cg->dirs[i]);
      const char *slash;
      if (n > strlen ("/container") && strcmp (cg->dirs[i] + n - strlen ("/container"), "/container") == 0)
        continue;
      slash = strrchr (cg->dirs[i], '/');
      return slash ? strdup (slash + 1) : NULL;
    }
  return NULL;
}

static int
sd_update (struct rt_cgroup_manager *m, const struct rt_cgroup *cg, const oci_resources *res, struct rt_error *err)
{
  const struct rt_cgroup_layout *l = rt_cgroup_manager_layout (m, err);
  struct rt_systemd_props ps = { 0 };
  cleanup_free char *unit = unit_of (cg);
  struct sd_backend *sd;
  int ret = -1;

  if (unit == NULL)
    return rt_error_set (err, ENOMEM, "systemd");
  if (l == NULL || rt_cgroup_check_layout (l, res, err) < 0 || (sd = connect_bus (m, err)) == NULL)
    return -1;
  if (limit_props (sd, res, NULL, &ps, err) == 0
      && (ps.len == 0 || rt_systemd_bus_set_properties (sd->bus, unit, &ps, err) == 0))
    ret = apply_files (m, l, cg, res, 0, err);
  rt_systemd_props_free (&ps);
  return ret;
}

static int
sd_destroy (struct rt_cgroup_manager *m, const struct rt_cgroup *cg, struct rt_error *err)
{
  struct rt_error bus_err = RT_ERROR_INIT;
  cleanup_free char *unit = unit_of (cg);
  struct sd_backend *sd;

  if (unit == NULL)
    return 0;
  /* killed and removed first: a scope stopped with processes in it would
   * SIGTERM them and wait for its stop timeout */
  if (rt_cgroup_remove_dirs (cg->dirs, cg->len, cg->shared, err) < 0)
    return -1;
  sd = connect_bus (m, &bus_err);
  if (sd == NULL || rt_systemd_bus_stop_unit (sd->bus, unit, &bus_err) < 0)
    rt_log_warning ("the cgroup is removed, but not systemd's unit `%s`: %s", unit, bus_err.msg);
  rt_error_clear (&bus_err);
  return 0;
}

const struct rt_cgroup_backend rt_cgroup_backend_systemd = {
  .name = "systemd",
  .create = sd_create,
  .attach = sd_attach,
  .update = sd_update,
  .destroy = sd_destroy,
  .close = sd_close,
};
