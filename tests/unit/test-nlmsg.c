/* rtnetlink messages built and parsed in buffers (kernel/nlmsg.c): the
 * bytes of a request, and crafted replies as the kernel would send them. */
#include "kernel/nlmsg.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#define SEQ 77u
#define PORT 4242u

/* A reply under construction: messages appended to a 4-aligned buffer. */
struct reply
{
  alignas (4) unsigned char buf[512];
  size_t len;
};

/* A message of type with payload plen bytes (zeroed) appended: its header. */
static struct nlmsghdr *
add_msg (struct reply *r, uint16_t type, uint16_t flags, uint32_t seq, uint32_t pid, size_t plen)
{
  struct nlmsghdr *nlh = (struct nlmsghdr *) (r->buf + r->len);

  cr_assert_leq (r->len + NLMSG_SPACE (plen), sizeof r->buf);
  memset (nlh, 0, NLMSG_SPACE (plen));
  nlh->nlmsg_len = NLMSG_LENGTH (plen);
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = flags;
  nlh->nlmsg_seq = seq;
  nlh->nlmsg_pid = pid;
  r->len += NLMSG_SPACE (plen);
  return nlh;
}

static void
add_error (struct reply *r, uint32_t seq, int error)
{
  struct nlmsgerr *e = NLMSG_DATA (add_msg (r, NLMSG_ERROR, 0, seq, PORT, sizeof (struct nlmsgerr)));

  e->error = error;
}

static void
add_done (struct reply *r, uint32_t seq, int error)
{
  struct nlmsghdr *nlh = add_msg (r, NLMSG_DONE, NLM_F_MULTI, seq, PORT, sizeof (int));

  memcpy (NLMSG_DATA (nlh), &error, sizeof error);
}

/* An RTM_NEWADDR for ifindex with an IFA_LOCAL of 4 bytes. */
static void
add_addr (struct reply *r, uint32_t seq, int ifindex)
{
  size_t plen = NLMSG_ALIGN (sizeof (struct ifaddrmsg)) + NLA_HDRLEN + 4;
  struct nlmsghdr *nlh = add_msg (r, RTM_NEWADDR, NLM_F_MULTI, seq, PORT, plen);
  struct ifaddrmsg *ifa = NLMSG_DATA (nlh);
  struct nlattr *a = (struct nlattr *) ((char *) ifa + NLMSG_ALIGN (sizeof *ifa));

  ifa->ifa_family = AF_INET;
  ifa->ifa_index = (unsigned) ifindex;
  a->nla_len = NLA_HDRLEN + 4;
  a->nla_type = IFA_LOCAL;
  memcpy ((char *) a + NLA_HDRLEN, "\x0a\x00\x00\x01", 4);
}

struct seen
{
  int n;
  int index[8];
};

static int
count_cb (const struct nlmsghdr *nlh, void *data)
{
  struct seen *s = data;
  const struct ifaddrmsg *ifa = rt_nlmsg_extra (nlh, sizeof *ifa);

  cr_assert_not_null (ifa);
  cr_assert_lt (s->n, 8);
  s->index[s->n++] = (int) ifa->ifa_index;
  return 0;
}

static int
fail_cb (const struct nlmsghdr *nlh, void *data)
{
  return -ENOMEM;
}

