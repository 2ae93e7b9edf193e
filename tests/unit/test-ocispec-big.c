/* Large documents parse in linear time: 50 MB within a couple of seconds. */
#include "ocispec-test.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#define BIG (50u << 20)

/* CPU seconds, so that other tests running alongside do not count.  The
 * time goes mostly to malloc and page faults, which sanitizers slow down;
 * a quadratic parser would take hours anyway. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define MAX_SECONDS 10.0
#else
#define MAX_SECONDS 3.0
#endif

/* Checked without stopping the test, so that what it allocated is still
 * freed; under valgrind, which is there to look for leaks, time means
 * nothing. */
static void
expect_fast (double seconds)
{
  if (RUNNING_ON_VALGRIND)
    return;
  cr_expect_lt (seconds, MAX_SECONDS, "50 MB took %.2f s to parse", seconds);
}

struct text
{
  char *s;
  size_t len, cap;
};

static void
put (struct text *t, const char *s)
{
  size_t n = strlen (s);

  if (t->len + n + 1 > t->cap)
    {
      t->cap = (t->len + n + 1) * 2;
      t->s = realloc (t->s, t->cap);
      cr_assert_not_null (t->s);
    }
  memcpy (t->s + t->len, s, n + 1);
  t->len += n;
}

/* A config whose process.env holds entries until the text passes BIG. */
static char *
big_env_config (size_t *entries, size_t *len)
{
  struct text t = { NULL, 0, 0 };
  char entry[128];
  size_t n = 0;

  put (&t, "{\"ociVersion\":\"1.2.0\",\"process\":{\"env\":[");
  while (t.len < BIG)
    {
      snprintf (entry, sizeof (entry), "%s\"VAR_%zu=0123456789abcdefghijklmnopqrstuvwxyz\"", n ? "," : "", n);
      put (&t, entry);
      n++;
    }
  put (&t, "],\"cwd\":\"/\"},\"root\":{\"path\":\"rootfs\"}}");
  *entries = n;
  *len = t.len;
  return t.s;
}

Test (big, env_of_50_mb, .timeout = 60)
{
  size_t entries, len;
  char *json = big_env_config (&entries, &len), *err = NULL, *out;
  char last[128];
  double t0 = now (), elapsed;
  oci_config *c = oci_config_parse (json, len, "config.json", &err);

  elapsed = now () - t0;
  cr_assert_not_null (c, "%s", err);
  cr_log_info ("parsed %zu bytes (%zu env entries) in %.3f s", len, entries, elapsed);
  expect_fast (elapsed);
  cr_assert_eq (c->process->env_len, entries);
  snprintf (last, sizeof (last), "VAR_%zu=0123456789abcdefghijklmnopqrstuvwxyz", entries - 1);
  cr_assert_str_eq (c->process->env[entries - 1], last);
  out = oci_config_emit (c, false, &err);
  cr_assert_not_null (out, "%s", err);
  cr_assert (strcmp (out, json) == 0, "compact emission reproduces the input");
  free (out);
  oci_config_free (c);
  free (json);
}

Test (big, annotations_and_mounts, .timeout = 60)
{
  struct text t = { NULL, 0, 0 };
  char item[160];
  size_t n = 0;
  double t0, elapsed;
  oci_config *c;
  char *err = NULL;

  put (&t, "{\"ociVersion\":\"1.2.0\",\"annotations\":{");
  while (t.len < BIG / 2)
    {
      snprintf (item, sizeof (item), "%s\"org.example.key.%zu\":\"value %zu\"", n ? "," : "", n, n);
      put (&t, item);
      n++;
    }
  put (&t, ",\"org.example.key.0\":\"last\"},\"mounts\":[");
  for (size_t m = 0; t.len < BIG; m++)
    {
      snprintf (item, sizeof (item),
                "%s{\"destination\":\"/m/%zu\",\"type\":\"bind\","
                "\"source\":\"/s\",\"options\":[\"rbind\",\"ro\"]}",
                m ? "," : "", m);
      put (&t, item);
    }
  put (&t, "]}");
  t0 = now ();
  c = oci_config_parse (t.s, t.len, "config.json", &err);
  elapsed = now () - t0;
  cr_assert_not_null (c, "%s", err);
  cr_log_info ("parsed %zu bytes (%zu annotations, %zu mounts) in %.3f s", t.len, n, c->mounts_len, elapsed);
  expect_fast (elapsed);
  /* The repeated key replaced the first one. */
  cr_assert_eq (c->annotations.len, n);
  cr_assert_str_eq (oci_strmap_get (&c->annotations, "org.example.key.0"), "last");
  cr_assert_str_eq (c->annotations.keys[n - 1], "org.example.key.0");
  oci_config_free (c);
  free (t.s);
}

Test (big, parse_file_of_50_mb, .timeout = 60)
{
  size_t entries, len;
  char *json = big_env_config (&entries, &len), *err = NULL;
  char path[] = "/tmp/ocispec-big-XXXXXX";
  int fd = mkstemp (path);
  oci_config *c;

  cr_assert_geq (fd, 0);
  cr_assert_eq (write (fd, json, len), (ssize_t) len);
  close (fd);
  c = oci_config_parse_file (path, &err);
  unlink (path);
  cr_assert_not_null (c, "%s", err);
  cr_assert_eq (c->process->env_len, entries);
  oci_config_free (c);
  free (json);
}
