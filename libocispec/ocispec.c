/* The typed entry points of ocispec.h: thin wrappers binding each document
 * type to its descriptor, plus the helpers for building documents in code. */
#include "codec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Defines the parse, emit and free functions of document type T. */
#define DOC_API(T, desc)                                                                                               \
  T *T##_parse (const char *json, size_t len, const char *source, char **err)                                          \
  {                                                                                                                    \
    return oci_doc_parse (&desc, json, len, source, err);                                                              \
  }                                                                                                                    \
  char *T##_emit (const T *doc, bool pretty, char **err) { return oci_doc_emit (&desc, doc, pretty, err); }            \
  void T##_free (T *doc) { oci_doc_free (&desc, doc); }

DOC_API (oci_config, oci_config_type)
DOC_API (oci_process, oci_process_type)
DOC_API (oci_resources, oci_resources_type)
DOC_API (oci_state, oci_state_type)
DOC_API (oci_features, oci_features_type)

oci_config *
oci_config_parse_file (const char *path, char **err)
{
  return oci_doc_parse_file (&oci_config_type, path, err);
}

oci_process *
oci_process_parse_file (const char *path, char **err)
{
  return oci_doc_parse_file (&oci_process_type, path, err);
}

oci_process *
oci_process_dup (const oci_process *p)
{
  return oci_doc_dup (&oci_process_type, p);
}

char *
oci_strdup (const char *s)
{
  char *d = strdup (s);

  if (d == NULL)
    oci_oom ();
  return d;
}

void *
oci_calloc (size_t n, size_t size)
{
  /* calloc (0, x) may legitimately return NULL; callers expect a pointer. */
  void *p = calloc (n ? n : 1, size ? size : 1);

  if (p == NULL)
    oci_oom ();
  return p;
}

/* Grows by one slot each time rather than geometrically: arrays come from
 * parse with no spare capacity recorded anywhere, and building code appends
 * a handful of entries. */
int
oci_strv_append (char ***v, size_t *len, const char *s)
{
  char **nv;
  char *copy;

  if (s == NULL)
    {
      errno = EINVAL;
      return -1;
    }
  copy = strdup (s);
  if (copy == NULL)
    return -1;
  nv = realloc (*v, (*len + 2) * sizeof (char *));
  if (nv == NULL)
    {
      free (copy);
      errno = ENOMEM;
      return -1;
    }
  nv[*len] = copy;
  nv[*len + 1] = NULL;
  *v = nv;
  (*len)++;
  return 0;
}

static char **
strmap_slot (const oci_strmap *m, const char *key)
{
  size_t i;

  for (i = 0; i < m->len; i++)
    if (m->keys[i] != NULL && strcmp (m->keys[i], key) == 0)
      return &m->values[i];
  return NULL;
}

int
oci_strmap_set (oci_strmap *m, const char *key, const char *value)
{
  char **slot, **keys, **values;
  char *k, *v;

  if (key == NULL || value == NULL)
    {
      errno = EINVAL;
      return -1;
    }
  v = strdup (value);
  if (v == NULL)
    return -1;
  slot = strmap_slot (m, key);
  if (slot != NULL)
    {
      free (*slot);
      *slot = v;
      return 0;
    }
  k = strdup (key);
  keys = realloc (m->keys, (m->len + 1) * sizeof (char *));
  if (keys != NULL)
    m->keys = keys;
  values = realloc (m->values, (m->len + 1) * sizeof (char *));
  if (values != NULL)
    m->values = values;
  if (k == NULL || keys == NULL || values == NULL)
    {
      free (k);
      free (v);
      errno = ENOMEM;
      return -1;
    }
  m->keys[m->len] = k;
  m->values[m->len] = v;
  m->len++;
  return 0;
}

const char *
oci_strmap_get (const oci_strmap *m, const char *key)
{
  char **slot = strmap_slot (m, key);

  return slot != NULL ? *slot : NULL;
}