Test (nlmsg, build)
{
  alignas (4) unsigned char buf[128];
  struct rt_nlmsg m;
  struct ifinfomsg *ifm;
  const struct nlattr *a;

  memset (buf, 0xee, sizeof buf);
  cr_assert_eq (rt_nlmsg_init (&m, buf, sizeof buf, RTM_NEWLINK, NLM_F_ACK, 9), 0);
  cr_assert_eq (m.nlh->nlmsg_len, NLMSG_HDRLEN);
  cr_assert_eq (m.nlh->nlmsg_type, RTM_NEWLINK);
  cr_assert_eq (m.nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
  cr_assert_eq (m.nlh->nlmsg_seq, 9);
  cr_assert_eq (m.nlh->nlmsg_pid, 0, "the kernel fills in the sender");

  ifm = rt_nlmsg_put_extra (&m, sizeof *ifm);
  cr_assert_eq ((unsigned char *) ifm, buf + 16);
  cr_assert_eq (m.nlh->nlmsg_len, 16 + 16);
  for (size_t i = 0; i < sizeof *ifm; i++)
    cr_assert_eq (buf[16 + i], 0, "the family header is zeroed");
  ifm->ifi_index = 3;

  cr_assert_eq (rt_nlmsg_put_u32 (&m, IFLA_NET_NS_FD, 0x01020304), 0);
  cr_assert_eq (m.nlh->nlmsg_len, 32 + 8);
  a = (const struct nlattr *) (buf + 32);
  cr_assert_eq (a->nla_len, 8);
  cr_assert_eq (a->nla_type, IFLA_NET_NS_FD);
  cr_assert_eq (*(const uint32_t *) rt_nla_data (a), 0x01020304);

  /* "eth1\0": 4 + 5 bytes, padded to 12 with zeros */
  cr_assert_eq (rt_nlmsg_put_strz (&m, IFLA_IFNAME, "eth1"), 0);
  cr_assert_eq (m.nlh->nlmsg_len, 40 + 12);
  a = (const struct nlattr *) (buf + 40);
  cr_assert_eq (a->nla_len, 9, "nla_len counts no padding");
  cr_assert_eq (rt_nla_len (a), 5);
  cr_assert_eq (memcmp (buf + 44, "eth1\0\0\0\0", 8), 0, "NUL and zeroed padding");
  cr_assert_eq (buf[52], 0xee, "nothing written past the message");

  /* a raw attribute of 16 bytes needs no padding */
  cr_assert_eq (rt_nlmsg_put_attr (&m, IFA_ADDRESS, "0123456789abcdef", 16), 0);
  cr_assert_eq (m.nlh->nlmsg_len, 52 + 20);
  cr_assert_eq (m.nlh->nlmsg_len % 4, 0);
}

Test (nlmsg, build_too_small)
{
  alignas (4) unsigned char buf[40];
  struct rt_nlmsg m;

  cr_assert_eq (rt_nlmsg_init (&m, buf, 8, RTM_GETLINK, 0, 1), -EMSGSIZE, "no room for a header");
  cr_assert_eq (rt_nlmsg_init (&m, buf, sizeof buf, RTM_GETLINK, 0, 1), 0);
  cr_assert_null (rt_nlmsg_put_extra (&m, 32), "16 + 32 > 40");
  cr_assert_eq (m.nlh->nlmsg_len, 16, "unchanged");
  cr_assert_not_null (rt_nlmsg_put_extra (&m, sizeof (struct ifinfomsg)));
  /* 32 used: an attribute of 4 bytes is 8, of 5 bytes 12 */
  cr_assert_eq (rt_nlmsg_put_strz (&m, IFLA_IFNAME, "eth0"), -EMSGSIZE);
  cr_assert_eq (m.nlh->nlmsg_len, 32, "unchanged");
  cr_assert_eq (rt_nlmsg_put_u32 (&m, IFLA_MTU, 1500), 0, "exactly fills the buffer");
  cr_assert_eq (m.nlh->nlmsg_len, 40);
  cr_assert_eq (rt_nlmsg_put_attr (&m, IFLA_MTU, NULL, 0), -EMSGSIZE, "not even a bare header");
  cr_assert_eq (rt_nlmsg_init (&m, buf, sizeof buf, RTM_GETLINK, 0, 1), 0);
  cr_assert_eq (rt_nlmsg_put_attr (&m, IFLA_MTU, buf, 70000), -EMSGSIZE, "longer than nla_len can say");
}

/* A reply of one message that ends the request: its errno, or 0. */
Test (nlmsg, last_message)
{
  static const struct
  {
    const char *what;
    void (*add) (struct reply *r, uint32_t seq, int error);
    int error, want;
  } cases[] = {
    { "an ACK", add_error, 0, 0 },
    { "an error", add_error, -ENODEV, -ENODEV },
    { "the DONE of a dump", add_done, 0, 0 },
    { "the DONE of a failed dump", add_done, -EMSGSIZE, -EMSGSIZE },
  };
  size_t i;

  for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct reply r = { .len = 0 };

      cases[i].add (&r, SEQ, cases[i].error);
      cr_assert_eq (rt_nlmsg_parse (r.buf, r.len, SEQ, PORT, NULL, NULL), cases[i].want, "%s", cases[i].what);
    }
}

