#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"

int
rt_read_file_at (int dirfd, const char *path, char **out, size_t *len, struct rt_error *err)
{
  /* O_NONBLOCK: a fifo in place of a file must not hang rt at open */
  cleanup_close int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  cleanup_free char *buf = NULL;
  size_t size = 0, cap = 0;
  struct stat st;

  if (fd < 0)
    return rt_error_set (err, errno, "open `%s`", path);
  if (fstat (fd, &st) < 0)
    return rt_error_set (err, errno, "stat `%s`", path);
  if (!S_ISREG (st.st_mode))
    return rt_error_set (err, 0, "`%s` is not a regular file", path);
  for (;;)
    {
      ssize_t n;

      if (cap - size < 4096)
        {
          size_t ncap = cap ? cap * 2 : 8192;
          char *nbuf = realloc (buf, ncap);
          if (nbuf == NULL)
            return rt_error_set (err, ENOMEM, "read `%s`", path);
          buf = nbuf;
          cap = ncap;
        }
      n = read (fd, buf + size, cap - size - 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return rt_error_set (err, errno, "read `%s`", path);
      if (n == 0)
        break;
      size += n;
    }
  buf[size] = '\0';
  if (len)
    *len = size;
  *out = rt_steal_ptr (&buf);
  return 0;
}

int
rt_read_file (const char *path, char **out, size_t *len, struct rt_error *err)
{
  return rt_read_file_at (AT_FDCWD, path, out, len, err);
}

int
rt_write_file_at (int dirfd, const char *path, const char *data, size_t len, struct rt_error *err)
{
  cleanup_close int fd = openat (dirfd, path, O_WRONLY | O_CLOEXEC);
  ssize_t n;

  if (fd < 0)
    return rt_error_set (err, errno, "open `%s`", path);
  do
    n = write (fd, data, len);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return rt_error_set (err, errno, "write `%.*s` to `%s`", (int) (len > 64 ? 64 : len), data, path);
  if ((size_t) n != len)
    return rt_error_set (err, EIO, "short write to `%s`", path);
  return 0;
}

int
rt_write_file (const char *path, const char *data, size_t len, struct rt_error *err)
{
  return rt_write_file_at (AT_FDCWD, path, data, len, err);
}

static int
write_all (int fd, const char *data, size_t len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      data += n;
      len -= n;
    }
  return 0;
}

/* The data is written to an unnamed file (O_TMPFILE) that only gets a name
 * once complete, so a writer killed mid-way leaves nothing behind; where
 * the filesystem has no O_TMPFILE a named temporary stands in. */
static int
open_unnamed (int dirfd, const char *tmp, mode_t mode, bool *named)
{
  int fd = openat (dirfd, ".", O_WRONLY | O_TMPFILE | O_CLOEXEC, mode);

  *named = fd < 0;
  if (fd < 0)
    fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  return fd;
}

char *
rt_fd_path (int fd)
{
  char *p = NULL;
  return asprintf (&p, "/proc/self/fd/%d", fd) < 0 ? NULL : p;
}

/* Names an unnamed file. AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH before
 * Linux 6.10 (ENOENT without it: a user, rootless): the fd's /proc link
 * names the same file for anyone. */
static int
link_fd (int fd, int dirfd, const char *name)
{
  cleanup_free char *proc = NULL;

  if (linkat (fd, "", dirfd, name, AT_EMPTY_PATH) == 0)
    return 0;
  if (errno != ENOENT)
    return -1;
  proc = rt_fd_path (fd);
  if (proc == NULL)
    {
      errno = ENOMEM;
      return -1;
    }
  return linkat (AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW);
}

/* a stale temporary of a dead writer with our pid must not stop us */
static int
link_unnamed (int fd, int dirfd, const char *tmp)
{
  if (link_fd (fd, dirfd, tmp) == 0)
    return 0;
  if (errno != EEXIST || unlinkat (dirfd, tmp, 0) < 0)
    return -1;
  return link_fd (fd, dirfd, tmp);
}

