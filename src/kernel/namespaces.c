#include "kernel/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tables.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include <stdio.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static int
ns_index (const char *type)
{
  const struct oci_name_value *e = oci_table_find (oci_namespaces, type);

  return e ? (int) (e - oci_namespaces) : -1;
}

void
rt_namespaces_close (struct rt_namespaces *ns)
{
  int i;

  for (i = 0; i < RT_NS_COUNT; i++)
    if (ns->join_fd[i] >= 0)
      {
        close (ns->join_fd[i]);
        ns->join_fd[i] = -1;
      }
}

static int
open_ns (const char *path, int idx, size_t pos, struct rt_error *err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  int type;

  if (fd < 0)
    return rt_error_set (err, errno, ".linux.namespaces[%zu].path: open `%s`", pos, path);
  type = ioctl (fd, NS_GET_NSTYPE);
  if (type < 0)
    return rt_error_set (err, errno == ENOTTY ? 0 : errno, ".linux.namespaces[%zu].path: `%s` is not a namespace", pos,
                         path);
  if ((unsigned long) type != oci_namespaces[idx].value)
    return rt_error_set (err, 0, ".linux.namespaces[%zu].path: `%s` is not a %s namespace", pos, path,
                         oci_namespaces[idx].name);
  return rt_steal_fd (&fd);
}

int
rt_namespaces_prepare (const oci_linux *l, struct rt_namespaces *ns, struct rt_error *err)
{
  size_t i;

  memset (ns, 0, sizeof *ns);
  for (i = 0; i < RT_NS_COUNT; i++)
    ns->join_fd[i] = -1;
  for (i = 0; l && i < l->namespaces_len; i++)
    {
      const oci_namespace *n = l->namespaces[i];
      int idx = ns_index (n->type);

      if (idx < 0)
        return rt_error_set (err, 0, ".linux.namespaces[%zu].type: unknown namespace type \"%s\"", i, n->type);
      if (ns->present[idx])
        {
          rt_namespaces_close (ns);
          return rt_error_set (err, 0, ".linux.namespaces[%zu].type: duplicate namespace type \"%s\"", i, n->type);
        }
      ns->present[idx] = true;
      if (n->path && *n->path)
        {
          ns->join_fd[idx] = open_ns (n->path, idx, i, err);
          if (ns->join_fd[idx] < 0)
            {
              rt_namespaces_close (ns);
              return -1;
            }
        }
      else
        ns->clone_flags |= oci_namespaces[idx].value;
    }
  return 0;
}

static int
join (const struct rt_namespaces *ns, const char *type, struct rt_error *err)
{
  int idx = ns_index (type);

  if (ns->join_fd[idx] < 0)
    return 0;
  if (setns (ns->join_fd[idx], (int) oci_namespaces[idx].value) < 0)
    return rt_error_set (err, errno, "join the %s namespace", type);
  return 0;
}

static int
write_time_offsets (const oci_linux *l, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < l->time_offsets.len; i++)
    {
      const oci_time_offset *t = l->time_offsets.values[i];
      const char *clock = l->time_offsets.keys[i];
      cleanup_free char *line = NULL;

      if (strcmp (clock, "monotonic") != 0 && strcmp (clock, "boottime") != 0)
        return rt_error_set (err, 0, ".linux.timeOffsets: unknown clock \"%s\" (monotonic or boottime)", clock);
      if (asprintf (&line, "%s %lld %u", clock, (long long) t->secs, t->nanosecs) < 0)
        return rt_error_set (err, ENOMEM, "time offsets");
      if (rt_write_file ("/proc/self/timens_offsets", line, strlen (line), err) < 0)
        return rt_error_prefix (err, ".linux.timeOffsets");
    }
  return 0;
}

