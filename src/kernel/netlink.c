#include "kernel/netlink.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kernel/nlmsg.h"
#include "util/cleanup.h"

/* The socket and its bind, in whatever namespace rt is in now: the fd or
 * -1 with errno set. */
static int
route_socket (void)
{
  struct sockaddr_nl any = { .nl_family = AF_NETLINK }; /* nl_pid 0: the kernel picks one */
  int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

  if (fd >= 0 && bind (fd, (struct sockaddr *) &any, sizeof any) < 0)
    {
      int e = errno;
      close (fd);
      errno = e;
      return -1;
    }
  return fd;
}

int
rt_nl_open (struct rt_nl *nl, int netns_fd, struct rt_error *err)
{
  cleanup_close int home = -1;
  cleanup_close int fd = -1;
  struct sockaddr_nl me = { 0 };
  socklen_t len = sizeof me;
  int e = 0;

  memset (nl, 0, sizeof *nl);
  if (netns_fd >= 0)
    {
      home = open ("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
      if (home < 0)
        return rt_error_set (err, errno, "open /proc/self/ns/net");
      if (setns (netns_fd, CLONE_NEWNET) < 0)
        return rt_error_set (err, errno, "enter the container's network namespace");
    }
  /* a netlink socket stays in the namespace it was made in */
  fd = route_socket ();
  if (fd < 0)
    e = errno;
  /* rt would go on in the wrong namespace: nothing else is safe */
  if (home >= 0 && setns (home, CLONE_NEWNET) < 0)
    return rt_error_set (err, errno, "return to rt's network namespace");
  if (e == 0 && getsockname (fd, (struct sockaddr *) &me, &len) < 0)
    e = errno;
  else if (e == 0 && (len != sizeof me || me.nl_family != AF_NETLINK))
    e = EAFNOSUPPORT;
  if (e == 0 && (nl->buf = malloc (RT_NL_BUFSIZE)) == NULL)
    e = ENOMEM;
  if (e != 0)
    return rt_error_set (err, e, "open a netlink socket");
  nl->fd = rt_steal_fd (&fd);
  nl->portid = me.nl_pid;
  nl->seq = (unsigned) time (NULL);
  return 0;
}

void
rt_nl_close (struct rt_nl *nl)
{
  /* only an open that succeeded sets buf: a zeroed struct's fd 0 is not its */
  if (nl->buf != NULL)
    close (nl->fd);
  free (nl->buf);
  memset (nl, 0, sizeof *nl);
}

/* A request in nl->buf, its family header of hdrlen bytes zeroed; NULL
 * with err set if it does not fit. flags has NLM_F_DUMP or NLM_F_ACK:
 * request() reads up to the NLMSG_DONE or the ACK (the same bits mean
 * other things in a GET and in a NEW, so the caller says which). */
static void *
new_msg (struct rt_nl *nl, struct rt_nlmsg *m, uint16_t type, uint16_t flags, size_t hdrlen, const char *what,
         struct rt_error *err)
{
  void *extra = NULL;

  if (rt_nlmsg_init (m, nl->buf, RT_NL_BUFSIZE, type, flags, ++nl->seq) == 0)
    extra = rt_nlmsg_put_extra (m, hdrlen);
  if (extra == NULL)
    rt_error_set (err, EMSGSIZE, "%s: netlink request", what);
  return extra;
}

/* One datagram from the kernel into nl->buf: its length, or -1. Datagrams
 * sent by another process to this socket are dropped. */
static ssize_t
receive (struct rt_nl *nl, const char *what, struct rt_error *err)
{
  for (;;)
    {
      struct sockaddr_nl from;
      struct iovec iov = { .iov_base = nl->buf, .iov_len = RT_NL_BUFSIZE };
      struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1 };
      ssize_t n = recvmsg (nl->fd, &mh, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return rt_error_set (err, errno, "%s: netlink receive", what);
      if (mh.msg_flags & MSG_TRUNC)
        return rt_error_set (err, EMSGSIZE, "%s: netlink reply larger than %d bytes", what, RT_NL_BUFSIZE);
      if (mh.msg_namelen == sizeof from && from.nl_family == AF_NETLINK && from.nl_pid == 0)
        return n;
    }
}

/* Send the request and run cb on the data messages of its reply, up to
 * the ACK or the end of the dump. Replies to earlier requests (a dump
 * given up half way) are skipped by their sequence number. */
static int
request (struct rt_nl *nl, const struct rt_nlmsg *m, rt_nlmsg_cb cb, void *data, const char *what, struct rt_error *err)
{
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  /* the reply is read into the same buffer */
  uint32_t seq = m->nlh->nlmsg_seq, len = m->nlh->nlmsg_len;
  ssize_t n;
  int r;

  do
    n = sendto (nl->fd, m->nlh, len, 0, (struct sockaddr *) &kernel, sizeof kernel);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return rt_error_set (err, errno, "%s: netlink send", what);
  if ((size_t) n != len)
    return rt_error_set (err, EMSGSIZE, "%s: netlink send", what);
  do
    {
      n = receive (nl, what, err);
      if (n < 0)
        return -1;
      r = rt_nlmsg_parse (nl->buf, (size_t) n, seq, nl->portid, cb, data);
      if (r < 0)
        return rt_error_set (err, -r, "%s", what);
    }
  while (r > 0);
  return 0;
}

static int
link_index_cb (const struct nlmsghdr *nlh, void *data)
{
  const struct ifinfomsg *ifm = rt_nlmsg_extra (nlh, sizeof *ifm);

  if (nlh->nlmsg_type != RTM_NEWLINK)
    return 0;
  if (ifm == NULL)
    return -EBADMSG;
  *(int *) data = ifm->ifi_index;
  return 0;
}

int
rt_nl_link_index (struct rt_nl *nl, const char *name, int *index, struct rt_error *err)
{
  static const char what[] = "find a network interface";
  struct rt_nlmsg m;
  struct ifinfomsg *ifm = new_msg (nl, &m, RTM_GETLINK, NLM_F_ACK, sizeof *ifm, what, err);

  *index = 0;
  if (ifm == NULL)
    return rt_error_prefix (err, "`%s`", name);
  ifm->ifi_family = AF_UNSPEC;
  if (rt_nlmsg_put_strz (&m, IFLA_IFNAME, name) < 0)
    return rt_error_set (err, EMSGSIZE, "`%s`: %s: netlink request", name, what);
  if (request (nl, &m, link_index_cb, index, what, err) < 0)
    return rt_error_prefix (err, "`%s`", name);
  if (*index <= 0)
    return rt_error_set (err, ENODEV, "`%s`", name);
  return 0;
}

int
rt_nl_link_set_up (struct rt_nl *nl, int index, const char *name, struct rt_error *err)
{
  static const char what[] = "bring up";
  struct rt_nlmsg m;
  struct ifinfomsg *ifm = new_msg (nl, &m, RTM_NEWLINK, NLM_F_ACK, sizeof *ifm, what, err);

  if (ifm == NULL)
    return rt_error_prefix (err, "`%s`", name);
  ifm->ifi_family = AF_UNSPEC;
  ifm->ifi_index = index;
  ifm->ifi_flags = IFF_UP;
  ifm->ifi_change = IFF_UP;
  if (request (nl, &m, NULL, NULL, what, err) < 0)
    return rt_error_prefix (err, "`%s`", name);
  return 0;
}

int
rt_nl_link_move (struct rt_nl *nl, int index, const char *newname, int netns_fd, struct rt_error *err)
{
  static const char what[] = "move to the container's network namespace";
  struct rt_nlmsg m;
  struct ifinfomsg *ifm = new_msg (nl, &m, RTM_NEWLINK, NLM_F_ACK, sizeof *ifm, what, err);

  if (ifm == NULL)
    return -1;
  ifm->ifi_family = AF_UNSPEC;
  ifm->ifi_index = index;
  /* one message: the name is taken as the device arrives, so a clash
   * with an interface already there fails instead of half-moving */
  if (rt_nlmsg_put_u32 (&m, IFLA_NET_NS_FD, (uint32_t) netns_fd) < 0
      || rt_nlmsg_put_strz (&m, IFLA_IFNAME, newname) < 0)
    return rt_error_set (err, EMSGSIZE, "%s: netlink request", what);
  return request (nl, &m, NULL, NULL, what, err);
}

struct addr_dump
{
  int index;
  struct rt_nl_addr *addrs;
  size_t n;
};

static void
copy_addr (const struct nlattr *a, unsigned char *to, bool *has, size_t alen)
{
  if (a == NULL || rt_nla_len (a) != alen)
    return;
  memcpy (to, rt_nla_data (a), alen);
  *has = true;
}

static int
addr_cb (const struct nlmsghdr *nlh, void *data)
{
  struct addr_dump *d = data;
  const struct ifaddrmsg *ifa = rt_nlmsg_extra (nlh, sizeof *ifa);
  const struct nlattr *tb[IFA_MAX + 1];
  uint32_t flags;
  struct rt_nl_addr a = { 0 };
  struct rt_nl_addr *grown;

  if (nlh->nlmsg_type != RTM_NEWADDR)
    return 0;
  if (ifa == NULL)
    return -EBADMSG;
  if ((int) ifa->ifa_index != d->index || ifa->ifa_scope != RT_SCOPE_UNIVERSE)
    return 0;
  if (rt_nlmsg_attrs (nlh, sizeof *ifa, tb, IFA_MAX) < 0)
    return -EBADMSG;
  flags = ifa->ifa_flags;
  if (tb[IFA_FLAGS] && rt_nla_len (tb[IFA_FLAGS]) == sizeof flags)
    memcpy (&flags, rt_nla_data (tb[IFA_FLAGS]), sizeof flags); /* the full 32 bits */
  if (!(flags & IFA_F_PERMANENT) || (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
    return 0;
  a.family = ifa->ifa_family;
  a.prefixlen = ifa->ifa_prefixlen;
  a.alen = a.family == AF_INET ? 4 : 16;
  copy_addr (tb[IFA_LOCAL], a.local, &a.has_local, a.alen);
  copy_addr (tb[IFA_ADDRESS], a.address, &a.has_address, a.alen);
  copy_addr (tb[IFA_BROADCAST], a.broadcast, &a.has_broadcast, a.alen);
  grown = realloc (d->addrs, (d->n + 1) * sizeof *grown);
  if (grown == NULL)
    return -ENOMEM;
  d->addrs = grown;
  d->addrs[d->n++] = a;
  return 0;
}

int
rt_nl_addrs_global (struct rt_nl *nl, int index, struct rt_nl_addr **addrs, size_t *n, struct rt_error *err)
{
  static const char what[] = "list addresses";
  struct rt_nlmsg m;
  struct ifaddrmsg *ifa = new_msg (nl, &m, RTM_GETADDR, NLM_F_DUMP, sizeof *ifa, what, err);
  struct addr_dump d = { .index = index };

  if (ifa == NULL)
    return -1;
  ifa->ifa_family = AF_UNSPEC;
  if (request (nl, &m, addr_cb, &d, what, err) < 0)
    {
      free (d.addrs);
      return -1;
    }
  *addrs = d.addrs;
  *n = d.n;
  return 0;
}

int
rt_nl_addr_add (struct rt_nl *nl, int index, const struct rt_nl_addr *a, struct rt_error *err)
{
  static const char what[] = "add an address";
  struct rt_nlmsg m;
  struct ifaddrmsg *ifa = new_msg (nl, &m, RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, sizeof *ifa, what, err);

  if (ifa == NULL)
    return -1;
  ifa->ifa_family = a->family;
  ifa->ifa_prefixlen = a->prefixlen;
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;
  ifa->ifa_index = (unsigned) index;
  if ((a->has_local && rt_nlmsg_put_attr (&m, IFA_LOCAL, a->local, a->alen) < 0)
      || (a->has_address && rt_nlmsg_put_attr (&m, IFA_ADDRESS, a->address, a->alen) < 0)
      || (a->has_broadcast && rt_nlmsg_put_attr (&m, IFA_BROADCAST, a->broadcast, a->alen) < 0))
    return rt_error_set (err, EMSGSIZE, "%s: netlink request", what);
  return request (nl, &m, NULL, NULL, what, err);
}
