/* What rt says to CRIU and reads back (kernel/criu_rpc.c), and what it
 * tells CRIU of a container's mounts (container/criu_req.c). The bytes are
 * protobuf's, field numbers as in CRIU's rpc.proto. */
#include "container/criu_req.h"
#include "kernel/criu_rpc.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static bool
has_bytes (const unsigned char *buf, size_t len, const char *want, size_t n)
{
  size_t i;

  for (i = 0; i + n <= len; i++)
    if (memcmp (buf + i, want, n) == 0)
      return true;
  return false;
}

#define HAS(buf, len, lit) has_bytes (buf, len, lit, sizeof (lit) - 1)

Test (criu_rpc, notify_answer)
{
  struct rt_criu_req r;
  unsigned char *buf;
  size_t len;

  rt_criu_req_init (&r, RT_CRIU_NOTIFY);
  r.notify_success = true;
  cr_assert_eq (rt_criu_req_encode (&r, &buf, &len), 0);
  /* type = NOTIFY (field 1), notify_success = true (field 3), no options */
  cr_assert_eq (len, 4);
  cr_assert_eq (memcmp (buf, "\x08\x06\x18\x01", 4), 0);
  free (buf);
}

Test (criu_rpc, dump_options)
{
  struct rt_criu_req r;
  unsigned char *buf;
  size_t len;

  rt_criu_req_init (&r, RT_CRIU_DUMP);
  r.images_dir_fd = 5;
  r.pid = 300;
  r.root = "/r";
  r.leave_running = true;
  r.manage_cgroups_mode = RT_CRIU_CG_SOFT;
  r.ps_port = 27;
  cr_assert_eq (rt_criu_kvs_add (&r.ext_mnt, "/a", "/b"), 0);
  cr_assert_eq (rt_criu_req_add_external (&r, "net[1]:k"), 0);
  cr_assert_eq (rt_criu_req_encode (&r, &buf, &len), 0);
  cr_assert_eq (memcmp (buf, "\x08\x01\x12", 3), 0, "type DUMP, then the options (field 2)");
  cr_assert (HAS (buf, len, "\x08\x05"), "images_dir_fd");
  cr_assert (HAS (buf, len, "\x10\xac\x02"), "pid 300 as a varint");
  cr_assert (HAS (buf, len, "\x18\x01"), "leave_running");
  cr_assert (HAS (buf, len, "\x6a\x02/r"), "root");
  cr_assert (HAS (buf, len, "\xba\x01\x08\x0a\x02/a\x12\x02/b"), "ext_mnt {key, val}");
  cr_assert (HAS (buf, len, "\x90\x02\x03"), "manage_cgroups_mode soft");
  cr_assert (HAS (buf, len, "\xaa\x02\x08net[1]:k"), "external");
  cr_assert (HAS (buf, len, "\x5a\x02\x10\x1b"), "ps {port 27}");
  cr_assert (!HAS (buf, len, "\x88\x01"), "work_dir_fd unset is not sent");
  cr_assert_eq (buf[2], 0x12);
  cr_assert_eq ((size_t) buf[3] + 4, len, "the options are the rest of the message");
  free (buf);
  rt_criu_req_free (&r);
}

Test (criu_rpc, restore_answer)
{
  /* type RESTORE, success, restore {pid 42}, an unknown varint field 11 */
  static const unsigned char msg[] = { 0x08, 0x02, 0x10, 0x01, 0x22, 0x02, 0x08, 0x2a, 0x58, 0x07 };
  struct rt_criu_resp r;

  cr_assert_eq (rt_criu_resp_decode (msg, sizeof msg, &r), 0);
  cr_assert_eq (r.type, RT_CRIU_RESTORE);
  cr_assert (r.success);
  cr_assert_eq (r.restore_pid, 42);
  rt_criu_resp_free (&r);
}

Test (criu_rpc, notify_and_failure)
{
  static const unsigned char notify[] = { 0x08, 0x06, 0x10, 0x01, 0x2a, 0x0d, 0x0a, 0x09, 'p', 'o',
                                          's',  't',  '-',  'd',  'u',  'm',  'p',  0x10, 0x07 };
  /* a failed dump: cr_errno -1 (ten bytes, as protobuf sends a negative
   * int32), cr_errmsg "bad" */
  static const unsigned char failed[] = { 0x08, 0x01, 0x10, 0x00, 0x38, 0xff, 0xff, 0xff, 0xff, 0xff,
                                          0xff, 0xff, 0xff, 0xff, 0x01, 0x4a, 0x03, 'b',  'a',  'd' };
  struct rt_criu_resp r;

  cr_assert_eq (rt_criu_resp_decode (notify, sizeof notify, &r), 0);
  cr_assert_eq (r.type, RT_CRIU_NOTIFY);
  cr_assert_str_eq (r.notify_script, "post-dump");
  cr_assert_eq (r.notify_pid, 7);
  rt_criu_resp_free (&r);
  cr_assert_eq (rt_criu_resp_decode (failed, sizeof failed, &r), 0);
  cr_assert (!r.success);
  cr_assert_eq (r.cr_errno, -1);
  cr_assert_str_eq (r.cr_errmsg, "bad");
  rt_criu_resp_free (&r);
}

