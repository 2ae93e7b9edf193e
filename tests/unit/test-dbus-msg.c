/* The D-Bus wire format: bytes laid out by hand from the specification,
 * messages built and read back, malformed ones refused. */
#include "cgroups/dbus_msg.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void
expect_bytes (const struct rt_dbus_buf *b, const void *want, size_t n)
{
  cr_assert_not (b->failed);
  cr_assert_eq (b->len, n, "length %zu, want %zu", b->len, n);
  cr_assert_eq (memcmp (b->data, want, n), 0);
}

Test (dbus_msg, header_by_hand)
{
  /* a call with one field, MEMBER "Hi": the field array starts at 16 and
   * holds 11 bytes; the header is padded to 32 */
  static const unsigned char want[] = "l\1\0\1"
                                      "\0\0\0\0"
                                      "\1\0\0\0"
                                      "\x0b\0\0\0"
                                      "\3\1s\0"
                                      "\2\0\0\0"
                                      "Hi\0\0\0\0\0";
  struct rt_dbus_head h = { .member = "Hi" };
  struct rt_dbus_buf b = { 0 };

  cr_assert_eq (rt_dbus_message (&b, RT_DBUS_METHOD_CALL, 1, &h, NULL), 0);
  expect_bytes (&b, want, 32);
  cr_assert_eq (rt_dbus_msg_size (b.data), 32);
  rt_dbus_buf_free (&b);
}

Test (dbus_msg, variant_in_array_by_hand)
{
  /* "sa(sv)": "u", then [("Delegate", <true>)]: the array's length after
   * its padding to 8, the struct aligned to 8, a boolean in 32 bits */
  static const unsigned char want[] = "\1\0\0\0u\0\0\0"
                                      "\x14\0\0\0\0\0\0\0"
                                      "\x08\0\0\0Delegate\0"
                                      "\1b\0"
                                      "\1\0\0\0";
  struct rt_dbus_buf b = { 0 };
  struct rt_dbus_array a;

  rt_dbus_put_string (&b, "u");
  a = rt_dbus_array_open (&b, 8);
  rt_dbus_pad (&b, 8);
  rt_dbus_put_string (&b, "Delegate");
  rt_dbus_put_signature (&b, "b");
  rt_dbus_put_u32 (&b, 1);
  rt_dbus_array_close (&b, a);
  expect_bytes (&b, want, 36);
  rt_dbus_buf_free (&b);
}

Test (dbus_msg, empty_array_keeps_its_padding)
{
  struct rt_dbus_buf b = { 0 };

  rt_dbus_array_close (&b, rt_dbus_array_open (&b, 8));
  expect_bytes (&b, "\0\0\0\0\0\0\0\0", 8);
  rt_dbus_put_u64 (&b, 0x0102030405060708ull);
  expect_bytes (&b, "\0\0\0\0\0\0\0\0\x08\x07\x06\x05\x04\x03\x02\x01", 16);
  rt_dbus_buf_free (&b);
}

Test (dbus_msg, round_trip)
{
  struct rt_dbus_head h = {
    .destination = "org.freedesktop.systemd1",
    .path = "/org/freedesktop/systemd1",
    .interface = "org.freedesktop.systemd1.Manager",
    .member = "StopUnit",
    .signature = "ss",
  };
  struct rt_dbus_buf body = { 0 }, b = { 0 };
  struct rt_dbus_msg m;
  struct rt_dbus_reader r;
  const char *s;

  rt_dbus_put_string (&body, "rt-x.scope");
  rt_dbus_put_string (&body, "replace");
  cr_assert_eq (rt_dbus_message (&b, RT_DBUS_METHOD_CALL, 42, &h, &body), 0);
  cr_assert_eq (rt_dbus_msg_size (b.data), b.len);
  cr_assert_eq (rt_dbus_msg_parse (b.data, b.len, &m), 0);
  cr_assert_eq (m.type, RT_DBUS_METHOD_CALL);
  cr_assert_eq (m.serial, 42);
  cr_assert_str_eq (m.h.destination, h.destination);
  cr_assert_str_eq (m.h.path, h.path);
  cr_assert_str_eq (m.h.interface, h.interface);
  cr_assert_str_eq (m.h.member, h.member);
  cr_assert_str_eq (m.h.signature, "ss");
  cr_assert_eq (m.body_len, body.len);
  rt_dbus_reader_init (&r, &m);
  cr_assert_eq (rt_dbus_read_string (&r, &s), 0);
  cr_assert_str_eq (s, "rt-x.scope");
  cr_assert_eq (rt_dbus_read_string (&r, &s), 0);
  cr_assert_str_eq (s, "replace");
  cr_assert_eq (rt_dbus_read_string (&r, &s), -EBADMSG); /* past the end */
  rt_dbus_buf_free (&body);
  rt_dbus_buf_free (&b);
}

