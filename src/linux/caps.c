#include "linux/caps.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "tables.h"

/* Names to a bit mask; names the running kernel lacks are skipped, as runc
 * does, so one config works on older and newer kernels. */
static int
to_mask (char **names, size_t n, uint64_t *mask, const char *set, struct rt_error *err)
{
  size_t i;

  *mask = 0;
  for (i = 0; i < n; i++)
    {
      const struct oci_name_value *e = oci_table_find (oci_capabilities_table, names[i]);
      if (e == NULL)
        return rt_error_set (err, 0, ".process.capabilities.%s[%zu]: unknown capability \"%s\"", set, i, names[i]);
      if (e->value <= (uint64_t) cap_max_bits () - 1)
        *mask |= 1ULL << e->value;
    }
  return 0;
}

int
rt_caps_check (const oci_capabilities *c, struct rt_error *err)
{
  uint64_t m;

  if (c == NULL)
    return 0;
  if (to_mask (c->bounding, c->bounding_len, &m, "bounding", err) < 0
      || to_mask (c->effective, c->effective_len, &m, "effective", err) < 0
      || to_mask (c->inheritable, c->inheritable_len, &m, "inheritable", err) < 0
      || to_mask (c->permitted, c->permitted_len, &m, "permitted", err) < 0
      || to_mask (c->ambient, c->ambient_len, &m, "ambient", err) < 0)
    return -1;
  return 0;
}

int
rt_caps_drop_bounding (const oci_capabilities *c, struct rt_error *err)
{
  uint64_t keep = 0;
  int cap;

  if (to_mask (c ? c->bounding : NULL, c ? c->bounding_len : 0, &keep, "bounding", err) < 0)
    return -1;
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

  if (c != NULL
      && (to_mask (c->effective, c->effective_len, &eff, "effective", err) < 0
          || to_mask (c->inheritable, c->inheritable_len, &inh, "inheritable", err) < 0
          || to_mask (c->permitted, c->permitted_len, &prm, "permitted", err) < 0
          || to_mask (c->ambient, c->ambient_len, &amb, "ambient", err) < 0))
    return -1;
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
  prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  for (cap = 0; cap < cap_max_bits (); cap++)
    /* as runc: an ambient capability that is not also inheritable and
     * permitted cannot be raised, and is left out rather than failing */
    if ((amb & (1ULL << cap)) && (inh & prm & (1ULL << cap))
        && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
      return rt_error_set (err, errno, "raise ambient capability %s", oci_table_name (oci_capabilities_table, cap));
  return 0;
}
