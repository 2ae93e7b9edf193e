/* The cgroupfs backend: rt makes the directories itself, one per
 * hierarchy (v1, hybrid and v2 alike), and writes the resources into them
 * (v1.c, v2.c). */
#include <linux/magic.h>
#include <sys/vfs.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/backend.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"

/* The directory of the container in one hierarchy: an absolute
 * cgroupsPath as given, a relative one below the caller's cgroup, none at
 * all /rt/<id> (/rt-<hash of the root>/<id>), never below whatever cgroup
 * the caller happens to sit in (a supervisor's, a shell's). */
static char *
cgroup_dir (const struct rt_cgroup_hier *h, const struct rt_cgroup_request *req)
{
  const char *caller = strcmp (h->caller, "/") == 0 ? "" : h->caller, *path = req->path;
  cleanup_free char *parent = NULL;
  char *dir = NULL;
  int n;

  if (path == NULL || *path == '\0')
    {
      parent = rt_cgroup_default_parent (req->root);
      n = parent ? asprintf (&dir, "%s/%s/%s", h->mount, parent, req->id) : -1;
    }
  else if (path[0] == '/')
    n = asprintf (&dir, "%s%s", h->mount, path);
  else
    n = asprintf (&dir, "%s%s/%s", h->mount, caller, path);
  return n < 0 ? NULL : dir;
}

static bool
cpuset_empty (const char *value)
{
  return value[0] == '\n' || value[0] == '\0';
}

/* v1 cpuset children start empty: copy cpus and mems down from the
 * parent, and the parent's from its own first where they are empty too. */
static int
cpuset_inherit (const char *mount, const char *dir, struct rt_error *err)
{
  static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
  cleanup_free char *parent = strdup (dir);
  char *slash;
  size_t i;

  if (parent == NULL || (slash = strrchr (parent, '/')) == NULL)
    return rt_error_set (err, ENOMEM, "cpuset");
  *slash = '\0';
  for (i = 0; i < 2; i++)
    {
      cleanup_free char *path = NULL, *value = NULL, *mine = NULL, *mypath = NULL;
      if (asprintf (&path, "%s/%s", parent, files[i]) < 0 || asprintf (&mypath, "%s/%s", dir, files[i]) < 0)
        return rt_error_set (err, ENOMEM, "cpuset");
      if (rt_read_file (mypath, &mine, NULL, NULL) == 0 && !cpuset_empty (mine))
        continue;
      if (rt_read_file (path, &value, NULL, err) < 0)
        return -1;
      if (cpuset_empty (value) && strlen (parent) > strlen (mount))
        {
          free (value);
          value = NULL;
          if (cpuset_inherit (mount, parent, err) < 0 || rt_read_file (path, &value, NULL, err) < 0)
            return -1;
        }
      if (rt_cgroup_write (dir, files[i], value, err) < 0)
        return -1;
    }
  return 0;
}

int
rt_cgroup_fs_make_dir (const struct rt_cgroup_hier *h, const char *dir, struct rt_error *err)
{
  int tries = 0;

  /* a delete may remove an empty /rt between our mkdirs: try again */
  while (rt_mkdir_p (dir, 0755, err) < 0)
    if (err->errnum != ENOENT || ++tries == 5)
      return rt_error_prefix (err, "create cgroup");
  if (!h->v2 && rt_cgroup_list_has (h->controllers, "cpuset"))
    return cpuset_inherit (h->mount, dir, err);
  if (h->v2)
    return rt_cgroup_v2_enable_controllers (h->mount, dir + strlen (h->mount), err);
  return 0;
}

static int
check_path (const char *cgroups_path, struct rt_error *err)
{
  if (cgroups_path == NULL)
    return 0;
  if (strstr (cgroups_path, "..") != NULL)
    return rt_error_set (err, 0, ".linux.cgroupsPath: `%s` must not contain `..`", cgroups_path);
  if (cgroups_path[0] != '/' && strchr (cgroups_path, ':') != NULL)
    return rt_error_set (err, 0,
                         ".linux.cgroupsPath: `%s` is a systemd slice:prefix:name path, which needs "
                         "--systemd-cgroup and systemd",
                         cgroups_path);
  return 0;
}

int
rt_cgroup_fs_apply (const struct rt_cgroup_layout *l, const struct rt_cgroup_hier *h, const char *dir,
                    const oci_resources *res, struct rt_error *err)
{
  cleanup_free char *ctrl = NULL;

  if (!h->v2)
    return rt_cgroup_v1_apply (dir, h->controllers, res, err);
  /* the directory's own (not the mount's: a parent may not pass all of
   * them down) */
  ctrl = rt_cgroup_read_controllers (dir);
  if (ctrl == NULL)
    return rt_error_set (err, ENOMEM, "cgroup");
  if (rt_cgroup_check_v2_dir (l, dir, ctrl, res, err) < 0)
    return -1;
  /* the devices controller of v1, when mounted, does the filtering */
  return rt_cgroup_v2_apply (dir, ctrl, res, rt_cgroup_hier_for (l, "devices") == NULL, err);
}

