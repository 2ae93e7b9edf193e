/* What CRIU says: its log's first error, and its RPC messages by hand. Protocol buffers version 2 in brief: a
 * message is a run of fields, each a varint key (field number << 3 | wire
 * type) and a value: a varint (type 0: ints, bools, enums; a negative int32
 * takes ten bytes) or a length and that many bytes (type 2: strings and
 * nested messages). Field numbers are rpc.proto's. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/criu_rpc.h"

enum
{
  WIRE_VARINT = 0,
  WIRE_I64 = 1,
  WIRE_LEN = 2,
  WIRE_I32 = 5,
};

/* criu_opts */
enum
{
  O_IMAGES_DIR_FD = 1,
  O_PID = 2,
  O_LEAVE_RUNNING = 3,
  O_EXT_UNIX_SK = 4,
  O_TCP_ESTABLISHED = 5,
  O_SHELL_JOB = 7,
  O_FILE_LOCKS = 8,
  O_LOG_LEVEL = 9,
  O_LOG_FILE = 10,
  O_PS = 11,
  O_NOTIFY_SCRIPTS = 12,
  O_ROOT = 13,
  O_PARENT_IMG = 14,
  O_TRACK_MEM = 15,
  O_AUTO_DEDUP = 16,
  O_WORK_DIR_FD = 17,
  O_EXT_MNT = 23,
  O_MANAGE_CGROUPS = 24,
  O_CG_ROOT = 25,
  O_RST_SIBLING = 26,
  O_INHERIT_FD = 27,
  O_MANAGE_CGROUPS_MODE = 34,
  O_EXTERNAL = 37,
  O_EMPTY_NS = 38,
  O_JOIN_NS = 39,
  O_FREEZE_CGROUP = 44,
  O_TCP_SKIP_IN_FLIGHT = 46,
  O_LAZY_PAGES = 48,
  O_STATUS_FD = 49,
  O_ORPHAN_PTS_MASTER = 50,
  O_TCP_CLOSE = 52,
  O_LSM_PROFILE = 53,
  O_LSM_MOUNT_CONTEXT = 63,
};

struct pb
{
  unsigned char *p;
  size_t len, cap;
  bool oom;
};

static void
put_bytes (struct pb *b, const void *data, size_t n)
{
  if (b->oom || n == 0)
    return;
  if (b->len + n > b->cap)
    {
      size_t cap = (b->cap ? b->cap * 2 : 256) + n;
      unsigned char *p = realloc (b->p, cap);
      if (p == NULL)
        {
          b->oom = true;
          return;
        }
      b->p = p;
      b->cap = cap;
    }
  memcpy (b->p + b->len, data, n);
  b->len += n;
}

static void
put_varint (struct pb *b, uint64_t v)
{
  unsigned char tmp[10];
  size_t n = 0;

  do
    {
      tmp[n] = (unsigned char) (v & 0x7f);
      v >>= 7;
      if (v)
        tmp[n] |= 0x80;
      n++;
    }
  while (v);
  put_bytes (b, tmp, n);
}

static void
put_key (struct pb *b, unsigned field, unsigned wire)
{
  put_varint (b, (uint64_t) field << 3 | wire);
}

/* int32 and enums: negative ones sign-extended to 64 bits, as protobuf does */
static void
put_int (struct pb *b, unsigned field, long long v)
{
  put_key (b, field, WIRE_VARINT);
  put_varint (b, (uint64_t) v);
}

static void
put_bool (struct pb *b, unsigned field, bool v)
{
  if (v)
    put_int (b, field, 1);
}

static void
put_len (struct pb *b, unsigned field, const void *data, size_t n)
{
  put_key (b, field, WIRE_LEN);
  put_varint (b, n);
  put_bytes (b, data, n);
}

static void
put_str (struct pb *b, unsigned field, const char *s)
{
  if (s)
    put_len (b, field, s, strlen (s));
}

/* a nested message, built in its own buffer */
static void
put_msg (struct pb *b, unsigned field, struct pb *m)
{
  if (m->oom)
    b->oom = true;
  else
    put_len (b, field, m->p, m->len);
  free (m->p);
  *m = (struct pb){ 0 };
}

