/* rt checkpoint and rt restore: runc's flags, one table for both (most of
 * them apply to both), then one call into container/. */
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "container/container.h"

enum
{
  CK = 1, /* checkpoint */
  RS = 2, /* restore */
};

struct cli
{
  struct rt_criu_opts co;
  struct rt_create_opts o;
  struct rt_run_mode mode;
};

enum kind
{
  STR,  /* a const char * field */
  BOOL, /* a bool field, set */
  FD,   /* an int field, a non-negative number */
  HELP,
};

#define F(field) offsetof (struct cli, field)

/* Each flag: its name, which commands take it, and the field it sets. */
static const struct flag
{
  const char *name;
  int val;
  unsigned cmds;
  enum kind kind;
  size_t off;
} flags[] = {
  { "image-path", 'i', CK | RS, STR, F (co.image_path) },
  { "work-path", 'w', CK | RS, STR, F (co.work_path) },
  { "parent-path", 'P', CK, STR, F (co.parent_path) },
  { "leave-running", 'l', CK, BOOL, F (co.leave_running) },
  { "tcp-established", 't', CK | RS, BOOL, F (co.tcp_established) },
  { "ext-unix-sk", 'x', CK | RS, BOOL, F (co.ext_unix_sk) },
  { "shell-job", 'j', CK | RS, BOOL, F (co.shell_job) },
  { "lazy-pages", 'L', CK | RS, BOOL, F (co.lazy_pages) },
  { "status-fd", 'S', CK, FD, F (co.status_fd) },
  { "page-server", 'g', CK, STR, F (co.page_server) },
  { "file-locks", 'f', CK | RS, BOOL, F (co.file_locks) },
  { "pre-dump", 'D', CK, BOOL, F (co.pre_dump) },
  { "manage-cgroups-mode", 'm', CK | RS, STR, F (co.manage_cgroups_mode) },
  { "empty-ns", 'e', CK | RS, STR, F (co.empty_ns) },
  { "auto-dedup", 'a', CK | RS, BOOL, F (co.auto_dedup) },
  { "lsm-profile", 'A', RS, STR, F (co.lsm_profile) },
  { "lsm-mount-context", 'M', RS, STR, F (co.lsm_mount_context) },
  { "console-socket", 'c', RS, STR, F (o.console_socket) },
  { "bundle", 'b', RS, STR, F (o.bundle) },
  { "pid-file", 'p', RS, STR, F (o.pid_file) },
  { "no-pivot", 'n', RS, BOOL, F (o.no_pivot) },
  { "detach", 'd', RS, BOOL, F (mode.detach) },
  { "no-subreaper", 'R', RS, BOOL, F (mode.no_subreaper) },
  { "help", 'h', CK | RS, HELP, 0 },
};

#define N_FLAGS (sizeof flags / sizeof flags[0])

static int
on_opt (void *data, int opt, const char *arg, struct rt_error *err)
{
  char *field = NULL, *end;
  size_t i;

  for (i = 0; i < N_FLAGS; i++)
    if (flags[i].val == opt)
      {
        field = (char *) data + flags[i].off;
        break;
      }
  if (field == NULL)
    return 0;
  switch (flags[i].kind)
    {
    case STR:
      *(const char **) (void *) field = arg;
      break;
    case BOOL:
      *(bool *) (void *) field = true;
      break;
    case FD:
      *(int *) (void *) field = (int) strtol (arg, &end, 10);
      if (*end != '\0' || end == arg || *(int *) (void *) field < 0)
        return rt_error_set (err, 0, "--%s: `%s` is not an fd number", flags[i].name, arg);
      break;
    case HELP:
      break;
    }
  return 0;
}

/* The flags of one command, as getopt wants them. */
static int
parse (const char *name, unsigned cmd, int argc, char **argv, struct cli *c, struct rt_error *err)
{
  struct option longopts[N_FLAGS + 1];
  size_t i, n = 0;
  int first;

  for (i = 0; i < N_FLAGS; i++)
    if (flags[i].cmds & cmd)
      longopts[n++] =
          (struct option){ flags[i].name, flags[i].kind == STR || flags[i].kind == FD ? required_argument : no_argument,
                           NULL, flags[i].val };
  longopts[n] = (struct option){ NULL, 0, NULL, 0 };
  c->co.status_fd = -1;
  first = rt_cmd_getopt (rt_command_find (name), argc, argv, cmd == RS ? "+b:dh" : "+h", longopts, on_opt, c, err);
  if (first >= 0 && rt_cmd_need_args (rt_command_find (name), argc, first, 1, err) < 0)
    return -1;
  return first;
}

RT_CMD (checkpoint)
{
  struct cli c = { 0 };
  int first = parse ("checkpoint", CK, argc, argv, &c, err);

  if (first < 0)
    return first == -2 ? 0 : -1;
  return rt_container_checkpoint (ctx, argv[first], &c.co, err);
}

RT_CMD (restore)
{
  struct cli c = { 0 };
  int first = parse ("restore", RS, argc, argv, &c, err);

  if (first < 0)
    return first == -2 ? 0 : -1;
  c.o.id = argv[first];
  c.o.restore = &c.co;
  return rt_container_restore (ctx, &c.o, &c.mode, err);
}
