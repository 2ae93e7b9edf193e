/* Parsing: yajl's events are applied straight to the document, guided by
 * the field tables, with a stack of frames for the objects, arrays and maps
 * being filled.
 *
 * No intermediate JSON tree is built: on a large document its millions of
 * small allocations would cost more than the parse itself, and it would
 * need a nesting limit.  Properties the tables do not know are skipped with
 * a counter, so nesting costs nothing either.  Paths for messages are put
 * together from the stack only when an error occurs.
 *
 * After the first error the remaining events are ignored but the text is
 * still checked to the end, so that a document that is not valid JSON
 * always reports that, whatever else is wrong with it. */
#include "codec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_parse.h>

/* JSON value types, named as in messages. */
enum jtype
{
  J_NULL,
  J_BOOL,
  J_INT, /* a number without fraction or exponent */
  J_NUM, /* any other number */
  J_STR,
  J_OBJ,
  J_ARR,
};

static const char *const jtype_names[] = {
  [J_NULL] = "null",  [J_BOOL] = "boolean", [J_INT] = "integer", [J_NUM] = "number",
  [J_STR] = "string", [J_OBJ] = "object",   [J_ARR] = "array",
};

/* A scalar as yajl delivered it; containers carry only their type. */
struct jvalue
{
  enum jtype type;
  bool b;
  const char *s; /* J_STR: the text; J_INT, J_NUM: the number's text */
  size_t len;
};

enum frame_kind
{
  FR_OBJECT, /* a struct being filled */
  FR_ARRAY,  /* the elements of an STRV, OBJV or U32V field */
  FR_MAP,    /* the entries of a STRMAP or OBJMAP field */
  FR_SKIP,   /* a value of an unknown property */
};

struct frame
{
  enum frame_kind kind;
  const struct oci_type *type;   /* FR_OBJECT: the struct's type */
  const struct oci_field *field; /* FR_ARRAY, FR_MAP: the field being filled */
  void *obj;                     /* FR_OBJECT: the struct; others: the one owning field */
  const struct oci_field *cur;   /* FR_OBJECT: field named by the last key, NULL if unknown */
  uint64_t seen;                 /* FR_OBJECT: bit i set once field i has a value */
  size_t cap;                    /* FR_ARRAY, FR_MAP: slots allocated */
  size_t index;                  /* FR_ARRAY: index of the element being read */
  char *key;                     /* FR_MAP: the last key, owned until its value arrives */
  const char *cur_key;           /* FR_MAP: the last key, for messages */
  size_t skip;                   /* FR_SKIP: containers open inside the skipped value */
};

struct parser
{
  const struct oci_type *type;
  void *doc;
  const char *source;
  struct frame *stack;
  size_t depth, stack_cap;
  char *err;      /* the first error; the rest of the text is only checked */
  bool cancelled; /* we stopped yajl (out of memory) */
};

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------ */

static void
put_frame (FILE *f, const struct frame *fr)
{
  switch (fr->kind)
    {
    case FR_OBJECT:
      if (fr->cur != NULL)
        fprintf (f, ".%s", fr->cur->name);
      break;
    case FR_ARRAY:
      fprintf (f, "[%zu]", fr->index);
      break;
    case FR_MAP:
      if (fr->cur_key == NULL)
        break;
      fputs ("[\"", f);
      oci_put_escaped (f, fr->cur_key);
      fputs ("\"]", f);
      break;
    case FR_SKIP:
      break;
    }
}

/* Records "<source>: <path>: <msg>", the path leading through the current
 * positions of the first `depth` frames, then to field `last` if given. */
static void
error_at (struct parser *p, size_t depth, const struct oci_field *last, const char *msg)
{
  char *buf = NULL;
  size_t size = 0, i;
  FILE *f;

  if (p->err != NULL)
    return;
  f = open_memstream (&buf, &size);
  if (f == NULL)
    oci_oom ();
  fprintf (f, "%s: ", p->source);
  for (i = 0; i < depth; i++)
    put_frame (f, &p->stack[i]);
  if (last != NULL)
    fprintf (f, ".%s", last->name);
  if (depth > 0 || last != NULL)
    fputs (": ", f);
  fputs (msg, f);
  if (fclose (f) != 0 || buf == NULL)
    oci_oom ();
  p->err = buf;
}

