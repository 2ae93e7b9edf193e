/* The state store (container/state.c) in a temporary directory: ids, the
 * container directories and their locks, state.json written and read back,
 * the status from the process, the fifo and the freezer, and the start
 * time that tells a live process from a reused pid. */
#include "container/state.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.h"

static char root[] = "/tmp/rt-test-state.XXXXXX";

static void
setup (void)
{
  cr_assert_not_null (mkdtemp (root));
}

static void
teardown (void)
{
  int fd = open ("/tmp", O_RDONLY | O_DIRECTORY);

  rt_rm_rf_at (fd, root + strlen ("/tmp/"), NULL);
  close (fd);
}

TestSuite (state, .init = setup, .fini = teardown);

static void
assert_id_refused (const char *id, const char *want)
{
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_lt (rt_state_check_id (id, &err), 0, "`%s` accepted", id);
  cr_assert_not_null (strstr (err.msg, want), "`%s` does not say `%s`", err.msg, want);
  free (err.msg);
}

Test (state, ids)
{
  char long_id[1100];

  cr_assert_eq (rt_state_check_id ("a", NULL), 0);
  cr_assert_eq (rt_state_check_id ("web_1.2+3-x", NULL), 0);
  cr_assert_eq (rt_state_check_id ("...", NULL), 0);
  assert_id_refused (NULL, "the container id is empty");
  assert_id_refused ("", "the container id is empty");
  assert_id_refused (".", "invalid container id `.`");
  assert_id_refused ("..", "invalid container id `..`");
  assert_id_refused ("a/b", "only letters, digits and _+-. are allowed");
  assert_id_refused ("a b", "only letters");
  assert_id_refused ("é", "only letters");
  memset (long_id, 'a', sizeof long_id - 1);
  long_id[sizeof long_id - 1] = '\0';
  assert_id_refused (long_id, "invalid container id");
}

Test (state, directories_and_locks)
{
  struct rt_error err = RT_ERROR_INIT;
  char *sub = NULL;
  int fd, again;

  cr_assert_geq (asprintf (&sub, "%s/made/below", root), 0);
  fd = rt_state_dir_create (sub, "c1", &err);
  cr_assert_geq (fd, 0, "%s", err.msg);
  /* held exclusively: another lock on it cannot be taken */
  again = rt_state_dir_open (sub, "c1", false, &err);
  cr_assert_geq (again, 0);
  cr_assert_lt (flock (again, LOCK_SH | LOCK_NB), 0);
  cr_assert_eq (errno, EWOULDBLOCK);
  close (again);

  cr_assert_lt (rt_state_dir_create (sub, "c1", &err), 0);
  cr_assert_str_eq (err.msg, "container with given ID already exists: `c1`");
  rt_error_clear (&err);
  cr_assert_lt (rt_state_dir_create (sub, "../c1", &err), 0);
  rt_error_clear (&err);
  close (fd);

  fd = rt_state_dir_open (sub, "c1", true, &err);
  cr_assert_geq (fd, 0, "%s", err.msg);
  close (fd);

  cr_assert_eq (rt_state_dir_remove (sub, "c1", &err), 0, "%s", err.msg);
  cr_assert_lt (rt_state_dir_open (sub, "c1", false, &err), 0);
  cr_assert_str_eq (err.msg, "container does not exist: `c1`");
  cr_assert_eq (err.errnum, ENOENT, "for delete --force");
  rt_error_clear (&err);
  /* no state directory at all: no container either */
  cr_assert_lt (rt_state_dir_open ("/nonexistent/rt", "c1", false, &err), 0);
  cr_assert_eq (err.errnum, ENOENT);
  rt_error_clear (&err);
  cr_assert_eq (rt_state_dir_remove ("/nonexistent/rt", "c1", &err), 0);
  cr_assert_lt (rt_state_dir_open (sub, "", false, &err), 0);
  rt_error_clear (&err);
  free (sub);
}

static int
container_dir (const char *id)
{
  struct rt_error err = RT_ERROR_INIT;
  int fd = rt_state_dir_create (root, id, &err);

  cr_assert_geq (fd, 0, "%s", err.msg);
  return fd;
}

