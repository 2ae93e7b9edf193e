/* The generic codec: parse, emit, free and copy any type described in
 * ocispec_types.c.
 *
 * Parsing is two passes.  yajl's event parser first builds a small JSON tree
 * (our own rather than yajl_tree's, whose arrays and objects grow one slot at
 * a time and go quadratic on big documents, and which cannot report the
 * length of strings containing \u0000).  The tree is then walked against the
 * field tables; strings move from the tree into the document instead of
 * being copied, so a large env array is not held twice.  Errors name the
 * JSON path, built only when an error occurs from a chain of stack frames. */
#include "codec.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

/* Deeper nesting is rejected: no spec document comes near it, and it keeps
 * the recursive tree walks within a small, fixed amount of stack. */
#define MAX_DEPTH 1000

void
oci_oom (void)
{
  fputs ("libocispec: out of memory\n", stderr);
  abort ();
}

/* ------------------------------------------------------------------------
 * Error messages and JSON paths
 * ------------------------------------------------------------------------ */

enum seg_kind
{
  SEG_FIELD,
  SEG_INDEX,
  SEG_KEY,
};

/* One step of a JSON path; the chain lives on the C stack of the walk. */
struct seg
{
  const struct seg *up;
  enum seg_kind kind;
  const char *name; /* SEG_FIELD: property name; SEG_KEY: map key */
  size_t index;     /* SEG_INDEX */
};

/* Writes s as the inside of a JSON string so that messages stay on one line
 * whatever the document contains. */
static void
put_escaped (FILE *f, const char *s)
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
      put_escaped (f, s->name);
      fputs ("\"]", f);
      break;
    }
}

/* "<prefix>: <path>: <message>", or "<prefix>: <message>" at the root. */
static char *
format_error (const char *prefix, const struct seg *s, const char *fmt, va_list ap)
{
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream (&buf, &size);

  if (f == NULL)
    oci_oom ();
  fprintf (f, "%s: ", prefix);
  if (s != NULL)
    {
      put_path (f, s);
      fputs (": ", f);
    }
  vfprintf (f, fmt, ap);
  if (fclose (f) != 0 || buf == NULL)
    oci_oom ();
  return buf;
}

static void
set_err (char **err, char *msg)
{
  if (err != NULL)
    *err = msg;
  else
    free (msg);
}

/* ------------------------------------------------------------------------
 * The JSON tree
 * ------------------------------------------------------------------------ */

enum jtype
{
  J_NULL,
  J_BOOL,
  J_INT, /* a number without fraction or exponent; text kept verbatim */
  J_NUM, /* any other number */
  J_STR,
  J_OBJ,
  J_ARR,
};

struct jnode
{
  enum jtype type;
  bool b;
  char *s;      /* J_STR (NUL-terminated copy), J_INT/J_NUM (the number's text) */
  size_t slen;  /* J_STR: real length, which differs from strlen on \u0000 */
  char **keys;  /* J_OBJ; a key holding \u0000 is stored as NULL: it matches nothing */
  struct jnode **items; /* J_OBJ values, J_ARR elements */
  size_t len, cap;
};

static void
jnode_free (struct jnode *n)
{
  size_t i;

  if (n == NULL)
    return;
  for (i = 0; i < n->len; i++)
    {
      if (n->keys != NULL)
        free (n->keys[i]);
      jnode_free (n->items[i]);
    }
  free (n->keys);
  free (n->items);
  free (n->s);
  free (n);
}

static const char *
jtype_name (const struct jnode *n)
{
  static const char *const names[] = {
    [J_NULL] = "null", [J_BOOL] = "boolean", [J_INT] = "integer", [J_NUM] = "number",
    [J_STR] = "string", [J_OBJ] = "object",  [J_ARR] = "array",
  };
  return names[n->type];
}

/* Grows to at least `want` slots, at least doubling so that n appends cost
 * O(n) in all. */
static int
grow (void **p, size_t *cap, size_t want, size_t elem)
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

struct builder
{
  struct jnode *root;
  struct jnode **stack; /* open objects and arrays */
  size_t depth, stack_cap;
  char *key;            /* key read, waiting for its value */
  const char *error;    /* why a callback stopped the parse */
};

static int
stop (struct builder *b, const char *why)
{
  b->error = why;
  return 0;
}

/* Attaches n to the open container (or makes it the root); 1 on success as
 * yajl callbacks want. */
