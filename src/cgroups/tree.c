/* A container's cgroup and the cgroups made below it (systemd in a
 * container, Docker in Docker, `exec --cgroup`): read deepest first,
 * thawed, killed and removed; never a cgroup above it. */
#include <dirent.h>
#include <linux/magic.h>
#include <signal.h>
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

#define CGROUP_DEFAULT_PARENT "rt"

void
rt_cgroup_subtree_free (struct rt_cgroup_subtree *t)
{
  size_t i;

  for (i = 0; i < t->len; i++)
    free (t->dirs[i]);
  free (t->dirs);
  t->dirs = NULL;
  t->len = 0;
}

static int
subtree_add (struct rt_cgroup_subtree *t, char *dir)
{
  char **nd;

  if (dir == NULL || (nd = realloc (t->dirs, (t->len + 1) * sizeof *nd)) == NULL)
    {
      free (dir);
      return -1;
    }
  t->dirs = nd;
  t->dirs[t->len++] = dir;
  return 0;
}

/* dir and the cgroups a container made below it (systemd in a container,
 * Docker in Docker, `exec --cgroup`), deepest first. A directory that is
 * gone meanwhile is simply not listed. */
static int
subtree_read (const char *dir, struct rt_cgroup_subtree *t, int depth)
{
  DIR *d;
  struct dirent *e;
  int r = 0;

  if (depth > 64)
    return 0; /* deeper than any cgroup tree the kernel lets one make in practice */
  d = opendir (dir);
  if (d == NULL)
    return errno == ENOENT ? 0 : -1;
  while (r == 0 && (e = readdir (d)) != NULL)
    {
      char *sub = NULL;
      if (e->d_type != DT_DIR || strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      if (asprintf (&sub, "%s/%s", dir, e->d_name) < 0)
        r = -1;
      else
        r = subtree_read (sub, t, depth + 1);
      free (sub);
    }
  closedir (d);
  return r < 0 ? -1 : subtree_add (t, strdup (dir));
}

static bool
is_cgroupfs (const char *path)
{
  struct statfs sfs;

  return statfs (path, &sfs) == 0 && (sfs.f_type == CGROUP_SUPER_MAGIC || sfs.f_type == CGROUP2_SUPER_MAGIC);
}

/* Is the first len bytes of path the mount point of a hierarchy? */
static bool
is_hierarchy_root (const char *path, size_t len)
{
  cleanup_free char *dir = strndup (path, len);
  char *slash;

  if (dir == NULL || !is_cgroupfs (dir) || (slash = strrchr (dir, '/')) == NULL)
    return false;
  *slash = '\0';
  return !is_cgroupfs (*dir ? dir : "/");
}

char *
rt_cgroup_default_parent (const char *root)
{
  uint32_t h = 2166136261u;
  const char *p;
  char *name = NULL;

  /* FNV-1a of the root: two state roots (two engines, two test runs) with
   * the same container id never share a cgroup */
  if (strcmp (root, RT_DEFAULT_ROOT) == 0)
    return strdup (CGROUP_DEFAULT_PARENT);
  for (p = root; *p; p++)
    h = (h ^ (unsigned char) *p) * 16777619u;
  return asprintf (&name, CGROUP_DEFAULT_PARENT "-%08x", h) < 0 ? NULL : name;
}

/* The parent of /rt/<id> (or /rt-<hash of --root>/<id>) is shared:
 * remove it once the last container is gone (it stays while another
 * container, or a concurrent create, uses it). */
static bool
default_parent_name (const char *name)
{
  size_t n = strlen (CGROUP_DEFAULT_PARENT);

  if (strncmp (name, CGROUP_DEFAULT_PARENT, n) != 0)
    return false;
  if (name[n] == '\0')
    return true;
  if (name[n] != '-' || strlen (name + n + 1) != 8)
    return false;
  return strspn (name + n + 1, "0123456789abcdef") == 8;
}

static void
remove_default_parent (const char *dir)
{
  cleanup_free char *parent = strdup (dir);
  char *slash = parent ? strrchr (parent, '/') : NULL;

  if (slash == NULL)
    return;
  *slash = '\0';
  slash = strrchr (parent, '/');
  if (slash != NULL && default_parent_name (slash + 1) && is_hierarchy_root (parent, (size_t) (slash - parent)))
    rmdir (parent);
}

/* Thaw every frozen cgroup of the subtree: a frozen process does not die
 * of SIGKILL until thawed, and a sub-cgroup may be frozen on its own. */
static void
thaw_subtree (const struct rt_cgroup_subtree *t)
{
  size_t i;

  for (i = 0; i < t->len; i++)
    {
      if (rt_cgroup_has_file (t->dirs[i], "freezer.state"))
        rt_cgroup_write (t->dirs[i], "freezer.state", "THAWED", NULL);
      else if (rt_cgroup_has_file (t->dirs[i], "cgroup.freeze"))
        rt_cgroup_write (t->dirs[i], "cgroup.freeze", "0", NULL);
    }
}

/* rmdir of the subtree, deepest first; EBUSY while processes are left. */
static int
remove_subtree (const struct rt_cgroup_subtree *t)
{
  int busy = 0;
  size_t i;

  for (i = 0; i < t->len; i++)
    if (rmdir (t->dirs[i]) < 0 && errno != ENOENT)
      {
        if (errno != EBUSY)
          return -errno;
        busy = -EBUSY;
      }
  return busy;
}

/* Kills every process below dir, and dir and the cgroups below it: never
 * a cgroup above it, which rt did not make for this container. */
static int
destroy_one (const char *dir, struct rt_error *err)
{
  int tries, r = 0;

  for (tries = 0; tries < 200; tries++)
    {
      struct rt_cgroup_subtree t = { 0 };
      if (subtree_read (dir, &t, 0) < 0)
        return rt_error_set (err, errno ? errno : ENOMEM, "remove cgroup `%s`", dir);
      if (t.len == 0)
        return 0;
      if (tries > 0)
        thaw_subtree (&t);
      r = remove_subtree (&t);
      rt_cgroup_subtree_free (&t);
      if (r == 0)
        return 0;
      if (r != -EBUSY)
        return rt_error_set (err, -r, "remove cgroup `%s`", dir);
      /* processes are left (or exiting): kill and let the kernel reap */
      rt_cgroup_signal_all (&(struct rt_cgroup){ .dirs = (char **) &dir, .len = 1 }, SIGKILL, NULL);
      rt_cgroup_sleep_ms (tries < 20 ? 5 : 20);
    }
  return rt_error_set (err, EBUSY, "remove cgroup `%s`", dir);
}

int
rt_cgroup_subtree_read (const char *dir, struct rt_cgroup_subtree *t)
{
  memset (t, 0, sizeof *t);
  return subtree_read (dir, t, 0);
}

int
rt_cgroup_remove_dirs (char *const *dirs, size_t len, bool shared, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < len; i++)
    {
      if (shared)
        {
          struct rt_cgroup_subtree t = { 0 };
          /* only what is empty; busy ones hold someone else's processes */
          if (subtree_read (dirs[i], &t, 0) == 0)
            remove_subtree (&t);
          rt_cgroup_subtree_free (&t);
        }
      else if (destroy_one (dirs[i], err) < 0)
        return -1;
      remove_default_parent (dirs[i]);
    }
  return 0;
}
