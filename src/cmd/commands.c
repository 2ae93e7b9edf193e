#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

/* The options of create, which run takes too (cmd/create.c) */
#define CREATE_HELP                                                                                                    \
  "  -b, --bundle DIR          bundle directory (default: current directory)\n"                                        \
  "      --pid-file FILE       write the container's pid to FILE\n"                                                    \
  "      --console-socket SOCK send the terminal's master fd to this unix socket\n"                                    \
  "      --preserve-fds N      pass N more fds (from fd 3) to the container\n"                                         \
  "      --no-pivot            use MS_MOVE and chroot instead of pivot_root\n"                                         \
  "      --pidfd-socket SOCK   send a pidfd of the container's process to this unix socket\n"                          \
  "      --no-new-keyring      accepted for runc compatibility\n"

const struct rt_command rt_commands[] = {
  { "spec", cmd_spec, "[--bundle DIR]", "write a default config.json",
    "  -b, --bundle DIR     where to write config.json (default: current directory)\n"
    "      --rootless       a config an ordinary user can run: a user namespace mapping\n"
    "                       you to root, the host's /sys, no network namespace or device rules\n",
    false },
  { "create", cmd_create, "[options] ID", "create a container, waiting for `start`", CREATE_HELP, false },
  { "start", cmd_start, "ID", "start a created container", "", false },
  { "run", cmd_run, "[options] ID", "create and start a container",
    CREATE_HELP "  -d, --detach              do not wait for the container to exit\n"
                "      --keep                keep the container's state after it exits\n"
                "      --no-subreaper        do not reap the container's orphans (rt is their subreaper)\n",
    false },
  { "state", cmd_state, "ID", "print the OCI state of a container", "", false },
  { "kill", cmd_kill, "[--all] ID [SIGNAL]", "send a signal (default SIGTERM) to a container",
    "  -a, --all   signal every process of the container\n", false },
  { "delete", cmd_delete, "[--force] ID...", "delete a stopped container",
    "  -f, --force   kill the container first if it is still running\n", false },
  { "list", cmd_list, "[options]", "list containers",
    "  -f, --format table|json   output format (default table)\n"
    "  -q, --quiet               print only the ids\n",
    false },
  { "exec", cmd_exec, "[options] ID [COMMAND [ARG...]]", "run a process in a running container",
    "  -p, --process FILE        the process, as OCI process JSON\n"
    "  -d, --detach              do not wait for the process\n"
    "      --pid-file FILE       write the process's pid to FILE\n"
    "      --console-socket SOCK send the terminal's master fd to this unix socket\n"
    "  -t, --tty                 allocate a terminal\n"
    "      --cwd DIR             working directory\n"
    "  -e, --env NAME=VALUE      set an environment variable (repeatable)\n"
    "  -u, --user UID[:GID]      user and group\n"
    "  -g, --additional-gids GID supplementary group (repeatable)\n"
    "  -c, --cap CAP             add a capability (repeatable)\n"
    "      --no-new-privs        set no_new_privs\n"
    "      --apparmor PROFILE    AppArmor profile\n"
    "      --process-label LABEL SELinux label\n"
    "      --preserve-fds N      pass N more fds (from fd 3)\n"
    "      --cgroup PATH         a sub-cgroup of the container to join\n"
    "      --pidfd-socket SOCK   send a pidfd of the process to this unix socket\n"
    "      --ignore-paused       exec even into a paused container\n",
    true },
  { "ps", cmd_ps, "[--format table|json] ID [-- PS-OPTIONS]", "list the processes of a container",
    "  -f, --format table|json   output format (default table)\n", true },
  { "pause", cmd_pause, "ID", "freeze every process of a container", "", false },
  { "resume", cmd_resume, "ID", "thaw a paused container", "", false },
  { "update", cmd_update, "[options] ID", "change a container's resource limits",
    "  -r, --resources FILE|-    LinuxResources JSON\n"
    "      --memory BYTES, --memory-reservation BYTES, --memory-swap BYTES\n"
    "      --kernel-memory BYTES, --kernel-memory-tcp BYTES\n"
    "      --cpu-share N (or --cpu-shares), --cpu-quota N, --cpu-period N, --cpu-burst N, --cpu-idle N\n"
    "      --cpu-rt-runtime N, --cpu-rt-period N\n"
    "      --cpuset-cpus LIST, --cpuset-mems LIST, --pids-limit N, --blkio-weight N\n"
    "      --l3-cache-schema S, --mem-bw-schema S\n",
    false },
  { "events", cmd_events, "[--stats] [--interval DURATION] ID", "print container events and statistics",
    "      --stats            print statistics once and exit\n"
    "      --interval D       statistics interval (default 5s)\n",
    false },
  { "features", cmd_features, "", "print the features of this runtime as JSON", "", false },
  { "checkpoint", cmd_checkpoint, "[options] ID", "save a running container's processes with CRIU",
    "      --image-path DIR      where CRIU writes the images (default: ./checkpoint)\n"
    "      --work-path DIR       where CRIU writes its log, dump.log (default: the image path)\n"
    "      --parent-path DIR     a previous pre-dump, relative to the image path\n"
    "      --leave-running       keep the container running after the checkpoint\n"
    "      --pre-dump            dump memory only, the container keeps running\n"
    "      --tcp-established     checkpoint established TCP connections\n"
    "      --ext-unix-sk         allow unix sockets connected outside the container\n"
    "      --shell-job           allow a process attached to a terminal outside the container\n"
    "      --file-locks          checkpoint file locks\n"
    "      --lazy-pages          leave memory pages to be fetched at restore (with --page-server)\n"
    "      --page-server ADDR:PORT  send memory pages to a CRIU page server\n"
    "      --status-fd FD        CRIU writes a byte to FD when the lazy pages server is ready\n"
    "      --manage-cgroups-mode soft|full|strict|ignore  how CRIU handles cgroups\n"
    "      --empty-ns network    do not dump the network namespace's contents\n"
    "      --auto-dedup          deduplicate the images against the parent's\n"
    "Without --leave-running or --pre-dump the container stops: `rt state` says\n"
    "stopped, and `rt restore` may reuse its id. Needs root and criu in PATH.\n",
    false },
  { "restore", cmd_restore, "[options] ID", "restore a container from a checkpoint with CRIU",
    "  -b, --bundle DIR          bundle directory (default: current directory)\n"
    "  -d, --detach              do not wait for the container to exit\n"
    "      --image-path DIR      the checkpoint's images (default: ./checkpoint)\n"
    "      --work-path DIR       where CRIU writes its log, restore.log (default: the image path)\n"
    "      --pid-file FILE       write the container's pid to FILE\n"
    "      --console-socket SOCK send the terminal's master fd to this unix socket\n"
    "      --tcp-established     restore established TCP connections\n"
    "      --ext-unix-sk         allow unix sockets connected outside the container\n"
    "      --shell-job           allow a process attached to a terminal outside the container\n"
    "      --file-locks          restore file locks\n"
    "      --lazy-pages          fetch memory pages on demand from a page server\n"
    "      --manage-cgroups-mode soft|full|strict|ignore  how CRIU handles cgroups\n"
    "      --empty-ns network    a new, empty network namespace\n"
    "      --auto-dedup          deduplicate the images while restoring\n"
    "      --lsm-profile TYPE:NAME       the LSM profile of the restored processes\n"
    "      --lsm-mount-context CONTEXT   the SELinux mount context\n"
    "      --no-subreaper        do not reap the container's orphans (rt is their subreaper)\n"
    "      --no-pivot            accepted for runc compatibility (CRIU sets up the root)\n"
    "The bundle's config.json (it may be another bundle, under another id) gives the\n"
    "rootfs, bind mounts, namespaces to join and the cgroup with its limits; CRIU\n"
    "puts back the processes, their memory, files and mounts. Needs root and criu.\n",
    false },
  { NULL, NULL, NULL, NULL, NULL, false },
};

