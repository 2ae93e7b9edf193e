#include "cgroups/dbus_msg.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* header field codes of the specification */
enum
{
  F_PATH = 1,
  F_INTERFACE = 2,
  F_MEMBER = 3,
  F_ERROR_NAME = 4,
  F_REPLY_SERIAL = 5,
  F_DESTINATION = 6,
  F_SENDER = 7,
  F_SIGNATURE = 8,
};

/* The header fields rt knows, in the order rt writes them: the code, the
 * D-Bus type of its value, and where struct rt_dbus_head holds it (a
 * const char * for s, o and g, a uint32_t for u). The writer and the
 * reader both go by it, so that a field added here is both sent and read. */
struct header_field
{
  uint8_t code;
  char type;
  size_t offset;
};

static const struct header_field header_fields[] = {
  { F_PATH, 'o', offsetof (struct rt_dbus_head, path) },
  { F_INTERFACE, 's', offsetof (struct rt_dbus_head, interface) },
  { F_MEMBER, 's', offsetof (struct rt_dbus_head, member) },
  { F_ERROR_NAME, 's', offsetof (struct rt_dbus_head, error_name) },
  { F_DESTINATION, 's', offsetof (struct rt_dbus_head, destination) },
  { F_SENDER, 's', offsetof (struct rt_dbus_head, sender) },
  { F_SIGNATURE, 'g', offsetof (struct rt_dbus_head, signature) },
  { F_REPLY_SERIAL, 'u', offsetof (struct rt_dbus_head, reply_serial) },
};

#define N_HEADER_FIELDS (sizeof header_fields / sizeof header_fields[0])

void
rt_dbus_buf_free (struct rt_dbus_buf *b)
{
  free (b->data);
  memset (b, 0, sizeof *b);
}

bool
rt_dbus_buf_reserve (struct rt_dbus_buf *b, size_t n)
{
  size_t cap = b->cap ? b->cap : 256;
  unsigned char *d;

  if (b->failed)
    return false;
  if (b->len + n <= b->cap)
    return true;
  while (cap < b->len + n)
    cap *= 2;
  if (cap > 2 * RT_DBUS_MAX_MESSAGE || (d = realloc (b->data, cap)) == NULL)
    {
      b->failed = true;
      return false;
    }
  b->data = d;
  b->cap = cap;
  return true;
}

static unsigned char *
grow (struct rt_dbus_buf *b, size_t n)
{
  unsigned char *at;

  if (!rt_dbus_buf_reserve (b, n))
    return NULL;
  at = b->data + b->len;
  b->len += n;
  return at;
}

static void
put (struct rt_dbus_buf *b, const void *v, size_t n)
{
  unsigned char *at = grow (b, n);

  if (at != NULL)
    memcpy (at, v, n);
}

void
rt_dbus_pad (struct rt_dbus_buf *b, size_t align)
{
  size_t n = (align - b->len % align) % align;
  unsigned char *at = grow (b, n);

  if (at != NULL)
    memset (at, 0, n);
}

void
rt_dbus_put_byte (struct rt_dbus_buf *b, uint8_t v)
{
  put (b, &v, 1);
}

/* rt only sends little-endian messages (the header says so) */
void
rt_dbus_put_u32 (struct rt_dbus_buf *b, uint32_t v)
{
  unsigned char le[4] = { (unsigned char) v, (unsigned char) (v >> 8), (unsigned char) (v >> 16),
                          (unsigned char) (v >> 24) };

  rt_dbus_pad (b, 4);
  put (b, le, 4);
}

void
rt_dbus_put_u64 (struct rt_dbus_buf *b, uint64_t v)
{
  rt_dbus_pad (b, 8);
  rt_dbus_put_u32 (b, (uint32_t) v);
  rt_dbus_put_u32 (b, (uint32_t) (v >> 32));
}

void
rt_dbus_put_string (struct rt_dbus_buf *b, const char *s)
{
  size_t n = strlen (s);

  rt_dbus_put_u32 (b, (uint32_t) n);
  put (b, s, n + 1);
}

