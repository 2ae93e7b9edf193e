/* rt features: the runtime-spec (1.3) features document, built from the
 * name tables (what rt parses and maps to the kernel) minus what rt accepts
 * but does not carry out. It tells what rt implements, not what this host
 * offers (the spec: "irrelevant to the actual availability of the features
 * in the host"), but for the seccomp flags the kernel knows. */
#include <errno.h>
#include <getopt.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "container/container.h"
#include "ocispec.h"
#include "tables.h"

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* Names in the tables that rt knows but does not honour (none today: the
 * list stays so that a half-done feature is never announced). */
static const char *const not_implemented[] = { NULL };

static bool
implemented (const char *name)
{
  const char *const *n;

  for (n = not_implemented; *n; n++)
    if (strcmp (*n, name) == 0)
      return false;
  return true;
}

static int
add (char ***v, size_t *len, const char *name)
{
  if (!implemented (name))
    return 0;
  return oci_strv_append (v, len, name);
}

static int
add_table (char ***v, size_t *len, const struct oci_name_value *t)
{
  for (; t->name; t++)
    if (add (v, len, t->name) < 0)
      return -1;
  return 0;
}

/* The kernel checks the flags before it reads the (absent) program:
 * EFAULT means it knows the flag. */
static bool
kernel_has_seccomp_flag (unsigned long flag)
{
  if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
    flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  return syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

static int
seccomp_features (oci_features_seccomp *s)
{
  const struct oci_name_value *f;

  s->enabled = s->has_enabled = true;
  if (add_table (&s->actions, &s->actions_len, oci_seccomp_actions) < 0
      || add_table (&s->operators, &s->operators_len, oci_seccomp_operators) < 0
      || add_table (&s->archs, &s->archs_len, oci_seccomp_archs) < 0
      || add_table (&s->known_flags, &s->known_flags_len, oci_seccomp_flags) < 0)
    return -1;
  for (f = oci_seccomp_flags; f->name; f++)
    if (kernel_has_seccomp_flag ((unsigned long) f->value)
        && oci_strv_append (&s->supported_flags, &s->supported_flags_len, f->name) < 0)
      return -1;
  return 0;
}

static oci_feature_enabled *
enabled (bool on)
{
  oci_feature_enabled *e = oci_calloc (1, sizeof *e);

  e->enabled = on;
  e->has_enabled = true;
  return e;
}

static int
linux_features (oci_features_linux *l)
{
  const struct oci_name_value *ns;

  for (ns = oci_namespaces; ns->name; ns++)
    if (add (&l->namespaces, &l->namespaces_len, ns->name) < 0)
      return -1;
  if (add_table (&l->capabilities, &l->capabilities_len, oci_capabilities_table) < 0)
    return -1;
  l->cgroup = oci_calloc (1, sizeof *l->cgroup);
  l->cgroup->v1 = l->cgroup->has_v1 = true;
  l->cgroup->v2 = l->cgroup->has_v2 = true;
  /* the systemd driver (cgroups/systemd.c), the system's manager and,
   * rootless, the user's (tests/vm/systemd.sh: rootless Podman) */
  l->cgroup->systemd = l->cgroup->has_systemd = true;
  l->cgroup->systemd_user = l->cgroup->has_systemd_user = true;
  l->cgroup->rdma = l->cgroup->has_rdma = true;
  l->seccomp = oci_calloc (1, sizeof *l->seccomp);
  if (seccomp_features (l->seccomp) < 0)
    return -1;
  l->apparmor = enabled (true);
  l->selinux = enabled (true);
  l->intel_rdt = oci_calloc (1, sizeof *l->intel_rdt);
  l->intel_rdt->enabled = l->intel_rdt->has_enabled = true;
  l->intel_rdt->schemata = l->intel_rdt->has_schemata = true;
  l->intel_rdt->monitoring = l->intel_rdt->has_monitoring = true;
  l->memory_policy = oci_calloc (1, sizeof *l->memory_policy);
  if (add_table (&l->memory_policy->modes, &l->memory_policy->modes_len, oci_mempolicy_modes) < 0
      || add_table (&l->memory_policy->flags, &l->memory_policy->flags_len, oci_mempolicy_flags) < 0)
    return -1;
  l->mount_extensions = oci_calloc (1, sizeof *l->mount_extensions);
  l->mount_extensions->idmap = enabled (implemented ("idmap"));
  l->net_devices = enabled (true);
  return 0;
}

static int
annotations (oci_strmap *a)
{
  const struct scmp_version *v = seccomp_version ();
  char *libseccomp = NULL;
  int r;

  if (asprintf (&libseccomp, "%u.%u.%u", v->major, v->minor, v->micro) < 0)
    return -1;
  r = oci_strmap_set (a, "io.github.rt.version", PACKAGE_VERSION);
  if (r == 0)
    r = oci_strmap_set (a, "io.github.rt.checkpoint.enabled", "true");
  if (r == 0)
    r = oci_strmap_set (a, "io.github.seccomp.libseccomp.version", libseccomp);
  free (libseccomp);
  return r;
}

static int
build (oci_features *f)
{
  const struct oci_mount_option *m;
  const char *const *h;

  f->oci_version_min = oci_strdup ("1.0.0");
  f->oci_version_max = oci_strdup (OCI_SPEC_VERSION);
  for (h = oci_hook_names; *h; h++)
    if (add (&f->hooks, &f->hooks_len, *h) < 0)
      return -1;
  for (m = oci_mount_options; m->name; m++)
    if (add (&f->mount_options, &f->mount_options_len, m->name) < 0)
      return -1;
  f->linux = oci_calloc (1, sizeof *f->linux);
  if (linux_features (f->linux) < 0 || annotations (&f->annotations) < 0)
    return -1;
  for (h = rt_unsafe_annotations; *h; h++)
    if (oci_strv_append (&f->potentially_unsafe_config_annotations, &f->potentially_unsafe_config_annotations_len, *h)
        < 0)
      return -1;
  return 0;
}

RT_CMD (features)
{
  static const struct option longopts[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
  const struct rt_command *cmd = rt_command_find ("features");
  oci_features *f;
  char *json = NULL, *perr = NULL;
  int first = rt_cmd_getopt (cmd, argc, argv, "+h", longopts, NULL, NULL, err);

  if (first < 0)
    return first == -2 ? 0 : -1;
  if (first < argc)
    return rt_error_set (err, 0, "features: takes no arguments (usage: rt features)");
  f = oci_calloc (1, sizeof *f);
  if (build (f) < 0)
    {
      oci_features_free (f);
      return rt_error_set (err, ENOMEM, "features");
    }
  json = oci_features_emit (f, true, &perr);
  oci_features_free (f);
  if (json == NULL)
    return rt_error_take (err, 0, perr);
  printf ("%s\n", json);
  free (json);
  return fflush (stdout) == 0 ? 0 : rt_error_set (err, errno, "features: write");
}