static int
attach (struct builder *b, struct jnode *n)
{
  struct jnode *top;

  if (b->depth == 0)
    {
      b->root = n;
      return 1;
    }
  top = b->stack[b->depth - 1];
  if (top->type == J_OBJ)
    {
      size_t kcap = top->cap;

      if (grow ((void **) &top->keys, &kcap, top->len + 1, sizeof (char *)) < 0)
        goto oom;
      if (grow ((void **) &top->items, &top->cap, top->len + 1, sizeof (struct jnode *)) < 0)
        goto oom;
      top->keys[top->len] = b->key;
      b->key = NULL;
    }
  else if (grow ((void **) &top->items, &top->cap, top->len + 1, sizeof (struct jnode *)) < 0)
    goto oom;
  top->items[top->len++] = n;
  return 1;

oom:
  jnode_free (n);
  return stop (b, "out of memory");
}

static struct jnode *
new_node (struct builder *b, enum jtype type)
{
  struct jnode *n = calloc (1, sizeof (*n));

  if (n == NULL)
    stop (b, "out of memory");
  else
    n->type = type;
  return n;
}

static char *
copy_text (const unsigned char *s, size_t len)
{
  char *c = malloc (len + 1);

  if (c != NULL)
    {
      memcpy (c, s, len);
      c[len] = '\0';
    }
  return c;
}

static int
cb_null (void *ctx)
{
  struct builder *b = ctx;
  struct jnode *n = new_node (b, J_NULL);

  return n != NULL && attach (b, n);
}

static int
cb_boolean (void *ctx, int v)
{
  struct builder *b = ctx;
  struct jnode *n = new_node (b, J_BOOL);

  if (n == NULL)
    return 0;
  n->b = v != 0;
  return attach (b, n);
}

/* yajl hands over the number's text; keeping it lets 64-bit values and
 * out-of-range messages stay exact, with no trip through double. */
static int
cb_number (void *ctx, const char *s, size_t len)
{
  struct builder *b = ctx;
  bool integer = memchr (s, '.', len) == NULL && memchr (s, 'e', len) == NULL
                 && memchr (s, 'E', len) == NULL;
  struct jnode *n = new_node (b, integer ? J_INT : J_NUM);

  if (n == NULL)
    return 0;
  n->s = copy_text ((const unsigned char *) s, len);
  if (n->s == NULL)
    {
      free (n);
      return stop (b, "out of memory");
    }
  return attach (b, n);
}

static int
cb_string (void *ctx, const unsigned char *s, size_t len)
{
  struct builder *b = ctx;
  struct jnode *n = new_node (b, J_STR);

  if (n == NULL)
    return 0;
  n->s = copy_text (s, len);
  n->slen = len;
  if (n->s == NULL)
    {
      free (n);
      return stop (b, "out of memory");
    }
  return attach (b, n);
}

static int
open_container (struct builder *b, enum jtype type)
{
  struct jnode *n;

  if (b->depth >= MAX_DEPTH)
    return stop (b, "nesting deeper than 1000 levels");
  if (grow ((void **) &b->stack, &b->stack_cap, b->depth + 1, sizeof (struct jnode *)) < 0)
    return stop (b, "out of memory");
  n = new_node (b, type);
  if (n == NULL || !attach (b, n))
    return 0;
  b->stack[b->depth++] = n;
  return 1;
}

static int
cb_start_map (void *ctx)
{
  return open_container (ctx, J_OBJ);
}

static int
cb_start_array (void *ctx)
{
  return open_container (ctx, J_ARR);
}

static int
cb_end (void *ctx)
{
  struct builder *b = ctx;

  b->depth--;
  return 1;
}