void
rt_dbus_put_signature (struct rt_dbus_buf *b, const char *sig)
{
  size_t n = strlen (sig);

  if (n > 255)
    {
      b->failed = true;
      return;
    }
  rt_dbus_put_byte (b, (uint8_t) n);
  put (b, sig, n + 1);
}

struct rt_dbus_array
rt_dbus_array_open (struct rt_dbus_buf *b, size_t elem_align)
{
  struct rt_dbus_array a;

  rt_dbus_put_u32 (b, 0);
  a.len_at = b->len - 4;
  /* the padding to the first element is there even when it is empty,
   * and is not counted in the length */
  rt_dbus_pad (b, elem_align);
  a.start = b->len;
  return a;
}

void
rt_dbus_array_close (struct rt_dbus_buf *b, struct rt_dbus_array a)
{
  uint32_t n = (uint32_t) (b->len - a.start);

  if (b->failed)
    return;
  b->data[a.len_at] = (unsigned char) n;
  b->data[a.len_at + 1] = (unsigned char) (n >> 8);
  b->data[a.len_at + 2] = (unsigned char) (n >> 16);
  b->data[a.len_at + 3] = (unsigned char) (n >> 24);
}

/* Where h holds field f's value. */
static const void *
field_value (const struct rt_dbus_head *h, const struct header_field *f)
{
  return (const char *) h + f->offset;
}

/* A field is sent when it is set: a string that is not NULL (an empty
 * signature is no body, as no signature is), a serial that is not 0. */
static bool
field_is_set (const struct rt_dbus_head *h, const struct header_field *f)
{
  const char *s;

  if (f->type == 'u')
    return *(const uint32_t *) field_value (h, f) != 0;
  s = *(const char *const *) field_value (h, f);
  return s != NULL && (f->type != 'g' || s[0] != '\0');
}

/* One (yv) of the header's field array. */
static void
put_field (struct rt_dbus_buf *b, const struct rt_dbus_head *h, const struct header_field *f)
{
  const char sig[2] = { f->type, '\0' };
  const void *v = field_value (h, f);

  rt_dbus_pad (b, 8);
  rt_dbus_put_byte (b, f->code);
  rt_dbus_put_signature (b, sig);
  if (f->type == 'u')
    rt_dbus_put_u32 (b, *(const uint32_t *) v);
  else if (f->type == 'g')
    rt_dbus_put_signature (b, *(const char *const *) v);
  else
    rt_dbus_put_string (b, *(const char *const *) v);
}

int
rt_dbus_message (struct rt_dbus_buf *out, uint8_t type, uint32_t serial, const struct rt_dbus_head *h,
                 const struct rt_dbus_buf *body)
{
  size_t body_len = body ? body->len : 0, i;
  struct rt_dbus_array a;

  if (body != NULL && body->failed)
    return -ENOMEM;
  rt_dbus_put_byte (out, 'l');
  rt_dbus_put_byte (out, type);
  rt_dbus_put_byte (out, 0); /* flags: a reply is wanted */
  rt_dbus_put_byte (out, 1); /* protocol version */
  rt_dbus_put_u32 (out, (uint32_t) body_len);
  rt_dbus_put_u32 (out, serial);
  a = rt_dbus_array_open (out, 8);
  for (i = 0; i < N_HEADER_FIELDS; i++)
    if (field_is_set (h, &header_fields[i]))
      put_field (out, h, &header_fields[i]);
  rt_dbus_array_close (out, a);
  rt_dbus_pad (out, 8);
  if (body_len > 0)
    put (out, body->data, body_len);
  if (out->failed)
    return out->len + body_len > RT_DBUS_MAX_MESSAGE ? -EMSGSIZE : -ENOMEM;
  return 0;
}

/* ---- reading */

static uint32_t
get_u32 (const unsigned char *p, bool big)
{
  if (big)
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
  return (uint32_t) p[3] << 24 | (uint32_t) p[2] << 16 | (uint32_t) p[1] << 8 | p[0];
}

