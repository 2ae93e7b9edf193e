/* util/fs.c in a temporary directory: whole-file reads and writes, the
 * atomic replace, mkdir -p, rm -rf that follows no link, and paths inside
 * a root that symlinks and ".." cannot leave. */
#include "util/fs.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/rt-test-fs.XXXXXX";
static int dfd = -1;

static void
setup (void)
{
  cr_assert_not_null (mkdtemp (dir));
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cr_assert_geq (dfd, 0);
}

static void
teardown (void)
{
  int fd = open ("/tmp", O_RDONLY | O_DIRECTORY);

  rt_rm_rf_at (fd, dir + strlen ("/tmp/"), NULL);
  close (fd);
  close (dfd);
}

TestSuite (fs, .init = setup, .fini = teardown);

static char *
at (const char *name)
{
  static char path[4096];

  snprintf (path, sizeof path, "%s/%s", dir, name);
  return path;
}

static char *
content (const char *name)
{
  char *data = NULL;

  cr_assert_eq (rt_read_file_at (dfd, name, &data, NULL, NULL), 0, "%s", name);
  return data;
}

static size_t
entries (void)
{
  DIR *d = opendir (dir);
  struct dirent *de;
  size_t n = 0;

  cr_assert_not_null (d);
  while ((de = readdir (d)) != NULL)
    n += strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0;
  closedir (d);
  return n;
}

Test (fs, read_and_write)
{
  struct rt_error err = RT_ERROR_INIT;
  char *big = malloc (100000), *data = NULL;
  size_t len = 0;

  cr_assert_lt (rt_write_file (at ("f"), "x", 1, &err), 0, "no file is created");
  cr_assert_eq (err.errnum, ENOENT);
  cr_assert_not_null (strstr (err.msg, "open `"));
  rt_error_clear (&err);
  cr_assert_lt (rt_read_file (at ("f"), &data, NULL, &err), 0);
  rt_error_clear (&err);

  memset (big, 'a', 100000);
  cr_assert_eq (rt_write_file_atomic_at (dfd, "f", big, 100000, 0600, &err), 0, "%s", err.msg);
  cr_assert_eq (rt_read_file (at ("f"), &data, &len, &err), 0);
  cr_assert_eq (len, 100000, "grows past its first buffer");
  cr_assert_eq (memcmp (data, big, len), 0);
  cr_assert_eq (data[len], '\0');
  free (data);
  cr_assert_eq (rt_write_file_at (dfd, "f", "bc", 2, &err), 0);
  data = content ("f");
  cr_assert_eq (strncmp (data, "bcaa", 4), 0, "one write at the start, no truncation (a cgroup file)");
  free (data);
  free (big);

  /* a directory or a fifo is not a file to read: a fifo must not hang */
  cr_assert_lt (rt_read_file (dir, &data, NULL, &err), 0);
  cr_assert_not_null (strstr (err.msg, "is not a regular file"));
  rt_error_clear (&err);
  cr_assert_eq (mkfifoat (dfd, "fifo", 0600), 0);
  cr_assert_lt (rt_read_file_at (dfd, "fifo", &data, NULL, &err), 0);
  cr_assert_not_null (strstr (err.msg, "`fifo` is not a regular file"));
  rt_error_clear (&err);
}

