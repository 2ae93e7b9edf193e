/* rtnetlink through libmnl: move interfaces between network namespaces,
 * bring them up, read and copy their addresses (linux.netDevices). */
#ifndef RT_NETLINK_H
#define RT_NETLINK_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/* A route socket bound to one network namespace for its whole life. */
struct rt_nl
{
  struct mnl_socket *sock;
  char *buf; /* MNL_SOCKET_DUMP_SIZE bytes, for requests and replies */
  unsigned seq;
};

/* netns_fd < 0: the caller's namespace; else the socket is made inside
 * that namespace (a setns there and back: rt is single-threaded). */
int rt_nl_open (struct rt_nl *nl, int netns_fd, struct rt_error *err);
void rt_nl_close (struct rt_nl *nl);

int rt_nl_link_index (struct rt_nl *nl, const char *name, int *index, struct rt_error *err);
int rt_nl_link_set_up (struct rt_nl *nl, int index, const char *name, struct rt_error *err);
/* Move link `index` into the network namespace netns_fd, named `newname`
 * there (a name with %d lets the kernel pick a free number). */
int rt_nl_link_move (struct rt_nl *nl, int index, const char *newname, int netns_fd, struct rt_error *err);

struct rt_nl_addr
{
  unsigned char family, prefixlen;
  size_t alen; /* 4 or 16 */
  unsigned char local[16], address[16], broadcast[16];
  bool has_local, has_address, has_broadcast;
};

/* The permanent (IFA_F_PERMANENT), global (RT_SCOPE_UNIVERSE) addresses
 * of link `index`, the ones that mean something in another namespace. */
int rt_nl_addrs_global (struct rt_nl *nl, int index, struct rt_nl_addr **addrs, size_t *n, struct rt_error *err);
int rt_nl_addr_add (struct rt_nl *nl, int index, const struct rt_nl_addr *a, struct rt_error *err);

#endif