/* ext_mount_map, cgroup_root and join_namespace alike: two strings, 1 and 2 */
static void
put_pairs (struct pb *b, unsigned field, const struct rt_criu_kvs *l)
{
  size_t i;

  for (i = 0; i < l->len; i++)
    {
      struct pb m = { 0 };
      put_str (&m, 1, l->v[i].key);
      put_str (&m, 2, l->v[i].val);
      put_msg (b, field, &m);
    }
}

static void
put_opts (struct pb *b, const struct rt_criu_req *r)
{
  struct pb m = { 0 };
  size_t i;

  put_int (&m, O_IMAGES_DIR_FD, r->images_dir_fd);
  if (r->pid > 0)
    put_int (&m, O_PID, r->pid);
  put_bool (&m, O_LEAVE_RUNNING, r->leave_running);
  put_bool (&m, O_EXT_UNIX_SK, r->ext_unix_sk);
  put_bool (&m, O_TCP_ESTABLISHED, r->tcp_established);
  put_bool (&m, O_SHELL_JOB, r->shell_job);
  put_bool (&m, O_FILE_LOCKS, r->file_locks);
  if (r->log_level >= 0)
    put_int (&m, O_LOG_LEVEL, r->log_level);
  put_str (&m, O_LOG_FILE, r->log_file);
  if (r->ps_address || r->ps_port >= 0)
    {
      struct pb ps = { 0 };
      put_str (&ps, 1, r->ps_address);
      if (r->ps_port >= 0)
        put_int (&ps, 2, r->ps_port);
      put_msg (&m, O_PS, &ps);
    }
  put_bool (&m, O_NOTIFY_SCRIPTS, r->notify_scripts);
  put_str (&m, O_ROOT, r->root);
  put_str (&m, O_PARENT_IMG, r->parent_img);
  put_bool (&m, O_TRACK_MEM, r->track_mem);
  put_bool (&m, O_AUTO_DEDUP, r->auto_dedup);
  if (r->work_dir_fd >= 0)
    put_int (&m, O_WORK_DIR_FD, r->work_dir_fd);
  put_pairs (&m, O_EXT_MNT, &r->ext_mnt);
  put_bool (&m, O_MANAGE_CGROUPS, r->manage_cgroups);
  put_pairs (&m, O_CG_ROOT, &r->cg_root);
  put_bool (&m, O_RST_SIBLING, r->rst_sibling);
  for (i = 0; i < r->inherit_fd_len; i++)
    {
      struct pb f = { 0 };
      put_str (&f, 1, r->inherit_fd[i].key);
      put_int (&f, 2, r->inherit_fd[i].fd);
      put_msg (&m, O_INHERIT_FD, &f);
    }
  if (r->manage_cgroups_mode >= 0)
    put_int (&m, O_MANAGE_CGROUPS_MODE, r->manage_cgroups_mode);
  for (i = 0; i < r->external_len; i++)
    put_str (&m, O_EXTERNAL, r->external[i]);
  if (r->empty_ns)
    put_int (&m, O_EMPTY_NS, r->empty_ns);
  put_pairs (&m, O_JOIN_NS, &r->join_ns);
  put_str (&m, O_FREEZE_CGROUP, r->freeze_cgroup);
  put_bool (&m, O_TCP_SKIP_IN_FLIGHT, r->tcp_skip_in_flight);
  put_bool (&m, O_LAZY_PAGES, r->lazy_pages);
  if (r->status_fd >= 0)
    put_int (&m, O_STATUS_FD, r->status_fd);
  put_bool (&m, O_ORPHAN_PTS_MASTER, r->orphan_pts_master);
  put_bool (&m, O_TCP_CLOSE, r->tcp_close);
  put_str (&m, O_LSM_PROFILE, r->lsm_profile);
  put_str (&m, O_LSM_MOUNT_CONTEXT, r->lsm_mount_context);
  put_msg (b, 2, &m);
}

int
rt_criu_req_encode (const struct rt_criu_req *r, unsigned char **buf, size_t *len)
{
  struct pb b = { 0 };

  put_int (&b, 1, r->type);
  if (r->type == RT_CRIU_DUMP || r->type == RT_CRIU_PRE_DUMP || r->type == RT_CRIU_RESTORE)
    put_opts (&b, r);
  if (r->type == RT_CRIU_NOTIFY)
    put_int (&b, 3, r->notify_success);
  if (b.oom)
    {
      free (b.p);
      return -1;
    }
  *buf = b.p;
  *len = b.len;
  return 0;
}

