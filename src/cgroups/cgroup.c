#include "cgroups/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"

bool
rt_cgroup_dir_is_v2 (const char *dir)
{
  struct statfs sfs;

  return statfs (dir, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

int
rt_cgroup_write (const char *dir, const char *file, const char *value, struct rt_error *err)
{
  cleanup_free char *path = NULL;

  if (asprintf (&path, "%s/%s", dir, file) < 0)
    return rt_error_set (err, ENOMEM, "cgroup");
  return rt_write_file (path, value, strlen (value), err);
}

int
rt_cgroup_writef (const char *dir, const char *file, struct rt_error *err, const char *fmt, ...)
{
  cleanup_free char *value = NULL;
  va_list ap;
  int n;

  va_start (ap, fmt);
  n = vasprintf (&value, fmt, ap);
  va_end (ap);
  if (n < 0)
    return rt_error_set (err, ENOMEM, "cgroup");
  return rt_cgroup_write (dir, file, value, err);
}

/* runtime-spec 1.3: absent leaves pids.max alone, below 0 is no limit,
 * and 0 is a limit like any other (the kernel's pids controller takes it;
 * runc >= 1.4 writes 1 instead, for systemd's sake). */
int
rt_cgroup_write_pids (const char *dir, const oci_pids *p, struct rt_error *err)
{
  if (p == NULL || !p->has_limit)
    return 0;
  if (p->limit < 0)
    return rt_cgroup_write (dir, "pids.max", "max", err);
  return rt_cgroup_writef (dir, "pids.max", err, "%lld", (long long) p->limit);
}

#define CGROUP_DEFAULT_PARENT "rt"

/* The directory of the container in one hierarchy. */
static char *
cgroup_dir (const struct rt_cgroup_hier *h, const char *cgroups_path, const char *id)
{
  char *dir = NULL;
  const char *caller = strcmp (h->caller, "/") == 0 ? "" : h->caller;
  int n;

  /* without a cgroupsPath: /rt/<id>, never below whatever cgroup the
   * caller happens to sit in (a supervisor's, a shell's) */
  if (cgroups_path == NULL || *cgroups_path == '\0')
    n = asprintf (&dir, "%s/" CGROUP_DEFAULT_PARENT "/%s", h->mount, id);
  else if (cgroups_path[0] == '/')
    n = asprintf (&dir, "%s%s", h->mount, cgroups_path);
  else
    n = asprintf (&dir, "%s%s/%s", h->mount, caller, cgroups_path);
  return n < 0 ? NULL : dir;
}

int
rt_cgroup_write_hugetlb (const char *dir, const oci_resources *r, const char *suffix, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < r->hugepage_limits_len; i++)
    {
      cleanup_free char *file = NULL;
      if (asprintf (&file, "hugetlb.%s.%s", r->hugepage_limits[i]->page_size, suffix) < 0)
        return rt_error_set (err, ENOMEM, "hugetlb");
      if (rt_cgroup_writef (dir, file, err, "%llu", (unsigned long long) r->hugepage_limits[i]->limit) < 0)
        return -1;
    }
  return 0;
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

static int
create_dir (const struct rt_cgroup_hier *h, const char *dir, struct rt_error *err)
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

void
rt_cgroup_release (struct rt_cgroup *cg)
{
  size_t i;

  for (i = 0; i < cg->len; i++)
    free (cg->dirs[i]);
  free (cg->dirs);
  if (cg->clone_fd >= 0)
    close (cg->clone_fd);
  rt_cgroup_layout_free (&cg->layout);
  cg->dirs = NULL;
  cg->len = 0;
  cg->clone_fd = -1;
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

/* The controllers enabled for a cgroup2 directory (not the mount's: a
 * parent may not pass all of them down). */
static char *
v2_dir_controllers (const char *dir)
{
  cleanup_free char *path = NULL;
  char *data = NULL;

  if (asprintf (&path, "%s/cgroup.controllers", dir) < 0)
    return NULL;
  if (rt_read_file (path, &data, NULL, NULL) < 0)
    return strdup ("");
  data[strcspn (data, "\n")] = '\0';
  return data;
}

/* Apply res in the directory dir of hierarchy h. */
static int
apply_one (const struct rt_cgroup_layout *l, const struct rt_cgroup_hier *h, const char *dir,
           const oci_resources *res, struct rt_error *err)
{
  cleanup_free char *ctrl = NULL;

  if (!h->v2)
    return rt_cgroup_v1_apply (dir, h->controllers, res, err);
  ctrl = v2_dir_controllers (dir);
  if (ctrl == NULL)
    return rt_error_set (err, ENOMEM, "cgroup");
  if (rt_cgroup_check_v2_dir (l, dir, ctrl, res, err) < 0)
    return -1;
  /* the devices controller of v1, when mounted, does the filtering */
  return rt_cgroup_v2_apply (dir, ctrl, res, rt_cgroup_hier_for (l, "devices") == NULL, err);
}

static int
read_pids (const char *dir, pid_t **pids, size_t *n, struct rt_error *err)
{
  cleanup_free char *path = NULL, *data = NULL;
  char *p, *end;

  if (asprintf (&path, "%s/cgroup.procs", dir) < 0)
    return rt_error_set (err, ENOMEM, "cgroup");
  if (rt_read_file (path, &data, NULL, err) < 0)
    return -1;
  for (p = data; *p; p = end)
    {
      long v = strtol (p, &end, 10);
      pid_t *np;
      if (end == p)
        break;
      np = realloc (*pids, (*n + 1) * sizeof *np);
      if (np == NULL)
        return rt_error_set (err, ENOMEM, "cgroup");
      *pids = np;
      (*pids)[(*n)++] = (pid_t) v;
    }
  return 0;
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
      if (read_pids (dirs[i], &pids, &n, err) < 0)
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

static int
refuse_frozen (const struct rt_cgroup_layout *l, char *const *dirs, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < l->len; i++)
    if ((l->h[i].v2 || rt_cgroup_list_has (l->h[i].controllers, "freezer")) && frozen_at (l->h[i].mount, dirs[i], l->h[i].v2))
      return rt_error_set (err, 0, "container's cgroup unexpectedly frozen: `%s` (thaw it first)", dirs[i]);
  return 0;
}

int
rt_cgroup_create (const char *cgroups_path, const char *id, const oci_resources *res, rt_cgroup_planned_fn planned,
                  void *data, struct rt_cgroup *cg, struct rt_error *err)
{
  struct rt_cgroup_layout l;
  size_t i;
  int ret = -1;

  memset (cg, 0, sizeof *cg);
  cg->clone_fd = -1;
  if (check_path (cgroups_path, err) < 0 || rt_cgroup_layout_read (&l, err) < 0)
    return -1;
  if (rt_cgroup_check_layout (&l, res, err) < 0)
    {
      rt_cgroup_layout_free (&l);
      return -1;
    }
  cg->dirs = calloc (l.len + 1, sizeof (char *));
  if (cg->dirs == NULL)
    goto out;
  for (i = 0; i < l.len; i++)
    {
      char *dir = cgroup_dir (&l.h[i], cgroups_path, id);
      if (dir == NULL)
        goto out;
      cg->dirs[cg->len++] = dir;
    }
  /* recorded before any exists: whoever cleans up later knows them all */
  if (note_occupied (cg->dirs, cg->len, &cg->shared, err) < 0 || refuse_frozen (&l, cg->dirs, err) < 0
      || (planned != NULL && planned (data, cg->dirs, cg->len, err) < 0))
    {
      rt_cgroup_release (cg);
      rt_cgroup_layout_free (&l);
      return -1;
    }
  for (i = 0; i < l.len; i++)
    {
      const char *dir = cg->dirs[i];
      if (create_dir (&l.h[i], dir, err) < 0)
        goto out;
      if (l.h[i].v2 && (cg->clone_fd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
        {
          rt_error_set (err, errno, "open cgroup `%s`", dir);
          goto out;
        }
      if (res != NULL && apply_one (&l, &l.h[i], dir, res, err) < 0)
        goto out;
    }
  ret = 0;
  cg->layout = l;
  memset (&l, 0, sizeof l);
out:
  if (ret < 0)
    {
      if (err->msg == NULL)
        rt_error_set (err, ENOMEM, "create cgroup");
      rt_cgroup_destroy (cg->dirs, cg->len, cg->shared, NULL);
      rt_cgroup_release (cg);
    }
  rt_cgroup_layout_free (&l);
  return ret;
}

/* The hierarchy a directory lives in. */
static const struct rt_cgroup_hier *
hier_of (const struct rt_cgroup_layout *l, const char *dir)
{
  size_t j;

  for (j = 0; j < l->len; j++)
    {
      size_t n = strlen (l->h[j].mount);
      if (strncmp (dir, l->h[j].mount, n) == 0 && dir[n] == '/')
        return &l->h[j];
    }
  return NULL;
}

int
rt_cgroup_apply (char *const *dirs, size_t len, const oci_resources *res, struct rt_error *err)
{
  struct rt_cgroup_layout l;
  size_t i;
  int ret;

  if (rt_cgroup_layout_read (&l, err) < 0)
    return -1;
  ret = rt_cgroup_check_layout (&l, res, err);
  for (i = 0; i < len && ret == 0; i++)
    {
      const struct rt_cgroup_hier *h = hier_of (&l, dirs[i]);
      if (h != NULL)
        ret = apply_one (&l, h, dirs[i], res, err);
    }
  rt_cgroup_layout_free (&l);
  return ret;
}

int
rt_cgroup_enter_v2 (char *const *dirs, size_t len, pid_t pid, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < len; i++)
    if (rt_cgroup_dir_is_v2 (dirs[i]) && rt_cgroup_writef (dirs[i], "cgroup.procs", err, "%d", pid) < 0)
      return rt_error_prefix (err, "join cgroup");
  return 0;
}

void
rt_cgroup_join_release (struct rt_cgroup_join *j)
{
  size_t i;

  for (i = 0; i < j->len; i++)
    if (j->fds[i] >= 0)
      close (j->fds[i]);
  free (j->fds);
  free (j->dirs);
  j->fds = NULL;
  j->dirs = NULL;
  j->len = 0;
}

int
rt_cgroup_join_prepare (char *const *dirs, size_t len, struct rt_cgroup_join *j, struct rt_error *err)
{
  size_t i;

  j->len = 0;
  j->fds = calloc (len + 1, sizeof (int));
  j->dirs = calloc (len + 1, sizeof (char *));
  if (j->fds == NULL || j->dirs == NULL)
    return rt_error_set (err, ENOMEM, "cgroup");
  for (i = 0; i < len; i++)
    {
      cleanup_free char *path = NULL;
      int fd;
      if (rt_cgroup_dir_is_v2 (dirs[i]))
        continue;
      if (asprintf (&path, "%s/tasks", dirs[i]) < 0)
        return rt_error_set (err, ENOMEM, "cgroup");
      fd = open (path, O_WRONLY | O_CLOEXEC);
      if (fd < 0)
        return rt_error_set (err, errno, "join cgroup: open `%s`", path);
      j->dirs[j->len] = dirs[i];
      j->fds[j->len++] = fd;
    }
  return 0;
}

int
rt_cgroup_join_self (struct rt_cgroup_join *j, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < j->len; i++)
    {
      if (write (j->fds[i], "0", 1) != 1)
        return rt_error_set (err, errno, "join cgroup `%s`", j->dirs[i]);
      close (j->fds[i]);
      j->fds[i] = -1;
    }
  return 0;
}

struct subtree
{
  char **dirs; /* deepest first: each directory comes before its parent */
  size_t len;
};

static void
subtree_free (struct subtree *t)
{
  size_t i;

  for (i = 0; i < t->len; i++)
    free (t->dirs[i]);
  free (t->dirs);
  t->dirs = NULL;
  t->len = 0;
}

static int
subtree_add (struct subtree *t, char *dir)
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
subtree_read (const char *dir, struct subtree *t, int depth)
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

/* Every process of the subtree of the first directory that exists: each
 * hierarchy holds all of the container's processes, some perhaps in
 * sub-cgroups of their own. */
int
rt_cgroup_pids (char *const *dirs, size_t len, pid_t **pids, size_t *npids, struct rt_error *err)
{
  struct subtree t = { 0 };
  struct rt_error e = RT_ERROR_INIT;
  size_t i;
  int r = 0;

  *pids = NULL;
  *npids = 0;
  for (i = 0; i < len; i++)
    if (access (dirs[i], F_OK) == 0)
      break;
  if (i == len)
    return 0;
  if (subtree_read (dirs[i], &t, 0) < 0)
    r = rt_error_set (err, errno ? errno : ENOMEM, "read cgroup `%s`", dirs[i]);
  for (i = 0; r == 0 && i < t.len; i++)
    /* a sub-cgroup removed while we read is no error */
    if (read_pids (t.dirs[i], pids, npids, &e) < 0 && e.errnum != ENOENT && e.errnum != ENODEV)
      r = rt_error_take (err, e.errnum, rt_steal_ptr (&e.msg));
  rt_error_clear (&e);
  subtree_free (&t);
  return r;
}

/* cgroup.kill (v2, Linux 5.14) kills every process at once, including
 * those forked while a pid-by-pid loop runs. */
static bool
kill_via_cgroup_kill (char *const *dirs, size_t len)
{
  size_t i;

  for (i = 0; i < len; i++)
    if (rt_cgroup_dir_is_v2 (dirs[i]) && rt_cgroup_write (dirs[i], "cgroup.kill", "1", NULL) == 0)
      return true;
  return false;
}

int
rt_cgroup_signal_all (char *const *dirs, size_t len, int sig, struct rt_error *err)
{
  cleanup_free pid_t *pids = NULL;
  size_t n = 0, i;

  if (sig == SIGKILL && kill_via_cgroup_kill (dirs, len))
    return 0;
  if (rt_cgroup_pids (dirs, len, &pids, &n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    if (kill (pids[i], sig) < 0 && errno != ESRCH)
      return rt_error_set (err, errno, "kill %d", pids[i]);
  return 0;
}

static void
sleep_ms (long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  nanosleep (&ts, NULL);
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

static bool
read_is (const char *dir, const char *file, const char *want)
{
  cleanup_free char *path = NULL, *data = NULL;

  if (asprintf (&path, "%s/%s", dir, file) < 0 || rt_read_file (path, &data, NULL, NULL) < 0)
    return false;
  return strncmp (data, want, strlen (want)) == 0;
}

static bool
has_file (const char *dir, const char *file)
{
  cleanup_free char *path = NULL;

  return asprintf (&path, "%s/%s", dir, file) >= 0 && access (path, F_OK) == 0;
}

/* Thaw every frozen cgroup of the subtree: a frozen process does not die
 * of SIGKILL until thawed, and a sub-cgroup may be frozen on its own. */
static void
thaw_subtree (const struct subtree *t)
{
  size_t i;

  for (i = 0; i < t->len; i++)
    {
      if (has_file (t->dirs[i], "freezer.state"))
        rt_cgroup_write (t->dirs[i], "freezer.state", "THAWED", NULL);
      else if (has_file (t->dirs[i], "cgroup.freeze"))
        rt_cgroup_write (t->dirs[i], "cgroup.freeze", "0", NULL);
    }
}

/* rmdir of the subtree, deepest first; EBUSY while processes are left. */
static int
remove_subtree (const struct subtree *t)
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
      struct subtree t = { 0 };
      if (subtree_read (dir, &t, 0) < 0)
        return rt_error_set (err, errno ? errno : ENOMEM, "remove cgroup `%s`", dir);
      if (t.len == 0)
        return 0;
      if (tries > 0)
        thaw_subtree (&t);
      r = remove_subtree (&t);
      subtree_free (&t);
      if (r == 0)
        return 0;
      if (r != -EBUSY)
        return rt_error_set (err, -r, "remove cgroup `%s`", dir);
      /* processes are left (or exiting): kill and let the kernel reap */
      rt_cgroup_signal_all ((char *const *) &dir, 1, SIGKILL, NULL);
      sleep_ms (tries < 20 ? 5 : 20);
    }
  return rt_error_set (err, EBUSY, "remove cgroup `%s`", dir);
}

int
rt_cgroup_destroy (char *const *dirs, size_t len, bool shared, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < len; i++)
    {
      if (shared)
        {
          struct subtree t = { 0 };
          /* only what is empty; busy ones hold someone else's processes */
          if (subtree_read (dirs[i], &t, 0) == 0)
            remove_subtree (&t);
          subtree_free (&t);
        }
      else if (destroy_one (dirs[i], err) < 0)
        return -1;
      remove_default_parent (dirs[i]);
    }
  return 0;
}

/* The v1 freezer when there is one, else cgroup.freeze of cgroup2. */
static const char *
freezer_dir (char *const *dirs, size_t len, bool *v2)
{
  size_t i;

  for (i = 0; i < len; i++)
    if (has_file (dirs[i], "freezer.state"))
      {
        *v2 = false;
        return dirs[i];
      }
  for (i = 0; i < len; i++)
    if (has_file (dirs[i], "cgroup.freeze"))
      {
        *v2 = true;
        return dirs[i];
      }
  return NULL;
}

bool
rt_cgroup_is_frozen (const char *const *dirs, size_t len)
{
  bool v2 = false;
  const char *dir = freezer_dir ((char *const *) dirs, len, &v2);

  if (dir == NULL)
    return false;
  return v2 ? read_is (dir, "cgroup.freeze", "1") : !read_is (dir, "freezer.state", "THAWED");
}

int
rt_cgroup_freeze (char *const *dirs, size_t len, bool freeze, struct rt_error *err)
{
  bool v2 = false;
  const char *dir = freezer_dir (dirs, len, &v2);
  int tries;

  if (dir == NULL)
    return rt_error_set (err, ENOTSUP, "no freezer: the container has no freezer cgroup");
  if (v2 ? rt_cgroup_write (dir, "cgroup.freeze", freeze ? "1" : "0", err)
         : rt_cgroup_write (dir, "freezer.state", freeze ? "FROZEN" : "THAWED", err))
    return -1;
  for (tries = 0; tries < 1000; tries++)
    {
      bool done = v2 ? read_is (dir, "cgroup.events", "") && (freeze == rt_cgroup_is_frozen ((const char *const *) dirs, len))
                     : read_is (dir, "freezer.state", freeze ? "FROZEN" : "THAWED");
      if (done)
        return 0;
      if (!v2 && freeze && tries % 50 == 49)
        rt_cgroup_write (dir, "freezer.state", "FROZEN", NULL);
      sleep_ms (1);
    }
  return rt_error_set (err, ETIMEDOUT, "%s `%s`", freeze ? "freeze" : "thaw", dir);
}
