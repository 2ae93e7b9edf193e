#include "container/state.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "cgroups/cgroup.h"
#include "container/status.h"
#include "util/cleanup.h"
#include "util/fs.h"

int
rt_state_check_id (const char *id, struct rt_error *err)
{
  const char *p;

  if (id == NULL || *id == '\0')
    return rt_error_set (err, 0, "the container id is empty");
  if (strcmp (id, ".") == 0 || strcmp (id, "..") == 0 || strlen (id) > 1024)
    return rt_error_set (err, 0, "invalid container id `%s`", id);
  for (p = id; *p; p++)
    if (!isalnum ((unsigned char) *p) && strchr ("_+-.", *p) == NULL)
      return rt_error_set (err, 0, "invalid container id `%s`: only letters, digits and _+-. are allowed", id);
  return 0;
}

static int
open_root (const char *root, bool create, struct rt_error *err)
{
  int fd;

  if (create && rt_mkdir_p (root, 0700, err) < 0)
    return rt_error_prefix (err, "state directory");
  fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return rt_error_set (err, errno, "open state directory `%s`", root);
  return fd;
}

static int
lock_dir (int fd, bool exclusive, const char *id, struct rt_error *err)
{
  if (flock (fd, exclusive ? LOCK_EX : LOCK_SH) < 0)
    return rt_error_set (err, errno, "lock container `%s`", id);
  return 0;
}

