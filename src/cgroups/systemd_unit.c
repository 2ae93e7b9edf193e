#include "cgroups/systemd_unit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

#define UNLIMITED UINT64_MAX

void
rt_systemd_unit_free (struct rt_systemd_unit *u)
{
  free (u->slice);
  free (u->name);
  u->slice = u->name = NULL;
}

static bool
ends_with (const char *s, const char *suffix)
{
  size_t n = strlen (s), m = strlen (suffix);
  return n >= m && strcmp (s + n - m, suffix) == 0;
}

char *
rt_systemd_slice_path (const char *slice)
{
  size_t n = strlen (slice), i, start = 0;
  cleanup_free char *name = NULL;
  char *path = NULL;
  size_t len = 0;
  FILE *f;

  errno = EINVAL;
  if (n <= strlen (".slice") || !ends_with (slice, ".slice") || strchr (slice, '/') != NULL)
    return NULL;
  name = strndup (slice, n - strlen (".slice"));
  if (name == NULL)
    return NULL;
  if (strcmp (name, "-") == 0)
    return strdup ("/");
  n = strlen (name);
  f = open_memstream (&path, &len);
  if (f == NULL)
    return NULL;
  /* each component adds a slice named by all of them so far */
  for (i = 0; i <= n; i++)
    if (i == n || name[i] == '-')
      {
        if (i == start)
          {
            fclose (f);
            free (path);
            errno = EINVAL;
            return NULL; /* "a--b" or a leading or trailing dash */
          }
        fprintf (f, "/%.*s.slice", (int) i, name);
        start = i + 1;
      }
  if (fclose (f) != 0)
    {
      free (path);
      return NULL;
    }
  return path;
}

int
rt_systemd_unit_parse (const char *cgroups_path, const char *id, bool user_manager, struct rt_systemd_unit *u,
                       struct rt_error *err)
{
  const char *path = cgroups_path && *cgroups_path ? cgroups_path : NULL;
  const char *c1, *c2, *prefix = "rt", *name = id;
  size_t slice_len = 0, prefix_len = 2;
  cleanup_free char *check = NULL;
  int n;

  memset (u, 0, sizeof *u);
  if (path != NULL)
    {
      c1 = strchr (path, ':');
      c2 = c1 ? strchr (c1 + 1, ':') : NULL;
      if (c1 == NULL || c2 == NULL || strchr (c2 + 1, ':') != NULL)
        return rt_error_set (err, 0,
                             ".linux.cgroupsPath: `%s` is not slice:prefix:name, as the systemd cgroup driver "
                             "expects",
                             path);
      slice_len = (size_t) (c1 - path);
      prefix = c1 + 1;
      prefix_len = (size_t) (c2 - c1 - 1);
      name = c2 + 1;
      if (*name == '\0')
        return rt_error_set (err, 0, ".linux.cgroupsPath: `%s` has no name (slice:prefix:name)", path);
    }
  if (slice_len == 0)
    u->slice = strdup (user_manager ? "user.slice" : "system.slice");
  else
    u->slice = strndup (path, slice_len);
  if (u->slice == NULL)
    return rt_error_set (err, ENOMEM, "systemd");
  check = rt_systemd_slice_path (u->slice);
  if (check == NULL)
    {
      rt_error_set (err, 0, ".linux.cgroupsPath: `%s`: `%s` is not a slice name", path ? path : "", u->slice);
      rt_systemd_unit_free (u);
      return -1;
    }
  u->is_slice = ends_with (name, ".slice");
  if (u->is_slice)
    n = (u->name = strdup (name)) ? 0 : -1;
  else if (prefix_len == 0)
    n = asprintf (&u->name, "%s.scope", name);
  else
    n = asprintf (&u->name, "%.*s-%s.scope", (int) prefix_len, prefix, name);
  if (n < 0)
    {
      u->name = NULL;
      rt_systemd_unit_free (u);
      return rt_error_set (err, ENOMEM, "systemd");
    }
  if (u->is_slice && rt_systemd_slice_path (name) == NULL)
    {
      rt_error_set (err, 0, ".linux.cgroupsPath: `%s`: `%s` is not a slice name", path ? path : "", name);
      rt_systemd_unit_free (u);
      return -1;
    }
  return 0;
}

int
rt_systemd_props_add (struct rt_systemd_props *ps, struct rt_systemd_prop p)
{
  struct rt_systemd_prop *np = realloc (ps->p, (ps->len + 1) * sizeof *np);

  if (np == NULL)
    {
      free (p.owned);
      free (p.u32s);
      free (p.bytes);
      return -1;
    }
  ps->p = np;
  ps->p[ps->len++] = p;
  return 0;
}