/* a reply as a big-endian peer sends it: REPLY_SERIAL 5, SIGNATURE "o",
 * body "/j/1" */
static const unsigned char big_reply[] = "B\2\0\1"
                                         "\0\0\0\x09"
                                         "\0\0\0\x07"
                                         "\0\0\0\x0f"
                                         "\5\1u\0"
                                         "\0\0\0\5"
                                         "\x08\1g\0"
                                         "\1o\0\0"
                                         "\0\0\0\4/j/1";

Test (dbus_msg, big_endian_reply)
{
  struct rt_dbus_msg m;
  struct rt_dbus_reader r;
  const char *path;

  cr_assert_eq (rt_dbus_msg_size (big_reply), 41);
  cr_assert_eq (rt_dbus_msg_parse (big_reply, 41, &m), 0);
  cr_assert_eq (m.type, RT_DBUS_METHOD_RETURN);
  cr_assert_eq (m.serial, 7);
  cr_assert_eq (m.h.reply_serial, 5);
  cr_assert_str_eq (m.h.signature, "o");
  rt_dbus_reader_init (&r, &m);
  cr_assert_eq (rt_dbus_read_string (&r, &path), 0);
  cr_assert_str_eq (path, "/j/1");
}

Test (dbus_msg, malformed_refused)
{
  unsigned char bad[sizeof big_reply];
  struct rt_dbus_msg m;

  memcpy (bad, big_reply, sizeof bad);
  cr_assert_eq (rt_dbus_msg_parse (bad, 40, &m), -EBADMSG); /* one byte short */
  bad[0] = 'x';
  cr_assert_eq (rt_dbus_msg_size (bad), 0); /* no endianness mark */
  memcpy (bad, big_reply, sizeof bad);
  bad[3] = 2;
  cr_assert_eq (rt_dbus_msg_size (bad), 0); /* protocol version 2 */
  memcpy (bad, big_reply, sizeof bad);
  bad[4] = 0x7f;
  cr_assert_eq (rt_dbus_msg_size (bad), 0); /* a body beyond the limit */
  memcpy (bad, big_reply, sizeof bad);
  bad[40] = '!'; /* the body's string loses its NUL */
  cr_assert_eq (rt_dbus_msg_parse (bad, 41, &m), 0);
  {
    struct rt_dbus_reader r;
    const char *s;
    rt_dbus_reader_init (&r, &m);
    cr_assert_eq (rt_dbus_read_string (&r, &s), -EBADMSG);
  }
  memcpy (bad, big_reply, sizeof bad);
  bad[11] = 0; /* serial 0 */
  cr_assert_eq (rt_dbus_msg_parse (bad, 41, &m), -EBADMSG);
  memcpy (bad, big_reply, sizeof bad);
  bad[30] = 'x'; /* SIGNATURE's value loses its NUL */
  cr_assert_eq (rt_dbus_msg_parse (bad, 41, &m), -EBADMSG);
}

/* every header field rt knows, in the order rt writes them, as the
 * old writer laid them out (an error reply with a body of one string) */
static const unsigned char all_fields[] = "l\3\0\1"
                                          "\6\0\0\0"
                                          "\x09\0\0\0"
                                          "\x70\0\0\0"
                                          "\1\1o\0\2\0\0\0/p\0\0\0\0\0\0"
                                          "\2\1s\0\3\0\0\0i.f\0\0\0\0\0"
                                          "\3\1s\0\1\0\0\0M\0\0\0\0\0\0\0"
                                          "\4\1s\0\3\0\0\0e.E\0\0\0\0\0"
                                          "\6\1s\0\3\0\0\0d.D\0\0\0\0\0"
                                          "\7\1s\0\4\0\0\0:1.5\0\0\0\0"
                                          "\x08\1g\0\1s\0\0"
                                          "\5\1u\0\4\3\2\1"
                                          "\1\0\0\0x";

