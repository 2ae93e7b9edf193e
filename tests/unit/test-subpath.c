/* rt_subpath_clean: a path kept below whatever it is joined to. */
#include "util/fs.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>

static void
expect (const char *in, const char *want)
{
  char *got = rt_subpath_clean (in);

  if (want == NULL)
    {
      cr_assert_null (got, "`%s` escapes", in);
      cr_assert_eq (errno, EINVAL);
    }
  else
    {
      cr_assert_not_null (got, "`%s`", in);
      cr_assert_str_eq (got, want, "`%s`", in);
    }
  free (got);
}

Test (subpath, clean)
{
  expect ("a/b", "a/b");
  expect ("/a//b/", "a/b");
  expect ("./a/./b", "a/b");
  expect ("a/../b", "b");
  expect ("a/b/../../c", "c");
  expect ("", "");
  expect ("/", "");
  expect ("a/..", "");
  expect ("...", "...");
  expect ("a..b/..c", "a..b/..c");
}

Test (subpath, escapes)
{
  expect ("..", NULL);
  expect ("../a", NULL);
  expect ("a/../../b", NULL);
  expect ("/../x", NULL);
}
