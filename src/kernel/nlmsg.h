/* rtnetlink messages in buffers the caller owns: a request built (header,
 * an extra header such as ifinfomsg, attributes), a reply walked and
 * checked. Pure: no syscalls (netlink.c has the socket), unit-tested.
 * Failures are negative errno values: -EMSGSIZE when a request does not
 * fit, -EBADMSG when a reply is malformed. */
#ifndef RT_NLMSG_H
#define RT_NLMSG_H

#include <linux/netlink.h>
#include <stddef.h>
#include <stdint.h>

/* A request being built in size bytes at nlh (4-byte aligned): its
 * nlmsg_len is the length so far, always a multiple of 4. */
struct rt_nlmsg
{
  struct nlmsghdr *nlh;
  size_t size;
};

/* The header, with NLM_F_REQUEST added to flags; the rest of the buffer
 * is left as it is. -EMSGSIZE if size cannot hold a header. */
int rt_nlmsg_init (struct rt_nlmsg *m, void *buf, size_t size, uint16_t type, uint16_t flags, uint32_t seq);
/* len zeroed bytes after what is there (the family header: ifinfomsg,
 * ifaddrmsg), padded to 4; NULL, the message unchanged, if they do not fit. */
void *rt_nlmsg_put_extra (struct rt_nlmsg *m, size_t len);
/* An attribute: its header, len bytes of data, zeroed padding to 4.
 * -EMSGSIZE, the message unchanged, if it does not fit. */
int rt_nlmsg_put_attr (struct rt_nlmsg *m, uint16_t type, const void *data, size_t len);
int rt_nlmsg_put_u32 (struct rt_nlmsg *m, uint16_t type, uint32_t v);
/* The string with its NUL. */
int rt_nlmsg_put_strz (struct rt_nlmsg *m, uint16_t type, const char *s);

/* Called with each data message of a reply (type >= NLMSG_MIN_TYPE):
 * 0 goes on, a negative errno ends the walk with that value. */
typedef int (*rt_nlmsg_cb) (const struct nlmsghdr *nlh, void *data);

/* Walk the n bytes of one received datagram (4-byte aligned), for the
 * request with sequence number seq sent from portid: messages with another
 * seq or portid are skipped, and so are NOOP and OVERRUN. Returns
 *   0   the reply is complete: an ACK (NLMSG_ERROR with error 0), or
 *       NLMSG_DONE ending a dump; what follows it is not looked at;
 *   1   the datagram ended without either: more are to be read;
 *   < 0 the errno of an NLMSG_ERROR (or of a dump's DONE) as -errno,
 *       -EINTR for a dump the kernel marks inconsistent (NLM_F_DUMP_INTR),
 *       -EBADMSG for a truncated message, or what cb returned.
 * cb may be NULL. */
int rt_nlmsg_parse (const void *buf, size_t n, uint32_t seq, uint32_t portid, rt_nlmsg_cb cb, void *data);

/* The hdrlen bytes of family header after the netlink header; NULL if
 * the message is shorter. */
const void *rt_nlmsg_extra (const struct nlmsghdr *nlh, size_t hdrlen);

/* The attributes after the hdrlen-byte family header, by type: tb[0..max]
 * zeroed, then tb[type] set for each attribute with type <= max (the last
 * of a repeated type). -EBADMSG if the message is shorter than its family
 * header, or an attribute is truncated or runs past the message. */
int rt_nlmsg_attrs (const struct nlmsghdr *nlh, size_t hdrlen, const struct nlattr **tb, uint16_t max);

/* An attribute's payload and its length (the padding not counted). */
const void *rt_nla_data (const struct nlattr *a);
size_t rt_nla_len (const struct nlattr *a);

#endif