Test (criu_rpc, malformed)
{
  static const unsigned char truncated[] = { 0x08, 0x02, 0x22, 0x05, 0x08 };
  static const unsigned char endless[] = { 0x08, 0x82 };
  static const unsigned char wire7[] = { 0x0f, 0x00 };
  struct rt_criu_resp r;

  cr_assert_eq (rt_criu_resp_decode (truncated, sizeof truncated, &r), -1, "a length past the end");
  cr_assert_eq (rt_criu_resp_decode (endless, sizeof endless, &r), -1, "a varint that does not end");
  cr_assert_eq (rt_criu_resp_decode (wire7, sizeof wire7, &r), -1, "no such wire type");
}

Test (criu_rpc, cgroup_modes)
{
  cr_assert_eq (rt_criu_cg_mode_parse ("soft"), RT_CRIU_CG_SOFT);
  cr_assert_eq (rt_criu_cg_mode_parse ("full"), RT_CRIU_CG_FULL);
  cr_assert_eq (rt_criu_cg_mode_parse ("strict"), RT_CRIU_CG_STRICT);
  cr_assert_eq (rt_criu_cg_mode_parse ("ignore"), RT_CRIU_CG_IGNORE);
  cr_assert_eq (rt_criu_cg_mode_parse ("props"), -1, "runc's words only");
}

Test (criu_rpc, first_logged_error)
{
  static const char log[] = "(00.000100) Version: 3.17.1\n"
                            "(00.012000) Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds\n"
                            "(00.013000) Error (criu/crtools.c:260): Could not initialize kernel features detection.\n";
  char *e = rt_criu_log_first_error (log, sizeof log - 1);

  cr_assert_str_eq (e, "vdso: Unexpected rt vDSO area bounds");
  free (e);
  cr_assert_null (rt_criu_log_first_error ("(00.1) Dumping finished successfully", 36));
}

static bool
only_null (const char *path, void *data)
{
  (void) data;
  return strcmp (path, "/proc/kcore") == 0;
}

static const char *
ext_val (const struct rt_criu_kvs *l, const char *key)
{
  size_t i;

  for (i = 0; i < l->len; i++)
    if (strcmp (l->v[i].key, key) == 0)
      return l->v[i].val;
  return NULL;
}

Test (criu_plan, external_mounts)
{
  oci_mount bind = { .destination = (char *) "/data", .source = (char *) "/srv/data", .type = (char *) "bind" };
  char *rbind_opts[] = { (char *) "rbind", (char *) "ro" };
  oci_mount rbind = { .destination = (char *) "/etc/hosts",
                      .source = (char *) "/tmp/hosts",
                      .type = (char *) "none",
                      .options = rbind_opts,
                      .options_len = 2 };
  oci_mount proc = { .destination = (char *) "/proc", .source = (char *) "proc", .type = (char *) "proc" };
  oci_mount *mounts[] = { &proc, &bind, &rbind };
  char *masked[] = { (char *) "/proc/kcore", (char *) "/proc/acpi" };
  oci_device dev = { .path = (char *) "/dev/fuse" };
  oci_device *devices[] = { &dev };
  oci_linux l = { .masked_paths = masked, .masked_paths_len = 2, .devices = devices, .devices_len = 1 };
  oci_config cfg = { .mounts = mounts, .mounts_len = 3, .linux = &l };
  struct rt_criu_kvs dump = { 0 }, restore = { 0 };

  cr_assert_eq (rt_criu_plan_mounts (&cfg, false, false, only_null, NULL, &dump), 0);
  cr_assert_eq (dump.len, 3, "two binds and the masked file, not proc nor the masked directory");
  cr_assert_str_eq (ext_val (&dump, "/data"), "/data", "at a dump the value is the key");
  cr_assert_str_eq (ext_val (&dump, "/etc/hosts"), "/etc/hosts");
  cr_assert_str_eq (ext_val (&dump, "/proc/kcore"), "/proc/kcore");
  cr_assert_null (ext_val (&dump, "/proc/acpi"));
  cr_assert_eq (rt_criu_plan_mounts (&cfg, true, true, NULL, NULL, &restore), 0);
  cr_assert_str_eq (ext_val (&restore, "/data"), "/srv/data", "at a restore: what to bind now");
  cr_assert_str_eq (ext_val (&restore, "/proc/kcore"), "/dev/null");
  cr_assert_str_eq (ext_val (&restore, "/proc/acpi"), "/dev/null", "every masked path at a restore");
  cr_assert_str_eq (ext_val (&restore, "/dev/fuse"), "/dev/fuse", "devices bound in a user namespace");
  cr_assert_str_eq (ext_val (&restore, "/dev/null"), "/dev/null", "and the default ones");
  rt_criu_kvs_free (&dump);
  rt_criu_kvs_free (&restore);
}

Test (criu_plan, namespaces_by_path)
{
  cr_assert_str_eq (rt_criu_ns_of ("network")->ext_key, RT_CRIU_EXT_NETNS, "a pod's network is external");
  cr_assert_str_eq (rt_criu_ns_of ("network")->criu, "net");
  cr_assert_str_eq (rt_criu_ns_of ("pid")->ext_key, RT_CRIU_EXT_PIDNS);
  cr_assert_null (rt_criu_ns_of ("ipc")->ext_key, "ipc is joined at the restore");
  cr_assert_str_eq (rt_criu_ns_of ("time")->criu, "time");
  cr_assert_null (rt_criu_ns_of ("mount"), "CRIU makes the mount namespace itself");
  cr_assert_null (rt_criu_ns_of ("user"));
}