Test (fs, atomic_replace)
{
  struct rt_error err = RT_ERROR_INIT;
  struct stat st;
  char *data;

  cr_assert_eq (rt_write_file_atomic_at (dfd, "state.json", "{\"a\":1}", 7, 0640, &err), 0, "%s", err.msg);
  cr_assert_eq (rt_write_file_atomic_at (dfd, "state.json", "{}", 2, 0640, &err), 0, "%s", err.msg);
  data = content ("state.json");
  cr_assert_str_eq (data, "{}");
  free (data);
  cr_assert_eq (fstatat (dfd, "state.json", &st, 0), 0);
  cr_assert_eq (st.st_mode & 0777, 0640);
  cr_assert_eq (entries (), 1, "no temporary left behind");

  /* a stale temporary of a writer with our pid does not stop us */
  cr_assert_eq (rt_write_file_atomic_at (dfd, "x", "", 0, 0600, &err), 0);
  {
    char *tmp = NULL;
    cr_assert_geq (asprintf (&tmp, ".state.json.tmp.%d", getpid ()), 0);
    cr_assert_eq (renameat (dfd, "x", dfd, tmp), 0);
    free (tmp);
  }
  cr_assert_eq (rt_write_file_atomic_at (dfd, "state.json", "[]", 2, 0600, &err), 0, "%s", err.msg);
  data = content ("state.json");
  cr_assert_str_eq (data, "[]");
  free (data);
  cr_assert_eq (entries (), 1);

  /* a directory in the way stays, as rename(2) would leave it */
  cr_assert_eq (mkdirat (dfd, "d", 0700), 0);
  cr_assert_lt (rt_write_file_atomic_at (dfd, "d", "x", 1, 0600, &err), 0);
  cr_assert_not_null (strstr (err.msg, "`d`"), "%s", err.msg);
  rt_error_clear (&err);
  cr_assert_eq (fstatat (dfd, "d", &st, 0), 0);
  cr_assert (S_ISDIR (st.st_mode));
  cr_assert_eq (entries (), 2);
}

Test (fs, mkdir_p)
{
  struct rt_error err = RT_ERROR_INIT;
  struct stat st;

  cr_assert_eq (rt_mkdir_p (at ("a/b/c/"), 0700, &err), 0, "%s", err.msg);
  cr_assert_eq (stat (at ("a/b/c"), &st), 0);
  cr_assert (S_ISDIR (st.st_mode));
  cr_assert_eq (rt_mkdir_p (at ("a/b"), 0700, &err), 0, "an existing one");
  cr_assert_eq (rt_write_file_atomic_at (dfd, "file", "", 0, 0600, NULL), 0);
  cr_assert_lt (rt_mkdir_p (at ("file/sub"), 0700, &err), 0);
  cr_assert_eq (err.errnum, ENOTDIR);
  rt_error_clear (&err);
}

Test (fs, rm_rf_follows_no_link)
{
  char outside[] = "/tmp/rt-test-fs-outside.XXXXXX", *keep = NULL;
  struct rt_error err = RT_ERROR_INIT;
  struct stat st;

  cr_assert_not_null (mkdtemp (outside));
  cr_assert_geq (asprintf (&keep, "%s/keep", outside), 0);
  cr_assert_eq (rt_mkdir_p (keep, 0700, NULL), 0);
  cr_assert_eq (rt_mkdir_p (at ("t/a/b"), 0700, NULL), 0);
  cr_assert_eq (rt_write_file_atomic_at (dfd, "t/a/b/f", "x", 1, 0600, NULL), 0);
  cr_assert_eq (symlink (outside, at ("t/a/link")), 0);
  cr_assert_eq (rt_rm_rf_at (dfd, "t", &err), 0, "%s", err.msg);
  cr_assert_lt (fstatat (dfd, "t", &st, AT_SYMLINK_NOFOLLOW), 0);
  cr_assert_eq (stat (keep, &st), 0, "the link's target is not touched");
  cr_assert_eq (rt_rm_rf_at (dfd, "t", &err), 0, "gone already");
  /* a file or a link alone is unlinked */
  cr_assert_eq (symlink (outside, at ("l")), 0);
  cr_assert_eq (rt_rm_rf_at (dfd, "l", &err), 0);
  cr_assert_eq (stat (keep, &st), 0);
  rmdir (keep);
  rmdir (outside);
  free (keep);
}

Test (fs, readlink_any_length)
{
  char target[600];
  char *got;

  memset (target, 'x', sizeof target - 1);
  target[sizeof target - 1] = '\0';
  cr_assert_eq (symlinkat (target, dfd, "long"), 0);
  got = rt_readlinkat (dfd, "long");
  cr_assert_not_null (got);
  cr_assert_str_eq (got, target);
  free (got);
  cr_assert_null (rt_readlinkat (dfd, "nonexistent"));
  cr_assert_eq (errno, ENOENT);
}

