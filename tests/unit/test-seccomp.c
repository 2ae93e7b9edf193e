/* kernel/seccomp.c up to the load: a profile compiled to BPF (libseccomp
 * needs no privilege for that), its refusals with their JSON paths, the
 * flags for seccomp(2), the agent's connection and message. Nothing here
 * loads a filter. */
#include "kernel/seccomp.h"

#include <criterion/criterion.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static oci_config *cfg;

/* A config whose .linux.seccomp is `json`. */
static const oci_seccomp *
profile (const char *json)
{
  char *doc = NULL, *perr = NULL;

  oci_config_free (cfg);
  cr_assert_geq (asprintf (&doc,
                           "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                           "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},\"linux\":{\"seccomp\":%s}}",
                           json),
                 0);
  cfg = oci_config_parse (doc, strlen (doc), "config.json", &perr);
  cr_assert_not_null (cfg, "%s: %s", doc, perr ? perr : "?");
  free (doc);
  return cfg->linux->seccomp;
}

static void
done (void)
{
  oci_config_free (cfg);
  cfg = NULL;
}

TestSuite (seccomp, .fini = done);

static void
compile_ok (const char *json, struct rt_seccomp *out)
{
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_eq (rt_seccomp_compile (profile (json), out, &err), 0, "%s: %s", json, err.msg);
  cr_assert_not_null (out->filter);
  cr_assert_gt (out->len, 0);
}

static void
assert_refused (const char *json, const char *want)
{
  struct rt_error err = RT_ERROR_INIT;
  struct rt_seccomp out;

  cr_assert_lt (rt_seccomp_compile (profile (json), &out, &err), 0, "accepted: %s", json);
  cr_assert_not_null (err.msg);
  cr_assert_not_null (strstr (err.msg, want), "`%s` does not say `%s`", err.msg, want);
  cr_assert_null (out.filter, "freed on failure");
  free (err.msg);
}

Test (seccomp, no_profile_no_filter)
{
  struct rt_error err = RT_ERROR_INIT;
  struct rt_seccomp out;

  cr_assert_eq (rt_seccomp_compile (NULL, &out, &err), 0);
  cr_assert_null (out.filter);
  cr_assert_eq (out.len, 0);
  /* loading nothing is a no-op, not a syscall */
  cr_assert_eq (rt_seccomp_load (&out, &err), 0);
  cr_assert_eq (rt_seccomp_load (NULL, &err), 0);
}

Test (seccomp, compiles_a_profile)
{
  struct rt_seccomp out;

  compile_ok ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
              "{\"names\":[\"mkdir\",\"rmdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1},"
              "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\"},"
              "{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_LOG\","
              "\"args\":[{\"index\":1,\"value\":9,\"op\":\"SCMP_CMP_EQ\"}]}]}",
              &out);
  cr_assert_eq (out.flags, 0);
  cr_assert_not (out.notify);
  cr_assert_not (out.has_listener);
  /* the last instruction of a BPF program returns */
  cr_assert_eq (BPF_CLASS (((struct sock_filter *) out.filter)[out.len - 1].code), BPF_RET);
  rt_seccomp_free (&out);
  cr_assert_null (out.filter);
}

Test (seccomp, every_action)
{
  static const char *const actions[] = {
    "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
    "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE",        "SCMP_ACT_LOG",
  };
  size_t i;

  for (i = 0; i < sizeof actions / sizeof *actions; i++)
    {
      struct rt_seccomp out;
      char *json = NULL;

      cr_assert_geq (asprintf (&json,
                               "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                               "{\"names\":[\"mkdir\"],\"action\":\"%s\"}]}",
                               actions[i]),
                     0);
      compile_ok (json, &out);
      rt_seccomp_free (&out);
      free (json);
    }
}

/* A default that refuses gets the ENOSYS prefix for syscalls newer than
 * the profile; one that allows does not. */
Test (seccomp, enosys_prefix_for_a_refusing_default)
{
  struct rt_seccomp allow, errno_default;

  compile_ok ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
              "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
              &allow);
  compile_ok ("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,\"syscalls\":["
              "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
              &errno_default);
  cr_assert_gt (errno_default.len, allow.len);
  rt_seccomp_free (&allow);
  rt_seccomp_free (&errno_default);
  /* with no syscall named, there is no highest number: no prefix */
  compile_ok ("{\"defaultAction\":\"SCMP_ACT_KILL\",\"architectures\":[\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"]}", &allow);
  rt_seccomp_free (&allow);
}

