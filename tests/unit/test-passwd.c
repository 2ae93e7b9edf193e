/* HOME from a container's /etc/passwd text. */
#include "util/passwd.h"

#include <criterion/criterion.h>
#include <stdlib.h>

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
                             "# a comment:x:7:7::/nope:\n"
                             "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                             "broken:x:notanumber:1::/broken:/bin/sh\n"
                             "short:x:5\n"
                             "app:x:1000:1000:An App,,,:/home/app:/bin/bash";

static void
expect_home (uid_t uid, const char *want)
{
  char *home = rt_passwd_home (passwd, uid);

  if (want == NULL)
    cr_assert_null (home, "uid %u", (unsigned) uid);
  else
    cr_assert_str_eq (home, want);
  free (home);
}

Test (passwd, home_by_uid)
{
  expect_home (0, "/root");
  expect_home (1, "/usr/sbin");
  expect_home (1000, "/home/app"); /* last line, no newline */
  expect_home (7, NULL);           /* commented out */
  expect_home (5, NULL);           /* too few fields */
  expect_home (4242, NULL);
  cr_assert_null (rt_passwd_home ("", 0));
}

static void
expect_name (const char *text, uid_t uid, const char *want)
{
  char *name = rt_passwd_name (text, uid);

  if (want == NULL)
    cr_assert_null (name, "uid %u", (unsigned) uid);
  else
    cr_assert_str_eq (name, want);
  free (name);
}

Test (passwd, name_by_uid)
{
  expect_name (passwd, 0, "root");
  expect_name (passwd, 1, "daemon");
  expect_name (passwd, 1000, "app"); /* last line, no newline */
  expect_name (passwd, 7, NULL);     /* commented out */
  expect_name (passwd, 5, NULL);     /* too few fields */
  expect_name (passwd, 4242, NULL);
  expect_name ("", 0, NULL);
  /* two entries with one uid: the first, as getpwuid finds it */
  expect_name ("toor:x:0:0::/root:/bin/sh\nroot:x:0:0::/root:/bin/sh\n", 0, "toor");
  expect_name ("a:x:10:10::/:\nb:x:100:100::/:\n", 100, "b");
}