/* Puts the complete file TMP in place of NAME. A swap (RENAME_EXCHANGE)
 * and an unlink, not a rename over NAME: ext4 writes a file renamed over
 * another out to disk at once (auto_da_alloc), five times the cost here.
 * Killed between the two, the old content stays behind as TMP, which a
 * reader never opens and delete removes with the directory. */
static int
replace_with (int dirfd, const char *tmp, const char *name)
{
  if (renameat2 (dirfd, tmp, dirfd, name, RENAME_EXCHANGE) == 0)
    {
      if (unlinkat (dirfd, tmp, 0) == 0 || errno != EISDIR)
        return 0; /* the new content is in place: an old copy left over is harmless */
      /* NAME was a directory, which a rename would not have replaced: put
       * it back and fail as rename does */
      if (renameat2 (dirfd, tmp, dirfd, name, RENAME_EXCHANGE) == 0)
        errno = EISDIR;
      return -1;
    }
  if (errno != EINVAL && errno != ENOENT)
    return -1;
  /* no swap on this filesystem, or NAME vanished in between */
  return renameat (dirfd, tmp, dirfd, name);
}

int
rt_write_file_atomic_at (int dirfd, const char *name, const char *data, size_t len, mode_t mode, struct rt_error *err)
{
  cleanup_free char *tmp = NULL;
  cleanup_close int fd = -1;
  bool named;
  int e;

  if (asprintf (&tmp, ".%s.tmp.%d", name, getpid ()) < 0)
    return rt_error_set (err, ENOMEM, "write `%s`", name);
  fd = open_unnamed (dirfd, tmp, mode, &named);
  if (fd < 0)
    return rt_error_set (err, errno, "create `%s`", tmp);
  if (write_all (fd, data, len) < 0)
    {
      e = errno;
      if (named)
        unlinkat (dirfd, tmp, 0);
      return rt_error_set (err, e, "write `%s`", tmp);
    }
  if (!named)
    {
      /* a first write needs no temporary name at all */
      if (link_fd (fd, dirfd, name) == 0)
        return 0;
      if (errno != EEXIST)
        return rt_error_set (err, errno, "link `%s`", name);
      if (link_unnamed (fd, dirfd, tmp) < 0)
        return rt_error_set (err, errno, "link `%s`", tmp);
    }
  if (replace_with (dirfd, tmp, name) < 0)
    {
      e = errno;
      unlinkat (dirfd, tmp, 0);
      return rt_error_set (err, e, "replace `%s`", name);
    }
  return 0;
}

/* From the full path back to the first ancestor that exists, then forward
 * again: usually one mkdir, where walking down from / would take one per
 * component. */
int
rt_mkdir_p (const char *path, mode_t mode, struct rt_error *err)
{
  cleanup_free char *copy = strdup (path);
  char *p, *end;

  if (copy == NULL)
    return rt_error_set (err, ENOMEM, "mkdir `%s`", path);
  end = copy + strlen (copy);
  while (end > copy + 1 && end[-1] == '/')
    *--end = '\0';
  p = end;
  while (mkdir (copy, mode) < 0)
    {
      if (errno == EEXIST)
        break;
      if (errno != ENOENT || (p = strrchr (copy, '/')) == NULL || p == copy)
        return rt_error_set (err, errno, "mkdir `%s`", copy);
      *p = '\0';
    }
  /* forward again over the components cut off above */
  while (p < end)
    {
      *p = '/';
      p += strlen (p);
      if (mkdir (copy, mode) < 0 && errno != EEXIST)
        return rt_error_set (err, errno, "mkdir `%s`", copy);
    }
  return 0;
}