Test (nlmsg, reply_then_ack)
{
  struct reply r = { .len = 0 };
  struct seen s = { 0 };

  add_addr (&r, SEQ, 5);
  add_error (&r, SEQ, 0);
  cr_assert_eq (rt_nlmsg_parse (r.buf, r.len, SEQ, PORT, count_cb, &s), 0);
  cr_assert_eq (s.n, 1);
  cr_assert_eq (s.index[0], 5);
}

Test (nlmsg, dump)
{
  struct reply first = { .len = 0 }, last = { .len = 0 };
  struct seen s = { 0 };

  add_addr (&first, SEQ, 1);
  add_addr (&first, SEQ, 2);
  cr_assert_eq (rt_nlmsg_parse (first.buf, first.len, SEQ, PORT, count_cb, &s), 1, "more to read");
  add_addr (&last, SEQ, 3);
  add_done (&last, SEQ, 0);
  add_addr (&last, SEQ, 4); /* after DONE: not looked at */
  cr_assert_eq (rt_nlmsg_parse (last.buf, last.len, SEQ, PORT, count_cb, &s), 0);
  cr_assert_eq (s.n, 3);
  cr_assert_eq (s.index[0], 1);
  cr_assert_eq (s.index[1], 2);
  cr_assert_eq (s.index[2], 3);
}

Test (nlmsg, dump_interrupted)
{
  struct reply r = { .len = 0 };

  add_addr (&r, SEQ, 1);
  ((struct nlmsghdr *) r.buf)->nlmsg_flags |= NLM_F_DUMP_INTR;
  add_done (&r, SEQ, 0);
  cr_assert_eq (rt_nlmsg_parse (r.buf, r.len, SEQ, PORT, NULL, NULL), -EINTR);
}

Test (nlmsg, foreign_ignored)
{
  struct reply r = { .len = 0 };
  struct seen s = { 0 };

  add_addr (&r, SEQ - 1, 8); /* an earlier request's */
  add_error (&r, SEQ - 1, -EPERM);
  add_done (&r, SEQ - 1, 0);
  add_msg (&r, NLMSG_NOOP, 0, SEQ, PORT, 0);
  add_addr (&r, SEQ, 9);
  add_error (&r, SEQ, 0);
  cr_assert_eq (rt_nlmsg_parse (r.buf, r.len, SEQ, PORT, count_cb, &s), 0);
  cr_assert_eq (s.n, 1);
  cr_assert_eq (s.index[0], 9);

  /* another socket's reply only: nothing of ours yet */
  r.len = 0;
  add_error (&r, SEQ, -EPERM);
  ((struct nlmsghdr *) r.buf)->nlmsg_pid = PORT + 1;
  cr_assert_eq (rt_nlmsg_parse (r.buf, r.len, SEQ, PORT, NULL, NULL), 1);
}

Test (nlmsg, callback_error)
{
  struct reply r = { .len = 0 };

  add_addr (&r, SEQ, 1);
  add_error (&r, SEQ, 0);
  cr_assert_eq (rt_nlmsg_parse (r.buf, r.len, SEQ, PORT, fail_cb, NULL), -ENOMEM);
}

