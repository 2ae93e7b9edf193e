/* `exec --cgroup [CONTROLLERS:]PATH`: which of the container's cgroups the
 * process joins (runc's rules: a v1 controller's entry applies to its
 * hierarchy, an entry without controllers to the others; a path that
 * leaves the container's cgroup is refused). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/backend.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* Do the controllers before the colon of `entry` meet the hierarchy's? */
static bool
entry_for_hier (const char *entry, size_t ctrls_len, const struct rt_cgroup_hier *h)
{
  const char *c = entry, *end = entry + ctrls_len;

  while (c < end)
    {
      size_t len = strcspn (c, ",:");
      if (rt_cgroup_list_has_n (h->controllers, c, len))
        return true;
      c += len + 1;
    }
  return false;
}

/* --cgroup [CONTROLLERS:]PATH for this hierarchy: the entry naming one of
 * its v1 controllers, else the entry without any; NULL for the
 * container's own directory. */
static const char *
sub_cgroup_for (const struct rt_cgroup_hier *h, char *const *entries, size_t n)
{
  const char *generic = NULL;
  size_t i;

  for (i = 0; i < n; i++)
    {
      const char *colon = strchr (entries[i], ':');

      if (colon == NULL)
        generic = entries[i];
      else if (h != NULL && !h->v2 && entry_for_hier (entries[i], (size_t) (colon - entries[i]), h))
        return colon + 1;
    }
  return generic;
}

static int
add_cgroup_dir (struct rt_cgroup *out, const char *dir, const char *sub, struct rt_error *err)
{
  cleanup_free char *path = NULL;
  struct stat st;

  while (sub && *sub == '/')
    sub++;
  if (sub && *sub && asprintf (&path, "%s/%s", dir, sub) < 0)
    return rt_error_set (err, ENOMEM, "cgroup");
  if (path == NULL && (path = strdup (dir)) == NULL)
    return rt_error_set (err, ENOMEM, "cgroup");
  if (stat (path, &st) < 0)
    {
      char why[64];
      /* runc's words: the pid goes into the directory's cgroup.procs */
      return rt_error_set (err, 0, "--cgroup: adding pid to cgroup %s: open %s/cgroup.procs: %s", path, path,
                           rt_errno_text (errno, why, sizeof why));
    }
  if (!S_ISDIR (st.st_mode))
    return rt_error_set (err, ENOTDIR, "--cgroup: `%s`", path);
  if (out->clone_fd < 0 && rt_cgroup_dir_is_v2 (path))
    {
      out->clone_fd = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (out->clone_fd < 0)
        return rt_error_set (err, errno, "open cgroup `%s`", path);
    }
  if (oci_strv_append (&out->dirs, &out->len, path) < 0)
    return rt_error_set (err, ENOMEM, "cgroup");
  return 0;
}

/* Each entry's path must stay below the container's cgroup: it is made
 * clean in place (runc joins and checks the prefix; its words). */
static int
check_cgroup_entries (char **entries, size_t n, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < n; i++)
    {
      char *colon = strchr (entries[i], ':');
      char *path = colon ? colon + 1 : entries[i];
      cleanup_free char *clean = rt_subpath_clean (path);
      if (clean == NULL && errno == EINVAL)
        return rt_error_set (err, 0, "--cgroup: %s is not a sub cgroup path", path);
      if (clean == NULL)
        return rt_error_set (err, ENOMEM, "--cgroup");
      memcpy (path, clean, strlen (clean) + 1); /* never longer */
    }
  return 0;
}

/* Every controller an entry names must have a hierarchy (runc's words). */
static int
known_controllers (const struct rt_cgroup_layout *l, char *const *entries, size_t n, struct rt_error *err)
{
  size_t i, j;

  for (i = 0; l && i < n; i++)
    {
      const char *c = entries[i], *colon = strchr (entries[i], ':');
      while (colon && c < colon)
        {
          size_t len = strcspn (c, ",:");
          bool found = false;
          for (j = 0; j < l->len && !found; j++)
            found = rt_cgroup_list_has_n (l->h[j].controllers, c, len);
          if (!found)
            return rt_error_set (err, 0, "--cgroup: unknown controller %.*s in `%s`", (int) len, c, entries[i]);
          c += len + 1;
        }
    }
  return 0;
}

int
rt_cgroup_for_exec (struct rt_cgroup_manager *m, const struct rt_cgroup *cg, char *const *entries, size_t n,
                    struct rt_cgroup *out, struct rt_error *err)
{
  const struct rt_cgroup_layout *l = NULL;
  size_t i;
  int ret = 0;

  memset (out, 0, sizeof *out);
  out->clone_fd = -1;
  if (check_cgroup_entries ((char **) entries, n, err) < 0)
    return -1;
  if (cg->len == 0)
    return n ? rt_error_set (err, 0, "--cgroup: the container has no cgroup") : 0;
  if (n > 0 && (l = rt_cgroup_manager_layout (m, err)) == NULL)
    return -1;
  if (known_controllers (l, entries, n, err) < 0)
    return -1;
  for (i = 0; i < cg->len && ret == 0; i++)
    {
      const char *sub = sub_cgroup_for (l ? rt_cgroup_hier_of (l, cg->dirs[i]) : NULL, entries, n);
      ret = add_cgroup_dir (out, cg->dirs[i], sub, err);
    }
  if (ret < 0)
    rt_cgroup_release (out);
  return ret;
}
