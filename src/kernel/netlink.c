#include "kernel/netlink.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"

int
rt_nl_open (struct rt_nl *nl, int netns_fd, struct rt_error *err)
{
  cleanup_close int home = -1;
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
  nl->sock = mnl_socket_open2 (NETLINK_ROUTE, SOCK_CLOEXEC);
  if (nl->sock == NULL || mnl_socket_bind (nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
    e = errno ? errno : EIO;
  if (home >= 0 && setns (home, CLONE_NEWNET) < 0)
    {
      /* rt would go on in the wrong namespace: nothing else is safe */
      rt_nl_close (nl);
      return rt_error_set (err, errno, "return to rt's network namespace");
    }
  if (e == 0 && (nl->buf = malloc (MNL_SOCKET_BUFFER_SIZE)) == NULL)
    e = ENOMEM;
  if (e != 0)
    {
      rt_nl_close (nl);
      return rt_error_set (err, e, "open a netlink socket");
    }
  nl->seq = (unsigned) time (NULL);
  return 0;
}

void
rt_nl_close (struct rt_nl *nl)
{
  if (nl->sock)
    mnl_socket_close (nl->sock);
  free (nl->buf);
  memset (nl, 0, sizeof *nl);
}

static struct nlmsghdr *
new_msg (struct rt_nl *nl, int type, int flags)
{
  struct nlmsghdr *nlh;

  memset (nl->buf, 0, MNL_SOCKET_BUFFER_SIZE);
  nlh = mnl_nlmsg_put_header (nl->buf);
  nlh->nlmsg_type = (unsigned short) type;
  nlh->nlmsg_flags = (unsigned short) (NLM_F_REQUEST | flags);
  nlh->nlmsg_seq = ++nl->seq;
  return nlh;
}

/* Send one request and run cb on the replies: up to the ACK (or the end
 * of a dump); a reply without either ends after its first batch. */
static int
request (struct rt_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data, const char *what, struct rt_error *err)
{
  unsigned seq = nlh->nlmsg_seq, portid = mnl_socket_get_portid (nl->sock);
  bool more = (nlh->nlmsg_flags & (NLM_F_ACK | NLM_F_DUMP)) != 0;
  int r;

  if (mnl_socket_sendto (nl->sock, nlh, nlh->nlmsg_len) < 0)
    return rt_error_set (err, errno, "%s: netlink send", what);
  do
    {
      ssize_t n = mnl_socket_recvfrom (nl->sock, nl->buf, MNL_SOCKET_BUFFER_SIZE);
      if (n < 0)
        return rt_error_set (err, errno, "%s: netlink receive", what);
      r = mnl_cb_run (nl->buf, (size_t) n, seq, portid, cb, data);
      if (r < 0)
        return rt_error_set (err, errno, "%s", what);
    }
  while (more && r > MNL_CB_STOP);
  return 0;
}

static int
link_index_cb (const struct nlmsghdr *nlh, void *data)
{
  const struct ifinfomsg *ifm = mnl_nlmsg_get_payload (nlh);

  if (nlh->nlmsg_type == RTM_NEWLINK)
    *(int *) data = ifm->ifi_index;
  return MNL_CB_OK;
}

int
rt_nl_link_index (struct rt_nl *nl, const char *name, int *index, struct rt_error *err)
{
  struct nlmsghdr *nlh = new_msg (nl, RTM_GETLINK, 0);
  struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header (nlh, sizeof *ifm);

  ifm->ifi_family = AF_UNSPEC;
  mnl_attr_put_strz (nlh, IFLA_IFNAME, name);
  *index = 0;
  if (request (nl, nlh, link_index_cb, index, "find a network interface", err) < 0)
    return rt_error_prefix (err, "`%s`", name);
  if (*index <= 0)
    return rt_error_set (err, ENODEV, "`%s`", name);
  return 0;
}

int
rt_nl_link_set_up (struct rt_nl *nl, int index, const char *name, struct rt_error *err)
{
  struct nlmsghdr *nlh = new_msg (nl, RTM_NEWLINK, NLM_F_ACK);
  struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header (nlh, sizeof *ifm);

  ifm->ifi_family = AF_UNSPEC;
  ifm->ifi_index = index;
  ifm->ifi_flags = IFF_UP;
  ifm->ifi_change = IFF_UP;
  if (request (nl, nlh, NULL, NULL, "bring up", err) < 0)
    return rt_error_prefix (err, "`%s`", name);
  return 0;
}

int
rt_nl_link_move (struct rt_nl *nl, int index, const char *newname, int netns_fd, struct rt_error *err)
{
  struct nlmsghdr *nlh = new_msg (nl, RTM_NEWLINK, NLM_F_ACK);
  struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header (nlh, sizeof *ifm);

  ifm->ifi_family = AF_UNSPEC;
  ifm->ifi_index = index;
  /* one message: the name is taken as the device arrives, so a clash
   * with an interface already there fails instead of half-moving */
  mnl_attr_put_u32 (nlh, IFLA_NET_NS_FD, (uint32_t) netns_fd);
  mnl_attr_put_strz (nlh, IFLA_IFNAME, newname);
  return request (nl, nlh, NULL, NULL, "move to the container's network namespace", err);
}

struct addr_dump
{
  int index;
  struct rt_nl_addr *addrs;
  size_t n;
  int error;
};

static int
addr_attr_cb (const struct nlattr *attr, void *data)
{
  const struct nlattr **tb = data;
  int type = mnl_attr_get_type (attr);

  if (mnl_attr_type_valid (attr, IFA_MAX) > 0)
    tb[type] = attr;
  return MNL_CB_OK;
}

static void
copy_addr (const struct nlattr *a, unsigned char *to, bool *has, size_t alen)
{
  if (a == NULL || mnl_attr_get_payload_len (a) != alen)
    return;
  memcpy (to, mnl_attr_get_payload (a), alen);
  *has = true;
}

static int
addr_cb (const struct nlmsghdr *nlh, void *data)
{
  struct addr_dump *d = data;
  const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload (nlh);
  const struct nlattr *tb[IFA_MAX + 1] = { 0 };
  uint32_t flags = ifa->ifa_flags;
  struct rt_nl_addr a = { .family = ifa->ifa_family, .prefixlen = ifa->ifa_prefixlen };
  struct rt_nl_addr *grown;

  if (nlh->nlmsg_type != RTM_NEWADDR || (int) ifa->ifa_index != d->index || ifa->ifa_scope != RT_SCOPE_UNIVERSE)
    return MNL_CB_OK;
  mnl_attr_parse (nlh, sizeof *ifa, addr_attr_cb, tb);
  if (tb[IFA_FLAGS])
    flags = mnl_attr_get_u32 (tb[IFA_FLAGS]); /* the full 32 bits */
  if (!(flags & IFA_F_PERMANENT) || (a.family != AF_INET && a.family != AF_INET6))
    return MNL_CB_OK;
  a.alen = a.family == AF_INET ? 4 : 16;
  copy_addr (tb[IFA_LOCAL], a.local, &a.has_local, a.alen);
  copy_addr (tb[IFA_ADDRESS], a.address, &a.has_address, a.alen);
  copy_addr (tb[IFA_BROADCAST], a.broadcast, &a.has_broadcast, a.alen);
  grown = realloc (d->addrs, (d->n + 1) * sizeof *grown);
  if (grown == NULL)
    {
      d->error = ENOMEM;
      return MNL_CB_ERROR;
    }
  d->addrs = grown;
  d->addrs[d->n++] = a;
  return MNL_CB_OK;
}

int
rt_nl_addrs_global (struct rt_nl *nl, int index, struct rt_nl_addr **addrs, size_t *n, struct rt_error *err)
{
  struct nlmsghdr *nlh = new_msg (nl, RTM_GETADDR, NLM_F_DUMP);
  struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header (nlh, sizeof *ifa);
  struct addr_dump d = { .index = index };

  ifa->ifa_family = AF_UNSPEC;
  if (request (nl, nlh, addr_cb, &d, "list addresses", err) < 0)
    {
      free (d.addrs);
      return d.error ? rt_error_set (err, d.error, "list addresses") : -1;
    }
  *addrs = d.addrs;
  *n = d.n;
  return 0;
}

int
rt_nl_addr_add (struct rt_nl *nl, int index, const struct rt_nl_addr *a, struct rt_error *err)
{
  struct nlmsghdr *nlh = new_msg (nl, RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header (nlh, sizeof *ifa);

  ifa->ifa_family = a->family;
  ifa->ifa_prefixlen = a->prefixlen;
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;
  ifa->ifa_index = (unsigned) index;
  if (a->has_local)
    mnl_attr_put (nlh, IFA_LOCAL, a->alen, a->local);
  if (a->has_address)
    mnl_attr_put (nlh, IFA_ADDRESS, a->alen, a->address);
  if (a->has_broadcast)
    mnl_attr_put (nlh, IFA_BROADCAST, a->alen, a->broadcast);
  return request (nl, nlh, NULL, NULL, "add an address", err);
}