void
rt_systemd_props_free (struct rt_systemd_props *ps)
{
  size_t i;

  for (i = 0; i < ps->len; i++)
    {
      free (ps->p[i].owned);
      free (ps->p[i].u32s);
      free (ps->p[i].bytes);
    }
  free (ps->p);
  ps->p = NULL;
  ps->len = 0;
}

static int
add_u64 (struct rt_systemd_props *ps, const char *name, uint64_t v)
{
  struct rt_systemd_prop p = { .name = name, .type = RT_SD_U64, .u = v };
  return rt_systemd_props_add (ps, p);
}

/* -1 (or any value below 0) is "infinity" */
static uint64_t
limit_of (int64_t v)
{
  return v < 0 ? UNLIMITED : (uint64_t) v;
}

/* "0-3,7" as systemd's CPU/NUMA mask: byte i bit j is CPU 8i+j. */
static int
add_mask (struct rt_systemd_props *ps, const char *name, const char *list)
{
  struct rt_systemd_prop p = { .name = name, .type = RT_SD_BYTES };
  const char *s = list;
  char *end;

  while (*s)
    {
      unsigned long a = strtoul (s, &end, 10), b = a, i;
      if (end == s)
        goto bad;
      if (*end == '-')
        {
          s = end + 1;
          b = strtoul (s, &end, 10);
          if (end == s || b < a)
            goto bad;
        }
      if (b >= 8192)
        goto bad;
      if (p.bytes == NULL || b / 8 + 1 > p.n)
        {
          uint8_t *nb = realloc (p.bytes, b / 8 + 1);
          if (nb == NULL)
            goto bad;
          memset (nb + p.n, 0, b / 8 + 1 - p.n);
          p.bytes = nb;
          p.n = b / 8 + 1;
        }
      for (i = a; i <= b; i++)
        p.bytes[i / 8] |= (uint8_t) (1u << (i % 8));
      s = *end == ',' ? end + 1 : end;
      if (*s == '\n')
        break;
    }
  return p.n > 0 ? rt_systemd_props_add (ps, p) : 0;
bad:
  free (p.bytes);
  errno = EINVAL;
  return -1;
}

static int
memory_props (struct rt_systemd_props *ps, const oci_memory *m)
{
  if (m->has_limit && m->limit != 0 && add_u64 (ps, "MemoryMax", limit_of (m->limit)) < 0)
    return -1;
  if (m->has_reservation && m->reservation != 0 && add_u64 (ps, "MemoryLow", limit_of (m->reservation)) < 0)
    return -1;
  /* swap is memory+swap in the spec, swap alone for systemd (as cgroup v2) */
  if (m->has_swap && m->swap != 0)
    {
      uint64_t sw = m->swap < 0                     ? UNLIMITED
                    : !m->has_limit || m->limit < 0 ? (uint64_t) m->swap
                    : m->swap >= m->limit           ? (uint64_t) (m->swap - m->limit)
                                                    : 0;
      if (add_u64 (ps, "MemorySwapMax", sw) < 0)
        return -1;
    }
  return 0;
}

static int
cpu_props (struct rt_systemd_props *ps, const oci_cpu *c, unsigned version)
{
  if (c->has_shares && c->shares != 0)
    {
      /* runc's v1 shares to v2 weight */
      uint64_t w = 1 + ((c->shares < 2 ? 0 : c->shares - 2) * 9999) / 262142;
      if (add_u64 (ps, "CPUWeight", w > 10000 ? 10000 : w) < 0)
        return -1;
    }
  if (c->has_quota && c->quota != 0)
    {
      uint64_t period = c->has_period && c->period ? c->period : 100000, q;
      if (c->quota < 0)
        q = UNLIMITED;
      else
        {
          /* systemd keeps it in 10 ms steps: round up, never below */
          q = (uint64_t) c->quota * 1000000 / period;
          if (q % 10000 != 0)
            q = (q / 10000 + 1) * 10000;
        }
      if (add_u64 (ps, "CPUQuotaPerSecUSec", q) < 0)
        return -1;
    }
  if (version >= 242 && c->has_period && c->period != 0 && add_u64 (ps, "CPUQuotaPeriodUSec", c->period) < 0)
    return -1;
  if (version >= 244 && c->cpus && *c->cpus && add_mask (ps, "AllowedCPUs", c->cpus) < 0)
    return -1;
  if (version >= 244 && c->mems && *c->mems && add_mask (ps, "AllowedMemoryNodes", c->mems) < 0)
    return -1;
  return 0;
}

/* A cgroup v2 value: a number or "max". */
static int
parse_limit (const char *v, uint64_t *out)
{
  char *end;

  if (strncmp (v, "max", 3) == 0 && (v[3] == '\0' || v[3] == '\n'))
    {
      *out = UNLIMITED;
      return 0;
    }
  errno = 0;
  *out = strtoull (v, &end, 10);
  return end == v || (*end != '\0' && *end != '\n') || errno != 0 || *v == '-' ? -1 : 0;
}

