#include "kernel/sysctl.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/cleanup.h"
#include "util/fs.h"

/* The System V IPC limits live in the ipc namespace; fs.mqueue.* too. */
static const char *const ipc_keys[] = {
  "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",          "kernel.sem", "kernel.shmall",
  "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced", NULL,
};

/* sysctl(8) also accepts '/' as the separator: then a '.' is part of a
 * name (net/ipv4/conf/eth0.100/rp_filter). Compare keys in the dotted
 * form, with those dots turned into '/', as runc does. */
static char *
dotted (const char *key)
{
  size_t first = strcspn (key, "./");
  char *r = strdup (key), *p;

  if (r == NULL || key[first] != '/')
    return r;
  for (p = r; *p; p++)
    *p = *p == '/' ? '.' : *p == '.' ? '/' : *p;
  return r;
}

static bool
in_list (const char *const *list, const char *key)
{
  for (; *list; list++)
    if (strcmp (*list, key) == 0)
      return true;
  return false;
}

static const oci_namespace *
find_ns (const oci_linux *l, const char *type)
{
  size_t i;

  for (i = 0; l && i < l->namespaces_len; i++)
    if (strcmp (l->namespaces[i]->type, type) == 0)
      return l->namespaces[i];
  return NULL;
}

/* A joined network namespace may still be rt's own (the host's, as far as
 * the container is concerned): a sysctl written there changes the host. */
static int
netns_is_hosts (const char *path, bool *hosts, struct rt_error *err)
{
  struct stat mine, theirs;

  if (stat ("/proc/self/ns/net", &mine) < 0)
    return rt_error_set (err, errno, "stat /proc/self/ns/net");
  if (stat (path, &theirs) < 0)
    return rt_error_set (err, errno, "network namespace `%s`", path);
  *hosts = mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino;
  return 0;
}

static int
check_net (const oci_linux *l, struct rt_error *err)
{
  const oci_namespace *ns = find_ns (l, "network");
  bool hosts = false;

  if (ns == NULL)
    return rt_error_set (err, 0,
                         "needs a network namespace of the container's own: without one it would change the host's");
  if (ns->path == NULL || ns->path[0] == '\0')
    return 0;
  if (netns_is_hosts (ns->path, &hosts, err) < 0)
    return -1;
  if (hosts)
    return rt_error_set (err, 0, "the network namespace `%s` is the host's: the sysctl would change the host's",
                         ns->path);
  return 0;
}

static int
check_key (const oci_linux *l, const char *raw, struct rt_error *err)
{
  cleanup_free char *key = dotted (raw);

  if (key == NULL)
    return rt_error_set (err, ENOMEM, "sysctl");
  /* the key becomes a path below /proc/sys: it must stay there */
  if (key[0] == '\0' || key[0] == '.' || key[0] == '/' || strstr (key, "..") != NULL)
    return rt_error_set (err, 0, "invalid key");
  if (in_list (ipc_keys, key) || strncmp (key, "fs.mqueue.", 10) == 0)
    return find_ns (l, "ipc") ? 0
                              : rt_error_set (err, 0,
                                              "needs an ipc namespace (new or joined): without one it "
                                              "would change the host's");
  if (strncmp (key, "net.", 4) == 0)
    return check_net (l, err);
  if (strcmp (key, "kernel.hostname") == 0 || strcmp (key, "kernel.domainname") == 0)
    return find_ns (l, "uts") ? 0
                              : rt_error_set (err, 0,
                                              "needs a uts namespace (new or joined): without one it "
                                              "would change the host's");
  /* per-user-namespace counters (user.max_*), as runc allows them */
  if (strncmp (key, "user.", 5) == 0)
    return find_ns (l, "user") ? 0
                               : rt_error_set (err, 0,
                                               "needs a user namespace (new or joined): without one it "
                                               "would change the host's limits");
  return rt_error_set (err, 0, "\"%s\" is not in a namespace rt can isolate: it would change the host", raw);
}

int
rt_sysctl_check (const oci_config *cfg, struct rt_error *err)
{
  const oci_linux *l = cfg->linux;
  size_t i;

  for (i = 0; l && i < l->sysctl.len; i++)
    if (check_key (l, l->sysctl.keys[i], err) < 0)
      return rt_error_prefix (err, ".linux.sysctl[\"%s\"]", l->sysctl.keys[i]);
  return 0;
}

/* In the container's namespaces, before the rootfs is made read-only:
 * each key becomes its file below /proc/sys. */
int
rt_sysctl_apply (const oci_config *cfg, struct rt_error *err)
{
  size_t i;

  if (cfg->linux == NULL)
    return 0;
  for (i = 0; i < cfg->linux->sysctl.len; i++)
    {
      const char *key = cfg->linux->sysctl.keys[i], *value = cfg->linux->sysctl.values[i];
      cleanup_free char *path = NULL;
      char *p;

      if (strstr (key, "..") != NULL || key[0] == '/')
        return rt_error_set (err, 0, ".linux.sysctl[\"%s\"]: invalid key", key);
      if (asprintf (&path, "/proc/sys/%s", key) < 0)
        return rt_error_set (err, ENOMEM, "sysctl");
      for (p = path + 10; *p; p++)
        if (*p == '.')
          *p = '/';
      if (rt_write_file (path, value, strlen (value), err) < 0)
        return rt_error_prefix (err, ".linux.sysctl[\"%s\"]", key);
    }
  return 0;
}
