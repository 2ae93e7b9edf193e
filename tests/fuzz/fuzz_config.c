/* libFuzzer entry point for the config parser; not built by make.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -include config.h \
 *     -Ilibocispec tests/fuzz/fuzz_config.c libocispec/[a-z]*.c \
 *     $(pkg-config --cflags --libs yajl) -o fuzz_config
 *   ./fuzz_config -max_total_time=60 tests/fuzz/corpus
 *
 * Whatever the input, parsing must not crash or leak, and a document it
 * accepts must emit, parse again and emit the same text. */
#include "codec.h"

#include <stdlib.h>
#include <string.h>

static void
check_round_trip (const struct oci_type *t, const void *doc)
{
  char *err = NULL;
  char *a = oci_doc_emit (t, doc, false, &err);
  char *b, *p;
  void *again;

  /* Parsed strings are valid UTF-8, so emission cannot fail. */
  if (a == NULL)
    abort ();
  again = oci_doc_parse (t, a, strlen (a), "emitted", &err);
  if (again == NULL)
    abort ();
  b = oci_doc_emit (t, again, false, &err);
  if (b == NULL || strcmp (a, b) != 0)
    abort ();
  p = oci_doc_emit (t, again, true, &err);
  if (p == NULL)
    abort ();
  free (p);
  free (a);
  free (b);
  oci_doc_free (t, again);
}

/* The first byte picks the document type, so that one corpus covers all. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const struct oci_type *const types[] = {
    &oci_config_type, &oci_process_type, &oci_resources_type, &oci_state_type, &oci_features_type,
  };
  const struct oci_type *t = &oci_config_type;
  char *err = NULL;
  void *doc;

  if (size > 0 && data[0] < sizeof (types) / sizeof (types[0]))
    {
      t = types[data[0]];
      data++;
      size--;
    }
  doc = oci_doc_parse (t, (const char *) data, size, "config.json", &err);
  if (doc == NULL)
    {
      if (err == NULL || strncmp (err, "config.json: ", 13) != 0)
        abort ();
      free (err);
      return 0;
    }
  check_round_trip (t, doc);
  oci_doc_free (t, doc);
  return 0;
}
