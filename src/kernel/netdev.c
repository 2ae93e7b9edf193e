#include "kernel/netdev.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/netlink.h"
#include "tables.h"
#include "util/cleanup.h"

int
rt_netdev_loopback_up (struct rt_error *err)
{
  cleanup_close int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct ifreq ifr = { .ifr_name = "lo" };

  if (fd < 0)
    return rt_error_set (err, errno, "bring up lo: socket");
  if (ioctl (fd, SIOCGIFFLAGS, &ifr) < 0)
    return rt_error_set (err, errno, "bring up lo: read its flags");
  if (ifr.ifr_flags & IFF_UP)
    return 0;
  ifr.ifr_flags |= IFF_UP;
  if (ioctl (fd, SIOCSIFFLAGS, &ifr) < 0)
    return rt_error_set (err, errno, "bring up lo");
  return 0;
}

static const oci_namespace *
netns_of (const oci_linux *l)
{
  size_t i;

  for (i = 0; l && i < l->namespaces_len; i++)
    if (strcmp (l->namespaces[i]->type, "network") == 0)
      return l->namespaces[i];
  return NULL;
}

/* What the kernel takes as an interface name (dev_valid_name). */
static bool
valid_name (const char *n)
{
  return n[0] != '\0' && strlen (n) < IFNAMSIZ && strcmp (n, ".") != 0 && strcmp (n, "..") != 0
         && strpbrk (n, "/: \t\n") == NULL;
}

static const char *
inside_name (const char *host, const oci_net_device *d)
{
  return d && d->name && *d->name ? d->name : host;
}

static int
check_one (const oci_linux *l, size_t i, struct rt_error *err)
{
  const char *host = l->net_devices.keys[i];
  const char *name = inside_name (host, l->net_devices.values[i]);
  size_t j;

  if (!valid_name (host))
    return rt_error_set (err, 0, ".linux.netDevices[\"%s\"]: not a valid interface name", host);
  if (!valid_name (name))
    return rt_error_set (err, 0, ".linux.netDevices[\"%s\"].name: \"%s\" is not a valid interface name", host, name);
  if (if_nametoindex (host) == 0)
    return rt_error_set (err, errno == ENXIO ? ENODEV : errno,
                         ".linux.netDevices[\"%s\"]: no interface \"%s\" on the host", host, host);
  for (j = 0; j < i; j++)
    if (strcmp (inside_name (l->net_devices.keys[j], l->net_devices.values[j]), name) == 0
        && strchr (name, '%') == NULL)
      return rt_error_set (err, 0,
                           ".linux.netDevices[\"%s\"].name: \"%s\" is also the name of .linux.netDevices[\"%s\"]", host,
                           name, l->net_devices.keys[j]);
  return 0;
}

int
rt_netdev_check (const oci_config *cfg, struct rt_error *err)
{
  const oci_linux *l = cfg->linux;
  size_t i;

  if (l == NULL || l->net_devices.len == 0)
    return 0;
  if (netns_of (l) == NULL)
    return rt_error_set (err, 0,
                         ".linux.netDevices: moving interfaces needs a network namespace of the container's "
                         "own: without one they would stay where they are");
  for (i = 0; i < l->net_devices.len; i++)
    if (check_one (l, i, err) < 0)
      return -1;
  return 0;
}

/* A joined namespace is entered by the child only after GO: use the fd rt
 * opened for it; a new one exists since the clone. */
static int
target_netns (pid_t pid, const struct rt_namespaces *ns, struct rt_error *err)
{
  const struct oci_name_value *e = oci_table_find (oci_namespaces, "network");
  int idx = e ? (int) (e - oci_namespaces) : -1;
  cleanup_free char *path = NULL;
  int fd;

  if (idx >= 0 && idx < RT_NS_COUNT && ns->join_fd[idx] >= 0)
    {
      fd = fcntl (ns->join_fd[idx], F_DUPFD_CLOEXEC, 0);
      return fd < 0 ? rt_error_set (err, errno, "dup the network namespace fd") : fd;
    }
  if (asprintf (&path, "/proc/%d/ns/net", pid) < 0)
    return rt_error_set (err, ENOMEM, "netDevices");
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return rt_error_set (err, errno, "open `%s`", path);
  return fd;
}

/* The spec lets the runtime check that the name is free before the move:
 * a clash found after it would leave the device inside, to die with the
 * namespace when the create is undone. */
static int
name_free_inside (struct rt_nl *inside, const char *to, struct rt_error *err)
{
  struct rt_error probe = RT_ERROR_INIT;
  int index, r;

  if (strchr (to, '%') != NULL)
    return 0;
  r = rt_nl_link_index (inside, to, &index, &probe);
  if (r == 0)
    return rt_error_set (err, EEXIST, "the container already has an interface `%s`", to);
  r = probe.errnum == ENODEV ? 0 : rt_error_set (err, probe.errnum, "%s", probe.msg ? probe.msg : "netlink");
  rt_error_clear (&probe);
  return r;
}

/* The kernel drops a device's addresses when it changes namespace: copy
 * the permanent global ones, as the spec asks, then bring it up. */
static int
move_one (struct rt_nl *host, struct rt_nl *inside, int netns, const char *from, const char *to, struct rt_error *err)
{
  cleanup_free struct rt_nl_addr *addrs = NULL;
  size_t n = 0, i;
  int index, new_index;

  if (rt_nl_link_index (host, from, &index, err) < 0 || rt_nl_addrs_global (host, index, &addrs, &n, err) < 0
      || name_free_inside (inside, to, err) < 0)
    return -1;
  if (rt_nl_link_move (host, index, to, netns, err) < 0)
    return -1;
  /* with a %d template only the kernel knows the name: the index stays */
  if (strchr (to, '%') != NULL)
    new_index = index;
  else if (rt_nl_link_index (inside, to, &new_index, err) < 0)
    return rt_error_prefix (err, "in the container");
  for (i = 0; i < n; i++)
    if (rt_nl_addr_add (inside, new_index, &addrs[i], err) < 0)
      return -1;
  return rt_nl_link_set_up (inside, new_index, to, err);
}

int
rt_netdev_move (const oci_linux *l, pid_t pid, const struct rt_namespaces *ns, struct rt_error *err)
{
  struct rt_nl host = { 0 }, inside = { 0 };
  cleanup_close int netns = -1;
  size_t i;
  int r = 0;

  if (l == NULL || l->net_devices.len == 0)
    return 0;
  netns = target_netns (pid, ns, err);
  if (netns < 0)
    return rt_error_prefix (err, ".linux.netDevices");
  if (rt_nl_open (&host, -1, err) < 0 || rt_nl_open (&inside, netns, err) < 0)
    r = -1;
  for (i = 0; r == 0 && i < l->net_devices.len; i++)
    {
      const char *from = l->net_devices.keys[i], *to = inside_name (from, l->net_devices.values[i]);
      r = move_one (&host, &inside, netns, from, to, err);
      if (r < 0)
        rt_error_prefix (err, ".linux.netDevices[\"%s\"]: move `%s` in as `%s`", from, from, to);
    }
  if (r < 0 && i == 0)
    rt_error_prefix (err, ".linux.netDevices");
  rt_nl_close (&inside);
  rt_nl_close (&host);
  return r;
}
