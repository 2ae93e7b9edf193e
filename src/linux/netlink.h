/* rtnetlink through libmnl: bring interfaces up, move them between
 * network namespaces. */
#ifndef RT_NETLINK_H
#define RT_NETLINK_H

#include "util/error.h"

int rt_netlink_link_up (const char *ifname, struct rt_error *err);

#endif
