/* The generic codec's common parts: freeing and deep-copying any described
 * type, and small helpers shared with parse.c and emit.c. */
#include "codec.h"

#include <stdlib.h>
#include <string.h>

void
oci_oom (void)
{
  fputs ("libocispec: out of memory\n", stderr);
  abort ();
}

/* yajl cannot cope with a failed allocation, so its own allocations abort
 * like oci_calloc does. */
static void *
y_malloc (void *ctx, size_t n)
{
  void *p = malloc (n);

  (void) ctx;
  if (p == NULL)
    oci_oom ();
  return p;
}

static void *
y_realloc (void *ctx, void *p, size_t n)
{
  (void) ctx;
  p = realloc (p, n);
  if (p == NULL)
    oci_oom ();
  return p;
}

static void
y_free (void *ctx, void *p)
{
  (void) ctx;
  free (p);
}

yajl_alloc_funcs oci_yajl_alloc_funcs = { y_malloc, y_realloc, y_free, NULL };

void
oci_set_err (char **err, char *msg)
{
  if (err != NULL)
    *err = msg;
  else
    free (msg);
}

void
oci_put_escaped (FILE *f, const char *s)
{
  for (; *s != '\0'; s++)
    {
      unsigned char c = (unsigned char) *s;

      if (c == '"' || c == '\\')
        fprintf (f, "\\%c", c);
      else if (c == '\n')
        fputs ("\\n", f);
      else if (c == '\t')
        fputs ("\\t", f);
      else if (c < 0x20 || c == 0x7f)
        fprintf (f, "\\u%04x", c);
      else
        fputc (c, f);
    }
}

int
oci_grow (void **p, size_t *cap, size_t want, size_t elem)
{
  size_t n;
  void *q;

  if (want <= *cap)
    return 0;
  if (*cap > SIZE_MAX / 2 / elem || want > SIZE_MAX / elem)
    return -1;
  n = *cap * 2;
  if (n < want)
    n = want;
  if (n < 4)
    n = 4;
  q = realloc (*p, n * elem);
  if (q == NULL)
    return -1;
  *p = q;
  *cap = n;
  return 0;
}

struct oci_map_view
oci_map_view (const struct oci_field *f, void *obj)
{
  if (f->kind == OCI_STRMAP)
    {
      oci_strmap *m = OCI_MEMBER (obj, f->offset, oci_strmap);

      return (struct oci_map_view){ &m->keys, (void ***) &m->values, &m->len, NULL };
    }
  else
    {
      oci_objmap *m = OCI_MEMBER (obj, f->offset, oci_objmap);

      return (struct oci_map_view){ &m->keys, &m->values, &m->len, f->type };
    }
}

/* ------------------------------------------------------------------------
 * Freeing
 * ------------------------------------------------------------------------ */

void
oci_map_value_free (const struct oci_map_view *m, void *v)
{
  if (m->type != NULL)
    oci_object_free (m->type, v);
  else
    free (v);
}

static void
free_vector (void **v, size_t len, const struct oci_type *t)
{
  size_t i;

  if (v == NULL)
    return;
  for (i = 0; i < len; i++)
    {
      if (t != NULL)
        oci_object_free (t, v[i]);
      else
        free (v[i]);
    }
  free (v);
}

static void
free_map (const struct oci_field *f, void *obj)
{
  struct oci_map_view m = oci_map_view (f, obj);
  size_t i;

  for (i = 0; i < *m.len; i++)
    {
      free ((*m.keys)[i]);
      oci_map_value_free (&m, (*m.values)[i]);
    }
  free (*m.keys);
  free (*m.values);
  *m.keys = NULL;
  *m.values = NULL;
  *m.len = 0;
}

static size_t
scalar_size (enum oci_kind k)
{
  switch (k)
    {
    case OCI_BOOL:
      return sizeof (bool);
    case OCI_UINT16:
      return sizeof (uint16_t);
    case OCI_INT32:
    case OCI_UINT32:
      return sizeof (uint32_t);
    case OCI_INT64:
    case OCI_UINT64:
      return sizeof (uint64_t);
    default:
      abort ();
    }
}