Test (seccomp, unknown_syscalls_are_skipped)
{
  struct rt_seccomp out;

  compile_ok ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
              "{\"names\":[\"no_such_syscall\",\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
              &out);
  rt_seccomp_free (&out);
}

Test (seccomp, rules_like_the_default_are_left_out)
{
  struct rt_seccomp bare, same;

  compile_ok ("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}", &bare);
  compile_ok ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
              "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
              &same);
  cr_assert_eq (same.len, bare.len);
  rt_seccomp_free (&bare);
  rt_seccomp_free (&same);
}

/* Two conditions on one argument cannot be ANDed by libseccomp: one rule
 * each (runc's way), which compiles. */
Test (seccomp, two_conditions_on_one_argument)
{
  struct rt_seccomp out;

  compile_ok ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"personality\"],"
              "\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
              "{\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"},"
              "{\"index\":0,\"value\":131072,\"op\":\"SCMP_CMP_EQ\"}]}]}",
              &out);
  rt_seccomp_free (&out);
  compile_ok ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"clone\"],"
              "\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
              "{\"index\":0,\"value\":2114060288,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"},"
              "{\"index\":1,\"value\":0,\"op\":\"SCMP_CMP_NE\"}]}]}",
              &out);
  rt_seccomp_free (&out);
}

Test (seccomp, architectures)
{
  struct rt_seccomp out;

  compile_ok ("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\","
              "\"SCMP_ARCH_X32\",\"SCMP_ARCH_AARCH64\"],\"syscalls\":["
              "{\"names\":[\"read\",\"write\",\"exit_group\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
              &out);
  rt_seccomp_free (&out);
}

Test (seccomp, refusals_name_their_path)
{
  assert_refused ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultErrnoRet\":1}",
                  ".linux.seccomp.defaultAction: SCMP_ACT_ALLOW takes no errnoRet");
  assert_refused ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                  "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_KILL\",\"errnoRet\":1}]}",
                  ".linux.seccomp.syscalls[0].action: SCMP_ACT_KILL takes no errnoRet");
  assert_refused ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
                  "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":6,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                  ".linux.seccomp.syscalls[0].args[0]: index must be 0 to 5");
}

Test (seccomp, flags)
{
  struct rt_seccomp out;

  compile_ok ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\","
              "\"SECCOMP_FILTER_FLAG_LOG\",\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"]}",
              &out);
  cr_assert_eq (out.flags, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW);
  rt_seccomp_free (&out);
  /* without a listener the kernel refuses WAIT_KILLABLE_RECV alone */
  compile_ok ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"]}", &out);
  cr_assert_eq (out.flags, 0);
  rt_seccomp_free (&out);
}

Test (seccomp, notify_needs_an_agent)
{
  assert_refused ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                  "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
                  ".linux.seccomp.listenerPath: SCMP_ACT_NOTIFY needs a seccomp agent");
  assert_refused ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerMetadata\":\"m\"}",
                  ".linux.seccomp.listenerMetadata: set without a listenerPath");
  assert_refused ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/nonexistent/agent.sock\","
                  "\"syscalls\":[{\"names\":[\"write\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
                  "SCMP_ACT_NOTIFY cannot be used for the write syscall");
  assert_refused ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/nonexistent/agent.sock\","
                  "\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
                  "failed to connect with seccomp agent");
}

/* Without SCMP_ACT_NOTIFY the listener path is ignored (the spec). */
Test (seccomp, listener_path_without_notify)
{
  struct rt_seccomp out;

  compile_ok ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/nonexistent/agent.sock\"}", &out);
  cr_assert_not (out.has_listener);
  rt_seccomp_free (&out);
}