Test (state, written_and_read_back)
{
  struct rt_error err = RT_ERROR_INIT;
  char *dirs[] = { (char *) "/sys/fs/cgroup/a", (char *) "/sys/fs/cgroup/cpu/a" };
  struct rt_state in = {
    .id = (char *) "c1",
    .pid = 1234,
    .start_time = 987654321ULL,
    .bundle = (char *) "/b \"quoted\"",
    .rootfs = (char *) "/b/rootfs",
    .created = (char *) "2026-12-06T10:00:00.123456789Z",
    .cgroup_dirs = dirs,
    .cgroup_dirs_len = 2,
    .systemd = true,
    .cgroup_shared = true,
    .checkpointed = true,
  };
  struct rt_state out;
  int fd = container_dir ("c1");

  cr_assert_eq (oci_strmap_set (&in.annotations, "org.example/key", "value"), 0);
  cr_assert_eq (oci_strmap_set (&in.annotations, "empty", ""), 0);
  cr_assert_eq (rt_state_write (fd, &in, &err), 0, "%s", err.msg);
  cr_assert_eq (rt_state_read (fd, &out, &err), 0, "%s", err.msg);
  cr_assert_str_eq (out.id, "c1");
  cr_assert_eq (out.pid, 1234);
  cr_assert_eq (out.start_time, 987654321ULL);
  cr_assert_str_eq (out.bundle, in.bundle);
  cr_assert_str_eq (out.rootfs, in.rootfs);
  cr_assert_str_eq (out.created, in.created);
  cr_assert_eq (out.cgroup_dirs_len, 2);
  cr_assert_str_eq (out.cgroup_dirs[1], "/sys/fs/cgroup/cpu/a");
  cr_assert_not (out.creating);
  cr_assert (out.systemd);
  cr_assert_not (out.rootless);
  cr_assert (out.cgroup_shared);
  cr_assert (out.checkpointed);
  cr_assert_eq (out.annotations.len, 2);
  cr_assert_str_eq (out.annotations.keys[0], "org.example/key");
  cr_assert_str_eq (out.annotations.values[0], "value");
  cr_assert_str_eq (out.annotations.values[1], "");
  rt_state_free (&out);
  cr_assert_null (out.id);

  /* the least a state has: no rootfs, no cgroup, creating */
  memset (&in, 0, sizeof in);
  in.id = (char *) "c1";
  in.bundle = (char *) "/b";
  in.creating = true;
  in.rootless = true;
  cr_assert_eq (rt_state_write (fd, &in, &err), 0, "%s", err.msg);
  cr_assert_eq (rt_state_read (fd, &out, &err), 0, "%s", err.msg);
  cr_assert_null (out.rootfs);
  cr_assert_eq (out.cgroup_dirs_len, 0);
  cr_assert (out.creating);
  cr_assert (out.rootless);
  cr_assert_not (out.checkpointed);
  cr_assert_str_eq (rt_state_status (fd, &out), "creating");
  rt_state_free (&out);
  close (fd);
}

/* rt_state_to_oci's strings (the struct is the caller's). */
static void
oci_state_fini (oci_state *o)
{
  size_t i;

  free (o->oci_version);
  free (o->id);
  free (o->status);
  free (o->bundle);
  for (i = 0; i < o->annotations.len; i++)
    {
      free (o->annotations.keys[i]);
      free (o->annotations.values[i]);
    }
  free (o->annotations.keys);
  free (o->annotations.values);
}

static void
write_state_file (int fd, const char *json)
{
  cr_assert_eq (rt_write_file_atomic_at (fd, RT_STATE_FILE, json, strlen (json), 0600, NULL), 0);
}

Test (state, bad_state_files)
{
  struct rt_error err = RT_ERROR_INIT;
  struct rt_state s;
  int fd = container_dir ("c1");

  /* a create killed before its first write */
  cr_assert_lt (rt_state_read (fd, &s, &err), 0);
  cr_assert_not_null (strstr (err.msg, "container does not exist (its creation was interrupted"));
  cr_assert_eq (err.errnum, ENOENT);
  rt_error_clear (&err);

  write_state_file (fd, "{\"id\":");
  cr_assert_lt (rt_state_read (fd, &s, &err), 0);
  cr_assert_not_null (strstr (err.msg, "corrupt state file: "));
  rt_error_clear (&err);

  write_state_file (fd, "{\"id\":\"c1\"}");
  cr_assert_lt (rt_state_read (fd, &s, &err), 0);
  cr_assert_str_eq (err.msg, "corrupt state file: missing id or bundle");
  rt_error_clear (&err);
  rt_state_free (&s);

  /* values of the wrong type are left out, not trusted */
  write_state_file (fd, "{\"id\":\"c1\",\"bundle\":\"/b\",\"pid\":\"12\",\"cgroupDirs\":[1,\"/x\"],"
                        "\"annotations\":{\"a\":1,\"b\":\"2\"},\"systemd\":\"yes\"}");
  cr_assert_eq (rt_state_read (fd, &s, &err), 0, "%s", err.msg);
  cr_assert_eq (s.pid, 0);
  cr_assert_eq (s.cgroup_dirs_len, 1);
  cr_assert_str_eq (s.cgroup_dirs[0], "/x");
  cr_assert_eq (s.annotations.len, 1);
  cr_assert_str_eq (s.annotations.keys[0], "b");
  cr_assert_not (s.systemd);
  rt_state_free (&s);
  close (fd);
}

