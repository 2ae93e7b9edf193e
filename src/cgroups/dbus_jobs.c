#include "cgroups/dbus_jobs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SD_MANAGER "org.freedesktop.systemd1.Manager"

static struct rt_dbus_job *
job_of (struct rt_dbus_jobs *j, const char *path)
{
  size_t i;

  for (i = 0; i < RT_DBUS_MAX_JOBS; i++)
    if (j->job[i].path != NULL && strcmp (j->job[i].path, path) == 0)
      return &j->job[i];
  return NULL;
}

static struct rt_dbus_job *
free_slot (struct rt_dbus_jobs *j)
{
  size_t i;

  for (i = 0; i < RT_DBUS_MAX_JOBS; i++)
    if (j->job[i].path == NULL)
      return &j->job[i];
  return NULL;
}

static void
clear (struct rt_dbus_job *job)
{
  free (job->path);
  free (job->result);
  job->path = job->result = NULL;
}

int
rt_dbus_jobs_expect (struct rt_dbus_jobs *j, const char *path)
{
  struct rt_dbus_job *job;

  if (job_of (j, path) != NULL)
    return 0;
  if ((job = free_slot (j)) == NULL)
    return -ENOSPC;
  if ((job->path = strdup (path)) == NULL)
    return -ENOMEM;
  return 0;
}

static bool
is_job_removed (const struct rt_dbus_msg *m)
{
  return m->type == RT_DBUS_SIGNAL && m->h.member != NULL && strcmp (m->h.member, "JobRemoved") == 0
         && m->h.interface != NULL && strcmp (m->h.interface, SD_MANAGER) == 0 && strcmp (m->h.signature, "uoss") == 0;
}

bool
rt_dbus_jobs_removed (struct rt_dbus_jobs *j, const struct rt_dbus_msg *m)
{
  struct rt_dbus_reader r;
  const char *path, *unit, *result;
  struct rt_dbus_job *job;
  char *copy;
  uint32_t id;

  if (!is_job_removed (m))
    return false;
  /* (id, job, unit, result) */
  rt_dbus_reader_init (&r, m);
  if (rt_dbus_read_u32 (&r, &id) < 0 || rt_dbus_read_string (&r, &path) < 0 || rt_dbus_read_string (&r, &unit) < 0
      || rt_dbus_read_string (&r, &result) < 0)
    return false;
  if ((job = job_of (j, path)) == NULL || (copy = strdup (result)) == NULL)
    return false;
  free (job->result);
  job->result = copy;
  return true;
}

int
rt_dbus_jobs_take (struct rt_dbus_jobs *j, const char *path, char **result)
{
  struct rt_dbus_job *job = job_of (j, path);

  if (job == NULL)
    return -ENOENT;
  if (job->result == NULL)
    return 0;
  *result = job->result;
  job->result = NULL;
  clear (job);
  return 1;
}

void
rt_dbus_jobs_forget (struct rt_dbus_jobs *j, const char *path)
{
  struct rt_dbus_job *job = job_of (j, path);

  if (job != NULL)
    clear (job);
}

void
rt_dbus_jobs_free (struct rt_dbus_jobs *j)
{
  size_t i;

  for (i = 0; i < RT_DBUS_MAX_JOBS; i++)
    clear (&j->job[i]);
}