/* "QUOTA [PERIOD]" of cpu.max */
static int
cpu_max_props (struct rt_systemd_props *ps, const char *v, unsigned version)
{
  oci_cpu c = { .has_quota = true, .has_period = true, .period = 100000 };
  uint64_t quota;
  char *end;

  if (parse_limit (v, &quota) == 0)
    end = NULL;
  else if (strncmp (v, "max ", 4) == 0)
    {
      quota = UNLIMITED;
      end = (char *) v + 3;
    }
  else
    {
      errno = 0;
      quota = strtoull (v, &end, 10);
      if (end == v || *end != ' ' || errno != 0)
        return -1;
    }
  if (end != NULL)
    {
      char *pend;
      c.period = strtoull (end + 1, &pend, 10);
      if (pend == end + 1 || (*pend != '\0' && *pend != '\n') || c.period == 0)
        return -1;
    }
  c.quota = quota == UNLIMITED ? -1 : (int64_t) quota;
  return cpu_props (ps, &c, version);
}

/* linux.resources.unified keys that are unit properties too (as runc
 * maps them): systemd then keeps them as well. */
static const struct
{
  const char *key;
  const char *property;
} unified_limits[] = {
  { "memory.max", "MemoryMax" }, { "memory.high", "MemoryHigh" },        { "memory.low", "MemoryLow" },
  { "memory.min", "MemoryMin" }, { "memory.swap.max", "MemorySwapMax" }, { "pids.max", "TasksMax" },
  { "cpu.weight", "CPUWeight" },
};

static int
unified_props (struct rt_systemd_props *ps, const oci_strmap *u, unsigned version, struct rt_error *err)
{
  size_t i, j;

  for (i = 0; i < u->len; i++)
    {
      const char *k = u->keys[i], *v = u->values[i];
      uint64_t n;
      int r = 0;

      for (j = 0; j < sizeof unified_limits / sizeof unified_limits[0]; j++)
        if (strcmp (k, unified_limits[j].key) == 0)
          {
            r = parse_limit (v, &n) < 0 ? -1 : add_u64 (ps, unified_limits[j].property, n);
            break;
          }
      if (strcmp (k, "cpu.max") == 0)
        r = cpu_max_props (ps, v, version);
      else if (version >= 244 && strcmp (k, "cpuset.cpus") == 0)
        r = add_mask (ps, "AllowedCPUs", v);
      else if (version >= 244 && strcmp (k, "cpuset.mems") == 0)
        r = add_mask (ps, "AllowedMemoryNodes", v);
      if (r < 0)
        return rt_error_set (err, 0, ".linux.resources.unified[\"%s\"]: `%s` is not a value systemd takes for it", k,
                             v);
    }
  return 0;
}

int
rt_systemd_resource_props (const oci_resources *r, unsigned version, struct rt_systemd_props *out, struct rt_error *err)
{
  memset (out, 0, sizeof *out);
  if (r == NULL)
    return 0;
  if ((r->memory && memory_props (out, r->memory) < 0) || (r->cpu && cpu_props (out, r->cpu, version) < 0))
    goto bad;
  /* systemd refuses TasksMax=0: 1 (as runc), which keeps the init alone */
  if (r->pids && r->pids->has_limit
      && add_u64 (out, "TasksMax",
                  r->pids->limit < 0    ? UNLIMITED
                  : r->pids->limit == 0 ? 1
                                        : (uint64_t) r->pids->limit)
             < 0)
    goto bad;
  if (r->block_io && r->block_io->has_weight && r->block_io->weight != 0
      && add_u64 (out, "IOWeight", 1 + ((uint64_t) r->block_io->weight - 10) * 9999 / 990) < 0)
    goto bad;
  /* after the rest: a unified key says the last word, in the files too */
  if (unified_props (out, &r->unified, version, err) < 0)
    {
      rt_systemd_props_free (out);
      return -1;
    }
  return 0;
bad:
  rt_systemd_props_free (out);
  return rt_error_set (err, errno == EINVAL ? 0 : ENOMEM, "systemd unit properties%s",
                       errno == EINVAL ? ": a CPU or memory node list it cannot read" : "");
}

#define PROPERTY_PREFIX "org.systemd.property."

struct gvariant_int
{
  const char *word;
  enum rt_systemd_prop_type type;
  bool is_signed;
};