/* An agent listening on a socket in a temporary directory. */
static int
agent (char *dir, char **path)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  int fd;

  cr_assert_not_null (mkdtemp (dir));
  cr_assert_geq (asprintf (path, "%s/agent.sock", dir), 0);
  snprintf (sa.sun_path, sizeof sa.sun_path, "%s", *path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  cr_assert_geq (fd, 0);
  cr_assert_eq (bind (fd, (struct sockaddr *) &sa, sizeof sa), 0);
  cr_assert_eq (listen (fd, 4), 0);
  return fd;
}

Test (seccomp, notify_with_an_agent)
{
  char dir[] = "/tmp/rt-test-seccomp.XXXXXX", *path = NULL, *json = NULL, *msg;
  struct rt_error err = RT_ERROR_INIT;
  struct rt_seccomp out;
  int lfd = agent (dir, &path);

  cr_assert_geq (asprintf (&json,
                           "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"%s\","
                           "\"listenerMetadata\":\"say \\\"hi\\\"\\n\","
                           "\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\",\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],"
                           "\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
                           path),
                 0);
  compile_ok (json, &out);
  cr_assert (out.notify);
  cr_assert (out.has_listener);
  cr_assert_geq (out.listener_fd, 0);
  cr_assert_str_eq (out.metadata, "say \"hi\"\n");
  /* a listener, and TSYNC with it only as ESRCH (as libseccomp does) */
  cr_assert_eq (out.flags, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
                               | SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC_ESRCH);

  /* the container process state the agent gets with the fd */
  cr_assert_null (rt_seccomp_agent_message (&out, &err));
  cr_assert_not_null (strstr (err.msg, "no container state"));
  free (err.msg);
  err.msg = NULL;
  cr_assert_eq (rt_seccomp_set_state ("{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"creating\","
                                      "\"pid\":42,\"bundle\":\"/b\"}",
                                      &err),
                0);
  msg = rt_seccomp_agent_message (&out, &err);
  cr_assert_not_null (msg, "%s", err.msg);
  cr_assert_not_null (strstr (msg, "\"fds\":[\"seccompFd\"],\"pid\":42,\"metadata\":\"say \\\"hi\\\"\\u000a\","
                                   "\"state\":{\"ociVersion\":\"1.2.0\",\"id\":\"c1\""),
                      "%s", msg);
  cr_assert_eq (strncmp (msg, "{\"ociVersion\":\"", 15), 0);
  free (msg);

  cr_assert_eq (rt_seccomp_set_state ("not json", &err), 0);
  cr_assert_null (rt_seccomp_agent_message (&out, &err));
  free (err.msg);

  rt_seccomp_drop_listener (&out);
  cr_assert_not (out.has_listener);
  cr_assert_eq (out.listener_fd, -1);
  rt_seccomp_free (&out);
  close (lfd);
  unlink (path);
  rmdir (dir);
  free (path);
  free (json);
}

Test (seccomp, notify_as_the_default)
{
  char dir[] = "/tmp/rt-test-seccomp.XXXXXX", *path = NULL, *json = NULL;
  struct rt_seccomp out;
  int lfd = agent (dir, &path);

  cr_assert_geq (asprintf (&json, "{\"defaultAction\":\"SCMP_ACT_NOTIFY\",\"listenerPath\":\"%s\"}", path), 0);
  compile_ok (json, &out);
  cr_assert (out.notify);
  cr_assert_null (out.metadata);
  cr_assert (out.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER);
  rt_seccomp_free (&out);
  close (lfd);
  unlink (path);
  rmdir (dir);
  free (path);
  free (json);
}

Test (seccomp, library_version)
{
  unsigned a, b, c;

  cr_assert_eq (sscanf (rt_seccomp_library_version (), "%u.%u.%u", &a, &b, &c), 3);
  cr_assert_geq (a, 2);
}
