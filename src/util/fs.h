/* File helpers: whole-file reads and atomic writes, directories, and
 * resolution of paths inside a root that never escapes it. */
#ifndef RT_FS_H
#define RT_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

/* Read a whole file (any size); *out is NUL-terminated. dirfd may be AT_FDCWD. */
/* "/proc/self/fd/FD", heap. */
char *rt_fd_path (int fd);
int rt_read_file_at (int dirfd, const char *path, char **out, size_t *len, struct rt_error *err);
int rt_read_file (const char *path, char **out, size_t *len, struct rt_error *err);

/* Write data to an existing file (cgroup and /proc knobs): one write call. */
int rt_write_file_at (int dirfd, const char *path, const char *data, size_t len, struct rt_error *err);
int rt_write_file (const char *path, const char *data, size_t len, struct rt_error *err);

/* Write to a temporary file in the same directory, fsync-free, and rename
 * it over `name`: readers see the old or the new content, never half. */
int rt_write_file_atomic_at (int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                             struct rt_error *err);

int rt_mkdir_p (const char *path, mode_t mode, struct rt_error *err);

/* Remove a directory tree below dirfd/name (no symlink following). */
int rt_rm_rf_at (int dirfd, const char *name, struct rt_error *err);

/* Open `path` inside `rootfd` as if rootfd were "/": symlinks and ".." never
 * leave the root (openat2 RESOLVE_IN_ROOT, with a careful fallback walk). */
int rt_open_in_root (int rootfd, const char *path, int flags, mode_t mode, struct rt_error *err);

/* Create every missing component of `path` inside rootfd, the last one as a
 * directory (is_dir) or an empty file; returns an O_PATH fd of it. */
int rt_mkpath_in_root (int rootfd, const char *path, bool is_dir, struct rt_error *err);

/* path made lexically clean and relative ("a/./b//../c" -> "a/c", "/" and
 * "" -> ""), as a heap string; NULL with errno EINVAL when its ".." lead
 * above its start (it is not below whatever it is joined to). */
char *rt_subpath_clean (const char *path);

/* readlink into a heap string; NULL with errno set on failure. */
char *rt_readlinkat (int dirfd, const char *path);

/* Make an absolute path from a path relative to cwd. */
char *rt_abspath (const char *path);

#endif