/* Decoding: a cursor over one message. */
struct cur
{
  const unsigned char *p, *end;
  bool bad;
};

static uint64_t
get_varint (struct cur *c)
{
  uint64_t v = 0;
  unsigned shift = 0;

  while (c->p < c->end && shift < 64)
    {
      unsigned char byte = *c->p++;
      v |= (uint64_t) (byte & 0x7f) << shift;
      if (!(byte & 0x80))
        return v;
      shift += 7;
    }
  c->bad = true;
  return 0;
}

/* The next field: its number, wire type, and value (a varint, or the span
 * of a length-delimited one). False at the end or on a malformed field. */
static bool
next_field (struct cur *c, unsigned *field, unsigned *wire, uint64_t *v, struct cur *span)
{
  uint64_t key;

  if (c->bad || c->p >= c->end)
    return false;
  key = get_varint (c);
  *field = (unsigned) (key >> 3);
  *wire = (unsigned) (key & 7);
  *v = 0;
  switch (*wire)
    {
    case WIRE_VARINT:
      *v = get_varint (c);
      break;
    case WIRE_LEN:
      *v = get_varint (c);
      if (c->bad || *v > (uint64_t) (c->end - c->p))
        c->bad = true;
      else
        {
          *span = (struct cur){ .p = c->p, .end = c->p + *v };
          c->p += *v;
        }
      break;
    case WIRE_I64:
    case WIRE_I32:
      if ((size_t) (c->end - c->p) < (*wire == WIRE_I64 ? 8u : 4u))
        c->bad = true;
      else
        c->p += *wire == WIRE_I64 ? 8 : 4;
      break;
    default:
      c->bad = true;
    }
  return !c->bad;
}

static char *
span_str (const struct cur *s)
{
  size_t n = (size_t) (s->end - s->p);
  char *str = malloc (n + 1);

  if (str)
    {
      memcpy (str, s->p, n);
      str[n] = '\0';
    }
  return str;
}

/* The first varint field `want` of a nested message (0 if absent). */
static long long
nested_int (struct cur m, unsigned want)
{
  unsigned field, wire;
  uint64_t v;
  struct cur span;
  long long found = 0;

  while (next_field (&m, &field, &wire, &v, &span))
    if (field == want && wire == WIRE_VARINT)
      found = (long long) v;
  return found;
}

static void
decode_notify (struct cur m, struct rt_criu_resp *out)
{
  unsigned field, wire;
  uint64_t v;
  struct cur span;

  while (next_field (&m, &field, &wire, &v, &span))
    if (field == 1 && wire == WIRE_LEN && out->notify_script == NULL)
      out->notify_script = span_str (&span);
    else if (field == 2 && wire == WIRE_VARINT)
      out->notify_pid = (pid_t) v;
}

int
rt_criu_resp_decode (const unsigned char *buf, size_t len, struct rt_criu_resp *out)
{
  struct cur c = { .p = buf, .end = buf + len };
  unsigned field, wire;
  uint64_t v;
  struct cur span;

  memset (out, 0, sizeof *out);
  while (next_field (&c, &field, &wire, &v, &span))
    {
      if (wire == WIRE_VARINT)
        {
          if (field == 1)
            out->type = (enum rt_criu_type) v;
          else if (field == 2)
            out->success = v != 0;
          else if (field == 7)
            out->cr_errno = (int) (int64_t) v;
        }
      else if (wire == WIRE_LEN)
        {
          if (field == 3)
            out->restored = nested_int (span, 1) != 0;
          else if (field == 4)
            out->restore_pid = (pid_t) nested_int (span, 1);
          else if (field == 5)
            decode_notify (span, out);
          else if (field == 9 && out->cr_errmsg == NULL)
            out->cr_errmsg = span_str (&span);
          else if (field == 10)
            {
              out->version_major = (int) nested_int (span, 1);
              out->version_minor = (int) nested_int (span, 2);
              out->version_sublevel = (int) nested_int (span, 4);
            }
        }
    }
  if (c.bad)
    {
      rt_criu_resp_free (out);
      return -1;
    }
  return 0;
}