static int fail (struct parser *p, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* An error about the value being read.  Returns 1 so that callbacks can
 * return it: yajl goes on checking the syntax. */
static int
fail (struct parser *p, const char *fmt, ...)
{
  va_list ap;
  char *msg;

  if (p->err != NULL)
    return 1;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    oci_oom ();
  va_end (ap);
  error_at (p, p->depth, NULL, msg);
  free (msg);
  return 1;
}

static void
fail_missing (struct parser *p, const struct oci_field *f)
{
  /* The object's own frame still points at its last key: leave that out. */
  p->stack[p->depth - 1].cur = NULL;
  error_at (p, p->depth, f, "missing required property");
}

static int
fail_type (struct parser *p, const char *expected, enum jtype got)
{
  return fail (p, "expected %s, got %s", expected, jtype_names[got]);
}

/* Out of memory: stop yajl at once (0 for the callback). */
static int
fail_oom (struct parser *p)
{
  free (p->err);
  p->err = NULL;
  error_at (p, 0, NULL, "out of memory");
  p->cancelled = true;
  return 0;
}

/* ------------------------------------------------------------------------
 * The frame stack
 * ------------------------------------------------------------------------ */

static struct frame *
top (struct parser *p)
{
  return p->depth > 0 ? &p->stack[p->depth - 1] : NULL;
}

static struct frame *
push (struct parser *p, enum frame_kind kind)
{
  struct frame *fr;

  if (oci_grow ((void **) &p->stack, &p->stack_cap, p->depth + 1, sizeof (*p->stack)) < 0)
    return NULL;
  fr = &p->stack[p->depth++];
  memset (fr, 0, sizeof (*fr));
  fr->kind = kind;
  return fr;
}

static int
push_object (struct parser *p, const struct oci_type *t, void *obj)
{
  struct frame *fr = push (p, FR_OBJECT);

  if (fr == NULL)
    return fail_oom (p);
  fr->type = t;
  fr->obj = obj;
  return 1;
}

/* ------------------------------------------------------------------------
 * Scalars
 * ------------------------------------------------------------------------ */

struct int_kind
{
  const char *noun;
  uint64_t max;     /* largest positive value */
  uint64_t max_neg; /* magnitude of the most negative value */
};

static const struct int_kind int_kinds[] = {
  [OCI_INT32] = { "a 32-bit integer", INT32_MAX, (uint64_t) INT32_MAX + 1 },
  [OCI_UINT32] = { "an unsigned 32-bit integer", UINT32_MAX, 0 },
  [OCI_INT64] = { "a 64-bit integer", INT64_MAX, (uint64_t) INT64_MAX + 1 },
  [OCI_UINT64] = { "an unsigned 64-bit integer", UINT64_MAX, 0 },
  [OCI_UINT16] = { "an unsigned 16-bit integer", UINT16_MAX, 0 },
};

/* Reads the decimal text yajl validated; false when the magnitude does not
 * fit 64 bits.  Going through the text, not a double, keeps every 64-bit
 * value exact. */
static bool
read_magnitude (const char *s, size_t len, bool *neg, uint64_t *mag)
{
  const char *end = s + len;
  uint64_t v = 0;

  *neg = s < end && *s == '-';
  if (*neg)
    s++;
  for (; s < end; s++)
    {
      unsigned d = (unsigned) (*s - '0');

      if (v > (UINT64_MAX - d) / 10)
        return false;
      v = v * 10 + d;
    }
  if (v == 0)
    *neg = false; /* -0 */
  *mag = v;
  return true;
}

static void
store_int (enum oci_kind k, void *p, bool neg, uint64_t mag)
{
  int64_t sv = neg ? -(int64_t) (mag - 1) - 1 : (int64_t) mag;

  switch (k)
    {
    case OCI_INT32:
      *(int32_t *) p = (int32_t) sv;
      break;
    case OCI_UINT32:
      *(uint32_t *) p = (uint32_t) mag;
      break;
    case OCI_INT64:
      *(int64_t *) p = sv;
      break;
    case OCI_UINT64:
      *(uint64_t *) p = mag;
      break;
    case OCI_UINT16:
      *(uint16_t *) p = (uint16_t) mag;
      break;
    default:
      abort ();
    }
}

/* 0 when stored, -1 after recording an error. */
static int
read_int (struct parser *p, enum oci_kind k, void *out, const struct jvalue *v)
{
  const struct int_kind *ik = &int_kinds[k];
  uint64_t mag;
  bool neg;

  if (v->type != J_INT)
    {
      fail_type (p, ik->noun, v->type);
      return -1;
    }
  if (!read_magnitude (v->s, v->len, &neg, &mag) || mag > (neg ? ik->max_neg : ik->max))
    {
      fail (p, "value %.*s out of range for %s", (int) v->len, v->s, ik->noun);
      return -1;
    }
  store_int (k, out, neg, mag);
  return 0;
}

/* "unknown namespace type \"pidd\"", the name escaped to keep one line. */
static void
fail_unknown (struct parser *p, const struct oci_field *f, const char *name)
{
  char *quoted = NULL;
  size_t size = 0;
  FILE *m = open_memstream (&quoted, &size);

  if (m == NULL)
    oci_oom ();
  oci_put_escaped (m, name);
  if (fclose (m) != 0)
    oci_oom ();
  fail (p, "unknown %s \"%s\"", f->noun, quoted);
  free (quoted);
}

/* Copies a string value into *out after checking it against the field's
 * table; 0, or -1 after recording an error (or running out of memory). */
static int
read_string (struct parser *p, const struct oci_field *f, char **out, const struct jvalue *v)
{
  char *s;

  if (v->type != J_STR)
    {
      fail_type (p, "a string", v->type);
      return -1;
    }
  if (memchr (v->s, '\0', v->len) != NULL)
    {
      fail (p, "string contains a NUL character");
      return -1;
    }
  s = malloc (v->len + 1);
  if (s == NULL)
    {
      fail_oom (p);
      return -1;
    }
  memcpy (s, v->s, v->len);
  s[v->len] = '\0';
  if (f != NULL && f->table != NULL && oci_table_find (f->table, s) == NULL)
    {
      fail_unknown (p, f, s);
      free (s);
      return -1;
    }
  *out = s;
  return 0;
}

/* ------------------------------------------------------------------------
 * Values in each kind of frame
 * ------------------------------------------------------------------------ */

static bool
is_int_kind (enum oci_kind k)
{
  return k == OCI_INT32 || k == OCI_UINT32 || k == OCI_INT64 || k == OCI_UINT64 || k == OCI_UINT16;
}

static const char *
expected_noun (const struct oci_field *f)
{
  if (is_int_kind (f->kind))
    return int_kinds[f->kind].noun;
  switch (f->kind)
    {
    case OCI_STRING:
      return "a string";
    case OCI_BOOL:
      return "a boolean";
    case OCI_STRV:
    case OCI_OBJV:
    case OCI_U32V:
      return "an array";
    default:
      return "an object";
    }
}

/* The kind of JSON value a field holds. */
static enum jtype
field_jtype (const struct oci_field *f)
{
  if (is_int_kind (f->kind))
    return J_INT;
  switch (f->kind)
    {
    case OCI_STRING:
      return J_STR;
    case OCI_BOOL:
      return J_BOOL;
    case OCI_STRV:
    case OCI_OBJV:
    case OCI_U32V:
      return J_ARR;
    default:
      return J_OBJ;
    }
}

static int
open_field_array (struct parser *p, struct frame *obj, const struct oci_field *f)
{
  void *obj_ptr = obj->obj;
  size_t elem = f->kind == OCI_U32V ? sizeof (uint32_t) : sizeof (void *);
  void *v = calloc (4, elem);
  struct frame *fr;

  if (v == NULL)
    return fail_oom (p);
  *OCI_MEMBER (obj_ptr, f->offset, void *) = v;
  fr = push (p, FR_ARRAY); /* obj may move */
  if (fr == NULL)
    return fail_oom (p);
  fr->field = f;
  fr->obj = obj_ptr;
  fr->cap = 4;
  return 1;
}

static int
open_field_map (struct parser *p, struct frame *obj, const struct oci_field *f)
{
  void *obj_ptr = obj->obj;
  struct frame *fr = push (p, FR_MAP);

  if (fr == NULL)
    return fail_oom (p);
  fr->field = f;
  fr->obj = obj_ptr;
  return 1;
}

/* A value for field cur of the object on top. */
static int
object_value (struct parser *p, struct frame *fr, const struct jvalue *v)
{
  const struct oci_field *f = fr->cur;
  void *obj = fr->obj;
  void *m;
  size_t i = (size_t) (f - fr->type->fields);

  /* A repeated key replaces the earlier value, as in encoding/json; null
   * makes the property absent again. */
  oci_field_clear (f, obj);
  fr->seen &= ~((uint64_t) 1 << i);
  if (v->type == J_NULL)
    return 1;
  if (v->type != field_jtype (f) && !(v->type == J_NUM && field_jtype (f) == J_INT))
    return fail_type (p, expected_noun (f), v->type);
  fr->seen |= (uint64_t) 1 << i;
  m = OCI_MEMBER (obj, f->offset, char);
  switch (f->kind)
    {
    case OCI_STRING:
      read_string (p, f, m, v);
      return !p->cancelled;
    case OCI_BOOL:
      *(bool *) m = v->b;
      break;
    case OCI_OBJECT:
      *(void **) m = calloc (1, f->type->size);
      if (*(void **) m == NULL)
        return fail_oom (p);
      return push_object (p, f->type, *(void **) m);
    case OCI_STRV:
    case OCI_OBJV:
    case OCI_U32V:
      return open_field_array (p, fr, f);
    case OCI_STRMAP:
    case OCI_OBJMAP:
      return open_field_map (p, fr, f);
    default:
      if (read_int (p, f->kind, m, v) < 0)
        return !p->cancelled;
      break;
    }
  if (f->has_offset != OCI_NO_OFFSET)
    *OCI_MEMBER (obj, f->has_offset, bool) = true;
  return 1;
}

/* An element of the array on top. */
static int
array_value (struct parser *p, struct frame *fr, const struct jvalue *v)
{
  const struct oci_field *f = fr->field;
  void **vp = OCI_MEMBER (fr->obj, f->offset, void *);
  size_t *lenp = OCI_MEMBER (fr->obj, f->len_offset, size_t);
  size_t elem = f->kind == OCI_U32V ? sizeof (uint32_t) : sizeof (void *);
  void *slot;

  fr->index = *lenp;
  /* Keep a spare zeroed slot: pointer arrays end with NULL. */
  if (*lenp + 2 > fr->cap)
    {
      size_t old = fr->cap;

      if (oci_grow (vp, &fr->cap, *lenp + 2, elem) < 0)
        return fail_oom (p);
      memset ((char *) *vp + old * elem, 0, (fr->cap - old) * elem);
    }
  slot = (char *) *vp + *lenp * elem;
  switch (f->kind)
    {
    case OCI_U32V:
      if (read_int (p, OCI_UINT32, slot, v) < 0)
        return !p->cancelled;
      (*lenp)++;
      return 1;
    case OCI_STRV:
      if (read_string (p, f, slot, v) < 0)
        return !p->cancelled;
      (*lenp)++;
      return 1;
    default:
      if (v->type != J_OBJ)
        return fail_type (p, "an object", v->type);
      *(void **) slot = calloc (1, f->type->size);
      if (*(void **) slot == NULL)
        return fail_oom (p);
      (*lenp)++;
      return push_object (p, f->type, *(void **) slot);
    }
}

/* The value of the last key of the map on top.  A null value is kept as a
 * NULL entry until the map closes, so that it can cancel an earlier entry
 * of the same key. */
static int
map_value (struct parser *p, struct frame *fr, const struct jvalue *v)
{
  struct oci_map_view m = oci_map_view (fr->field, fr->obj);
  size_t n = *m.len;
  void *value = NULL;

  if (v->type != J_NULL && m.type == NULL && read_string (p, NULL, (char **) &value, v) < 0)
    return !p->cancelled;
  if (v->type != J_NULL && m.type != NULL && v->type != J_OBJ)
    return fail_type (p, "an object", v->type);
  /* Keys and values grow in step, so one capacity serves both. */
  if (n + 1 > fr->cap)
    {
      size_t kcap = fr->cap;

      if (oci_grow ((void **) m.keys, &kcap, n + 1, sizeof (char *)) < 0
          || oci_grow ((void **) m.values, &fr->cap, n + 1, sizeof (void *)) < 0)
        {
          free (value);
          return fail_oom (p);
        }
    }
  if (v->type == J_OBJ)
    {
      value = calloc (1, m.type->size);
      if (value == NULL)
        return fail_oom (p);
    }
  (*m.keys)[n] = fr->key;
  (*m.values)[n] = value;
  fr->key = NULL;
  *m.len = n + 1;
  return v->type == J_OBJ ? push_object (p, m.type, value) : 1;
}

/* A value (or the opening of a container) wherever the stack says. */
static int
on_value (struct parser *p, const struct jvalue *v)
{
  struct frame *fr = top (p);

  if (p->err != NULL)
    return 1;
  if (fr == NULL)
    {
      if (v->type != J_OBJ)
        return fail (p, "expected a JSON object at the top level");
      return push_object (p, p->type, p->doc);
    }
  switch (fr->kind)
    {
    case FR_SKIP:
      if (v->type == J_OBJ || v->type == J_ARR)
        fr->skip++;
      return 1;
    case FR_OBJECT:
      if (fr->cur != NULL)
        return object_value (p, fr, v);
      if (v->type == J_OBJ || v->type == J_ARR)
        {
          fr = push (p, FR_SKIP);
          return fr != NULL ? 1 : fail_oom (p);
        }
      return 1;
    case FR_ARRAY:
      return array_value (p, fr, v);
    case FR_MAP:
      return map_value (p, fr, v);
    }
  abort ();
}

/* ------------------------------------------------------------------------
 * Closing containers
 * ------------------------------------------------------------------------ */

static void
check_required (struct parser *p, struct frame *fr)
{
  size_t i;

  for (i = 0; i < fr->type->n_fields; i++)
    if ((fr->type->fields[i].flags & OCI_REQUIRED) && !(fr->seen & ((uint64_t) 1 << i)))
      {
        fail_missing (p, &fr->type->fields[i]);
        return;
      }
}

struct key_ref
{
  const char *key;
  size_t pos;
};

static int
cmp_key_ref (const void *a, const void *b)
{
  const struct key_ref *x = a, *y = b;
  int r = strcmp (x->key, y->key);

  if (r != 0)
    return r;
  return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Keeps the last entry of each repeated key, in document order, and drops
 * the entries that are null.  Sorting keeps this O(n log n) on huge maps. */
static int
finish_map (const struct oci_map_view *m)
{
  size_t n = *m->len, i, j;
  struct key_ref *refs = NULL;
  bool *drop;

  drop = calloc (n + 1, sizeof (*drop));
  if (drop == NULL)
    return -1;
  if (n > 1)
    {
      refs = malloc (n * sizeof (*refs));
      if (refs == NULL)
        {
          free (drop);
          return -1;
        }
      for (i = 0; i < n; i++)
        refs[i] = (struct key_ref){ (*m->keys)[i], i };
      qsort (refs, n, sizeof (*refs), cmp_key_ref);
      for (i = 0; i + 1 < n; i++)
        if (strcmp (refs[i].key, refs[i + 1].key) == 0)
          drop[refs[i].pos] = true;
    }
  for (i = j = 0; i < n; i++)
    {
      if (drop[i] || (*m->values)[i] == NULL)
        {
          free ((*m->keys)[i]);
          oci_map_value_free (m, (*m->values)[i]);
          continue;
        }
      (*m->keys)[j] = (*m->keys)[i];
      (*m->values)[j++] = (*m->values)[i];
    }
  *m->len = j;
  free (refs);
  free (drop);
  return 0;
}

static int
on_close (struct parser *p)
{
  struct frame *fr = top (p);

  if (p->err != NULL)
    return 1;
  if (fr->kind == FR_SKIP && fr->skip > 0)
    {
      fr->skip--;
      return 1;
    }
  if (fr->kind == FR_OBJECT)
    check_required (p, fr);
  else if (fr->kind == FR_MAP)
    {
      struct oci_map_view m = oci_map_view (fr->field, fr->obj);

      if (finish_map (&m) < 0)
        return fail_oom (p);
    }
  if (p->err == NULL)
    p->depth--;
  return 1;
}

/* ------------------------------------------------------------------------
 * yajl callbacks
 * ------------------------------------------------------------------------ */

static int
cb_null (void *ctx)
{
  struct jvalue v = { .type = J_NULL };

  return on_value (ctx, &v);
}

static int
cb_boolean (void *ctx, int b)
{
  struct jvalue v = { .type = J_BOOL, .b = b != 0 };

  return on_value (ctx, &v);
}

static int
cb_number (void *ctx, const char *s, size_t len)
{
  bool integer = memchr (s, '.', len) == NULL && memchr (s, 'e', len) == NULL && memchr (s, 'E', len) == NULL;
  struct jvalue v = { .type = integer ? J_INT : J_NUM, .s = s, .len = len };

  return on_value (ctx, &v);
}

static int
cb_string (void *ctx, const unsigned char *s, size_t len)
{
  struct jvalue v = { .type = J_STR, .s = (const char *) s, .len = len };

  return on_value (ctx, &v);
}

static int
cb_start_map (void *ctx)
{
  struct jvalue v = { .type = J_OBJ };

  return on_value (ctx, &v);
}

static int
cb_start_array (void *ctx)
{
  struct jvalue v = { .type = J_ARR };

  return on_value (ctx, &v);
}

static int
cb_end (void *ctx)
{
  return on_close (ctx);
}

static const struct oci_field *
find_field (const struct oci_type *t, const unsigned char *name, size_t len)
{
  size_t i;

  for (i = 0; i < t->n_fields; i++)
    if (strncmp (t->fields[i].name, (const char *) name, len) == 0 && t->fields[i].name[len] == '\0')
      return &t->fields[i];
  return NULL;
}

static int
cb_map_key (void *ctx, const unsigned char *s, size_t len)
{
  struct parser *p = ctx;
  struct frame *fr = top (p);

  if (p->err != NULL)
    return 1;
  if (fr->kind == FR_OBJECT)
    {
      /* A name holding \u0000 cannot be a known one: skipped as unknown. */
      fr->cur = memchr (s, '\0', len) == NULL ? find_field (fr->type, s, len) : NULL;
      return 1;
    }
  if (fr->kind != FR_MAP)
    return 1;
  if (memchr (s, '\0', len) != NULL)
    {
      /* The map itself is at fault: name its path, not an entry's. */
      error_at (p, p->depth - 1, NULL, "property name contains a NUL character");
      return 1;
    }
  fr->key = malloc (len + 1);
  if (fr->key == NULL)
    return fail_oom (p);
  memcpy (fr->key, s, len);
  fr->key[len] = '\0';
  fr->cur_key = fr->key;
  return 1;
}

static const yajl_callbacks callbacks = {
  .yajl_null = cb_null,
  .yajl_boolean = cb_boolean,
  .yajl_number = cb_number,
  .yajl_string = cb_string,
  .yajl_start_map = cb_start_map,
  .yajl_map_key = cb_map_key,
  .yajl_end_map = cb_end,
  .yajl_start_array = cb_start_array,
  .yajl_end_array = cb_end,
};

/* yajl's message ends with a newline (and, verbose, goes on for lines):
 * keep its first line. */
static char *
yajl_message (yajl_handle h, const char *json, size_t len)
{
  unsigned char *e = yajl_get_error (h, 0, (const unsigned char *) json, len);
  int n = (int) strcspn ((const char *) e, "\n");
  char *msg;

  while (n > 0 && (e[n - 1] == ' ' || e[n - 1] == '\r'))
    n--;
  if (asprintf (&msg, "invalid JSON: %.*s", n, (const char *) e) < 0)
    oci_oom ();
  yajl_free_error (h, e);
  return msg;
}

/* Frees the keys still owned by map frames after a failed parse. */
static void
free_stack (struct parser *p)
{
  size_t i;

  for (i = 0; i < p->depth; i++)
    if (p->stack[i].kind == FR_MAP)
      free (p->stack[i].key);
  free (p->stack);
}

void *
oci_doc_parse (const struct oci_type *t, const char *json, size_t len, const char *source, char **err)
{
  struct parser p = { .type = t, .source = source != NULL ? source : "JSON" };
  yajl_handle h;
  yajl_status st;

  if (json == NULL)
    json = "", len = 0;
  p.doc = calloc (1, t->size);
  if (p.doc == NULL)
    {
      oci_set_err (err, strdup ("out of memory"));
      return NULL;
    }
  h = yajl_alloc (&callbacks, &oci_yajl_alloc_funcs, &p);
  if (h == NULL)
    oci_oom ();
  st = yajl_parse (h, (const unsigned char *) json, len);
  if (st == yajl_status_ok)
    st = yajl_complete_parse (h);
  if (st != yajl_status_ok && !p.cancelled)
    {
      char *msg = yajl_message (h, json, len);

      free (p.err);
      p.err = NULL;
      error_at (&p, 0, NULL, msg);
      free (msg);
    }
  yajl_free (h);
  free_stack (&p);
  if (p.err != NULL)
    {
      oci_object_free (t, p.doc);
      oci_set_err (err, p.err);
      return NULL;
    }
  return p.doc;
}

/* ------------------------------------------------------------------------
 * Files
 * ------------------------------------------------------------------------ */

/* Reads a whole file, whatever its size (or a pipe, whose size is unknown). */
static char *
read_file (const char *path, size_t *lenp, char **err)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  char *buf = NULL, *msg = NULL;
  size_t len = 0, cap = 0, want = 1;
  struct stat st;
  int saved;

  if (fd < 0)
    goto fail;
  /* Sized from st_size plus one spare byte, a regular file takes one read
   * and the read that sees EOF, without a realloc. */
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && st.st_size > 0)
    want = (size_t) st.st_size + 1;
  for (;;)
    {
      ssize_t n;

      if (oci_grow ((void **) &buf, &cap, len + want, 1) < 0)
        {
          errno = ENOMEM;
          goto fail;
        }
      n = read (fd, buf + len, cap - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        goto fail;
      if (n == 0)
        break;
      len += (size_t) n;
      want = 1;
    }
  close (fd);
  *lenp = len;
  return buf;

fail:
  saved = errno;
  if (fd >= 0)
    close (fd);
  free (buf);
  if (asprintf (&msg, "%s: %s", path, strerror (saved)) < 0)
    oci_oom ();
  oci_set_err (err, msg);
  return NULL;
}

void *
oci_doc_parse_file (const struct oci_type *t, const char *path, char **err)
{
  size_t len = 0;
  char *json = read_file (path, &len, err);
  void *doc;

  if (json == NULL)
    return NULL;
  doc = oci_doc_parse (t, json, len, path, err);
  free (json);
  return doc;
}
