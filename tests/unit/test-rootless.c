/* Rootless detection from uid_map text, the default state root, and what a
 * user may map without newuidmap. */
#include "kernel/idmap.h"
#include "kernel/rootless.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

Test (rootless, initial_uid_map)
{
  cr_assert (rt_uid_map_is_initial ("         0          0 4294967295\n"));
  cr_assert (rt_uid_map_is_initial ("0 0 4294967295"));
  /* unshare --map-root-user, rootless Podman's namespace */
  cr_assert_not (rt_uid_map_is_initial ("         0       1000          1\n"));
  cr_assert_not (rt_uid_map_is_initial ("0 1000 1\n1 100000 65536\n"));
  /* everything but one id: someone's namespace, not the host's */
  cr_assert_not (rt_uid_map_is_initial ("0 0 4294967294\n"));
  cr_assert_not (rt_uid_map_is_initial ("0 0 4294967295\n1 1 1\n"));
  cr_assert_not (rt_uid_map_is_initial (""));
}

static const char *xdg, *user;

static const char *
fake_env (const char *name)
{
  if (strcmp (name, "XDG_RUNTIME_DIR") == 0)
    return xdg;
  if (strcmp (name, "USER") == 0)
    return user;
  return NULL;
}

static void
expect_root (unsigned euid, bool in_userns, const char *want)
{
  char *root = rt_rootless_default_root (fake_env, euid, in_userns);

  cr_assert_str_eq (root, want, "euid %u, userns %d, XDG %s, USER %s", euid, in_userns, xdg ? xdg : "-",
                    user ? user : "-");
  free (root);
}

Test (rootless, default_root)
{
  xdg = "/run/user/1000";
  user = "alice";
  expect_root (1000, false, "/run/user/1000/rt");
  /* the host's root keeps /run/rt whatever its environment says */
  expect_root (0, false, "/run/rt");
  /* root of a user namespace: the user's, unless it says it is root */
  expect_root (0, true, "/run/user/1000/rt");
  user = "root";
  expect_root (0, true, "/run/rt");
  user = NULL;
  expect_root (0, true, "/run/user/1000/rt");
  /* no XDG_RUNTIME_DIR */
  xdg = NULL;
  expect_root (1000, false, "/run/user/1000/rt");
  expect_root (0, true, "/run/rt");
  xdg = "";
  expect_root (1001, false, "/run/user/1001/rt");
}

Test (rootless, own_id_mapping)
{
  oci_id_mapping own = { .container_id = 0, .host_id = 1000, .size = 1 };
  oci_id_mapping range = { .container_id = 1, .host_id = 100000, .size = 65536 };
  oci_id_mapping wide = { .container_id = 0, .host_id = 1000, .size = 2 };
  oci_id_mapping *one[] = { &own }, *two[] = { &own, &range }, *w[] = { &wide };

  cr_assert (rt_idmap_is_own (one, 1, 1000));
  cr_assert_not (rt_idmap_is_own (one, 1, 1001));
  cr_assert_not (rt_idmap_is_own (two, 2, 1000));
  cr_assert_not (rt_idmap_is_own (w, 1, 1000));
  cr_assert_not (rt_idmap_is_own (one, 0, 1000));
}
