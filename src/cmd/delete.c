#include <getopt.h>
#include <stdbool.h>

#include "cmd/cmd.h"
#include "container/container.h"

static int
on_opt (void *data, int opt, const char *arg, struct rt_error *err)
{
  if (opt == 'f')
    *(bool *) data = true;
  return 0;
}

RT_CMD (delete)
{
  static const struct option longopts[] = {
    { "force", no_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const struct rt_command *c = rt_command_find ("delete");
  bool force = false;
  int i, first = rt_cmd_getopt (c, argc, argv, "+fh", longopts, on_opt, &force, err);

  if (first < 0)
    return first == -2 ? 0 : -1;
  if (rt_cmd_need_args (c, argc, first, 1, err) < 0)
    return -1;
  for (i = first; i < argc; i++)
    if (rt_container_delete (ctx, argv[i], force, NULL, err) < 0)
      return -1;
  return 0;
}
