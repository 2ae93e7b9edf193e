/* A config mount's options, sorted into what mount(2), mount_setattr and
 * rt itself do with them. Pure: no syscalls, unit-tested. */
#ifndef RT_MOUNT_OPTS_H
#define RT_MOUNT_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "ocispec.h"
#include "util/error.h"

struct rt_mount_opts
{
  unsigned long flags;       /* mount(2) flags */
  unsigned long propagation; /* MS_SHARED etc, 0 for none */
  uint64_t attr_set;         /* mount_setattr, recursive */
  uint64_t attr_clr;
  char *data; /* unknown options, comma-joined: filesystem data */
  bool bind;
  bool tmpcopyup;
  bool idmap;        /* idmap or ridmap */
  bool ridmap;       /* the idmapping applies to submounts too */
  bool src_nofollow; /* a symlink source is bound itself, not its target */
  bool copy_symlink; /* a symlink source is recreated at the destination */
  /* crun's `idmap=uids=A-B-C#...;gids=...`: each triplet a map line */
  oci_id_mapping **uid_map;
  size_t uid_map_len;
  oci_id_mapping **gid_map;
  size_t gid_map_len;
};

/* type "bind", or a bind or rbind option: from the config alone, its options
 * unparsed (mounts.c asks the parsed ones) */
bool rt_mount_wants_bind (const oci_mount *m);

int rt_mount_opts_parse (char **options, size_t n, struct rt_mount_opts *o, struct rt_error *err);
void rt_mount_opts_free (struct rt_mount_opts *o);

/* Removes the first gid=N option from comma-separated filesystem data, in
 * place; false if there is none. */
bool rt_mount_data_drop_gid (char *data);

#endif