/* The root is dir/root; outside of it, dir/secret. */
static int
root_with_links (void)
{
  int rootfd;

  cr_assert_eq (rt_mkdir_p (at ("root/etc"), 0700, NULL), 0);
  cr_assert_eq (rt_write_file_atomic_at (dfd, "secret", "host", 4, 0600, NULL), 0);
  cr_assert_eq (rt_write_file_atomic_at (dfd, "root/secret", "root", 4, 0600, NULL), 0);
  cr_assert_eq (symlink ("/secret", at ("root/abs")), 0);
  cr_assert_eq (symlink ("../../../secret", at ("root/etc/rel")), 0);
  cr_assert_eq (symlink ("/made/here", at ("root/dangling")), 0);
  rootfd = open (at ("root"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cr_assert_geq (rootfd, 0);
  return rootfd;
}

static char *
read_in_root (int rootfd, const char *path)
{
  struct rt_error err = RT_ERROR_INIT;
  int fd = rt_open_in_root (rootfd, path, O_RDONLY, 0, &err);
  char buf[16] = "";

  cr_assert_geq (fd, 0, "%s: %s", path, err.msg);
  cr_assert_gt (read (fd, buf, sizeof buf - 1), 0);
  close (fd);
  return strdup (buf);
}

Test (fs, open_in_root_stays_inside)
{
  int rootfd = root_with_links ();
  char *s;

  s = read_in_root (rootfd, "abs");
  cr_assert_str_eq (s, "root", "an absolute link resolves in the root");
  free (s);
  s = read_in_root (rootfd, "etc/rel");
  cr_assert_str_eq (s, "root", "\"..\" stops at the root");
  free (s);
  s = read_in_root (rootfd, "../../secret");
  cr_assert_str_eq (s, "root");
  free (s);
  close (rootfd);
}

Test (fs, mkpath_in_root)
{
  struct rt_error err = RT_ERROR_INIT;
  int rootfd = root_with_links (), fd;
  struct stat st;

  fd = rt_mkpath_in_root (rootfd, "a/b/c", true, &err);
  cr_assert_geq (fd, 0, "%s", err.msg);
  close (fd);
  cr_assert_eq (stat (at ("root/a/b/c"), &st), 0);
  cr_assert (S_ISDIR (st.st_mode));
  fd = rt_mkpath_in_root (rootfd, "/a/file", false, &err);
  cr_assert_geq (fd, 0, "%s", err.msg);
  close (fd);
  cr_assert_eq (stat (at ("root/a/file"), &st), 0);
  cr_assert (S_ISREG (st.st_mode));
  /* a dangling link: its target is made, inside the root */
  fd = rt_mkpath_in_root (rootfd, "dangling", true, &err);
  cr_assert_geq (fd, 0, "%s", err.msg);
  close (fd);
  cr_assert_eq (stat (at ("root/made/here"), &st), 0);
  cr_assert (S_ISDIR (st.st_mode));
  cr_assert_lt (stat (at ("made"), &st), 0);
  cr_assert_lt (rt_mkpath_in_root (rootfd, "secret/below", true, &err), 0, "below a file");
  rt_error_clear (&err);
  close (rootfd);
}

Test (fs, paths)
{
  char *cwd = getcwd (NULL, 0), *p, *want = NULL;

  p = rt_abspath ("/x/y");
  cr_assert_str_eq (p, "/x/y");
  free (p);
  p = rt_abspath (".");
  cr_assert_str_eq (p, cwd);
  free (p);
  p = rt_abspath ("bundle/rootfs");
  cr_assert_geq (asprintf (&want, "%s/bundle/rootfs", cwd), 0);
  cr_assert_str_eq (p, want);
  free (p);
  free (want);
  free (cwd);
  p = rt_fd_path (7);
  cr_assert_str_eq (p, "/proc/self/fd/7");
  free (p);
}