int
rt_rm_rf_at (int parentfd, const char *name, struct rt_error *err)
{
  cleanup_close int fd = openat (parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  DIR *d;
  struct dirent *de;

  if (fd < 0)
    {
      if (errno == ENOTDIR || errno == ELOOP)
        return unlinkat (parentfd, name, 0) < 0 && errno != ENOENT ? rt_error_set (err, errno, "unlink `%s`", name) : 0;
      return errno == ENOENT ? 0 : rt_error_set (err, errno, "open `%s`", name);
    }
  d = fdopendir (rt_steal_fd (&fd));
  if (d == NULL)
    return rt_error_set (err, errno, "opendir `%s`", name);
  while ((de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (de->d_type == DT_DIR)
        {
          if (rt_rm_rf_at (dirfd (d), de->d_name, err) < 0)
            {
              closedir (d);
              return -1;
            }
        }
      else if (unlinkat (dirfd (d), de->d_name, 0) < 0 && errno != ENOENT)
        {
          closedir (d);
          return rt_error_set (err, errno, "unlink `%s/%s`", name, de->d_name);
        }
    }
  closedir (d);
  if (unlinkat (parentfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return rt_error_set (err, errno, "rmdir `%s`", name);
  return 0;
}

char *
rt_readlinkat (int dirfd, const char *path)
{
  size_t size = 128;

  for (;;)
    {
      char *buf = malloc (size);
      ssize_t n;

      if (buf == NULL)
        return NULL;
      n = readlinkat (dirfd, path, buf, size);
      if (n >= 0 && (size_t) n < size)
        {
          buf[n] = '\0';
          return buf;
        }
      free (buf);
      if (n < 0)
        return NULL;
      size *= 2;
    }
}

/* Fallback for kernels without openat2: walk component by component,
 * restarting symlinks from the root, and clamp ".." at the root. */
static int
open_in_root_walk (int rootfd, const char *path, int flags, mode_t mode, int depth)
{
  cleanup_free char *copy = strdup (path);
  cleanup_close int cur = -1;
  char *save = NULL, *comp, *next;

  if (copy == NULL || depth > 40)
    {
      errno = copy == NULL ? ENOMEM : ELOOP;
      return -1;
    }
  cur = openat (rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (cur < 0)
    return -1;
  for (comp = strtok_r (copy, "/", &save); comp != NULL; comp = next)
    {
      struct stat st;
      int fd;

      next = strtok_r (NULL, "/", &save);
      if (strcmp (comp, ".") == 0)
        continue;
      if (strcmp (comp, "..") == 0)
        comp = "."; /* never above the root: the caller passes clean paths */
      if (fstatat (cur, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode))
        {
          cleanup_free char *target = rt_readlinkat (cur, comp);
          cleanup_free char *full = NULL;

          if (target == NULL)
            return -1;
          /* a relative link restarts from the root: conservative, never outside */
          if (next == NULL)
            return open_in_root_walk (rootfd, target, flags, mode, depth + 1);
          if (asprintf (&full, "%s/%s", target, path + (next - copy)) < 0)
            return -1;
          return open_in_root_walk (rootfd, full, flags, mode, depth + 1);
        }
      fd = openat (cur, comp, next ? (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : (flags | O_NOFOLLOW), mode);
      if (fd < 0)
        return -1;
      close (cur);
      cur = fd;
    }
  return rt_steal_fd (&cur);
}

int
rt_open_in_root (int rootfd, const char *path, int flags, mode_t mode, struct rt_error *err)
{
  struct open_how how = { .flags = (unsigned) (flags | O_CLOEXEC), .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  int fd;

  if (flags & (O_CREAT | O_TMPFILE))
    how.mode = mode;
  fd = (int) syscall (SYS_openat2, rootfd, path, &how, sizeof how);
  if (fd < 0 && errno == ENOSYS)
    fd = open_in_root_walk (rootfd, path, flags | O_CLOEXEC, mode, 0);
  if (fd < 0)
    return rt_error_set (err, errno, "open `%s` inside the root", path);
  return fd;
}

static int mkpath (int rootfd, const char *path, bool is_dir, int depth, struct rt_error *err);

/* A dangling symlink in the way: what it points to is made instead, inside
 * the root (as runc does for a mount destination), symlinks within
 * symlinks followed as deep as the kernel would. */
static int
make_link_target (int rootfd, int parent, const char *path, const char *base, bool is_dir, int depth,
                  struct rt_error *err)
{
  cleanup_free char *target = rt_readlinkat (parent, base), *joined = NULL;
  int fd;

  if (target == NULL)
    return rt_error_set (err, errno, "readlink `%s` inside the root", path);
  if (depth >= 40)
    return rt_error_set (err, ELOOP, "create `%s` inside the root", path);
  if (target[0] == '/')
    joined = strdup (target);
  else if (asprintf (&joined, "%.*s/%s", (int) (base - path), path, target) < 0)
    joined = NULL;
  if (joined == NULL)
    return rt_error_set (err, ENOMEM, "mkpath `%s`", path);
  fd = mkpath (rootfd, joined, is_dir, depth + 1, err);
  if (fd < 0)
    return -1;
  close (fd);
  return 0;
}

/* The last component of copy, made in its (already safe) parent: a
 * directory, or an empty file; a dangling symlink there makes its target. */
static int
make_component (int rootfd, int parent, char *copy, bool is_dir, int depth, struct rt_error *err)
{
  char *slash = strrchr (copy, '/');
  const char *base = slash ? slash + 1 : copy;
  struct stat st;
  int r;

  if (is_dir)
    r = mkdirat (parent, base, 0755);
  else
    {
      r = openat (parent, base, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0755);
      if (r >= 0)
        {
          close (r);
          r = 0;
        }
    }
  if (r == 0 || errno != EEXIST)
    return r == 0 ? 0 : rt_error_set (err, errno, "create `%s` inside the root", copy);
  /* in the way, yet not found from the root: a symlink that leads nowhere */
  if (fstatat (parent, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode))
    return make_link_target (rootfd, parent, copy, base, is_dir, depth, err);
  return 0;
}

/* Most destinations exist, or lack only their last component: the whole
 * path is tried first, then its parent, each resolved inside the root. */
static int
mkpath (int rootfd, const char *path, bool is_dir, int depth, struct rt_error *err)
{
  cleanup_free char *copy = NULL;
  cleanup_close int made = -1;
  int parent = rootfd; /* a top-level component's */
  char *end, *slash;
  int fd = rt_open_in_root (rootfd, path, O_PATH, 0, NULL);

  if (fd >= 0 || errno != ENOENT)
    return fd >= 0 ? fd : rt_error_set (err, errno, "open `%s` inside the root", path);
  copy = strdup (path);
  if (copy == NULL)
    return rt_error_set (err, ENOMEM, "mkpath `%s`", path);
  end = copy + strlen (copy);
  while (end > copy + 1 && end[-1] == '/')
    *--end = '\0';
  if (*copy == '\0')
    return rt_error_set (err, EINVAL, "empty path");
  slash = strrchr (copy, '/');
  if (slash != NULL && slash != copy)
    {
      *slash = '\0';
      made = mkpath (rootfd, copy, true, depth, err);
      parent = made;
      *slash = '/';
    }
  if (parent < 0 || make_component (rootfd, parent, copy, is_dir, depth, err) < 0)
    return -1;
  return rt_open_in_root (rootfd, copy, O_PATH, 0, err);
}

int
rt_mkpath_in_root (int rootfd, const char *path, bool is_dir, struct rt_error *err)
{
  return mkpath (rootfd, path, is_dir, 0, err);
}

char *
rt_abspath (const char *path)
{
  cleanup_free char *cwd = NULL;
  char *r = NULL;

  if (path[0] == '/')
    return strdup (path);
  cwd = getcwd (NULL, 0);
  if (cwd == NULL)
    return NULL;
  if (strcmp (path, ".") == 0)
    return rt_steal_ptr (&cwd);
  if (asprintf (&r, "%s/%s", cwd, path) < 0)
    return NULL;
  return r;
}

char *
rt_subpath_clean (const char *path)
{
  char *out = malloc (strlen (path) + 1);
  size_t len = 0;
  const char *p = path;

  if (out == NULL)
    return NULL;
  while (*p)
    {
      size_t n = strcspn (p, "/");
      if (n == 2 && p[0] == '.' && p[1] == '.')
        {
          if (len == 0)
            {
              free (out);
              errno = EINVAL;
              return NULL;
            }
          while (len > 0 && out[len - 1] != '/')
            len--;
          if (len > 0)
            len--; /* the '/' before the dropped component */
        }
      else if (n > 0 && !(n == 1 && p[0] == '.'))
        {
          if (len > 0)
            out[len++] = '/';
          memcpy (out + len, p, n);
          len += n;
        }
      p += n;
      while (*p == '/')
        p++;
    }
  out[len] = '\0';
  return out;
}
