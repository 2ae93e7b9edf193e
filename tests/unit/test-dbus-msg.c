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