void
oci_field_clear (const struct oci_field *f, void *obj)
{
  void **p = OCI_MEMBER (obj, f->offset, void *);

  switch (f->kind)
    {
    case OCI_STRING:
    case OCI_U32V:
      free (*p);
      break;
    case OCI_OBJECT:
      oci_object_free (f->type, *p);
      break;
    case OCI_STRV:
      free_vector (*p, *OCI_MEMBER (obj, f->len_offset, size_t), NULL);
      break;
    case OCI_OBJV:
      free_vector (*p, *OCI_MEMBER (obj, f->len_offset, size_t), f->type);
      break;
    case OCI_STRMAP:
    case OCI_OBJMAP:
      free_map (f, obj);
      return;
    default:
      memset (p, 0, scalar_size (f->kind));
      if (f->has_offset != OCI_NO_OFFSET)
        *OCI_MEMBER (obj, f->has_offset, bool) = false;
      return;
    }
  *p = NULL;
  if (f->len_offset != 0)
    *OCI_MEMBER (obj, f->len_offset, size_t) = 0;
}

void
oci_object_free (const struct oci_type *t, void *obj)
{
  size_t i;

  if (obj == NULL)
    return;
  for (i = 0; i < t->n_fields; i++)
    oci_field_clear (&t->fields[i], obj);
  free (obj);
}

void
oci_doc_free (const struct oci_type *t, void *doc)
{
  oci_object_free (t, doc);
}

/* ------------------------------------------------------------------------
 * Copying (aborts on ENOMEM like oci_calloc: it has no error to return)
 * ------------------------------------------------------------------------ */

static void *dup_object (const struct oci_type *t, const void *src);

static char *
dup_str (const char *s)
{
  return s != NULL ? oci_strdup (s) : NULL;
}

static void **
dup_vector (void *const *v, size_t len, const struct oci_type *t)
{
  void **d;
  size_t i;

  if (v == NULL)
    return NULL;
  d = oci_calloc (len + 1, sizeof (void *));
  for (i = 0; i < len; i++)
    d[i] = t != NULL ? dup_object (t, v[i]) : dup_str (v[i]);
  return d;
}

static uint32_t *
dup_u32v (const uint32_t *v, size_t len)
{
  uint32_t *d;

  if (v == NULL)
    return NULL;
  d = oci_calloc (len + 1, sizeof (uint32_t));
  memcpy (d, v, len * sizeof (uint32_t));
  return d;
}

static void
dup_map (const struct oci_field *f, const void *src, void *dst)
{
  struct oci_map_view from = oci_map_view (f, (void *) src);
  struct oci_map_view to = oci_map_view (f, dst);
  size_t i, n = *from.len;

  *to.keys = NULL;
  *to.values = NULL;
  if (*from.keys == NULL)
    return;
  *to.keys = oci_calloc (n + 1, sizeof (char *));
  *to.values = oci_calloc (n + 1, sizeof (void *));
  for (i = 0; i < n; i++)
    {
      (*to.keys)[i] = dup_str ((*from.keys)[i]);
      (*to.values)[i] = from.type != NULL ? dup_object (from.type, (*from.values)[i]) : dup_str ((*from.values)[i]);
    }
}

/* Copies every member, then replaces each pointer by a deep copy of what it
 * points to. */
static void *
dup_object (const struct oci_type *t, const void *src)
{
  void *dst;
  size_t i;

  if (src == NULL)
    return NULL;
  dst = oci_calloc (1, t->size);
  memcpy (dst, src, t->size);
  for (i = 0; i < t->n_fields; i++)
    {
      const struct oci_field *f = &t->fields[i];
      void *const *sp = (void *const *) ((const char *) src + f->offset);
      void **dp = OCI_MEMBER (dst, f->offset, void *);
      size_t len = f->len_offset ? *OCI_CMEMBER (src, f->len_offset, size_t) : 0;

      switch (f->kind)
        {
        case OCI_STRING:
          *dp = dup_str (*sp);
          break;
        case OCI_OBJECT:
          *dp = dup_object (f->type, *sp);
          break;
        case OCI_STRV:
          *dp = dup_vector (*sp, len, NULL);
          break;
        case OCI_OBJV:
          *dp = dup_vector (*sp, len, f->type);
          break;
        case OCI_U32V:
          *dp = dup_u32v (*sp, len);
          break;
        case OCI_STRMAP:
        case OCI_OBJMAP:
          dup_map (f, src, dst);
          break;
        default:
          break;
        }
    }
  return dst;
}

void *
oci_doc_dup (const struct oci_type *t, const void *doc)
{
  return dup_object (t, doc);
}
