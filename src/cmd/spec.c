/* rt spec: the default config.json, built from tables and written through
 * libocispec, like runc's (plus a cgroup namespace). --rootless: one an
 * ordinary user can run (runc's rootless spec). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "cmd/cmd.h"
#include "ocispec.h"
#include "util/cleanup.h"
#include "util/fs.h"

static const struct
{
  const char *destination, *type, *source, *options;
} default_mounts[] = {
  { "/proc", "proc", "proc", "" },
  { "/dev", "tmpfs", "tmpfs", "nosuid,strictatime,mode=755,size=65536k" },
  { "/dev/pts", "devpts", "devpts", "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5" },
  { "/dev/shm", "tmpfs", "shm", "nosuid,noexec,nodev,mode=1777,size=65536k" },
  { "/dev/mqueue", "mqueue", "mqueue", "nosuid,noexec,nodev" },
  { "/sys", "sysfs", "sysfs", "nosuid,noexec,nodev,ro" },
  { "/sys/fs/cgroup", "cgroup", "cgroup", "nosuid,noexec,nodev,relatime,ro" },
};

/* Rootless, a user namespace owns no network namespace of the host's: its
 * /sys is the host's, bound read-only, instead of a new sysfs. */
static const char rootless_sys_options[] = "rbind,nosuid,noexec,nodev,ro";

static const char *const default_caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };
/* and "cgroup" where /sys/fs/cgroup is cgroup2 alone, as runc's spec */
static const char *const default_namespaces[] = { "pid", "network", "ipc", "uts", "mount", NULL };

