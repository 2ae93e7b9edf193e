#include "linux/netlink.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One request, one acknowledgement. */
static int
talk (struct nlmsghdr *nlh, const char *what, struct rt_error *err)
{
  struct mnl_socket *nl = mnl_socket_open2 (NETLINK_ROUTE, SOCK_CLOEXEC);
  char *buf = NULL;
  unsigned seq;
  ssize_t n;
  int ret = -1;

  if (nl == NULL)
    return rt_error_set (err, errno, "%s: open netlink socket", what);
  buf = malloc (MNL_SOCKET_BUFFER_SIZE);
  if (buf == NULL)
    {
      rt_error_set (err, ENOMEM, "%s", what);
      goto out;
    }
  seq = nlh->nlmsg_seq;
  if (mnl_socket_bind (nl, 0, MNL_SOCKET_AUTOPID) < 0 || mnl_socket_sendto (nl, nlh, nlh->nlmsg_len) < 0)
    {
      rt_error_set (err, errno, "%s: netlink", what);
      goto out;
    }
  n = mnl_socket_recvfrom (nl, buf, MNL_SOCKET_BUFFER_SIZE);
  if (n < 0 || mnl_cb_run (buf, (size_t) n, seq, mnl_socket_get_portid (nl), NULL, NULL) < 0)
    {
      rt_error_set (err, errno, "%s", what);
      goto out;
    }
  ret = 0;
out:
  free (buf);
  mnl_socket_close (nl);
  return ret;
}

int
rt_netlink_link_up (const char *ifname, struct rt_error *err)
{
  char *buf = calloc (1, MNL_SOCKET_BUFFER_SIZE);
  struct nlmsghdr *nlh;
  struct ifinfomsg *ifm;
  int ret;

  if (buf == NULL)
    return rt_error_set (err, ENOMEM, "bring up %s", ifname);
  nlh = mnl_nlmsg_put_header (buf);
  nlh->nlmsg_type = RTM_NEWLINK;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  nlh->nlmsg_seq = (unsigned) time (NULL);
  ifm = mnl_nlmsg_put_extra_header (nlh, sizeof *ifm);
  ifm->ifi_family = AF_UNSPEC;
  ifm->ifi_index = (int) if_nametoindex (ifname);
  ifm->ifi_flags = IFF_UP;
  ifm->ifi_change = IFF_UP;
  if (ifm->ifi_index == 0)
    {
      free (buf);
      return rt_error_set (err, errno, "bring up %s: no such interface", ifname);
    }
  ret = talk (nlh, "bring up the loopback interface", err);
  free (buf);
  return ret;
}
