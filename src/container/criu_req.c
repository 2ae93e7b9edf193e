/* Requests to CRIU as checkpoint and restore share them. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container/criu_req.h"
#include "kernel/mount_opts.h"
#include "kernel/rootfs.h"

const struct rt_criu_ns *
rt_criu_ns_of (const char *type)
{
  static const struct rt_criu_ns table[] = {
    { "network", "net", RT_CRIU_EXT_NETNS },
    { "pid", "pid", RT_CRIU_EXT_PIDNS },
    { "ipc", "ipc", NULL },
    { "uts", "uts", NULL },
    { "time", "time", NULL },
  };
  size_t i;

  for (i = 0; i < sizeof table / sizeof table[0]; i++)
    if (strcmp (table[i].type, type) == 0)
      return &table[i];
  return NULL;
}

static int
add_ext (struct rt_criu_kvs *ext, const char *key, const char *restore_val, bool restore)
{
  size_t i;

  for (i = 0; i < ext->len; i++)
    if (strcmp (ext->v[i].key, key) == 0)
      return 0;
  return rt_criu_kvs_add (ext, key, restore ? restore_val : key);
}

int
rt_criu_plan_mounts (const oci_config *cfg, bool restore, bool bind_devices,
                     bool (*is_file) (const char *path, void *data), void *data, struct rt_criu_kvs *ext)
{
  const oci_linux *l = cfg->linux;
  const char *p;
  size_t i;

  for (i = 0; i < cfg->mounts_len; i++)
    if (rt_mount_wants_bind (cfg->mounts[i])
        && add_ext (ext, cfg->mounts[i]->destination, cfg->mounts[i]->source, restore) < 0)
      return -1;
  /* a masked file is /dev/null bound over it */
  for (i = 0; l && i < l->masked_paths_len; i++)
    if ((is_file == NULL || is_file (l->masked_paths[i], data))
        && add_ext (ext, l->masked_paths[i], "/dev/null", restore) < 0)
      return -1;
  if (!bind_devices)
    return 0;
  for (i = 0; l && i < l->devices_len; i++)
    if (add_ext (ext, l->devices[i]->path, l->devices[i]->path, restore) < 0)
      return -1;
  for (i = 0; (p = rt_device_default_path (i)) != NULL; i++)
    if (add_ext (ext, p, p, restore) < 0)
      return -1;
  return 0;
}

static int
open_dir (const char *path, bool make, const char *what, struct rt_error *err)
{
  int fd;

  if (make && mkdir (path, 0700) < 0 && errno != EEXIST)
    return rt_error_set (err, errno, "%s `%s`", what, path);
  /* not close-on-exec: criu inherits it */
  fd = open (path, O_RDONLY | O_DIRECTORY);
  if (fd < 0)
    return rt_error_set (err, errno, "%s `%s`", what, path);
  return fd;
}

/* "ADDRESS:PORT" (the address may be empty: CRIU's default) */
static int
page_server (struct rt_criu_req *r, const char *spec, struct rt_criu_dirs *d, struct rt_error *err)
{
  const char *colon = strrchr (spec, ':');
  char *end;
  long port;

  if (colon == NULL)
    return rt_error_set (err, 0, "--page-server: `%s` is not ADDRESS:PORT", spec);
  port = strtol (colon + 1, &end, 10);
  if (*end != '\0' || end == colon + 1 || port <= 0 || port > 65535)
    return rt_error_set (err, 0, "--page-server: `%s`: bad port", spec);
  r->ps_port = (int) port;
  if (colon > spec)
    {
      if ((d->ps_address = strndup (spec, (size_t) (colon - spec))) == NULL)
        return rt_error_set (err, ENOMEM, "--page-server");
      r->ps_address = d->ps_address;
    }
  return 0;
}

int
rt_criu_req_prepare (struct rt_criu_req *r, const struct rt_criu_opts *co, bool make_dirs, const char *log_file,
                     struct rt_criu_dirs *d, struct rt_error *err)
{
  const char *image = co->image_path ? co->image_path : "checkpoint";
  const char *work = co->work_path ? co->work_path : image;

  d->image_fd = open_dir (image, make_dirs, "--image-path", err);
  if (d->image_fd < 0)
    return -1;
  d->work_fd = co->work_path ? open_dir (work, true, "--work-path", err) : -1;
  if (co->work_path && d->work_fd < 0)
    return -1;
  if (asprintf (&d->log_path, "%s/%s", work, log_file) < 0)
    return rt_error_set (err, ENOMEM, "criu");
  r->images_dir_fd = d->image_fd;
  r->work_dir_fd = d->work_fd;
  r->log_file = log_file;
  r->log_level = 4;
  r->leave_running = co->leave_running;
  r->tcp_established = co->tcp_established;
  r->ext_unix_sk = co->ext_unix_sk;
  r->shell_job = co->shell_job;
  r->file_locks = co->file_locks;
  r->auto_dedup = co->auto_dedup;
  r->lazy_pages = co->lazy_pages;
  r->status_fd = co->status_fd;
  if (co->empty_ns && strcmp (co->empty_ns, "network") != 0)
    return rt_error_set (err, 0, "--empty-ns: `%s`: CRIU leaves only a network namespace empty", co->empty_ns);
  r->empty_ns = co->empty_ns ? CLONE_NEWNET : 0;
  r->lsm_profile = co->lsm_profile;
  r->lsm_mount_context = co->lsm_mount_context;
  r->manage_cgroups = true;
  if (co->manage_cgroups_mode && (r->manage_cgroups_mode = rt_criu_cg_mode_parse (co->manage_cgroups_mode)) < 0)
    return rt_error_set (err, 0, "--manage-cgroups-mode: `%s`: not soft, full, strict or ignore",
                         co->manage_cgroups_mode);
  r->orphan_pts_master = true;
  if (co->page_server && page_server (r, co->page_server, d, err) < 0)
    return -1;
  return 0;
}

void
rt_criu_dirs_close (struct rt_criu_dirs *d)
{
  if (d->image_fd >= 0)
    close (d->image_fd);
  if (d->work_fd >= 0)
    close (d->work_fd);
  free (d->log_path);
  free (d->ps_address);
  d->image_fd = d->work_fd = -1;
  d->log_path = d->ps_address = NULL;
}
