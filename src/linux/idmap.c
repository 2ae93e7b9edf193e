#include "linux/idmap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/fs.h"

static int
write_map (pid_t pid, const char *file, oci_id_mapping *const *m, size_t n, const char *what, struct rt_error *err)
{
  cleanup_free char *path = NULL, *buf = NULL;
  size_t len = 0, i;

  if (n == 0)
    return rt_error_set (err, 0, ".linux.%s: a new user namespace needs mappings", what);
  for (i = 0; i < n; i++)
    {
      char *nbuf = NULL;
      if (asprintf (&nbuf, "%s%u %u %u\n", buf ? buf : "", m[i]->container_id, m[i]->host_id, m[i]->size) < 0)
        return rt_error_set (err, ENOMEM, "id map");
      free (buf);
      buf = nbuf;
    }
  len = strlen (buf);
  if (asprintf (&path, "/proc/%d/%s", pid, file) < 0)
    return rt_error_set (err, ENOMEM, "id map");
  if (rt_write_file (path, buf, len, err) < 0)
    return rt_error_prefix (err, ".linux.%s", what);
  return 0;
}

int
rt_idmap_write (pid_t pid, const oci_config *cfg, const struct rt_namespaces *ns, struct rt_error *err)
{
  const oci_linux *l = cfg->linux;

  if (!rt_namespaces_new (ns, "user"))
    return 0;
  if (write_map (pid, "gid_map", l->gid_mappings, l->gid_mappings_len, "gidMappings", err) < 0
      || write_map (pid, "uid_map", l->uid_mappings, l->uid_mappings_len, "uidMappings", err) < 0)
    return -1;
  return 0;
}
