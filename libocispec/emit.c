/* Emission: any described type to JSON with yajl_gen, keys in table order,
 * absent values left out.  Pretty output is indented by tabs like runc's
 * (encoding/json's MarshalIndent with "\t"). */
#include "codec.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

enum seg_kind
{
  SEG_FIELD,
  SEG_INDEX,
  SEG_KEY,
};

/* One step of the path to the value being written, for messages; the
 * chain lives on the C stack of the recursion. */
struct seg
{
  const struct seg *up;
  enum seg_kind kind;
  const char *name; /* SEG_FIELD: property name; SEG_KEY: map key */
  size_t index;     /* SEG_INDEX */
};

struct out
{
  char *buf;
  size_t len, cap;
  bool oom;
};

struct emitter
{
  yajl_gen g;
  struct out out;
  char *err;
};

/* yajl prints here rather than into its own buffer, so that the result is
 * handed over without copying what may be tens of megabytes. */
static void
print_cb (void *ctx, const char *s, size_t len)
{
  struct out *o = ctx;

  if (o->oom || oci_grow ((void **) &o->buf, &o->cap, o->len + len + 1, 1) < 0)
    {
      o->oom = true;
      return;
    }
  memcpy (o->buf + o->len, s, len);
  o->len += len;
}

static void
put_path (FILE *f, const struct seg *s)
{
  if (s == NULL)
    return;
  put_path (f, s->up);
  switch (s->kind)
    {
    case SEG_FIELD:
      fprintf (f, ".%s", s->name);
      break;
    case SEG_INDEX:
      fprintf (f, "[%zu]", s->index);
      break;
    case SEG_KEY:
      fputs ("[\"", f);
      oci_put_escaped (f, s->name);
      fputs ("\"]", f);
      break;
    }
}

/* Records "cannot emit JSON: <path>: <msg>". */
static int
emit_fail (struct emitter *e, const struct seg *s, const char *msg)
{
  size_t size = 0;
  FILE *f;

  if (e->err != NULL)
    return -1;
  f = open_memstream (&e->err, &size);
  if (f == NULL)
    oci_oom ();
  fputs ("cannot emit JSON: ", f);
  if (s != NULL)
    {
      put_path (f, s);
      fputs (": ", f);
    }
  fputs (msg, f);
  if (fclose (f) != 0 || e->err == NULL)
    oci_oom ();
  return -1;
}

/* yajl only fails on our misuse or on strings that are not UTF-8, which code
 * building a document by hand can produce. */
static int
check (struct emitter *e, yajl_gen_status st, const struct seg *s)
{
  if (st == yajl_gen_status_ok)
    return 0;
  return emit_fail (e, s, st == yajl_gen_invalid_string ? "invalid UTF-8 in string" : "JSON generator error");
}

static int emit_object (struct emitter *e, const struct oci_type *t, const void *obj, const struct seg *s);

static int
emit_string (struct emitter *e, const char *str, const struct seg *s)
{
  return check (e, yajl_gen_string (e->g, (const unsigned char *) str, strlen (str)), s);
}

/* Integers go out as decimal text, never through a double. */
static int
emit_int (struct emitter *e, enum oci_kind k, const void *p, const struct seg *s)
{
  char buf[32]; /* a 64-bit decimal is at most 20 digits and a sign */
  int n;

  switch (k)
    {
    case OCI_INT32:
      n = snprintf (buf, sizeof (buf), "%" PRId32, *(const int32_t *) p);
      break;
    case OCI_UINT32:
      n = snprintf (buf, sizeof (buf), "%" PRIu32, *(const uint32_t *) p);
      break;
    case OCI_INT64:
      n = snprintf (buf, sizeof (buf), "%" PRId64, *(const int64_t *) p);
      break;
    case OCI_UINT64:
      n = snprintf (buf, sizeof (buf), "%" PRIu64, *(const uint64_t *) p);
      break;
    case OCI_UINT16:
      n = snprintf (buf, sizeof (buf), "%" PRIu16, *(const uint16_t *) p);
      break;
    default:
      abort ();
    }
  return check (e, yajl_gen_number (e->g, buf, (size_t) n), s);
}

