/* The D-Bus wire format, the part rt's systemd driver speaks: method
 * calls marshalled, replies, errors and signals taken apart, the bus
 * address and the EXTERNAL authentication line. No I/O here (dbus.c does
 * the talking), so all of it is unit-tested. rt writes its own, as runc
 * and youki do, so that rt can be one static binary: libsystemd could
 * only be loaded with dlopen, which a static glibc program cannot do
 * safely. */
#ifndef RT_DBUS_MSG_H
#define RT_DBUS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum
{
  RT_DBUS_METHOD_CALL = 1,
  RT_DBUS_METHOD_RETURN = 2,
  RT_DBUS_ERROR = 3,
  RT_DBUS_SIGNAL = 4,
};

/* A message is refused beyond this (the specification's limit is 128 MiB;
 * what systemd sends rt is a few hundred bytes). */
#define RT_DBUS_MAX_MESSAGE (1u << 20)

/* A growing buffer; `failed` once an allocation failed (then every later
 * put is a no-op, and the caller checks once at the end). */
struct rt_dbus_buf
{
  unsigned char *data;
  size_t len, cap;
  bool failed;
};

void rt_dbus_buf_free (struct rt_dbus_buf *b);
/* Room for n more bytes after len (for reading into); false when out of
 * memory or beyond RT_DBUS_MAX_MESSAGE. */
bool rt_dbus_buf_reserve (struct rt_dbus_buf *b, size_t n);
void rt_dbus_pad (struct rt_dbus_buf *b, size_t align);
void rt_dbus_put_byte (struct rt_dbus_buf *b, uint8_t v);
/* u, i and b (a boolean is 0 or 1 in 32 bits) */
void rt_dbus_put_u32 (struct rt_dbus_buf *b, uint32_t v);
/* t and x */
void rt_dbus_put_u64 (struct rt_dbus_buf *b, uint64_t v);
/* s and o */
void rt_dbus_put_string (struct rt_dbus_buf *b, const char *s);
/* g */
void rt_dbus_put_signature (struct rt_dbus_buf *b, const char *sig);

/* An array: its length is known when it is closed. */
struct rt_dbus_array
{
  size_t len_at, start;
};
struct rt_dbus_array rt_dbus_array_open (struct rt_dbus_buf *b, size_t elem_align);
void rt_dbus_array_close (struct rt_dbus_buf *b, struct rt_dbus_array a);

/* The header fields rt sends and reads. Strings point into the message. */
struct rt_dbus_head
{
  const char *path, *interface, *member, *destination, *signature;
  const char *error_name, *sender;
  uint32_t reply_serial;
};

/* The whole message (little-endian): header with the fields of h that
 * are set, then body (NULL: none). 0, or -ENOMEM / -EMSGSIZE. */
int rt_dbus_message (struct rt_dbus_buf *out, uint8_t type, uint32_t serial, const struct rt_dbus_head *h,
                     const struct rt_dbus_buf *body);

/* A message read: its header, and its body still to be read. */
struct rt_dbus_msg
{
  uint8_t type, flags;
  bool big_endian;
  uint32_t serial;
  struct rt_dbus_head h;
  const unsigned char *body;
  size_t body_len;
};

/* The size of the whole message whose first 16 bytes are head: 0 when
 * they are not a D-Bus message header or announce more than
 * RT_DBUS_MAX_MESSAGE. */
size_t rt_dbus_msg_size (const unsigned char head[16]);
/* Take a whole message apart (buf must stay while m is used):
 * 0 or -EBADMSG. */
int rt_dbus_msg_parse (const unsigned char *buf, size_t len, struct rt_dbus_msg *m);

/* Reading a body, value by value, in the order of its signature. Each
 * returns 0 or -EBADMSG (past the end, a string without its NUL...). */
struct rt_dbus_reader
{
  const unsigned char *p;
  size_t len, pos;
  bool big_endian;
};
void rt_dbus_reader_init (struct rt_dbus_reader *r, const struct rt_dbus_msg *m);
int rt_dbus_read_u32 (struct rt_dbus_reader *r, uint32_t *v);
int rt_dbus_read_string (struct rt_dbus_reader *r, const char **s); /* s and o */
int rt_dbus_read_signature (struct rt_dbus_reader *r, const char **sig);

/* The unix socket of a bus address ("unix:path=/run/dbus/system_bus_socket",
 * several separated by ';', values %-escaped): the first path= or
 * abstract= entry, as a heap string; *abstract tells which. 0, -EINVAL
 * (no unix socket in it) or -ENOMEM. */
int rt_dbus_address_socket (const char *address, char **path, bool *abstract);

/* What rt sends to authenticate: EXTERNAL without naming a uid, which
 * tells the bus to take the one the kernel gives it (rt's uid inside a
 * user namespace, as under rootless Podman, is not the one the bus sees);
 * the empty DATA answers the bus's empty challenge ahead of time. */
#define RT_DBUS_AUTH "\0AUTH EXTERNAL\r\nDATA\r\n"
/* One line of the bus's answers (without its \r\n): 1 when it is OK
 * (authenticated), 0 for a DATA challenge (already answered), -EACCES
 * otherwise (REJECTED, ERROR...). */
int rt_dbus_auth_answer (const char *line);

#endif
