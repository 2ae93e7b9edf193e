/* libocispec internals: the field descriptors every document type is made
 * of, and the one generic codec that parses, emits, frees and copies any
 * described type.  Only libocispec and its unit tests include this. */
#ifndef OCISPEC_CODEC_H
#define OCISPEC_CODEC_H

#include "ocispec.h"
#include "tables.h"

enum oci_kind
{
  OCI_STRING,
  OCI_BOOL,
  OCI_INT32,
  OCI_UINT32,
  OCI_INT64,
  OCI_UINT64,
  OCI_UINT16,
  OCI_OBJECT, /* struct T *, NULL when absent */
  OCI_STRV,   /* char **m; size_t m_len */
  OCI_OBJV,   /* struct T **m; size_t m_len */
  OCI_U32V,   /* uint32_t *m; size_t m_len */
  OCI_STRMAP, /* oci_strmap */
  OCI_OBJMAP, /* oci_objmap of struct T * */
};

/* Field flags. */
#define OCI_REQUIRED 0x1u /* parse fails when the property is absent or null */
#define OCI_ALWAYS 0x2u   /* emitted even when NULL (as ""), for state.json */

/* has_offset of a field without a has_ flag. */
#define OCI_NO_OFFSET ((size_t) -1)

struct oci_type;

struct oci_field
{
  const char *name; /* JSON property name */
  enum oci_kind kind;
  size_t offset;               /* of the member */
  size_t has_offset;           /* of its bool has_ flag, or OCI_NO_OFFSET */
  size_t len_offset;           /* of the size_t _len of an array */
  const struct oci_type *type; /* element type of OBJECT, OBJV, OBJMAP */
  unsigned flags;
  /* For STRING and STRV: the allowed names, and what a name is called in
   * "unknown <noun> \"x\"" messages. */
  const struct oci_name_value *table;
  const char *noun;
};

struct oci_type
{
  const char *name; /* the C type, for diagnostics */
  size_t size;
  const struct oci_field *fields; /* in the spec's order: emission follows it */
  size_t n_fields;
};

/* The document types (ocispec_types.c). */
extern const struct oci_type oci_config_type;
extern const struct oci_type oci_process_type;
extern const struct oci_type oci_resources_type;
extern const struct oci_type oci_state_type;
extern const struct oci_type oci_features_type;

/* The generic codec (codec.c).  Same contracts as the typed wrappers in
 * ocispec.h; `err` may be NULL when the caller does not want the message. */
void *oci_doc_parse (const struct oci_type *t, const char *json, size_t len, const char *source, char **err);
void *oci_doc_parse_file (const struct oci_type *t, const char *path, char **err);
char *oci_doc_emit (const struct oci_type *t, const void *doc, bool pretty, char **err);
void oci_doc_free (const struct oci_type *t, void *doc);
void *oci_doc_dup (const struct oci_type *t, const void *doc);

/* ---- shared by codec.c, parse.c and emit.c only ---- */

#include <stdio.h>
#include <yajl/yajl_common.h>

/* Allocation functions for yajl: they abort on ENOMEM. */
extern yajl_alloc_funcs oci_yajl_alloc_funcs;

/* Out of memory where no error can be returned: report and abort. */
void oci_oom (void) __attribute__ ((noreturn));

#define OCI_MEMBER(obj, off, T) ((T *) ((char *) (obj) + (off)))
#define OCI_CMEMBER(obj, off, T) ((const T *) ((const char *) (obj) + (off)))

/* The keys and values of either map kind, so that both are handled alike. */
struct oci_map_view
{
  char ***keys;
  void ***values;
  size_t *len;
  const struct oci_type *type; /* NULL for string values */
};
struct oci_map_view oci_map_view (const struct oci_field *f, void *obj);

/* Grows *p to at least `want` elements of `elem` bytes, at least doubling so
 * that n appends cost O(n); -1 on overflow or ENOMEM. */
int oci_grow (void **p, size_t *cap, size_t want, size_t elem);

/* Frees what a field holds and resets it (and its has_ flag, its length) to
 * absent. */
void oci_field_clear (const struct oci_field *f, void *obj);
void oci_object_free (const struct oci_type *t, void *obj);
void oci_map_value_free (const struct oci_map_view *m, void *v);

/* Writes s as the inside of a JSON string, so that messages stay on one
 * line whatever a document contains. */
void oci_put_escaped (FILE *f, const char *s);

/* Stores msg in *err, or frees it when the caller passed no err. */
void oci_set_err (char **err, char *msg);

#endif
