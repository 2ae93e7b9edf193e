/* tmpcopyup: the tmpfs starts with a copy of what it covers, read through
 * an fd opened before the mount hid it: files, directories, symlinks and
 * nodes, with their modes and owners. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/mount_parts.h"
#include "util/cleanup.h"
#include "util/fs.h"

static int copy_tree (int from, int to, struct rt_error *err);

static int
copy_file (int from, int to, const char *name, const struct stat *st, struct rt_error *err)
{
  cleanup_close int in = openat (from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_close int out = -1;
  char buf[65536];
  ssize_t n;

  if (in < 0)
    return rt_error_set (err, errno, "tmpcopyup: open `%s`", name);
  out = openat (to, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st->st_mode & 07777);
  if (out < 0)
    return rt_error_set (err, errno, "tmpcopyup: create `%s`", name);
  while ((n = read (in, buf, sizeof buf)) > 0)
    if (write (out, buf, (size_t) n) != n)
      return rt_error_set (err, errno, "tmpcopyup: write `%s`", name);
  if (n < 0)
    return rt_error_set (err, errno, "tmpcopyup: read `%s`", name);
  return 0;
}

static int
copy_entry (int from, int to, const char *name, struct rt_error *err)
{
  struct stat st;

  if (fstatat (from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return rt_error_set (err, errno, "tmpcopyup: stat `%s`", name);
  if (S_ISDIR (st.st_mode))
    {
      cleanup_close int sub_from = -1, sub_to = -1;
      if (mkdirat (to, name, st.st_mode & 07777) < 0)
        return rt_error_set (err, errno, "tmpcopyup: mkdir `%s`", name);
      sub_from = openat (from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      sub_to = openat (to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub_from < 0 || sub_to < 0 || copy_tree (sub_from, sub_to, err) < 0)
        return err && err->msg ? -1 : rt_error_set (err, errno, "tmpcopyup: `%s`", name);
    }
  else if (S_ISLNK (st.st_mode))
    {
      cleanup_free char *target = rt_readlinkat (from, name);
      if (target == NULL || symlinkat (target, to, name) < 0)
        return rt_error_set (err, errno, "tmpcopyup: symlink `%s`", name);
    }
  else if (S_ISREG (st.st_mode))
    {
      if (copy_file (from, to, name, &st, err) < 0)
        return -1;
    }
  else if (mknodat (to, name, st.st_mode, st.st_rdev) < 0)
    return rt_error_set (err, errno, "tmpcopyup: mknod `%s`", name);
  if (fchownat (to, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
    return rt_error_set (err, errno, "tmpcopyup: chown `%s`", name);
  return 0;
}

static int
copy_tree (int from, int to, struct rt_error *err)
{
  DIR *d = fdopendir (dup (from));
  struct dirent *de;
  int ret = 0;

  if (d == NULL)
    return rt_error_set (err, errno, "tmpcopyup: opendir");
  while (ret == 0 && (de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      ret = copy_entry (from, to, de->d_name, err);
  closedir (d);
  return ret;
}

int
rt_tmpcopyup (int from, int to, struct rt_error *err)
{
  return copy_tree (from, to, err);
}
