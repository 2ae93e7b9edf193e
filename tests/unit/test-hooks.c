/* OCI hooks (container/hooks.c), run as a user can run them: /bin/sh with
 * the state on its stdin, its exit status, signal and timeout in runc's
 * words, and when the child needs the state during create. */
#include "container/hooks.h"

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fs.h"

static oci_config *cfg;

static void
done (void)
{
  oci_config_free (cfg);
  cfg = NULL;
}

TestSuite (hooks, .fini = done);

/* A config with `hooks` (JSON) and `linux` members. */
static const oci_hooks *
hooks (const char *hooks_json, const char *linux_json)
{
  char *doc = NULL, *perr = NULL;

  done ();
  cr_assert_geq (asprintf (&doc,
                           "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                           "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},\"hooks\":%s,\"linux\":%s}",
                           hooks_json, linux_json),
                 0);
  cfg = oci_config_parse (doc, strlen (doc), "config.json", &perr);
  cr_assert_not_null (cfg, "%s: %s", doc, perr ? perr : "?");
  free (doc);
  return cfg->hooks;
}

/* A createRuntime hook running `sh -c script`. */
static char *
run (const char *script, const char *timeout)
{
  struct rt_error err = RT_ERROR_INIT;
  char *json = NULL;
  const oci_hooks *h;

  cr_assert_geq (asprintf (&json, "{\"createRuntime\":[{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"%s\"]%s%s}]}",
                           script, timeout ? ",\"timeout\":" : "", timeout ? timeout : ""),
                 0);
  h = hooks (json, "{}");
  free (json);
  if (rt_hooks_run (h->create_runtime, h->create_runtime_len, "createRuntime", "{\"id\":\"c1\"}", &err) == 0)
    return NULL;
  cr_assert_not_null (err.msg);
  return err.msg;
}

Test (hooks, state_on_stdin_and_env)
{
  char dir[] = "/tmp/rt-test-hooks.XXXXXX", *path = NULL, *data = NULL;
  const oci_hooks *h;
  char *json = NULL;

  cr_assert_not_null (mkdtemp (dir));
  cr_assert_geq (asprintf (&path, "%s/out", dir), 0);
  cr_assert_geq (asprintf (&json,
                           "{\"prestart\":[{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"cat > %s; echo \\\" $X\\\" "
                           ">> %s\"],\"env\":[\"X=from env\"]}]}",
                           path, path),
                 0);
  h = hooks (json, "{}");
  cr_assert_eq (rt_hooks_run (h->prestart, h->prestart_len, "prestart", "{\"id\":\"c1\"}", NULL), 0);
  cr_assert_eq (rt_read_file (path, &data, NULL, NULL), 0);
  cr_assert_str_eq (data, "{\"id\":\"c1\"} from env\n");
  free (data);
  unlink (path);
  rmdir (dir);
  free (path);
  free (json);
}

Test (hooks, a_hook_that_does_not_read_its_stdin) { cr_assert_null (run ("exit 0", NULL)); }

Test (hooks, failures_in_runc_words)
{
  char *msg = run ("exit 3", NULL);

  cr_assert_str_eq (msg, "error running hook #0: createRuntime hook `/bin/sh`: exit status 3");
  free (msg);
  msg = run ("kill -TERM $$", NULL);
  cr_assert_str_eq (msg, "error running hook #0: createRuntime hook `/bin/sh`: signal: terminated");
  free (msg);
  msg = run ("sleep 10", "1");
  cr_assert_not_null (strstr (msg, "error running hook #0: createRuntime hook `/bin/sh`: killed after its timeout "
                                   "of 1s"),
                      "%s", msg);
  free (msg);
}

Test (hooks, the_first_failure_stops_the_rest)
{
  struct rt_error err = RT_ERROR_INIT;
  const oci_hooks *h = hooks ("{\"createContainer\":[{\"path\":\"/bin/true\"},{\"path\":\"/bin/false\"},"
                              "{\"path\":\"/nonexistent/hook\"}]}",
                              "{}");

  cr_assert_lt (rt_hooks_run (h->create_container, h->create_container_len, "createContainer", "{}", &err), 0);
  cr_assert_str_eq (err.msg, "error running hook #1: createContainer hook `/bin/false`: exit status 1");
  free (err.msg);
}

/* poststart and poststop: each failure a warning, the others still run. */
Test (hooks, warnings_only, .init = cr_redirect_stderr)
{
  const oci_hooks *h = hooks ("{\"poststop\":[{\"path\":\"/bin/false\"},{\"path\":\"/bin/true\"}]}", "{}");

  rt_hooks_run_warn (h->poststop, h->poststop_len, "poststop", "{}");
  fflush (stderr);
  cr_assert_stderr_eq_str ("rt: error running hook #0: poststop hook `/bin/false`: exit status 1\n");
}

Test (hooks, create_needs_state)
{
  hooks ("{}", "{}");
  cr_assert_not (rt_hooks_create_needs_state (cfg));
  hooks ("{\"poststart\":[{\"path\":\"/bin/true\"}],\"poststop\":[{\"path\":\"/bin/true\"}]}", "{}");
  cr_assert_not (rt_hooks_create_needs_state (cfg), "not for the hooks after create");
  hooks ("{\"startContainer\":[{\"path\":\"/bin/true\"}]}", "{}");
  cr_assert (rt_hooks_create_needs_state (cfg));
  hooks ("{\"prestart\":[{\"path\":\"/bin/true\"}]}", "{}");
  cr_assert (rt_hooks_create_needs_state (cfg));
  hooks ("{}", "{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/run/agent.sock\"}}");
  cr_assert (rt_hooks_create_needs_state (cfg), "the seccomp agent gets the state");
}
