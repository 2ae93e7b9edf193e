/* The subcommands: one file each, parsing its own flags and calling the
 * container library. */
#ifndef RT_CMD_H
#define RT_CMD_H

#include "context.h"
#include "util/error.h"

typedef int (*rt_cmd_fn) (struct rt_context *ctx, int argc, char **argv, struct rt_error *err);

struct rt_command
{
  const char *name;
  rt_cmd_fn run;
  const char *args;    /* usage after the command name */
  const char *summary; /* one line for `rt --help` */
  const char *options; /* the option lines of `rt NAME --help` */
  /* Options end at the first argument (exec's command, ps's options);
   * every other command takes them after its arguments too, as runc. */
  bool args_in_order;
};

extern const struct rt_command rt_commands[];
const struct rt_command *rt_command_find (const char *name);

/* Prints `rt NAME --help`. */
void rt_command_usage (const struct rt_command *c, FILE *out);

/* Shared flag parsing: returns the index of the first positional argument,
 * or -1 with err set; `--help` prints usage and returns -2. */
struct option;
int rt_cmd_getopt (const struct rt_command *c, int argc, char **argv, const char *shortopts,
                   const struct option *longopts,
                   int (*on_opt) (void *data, int opt, const char *arg, struct rt_error *err), void *data,
                   struct rt_error *err);

/* Exactly `n` positional arguments, else a usage error. */
int rt_cmd_need_args (const struct rt_command *c, int argc, int first, int n, struct rt_error *err);

/* kill's signal argument: "TERM", "SIGTERM", "term" or "15" (0 to 64)
 * (kill.c). */
int rt_signal_parse (const char *s, int *sig, struct rt_error *err);

#define RT_CMD(name) int cmd_##name (struct rt_context *ctx, int argc, char **argv, struct rt_error *err)

RT_CMD (spec);
RT_CMD (create);
RT_CMD (start);
RT_CMD (run);
RT_CMD (state);
RT_CMD (kill);
RT_CMD (delete);
RT_CMD (list);
RT_CMD (exec);
RT_CMD (ps);
RT_CMD (pause);
RT_CMD (resume);
RT_CMD (update);
RT_CMD (events);
RT_CMD (features);
RT_CMD (checkpoint);
RT_CMD (restore);

#endif