/* An element left NULL in an object array or map (by code building a
 * document) comes out as {}, keeping its position or key. */
static int
emit_object_or_empty (struct emitter *e, const struct oci_type *t, const void *obj, const struct seg *s)
{
  if (obj != NULL)
    return emit_object (e, t, obj, s);
  if (check (e, yajl_gen_map_open (e->g), s) < 0)
    return -1;
  return check (e, yajl_gen_map_close (e->g), s);
}

static int
emit_element (struct emitter *e, const struct oci_field *f, const void *v, size_t i, const struct seg *s)
{
  switch (f->kind)
    {
    case OCI_U32V:
      return emit_int (e, OCI_UINT32, &((const uint32_t *) v)[i], s);
    case OCI_OBJV:
      return emit_object_or_empty (e, f->type, ((void *const *) v)[i], s);
    default:
      /* A NULL string cannot be written as one; leave it out. */
      if (((char *const *) v)[i] == NULL)
        return 0;
      return emit_string (e, ((char *const *) v)[i], s);
    }
}

static int
emit_vector (struct emitter *e, const struct oci_field *f, const void *obj, const struct seg *s)
{
  const void *v = *OCI_CMEMBER (obj, f->offset, void *);
  size_t len = v != NULL ? *OCI_CMEMBER (obj, f->len_offset, size_t) : 0, i;

  if (check (e, yajl_gen_array_open (e->g), s) < 0)
    return -1;
  for (i = 0; i < len; i++)
    {
      struct seg es = { s, SEG_INDEX, NULL, i };

      if (emit_element (e, f, v, i, &es) < 0)
        return -1;
    }
  return check (e, yajl_gen_array_close (e->g), s);
}

static int
emit_map (struct emitter *e, const struct oci_field *f, const void *obj, const struct seg *s)
{
  struct oci_map_view m = oci_map_view (f, (void *) obj);
  size_t i, len = *m.keys != NULL && *m.values != NULL ? *m.len : 0;

  if (check (e, yajl_gen_map_open (e->g), s) < 0)
    return -1;
  for (i = 0; i < len; i++)
    {
      const char *key = (*m.keys)[i];
      const void *val = (*m.values)[i];
      struct seg ks = { s, SEG_KEY, key, 0 };

      if (key == NULL || (m.type == NULL && val == NULL))
        continue;
      if (emit_string (e, key, &ks) < 0)
        return -1;
      if ((m.type != NULL ? emit_object_or_empty (e, m.type, val, &ks) : emit_string (e, val, &ks)) < 0)
        return -1;
    }
  return check (e, yajl_gen_map_close (e->g), s);
}

static bool
has_flag (const struct oci_field *f, const void *obj)
{
  return f->has_offset == OCI_NO_OFFSET || *OCI_CMEMBER (obj, f->has_offset, bool);
}

/* Whether a field has something to write: NULL pointers, empty arrays and
 * maps, cleared has_ flags and false booleans without a has_ flag do not.
 * Integers without a has_ flag always do, and so does every required
 * property that can be written at all ("allow": false, "names": []), so
 * that what we write parses back. */