static size_t
align_up (size_t n, size_t a)
{
  return (n + a - 1) / a * a;
}

size_t
rt_dbus_msg_size (const unsigned char head[16])
{
  bool big = head[0] == 'B';
  uint64_t body, fields, total;

  if ((head[0] != 'l' && head[0] != 'B') || head[3] != 1 || head[1] < RT_DBUS_METHOD_CALL || head[1] > RT_DBUS_SIGNAL)
    return 0;
  body = get_u32 (head + 4, big);
  fields = get_u32 (head + 12, big);
  total = align_up (16 + fields, 8) + body;
  return total > RT_DBUS_MAX_MESSAGE ? 0 : (size_t) total;
}

static int
need (struct rt_dbus_reader *r, size_t align, size_t n)
{
  size_t at = align_up (r->pos, align);

  if (at > r->len || r->len - at < n)
    return -EBADMSG;
  r->pos = at;
  return 0;
}

int
rt_dbus_read_u32 (struct rt_dbus_reader *r, uint32_t *v)
{
  if (need (r, 4, 4) < 0)
    return -EBADMSG;
  *v = get_u32 (r->p + r->pos, r->big_endian);
  r->pos += 4;
  return 0;
}

static int
read_bytes_nul (struct rt_dbus_reader *r, size_t n, const char **s)
{
  if (r->len - r->pos < n + 1 || r->p[r->pos + n] != '\0' || memchr (r->p + r->pos, '\0', n) != NULL)
    return -EBADMSG;
  *s = (const char *) r->p + r->pos;
  r->pos += n + 1;
  return 0;
}

int
rt_dbus_read_string (struct rt_dbus_reader *r, const char **s)
{
  uint32_t n;

  if (rt_dbus_read_u32 (r, &n) < 0)
    return -EBADMSG;
  return read_bytes_nul (r, n, s);
}

int
rt_dbus_read_signature (struct rt_dbus_reader *r, const char **sig)
{
  if (need (r, 1, 1) < 0)
    return -EBADMSG;
  return read_bytes_nul (r, r->p[r->pos++], sig);
}

void
rt_dbus_reader_init (struct rt_dbus_reader *r, const struct rt_dbus_msg *m)
{
  r->p = m->body;
  r->len = m->body_len;
  r->pos = 0;
  r->big_endian = m->big_endian;
}

/* skip a variant's value rt does not read (only the field codes rt
 * knows have the types it expects; others are skipped by signature) */
static int
skip_value (struct rt_dbus_reader *r, char type)
{
  const char *s;
  uint32_t u;

  switch (type)
    {
    case 'y':
      return need (r, 1, 1) < 0 ? -EBADMSG : (r->pos++, 0);
    case 'u':
    case 'i':
    case 'b':
      return rt_dbus_read_u32 (r, &u);
    case 's':
    case 'o':
      return rt_dbus_read_string (r, &s);
    case 'g':
      return rt_dbus_read_signature (r, &s);
    default:
      return -EBADMSG;
    }
}

static const struct header_field *
known_field (uint8_t code)
{
  size_t i;

  for (i = 0; i < N_HEADER_FIELDS; i++)
    if (header_fields[i].code == code)
      return &header_fields[i];
  return NULL;
}

static bool
is_string_type (char type)
{
  return type == 's' || type == 'o';
}

/* s and o are alike on the wire, and rt has always taken either for any
 * string field (it keeps the same const char * of both) */
static bool
type_fits (char want, char got)
{
  return want == got || (is_string_type (want) && is_string_type (got));
}

static int
read_field (struct rt_dbus_reader *r, struct rt_dbus_head *h)
{
  const struct header_field *f;
  const char *sig;
  void *to;
  uint8_t code;

  if (need (r, 8, 1) < 0)
    return -EBADMSG;
  code = r->p[r->pos++];
  if (rt_dbus_read_signature (r, &sig) < 0 || strlen (sig) != 1)
    return -EBADMSG;
  if ((f = known_field (code)) == NULL)
    return skip_value (r, sig[0]);
  if (!type_fits (f->type, sig[0]))
    return -EBADMSG;
  to = (char *) h + f->offset;
  if (f->type == 'u')
    return rt_dbus_read_u32 (r, to);
  if (f->type == 'g')
    return rt_dbus_read_signature (r, to);
  return rt_dbus_read_string (r, to);
}

