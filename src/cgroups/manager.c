/* The manager: the layout read once per command, and the backend that
 * makes, changes and removes a container's cgroup. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/backend.h"

static int
none_create (struct rt_cgroup_manager *m, const struct rt_cgroup_request *req, rt_cgroup_planned_fn planned, void *data,
             struct rt_cgroup *cg, struct rt_error *err)
{
  (void) m;
  (void) req;
  /* no directories: the caller still records its state at this point */
  return planned != NULL ? planned (data, cg, err) : 0;
}

static int
none_attach (struct rt_cgroup_manager *m, const struct rt_cgroup *cg, pid_t pid, bool born_inside, struct rt_error *err)
{
  (void) m, (void) cg, (void) pid, (void) born_inside, (void) err;
  return 0;
}

static int
none_update (struct rt_cgroup_manager *m, const struct rt_cgroup *cg, const oci_resources *res, struct rt_error *err)
{
  (void) m, (void) cg, (void) res;
  return rt_error_set (err, 0, RT_NO_CGROUP);
}

static int
none_destroy (struct rt_cgroup_manager *m, const struct rt_cgroup *cg, struct rt_error *err)
{
  (void) m, (void) cg, (void) err;
  return 0;
}

const struct rt_cgroup_backend rt_cgroup_backend_none = {
  .name = "disabled",
  .create = none_create,
  .attach = none_attach,
  .update = none_update,
  .destroy = none_destroy,
};

int
rt_cgroup_manager_open (enum rt_cgroup_driver kind, bool rootless, struct rt_cgroup_manager **out, struct rt_error *err)
{
  struct rt_cgroup_manager *m;

  m = calloc (1, sizeof *m);
  if (m == NULL)
    return rt_error_set (err, ENOMEM, "cgroups");
  m->kind = kind;
  m->rootless = rootless;
  m->backend = kind == RT_CGROUP_DISABLED  ? &rt_cgroup_backend_none
               : kind == RT_CGROUP_SYSTEMD ? &rt_cgroup_backend_systemd
                                           : &rt_cgroup_backend_fs;
  *out = m;
  return 0;
}

void
rt_cgroup_manager_close (struct rt_cgroup_manager *m)
{
  if (m == NULL)
    return;
  if (m->backend->close != NULL)
    m->backend->close (m);
  rt_cgroup_layout_free (&m->layout);
  free (m);
}

const struct rt_cgroup_layout *
rt_cgroup_manager_layout (struct rt_cgroup_manager *m, struct rt_error *err)
{
  if (!m->have_layout)
    {
      if (rt_cgroup_layout_read (&m->layout, err) < 0)
        return NULL;
      m->have_layout = true;
    }
  return &m->layout;
}

int
rt_cgroup_create (struct rt_cgroup_manager *m, const struct rt_cgroup_request *req, rt_cgroup_planned_fn planned,
                  void *data, struct rt_cgroup *cg, struct rt_error *err)
{
  int r;

  memset (cg, 0, sizeof *cg);
  cg->clone_fd = -1;
  r = m->backend->create (m, req, planned, data, cg, err);
  if (r < 0)
    rt_cgroup_release (cg);
  return r;
}

int
rt_cgroup_attach (struct rt_cgroup_manager *m, const struct rt_cgroup *cg, pid_t pid, bool born_inside,
                  struct rt_error *err)
{
  return m->backend->attach (m, cg, pid, born_inside, err);
}

int
rt_cgroup_update (struct rt_cgroup_manager *m, const struct rt_cgroup *cg, const oci_resources *res,
                  struct rt_error *err)
{
  if (cg->len == 0)
    return rt_error_set (err, 0, RT_NO_CGROUP);
  return m->backend->update (m, cg, res, err);
}

int
rt_cgroup_destroy (struct rt_cgroup_manager *m, const struct rt_cgroup *cg, struct rt_error *err)
{
  return m->backend->destroy (m, cg, err);
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
  cg->dirs = NULL;
  cg->len = 0;
  cg->clone_fd = -1;
}
