#include "kernel/rdt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

/* Where resctrl is mounted in rt's mount namespace, from mountinfo (the
 * spec asks for "a mounted resctrl", not for /sys/fs/resctrl). */
static char *
resctrl_root (void)
{
  cleanup_fclose FILE *f = fopen ("/proc/self/mountinfo", "re");
  char *line = NULL, *found = NULL;
  size_t cap = 0;

  while (f && found == NULL && getline (&line, &cap, f) > 0)
    {
      const char *sep = strstr (line, " - "), *p = line;
      int field;

      if (sep == NULL || strncmp (sep, " - resctrl ", 11) != 0)
        continue;
      /* the fifth field is the mount point (no octal escapes expected in
       * /sys/fs/resctrl and the like) */
      for (field = 0; field < 4 && p; field++)
        if ((p = strchr (p, ' ')) != NULL)
          p++;
      if (p)
        found = strndup (p, strcspn (p, " "));
    }
  free (line);
  return found;
}

bool
rt_rdt_available (void)
{
  cleanup_free char *root = resctrl_root ();
  return root != NULL;
}

static const char *
group_name (const oci_intel_rdt *r, const char *id)
{
  return r->clos_id && *r->clos_id ? r->clos_id : id;
}

static bool
has_schemata (const oci_intel_rdt *r)
{
  return (r->l3_cache_schema && *r->l3_cache_schema) || (r->mem_bw_schema && *r->mem_bw_schema) || r->schemata_len > 0;
}

static int
check_line (const char *value, const char *where, struct rt_error *err)
{
  if (value && strchr (value, '\n') != NULL)
    return rt_error_set (err, 0, "%s: must not contain a newline", where);
  return 0;
}

int
rt_rdt_check (const oci_config *cfg, struct rt_error *err)
{
  const oci_intel_rdt *r = cfg->linux ? cfg->linux->intel_rdt : NULL;
  cleanup_free char *root = NULL;
  const char *clos;
  size_t i;

  if (r == NULL)
    return 0;
  clos = r->clos_id;
  if (clos && (strcmp (clos, ".") == 0 || strcmp (clos, "..") == 0 || (strlen (clos) > 1 && strchr (clos, '/'))))
    return rt_error_set (err, 0, ".linux.intelRdt.closID: \"%s\" is not a resctrl group name", clos);
  if (r->mem_bw_schema && *r->mem_bw_schema && strncmp (r->mem_bw_schema, "MB:", 3) != 0)
    return rt_error_set (err, 0, ".linux.intelRdt.memBwSchema: \"%s\" does not start with MB:", r->mem_bw_schema);
  if (check_line (r->l3_cache_schema, ".linux.intelRdt.l3CacheSchema", err) < 0
      || check_line (r->mem_bw_schema, ".linux.intelRdt.memBwSchema", err) < 0)
    return -1;
  for (i = 0; i < r->schemata_len; i++)
    if (check_line (r->schemata[i], ".linux.intelRdt.schemata[]", err) < 0)
      return -1;
  root = resctrl_root ();
  if (root == NULL)
    return rt_error_set (err, 0,
                         ".linux.intelRdt: resctrl is not mounted on this host (Intel RDT needs the "
                         "resctrl filesystem, e.g. on /sys/fs/resctrl)");
  return 0;
}

static char *
group_path (const char *root, const oci_intel_rdt *r, const char *id)
{
  const char *g = group_name (r, id);
  char *p = NULL;

  if (strcmp (g, "/") == 0)
    return strdup (root);
  return asprintf (&p, "%s/%s", root, g) < 0 ? NULL : p;
}

static int
append_line (char **text, const char *line)
{
  char *n = NULL;

  if (line == NULL || *line == '\0')
    return 0;
  if (asprintf (&n, "%s%s\n", *text, line) < 0)
    return -1;
  free (*text);
  *text = n;
  return 0;
}

/* The schemata lines in the spec's order: l3, mb, then schemata[]. */
static char *
schemata_text (const oci_intel_rdt *r)
{
  char *text = strdup ("");
  size_t i;

  if (text == NULL || append_line (&text, r->l3_cache_schema) < 0 || append_line (&text, r->mem_bw_schema) < 0)
    goto fail;
  for (i = 0; i < r->schemata_len; i++)
    if (append_line (&text, r->schemata[i]) < 0)
      goto fail;
  return text;
fail:
  free (text);
  return NULL;
}

/* An existing closID group must already have what the config asks. */
static int
compare_schemata (const char *dir, const char *want, struct rt_error *err)
{
  cleanup_free char *path = NULL, *have = NULL, *copy = strdup (want);
  char *line, *save = NULL;

  if (copy == NULL || asprintf (&path, "%s/schemata", dir) < 0)
    return rt_error_set (err, ENOMEM, "intelRdt");
  if (rt_read_file (path, &have, NULL, err) < 0)
    return -1;
  for (line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      const char *hit = strstr (have, line);
      size_t n = strlen (line);
      if (hit == NULL || (hit[n] != '\n' && hit[n] != '\0') || (hit != have && hit[-1] != '\n' && hit[-1] != ' '))
        return rt_error_set (err, 0, ".linux.intelRdt: the existing group `%s` does not have \"%s\" in its schemata",
                             dir, line);
    }
  return 0;
}

