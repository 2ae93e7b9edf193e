/* rt list: a table like runc's, or JSON. Directories without a complete
 * state.json (a create in progress) are skipped. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "cmd/cmd.h"
#include "container/state.h"
#include "util/cleanup.h"

struct list_opts
{
  bool quiet;
  bool json;
};

static int
on_opt (void *data, int opt, const char *arg, struct rt_error *err)
{
  struct list_opts *o = data;

  if (opt == 'q')
    o->quiet = true;
  else if (opt == 'f')
    {
      if (strcmp (arg, "json") != 0 && strcmp (arg, "table") != 0)
        return rt_error_set (err, 0, "list: unknown format `%s` (table or json)", arg);
      o->json = strcmp (arg, "json") == 0;
    }
  return 0;
}

static void
gen_kv (yajl_gen g, const char *k, const char *v)
{
  yajl_gen_string (g, (const unsigned char *) k, strlen (k));
  yajl_gen_string (g, (const unsigned char *) (v ? v : ""), v ? strlen (v) : 0);
}

static void
emit_json (yajl_gen g, const struct rt_state *s, const char *status)
{
  yajl_gen_map_open (g);
  gen_kv (g, "ociVersion", OCI_SPEC_VERSION);
  gen_kv (g, "id", s->id);
  yajl_gen_string (g, (const unsigned char *) "pid", 3);
  yajl_gen_integer (g, strcmp (status, "stopped") == 0 ? 0 : s->pid);
  gen_kv (g, "status", status);
  gen_kv (g, "bundle", s->bundle);
  gen_kv (g, "rootfs", s->rootfs);
  gen_kv (g, "created", s->created);
  gen_kv (g, "owner", "root");
  yajl_gen_map_close (g);
}

RT_CMD (list)
{
  static const struct option longopts[] = {
    { "quiet", no_argument, NULL, 'q' }, { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
  };
  struct list_opts o = { false, false };
  int first = rt_cmd_getopt (rt_command_find ("list"), argc, argv, "+qf:h", longopts, on_opt, &o, err);
  yajl_gen g = NULL;
  struct dirent *de;
  DIR *d;

  if (first < 0)
    return first == -2 ? 0 : -1;
  d = opendir (ctx->root);
  if (d == NULL && errno != ENOENT)
    return rt_error_set (err, errno, "list: open `%s`", ctx->root);
  if (o.json)
    {
      g = yajl_gen_alloc (NULL);
      yajl_gen_array_open (g);
    }
  else if (!o.quiet)
    printf ("%-20s %-8s %-10s %-40s %-31s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
  while (d && (de = readdir (d)) != NULL)
    {
      cleanup_close int fd = -1;
      struct rt_state s;
      const char *status;

      if (de->d_name[0] == '.')
        continue;
      fd = rt_state_dir_open (ctx->root, de->d_name, false, NULL);
      if (fd < 0 || rt_state_read (fd, &s, NULL) < 0)
        continue;
      status = rt_state_status (fd, &s);
      if (o.json)
        emit_json (g, &s, status);
      else if (o.quiet)
        printf ("%s\n", s.id);
      else
        printf ("%-20s %-8d %-10s %-40s %-31s %s\n", s.id, strcmp (status, "stopped") == 0 ? 0 : s.pid, status,
                s.bundle, s.created ? s.created : "", "root");
      rt_state_free (&s);
    }
  if (d)
    closedir (d);
  if (o.json)
    {
      const unsigned char *buf;
      size_t len;
      yajl_gen_array_close (g);
      yajl_gen_get_buf (g, &buf, &len);
      printf ("%.*s\n", (int) len, (const char *) buf);
      yajl_gen_free (g);
    }
  return 0;
}
