#include "kernel/rootless.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "context.h"
#include "util/cleanup.h"
#include "util/fs.h"

bool
rt_uid_map_is_initial (const char *text)
{
  unsigned long inside, outside, count;
  int used = 0;

  if (sscanf (text, " %lu %lu %lu %n", &inside, &outside, &count, &used) != 3)
    return false;
  /* one line only: a second mapping means a namespace of someone's making */
  return inside == 0 && outside == 0 && count == 4294967295UL && text[used] == '\0';
}

bool
rt_in_user_namespace (void)
{
  cleanup_free char *text = NULL;

  /* without /proc there is no telling: assume the host's namespace */
  if (rt_read_file ("/proc/self/uid_map", &text, NULL, NULL) < 0)
    return false;
  return !rt_uid_map_is_initial (text);
}

int
rt_rootless_resolve (const char *flag, bool in_userns, bool *rootless, struct rt_error *err)
{
  if (flag == NULL || strcmp (flag, "auto") == 0)
    *rootless = geteuid () != 0 || in_userns;
  else if (strcmp (flag, "true") == 0)
    *rootless = true;
  else if (strcmp (flag, "false") == 0)
    *rootless = false;
  else
    return rt_error_set (err, 0, "--rootless: `%s` is not true, false or auto", flag);
  return 0;
}

char *
rt_rootless_default_root (const char *(*env) (const char *name), unsigned euid, bool in_userns)
{
  const char *xdg = env ("XDG_RUNTIME_DIR"), *user = env ("USER");
  char *root = NULL;

  /* root of the host keeps /run/rt even with XDG_RUNTIME_DIR=/run/user/0;
   * root of a user namespace (rootless Podman's) is someone's user */
  bool have_xdg = xdg != NULL && *xdg != '\0';

  if (euid == 0 && (!have_xdg || !in_userns || (user != NULL && strcmp (user, "root") == 0)))
    return strdup (RT_DEFAULT_ROOT);
  if (have_xdg)
    return asprintf (&root, "%s/rt", xdg) < 0 ? NULL : root;
  return asprintf (&root, "/run/user/%u/rt", euid) < 0 ? NULL : root;
}