/* An existing cgroup that holds processes is joined, as runc 1.1 does,
 * with its words as a warning; it is marked shared, so that a failed
 * create or a delete never kills those processes (rt_cgroup_destroy). */
static int
note_occupied (char *const *dirs, size_t len, bool *shared, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < len; i++)
    {
      cleanup_free pid_t *pids = NULL;
      size_t n = 0;
      if (access (dirs[i], F_OK) < 0)
        continue;
      if (rt_cgroup_read_pids (dirs[i], &pids, &n, err) < 0)
        return rt_error_prefix (err, "create cgroup");
      if (n > 0 && !*shared)
        rt_log_warning ("container's cgroup is not empty: %zu process(es) found in `%s` (they are left alone: "
                        "delete kills only this container's processes)",
                        n, dirs[i]);
      *shared = *shared || n > 0;
    }
  return 0;
}

/* Is dir, or the nearest ancestor that exists (in which dir would be
 * made), frozen? A process put there would stop at once, and the create
 * waiting for it would wait for ever. */
static bool
frozen_at (const char *mount, const char *dir, bool v2)
{
  cleanup_free char *d = strdup (dir), *path = NULL, *data = NULL;
  char *slash;

  while (d != NULL && access (d, F_OK) < 0 && strlen (d) > strlen (mount) && (slash = strrchr (d, '/')) != NULL)
    *slash = '\0';
  if (d == NULL || asprintf (&path, "%s/%s", d, v2 ? "cgroup.events" : "freezer.state") < 0
      || rt_read_file (path, &data, NULL, NULL) < 0)
    return false;
  if (!v2)
    return strncmp (data, "THAWED", 6) != 0;
  return strstr (data, "frozen 1") != NULL;
}

int
rt_cgroup_refuse_frozen (const struct rt_cgroup_layout *l, char *const *dirs, size_t n, struct rt_error *err)
{
  const struct rt_cgroup_hier *h;
  size_t i;

  for (i = 0; i < n; i++)
    if ((h = rt_cgroup_hier_of (l, dirs[i])) != NULL && (h->v2 || rt_cgroup_list_has (h->controllers, "freezer"))
        && frozen_at (h->mount, dirs[i], h->v2))
      return rt_error_set (err, 0, "container's cgroup unexpectedly frozen: `%s` (thaw it first)", dirs[i]);
  return 0;
}

int
rt_cgroup_with_device_rules (const struct rt_cgroup_manager *m, const oci_resources *res, bool always,
                             oci_resources *out, struct rt_device_rules *rules, struct rt_error *err)
{
  oci_resources none = { 0 };

  *out = res ? *res : none;
  memset (rules, 0, sizeof *rules);
  if (m->rootless)
    {
      out->devices = NULL;
      out->devices_len = 0;
      return 0;
    }
  if (!always && out->devices_len == 0)
    return 0;
  if (rt_device_rules_build (res, rules, err) < 0)
    return -1;
  out->devices = rules->rules;
  out->devices_len = rules->len;
  return 0;
}

/* Could the caller make dir and move itself in? Its own directory: the
 * file that takes processes; a new one: the nearest existing ancestor. */
static bool
caller_may_make (const struct rt_cgroup_hier *h, const char *dir)
{
  cleanup_free char *path = strdup (dir), *procs = NULL;
  char *slash;

  if (path == NULL)
    return false;
  if (access (path, F_OK) == 0)
    return asprintf (&procs, "%s/%s", path, h->v2 ? "cgroup.procs" : "tasks") >= 0
           && faccessat (AT_FDCWD, procs, W_OK, AT_EACCESS) == 0;
  while ((slash = strrchr (path, '/')) != NULL && slash > path)
    {
      *slash = '\0';
      if (access (path, F_OK) == 0)
        return faccessat (AT_FDCWD, path, W_OK | X_OK, AT_EACCESS) == 0;
    }
  return false;
}

/* One directory per hierarchy; rootless without a cgroupsPath, only where
 * the caller may make one (runc's rule: an explicit path must work). */
static int
fs_plan (const struct rt_cgroup_layout *l, const struct rt_cgroup_request *req, bool rootless, struct rt_cgroup *cg,
         struct rt_error *err)
{
  bool optional = rootless && (req->path == NULL || *req->path == '\0');
  size_t i;