static const char *const default_masked[] = {
  "/proc/acpi",
  "/proc/asound",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/proc/sched_debug",
  "/sys/firmware",
  "/proc/scsi",
  NULL,
};
static const char *const default_readonly[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static void
add_namespace (oci_linux *l, const char *type)
{
  oci_namespace *n = oci_calloc (1, sizeof *n);

  n->type = oci_strdup (type);
  l->namespaces = realloc (l->namespaces, (l->namespaces_len + 1) * sizeof *l->namespaces);
  if (l->namespaces == NULL)
    abort ();
  l->namespaces[l->namespaces_len++] = n;
}

static void
strv_fill (char ***v, size_t *len, const char *const *src)
{
  for (; *src; src++)
    oci_strv_append (v, len, *src);
}

static void
split_options (oci_mount *m, const char *options)
{
  cleanup_free char *copy = oci_strdup (options);
  char *tok, *save = NULL;

  for (tok = strtok_r (copy, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
    oci_strv_append (&m->options, &m->options_len, tok);
}

static oci_process *
default_process (void)
{
  oci_process *p = oci_calloc (1, sizeof *p);
  oci_capabilities *c = oci_calloc (1, sizeof *c);
  oci_rlimit *r = oci_calloc (1, sizeof *r);

  p->terminal = true;
  p->user = oci_calloc (1, sizeof *p->user);
  oci_strv_append (&p->args, &p->args_len, "sh");
  oci_strv_append (&p->env, &p->env_len, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  oci_strv_append (&p->env, &p->env_len, "TERM=xterm");
  p->cwd = oci_strdup ("/");
  strv_fill (&c->bounding, &c->bounding_len, default_caps);
  strv_fill (&c->effective, &c->effective_len, default_caps);
  strv_fill (&c->permitted, &c->permitted_len, default_caps);
  strv_fill (&c->ambient, &c->ambient_len, default_caps);
  p->capabilities = c;
  r->type = oci_strdup ("RLIMIT_NOFILE");
  r->hard = r->soft = 1024;
  p->rlimits = oci_calloc (1, sizeof *p->rlimits);
  p->rlimits[0] = r;
  p->rlimits_len = 1;
  p->no_new_privileges = true;
  return p;
}

static oci_id_mapping **
own_id_mapping (unsigned id)
{
  oci_id_mapping **v = oci_calloc (1, sizeof *v);

  v[0] = oci_calloc (1, sizeof **v);
  v[0]->host_id = id;
  v[0]->size = 1;
  return v;
}

/* Rootless: no device rules (a user cannot set them), a user namespace
 * mapping the caller to root, no network namespace of its own. */
static oci_linux *
default_linux (bool rootless)
{
  oci_linux *l = oci_calloc (1, sizeof *l);
  size_t i;

  if (!rootless)
    {
      oci_device_cgroup *deny = oci_calloc (1, sizeof *deny);
      l->resources = oci_calloc (1, sizeof *l->resources);
      deny->access = oci_strdup ("rwm");
      l->resources->devices = oci_calloc (1, sizeof *l->resources->devices);
      l->resources->devices[0] = deny;
      l->resources->devices_len = 1;
    }
  for (i = 0; default_namespaces[i]; i++)
    if (!rootless || strcmp (default_namespaces[i], "network") != 0)
      add_namespace (l, default_namespaces[i]);
  if (rootless)
    {
      add_namespace (l, "user");
      l->uid_mappings = own_id_mapping (geteuid ());
      l->uid_mappings_len = 1;
      l->gid_mappings = own_id_mapping (getegid ());
      l->gid_mappings_len = 1;
    }
  if (rt_cgroup_unified_host ())
    add_namespace (l, "cgroup");
  strv_fill (&l->masked_paths, &l->masked_paths_len, default_masked);
  strv_fill (&l->readonly_paths, &l->readonly_paths_len, default_readonly);
  return l;
}

/* Rootless: the host's /sys bound, and no uid= or gid= (the ids may not
 * exist in the user namespace). */
static void
add_default_mount (oci_config *c, size_t i, bool rootless)
{
  oci_mount *m = oci_calloc (1, sizeof *m);
  bool sys = rootless && strcmp (default_mounts[i].type, "sysfs") == 0;
  cleanup_free char *options = oci_strdup (sys ? rootless_sys_options : default_mounts[i].options);
  char *p;

  if (rootless && (p = strstr (options, ",gid=")) != NULL)
    *p = '\0';
  m->destination = oci_strdup (default_mounts[i].destination);
  m->type = oci_strdup (sys ? "none" : default_mounts[i].type);
  m->source = oci_strdup (sys ? "/sys" : default_mounts[i].source);
  split_options (m, options);
  c->mounts[c->mounts_len++] = m;
}

static oci_config *
default_config (bool rootless)
{
  oci_config *c = oci_calloc (1, sizeof *c);
  size_t i, n = sizeof default_mounts / sizeof default_mounts[0];

  c->oci_version = oci_strdup (OCI_SPEC_VERSION);
  c->process = default_process ();
  c->root = oci_calloc (1, sizeof *c->root);
  c->root->path = oci_strdup ("rootfs");
  c->root->readonly = true;
  c->hostname = oci_strdup ("rt");
  c->mounts = oci_calloc (n, sizeof *c->mounts);
  for (i = 0; i < n; i++)
    add_default_mount (c, i, rootless);
  c->linux = default_linux (rootless);
  return c;
}

struct spec_opts
{
  const char *bundle;
  bool rootless;
};

static int
on_opt (void *data, int opt, const char *arg, struct rt_error *err)
{
  struct spec_opts *o = data;

  if (opt == 'b')
    o->bundle = arg;
  else if (opt == 'r')
    o->rootless = true;
  return 0;
}

RT_CMD (spec)
{
  static const struct option longopts[] = {
    { "bundle", required_argument, NULL, 'b' },
    { "rootless", no_argument, NULL, 'r' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct spec_opts o = { .bundle = "." };
  const char *bundle;
  cleanup_free char *json = NULL, *perr = NULL;
  cleanup_close int dirfd = -1, fd = -1;
  oci_config *cfg;
  int first = rt_cmd_getopt (rt_command_find ("spec"), argc, argv, "+b:h", longopts, on_opt, &o, err);

  if (first < 0)
    return first == -2 ? 0 : -1;
  bundle = o.bundle;
  cfg = default_config (o.rootless);
  json = oci_config_emit (cfg, true, &perr);
  oci_config_free (cfg);
  if (json == NULL)
    return rt_error_take (err, 0, rt_steal_ptr (&perr));
  dirfd = open (bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return rt_error_set (err, errno, "spec: bundle `%s`", bundle);
  fd = openat (dirfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0 && errno == EEXIST)
    return rt_error_set (err, 0, "spec: `%s/config.json` exists: remove it first", bundle);
  if (fd < 0 || dprintf (fd, "%s\n", json) < 0)
    return rt_error_set (err, errno, "spec: write `%s/config.json`", bundle);
  return 0;
}