int
rt_state_dir_create (const char *root, const char *id, struct rt_error *err)
{
  cleanup_close int rootfd = -1;
  int fd;

  if (rt_state_check_id (id, err) < 0)
    return -1;
  rootfd = open_root (root, true, err);
  if (rootfd < 0)
    return -1;
  if (mkdirat (rootfd, id, 0700) < 0)
    {
      if (errno == EEXIST)
        return rt_error_set (err, 0, RT_ERR_EXISTS ": `%s`", id);
      return rt_error_set (err, errno, "create state directory `%s/%s`", root, id);
    }
  fd = openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return rt_error_set (err, errno, "open state directory `%s/%s`", root, id);
  if (lock_dir (fd, true, id, err) < 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

int
rt_state_dir_open (const char *root, const char *id, bool exclusive, struct rt_error *err)
{
  cleanup_close int rootfd = -1;

  if (rt_state_check_id (id, err) < 0)
    return -1;
  rootfd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0 && errno != ENOENT)
    return rt_error_set (err, errno, "open state directory `%s`", root);
  return rt_state_dir_openat (rootfd, id, exclusive, err);
}

int
rt_state_dir_openat (int rootfd, const char *id, bool exclusive, struct rt_error *err)
{
  int fd;

  if (rt_state_check_id (id, err) < 0)
    return -1;
  fd = rootfd < 0 ? -1 : openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    {
      if (rootfd < 0 || errno == ENOENT)
        {
          rt_error_set (err, 0, RT_ERR_NOT_EXIST ": `%s`", id);
          if (err)
            err->errnum = ENOENT; /* for delete --force */
          return -1;
        }
      return rt_error_set (err, errno, "open container `%s`", id);
    }
  /* readers need no lock: state.json is replaced atomically */
  if (exclusive && lock_dir (fd, true, id, err) < 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

int
rt_state_dir_remove (const char *root, const char *id, struct rt_error *err)
{
  cleanup_close int rootfd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (rootfd < 0)
    return errno == ENOENT ? 0 : rt_error_set (err, errno, "open state directory `%s`", root);
  return rt_rm_rf_at (rootfd, id, err);
}

static void
gen_str (yajl_gen g, const char *key, const char *value)
{
  if (value == NULL)
    return;
  yajl_gen_string (g, (const unsigned char *) key, strlen (key));
  yajl_gen_string (g, (const unsigned char *) value, strlen (value));
}

static void
gen_int (yajl_gen g, const char *key, long long value)
{
  yajl_gen_string (g, (const unsigned char *) key, strlen (key));
  yajl_gen_integer (g, value);
}

static void
gen_bool (yajl_gen g, const char *key, bool value)
{
  yajl_gen_string (g, (const unsigned char *) key, strlen (key));
  yajl_gen_bool (g, value);
}

int
rt_state_write (int dirfd, const struct rt_state *s, struct rt_error *err)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  const unsigned char *buf;
  size_t len, i;
  int ret;

  if (g == NULL)
    return rt_error_set (err, ENOMEM, "write state");
  yajl_gen_map_open (g);
  gen_str (g, "id", s->id);
  gen_int (g, "pid", s->pid);
  gen_int (g, "pidStartTime", (long long) s->start_time);
  gen_str (g, "bundle", s->bundle);
  gen_str (g, "rootfs", s->rootfs);
  gen_str (g, "created", s->created);
  yajl_gen_string (g, (const unsigned char *) "cgroupDirs", 10);
  yajl_gen_array_open (g);
  for (i = 0; i < s->cgroup_dirs_len; i++)
    yajl_gen_string (g, (const unsigned char *) s->cgroup_dirs[i], strlen (s->cgroup_dirs[i]));
  yajl_gen_array_close (g);
  gen_bool (g, "creating", s->creating);
  gen_bool (g, "systemd", s->systemd);
  gen_bool (g, "rootless", s->rootless);
  gen_bool (g, "cgroupShared", s->cgroup_shared);
  if (s->checkpointed)
    gen_bool (g, "checkpointed", true);
  yajl_gen_string (g, (const unsigned char *) "annotations", 11);
  yajl_gen_map_open (g);
  for (i = 0; i < s->annotations.len; i++)
    {
      yajl_gen_string (g, (const unsigned char *) s->annotations.keys[i], strlen (s->annotations.keys[i]));
      yajl_gen_string (g, (const unsigned char *) s->annotations.values[i], strlen (s->annotations.values[i]));
    }
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);
  yajl_gen_get_buf (g, &buf, &len);
  ret = rt_write_file_atomic_at (dirfd, RT_STATE_FILE, (const char *) buf, len, 0600, err);
  yajl_gen_free (g);
  return ret;
}

static char *
tree_str (yajl_val root, const char *key)
{
  const char *path[] = { key, NULL };
  yajl_val v = yajl_tree_get (root, path, yajl_t_string);
  const char *str = v ? YAJL_GET_STRING (v) : NULL;

  return str ? strdup (str) : NULL;
}

static long long
tree_int (yajl_val root, const char *key)
{
  const char *path[] = { key, NULL };
  yajl_val v = yajl_tree_get (root, path, yajl_t_number);
  return v && YAJL_IS_INTEGER (v) ? YAJL_GET_INTEGER (v) : 0;
}

static bool
tree_bool (yajl_val root, const char *key)
{
  const char *path[] = { key, NULL };
  yajl_val v = yajl_tree_get (root, path, yajl_t_true);
  return v != NULL;
}

int
rt_state_read (int dirfd, struct rt_state *s, struct rt_error *err)
{
  cleanup_free char *data = NULL;
  const char *apath[] = { "annotations", NULL };
  const char *dpath[] = { "cgroupDirs", NULL };
  char errbuf[256];
  yajl_val root, ann, dirs;
  size_t i;

  memset (s, 0, sizeof *s);
  if (rt_read_file_at (dirfd, RT_STATE_FILE, &data, NULL, err) < 0)
    {
      /* a create killed before its first state write: no container yet */
      if (err && err->errnum == ENOENT)
        {
          rt_error_set (err, 0,
                        RT_ERR_NOT_EXIST " (its creation was interrupted: "
                                         "`rt delete --force` removes what is left)");
          if (err)
            err->errnum = ENOENT;
          return -1;
        }
      return -1;
    }
  root = yajl_tree_parse (data, errbuf, sizeof errbuf);
  if (root == NULL)
    return rt_error_set (err, 0, "corrupt state file: %s", errbuf);
  s->id = tree_str (root, "id");
  s->pid = (pid_t) tree_int (root, "pid");
  s->start_time = (unsigned long long) tree_int (root, "pidStartTime");
  s->bundle = tree_str (root, "bundle");
  s->rootfs = tree_str (root, "rootfs");
  s->created = tree_str (root, "created");
  dirs = yajl_tree_get (root, dpath, yajl_t_array);
  __typeof__ (YAJL_GET_ARRAY (dirs)) arr = YAJL_GET_ARRAY (dirs);
  for (i = 0; arr != NULL && i < arr->len; i++)
    if (YAJL_IS_STRING (arr->values[i]))
      oci_strv_append (&s->cgroup_dirs, &s->cgroup_dirs_len, YAJL_GET_STRING (arr->values[i]));
  s->creating = tree_bool (root, "creating");
  s->systemd = tree_bool (root, "systemd");
  s->rootless = tree_bool (root, "rootless");
  s->cgroup_shared = tree_bool (root, "cgroupShared");
  s->checkpointed = tree_bool (root, "checkpointed");
  ann = yajl_tree_get (root, apath, yajl_t_object);
  __typeof__ (YAJL_GET_OBJECT (ann)) obj = YAJL_GET_OBJECT (ann);
  for (i = 0; obj != NULL && i < obj->len; i++)
    if (YAJL_IS_STRING (obj->values[i]))
      oci_strmap_set (&s->annotations, obj->keys[i], YAJL_GET_STRING (obj->values[i]));
  yajl_tree_free (root);
  if (s->id == NULL || s->bundle == NULL)
    return rt_error_set (err, 0, "corrupt state file: missing id or bundle");
  return 0;
}

void
rt_state_free (struct rt_state *s)
{
  size_t i;

  free (s->id);
  free (s->bundle);
  free (s->rootfs);
  free (s->created);
  for (i = 0; i < s->cgroup_dirs_len; i++)
    free (s->cgroup_dirs[i]);
  free (s->cgroup_dirs);
  for (i = 0; i < s->annotations.len; i++)
    {
      free (s->annotations.keys[i]);
      free (s->annotations.values[i]);
    }
  free (s->annotations.keys);
  free (s->annotations.values);
  memset (s, 0, sizeof *s);
}

oci_config *
rt_state_config (int dirfd)
{
  cleanup_free char *data = NULL;
  char *perr = NULL;
  size_t len;
  oci_config *c;

  if (rt_read_file_at (dirfd, RT_CONFIG_FILE, &data, &len, NULL) < 0)
    return NULL;
  c = oci_config_parse (data, len, "config.json", &perr);
  free (perr);
  return c;
}

/* Field 22; the command (field 2) may hold spaces and parentheses, so the
 * fields are counted from its last ')'. A zombie counts as gone (0): the
 * container's process has exited. */
unsigned long long
rt_proc_stat_start_time (const char *data)
{
  unsigned long long start = 0;
  const char *p;
  char state;
  int field;

  p = strrchr (data, ')');
  /* a text cut after the ')' has no state to read past it */
  if (p == NULL || p[1] != ' ' || sscanf (p + 2, "%c", &state) != 1 || state == 'Z' || state == 'X')
    return 0;
  for (field = 3; field <= 22 && p != NULL; field++)
    p = strchr (p + 1, ' ');
  if (p == NULL || sscanf (p + 1, "%llu", &start) != 1)
    return 0;
  return start;
}

/* 0 when the process is gone. One read into the stack: `list` asks this
 * for every container. */
unsigned long long
rt_proc_start_time (pid_t pid)
{
  cleanup_free char *path = NULL;
  char data[2048];
  ssize_t n;
  int fd;

  if (asprintf (&path, "/proc/%d/stat", (int) pid) < 0)
    return 0;
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  do
    n = read (fd, data, sizeof data - 1);
  while (n < 0 && errno == EINTR);
  close (fd);
  if (n <= 0)
    return 0;
  data[n] = '\0';
  return rt_proc_stat_start_time (data);
}

bool
rt_state_process_alive (const struct rt_state *s)
{
  unsigned long long now;

  if (s->pid <= 0)
    return false;
  now = rt_proc_start_time (s->pid);
  return now != 0 && now == s->start_time;
}

/* Does pid still run this binary (the container's init before its exec)? */
static bool
still_rt (pid_t pid)
{
  cleanup_free char *path = NULL;
  struct stat mine, theirs;

  if (asprintf (&path, "/proc/%d/exe", pid) < 0 || stat ("/proc/self/exe", &mine) < 0 || stat (path, &theirs) < 0)
    return true;
  return mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino;
}

const char *
rt_state_status (int dirfd, const struct rt_state *s)
{
  if (s->creating)
    return "creating";
  if (!rt_state_process_alive (s))
    return "stopped";
  /* a `start` killed between releasing the process and removing the fifo
   * leaves the fifo behind: the process has left rt's binary by then */
  if (faccessat (dirfd, RT_FIFO_FILE, F_OK, AT_SYMLINK_NOFOLLOW) == 0 && still_rt (s->pid))
    return "created";
  if (rt_cgroup_is_frozen (&(struct rt_cgroup){ .dirs = s->cgroup_dirs, .len = s->cgroup_dirs_len }))
    return "paused";
  return "running";
}

int
rt_state_to_oci (int dirfd, const struct rt_state *s, oci_state *out, struct rt_error *err)
{
  const char *status = rt_state_status (dirfd, s);
  size_t i;

  memset (out, 0, sizeof *out);
  out->oci_version = oci_strdup (OCI_SPEC_VERSION);
  out->id = oci_strdup (s->id);
  out->status = oci_strdup (status);
  out->pid = strcmp (status, "stopped") == 0 ? 0 : s->pid;
  out->bundle = oci_strdup (s->bundle);
  for (i = 0; i < s->annotations.len; i++)
    if (oci_strmap_set (&out->annotations, s->annotations.keys[i], s->annotations.values[i]) < 0)
      return rt_error_set (err, ENOMEM, "state");
  return 0;
}
