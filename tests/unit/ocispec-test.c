/* Shared helpers of the libocispec unit tests. */
#include "ocispec-test.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char *
read_fixture (const char *name, size_t *len)
{
  char *path = NULL, *buf = NULL;
  size_t size = 0;
  FILE *f;

  cr_assert (asprintf (&path, "%s/%s", TEST_DATA_DIR, name) > 0);
  f = fopen (path, "re");
  cr_assert_not_null (f, "cannot open %s", path);
  cr_assert_eq (fseek (f, 0, SEEK_END), 0);
  size = (size_t) ftell (f);
  rewind (f);
  buf = malloc (size + 1);
  cr_assert_not_null (buf);
  cr_assert_eq (fread (buf, 1, size, f), size);
  buf[size] = '\0';
  fclose (f);
  free (path);
  if (len != NULL)
    *len = size;
  return buf;
}

void
expect_error (const struct oci_type *t, const char *source, const char *json, const char *msg)
{
  char *err = NULL;
  void *doc = oci_doc_parse (t, json, strlen (json), source, &err);

  cr_expect_null (doc, "parsing %s should fail with: %s", json, msg);
  oci_doc_free (t, doc);
  cr_assert_not_null (err, "no error message for %s", json);
  cr_expect_str_eq (err, msg, "input: %s", json);
  free (err);
}

void
expect_config_error (const char *json, const char *msg)
{
  expect_error (&oci_config_type, "config.json", json, msg);
}

void *
parse_ok (const struct oci_type *t, const char *json)
{
  char *err = NULL;
  void *doc = oci_doc_parse (t, json, strlen (json), "test.json", &err);

  cr_assert_not_null (doc, "parsing %s: %s", json, err);
  cr_assert_null (err);
  return doc;
}

char *
emit_ok (const struct oci_type *t, const void *doc, bool pretty)
{
  char *err = NULL;
  char *out = oci_doc_emit (t, doc, pretty, &err);

  cr_assert_not_null (out, "emit failed: %s", err);
  return out;
}

/* ---- schema coverage ---- */

struct type_seen
{
  const struct oci_type *type;
  bool *set; /* per field */
};

struct coverage
{
  struct type_seen *types;
  size_t len;
};

static struct type_seen *
seen_for (struct coverage *cov, const struct oci_type *t)
{
  size_t i;

  for (i = 0; i < cov->len; i++)
    if (cov->types[i].type == t)
      return &cov->types[i];
  return NULL;
}

static void
collect_types (struct coverage *cov, const struct oci_type *t)
{
  size_t i;

  if (seen_for (cov, t) != NULL)
    return;
  cov->types = realloc (cov->types, (cov->len + 1) * sizeof (*cov->types));
  cr_assert_not_null (cov->types);
  cov->types[cov->len].type = t;
  cov->types[cov->len].set = calloc (t->n_fields, sizeof (bool));
  cov->len++;
  for (i = 0; i < t->n_fields; i++)
    if (t->fields[i].type != NULL)
      collect_types (cov, t->fields[i].type);
}

static bool
int_is_set (enum oci_kind k, const void *p)
{
  switch (k)
    {
    case OCI_INT32:
      return *(const int32_t *) p != 0;
    case OCI_UINT32:
      return *(const uint32_t *) p != 0;
    case OCI_INT64:
      return *(const int64_t *) p != 0;
    case OCI_UINT64:
      return *(const uint64_t *) p != 0;
    case OCI_UINT16:
      return *(const uint16_t *) p != 0;
    default:
      return false;
    }
}

static void mark (struct coverage *cov, const struct oci_type *t, const void *obj);

static bool
field_set (struct coverage *cov, const struct oci_field *f, const void *obj)
{
  const char *p = (const char *) obj + f->offset;
  size_t len = f->len_offset ? *(const size_t *) ((const char *) obj + f->len_offset) : 0;
  bool has = f->has_offset == OCI_NO_OFFSET || *(const bool *) ((const char *) obj + f->has_offset);
  size_t i;

  switch (f->kind)
    {
    case OCI_STRING:
      return *(char *const *) p != NULL;
    case OCI_BOOL:
      return has && *(const bool *) p;
    case OCI_OBJECT:
      mark (cov, f->type, *(void *const *) p);
      return *(void *const *) p != NULL;
    case OCI_STRV:
    case OCI_U32V:
      return len > 0;
    case OCI_OBJV:
      for (i = 0; i < len; i++)
        mark (cov, f->type, (*(void **const *) p)[i]);
      return len > 0;
    case OCI_STRMAP:
      return ((const oci_strmap *) p)->len > 0;
    case OCI_OBJMAP:
      for (i = 0; i < ((const oci_objmap *) p)->len; i++)
        mark (cov, f->type, ((const oci_objmap *) p)->values[i]);
      return ((const oci_objmap *) p)->len > 0;
    default:
      return has && int_is_set (f->kind, p);
    }
}

static void
mark (struct coverage *cov, const struct oci_type *t, const void *obj)
{
  struct type_seen *ts = seen_for (cov, t);
  size_t i;

  if (obj == NULL)
    return;
  for (i = 0; i < t->n_fields; i++)
    if (field_set (cov, &t->fields[i], obj))
      ts->set[i] = true;
}

void
assert_every_field_set (const struct oci_type *t, const void *doc)
{
  struct coverage cov = { NULL, 0 };
  size_t i, j;

  collect_types (&cov, t);
  mark (&cov, t, doc);
  for (i = 0; i < cov.len; i++)
    {
      for (j = 0; j < cov.types[i].type->n_fields; j++)
        cr_expect (cov.types[i].set[j], "%s.%s is never set", cov.types[i].type->name,
                   cov.types[i].type->fields[j].name);
      free (cov.types[i].set);
    }
  free (cov.types);
}

double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}