static int
cb_map_key (void *ctx, const unsigned char *s, size_t len)
{
  struct builder *b = ctx;

  /* A key with \u0000 in it cannot equal any C string; as NULL it is
   * skipped like any unknown property, and rejected inside maps. */
  if (memchr (s, '\0', len) != NULL)
    return 1;
  b->key = copy_text (s, len);
  return b->key != NULL ? 1 : stop (b, "out of memory");
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

/* yajl cannot cope with a failed allocation, so its own allocations abort
 * like oci_calloc does. */
static void *
y_malloc (void *ctx, size_t n)
{
  void *p = malloc (n);

  if (p == NULL)
    oci_oom ();
  return p;
}

static void *
y_realloc (void *ctx, void *p, size_t n)
{
  p = realloc (p, n);
  if (p == NULL)
    oci_oom ();
  return p;
}

static void
y_free (void *ctx, void *p)
{
  free (p);
}

static yajl_alloc_funcs y_alloc = { y_malloc, y_realloc, y_free, NULL };

/* yajl's message ends with a newline (and, verbose, goes on for lines):
 * keep its first line. */
static char *
first_line (const unsigned char *msg)
{
  const char *s = (const char *) msg;
  size_t n = strcspn (s, "\n");

  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r'))
    n--;
  return copy_text (msg, n);
}

/* Builds the tree of json, or returns NULL with *msg set to a heap string
 * (the part after "invalid JSON: "). */
static struct jnode *
build_tree (const char *json, size_t len, char **msg)
{
  struct builder b = { 0 };
  yajl_handle h = yajl_alloc (&callbacks, &y_alloc, &b);
  yajl_status st;

  if (h == NULL)
    oci_oom ();
  st = yajl_parse (h, (const unsigned char *) json, len);
  if (st == yajl_status_ok)
    st = yajl_complete_parse (h);
  if (st != yajl_status_ok)
    {
      if (b.error != NULL)
        *msg = copy_text ((const unsigned char *) b.error, strlen (b.error));
      else
        {
          unsigned char *e = yajl_get_error (h, 0, (const unsigned char *) json, len);

          *msg = first_line (e);
          yajl_free_error (h, e);
        }
      if (*msg == NULL)
        oci_oom ();
      jnode_free (b.root);
      b.root = NULL;
    }
  free (b.key);
  free (b.stack);
  yajl_free (h);
  return b.root;
}

/* The last value given for a property: repeated keys behave as in
 * encoding/json, where the last one wins. */
static struct jnode *
lookup (const struct jnode *obj, const char *name)
{
  size_t i;

  for (i = obj->len; i-- > 0;)
    if (obj->keys[i] != NULL && strcmp (obj->keys[i], name) == 0)
      return obj->items[i];
  return NULL;
}

/* ------------------------------------------------------------------------
 * Member access
 * ------------------------------------------------------------------------ */

#define MEMBER(obj, off, T) ((T *) ((char *) (obj) + (off)))
#define CMEMBER(obj, off, T) ((const T *) ((const char *) (obj) + (off)))

static void
set_has (const struct oci_field *f, void *obj)
{
  if (f->has_offset != OCI_NO_OFFSET)
    *MEMBER (obj, f->has_offset, bool) = true;
}

static bool
get_has (const struct oci_field *f, const void *obj)
{
  return f->has_offset == OCI_NO_OFFSET || *CMEMBER (obj, f->has_offset, bool);
}

/* ------------------------------------------------------------------------
 * Integers
 * ------------------------------------------------------------------------ */

struct int_kind
{
  const char *noun;
  uint64_t max;     /* largest positive value */
  uint64_t max_neg; /* magnitude of the most negative value */
};

static const struct int_kind *
int_kind (enum oci_kind k)
{
  static const struct int_kind ints[] = {
    [OCI_INT32] = { "a 32-bit integer", INT32_MAX, (uint64_t) INT32_MAX + 1 },
    [OCI_UINT32] = { "an unsigned 32-bit integer", UINT32_MAX, 0 },
    [OCI_INT64] = { "a 64-bit integer", INT64_MAX, (uint64_t) INT64_MAX + 1 },
    [OCI_UINT64] = { "an unsigned 64-bit integer", UINT64_MAX, 0 },
    [OCI_UINT16] = { "an unsigned 16-bit integer", UINT16_MAX, 0 },
  };
  return &ints[k];
}

static bool
is_int_kind (enum oci_kind k)
{
  return k == OCI_INT32 || k == OCI_UINT32 || k == OCI_INT64 || k == OCI_UINT64
         || k == OCI_UINT16;
}

/* Reads the decimal text yajl validated; false when the magnitude does not
 * fit 64 bits. */
static bool
read_magnitude (const char *s, bool *neg, uint64_t *mag)
{
  uint64_t v = 0;

  *neg = *s == '-';
  if (*neg)
    s++;
  for (; *s >= '0' && *s <= '9'; s++)
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

/* ------------------------------------------------------------------------
 * Parsing: tree -> document
 * ------------------------------------------------------------------------ */

struct pctx
{
  const char *source;
  char *err;
};

static int
fail (struct pctx *c, const struct seg *s, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

static int
fail (struct pctx *c, const struct seg *s, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  c->err = format_error (c->source, s, fmt, ap);
  va_end (ap);
  return -1;
}

static int
fail_type (struct pctx *c, const struct seg *s, const char *expected, const struct jnode *v)
{
  return fail (c, s, "expected %s, got %s", expected, jtype_name (v));
}

static int
fail_oom (struct pctx *c)
{
  return fail (c, NULL, "out of memory");
}

static int parse_object (struct pctx *c, const struct oci_type *t, void *obj, struct jnode *v,
                         const struct seg *s);

static int
parse_int (struct pctx *c, enum oci_kind k, void *p, const struct jnode *v, const struct seg *s)
{
  const struct int_kind *ik = int_kind (k);
  uint64_t mag;
  bool neg;

  if (v->type != J_INT)
    return fail_type (c, s, ik->noun, v);
  if (!read_magnitude (v->s, &neg, &mag) || mag > (neg ? ik->max_neg : ik->max))
    return fail (c, s, "value %s out of range for %s", v->s, ik->noun);
  store_int (k, p, neg, mag);
  return 0;
}

/* Moves the string out of the tree into *out, validating it against the
 * field's table if it has one. */
static int
parse_string (struct pctx *c, const struct oci_field *f, char **out, struct jnode *v,
              const struct seg *s)
{
  if (v->type != J_STR)
    return fail_type (c, s, "a string", v);
  if (strlen (v->s) != v->slen)
    return fail (c, s, "string contains a NUL character");
  if (f->table != NULL && oci_table_find (f->table, v->s) == NULL)
    {
      char *quoted = NULL;
      size_t size = 0;
      FILE *m = open_memstream (&quoted, &size);
      int ret;

      if (m == NULL)
        oci_oom ();
      put_escaped (m, v->s);
      if (fclose (m) != 0)
        oci_oom ();
      ret = fail (c, s, "unknown %s \"%s\"", f->noun, quoted);
      free (quoted);
      return ret;
    }
  *out = v->s;
  v->s = NULL;
  return 0;
}

/* Allocates a pointer array for n items plus the NULL terminator. */
static void **
new_vector (size_t n)
{
  return calloc (n + 1, sizeof (void *));
}

static int
parse_strv (struct pctx *c, const struct oci_field *f, void *obj, struct jnode *v,
            const struct seg *s)
{
  char ***vp = MEMBER (obj, f->offset, char **);
  size_t *lenp = MEMBER (obj, f->len_offset, size_t);
  size_t i;

  if (v->type != J_ARR)
    return fail_type (c, s, "an array", v);
  *vp = (char **) new_vector (v->len);
  if (*vp == NULL)
    return fail_oom (c);
  for (i = 0; i < v->len; i++)
    {
      struct seg es = { s, SEG_INDEX, NULL, i };

      if (parse_string (c, f, &(*vp)[i], v->items[i], &es) < 0)
        return -1;
      *lenp = i + 1;
    }
  return 0;
}

static int
parse_objv (struct pctx *c, const struct oci_field *f, void *obj, struct jnode *v,
            const struct seg *s)
{
  void ***vp = MEMBER (obj, f->offset, void **);
  size_t *lenp = MEMBER (obj, f->len_offset, size_t);
  size_t i;

  if (v->type != J_ARR)
    return fail_type (c, s, "an array", v);
  *vp = new_vector (v->len);
  if (*vp == NULL)
    return fail_oom (c);
  for (i = 0; i < v->len; i++)
    {
      struct seg es = { s, SEG_INDEX, NULL, i };

      if (v->items[i]->type != J_OBJ)
        return fail_type (c, &es, "an object", v->items[i]);
      (*vp)[i] = calloc (1, f->type->size);
      if ((*vp)[i] == NULL)
        return fail_oom (c);
      *lenp = i + 1;
      if (parse_object (c, f->type, (*vp)[i], v->items[i], &es) < 0)
        return -1;
    }
  return 0;
}

static int
parse_u32v (struct pctx *c, const struct oci_field *f, void *obj, struct jnode *v,
            const struct seg *s)
{
  uint32_t **vp = MEMBER (obj, f->offset, uint32_t *);
  size_t *lenp = MEMBER (obj, f->len_offset, size_t);
  size_t i;

  if (v->type != J_ARR)
    return fail_type (c, s, "an array", v);
  *vp = calloc (v->len + 1, sizeof (uint32_t));
  if (*vp == NULL)
    return fail_oom (c);
  for (i = 0; i < v->len; i++)
    {
      struct seg es = { s, SEG_INDEX, NULL, i };

      if (parse_int (c, OCI_UINT32, &(*vp)[i], v->items[i], &es) < 0)
        return -1;
      *lenp = i + 1;
    }
  return 0;
}

/* Map keys and values of both map kinds, so that parsing, dedup and freeing
 * can treat them alike. */
struct map_view
{
  char ***keys;
  void ***values;
  size_t *len;
  const struct oci_type *type; /* NULL for string values */
};

static struct map_view
map_view (const struct oci_field *f, void *obj)
{
  struct map_view m;

  if (f->kind == OCI_STRMAP)
    {
      oci_strmap *sm = MEMBER (obj, f->offset, oci_strmap);
      m = (struct map_view) { &sm->keys, (void ***) &sm->values, &sm->len, NULL };
    }
  else
    {
      oci_objmap *om = MEMBER (obj, f->offset, oci_objmap);
      m = (struct map_view) { &om->keys, &om->values, &om->len, f->type };
    }
  return m;
}

static void free_object (const struct oci_type *t, void *obj);

static void
free_map_value (const struct map_view *m, void *v)
{
  if (m->type != NULL)
    free_object (m->type, v);
  else
    free (v);
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

/* Drops all but the last entry of each repeated key, keeping document
 * order.  Sorting keeps this O(n log n) for huge annotation maps. */
static int
dedup_map (const struct map_view *m)
{
  size_t n = *m->len, i, j;
  struct key_ref *refs;
  bool *drop;

  if (n < 2)
    return 0;
  refs = malloc (n * sizeof (*refs));
  drop = calloc (n, sizeof (*drop));
  if (refs == NULL || drop == NULL)
    {
      free (refs);
      free (drop);
      return -1;
    }
  for (i = 0; i < n; i++)
    refs[i] = (struct key_ref) { (*m->keys)[i], i };
  qsort (refs, n, sizeof (*refs), cmp_key_ref);
  for (i = 0; i + 1 < n; i++)
    if (strcmp (refs[i].key, refs[i + 1].key) == 0)
      drop[refs[i].pos] = true;
  for (i = j = 0; i < n; i++)
    {
      if (drop[i])
        {
          free ((*m->keys)[i]);
          free_map_value (m, (*m->values)[i]);
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
parse_map_value (struct pctx *c, const struct map_view *m, void **out, struct jnode *v,
                 const struct seg *s)
{
  static const struct oci_field plain = { .kind = OCI_STRING };

  if (m->type == NULL)
    return parse_string (c, &plain, (char **) out, v, s);
  if (v->type != J_OBJ)
    return fail_type (c, s, "an object", v);
  *out = calloc (1, m->type->size);
  if (*out == NULL)
    return fail_oom (c);
  return parse_object (c, m->type, *out, v, s);
}

static int
parse_map (struct pctx *c, const struct oci_field *f, void *obj, struct jnode *v,
           const struct seg *s)
{
  struct map_view m = map_view (f, obj);
  size_t i;

  if (v->type != J_OBJ)
    return fail_type (c, s, "an object", v);
  *m.keys = calloc (v->len + 1, sizeof (char *));
  *m.values = calloc (v->len + 1, sizeof (void *));
  if (*m.keys == NULL || *m.values == NULL)
    return fail_oom (c);
  for (i = 0; i < v->len; i++)
    {
      struct seg ks = { s, SEG_KEY, v->keys[i], 0 };
      size_t at = *m.len;

      if (v->keys[i] == NULL)
        return fail (c, s, "property name contains a NUL character");
      if (v->items[i]->type == J_NULL)
        continue;
      /* Count the entry first so that a failure below frees it. */
      (*m.keys)[at] = v->keys[i];
      v->keys[i] = NULL;
      *m.len = at + 1;
      if (parse_map_value (c, &m, &(*m.values)[at], v->items[i], &ks) < 0)
        return -1;
    }
  if (dedup_map (&m) < 0)
    return fail_oom (c);
  return 0;
}

static int
parse_field (struct pctx *c, const struct oci_field *f, void *obj, struct jnode *v,
             const struct seg *s)
{
  void *p = MEMBER (obj, f->offset, char);

  switch (f->kind)
    {
    case OCI_STRING:
      return parse_string (c, f, p, v, s);
    case OCI_BOOL:
      if (v->type != J_BOOL)
        return fail_type (c, s, "a boolean", v);
      *(bool *) p = v->b;
      set_has (f, obj);
      return 0;
    case OCI_INT32:
    case OCI_UINT32:
    case OCI_INT64:
    case OCI_UINT64:
    case OCI_UINT16:
      if (parse_int (c, f->kind, p, v, s) < 0)
        return -1;
      set_has (f, obj);
      return 0;
    case OCI_OBJECT:
      if (v->type != J_OBJ)
        return fail_type (c, s, "an object", v);
      *(void **) p = calloc (1, f->type->size);
      if (*(void **) p == NULL)
        return fail_oom (c);
      return parse_object (c, f->type, *(void **) p, v, s);
    case OCI_STRV:
      return parse_strv (c, f, obj, v, s);
    case OCI_OBJV:
      return parse_objv (c, f, obj, v, s);
    case OCI_U32V:
      return parse_u32v (c, f, obj, v, s);
    case OCI_STRMAP:
    case OCI_OBJMAP:
      return parse_map (c, f, obj, v, s);
    }
  abort ();
}

/* Fills obj from the JSON object v.  On failure obj holds what was parsed so
 * far, consistently enough for free_object. */
static int
parse_object (struct pctx *c, const struct oci_type *t, void *obj, struct jnode *v,
              const struct seg *s)
{
  size_t i;

  for (i = 0; i < t->n_fields; i++)
    {
      const struct oci_field *f = &t->fields[i];
      struct seg fs = { s, SEG_FIELD, f->name, 0 };
      struct jnode *fv = lookup (v, f->name);

      if (fv == NULL || fv->type == J_NULL)
        {
          if (f->flags & OCI_REQUIRED)
            return fail (c, &fs, "missing required property");
          continue;
        }
      if (parse_field (c, f, obj, fv, &fs) < 0)
        return -1;
    }
  return 0;
}

void *
oci_doc_parse (const struct oci_type *t, const char *json, size_t len, const char *source,
               char **err)
{
  struct pctx c = { source != NULL ? source : "JSON", NULL };
  struct jnode *root;
  char *msg = NULL;
  void *doc;

  if (json == NULL)
    json = "", len = 0;
  root = build_tree (json, len, &msg);
  if (root == NULL)
    {
      fail (&c, NULL, "invalid JSON: %s", msg);
      free (msg);
      set_err (err, c.err);
      return NULL;
    }
  doc = NULL;
  if (root->type != J_OBJ)
    fail (&c, NULL, "expected a JSON object at the top level");
  else if ((doc = calloc (1, t->size)) == NULL)
    fail_oom (&c);
  else if (parse_object (&c, t, doc, root, NULL) < 0)
    {
      free_object (t, doc);
      doc = NULL;
    }
  jnode_free (root);
  if (doc == NULL)
    set_err (err, c.err);
  return doc;
}

/* Reads a whole file, whatever its size (or a pipe, whose size is unknown). */
static char *
read_file (const char *path, size_t *lenp, char **err)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  char *buf = NULL;
  size_t len = 0, cap = 0, want = 1;
  struct stat st;

  if (fd < 0)
    goto fail;
  /* Sized from st_size plus one spare byte, a regular file takes one read
   * and the read that sees EOF, without a realloc. */
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && st.st_size > 0)
    want = (size_t) st.st_size + 1;
  for (;;)
    {
      ssize_t n;

      if (grow ((void **) &buf, &cap, len + want, 1) < 0)
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
  {
    int saved = errno;
    char *msg = NULL;

    if (fd >= 0)
      close (fd);
    free (buf);
    if (asprintf (&msg, "%s: %s", path, strerror (saved)) < 0)
      oci_oom ();
    set_err (err, msg);
    return NULL;
  }
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

/* ------------------------------------------------------------------------
 * Freeing
 * ------------------------------------------------------------------------ */

static void
free_vector (void **v, size_t len, const struct oci_type *t)
{
  size_t i;

  if (v == NULL)
    return;
  for (i = 0; i < len; i++)
    {
      if (t != NULL)
        free_object (t, v[i]);
      else
        free (v[i]);
    }
  free (v);
}

static void
free_map (const struct oci_field *f, void *obj)
{
  struct map_view m = map_view (f, obj);
  size_t i;

  for (i = 0; i < *m.len; i++)
    {
      free ((*m.keys)[i]);
      free_map_value (&m, (*m.values)[i]);
    }
  free (*m.keys);
  free (*m.values);
}

static void
free_fields (const struct oci_type *t, void *obj)
{
  size_t i;

  for (i = 0; i < t->n_fields; i++)
    {
      const struct oci_field *f = &t->fields[i];
      void *p = MEMBER (obj, f->offset, char);

      switch (f->kind)
        {
        case OCI_STRING:
        case OCI_U32V:
          free (*(void **) p);
          break;
        case OCI_OBJECT:
          free_object (f->type, *(void **) p);
          break;
        case OCI_STRV:
          free_vector (*(void ***) p, *MEMBER (obj, f->len_offset, size_t), NULL);
          break;
        case OCI_OBJV:
          free_vector (*(void ***) p, *MEMBER (obj, f->len_offset, size_t), f->type);
          break;
        case OCI_STRMAP:
        case OCI_OBJMAP:
          free_map (f, obj);
          break;
        default:
          break;
        }
    }
}

static void
free_object (const struct oci_type *t, void *obj)
{
  if (obj == NULL)
    return;
  free_fields (t, obj);
  free (obj);
}

void
oci_doc_free (const struct oci_type *t, void *doc)
{
  free_object (t, doc);
}

/* ------------------------------------------------------------------------
 * Copying
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

static void
dup_map (const struct oci_field *f, const void *src, void *dst)
{
  struct map_view from = map_view (f, (void *) src);
  struct map_view to = map_view (f, dst);
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
      (*to.values)[i] = from.type != NULL ? dup_object (from.type, (*from.values)[i])
                                          : dup_str ((*from.values)[i]);
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
      const void *sp = CMEMBER (src, f->offset, char);
      void *dp = MEMBER (dst, f->offset, char);
      size_t len = f->len_offset ? *CMEMBER (src, f->len_offset, size_t) : 0;

      switch (f->kind)
        {
        case OCI_STRING:
          *(char **) dp = dup_str (*(char *const *) sp);
          break;
        case OCI_OBJECT:
          *(void **) dp = dup_object (f->type, *(void *const *) sp);
          break;
        case OCI_STRV:
          *(void ***) dp = dup_vector (*(void **const *) sp, len, NULL);
          break;
        case OCI_OBJV:
          *(void ***) dp = dup_vector (*(void **const *) sp, len, f->type);
          break;
        case OCI_U32V:
          *(uint32_t **) dp = NULL;
          if (*(uint32_t *const *) sp != NULL)
            {
              *(uint32_t **) dp = oci_calloc (len + 1, sizeof (uint32_t));
              memcpy (*(uint32_t **) dp, *(uint32_t *const *) sp, len * sizeof (uint32_t));
            }
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

/* ------------------------------------------------------------------------
 * Emission
 * ------------------------------------------------------------------------ */

struct ectx
{
  yajl_gen g;
  char *err;
};

static int
emit_fail (struct ectx *e, const struct seg *s, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

static int
emit_fail (struct ectx *e, const struct seg *s, const char *fmt, ...)
{
  va_list ap;

  if (e->err == NULL)
    {
      va_start (ap, fmt);
      e->err = format_error ("cannot emit JSON", s, fmt, ap);
      va_end (ap);
    }
  return -1;
}

/* yajl only fails on our own misuse or on strings that are not UTF-8, which
 * code building a document by hand can produce. */
static int
gen_check (struct ectx *e, yajl_gen_status st, const struct seg *s)
{
  if (st == yajl_gen_status_ok)
    return 0;
  if (st == yajl_gen_invalid_string)
    return emit_fail (e, s, "invalid UTF-8 in string");
  return emit_fail (e, s, "yajl_gen error %d", (int) st);
}

static int emit_object (struct ectx *e, const struct oci_type *t, const void *obj,
                        const struct seg *s);

static int
emit_string (struct ectx *e, const char *str, const struct seg *s)
{
  return gen_check (e, yajl_gen_string (e->g, (const unsigned char *) str, strlen (str)), s);
}

static int
emit_int (struct ectx *e, enum oci_kind k, const void *p, const struct seg *s)
{
  char buf[32]; /* the longest 64-bit decimal is 20 digits and a sign */
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
  return gen_check (e, yajl_gen_number (e->g, buf, (size_t) n), s);
}

/* An element the caller left NULL in an object array or map comes out as
 * {} so that the key or position survives. */
static int
emit_object_or_empty (struct ectx *e, const struct oci_type *t, const void *obj,
                      const struct seg *s)
{
  if (obj != NULL)
    return emit_object (e, t, obj, s);
  if (gen_check (e, yajl_gen_map_open (e->g), s) < 0)
    return -1;
  return gen_check (e, yajl_gen_map_close (e->g), s);
}

static int
emit_vector (struct ectx *e, const struct oci_field *f, const void *obj, const struct seg *s)
{
  const void *v = *CMEMBER (obj, f->offset, void *);
  size_t len = *CMEMBER (obj, f->len_offset, size_t), i;

  if (gen_check (e, yajl_gen_array_open (e->g), s) < 0)
    return -1;
  for (i = 0; i < len; i++)
    {
      struct seg es = { s, SEG_INDEX, NULL, i };
      int r = 0;

      if (f->kind == OCI_U32V)
        r = emit_int (e, OCI_UINT32, &((const uint32_t *) v)[i], &es);
      else if (f->kind == OCI_OBJV)
        r = emit_object_or_empty (e, f->type, ((void *const *) v)[i], &es);
      else if (((char *const *) v)[i] != NULL)
        r = emit_string (e, ((char *const *) v)[i], &es);
      if (r < 0)
        return -1;
    }
  return gen_check (e, yajl_gen_array_close (e->g), s);
}

static int
emit_map (struct ectx *e, const struct oci_field *f, const void *obj, const struct seg *s)
{
  struct map_view m = map_view (f, (void *) obj);
  size_t i;

  if (gen_check (e, yajl_gen_map_open (e->g), s) < 0)
    return -1;
  for (i = 0; i < *m.len; i++)
    {
      const char *key = (*m.keys)[i];
      const void *val = (*m.values)[i];
      struct seg ks = { s, SEG_KEY, key, 0 };
      int r;

      if (key == NULL || (m.type == NULL && val == NULL))
        continue;
      if (emit_string (e, key, &ks) < 0)
        return -1;
      if (m.type != NULL)
        r = emit_object_or_empty (e, m.type, val, &ks);
      else
        r = emit_string (e, val, &ks);
      if (r < 0)
        return -1;
    }
  return gen_check (e, yajl_gen_map_close (e->g), s);
}

/* Whether a field has a value worth writing: absent things, empty arrays and
 * maps and false booleans without a has_ flag are left out. */
static bool
is_present (const struct oci_field *f, const void *obj)
{
  const void *p = CMEMBER (obj, f->offset, char);

  switch (f->kind)
    {
    case OCI_STRING:
      return *(char *const *) p != NULL || (f->flags & OCI_ALWAYS);
    case OCI_BOOL:
      if (f->flags & (OCI_REQUIRED | OCI_ALWAYS))
        return true;
      return f->has_offset != OCI_NO_OFFSET ? get_has (f, obj) : *(const bool *) p;
    case OCI_OBJECT:
      return *(void *const *) p != NULL;
    case OCI_STRV:
    case OCI_OBJV:
    case OCI_U32V:
      return *(void *const *) p != NULL && *CMEMBER (obj, f->len_offset, size_t) > 0;
    case OCI_STRMAP:
      return ((const oci_strmap *) p)->len > 0;
    case OCI_OBJMAP:
      return ((const oci_objmap *) p)->len > 0;
    default:
      return get_has (f, obj);
    }
}

static int
emit_field (struct ectx *e, const struct oci_field *f, const void *obj, const struct seg *s)
{
  const void *p = CMEMBER (obj, f->offset, char);

  if (is_int_kind (f->kind))
    return emit_int (e, f->kind, p, s);
  switch (f->kind)
    {
    case OCI_STRING:
      return emit_string (e, *(char *const *) p != NULL ? *(char *const *) p : "", s);
    case OCI_BOOL:
      return gen_check (e, yajl_gen_bool (e->g, *(const bool *) p), s);
    case OCI_OBJECT:
      return emit_object (e, f->type, *(void *const *) p, s);
    case OCI_STRV:
    case OCI_OBJV:
    case OCI_U32V:
      return emit_vector (e, f, obj, s);
    default:
      return emit_map (e, f, obj, s);
    }
}

static int
emit_object (struct ectx *e, const struct oci_type *t, const void *obj, const struct seg *s)
{
  size_t i;

  if (gen_check (e, yajl_gen_map_open (e->g), s) < 0)
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
  return gen_check (e, yajl_gen_map_close (e->g), s);
}

/* yajl beautifies an empty object as "{", a blank line and an indented
 * "}"; write "{}" like encoding/json does.  Strings never hold a raw
 * newline, so the pattern only matches structure. */
static void
squeeze_empty_objects (char *s)
{
  char *out = s;

  while (*s != '\0')
    {
      size_t tabs;

      if (s[0] == '{' && s[1] == '\n' && s[2] == '\n'
          && s[3 + (tabs = strspn (s + 3, "\t"))] == '}')
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
  struct ectx e = { yajl_gen_alloc (&y_alloc), NULL };
  const unsigned char *buf;
  size_t len;
  char *out = NULL;

  if (e.g == NULL)
    oci_oom ();
  yajl_gen_config (e.g, yajl_gen_validate_utf8, 1);
  if (pretty)
    {
      yajl_gen_config (e.g, yajl_gen_beautify, 1);
      yajl_gen_config (e.g, yajl_gen_indent_string, "\t");
    }
  if (doc == NULL)
    emit_fail (&e, NULL, "no document");
  else if (emit_object (&e, t, doc, NULL) == 0
           && gen_check (&e, yajl_gen_get_buf (e.g, &buf, &len), NULL) == 0)
    {
      out = copy_text (buf, len);
      if (out == NULL)
        oci_oom ();
      if (pretty)
        squeeze_empty_objects (out);
    }
  yajl_gen_free (e.g);
  if (out == NULL)
    set_err (err, e.err);
  return out;
}