int
rt_dbus_msg_parse (const unsigned char *buf, size_t len, struct rt_dbus_msg *m)
{
  size_t total, end;
  struct rt_dbus_reader r;
  uint32_t fields;

  if (len < 16 || (total = rt_dbus_msg_size (buf)) == 0 || total != len)
    return -EBADMSG;
  memset (m, 0, sizeof *m);
  m->big_endian = buf[0] == 'B';
  m->type = buf[1];
  m->flags = buf[2];
  m->body_len = get_u32 (buf + 4, m->big_endian);
  m->serial = get_u32 (buf + 8, m->big_endian);
  fields = get_u32 (buf + 12, m->big_endian);
  /* the fields' offsets are relative to the message's start */
  r = (struct rt_dbus_reader){ .p = buf, .len = 16 + (size_t) fields, .pos = 16, .big_endian = m->big_endian };
  while (r.pos < r.len)
    if (read_field (&r, &m->h) < 0)
      return -EBADMSG;
  end = align_up (r.len, 8);
  if (end + m->body_len != len || m->serial == 0)
    return -EBADMSG;
  if (m->h.signature == NULL)
    m->h.signature = "";
  m->body = buf + end;
  return 0;
}

/* ---- connecting */

static int
hex_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* an address value: %XX stands for the byte XX */
static int
unescape (const char *v, size_t n, char **out)
{
  char *s = malloc (n + 1), *o = s;
  size_t i;

  if (s == NULL)
    return -ENOMEM;
  for (i = 0; i < n; i++)
    {
      if (v[i] != '%')
        *o++ = v[i];
      else if (i + 2 < n && hex_digit (v[i + 1]) >= 0 && hex_digit (v[i + 2]) >= 0)
        {
          *o++ = (char) (hex_digit (v[i + 1]) * 16 + hex_digit (v[i + 2]));
          i += 2;
        }
      else
        {
          free (s);
          return -EINVAL;
        }
    }
  *o = '\0';
  *out = s;
  return 0;
}

/* The value of key= in one "unix:k=v,k=v" entry (end: its end). */
static const char *
entry_value (const char *entry, const char *end, const char *key, size_t *n)
{
  size_t klen = strlen (key);
  const char *p = entry + strlen ("unix:");

  while (p < end)
    {
      const char *comma = memchr (p, ',', (size_t) (end - p));
      const char *stop = comma ? comma : end;

      if ((size_t) (stop - p) > klen && strncmp (p, key, klen) == 0 && p[klen] == '=')
        {
          *n = (size_t) (stop - p) - klen - 1;
          return p + klen + 1;
        }
      p = stop + 1;
    }
  return NULL;
}

int
rt_dbus_address_socket (const char *address, char **path, bool *abstract)
{
  const char *entry = address;

  while (entry != NULL && *entry != '\0')
    {
      const char *semi = strchr (entry, ';');
      const char *end = semi ? semi : entry + strlen (entry), *v;
      size_t n;

      if (strncmp (entry, "unix:", 5) == 0)
        {
          if ((v = entry_value (entry, end, "path", &n)) != NULL)
            {
              *abstract = false;
              return unescape (v, n, path);
            }
          if ((v = entry_value (entry, end, "abstract", &n)) != NULL)
            {
              *abstract = true;
              return unescape (v, n, path);
            }
        }
      entry = semi ? semi + 1 : NULL;
    }
  return -EINVAL;
}

int
rt_dbus_auth_answer (const char *line)
{
  if (strncmp (line, "OK ", 3) == 0)
    return 1;
  if (strcmp (line, "DATA") == 0 || strncmp (line, "DATA ", 5) == 0)
    return 0;
  return -EACCES;
}