static const struct gvariant_int gvariant_ints[] = {
  { "uint64 ", RT_SD_U64, false }, { "@t ", RT_SD_U64, false },     { "int64 ", RT_SD_I64, true },
  { "@x ", RT_SD_I64, true },      { "uint32 ", RT_SD_U32, false }, { "@u ", RT_SD_U32, false },
  { "int32 ", RT_SD_I32, true },   { "@i ", RT_SD_I32, true },      { "", RT_SD_I32, true },
};

static int
parse_int (const char *text, bool is_signed, enum rt_systemd_prop_type type, uint64_t *out)
{
  char *end;

  errno = 0;
  if (is_signed)
    {
      long long v = strtoll (text, &end, 10);
      if (type == RT_SD_I32 && (v < INT32_MIN || v > INT32_MAX))
        errno = ERANGE;
      *out = (uint64_t) v;
    }
  else
    {
      unsigned long long v = strtoull (text, &end, 10);
      if (*text == '-' || (type == RT_SD_U32 && v > UINT32_MAX))
        errno = ERANGE;
      *out = v;
    }
  return end == text || *end != '\0' || errno != 0 ? -1 : 0;
}

/* 'text' or "text", with backslash escapes */
static char *
parse_string (const char *text)
{
  size_t n = strlen (text), i, j = 0;
  char *s;

  if (n < 2 || (text[0] != '\'' && text[0] != '"') || text[n - 1] != text[0])
    return NULL;
  s = malloc (n);
  if (s == NULL)
    return NULL;
  for (i = 1; i < n - 1; i++)
    {
      if (text[i] == '\\' && i + 1 < n - 1)
        i++;
      else if (text[i] == text[0])
        {
          free (s);
          return NULL;
        }
      s[j++] = text[i];
    }
  s[j] = '\0';
  return s;
}

static int
parse_value (const char *value, struct rt_systemd_prop *p)
{
  size_t i;

  if (strcmp (value, "true") == 0 || strcmp (value, "false") == 0)
    {
      p->type = RT_SD_BOOL;
      p->b = value[0] == 't';
      return 0;
    }
  if ((p->owned = parse_string (value)) != NULL)
    {
      p->type = RT_SD_STRING;
      p->s = p->owned;
      return 0;
    }
  for (i = 0; i < sizeof gvariant_ints / sizeof gvariant_ints[0]; i++)
    if (strncmp (value, gvariant_ints[i].word, strlen (gvariant_ints[i].word)) == 0)
      {
        p->type = gvariant_ints[i].type;
        return parse_int (value + strlen (gvariant_ints[i].word), gvariant_ints[i].is_signed, p->type, &p->u);
      }
  return -1;
}

/* TimeoutStopSec=N is TimeoutStopUSec=N*1000000 on the bus */
static int
seconds_to_usec (struct rt_systemd_prop *p, const char *name, char **owned_name)
{
  size_t n = strlen (name);

  if (n < 4 || strcmp (name + n - 3, "Sec") != 0 || strcmp (name + n - 4, "USec") == 0)
    return 0;
  if (p->type == RT_SD_STRING || p->type == RT_SD_BOOL
      || ((p->type == RT_SD_I32 || p->type == RT_SD_I64) && (int64_t) p->u < 0) || p->u > UINT64_MAX / 1000000)
    return -1;
  if (asprintf (owned_name, "%.*sUSec", (int) (n - 3), name) < 0)
    return -1;
  p->type = RT_SD_U64;
  p->u *= 1000000;
  return 0;
}

int
rt_systemd_annotation_props (const oci_strmap *annotations, struct rt_systemd_props *ps, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < annotations->len; i++)
    {
      const char *key = annotations->keys[i], *name = key + strlen (PROPERTY_PREFIX);
      struct rt_systemd_prop p = { 0 };
      char *usec_name = NULL;

      if (strncmp (key, PROPERTY_PREFIX, strlen (PROPERTY_PREFIX)) != 0)
        continue;
      if (*name == '\0'
          || name[strspn (name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")] != '\0')
        return rt_error_set (err, 0, ".annotations[\"%s\"]: `%s` is not a systemd property name", key, name);
      if (parse_value (annotations->values[i], &p) < 0 || seconds_to_usec (&p, name, &usec_name) < 0)
        {
          free (p.owned);
          return rt_error_set (err, 0,
                               ".annotations[\"%s\"]: `%s` is not a value rt can give systemd (true, false, "
                               "'string', uint64 N, int64 N, uint32 N, int32 N)",
                               key, annotations->values[i]);
        }
      p.name = name;
      if (usec_name != NULL)
        {
          /* the name is the property's to free: keep it with the value */
          free (p.owned);
          p.owned = usec_name;
          p.name = usec_name;
        }
      if (rt_systemd_props_add (ps, p) < 0)
        return rt_error_set (err, ENOMEM, "systemd");
    }
  return 0;
}
