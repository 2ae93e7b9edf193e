/* Where the cgroup hierarchies are: v1 hierarchies and/or a cgroup2
 * mount, from mountinfo, and the caller's cgroup in each, from
 * /proc/self/cgroup. The parsing works on text (rt_cgroup_layout_parse),
 * so captures of v1, hybrid and v2 hosts test it without a kernel
 * (tests/unit/test-cgroup-layout.c). */
#include "cgroups/backend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/mountinfo.h"

static void
hier_free (struct rt_cgroup_hier *h)
{
  free (h->mount);
  free (h->controllers);
  free (h->caller);
}

void
rt_cgroup_layout_free (struct rt_cgroup_layout *l)
{
  size_t i;

  for (i = 0; i < l->len; i++)
    hier_free (&l->h[i]);
  free (l->h);
  memset (l, 0, sizeof *l);
}

/* "rw,nosuid,memory" -> "memory": keep the cgroup v1 controller names. */
static char *
v1_controllers (const char *superopts)
{
  static const char *const skip[] = { "rw", "ro", "noprefix", "clone_children", "xattr", "cpuset_v2_mode", NULL };
  cleanup_free char *copy = strdup (superopts);
  char *out = calloc (1, strlen (superopts) + 1), *tok, *save = NULL;
  size_t i;

  if (copy == NULL || out == NULL)
    {
      free (out);
      return NULL;
    }
  for (tok = strtok_r (copy, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
    {
      bool skipped = strncmp (tok, "release_agent=", 14) == 0;
      for (i = 0; skip[i] && !skipped; i++)
        skipped = strcmp (tok, skip[i]) == 0;
      if (skipped)
        continue;
      if (*out)
        strcat (out, ",");
      strcat (out, tok);
    }
  return out;
}

static int
add_hier (struct rt_cgroup_layout *l, const char *mount, const char *controllers, bool v2)
{
  struct rt_cgroup_hier *nh = realloc (l->h, (l->len + 1) * sizeof *nh);

  if (nh == NULL)
    return -1;
  l->h = nh;
  memset (&l->h[l->len], 0, sizeof *nh);
  l->h[l->len].mount = strdup (mount);
  l->h[l->len].controllers = strdup (controllers);
  l->h[l->len].v2 = v2;
  l->len++;
  if (v2)
    l->has_v2 = true;
  else
    l->has_v1 = true;
  return l->h[l->len - 1].mount && l->h[l->len - 1].controllers ? 0 : -1;
}

static bool
hier_seen (const struct rt_cgroup_layout *l, const char *controllers, bool v2)
{
  size_t i;

  for (i = 0; i < l->len; i++)
    if (l->h[i].v2 == v2 && (v2 || strcmp (l->h[i].controllers, controllers) == 0))
      return true;
  return false;
}

static int
add_mount (struct rt_cgroup_layout *l, const struct rt_mount_entry *e, const struct rt_cgroup_probe *probe)
{
  bool v2 = strcmp (e->fstype, "cgroup2") == 0;
  cleanup_free char *ctrl = NULL;

  if (!v2 && strcmp (e->fstype, "cgroup") != 0)
    return 0;
  if (probe && probe->visible && !probe->visible (e->mountpoint, e->devno))
    return 0;
  if (v2 && hier_seen (l, "", true))
    return 0;
  ctrl = v2 ? (probe && probe->controllers ? probe->controllers (e->mountpoint) : strdup (""))
            : v1_controllers (e->superopts);
  if (ctrl == NULL)
    return -1;
  if (!v2 && hier_seen (l, ctrl, false))
    return 0;
  return add_hier (l, e->mountpoint, ctrl, v2);
}

/* Each hierarchy's caller path from /proc/PID/cgroup lines
 * "ID:CONTROLLERS:PATH" ("0::PATH" for cgroup2); "/" where none says. */
static int
add_callers (struct rt_cgroup_layout *l, const char *proc_cgroup)
{
  const char *line = proc_cgroup;
  size_t i;

  while (line && *line)
    {
      size_t len = strcspn (line, "\n");
      cleanup_free char *copy = strndup (line, len);
      char *ctrl, *path;

      if (copy == NULL)
        return -1;
      line += len + (line[len] == '\n');
      if ((ctrl = strchr (copy, ':')) == NULL || (path = strchr (ctrl + 1, ':')) == NULL)
        continue;
      *path++ = '\0';
      ctrl++;
      for (i = 0; i < l->len; i++)
        if (l->h[i].caller == NULL
            && (*ctrl == '\0' ? l->h[i].v2 : (!l->h[i].v2 && strcmp (l->h[i].controllers, ctrl) == 0))
            && (l->h[i].caller = strdup (path)) == NULL)
          return -1;
    }
  for (i = 0; i < l->len; i++)
    if (l->h[i].caller == NULL && (l->h[i].caller = strdup ("/")) == NULL)
      return -1;
  return 0;
}

int
rt_cgroup_layout_parse (const char *mountinfo, const char *proc_cgroup, const struct rt_cgroup_probe *probe,
                        struct rt_cgroup_layout *l, struct rt_error *err)
{
  struct rt_mountinfo mi;
  size_t i;
  int r = 0;

  memset (l, 0, sizeof *l);
  if (rt_mountinfo_parse (mountinfo, &mi, err) < 0)
    return -1;
  for (i = 0; i < mi.len && r == 0; i++)
    r = add_mount (l, &mi.e[i], probe);
  rt_mountinfo_free (&mi);
  if (r == 0 && proc_cgroup != NULL)
    r = add_callers (l, proc_cgroup);
  if (r < 0)
    {
      rt_cgroup_layout_free (l);
      return rt_error_set (err, ENOMEM, "cgroups");
    }
  return 0;
}

/* A mount that a later mount covers (cgroup2 mounted over /sys/fs/cgroup
 * in a private mount namespace hides the v1 hierarchies below it) is still
 * in mountinfo: the mount point then leads to another filesystem, or is gone. */
static bool
mount_visible (const char *mountpoint, const char *devno)
{
  unsigned int maj, min;
  struct stat st;

  if (sscanf (devno, "%u:%u", &maj, &min) != 2)
    return true;
  return stat (mountpoint, &st) == 0 && major (st.st_dev) == maj && minor (st.st_dev) == min;
}

static int
layout_read (bool callers, struct rt_cgroup_layout *l, struct rt_error *err)
{
  /* the controllers a cgroup2 mount offers: its root's */
  static const struct rt_cgroup_probe host = { mount_visible, rt_cgroup_read_controllers };
  cleanup_free char *mountinfo = NULL, *cgroup = NULL;

  memset (l, 0, sizeof *l);
  if (rt_read_file ("/proc/self/mountinfo", &mountinfo, NULL, err) < 0)
    return -1;
  if (callers && rt_read_file ("/proc/self/cgroup", &cgroup, NULL, err) < 0)
    return -1;
  return rt_cgroup_layout_parse (mountinfo, cgroup, &host, l, err);
}

bool
rt_cgroup_unified_host (void)
{
  return rt_cgroup_dir_is_v2 ("/sys/fs/cgroup");
}

int
rt_cgroup_layout_read_mounts (struct rt_cgroup_layout *l, struct rt_error *err)
{
  return layout_read (false, l, err);
}

int
rt_cgroup_layout_read (struct rt_cgroup_layout *l, struct rt_error *err)
{
  return layout_read (true, l, err);
}

/* Controller lists come comma-separated (v1 mount options, exec
 * --cgroup) or space-separated (cgroup.controllers): a token is what
 * stands between any of those. */
bool
rt_cgroup_list_has_n (const char *list, const char *name, size_t n)
{
  const char *p = list;

  while (p && *p)
    {
      size_t len = strcspn (p, ", \n");
      if (len == n && strncmp (p, name, n) == 0)
        return true;
      p += len;
      p += strspn (p, ", \n");
    }
  return false;
}

bool
rt_cgroup_list_has (const char *list, const char *name)
{
  return rt_cgroup_list_has_n (list, name, strlen (name));
}

const struct rt_cgroup_hier *
rt_cgroup_hier_of (const struct rt_cgroup_layout *l, const char *dir)
{
  size_t i, n;

  for (i = 0; i < l->len; i++)
    {
      n = strlen (l->h[i].mount);
      if (strncmp (dir, l->h[i].mount, n) == 0 && (dir[n] == '/' || dir[n] == '\0'))
        return &l->h[i];
    }
  return NULL;
}

const struct rt_cgroup_hier *
rt_cgroup_hier_for (const struct rt_cgroup_layout *l, const char *controller)
{
  size_t i;

  for (i = 0; i < l->len; i++)
    if (!l->h[i].v2 && rt_cgroup_list_has (l->h[i].controllers, controller))
      return &l->h[i];
  for (i = 0; i < l->len; i++)
    if (l->h[i].v2 && rt_cgroup_list_has (l->h[i].controllers, controller))
      return &l->h[i];
  return NULL;
}