Test (nlmsg, truncated_message)
{
  struct reply r = { .len = 0 };
  struct seen s = { 0 };

  add_addr (&r, SEQ, 1);
  add_error (&r, SEQ, 0);
  /* the datagram cut inside the ACK's header */
  cr_assert_eq (rt_nlmsg_parse (r.buf, r.len - 30, SEQ, PORT, count_cb, &s), -EBADMSG);
  /* a length longer than what arrived */
  s.n = 0;
  ((struct nlmsghdr *) r.buf)->nlmsg_len = 400;
  cr_assert_eq (rt_nlmsg_parse (r.buf, r.len, SEQ, PORT, count_cb, &s), -EBADMSG);
  cr_assert_eq (s.n, 0);
  /* and one shorter than a header */
  ((struct nlmsghdr *) r.buf)->nlmsg_len = 8;
  cr_assert_eq (rt_nlmsg_parse (r.buf, r.len, SEQ, PORT, count_cb, &s), -EBADMSG);
  /* an error message without its error */
  r.len = 0;
  add_msg (&r, NLMSG_ERROR, 0, SEQ, PORT, 2);
  cr_assert_eq (rt_nlmsg_parse (r.buf, r.len, SEQ, PORT, NULL, NULL), -EBADMSG);
}

Test (nlmsg, attrs)
{
  struct reply r = { .len = 0 };
  const struct nlattr *tb[IFA_MAX + 1];
  const struct nlmsghdr *nlh = (const struct nlmsghdr *) r.buf;
  struct nlattr *a;

  add_addr (&r, SEQ, 1);
  cr_assert_eq (rt_nlmsg_attrs (nlh, sizeof (struct ifaddrmsg), tb, IFA_MAX), 0);
  cr_assert_not_null (tb[IFA_LOCAL]);
  cr_assert_null (tb[IFA_ADDRESS]);
  cr_assert_eq (rt_nla_len (tb[IFA_LOCAL]), 4);
  cr_assert_eq (memcmp (rt_nla_data (tb[IFA_LOCAL]), "\x0a\x00\x00\x01", 4), 0);

  /* types above max are skipped, not written past the table */
  cr_assert_eq (rt_nlmsg_attrs (nlh, sizeof (struct ifaddrmsg), tb, IFA_LOCAL - 1), 0);
  cr_assert_null (tb[IFA_LOCAL - 1]);

  /* the attribute says more than the message holds */
  a = (struct nlattr *) (r.buf + NLMSG_HDRLEN + NLMSG_ALIGN (sizeof (struct ifaddrmsg)));
  a->nla_len = 12;
  cr_assert_eq (rt_nlmsg_attrs (nlh, sizeof (struct ifaddrmsg), tb, IFA_MAX), -EBADMSG);
  /* or less than its own header */
  a->nla_len = 2;
  cr_assert_eq (rt_nlmsg_attrs (nlh, sizeof (struct ifaddrmsg), tb, IFA_MAX), -EBADMSG);
  /* the message ends inside an attribute's header */
  a->nla_len = 8;
  ((struct nlmsghdr *) r.buf)->nlmsg_len -= 6;
  cr_assert_eq (rt_nlmsg_attrs (nlh, sizeof (struct ifaddrmsg), tb, IFA_MAX), -EBADMSG);
  /* or inside its family header */
  ((struct nlmsghdr *) r.buf)->nlmsg_len = NLMSG_LENGTH (4);
  cr_assert_null (rt_nlmsg_extra (nlh, sizeof (struct ifaddrmsg)));
  cr_assert_eq (rt_nlmsg_attrs (nlh, sizeof (struct ifaddrmsg), tb, IFA_MAX), -EBADMSG);
}

Test (nlmsg, roundtrip)
{
  alignas (4) unsigned char buf[64];
  const struct nlattr *tb[IFLA_MAX + 1];
  struct rt_nlmsg m;

  cr_assert_eq (rt_nlmsg_init (&m, buf, sizeof buf, RTM_NEWLINK, 0, 1), 0);
  cr_assert_not_null (rt_nlmsg_put_extra (&m, sizeof (struct ifinfomsg)));
  cr_assert_eq (rt_nlmsg_put_strz (&m, IFLA_IFNAME, "veth0"), 0);
  cr_assert_eq (rt_nlmsg_put_u32 (&m, IFLA_MTU, 9000), 0);
  cr_assert_eq (rt_nlmsg_attrs (m.nlh, sizeof (struct ifinfomsg), tb, IFLA_MAX), 0);
  cr_assert_str_eq (rt_nla_data (tb[IFLA_IFNAME]), "veth0");
  cr_assert_eq (*(const uint32_t *) rt_nla_data (tb[IFLA_MTU]), 9000);
}
