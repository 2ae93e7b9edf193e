/* The commands that take one container id and no options of their own. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "container/container.h"
#include "container/state.h"
#include "util/cleanup.h"

static const struct option help_only[] = {
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

/* Parses `rt NAME [--help] ID`; returns the id's index, -2 for --help. */
static int
one_id (const char *name, int argc, char **argv, struct rt_error *err)
{
  const struct rt_command *c = rt_command_find (name);
  int first = rt_cmd_getopt (c, argc, argv, "+h", help_only, NULL, NULL, err);

  if (first < 0)
    return first;
  if (rt_cmd_need_args (c, argc, first, 1, err) < 0)
    return -1;
  return first;
}

RT_CMD (start)
{
  int first = one_id ("start", argc, argv, err);

  if (first < 0)
    return first == -2 ? 0 : -1;
  return rt_container_start (ctx, argv[first], err);
}

RT_CMD (state)
{
  cleanup_close int dirfd = -1;
  cleanup_free char *json = NULL, *perr = NULL;
  struct rt_state s;
  oci_state os;
  int first = one_id ("state", argc, argv, err);

  if (first < 0)
    return first == -2 ? 0 : -1;
  dirfd = rt_state_dir_open (ctx->root, argv[first], false, err);
  if (dirfd < 0 || rt_state_read (dirfd, &s, err) < 0)
    return -1;
  if (rt_state_to_oci (dirfd, &s, &os, err) < 0)
    {
      rt_state_free (&s);
      return -1;
    }
  json = oci_state_emit (&os, true, &perr);
  rt_state_free (&s);
  free (os.oci_version);
  free (os.id);
  free (os.status);
  free (os.bundle);
  for (size_t i = 0; i < os.annotations.len; i++)
    {
      free (os.annotations.keys[i]);
      free (os.annotations.values[i]);
    }
  free (os.annotations.keys);
  free (os.annotations.values);
  if (json == NULL)
    return rt_error_take (err, 0, rt_steal_ptr (&perr));
  printf ("%s\n", json);
  return 0;
}

static int
pause_resume (struct rt_context *ctx, const char *name, bool freeze, int argc, char **argv, struct rt_error *err)
{
  int first = one_id (name, argc, argv, err);

  if (first < 0)
    return first == -2 ? 0 : -1;
  return rt_container_pause (ctx, argv[first], freeze, err);
}

RT_CMD (pause) { return pause_resume (ctx, "pause", true, argc, argv, err); }

RT_CMD (resume) { return pause_resume (ctx, "resume", false, argc, argv, err); }
