/* The processes of a container's cgroup: listing, signalling, and moving
 * a process in (the v2 write, the v1 self-join). */
#include <signal.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/backend.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* Every process of the subtree of the first directory that exists: each
 * hierarchy holds all of the container's processes, some perhaps in
 * sub-cgroups of their own. */
int
rt_cgroup_pids (const struct rt_cgroup *cg, pid_t **pids, size_t *npids, struct rt_error *err)
{
  char *const *dirs = cg->dirs;
  size_t len = cg->len;
  struct rt_cgroup_subtree t = { 0 };
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
  if (rt_cgroup_subtree_read (dirs[i], &t) < 0)
    r = rt_error_set (err, errno ? errno : ENOMEM, "read cgroup `%s`", dirs[i]);
  for (i = 0; r == 0 && i < t.len; i++)
    /* a sub-cgroup removed while we read is no error */
    if (rt_cgroup_read_pids (t.dirs[i], pids, npids, &e) < 0 && e.errnum != ENOENT && e.errnum != ENODEV)
      r = rt_error_take (err, e.errnum, rt_steal_ptr (&e.msg));
  rt_error_clear (&e);
  rt_cgroup_subtree_free (&t);
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
rt_cgroup_signal_all (const struct rt_cgroup *cg, int sig, struct rt_error *err)
{
  cleanup_free pid_t *pids = NULL;
  size_t n = 0, i;

  if (sig == SIGKILL && kill_via_cgroup_kill (cg->dirs, cg->len))
    return 0;
  if (rt_cgroup_pids (cg, &pids, &n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    if (kill (pids[i], sig) < 0 && errno != ESRCH)
      return rt_error_set (err, errno, "kill %d", pids[i]);
  return 0;
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
rt_cgroup_join_prepare (const struct rt_cgroup *cg, struct rt_cgroup_join *j, struct rt_error *err)
{
  char *const *dirs = cg->dirs;
  size_t len = cg->len;
  size_t i;

  j->len = 0;
  if (cg->pending)
    len = 0;
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
rt_cgroup_join_self (const struct rt_cgroup_join *j, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < j->len; i++)
    {
      if (write (j->fds[i], "0", 1) != 1)
        return rt_error_set (err, errno, "join cgroup `%s`", j->dirs[i]);
      /* the child's own fd; the array may be its parent's (rt_clone_vfork) */
      close (j->fds[i]);
    }
  return 0;
}