Test (dbus_msg, every_field_by_hand)
{
  struct rt_dbus_head h = {
    .path = "/p",
    .interface = "i.f",
    .member = "M",
    .error_name = "e.E",
    .destination = "d.D",
    .sender = ":1.5",
    .signature = "s",
    .reply_serial = 0x01020304,
  };
  struct rt_dbus_buf body = { 0 }, b = { 0 };
  struct rt_dbus_msg m;

  rt_dbus_put_string (&body, "x");
  cr_assert_eq (rt_dbus_message (&b, RT_DBUS_ERROR, 9, &h, &body), 0);
  expect_bytes (&b, all_fields, sizeof all_fields);
  cr_assert_eq (rt_dbus_msg_parse (b.data, b.len, &m), 0);
  cr_assert_str_eq (m.h.path, h.path);
  cr_assert_str_eq (m.h.interface, h.interface);
  cr_assert_str_eq (m.h.member, h.member);
  cr_assert_str_eq (m.h.error_name, h.error_name);
  cr_assert_str_eq (m.h.destination, h.destination);
  cr_assert_str_eq (m.h.sender, h.sender);
  cr_assert_str_eq (m.h.signature, h.signature);
  cr_assert_eq (m.h.reply_serial, h.reply_serial);
  cr_assert_eq (m.body_len, 6);
  rt_dbus_buf_free (&body);
  rt_dbus_buf_free (&b);
}

Test (dbus_msg, unset_fields_not_sent)
{
  /* an empty signature is sent as none; no reply serial, no field 5 */
  static const unsigned char want[] = "l\4\0\1"
                                      "\0\0\0\0"
                                      "\3\0\0\0"
                                      "\x1a\0\0\0"
                                      "\1\1o\0\2\0\0\0/p\0\0\0\0\0\0"
                                      "\3\1s\0\1\0\0\0M\0\0\0\0\0\0";
  struct rt_dbus_head h = { .path = "/p", .member = "M", .signature = "" };
  struct rt_dbus_buf b = { 0 };

  cr_assert_eq (rt_dbus_message (&b, RT_DBUS_SIGNAL, 3, &h, NULL), 0);
  expect_bytes (&b, want, sizeof want);
  rt_dbus_buf_free (&b);
}

/* A little-endian signal without a body whose header holds the field
 * code of type (a value of that type: 1, "s" for g, else "/x"), then
 * MEMBER "M" unless the field is that one. */
static void
message_with_field (struct rt_dbus_buf *b, uint8_t code, const char *type)
{
  struct rt_dbus_array a;

  rt_dbus_put_byte (b, 'l');
  rt_dbus_put_byte (b, RT_DBUS_SIGNAL);
  rt_dbus_put_byte (b, 0);
  rt_dbus_put_byte (b, 1);
  rt_dbus_put_u32 (b, 0);
  rt_dbus_put_u32 (b, 1);
  a = rt_dbus_array_open (b, 8);
  rt_dbus_pad (b, 8);
  rt_dbus_put_byte (b, code);
  rt_dbus_put_signature (b, type);
  if (strcmp (type, "y") == 0)
    rt_dbus_put_byte (b, 1);
  else if (strcmp (type, "u") == 0 || strcmp (type, "i") == 0 || strcmp (type, "b") == 0)
    rt_dbus_put_u32 (b, 1);
  else if (strcmp (type, "g") == 0)
    rt_dbus_put_signature (b, "s");
  else
    rt_dbus_put_string (b, "/x");
  if (code != 3)
    {
      rt_dbus_pad (b, 8);
      rt_dbus_put_byte (b, 3);
      rt_dbus_put_signature (b, "s");
      rt_dbus_put_string (b, "M");
    }
  rt_dbus_array_close (b, a);
  rt_dbus_pad (b, 8);
  cr_assert_not (b->failed);
}