  cg->len = 0;
  cg->dirs = calloc (l->len + 1, sizeof (char *));
  if (cg->dirs == NULL)
    return rt_error_set (err, ENOMEM, "cgroup");
  for (i = 0; i < l->len; i++)
    {
      char *dir = cgroup_dir (&l->h[i], req);
      if (dir == NULL)
        return rt_error_set (err, ENOMEM, "cgroup");
      if (optional && !caller_may_make (&l->h[i], dir))
        {
          rt_log_debug ("rootless: no cgroup in `%s` (not writable)", l->h[i].mount);
          free (dir);
          continue;
        }
      cg->dirs[cg->len++] = dir;
    }
  return optional ? rt_cgroup_check_served (l, cg->dirs, cg->len, req->res, err) : 0;
}

static int
fs_make (const struct rt_cgroup_layout *l, const oci_resources *res, struct rt_cgroup *cg, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < cg->len; i++)
    {
      const char *dir = cg->dirs[i];
      const struct rt_cgroup_hier *h = rt_cgroup_hier_of (l, dir);
      if (h == NULL)
        return rt_error_set (err, ENOENT, "cgroup `%s`: in no hierarchy", dir);
      if (rt_cgroup_fs_make_dir (h, dir, err) < 0)
        return -1;
      if (h->v2 && (cg->clone_fd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
        return rt_error_set (err, errno, "open cgroup `%s`", dir);
      if (rt_cgroup_fs_apply (l, h, dir, res, err) < 0)
        return -1;
    }
  return 0;
}

static int
fs_create (struct rt_cgroup_manager *m, const struct rt_cgroup_request *req, rt_cgroup_planned_fn planned, void *data,
           struct rt_cgroup *cg, struct rt_error *err)
{
  const struct rt_cgroup_layout *l = rt_cgroup_manager_layout (m, err);
  struct rt_device_rules rules = { 0 };
  oci_resources res;
  int ret = -1;

  if (l == NULL || check_path (req->path, err) < 0 || rt_cgroup_check_layout (l, req->res, err) < 0
      || fs_plan (l, req, m->rootless, cg, err) < 0)
    return -1;
  /* recorded before any exists: whoever cleans up later knows them all */
  if (note_occupied (cg->dirs, cg->len, &cg->shared, err) < 0 || rt_cgroup_refuse_frozen (l, cg->dirs, cg->len, err) < 0
      || (planned != NULL && planned (data, cg, err) < 0))
    return -1;
  if (rt_cgroup_with_device_rules (m, req->res, true, &res, &rules, err) == 0)
    ret = fs_make (l, &res, cg, err);
  rt_device_rules_free (&rules);
  if (ret < 0)
    {
      if (err->msg == NULL)
        rt_error_set (err, ENOMEM, "create cgroup");
      rt_cgroup_remove_dirs (cg->dirs, cg->len, cg->shared, NULL);
    }
  return ret;
}

static int
fs_attach (struct rt_cgroup_manager *m, const struct rt_cgroup *cg, pid_t pid, bool born_inside, struct rt_error *err)
{
  (void) m;
  return born_inside ? 0 : rt_cgroup_enter_v2 (cg->dirs, cg->len, pid, err);
}

static int
fs_update (struct rt_cgroup_manager *m, const struct rt_cgroup *cg, const oci_resources *given, struct rt_error *err)
{
  const struct rt_cgroup_layout *l = rt_cgroup_manager_layout (m, err);
  struct rt_device_rules rules;
  oci_resources res;
  size_t i;
  int ret;

  if (l == NULL || rt_cgroup_check_layout (l, given, err) < 0
      || rt_cgroup_with_device_rules (m, given, false, &res, &rules, err) < 0)
    return -1;
  for (i = 0, ret = 0; i < cg->len && ret == 0; i++)
    {
      const struct rt_cgroup_hier *h = rt_cgroup_hier_of (l, cg->dirs[i]);
      if (h != NULL)
        ret = rt_cgroup_fs_apply (l, h, cg->dirs[i], &res, err);
    }
  rt_device_rules_free (&rules);
  return ret;
}

static int
fs_destroy (struct rt_cgroup_manager *m, const struct rt_cgroup *cg, struct rt_error *err)
{
  (void) m;
  return rt_cgroup_remove_dirs (cg->dirs, cg->len, cg->shared, err);
}

const struct rt_cgroup_backend rt_cgroup_backend_fs = {
  .name = "cgroupfs",
  .create = fs_create,
  .attach = fs_attach,
  .update = fs_update,
  .destroy = fs_destroy,
};
