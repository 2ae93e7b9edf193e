#include "kernel/nlmsg.h"

#include <errno.h>
#include <string.h>

/* NLMSG_ALIGN and NLA_ALIGN are both 4, and their macros compute in
 * unsigned int: in size_t here */
static size_t
align4 (size_t len)
{
  return (len + 3) & ~(size_t) 3;
}

int
rt_nlmsg_init (struct rt_nlmsg *m, void *buf, size_t size, uint16_t type, uint16_t flags, uint32_t seq)
{
  m->nlh = buf;
  m->size = size > UINT32_MAX - 3 ? UINT32_MAX - 3 : size; /* nlmsg_len is 32 bits */
  if (m->size < NLMSG_HDRLEN)
    return -EMSGSIZE;
  memset (m->nlh, 0, NLMSG_HDRLEN);
  m->nlh->nlmsg_len = NLMSG_HDRLEN;
  m->nlh->nlmsg_type = type;
  m->nlh->nlmsg_flags = (uint16_t) (NLM_F_REQUEST | flags);
  m->nlh->nlmsg_seq = seq;
  return 0;
}

/* len bytes more, padded, zeroed: NULL if they do not fit */
static void *
reserve (struct rt_nlmsg *m, size_t len)
{
  size_t used = m->nlh->nlmsg_len, padded;
  char *at = (char *) m->nlh + used;

  if (len > m->size - used || align4 (len) > m->size - used)
    return NULL;
  padded = align4 (len);
  memset (at, 0, padded);
  m->nlh->nlmsg_len = (uint32_t) (used + padded);
  return at;
}

void *
rt_nlmsg_put_extra (struct rt_nlmsg *m, size_t len)
{
  return reserve (m, len);
}

int
rt_nlmsg_put_attr (struct rt_nlmsg *m, uint16_t type, const void *data, size_t len)
{
  struct nlattr *a;

  /* nla_len is 16 bits, and counts the header */
  if (len > UINT16_MAX - NLA_HDRLEN)
    return -EMSGSIZE;
  a = reserve (m, NLA_HDRLEN + len);
  if (a == NULL)
    return -EMSGSIZE;
  a->nla_len = (uint16_t) (NLA_HDRLEN + len);
  a->nla_type = type;
  if (len > 0)
    memcpy ((char *) a + NLA_HDRLEN, data, len);
  return 0;
}

int
rt_nlmsg_put_u32 (struct rt_nlmsg *m, uint16_t type, uint32_t v)
{
  return rt_nlmsg_put_attr (m, type, &v, sizeof v);
}

int
rt_nlmsg_put_strz (struct rt_nlmsg *m, uint16_t type, const char *s)
{
  return rt_nlmsg_put_attr (m, type, s, strlen (s) + 1);
}

/* The control messages: 0 complete, 1 skipped, < 0 an error. */
static int
control (const struct nlmsghdr *nlh)
{
  const char *payload = NLMSG_DATA (nlh);
  size_t plen = nlh->nlmsg_len - NLMSG_HDRLEN;
  int e;

  if (nlh->nlmsg_type == NLMSG_ERROR)
    {
      /* struct nlmsgerr starts with the error: all that is read of it */
      if (plen < sizeof e)
        return -EBADMSG;
      memcpy (&e, payload, sizeof e);
      return e <= 0 ? e : -EPROTO;
    }
  if (nlh->nlmsg_type == NLMSG_DONE)
    {
      /* a dump that failed part way says so here */
      if (plen >= sizeof e)
        {
          memcpy (&e, payload, sizeof e);
          if (e < 0)
            return e;
        }
      return 0;
    }
  return 1; /* NLMSG_NOOP, NLMSG_OVERRUN, reserved types */
}

int
rt_nlmsg_parse (const void *buf, size_t n, uint32_t seq, uint32_t portid, rt_nlmsg_cb cb, void *data)
{
  size_t off = 0;

  while (off < n)
    {
      const struct nlmsghdr *nlh = (const struct nlmsghdr *) ((const char *) buf + off);
      size_t left = n - off;
      int r;

      if (left < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > left)
        return -EBADMSG;
      if (nlh->nlmsg_seq == seq && nlh->nlmsg_pid == portid)
        {
          if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
            return -EINTR;
          if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
            {
              r = control (nlh);
              if (r <= 0)
                return r;
            }
          else if (cb != NULL && (r = cb (nlh, data)) < 0)
            return r;
        }
      /* the last message of a datagram may lack its padding */
      off += align4 (nlh->nlmsg_len) < left ? align4 (nlh->nlmsg_len) : left;
    }
  return 1;
}

const void *
rt_nlmsg_extra (const struct nlmsghdr *nlh, size_t hdrlen)
{
  if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len - NLMSG_HDRLEN < hdrlen)
    return NULL;
  return NLMSG_DATA (nlh);
}

int
rt_nlmsg_attrs (const struct nlmsghdr *nlh, size_t hdrlen, const struct nlattr **tb, uint16_t max)
{
  size_t off = NLMSG_HDRLEN + align4 (hdrlen), end = nlh->nlmsg_len;

  memset (tb, 0, ((size_t) max + 1) * sizeof *tb);
  if (rt_nlmsg_extra (nlh, hdrlen) == NULL)
    return -EBADMSG;
  /* the family header's padding may be missing when nothing follows it */
  while (off < end)
    {
      const struct nlattr *a = (const struct nlattr *) ((const char *) nlh + off);
      size_t left = end - off;
      uint16_t type;

      if (left < NLA_HDRLEN || a->nla_len < NLA_HDRLEN || a->nla_len > left)
        return -EBADMSG;
      type = a->nla_type & NLA_TYPE_MASK;
      if (type <= max)
        tb[type] = a;
      off += align4 (a->nla_len) < left ? align4 (a->nla_len) : left;
    }
  return 0;
}

const void *
rt_nla_data (const struct nlattr *a)
{
  return (const char *) a + NLA_HDRLEN;
}

size_t
rt_nla_len (const struct nlattr *a)
{
  return a->nla_len - NLA_HDRLEN;
}