static bool
is_present (const struct oci_field *f, const void *obj)
{
  const void *p = OCI_CMEMBER (obj, f->offset, char);
  bool required = (f->flags & OCI_REQUIRED) != 0;

  switch (f->kind)
    {
    case OCI_STRING:
      return *(char *const *) p != NULL || (f->flags & OCI_ALWAYS);
    case OCI_BOOL:
      if (f->has_offset != OCI_NO_OFFSET)
        return has_flag (f, obj);
      return *(const bool *) p || required;
    case OCI_OBJECT:
      return *(void *const *) p != NULL;
    case OCI_STRV:
    case OCI_OBJV:
    case OCI_U32V:
      return *OCI_CMEMBER (obj, f->len_offset, size_t) > 0 || required;
    case OCI_STRMAP:
      return ((const oci_strmap *) p)->len > 0 || required;
    case OCI_OBJMAP:
      return ((const oci_objmap *) p)->len > 0 || required;
    default:
      return has_flag (f, obj);
    }
}

static int
emit_field (struct emitter *e, const struct oci_field *f, const void *obj, const struct seg *s)
{
  const void *p = OCI_CMEMBER (obj, f->offset, char);

  switch (f->kind)
    {
    case OCI_STRING:
      return emit_string (e, *(char *const *) p != NULL ? *(char *const *) p : "", s);
    case OCI_BOOL:
      return check (e, yajl_gen_bool (e->g, *(const bool *) p), s);
    case OCI_OBJECT:
      return emit_object (e, f->type, *(void *const *) p, s);
    case OCI_STRV:
    case OCI_OBJV:
    case OCI_U32V:
      return emit_vector (e, f, obj, s);
    case OCI_STRMAP:
    case OCI_OBJMAP:
      return emit_map (e, f, obj, s);
    default:
      return emit_int (e, f->kind, p, s);
    }
}

static int
emit_object (struct emitter *e, const struct oci_type *t, const void *obj, const struct seg *s)
{
  size_t i;

  if (check (e, yajl_gen_map_open (e->g), s) < 0)
    return -1;
  for (i = 0; i < t->n_fields; i++)
    {
      const struct oci_field *f = &t->fields[i];
      struct seg fs = { s, SEG_FIELD, f->name, 0 };

      if (!is_present (f, obj))
        continue;
      if (emit_string (e, f->name, &fs) < 0 || emit_field (e, f, obj, &fs) < 0)
        return -1;
    }
  return check (e, yajl_gen_map_close (e->g), s);
}

/* yajl beautifies an empty object as "{", a blank line and an indented
 * "}"; write "{}" as encoding/json does.  Strings never hold a raw
 * newline, so the pattern can only be structure. */
static void
squeeze_empty_objects (char *s)
{
  char *out = s;

  while (*s != '\0')
    {
      size_t tabs;

      if (s[0] == '{' && s[1] == '\n' && s[2] == '\n' && s[3 + (tabs = strspn (s + 3, "\t"))] == '}')
        {
          *out++ = '{';
          *out++ = '}';
          s += 4 + tabs;
          continue;
        }
      *out++ = *s++;
    }
  *out = '\0';
}

char *
oci_doc_emit (const struct oci_type *t, const void *doc, bool pretty, char **err)
{
  struct emitter e = { yajl_gen_alloc (&oci_yajl_alloc_funcs), { NULL, 0, 0, false }, NULL };

  if (e.g == NULL)
    oci_oom ();
  yajl_gen_config (e.g, yajl_gen_print_callback, print_cb, &e.out);
  yajl_gen_config (e.g, yajl_gen_validate_utf8, 1);
  if (pretty)
    {
      yajl_gen_config (e.g, yajl_gen_beautify, 1);
      yajl_gen_config (e.g, yajl_gen_indent_string, "\t");
    }
  if (doc == NULL)
    emit_fail (&e, NULL, "no document");
  else if (emit_object (&e, t, doc, NULL) == 0 && e.out.oom)
    emit_fail (&e, NULL, "out of memory");
  yajl_gen_free (e.g);
  if (e.err != NULL)
    {
      free (e.out.buf);
      oci_set_err (err, e.err);
      return NULL;
    }
  e.out.buf[e.out.len] = '\0'; /* print_cb kept a byte for it */
  if (pretty)
    squeeze_empty_objects (e.out.buf);
  return e.out.buf;
}