void
rt_criu_resp_free (struct rt_criu_resp *r)
{
  free (r->cr_errmsg);
  free (r->notify_script);
  r->cr_errmsg = r->notify_script = NULL;
}

int
rt_criu_cg_mode_parse (const char *name)
{
  static const struct
  {
    const char *name;
    int mode;
  } modes[] = {
    { "soft", RT_CRIU_CG_SOFT },
    { "full", RT_CRIU_CG_FULL },
    { "strict", RT_CRIU_CG_STRICT },
    { "ignore", RT_CRIU_CG_IGNORE },
  };
  size_t i;

  for (i = 0; i < sizeof modes / sizeof modes[0]; i++)
    if (strcmp (name, modes[i].name) == 0)
      return modes[i].mode;
  return -1;
}

int
rt_criu_kvs_add (struct rt_criu_kvs *l, const char *key, const char *val)
{
  struct rt_criu_kv *v = realloc (l->v, (l->len + 1) * sizeof *v);

  if (v == NULL)
    return -1;
  l->v = v;
  v[l->len].key = key ? strdup (key) : NULL;
  v[l->len].val = strdup (val);
  if ((key && v[l->len].key == NULL) || v[l->len].val == NULL)
    {
      free (v[l->len].key);
      free (v[l->len].val);
      return -1;
    }
  l->len++;
  return 0;
}

void
rt_criu_kvs_free (struct rt_criu_kvs *l)
{
  size_t i;

  for (i = 0; i < l->len; i++)
    {
      free (l->v[i].key);
      free (l->v[i].val);
    }
  free (l->v);
  *l = (struct rt_criu_kvs){ 0 };
}

void
rt_criu_req_init (struct rt_criu_req *r, enum rt_criu_type type)
{
  memset (r, 0, sizeof *r);
  r->type = type;
  r->images_dir_fd = r->work_dir_fd = r->status_fd = -1;
  r->pid = -1;
  r->log_level = -1;
  r->ps_port = -1;
  r->manage_cgroups_mode = RT_CRIU_CG_UNSET;
}

int
rt_criu_req_add_external (struct rt_criu_req *r, const char *ext)
{
  char **v = realloc (r->external, (r->external_len + 1) * sizeof *v);

  if (v == NULL)
    return -1;
  r->external = v;
  if ((v[r->external_len] = strdup (ext)) == NULL)
    return -1;
  r->external_len++;
  return 0;
}

int
rt_criu_req_add_inherit_fd (struct rt_criu_req *r, const char *key, int fd)
{
  struct rt_criu_fd *v = realloc (r->inherit_fd, (r->inherit_fd_len + 1) * sizeof *v);

  if (v == NULL)
    return -1;
  r->inherit_fd = v;
  if ((v[r->inherit_fd_len].key = strdup (key)) == NULL)
    return -1;
  v[r->inherit_fd_len++].fd = fd;
  return 0;
}

void
rt_criu_req_free (struct rt_criu_req *r)
{
  size_t i;

  rt_criu_kvs_free (&r->ext_mnt);
  rt_criu_kvs_free (&r->cg_root);
  rt_criu_kvs_free (&r->join_ns);
  for (i = 0; i < r->external_len; i++)
    free (r->external[i]);
  free (r->external);
  for (i = 0; i < r->inherit_fd_len; i++)
    free (r->inherit_fd[i].key);
  free (r->inherit_fd);
  r->external = NULL;
  r->inherit_fd = NULL;
  r->external_len = r->inherit_fd_len = 0;
}

char *
rt_criu_log_first_error (const char *log, size_t len)
{
  const char *p = log, *end = log + len;

  while (p < end)
    {
      const char *eol = memchr (p, '\n', (size_t) (end - p)), *e;
      size_t n = (size_t) ((eol ? eol : end) - p);
      char *line = strndup (p, n), *what;

      if (line == NULL)
        return NULL;
      e = strstr (line, "Error (");
      what = e ? strstr (e, "): ") : NULL;
      if (what && what[3] != '\0')
        {
          memmove (line, what + 3, strlen (what + 3) + 1);
          return line;
        }
      free (line);
      p += n + 1;
    }
  return NULL;
}
