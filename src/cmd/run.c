/* rt run: create's options, then the container layer does the rest
 * (container/run.c). */
#include "cmd/cmd.h"
#include "cmd/create_opts.h"

RT_CMD (run)
{
  struct rt_create_cli c = { 0 };
  struct rt_run_mode mode;
  int first;

  first = rt_create_cli_parse ("run", argc, argv, &c, err);
  if (first < 0)
    return first == -2 ? 0 : -1;
  mode = (struct rt_run_mode){ .detach = c.detach, .keep = c.keep, .no_subreaper = c.no_subreaper };
  return rt_container_run (ctx, &c.o, &mode, err);
}