/* Opens rt's own namespace of a kind for its children, to go back to. */
static int
save_for_children (const char *path, int *fd, struct rt_error *err)
{
  *fd = open (path, O_RDONLY | O_CLOEXEC);
  if (*fd < 0)
    return rt_error_set (err, errno, "open `%s`", path);
  return 0;
}

int
rt_ns_enter_user (struct rt_namespaces *ns, struct rt_error *err)
{
  int idx = ns_index ("user");

  if (ns->join_fd[idx] < 0)
    return 0;
  if (setns (ns->join_fd[idx], CLONE_NEWUSER) < 0)
    return rt_error_set (err, errno, "join the user namespace");
  close (ns->join_fd[idx]);
  ns->join_fd[idx] = -1;
  ns->present[idx] = false; /* the child is in it already */
  ns->for_good = true;
  return 0;
}

int
rt_ns_for_children (const oci_config *cfg, struct rt_namespaces *ns, unsigned long *clone_flags,
                    struct rt_ns_restore *saved, struct rt_error *err)
{
  const oci_linux *l = cfg->linux;
  bool new_time = (*clone_flags & CLONE_NEWTIME) != 0;

  saved->pid_fd = saved->time_fd = -1;
  if (l && l->time_offsets.len > 0 && !new_time)
    return rt_error_set (err, 0, ".linux.timeOffsets: needs a new time namespace");
  if (!ns->for_good
      && ((ns->join_fd[0] >= 0 && save_for_children ("/proc/self/ns/pid_for_children", &saved->pid_fd, err) < 0)
          || ((ns->join_fd[7] >= 0 || new_time)
              && save_for_children ("/proc/self/ns/time_for_children", &saved->time_fd, err) < 0)))
    goto fail;
  if (join (ns, "pid", err) < 0 || join (ns, "time", err) < 0)
    goto fail;
  if (new_time)
    {
      /* offsets can only be set before a process lives in the namespace */
      if (unshare (CLONE_NEWTIME) < 0)
        {
          rt_error_set (err, errno, "create the time namespace");
          goto fail;
        }
      *clone_flags &= ~(unsigned long) CLONE_NEWTIME;
      if (l && write_time_offsets (l, err) < 0)
        goto fail;
    }
  return 0;
fail:
  /* what was joined is left again; a failure to leave is the one to tell */
  rt_ns_restore (saved, err);
  return -1;
}

static int
restore_one (int *fd, int type, const char *name, struct rt_error *err)
{
  int r = 0;

  if (*fd < 0)
    return 0;
  if (setns (*fd, type) < 0)
    r = rt_error_set (err, errno, "return to rt's own %s namespace", name);
  close (*fd);
  *fd = -1;
  return r;
}

int
rt_ns_restore (struct rt_ns_restore *saved, struct rt_error *err)
{
  /* both are tried: a process left in a container's namespace for its
   * children would run the hooks that follow in it */
  int r = restore_one (&saved->pid_fd, CLONE_NEWPID, "pid", err);

  return restore_one (&saved->time_fd, CLONE_NEWTIME, "time", err) < 0 ? -1 : r;
}

int
rt_namespaces_join (const struct rt_namespaces *ns, struct rt_error *err)
{
  static const char *const order[] = { "user", "ipc", "uts", "network", "cgroup", "mount", NULL };
  int i;

  for (i = 0; order[i]; i++)
    if (join (ns, order[i], err) < 0)
      return -1;
  return 0;
}

bool
rt_namespaces_has (const struct rt_namespaces *ns, const char *type)
{
  int idx = ns_index (type);
  return idx >= 0 && ns->present[idx];
}

bool
rt_namespaces_joins (const struct rt_namespaces *ns, const char *type)
{
  int idx = ns_index (type);
  return idx >= 0 && ns->join_fd[idx] >= 0;
}

bool
rt_namespaces_new (const struct rt_namespaces *ns, const char *type)
{
  int idx = ns_index (type);
  return idx >= 0 && ns->present[idx] && ns->join_fd[idx] < 0;
}