Test (state, stored_config)
{
  static const char config[] = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                               "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},\"hostname\":\"h\"}";
  int fd = container_dir ("c1");
  oci_config *c;

  cr_assert_null (rt_state_config (fd), "none stored");
  cr_assert_eq (rt_write_file_atomic_at (fd, RT_CONFIG_FILE, "{", 1, 0600, NULL), 0);
  cr_assert_null (rt_state_config (fd), "unreadable");
  cr_assert_eq (rt_write_file_atomic_at (fd, RT_CONFIG_FILE, config, strlen (config), 0600, NULL), 0);
  c = rt_state_config (fd);
  cr_assert_not_null (c);
  cr_assert_str_eq (c->hostname, "h");
  oci_config_free (c);
  close (fd);
}

/* Field 22, counted from the command's last ')': a command may hold both
 * spaces and parentheses. */
Test (state, start_time_from_stat)
{
  cr_assert_eq (rt_proc_stat_start_time ("42 (sh) S 1 42 42 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 5150 "
                                         "2551808 198 18446744073709551615\n"),
                5150);
  cr_assert_eq (rt_proc_stat_start_time ("42 (a) b (c) R 1 42 42 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 "
                                         "77 0 0\n"),
                77);
  cr_assert_eq (rt_proc_stat_start_time ("42 (sh) Z 1 42 42 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 5150 0\n"), 0,
                "a zombie has exited");
  cr_assert_eq (rt_proc_stat_start_time ("42 (sh) X 1 42 42 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 5150 0\n"), 0);
  cr_assert_eq (rt_proc_stat_start_time ("42 (sh) S 1 42 42"), 0, "cut short");
  cr_assert_eq (rt_proc_stat_start_time ("42 (sh)"), 0);
  cr_assert_eq (rt_proc_stat_start_time ("42 sh S"), 0);
  cr_assert_eq (rt_proc_stat_start_time (""), 0);
}

Test (state, start_time_of_a_live_process)
{
  struct rt_state s = { .pid = getpid () };

  s.start_time = rt_proc_start_time (s.pid);
  cr_assert_gt (s.start_time, 0);
  cr_assert (rt_state_process_alive (&s));
  s.start_time++;
  cr_assert_not (rt_state_process_alive (&s), "the pid was reused");
  s.pid = 0;
  cr_assert_not (rt_state_process_alive (&s));
  cr_assert_eq (rt_proc_start_time (-1), 0);
}

/* The status of a state whose process is this test: the fifo says
 * created (the process still runs rt's binary, here the test's own), the
 * freezer paused; stopped once the start time no longer matches. */
Test (state, status_and_oci_state)
{
  struct rt_error err = RT_ERROR_INIT;
  char *cg = NULL, *dirs[1];
  struct rt_state s = { .id = (char *) "c1", .bundle = (char *) "/b", .pid = getpid () };
  oci_state o;
  int fd = container_dir ("c1");

  cr_assert_geq (asprintf (&cg, "%s/cgroup", root), 0);
  cr_assert_eq (mkdir (cg, 0700), 0);
  dirs[0] = cg;
  s.cgroup_dirs = dirs;
  s.cgroup_dirs_len = 1;
  s.start_time = rt_proc_start_time (s.pid);
  cr_assert_eq (oci_strmap_set (&s.annotations, "k", "v"), 0);

  cr_assert_str_eq (rt_state_status (fd, &s), "running");
  cr_assert_eq (mkfifoat (fd, RT_FIFO_FILE, 0600), 0);
  cr_assert_str_eq (rt_state_status (fd, &s), "created");
  cr_assert_eq (unlinkat (fd, RT_FIFO_FILE, 0), 0);
  {
    int cgfd = open (cg, O_RDONLY | O_DIRECTORY);
    cr_assert_eq (rt_write_file_atomic_at (cgfd, "cgroup.freeze", "1\n", 2, 0600, NULL), 0);
    cr_assert_str_eq (rt_state_status (fd, &s), "paused");
    cr_assert_eq (rt_state_to_oci (fd, &s, &o, &err), 0, "%s", err.msg);
    cr_assert_str_eq (o.status, "paused");
    cr_assert_eq (o.pid, getpid ());
    cr_assert_str_eq (o.id, "c1");
    cr_assert_str_eq (o.bundle, "/b");
    cr_assert_str_eq (o.oci_version, OCI_SPEC_VERSION);
    cr_assert_eq (o.annotations.len, 1);
    oci_state_fini (&o);
    close (cgfd);
  }

  s.start_time++;
  cr_assert_str_eq (rt_state_status (fd, &s), "stopped");
  cr_assert_eq (rt_state_to_oci (fd, &s, &o, &err), 0, "%s", err.msg);
  cr_assert_str_eq (o.status, "stopped");
  cr_assert_eq (o.pid, 0, "a stopped container has no pid");
  oci_state_fini (&o);
  free (s.annotations.keys[0]);
  free (s.annotations.values[0]);
  free (s.annotations.keys);
  free (s.annotations.values);
  free (cg);
  close (fd);
}
