/* Mount options: what mount(2), mount_setattr and rt each get, crun's
 * idmap=uids=...;gids=... maps, and the errors that name what is wrong. */
#include "kernel/mount_opts.h"

#include <criterion/criterion.h>
#include <linux/mount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

static int
parse (const char *const *opts, size_t n, struct rt_mount_opts *o, struct rt_error *err)
{
  return rt_mount_opts_parse ((char **) opts, n, o, err);
}

Test (mount_opts, flags_attrs_and_data)
{
  const char *opts[] = { "nosuid", "ro", "rw", "rnoexec", "rslave", "size=64k", "mode=755", "bind" };
  struct rt_mount_opts o;
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_eq (parse (opts, 8, &o, &err), 0);
  cr_assert (o.flags & MS_NOSUID);
  cr_assert_not (o.flags & MS_RDONLY, "rw after ro clears it");
  cr_assert (o.attr_set & MOUNT_ATTR_NOEXEC);
  cr_assert_eq (o.propagation, MS_SLAVE | MS_REC);
  cr_assert (o.bind);
  cr_assert_str_eq (o.data, "size=64k,mode=755");
  rt_mount_opts_free (&o);
}

Test (mount_opts, crun_idmap_value)
{
  const char *opts[] = { "rbind", "ridmap=uids=0-1000-10#10-2000-5;gids=0-100-1" };
  struct rt_mount_opts o;
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_eq (parse (opts, 2, &o, &err), 0, "%s", err.msg);
  cr_assert (o.idmap && o.ridmap);
  cr_assert_eq (o.uid_map_len, 2);
  cr_assert_eq (o.uid_map[1]->container_id, 10);
  cr_assert_eq (o.uid_map[1]->host_id, 2000);
  cr_assert_eq (o.uid_map[1]->size, 5);
  cr_assert_eq (o.gid_map_len, 1);
  cr_assert_eq (o.gid_map[0]->host_id, 100);
  cr_assert_null (o.data, "the maps are not filesystem data");
  rt_mount_opts_free (&o);
}

Test (mount_opts, symlink_options)
{
  const char *both[] = { "bind", "src-nofollow", "copy-symlink" };
  const char *one[] = { "bind", "copy-symlink" };
  struct rt_mount_opts o;
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_eq (parse (one, 2, &o, &err), 0);
  cr_assert (o.copy_symlink && !o.src_nofollow);
  rt_mount_opts_free (&o);
  cr_assert_eq (parse (both, 3, &o, &err), -1);
  cr_assert_str_eq (err.msg, "copy-symlink and src-nofollow exclude each other");
  rt_error_clear (&err);
}

Test (mount_opts, bad_idmap_values)
{
  static const struct
  {
    const char *opt, *msg;
  } cases[] = {
    { "idmap=uids=0-1-x;gids=0-1-1",
      "`idmap=uids=0-1-x;gids=0-1-1`: invalid mapping (expected A-B-C triplets joined by #)" },
    { "idmap=uids=0-1-1", "`idmap=uids=0-1-1`: an id-mapped mount needs both uids= and gids=" },
    { "idmap=users=0-1-1", "`idmap=users=0-1-1`: expected uids=... or gids=..." },
    { "idmap=uids=@1-3-10;gids=0-1-1",
      "`idmap=uids=@1-3-10;gids=0-1-1`: mappings relative to the container's (`@`) are not supported" },
    { "idmap=uids=0-1-99999999999;gids=0-1-1",
      "`idmap=uids=0-1-99999999999;gids=0-1-1`: invalid mapping (expected A-B-C triplets joined by #)" },
  };
  size_t i;

  for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      const char *opts[] = { "bind", cases[i].opt };
      struct rt_mount_opts o;
      struct rt_error err = RT_ERROR_INIT;

      cr_assert_eq (parse (opts, 2, &o, &err), -1, "%s", cases[i].opt);
      cr_assert_str_eq (err.msg, cases[i].msg);
      rt_error_clear (&err);
    }
}

/* devpts data without the gid= a user namespace may not map */
Test (mount_opts, drop_gid)
{
  char mid[] = "newinstance,gid=5,mode=620", last[] = "mode=620,gid=5", only[] = "gid=5", none[] = "mode=620";

  cr_assert (rt_mount_data_drop_gid (mid));
  cr_assert_str_eq (mid, "newinstance,mode=620");
  cr_assert (rt_mount_data_drop_gid (last));
  cr_assert_str_eq (last, "mode=620");
  cr_assert (rt_mount_data_drop_gid (only));
  cr_assert_str_eq (only, "");
  cr_assert_not (rt_mount_data_drop_gid (none));
  cr_assert_str_eq (none, "mode=620");
}
