#include "cgroups/devices.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/backend.h"
#include "util/cleanup.h"

/* Devices any container may use (runc's list): mknod of anything, the
 * standard character devices, the pty multiplexer and slaves, and tun. */
static const struct
{
  char type;
  int64_t major, minor; /* -1: any */
  const char *access;
} default_allowed[] = {
  { 'c', -1, -1, "m" }, { 'b', -1, -1, "m" }, { 'c', 1, 3, "rwm" },    { 'c', 1, 5, "rwm" },
  { 'c', 1, 7, "rwm" }, { 'c', 1, 8, "rwm" }, { 'c', 1, 9, "rwm" },    { 'c', 5, 0, "rwm" },
  { 'c', 5, 1, "rwm" }, { 'c', 5, 2, "rwm" }, { 'c', 136, -1, "rwm" }, { 'c', 10, 200, "rwm" },
};

static bool
same_rule (const oci_device_cgroup *d, bool allow, char type, int64_t major, int64_t minor, const char *access)
{
  return d->allow == allow && d->type[0] == type && (d->has_major ? d->major : -1) == major
         && (d->has_minor ? d->minor : -1) == minor && strcmp (d->access, access) == 0;
}

static int
push (struct rt_device_rules *r, bool allow, char type, int64_t major, int64_t minor, const char *access)
{
  oci_device_cgroup *d, **nr;
  char t[2] = { type, '\0' };

  /* a rule right after its twin changes nothing (a config that opens with
   * the deny-all rt puts first, as every default spec does): one write or
   * one BPF instruction block fewer */
  if (r->len > 0 && same_rule (r->rules[r->len - 1], allow, type, major, minor, access))
    return 0;
  d = oci_calloc (1, sizeof *d);
  nr = realloc (r->rules, (r->len + 1) * sizeof *nr);
  if (nr == NULL)
    {
      free (d);
      return -1;
    }
  r->rules = nr;
  d->allow = allow;
  d->type = oci_strdup (t);
  d->major = major;
  d->has_major = major >= 0;
  d->minor = minor;
  d->has_minor = minor >= 0;
  d->access = oci_strdup (access);
  r->rules[r->len++] = d;
  return 0;
}

/* The r, w and m of an access string, in that order ("rwm" when absent);
 * other letters are ignored, as runc ignores them. False when none is left. */
static bool
rwm_of (const char *access, char out[4])
{
  size_t n = 0;

  if (access == NULL || *access == '\0')
    access = "rwm";
  if (strchr (access, 'r'))
    out[n++] = 'r';
  if (strchr (access, 'w'))
    out[n++] = 'w';
  if (strchr (access, 'm'))
    out[n++] = 'm';
  out[n] = '\0';
  return n > 0;
}

int
rt_device_rules_build (const oci_resources *res, struct rt_device_rules *out, struct rt_error *err)
{
  size_t i;

  memset (out, 0, sizeof *out);
  /* deny everything first: what follows opens holes */
  if (push (out, false, 'a', -1, -1, "rwm") < 0)
    goto nomem;
  for (i = 0; res && i < res->devices_len; i++)
    {
      const oci_device_cgroup *d = res->devices[i];
      char type = d->type && *d->type ? d->type[0] : 'a';
      char access[4];
      if (!rwm_of (d->access, access))
        continue; /* no r, w or m: a rule about nothing */
      if (push (out, d->allow, type, d->has_major ? d->major : -1, d->has_minor ? d->minor : -1, access) < 0)
        goto nomem;
    }
  for (i = 0; i < sizeof default_allowed / sizeof default_allowed[0]; i++)
    if (push (out, true, default_allowed[i].type, default_allowed[i].major, default_allowed[i].minor,
              default_allowed[i].access)
        < 0)
      goto nomem;
  return 0;
nomem:
  rt_device_rules_free (out);
  return rt_error_set (err, ENOMEM, "device rules");
}

void
rt_device_rules_free (struct rt_device_rules *r)
{
  size_t i;

  for (i = 0; i < r->len; i++)
    {
      free (r->rules[i]->type);
      free (r->rules[i]->access);
      free (r->rules[i]);
    }
  free (r->rules);
  memset (r, 0, sizeof *r);
}

static char *
rule_line (const oci_device_cgroup *d)
{
  char *line = NULL;
  char major[24] = "*", minor[24] = "*";
  const char *type = d->type && *d->type ? d->type : "a";

  if (strcmp (type, "a") == 0)
    return strdup ("a");
  if (d->has_major && d->major >= 0)
    snprintf (major, sizeof major, "%lld", (long long) d->major);
  if (d->has_minor && d->minor >= 0)
    snprintf (minor, sizeof minor, "%lld", (long long) d->minor);
  if (asprintf (&line, "%s %s:%s %s", type, major, minor, d->access && *d->access ? d->access : "rwm") < 0)
    return NULL;
  return line;
}

/* One open of each file for all the rules: the kernel takes each write
 * as one rule. */
static int
rule_fd (const char *dir, bool allow, int *fd, struct rt_error *err)
{
  cleanup_free char *path = NULL;

  if (*fd >= 0)
    return *fd;
  if (asprintf (&path, "%s/devices.%s", dir, allow ? "allow" : "deny") < 0)
    return rt_error_set (err, ENOMEM, "devices");
  *fd = open (path, O_WRONLY | O_CLOEXEC);
  if (*fd < 0)
    return rt_error_set (err, errno, "open `%s`", path);
  return *fd;
}

int
rt_cgroup_v1_devices (const char *dir, oci_device_cgroup *const *rules, size_t n, struct rt_error *err)
{
  cleanup_close int deny_fd = -1, allow_fd = -1;
  size_t i;

  for (i = 0; i < n; i++)
    {
      cleanup_free char *line = rule_line (rules[i]);
      bool allow = rules[i]->allow;
      int fd;

      if (line == NULL)
        return rt_error_set (err, ENOMEM, "devices");
      fd = rule_fd (dir, allow, allow ? &allow_fd : &deny_fd, err);
      if (fd < 0)
        return -1;
      if (write (fd, line, strlen (line)) < 0)
        return rt_error_set (err, errno, "write `%s` to %s/devices.%s", line, dir, allow ? "allow" : "deny");
    }
  return 0;
}
