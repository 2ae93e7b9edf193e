/* rt list: a table like runc's, or JSON. Directories without a complete
 * state.json (a create in progress) are skipped. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "cmd/cmd.h"
#include "container/state.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/passwd.h"

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
emit_json (yajl_gen g, const struct rt_state *s, const char *status, const char *owner)
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
  gen_kv (g, "owner", owner);
  yajl_gen_map_close (g);
}

/* One row of the table, kept until the column widths are known. */
struct row
{
  char *cells[5]; /* ID PID STATUS BUNDLE CREATED; OWNER is not padded */
  char *owner;
};

static void
row_free (struct row *r)
{
  for (int i = 0; i < 5; i++)
    free (r->cells[i]);
  free (r->owner);
}

/* The state directory's owner, as runc names it: from /etc/passwd, read
 * as runc reads it (no NSS, which a static rt could not load), once per
 * list. The name of the last uid is kept: every container of a --root
 * usually has the same owner. */
static char *
owner_of (int dirfd)
{
  static uid_t last_uid;
  static char *last_name;
  static char *passwd;
  static bool passwd_read;
  struct stat st;
  char *o = NULL;

  if (fstat (dirfd, &st) < 0)
    return strdup ("");
  if (last_name != NULL && st.st_uid == last_uid)
    return strdup (last_name);
  if (!passwd_read)
    {
      /* none, or unreadable: every owner by number */
      if (rt_read_file ("/etc/passwd", &passwd, NULL, NULL) < 0)
        passwd = NULL;
      passwd_read = true;
    }
  if (passwd != NULL)
    o = rt_passwd_name (passwd, st.st_uid);
  if (o == NULL && asprintf (&o, "#%u", (unsigned) st.st_uid) < 0)
    o = NULL;
  if (o != NULL)
    {
      free (last_name);
      last_name = strdup (o);
      last_uid = st.st_uid;
    }
  return o;
}

/* runc's tabwriter: each column as wide as its widest cell plus 3, at
 * least 12; the last column as it is. */
static void
print_table (struct row *rows, size_t n)
{
  static const char *const head[5] = { "ID", "PID", "STATUS", "BUNDLE", "CREATED" };
  size_t w[5], i;
  int c;

  for (c = 0; c < 5; c++)
    {
      w[c] = strlen (head[c]);
      for (i = 0; i < n; i++)
        if (strlen (rows[i].cells[c]) > w[c])
          w[c] = strlen (rows[i].cells[c]);
      w[c] = w[c] + 3 < 12 ? 12 : w[c] + 3;
    }
  for (c = 0; c < 5; c++)
    printf ("%-*s", (int) w[c], head[c]);
  printf ("OWNER\n");
  for (i = 0; i < n; i++)
    {
      for (c = 0; c < 5; c++)
        printf ("%-*s", (int) w[c], rows[i].cells[c]);
      printf ("%s\n", rows[i].owner);
    }
}

static int
add_row (struct row **rows, size_t *n, const struct rt_state *s, const char *status, int dirfd)
{
  struct row *nr = realloc (*rows, (*n + 1) * sizeof *nr), *r;

  if (nr == NULL)
    return -1;
  *rows = nr;
  r = &nr[*n];
  memset (r, 0, sizeof *r);
  r->cells[0] = strdup (s->id);
  if (asprintf (&r->cells[1], "%d", strcmp (status, "stopped") == 0 ? 0 : s->pid) < 0)
    r->cells[1] = NULL;
  r->cells[2] = strdup (status);
  r->cells[3] = strdup (s->bundle);
  r->cells[4] = strdup (s->created ? s->created : "");
  r->owner = owner_of (dirfd);
  (*n)++;
  for (int i = 0; i < 5; i++)
    if (r->cells[i] == NULL)
      return -1;
  return r->owner ? 0 : -1;
}

static int
not_hidden (const struct dirent *de)
{
  return de->d_name[0] != '.';
}

RT_CMD (list)
{
  static const struct option longopts[] = {
    { "quiet", no_argument, NULL, 'q' },
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct list_opts o = { false, false };
  int first = rt_cmd_getopt (rt_command_find ("list"), argc, argv, "+qf:h", longopts, on_opt, &o, err);
  struct dirent **names = NULL;
  struct row *rows = NULL;
  size_t nrows = 0, i;
  yajl_gen g = NULL;
  cleanup_close int rootfd = -1;
  int n, ret = 0;

  if (first < 0)
    return first == -2 ? 0 : -1;
  /* sorted by id, as runc lists them */
  n = scandir (ctx->root, &names, not_hidden, alphasort);
  if (n < 0 && errno != ENOENT)
    return rt_error_set (err, errno, "list: open `%s`", ctx->root);
  /* one open of --root for all: not a path walk per container */
  if (n > 0)
    rootfd = open (ctx->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (o.json)
    {
      g = yajl_gen_alloc (NULL);
      yajl_gen_array_open (g);
    }
  for (i = 0; n > 0 && i < (size_t) n; i++)
    {
      cleanup_close int fd = rt_state_dir_openat (rootfd, names[i]->d_name, false, NULL);
      struct rt_state s;
      const char *status;

      if (fd < 0 || rt_state_read (fd, &s, NULL) < 0)
        continue;
      status = rt_state_status (fd, &s);
      if (o.json)
        {
          cleanup_free char *owner = owner_of (fd);
          emit_json (g, &s, status, owner ? owner : "");
        }
      else if (o.quiet)
        printf ("%s\n", s.id);
      else if (add_row (&rows, &nrows, &s, status, fd) < 0)
        ret = rt_error_set (err, ENOMEM, "list");
      rt_state_free (&s);
    }
  for (i = 0; n > 0 && i < (size_t) n; i++)
    free (names[i]);
  free (names);
  if (!o.json && !o.quiet && ret == 0)
    print_table (rows, nrows);
  for (i = 0; i < nrows; i++)
    row_free (&rows[i]);
  free (rows);
  if (o.json)
    {
      const unsigned char *buf;
      size_t len;
      yajl_gen_array_close (g);
      yajl_gen_get_buf (g, &buf, &len);
      printf ("%.*s\n", (int) len, (const char *) buf);
      yajl_gen_free (g);
    }
  return ret;
}
