/* Shared helpers of the libocispec unit tests. */
#ifndef OCISPEC_TEST_H
#define OCISPEC_TEST_H

#include "codec.h"

#include <stddef.h>

/* A file of tests/unit/data, NUL-terminated; its length in *len if not NULL. */
char *read_fixture (const char *name, size_t *len);

/* Asserts that parsing json as type t from `source` fails with exactly msg. */
void expect_error (const struct oci_type *t, const char *source, const char *json, const char *msg);
/* The same for config.json. */
void expect_config_error (const char *json, const char *msg);

/* Parses json as type t, asserting success. */
void *parse_ok (const struct oci_type *t, const char *json);
/* Emits doc, asserting success; the caller frees. */
char *emit_ok (const struct oci_type *t, const void *doc, bool pretty);

/* Asserts that every field of every type reachable from t is set (non-NULL,
 * non-empty, true, non-zero, has_ flag set) in at least one instance within
 * doc, so that a fixture provably exercises the whole schema. */
void assert_every_field_set (const struct oci_type *t, const void *doc);

/* CPU time of the process, in seconds. */
double now (void);

#endif
