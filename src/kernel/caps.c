#include "kernel/caps.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "tables.h"
#include "util/log.h"

/* Names to a bit mask. Names that libcap's table or the running kernel do
 * not know are left out: engines pass capabilities newer than a host, and
 * the runtime-spec says such a name is a warning (rt_caps_check), not a
 * reason to fail. */
static void
to_mask (char **names, size_t n, uint64_t *mask)
{
  size_t i;

  *mask = 0;
  for (i = 0; i < n; i++)
    {
      const struct oci_name_value *e = oci_table_find (oci_capabilities_table, names[i]);
      if (e != NULL && e->value <= (uint64_t) cap_max_bits () - 1)
        *mask |= 1ULL << e->value;
    }
}

static void
warn_unknown (char **names, size_t n, const char *set)
{
  size_t i;

  for (i = 0; i < n; i++)
    {
      const struct oci_name_value *e = oci_table_find (oci_capabilities_table, names[i]);
      if (e == NULL)
        rt_log_warning (".process.capabilities.%s[%zu]: unknown capability \"%s\", ignored", set, i, names[i]);
      else if (e->value > (uint64_t) cap_max_bits () - 1)
        rt_log_warning (".process.capabilities.%s[%zu]: %s is not known to this kernel, ignored", set, i, names[i]);
    }
}

void
rt_caps_check (const oci_capabilities *c)
{
  if (c == NULL)
    return;
  warn_unknown (c->bounding, c->bounding_len, "bounding");
  warn_unknown (c->effective, c->effective_len, "effective");
  warn_unknown (c->inheritable, c->inheritable_len, "inheritable");
  warn_unknown (c->permitted, c->permitted_len, "permitted");
  warn_unknown (c->ambient, c->ambient_len, "ambient");
}

int
rt_caps_drop_bounding (const oci_capabilities *c, struct rt_error *err)
{
  uint64_t keep = 0;
  int cap;

  to_mask (c ? c->bounding : NULL, c ? c->bounding_len : 0, &keep);
  for (cap = 0; cap < cap_max_bits (); cap++)
    if (!(keep & (1ULL << cap)) && prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
      return rt_error_set (err, errno, "drop capability %d from the bounding set", cap);
  return 0;
}

static int
set_flags (cap_t caps, cap_flag_t flag, uint64_t mask)
{
  int cap;

  for (cap = 0; cap < cap_max_bits (); cap++)
    if (mask & (1ULL << cap))
      {
        cap_value_t v = cap;
        if (cap_set_flag (caps, flag, 1, &v, CAP_SET) < 0)
          return -1;
      }
  return 0;
}

int
rt_caps_apply (const oci_capabilities *c, struct rt_error *err)
{
  uint64_t eff = 0, inh = 0, prm = 0, amb = 0;
  cap_t caps;
  int cap, r;

  if (c != NULL)
    {
      to_mask (c->effective, c->effective_len, &eff);
      to_mask (c->inheritable, c->inheritable_len, &inh);
      to_mask (c->permitted, c->permitted_len, &prm);
      to_mask (c->ambient, c->ambient_len, &amb);
    }
  caps = cap_init ();
  if (caps == NULL)
    return rt_error_set (err, errno, "capabilities");
  r = set_flags (caps, CAP_EFFECTIVE, eff) | set_flags (caps, CAP_INHERITABLE, inh)
      | set_flags (caps, CAP_PERMITTED, prm);
  if (r == 0)
    r = cap_set_proc (caps);
  cap_free (caps);
  if (r < 0)
    return rt_error_set (err, errno, "set capabilities");
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
    return rt_error_set (err, errno, "clear the ambient capabilities");
  for (cap = 0; cap < cap_max_bits (); cap++)
    /* as runc: an ambient capability that is not also inheritable and
     * permitted cannot be raised, and is left out rather than failing */
    if ((amb & (1ULL << cap)) && (inh & prm & (1ULL << cap))
        && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
      return rt_error_set (err, errno, "raise ambient capability %s", oci_table_name (oci_capabilities_table, cap));
  return 0;
}
