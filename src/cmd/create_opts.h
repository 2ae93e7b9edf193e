#ifndef RT_CREATE_OPTS_H
#define RT_CREATE_OPTS_H

#include <stdbool.h>

#include "container/container.h"

struct rt_create_cli
{
  struct rt_create_opts o;
  bool detach;
  bool keep;
  bool no_subreaper;
};

int rt_create_cli_parse (const char *name, int argc, char **argv, struct rt_create_cli *c, struct rt_error *err);

#endif