Test (dbus_msg, unknown_fields_skipped)
{
  /* UNIX_FDS (9), and codes of a later specification, of each type rt
   * can step over */
  static const struct
  {
    uint8_t code;
    const char *type;
  } cases[] = { { 9, "u" }, { 10, "s" }, { 0x80, "o" }, { 0x81, "g" }, { 0xff, "y" }, { 0x82, "i" }, { 0x83, "b" } };
  size_t i;

  for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct rt_dbus_buf b = { 0 };
      struct rt_dbus_msg m;

      message_with_field (&b, cases[i].code, cases[i].type);
      cr_assert_eq (rt_dbus_msg_parse (b.data, b.len, &m), 0, "field %u of type %s", cases[i].code, cases[i].type);
      cr_assert_str_eq (m.h.member, "M");
      cr_assert_null (m.h.path);
      cr_assert_str_eq (m.h.signature, "");
      cr_assert_eq (m.h.reply_serial, 0);
      rt_dbus_buf_free (&b);
    }
}

Test (dbus_msg, field_types_checked)
{
  static const struct
  {
    uint8_t code;
    const char *type;
    int want;
  } cases[] = {
    { 3, "u", -EBADMSG },                   /* MEMBER as a number */
    { 5, "s", -EBADMSG },                   /* REPLY_SERIAL as a string */
    { 5, "y", -EBADMSG },                   /* REPLY_SERIAL as a byte */
    { 8, "s", -EBADMSG },                   /* SIGNATURE as a string */
    { 1, "g", -EBADMSG },                   /* PATH as a signature */
    { 4, "y", -EBADMSG },                   /* ERROR_NAME as a byte */
    { 3, "ss", -EBADMSG },                  /* a value of two types */
    { 3, "", -EBADMSG },                    /* or of none */
    { 0x80, "x", -EBADMSG },                /* unknown, of a type rt cannot step over */
    { 0x80, "v", -EBADMSG }, { 3, "o", 0 }, /* s and o are alike on the wire: either will do */
    { 1, "s", 0 },
  };
  size_t i;

  for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct rt_dbus_buf b = { 0 };
      struct rt_dbus_msg m;

      message_with_field (&b, cases[i].code, cases[i].type);
      cr_assert_eq (rt_dbus_msg_parse (b.data, b.len, &m), cases[i].want, "field %u of type `%s`", cases[i].code,
                    cases[i].type);
      rt_dbus_buf_free (&b);
    }
}

static void
expect_address (const char *address, int want_r, const char *want_path, bool want_abstract)
{
  char *path = NULL;
  bool abstract = !want_abstract;
  int r = rt_dbus_address_socket (address, &path, &abstract);

  cr_assert_eq (r, want_r, "%s: %d", address, r);
  if (want_path != NULL)
    {
      cr_assert_str_eq (path, want_path);
      cr_assert_eq (abstract, want_abstract);
    }
  free (path);
}

Test (dbus_msg, addresses)
{
  expect_address ("unix:path=/run/dbus/system_bus_socket", 0, "/run/dbus/system_bus_socket", false);
  expect_address ("unix:abstract=/tmp/dbus-x,guid=0123", 0, "/tmp/dbus-x", true);
  expect_address ("unix:guid=0123,path=/run/user/1001/bus", 0, "/run/user/1001/bus", false);
  expect_address ("tcp:host=localhost,port=1;unix:path=/a%20b", 0, "/a b", false);
  expect_address ("tcp:host=localhost,port=1", -EINVAL, NULL, false);
  expect_address ("unix:path=/a%2", -EINVAL, NULL, false);
  expect_address ("unix:path=/a%zz", -EINVAL, NULL, false);
  expect_address ("", -EINVAL, NULL, false);
}

Test (dbus_msg, auth_answers)
{
  cr_assert_eq (sizeof RT_DBUS_AUTH - 1, 22); /* the leading NUL is sent */
  cr_assert_eq (rt_dbus_auth_answer ("OK 1234deadbeef"), 1);
  cr_assert_eq (rt_dbus_auth_answer ("DATA"), 0);
  cr_assert_eq (rt_dbus_auth_answer ("REJECTED EXTERNAL"), -EACCES);
  cr_assert_eq (rt_dbus_auth_answer ("ERROR"), -EACCES);
  cr_assert_eq (rt_dbus_auth_answer ("OKAY"), -EACCES);
}
