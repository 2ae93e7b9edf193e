/* rtnetlink, with rt's own messages (kernel/nlmsg.h): move interfaces
 * between network namespaces, bring them up, read and copy their
 * addresses (linux.netDevices). */
#ifndef RT_NETLINK_H
#define RT_NETLINK_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/* A route socket bound to one network namespace for its whole life. */
struct rt_nl
{
  int fd;
  unsigned portid; /* its netlink address: the kernel's replies carry it */
  char *buf;       /* RT_NL_BUFSIZE bytes, for requests and replies; NULL when not open */
  unsigned seq;
};

/* The kernel fills a dump's datagrams up to the reader's buffer, 32 KiB
 * at most: one read takes any of them whole. */
#define RT_NL_BUFSIZE 32768

/* netns_fd < 0: the caller's namespace; else the socket is made inside
 * that namespace (a setns there and back: rt is single-threaded). A
 * struct rt_nl all zero, or whose open failed, may be closed. */
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