static int
write_pid (const char *dir, pid_t pid, struct rt_error *err)
{
  cleanup_free char *path = NULL, *value = NULL;

  if (asprintf (&path, "%s/tasks", dir) < 0 || asprintf (&value, "%d", pid) < 0)
    return rt_error_set (err, ENOMEM, "intelRdt");
  return rt_write_file (path, value, strlen (value), err);
}

static int
make_group (const char *dir, const oci_intel_rdt *r, bool *made, struct rt_error *err)
{
  cleanup_free char *text = schemata_text (r), *path = NULL;
  bool own = !(r->clos_id && *r->clos_id);

  if (text == NULL || asprintf (&path, "%s/schemata", dir) < 0)
    return rt_error_set (err, ENOMEM, "intelRdt");
  if (mkdir (dir, 0755) == 0)
    *made = true;
  else if (errno != EEXIST || own)
    /* the container's own group must be new: an existing one is another's */
    return rt_error_set (err, errno, ".linux.intelRdt: create the resctrl group `%s`", dir);
  else if (!has_schemata (r))
    return 0;
  else
    return compare_schemata (dir, text, err);
  if (*text && rt_write_file (path, text, strlen (text), err) < 0)
    return rt_error_prefix (err, ".linux.intelRdt: schemata");
  return 0;
}

int
rt_rdt_apply (const oci_config *cfg, const char *id, pid_t pid, struct rt_error *err)
{
  const oci_intel_rdt *r = cfg->linux ? cfg->linux->intel_rdt : NULL;
  cleanup_free char *root = NULL, *dir = NULL, *mon = NULL;
  bool made_group = false, *made = &made_group;
  struct stat st;

  if (r == NULL)
    return 0;
  root = resctrl_root ();
  if (root == NULL)
    return rt_error_set (err, 0, ".linux.intelRdt: resctrl is not mounted on this host");
  dir = group_path (root, r, id);
  if (dir == NULL)
    return rt_error_set (err, ENOMEM, "intelRdt");
  if (r->clos_id && *r->clos_id && !has_schemata (r) && stat (dir, &st) < 0)
    return rt_error_set (err, errno, ".linux.intelRdt.closID: no resctrl group `%s`", dir);
  if (strcmp (dir, root) != 0 && make_group (dir, r, made, err) < 0)
    goto fail;
  if (write_pid (dir, pid, err) < 0)
    goto fail;
  if (!r->enable_monitoring)
    return 0;
  if (asprintf (&mon, "%s/mon_groups/%s", dir, id) < 0)
    return rt_error_set (err, ENOMEM, "intelRdt");
  if (mkdir (mon, 0755) < 0)
    {
      rt_error_set (err, errno, ".linux.intelRdt.enableMonitoring: create the MON group `%s`", mon);
      goto fail;
    }
  if (write_pid (mon, pid, err) == 0)
    return 0;
  rmdir (mon);
fail:
  if (made_group)
    rmdir (dir);
  return -1;
}

int
rt_rdt_remove (const oci_config *cfg, const char *id, struct rt_error *err)
{
  const oci_intel_rdt *r = cfg->linux ? cfg->linux->intel_rdt : NULL;
  cleanup_free char *root = NULL, *dir = NULL, *mon = NULL;

  if (r == NULL || (root = resctrl_root ()) == NULL)
    return 0;
  dir = group_path (root, r, id);
  if (dir == NULL || (r->enable_monitoring && asprintf (&mon, "%s/mon_groups/%s", dir, id) < 0))
    return rt_error_set (err, ENOMEM, "intelRdt");
  if (mon && rmdir (mon) < 0 && errno != ENOENT)
    return rt_error_set (err, errno, "remove the resctrl MON group `%s`", mon);
  /* a closID group is shared and pre-existing or not: never rt's to remove */
  if ((r->clos_id && *r->clos_id) || strcmp (dir, root) == 0)
    return 0;
  if (rmdir (dir) < 0 && errno != ENOENT)
    return rt_error_set (err, errno, "remove the resctrl group `%s`", dir);
  return 0;
}

int
rt_rdt_update (const char *id, const char *l3, const char *mb, struct rt_error *err)
{
  cleanup_free char *group = NULL, *path = NULL;

  if (l3 && access ("/sys/fs/resctrl/info/L3", F_OK) != 0)
    return rt_error_set (err, 0, "Intel RDT/CAT: l3 cache schema is not enabled");
  if (mb && access ("/sys/fs/resctrl/info/MB", F_OK) != 0)
    return rt_error_set (err, 0, "Intel RDT/MBA: memory bandwidth schema is not enabled");
  if (l3 == NULL && mb == NULL)
    return 0;
  if (asprintf (&group, "/sys/fs/resctrl/%s", id) < 0 || asprintf (&path, "%s/schemata", group) < 0)
    return rt_error_set (err, ENOMEM, "resctrl");
  if (access (group, F_OK) != 0)
    return rt_error_set (err, ENOTSUP, "the container has no Intel RDT group `%s` (set linux.intelRdt)", group);
  if (l3 && rt_write_file (path, l3, strlen (l3), err) < 0)
    return -1;
  if (mb && rt_write_file (path, mb, strlen (mb), err) < 0)
    return -1;
  return 0;
}