const struct rt_command *
rt_command_find (const char *name)
{
  const struct rt_command *c;

  for (c = rt_commands; c->name != NULL; c++)
    if (strcmp (c->name, name) == 0)
      return c;
  return NULL;
}

void
rt_command_usage (const struct rt_command *c, FILE *out)
{
  fprintf (out, "Usage: rt [global options] %s %s\n\n%s.\n", c->name, c->args, c->summary);
  if (c->options[0] != '\0')
    fprintf (out, "\nOptions:\n%s", c->options);
  fprintf (out, "  -h, --help   print this help\n");
}

int
rt_cmd_getopt (const struct rt_command *c, int argc, char **argv, const char *shortopts, const struct option *longopts,
               int (*on_opt) (void *data, int opt, const char *arg, struct rt_error *err), void *data,
               struct rt_error *err)
{
  int opt;

  /* a leading '+' keeps getopt from permuting: options after an argument
   * are then arguments themselves */
  if (shortopts[0] == '+' && !c->args_in_order)
    shortopts++;
  opterr = 0;
  optind = 0;
  while ((opt = getopt_long (argc, argv, shortopts, longopts, NULL)) != -1)
    {
      if (opt == 'h')
        {
          rt_command_usage (c, stdout);
          return -2;
        }
      if (opt == '?' || opt == ':')
        return rt_error_set (err, 0, "%s: unknown or incomplete option `%s` (see rt %s --help)", c->name,
                             argv[optind - 1], c->name);
      if (on_opt == NULL || on_opt (data, opt, optarg, err) < 0)
        return on_opt == NULL ? rt_error_set (err, 0, "%s: unexpected option", c->name) : -1;
    }
  return optind;
}

int
rt_cmd_need_args (const struct rt_command *c, int argc, int first, int n, struct rt_error *err)
{
  if (argc - first < n)
    return rt_error_set (err, 0, "%s: expected %d argument%s (usage: rt %s %s)", c->name, n, n == 1 ? "" : "s", c->name,
                         c->args);
  return 0;
}
