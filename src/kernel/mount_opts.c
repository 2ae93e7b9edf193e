#include "kernel/mount_opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "tables.h"
#include "util/cleanup.h"

static int
append_data (char **data, const char *opt)
{
  char *n = NULL;

  if (asprintf (&n, "%s%s%s", *data ? *data : "", *data ? "," : "", opt) < 0)
    return -1;
  free (*data);
  *data = n;
  return 0;
}

static int
parse_u32 (const char **p, uint32_t *out)
{
  char *end;
  unsigned long long v;

  if (**p < '0' || **p > '9')
    return -1;
  errno = 0;
  v = strtoull (*p, &end, 10);
  if (errno != 0 || v > UINT32_MAX)
    return -1;
  *out = (uint32_t) v;
  *p = end;
  return 0;
}

/* "A-B-C#A-B-C...", up to `end`: each triplet one line of an id map. */
static int
parse_triplets (const char *p, const char *end, oci_id_mapping ***out, size_t *len, const char *opt,
                struct rt_error *err)
{
  while (p < end)
    {
      oci_id_mapping *m, **nm;
      if (*p == '@')
        return rt_error_set (err, 0, "`%s`: mappings relative to the container's (`@`) are not supported", opt);
      m = calloc (1, sizeof *m);
      if (m == NULL)
        return rt_error_set (err, ENOMEM, "mount options");
      if (parse_u32 (&p, &m->container_id) < 0 || *p++ != '-' || parse_u32 (&p, &m->host_id) < 0 || *p++ != '-'
          || parse_u32 (&p, &m->size) < 0 || (p < end && *p != '#') || p > end)
        {
          free (m);
          return rt_error_set (err, 0, "`%s`: invalid mapping (expected A-B-C triplets joined by #)", opt);
        }
      nm = realloc (*out, (*len + 1) * sizeof *nm);
      if (nm == NULL)
        {
          free (m);
          return rt_error_set (err, ENOMEM, "mount options");
        }
      *out = nm;
      (*out)[(*len)++] = m;
      if (p < end)
        p++; /* '#' */
    }
  return 0;
}

/* crun's `idmap=uids=...;gids=...` (and ridmap=): the mount's own maps. */
static int
parse_idmap_value (const char *opt, const char *value, struct rt_mount_opts *o, struct rt_error *err)
{
  const char *p = value;

  while (*p)
    {
      const char *end = strchr (p, ';');
      if (end == NULL)
        end = p + strlen (p);
      if (strncmp (p, "uids=", 5) == 0)
        {
          if (parse_triplets (p + 5, end, &o->uid_map, &o->uid_map_len, opt, err) < 0)
            return -1;
        }
      else if (strncmp (p, "gids=", 5) == 0)
        {
          if (parse_triplets (p + 5, end, &o->gid_map, &o->gid_map_len, opt, err) < 0)
            return -1;
        }
      else
        return rt_error_set (err, 0, "`%s`: expected uids=... or gids=...", opt);
      p = *end ? end + 1 : end;
    }
  if ((o->uid_map_len > 0) != (o->gid_map_len > 0))
    return rt_error_set (err, 0, "`%s`: an id-mapped mount needs both uids= and gids=", opt);
  return 0;
}

static void
apply_extension (const struct oci_mount_option *e, struct rt_mount_opts *o)
{
  if (e->value & MS_BIND)
    {
      o->bind = true;
      o->flags |= e->value;
    }
  else if (strcmp (e->name, "tmpcopyup") == 0)
    o->tmpcopyup = true;
  else if (strcmp (e->name, "src-nofollow") == 0)
    o->src_nofollow = true;
  else if (strcmp (e->name, "copy-symlink") == 0)
    o->copy_symlink = true;
  else
    {
      o->idmap = true;
      o->ridmap = o->ridmap || strcmp (e->name, "ridmap") == 0;
    }
}

static int
parse_one (const char *opt, struct rt_mount_opts *o, struct rt_error *err)
{
  const struct oci_mount_option *e = oci_mount_option_find (opt);
  const char *eq = strchr (opt, '=');

  if (e == NULL && eq != NULL && (strncmp (opt, "idmap=", 6) == 0 || strncmp (opt, "ridmap=", 7) == 0))
    {
      o->idmap = true;
      o->ridmap = o->ridmap || opt[0] == 'r';
      return parse_idmap_value (opt, eq + 1, o, err);
    }
  if (e == NULL)
    return append_data (&o->data, opt) < 0 ? rt_error_set (err, ENOMEM, "mount options") : 0;
  switch (e->kind)
    {
    case OCI_MOUNT_FLAG:
      o->flags |= e->value;
      break;
    case OCI_MOUNT_CLEAR:
      o->flags &= ~e->value;
      break;
    case OCI_MOUNT_PROPAGATION:
      o->propagation = e->value;
      break;
    case OCI_MOUNT_ATTR:
      o->attr_set |= e->value;
      o->attr_clr &= ~e->value;
      break;
    case OCI_MOUNT_ATTR_CLEAR:
      o->attr_clr |= e->value;
      o->attr_set &= ~e->value;
      break;
    case OCI_MOUNT_EXTENSION:
      apply_extension (e, o);
      break;
    }
  return 0;
}

int
rt_mount_opts_parse (char **options, size_t n, struct rt_mount_opts *o, struct rt_error *err)
{
  size_t i;

  memset (o, 0, sizeof *o);
  for (i = 0; i < n; i++)
    if (parse_one (options[i], o, err) < 0)
      {
        rt_mount_opts_free (o);
        return -1;
      }
  if (o->copy_symlink && o->src_nofollow)
    {
      rt_mount_opts_free (o);
      return rt_error_set (err, 0, "copy-symlink and src-nofollow exclude each other");
    }
  return 0;
}

static void
free_map (oci_id_mapping **m, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    free (m[i]);
  free (m);
}

void
rt_mount_opts_free (struct rt_mount_opts *o)
{
  free (o->data);
  free_map (o->uid_map, o->uid_map_len);
  free_map (o->gid_map, o->gid_map_len);
  o->data = NULL;
  o->uid_map = o->gid_map = NULL;
  o->uid_map_len = o->gid_map_len = 0;
}

bool
rt_mount_data_drop_gid (char *data)
{
  char *p = data;

  while (p != NULL && *p)
    {
      char *next = strchr (p, ',');
      if (strncmp (p, "gid=", 4) == 0)
        {
          if (next != NULL)
            memmove (p, next + 1, strlen (next + 1) + 1);
          else if (p > data)
            p[-1] = '\0';
          else
            *p = '\0';
          return true;
        }
      p = next ? next + 1 : NULL;
    }
  return false;
}

bool
rt_mount_wants_bind (const oci_mount *m)
{
  size_t i;

  if (m->type && strcmp (m->type, "bind") == 0)
    return true;
  for (i = 0; i < m->options_len; i++)
    if (strcmp (m->options[i], "bind") == 0 || strcmp (m->options[i], "rbind") == 0)
      return true;
  return false;
}
