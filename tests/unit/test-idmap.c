/* User namespace id maps as text (kernel/idmap.c), and which of them a user
 * may write without newuidmap. */
#include "kernel/idmap.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static oci_config *cfg;

static const oci_linux *
maps (const char *uid_json, const char *gid_json)
{
  char *doc = NULL, *perr = NULL;

  oci_config_free (cfg);
  cr_assert_geq (asprintf (&doc,
                           "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                           "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},"
                           "\"linux\":{\"uidMappings\":%s,\"gidMappings\":%s}}",
                           uid_json, gid_json),
                 0);
  cfg = oci_config_parse (doc, strlen (doc), "config.json", &perr);
  cr_assert_not_null (cfg, "%s: %s", doc, perr ? perr : "?");
  free (doc);
  return cfg->linux;
}

static void
done (void)
{
  oci_config_free (cfg);
  cfg = NULL;
}

TestSuite (idmap, .fini = done);

Test (idmap, text_as_the_kernel_reads_it)
{
  const oci_linux *l = maps ("[{\"containerID\":0,\"hostID\":100000,\"size\":65536},"
                             "{\"containerID\":65536,\"hostID\":1000,\"size\":1}]",
                             "[{\"containerID\":0,\"hostID\":4294967294,\"size\":1}]");
  char *text = NULL;

  cr_assert_eq (rt_idmap_text (l->uid_mappings, l->uid_mappings_len, &text, NULL), 0);
  cr_assert_str_eq (text, "0 100000 65536\n65536 1000 1\n");
  free (text);
  cr_assert_eq (rt_idmap_text (l->gid_mappings, l->gid_mappings_len, &text, NULL), 0);
  cr_assert_str_eq (text, "0 4294967294 1\n", "ids are unsigned");
  free (text);
  cr_assert_eq (rt_idmap_text (NULL, 0, &text, NULL), 0);
  cr_assert_null (text);
}

Test (idmap, own_id_only)
{
  const oci_linux *l =
      maps ("[{\"containerID\":0,\"hostID\":1000,\"size\":1}]", "[{\"containerID\":0,\"hostID\":1000,\"size\":2}]");

  cr_assert (rt_idmap_is_own (l->uid_mappings, l->uid_mappings_len, 1000));
  cr_assert_not (rt_idmap_is_own (l->uid_mappings, l->uid_mappings_len, 1001));
  cr_assert_not (rt_idmap_is_own (l->gid_mappings, l->gid_mappings_len, 1000), "more than one id");
  cr_assert_not (rt_idmap_is_own (NULL, 0, 1000));
  l = maps ("[{\"containerID\":0,\"hostID\":1000,\"size\":1},{\"containerID\":1,\"hostID\":1000,\"size\":1}]", "[]");
  cr_assert_not (rt_idmap_is_own (l->uid_mappings, l->uid_mappings_len, 1000), "two maps");
}
