/* The other documents (state, features, a standalone process or resources
 * object), reading files, and the helpers for building documents in code. */
#include "ocispec-test.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

Test (state, parse_and_emit)
{
  const char *json = "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"running\",\"pid\":4242,"
                     "\"bundle\":\"/run/b\",\"annotations\":{\"a\":\"b\"},\"extra\":1}";
  char *err = NULL, *out;
  oci_state *s = oci_state_parse (json, strlen (json), "state.json", &err);

  cr_assert_not_null (s, "%s", err);
  cr_assert_str_eq (s->id, "c1");
  cr_assert_str_eq (s->status, "running");
  cr_assert_eq (s->pid, 4242);
  cr_assert_str_eq (s->bundle, "/run/b");
  out = oci_state_emit (s, false, &err);
  cr_assert_str_eq (out, "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"running\",\"pid\":4242,"
                         "\"bundle\":\"/run/b\",\"annotations\":{\"a\":\"b\"}}");
  free (out);
  out = oci_state_emit (s, true, &err);
  cr_assert_str_eq (out, "{\n\t\"ociVersion\": \"1.2.0\",\n\t\"id\": \"c1\",\n\t\"status\": "
                         "\"running\",\n\t\"pid\": 4242,\n\t\"bundle\": \"/run/b\",\n"
                         "\t\"annotations\": {\n\t\t\"a\": \"b\"\n\t}\n}\n");
  free (out);
  oci_state_free (s);
}

/* pid always appears (0 once stopped); the strings always appear too. */
Test (state, emits_pid_and_strings_always)
{
  oci_state s = { 0 };
  char *err = NULL, *out;

  s.id = "c1";
  s.status = "stopped";
  out = oci_state_emit (&s, false, &err);
  cr_assert_str_eq (out, "{\"ociVersion\":\"\",\"id\":\"c1\",\"status\":\"stopped\",\"pid\":0,"
                         "\"bundle\":\"\"}");
  free (out);
}

Test (state, required_and_types)
{
  expect_error (&oci_state_type, "state.json",
                "{\"ociVersion\":\"1\",\"status\":\"created\","
                "\"bundle\":\"/b\"}",
                "state.json: .id: missing required property");
  expect_error (&oci_state_type, "state.json",
                "{\"ociVersion\":\"1\",\"id\":\"x\","
                "\"bundle\":\"/b\"}",
                "state.json: .status: missing required property");
  expect_error (&oci_state_type, "state.json",
                "{\"ociVersion\":\"1\",\"id\":\"x\","
                "\"status\":\"created\"}",
                "state.json: .bundle: missing required property");
  expect_error (&oci_state_type, "state.json",
                "{\"id\":\"x\",\"status\":\"created\","
                "\"bundle\":\"/b\"}",
                "state.json: .ociVersion: missing required property");
  expect_error (&oci_state_type, "state.json",
                "{\"ociVersion\":\"1\",\"id\":\"x\",\"status\":"
                "\"created\",\"bundle\":\"/b\",\"pid\":-2147483649}",
                "state.json: .pid: value -2147483649 out of range for a 32-bit integer");
}

Test (state, pid_is_optional)
{
  oci_state *s = parse_ok (&oci_state_type, "{\"ociVersion\":\"1\",\"id\":\"x\",\"status\":"
                                            "\"creating\",\"bundle\":\"/b\"}");

  cr_assert_eq (s->pid, 0);
  oci_state_free (s);
}

Test (features, emit_follows_has_flags)
{
  oci_features f = { 0 };
  oci_features_linux l = { 0 };
  oci_features_cgroup cg = { 0 };
  oci_features_seccomp sc = { 0 };
  oci_feature_enabled apparmor = { false, true }, selinux = { true, true };
  oci_features_intel_rdt rdt = { 0 };
  oci_feature_enabled idmap = { true, true };
  oci_features_mount_extensions mx = { &idmap };
  char *err = NULL, *out, *again;
  oci_features *parsed;

  f.oci_version_min = "1.0.0";
  f.oci_version_max = OCI_SPEC_VERSION;
  cr_assert_eq (oci_strv_append (&f.hooks, &f.hooks_len, "prestart"), 0);
  cr_assert_eq (oci_strv_append (&f.mount_options, &f.mount_options_len, "ro"), 0);
  cr_assert_eq (oci_strv_append (&l.namespaces, &l.namespaces_len, "pid"), 0);
  cr_assert_eq (oci_strv_append (&l.capabilities, &l.capabilities_len, "CAP_KILL"), 0);
  cg.v1 = false, cg.has_v1 = true;
  cg.v2 = true, cg.has_v2 = true;
  cg.systemd = true; /* without has_systemd: not emitted */
  sc.enabled = true, sc.has_enabled = true;
  cr_assert_eq (oci_strv_append (&sc.actions, &sc.actions_len, "SCMP_ACT_ALLOW"), 0);
  l.cgroup = &cg;
  l.seccomp = &sc;
  l.apparmor = &apparmor;
  l.selinux = &selinux;
  l.intel_rdt = &rdt;
  l.mount_extensions = &mx;
  f.linux = &l;
  cr_assert_eq (oci_strmap_set (&f.annotations, "io.github.seccomp.libseccomp.version", "2.5.4"), 0);
  out = oci_features_emit (&f, false, &err);
  cr_assert_str_eq (out, "{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"1.3.0\",\"hooks\":"
                         "[\"prestart\"],\"mountOptions\":[\"ro\"],\"linux\":{\"namespaces\":"
                         "[\"pid\"],\"capabilities\":[\"CAP_KILL\"],\"cgroup\":{\"v1\":false,"
                         "\"v2\":true},\"seccomp\":{\"enabled\":true,\"actions\":"
                         "[\"SCMP_ACT_ALLOW\"]},\"apparmor\":{\"enabled\":false},\"selinux\":"
                         "{\"enabled\":true},\"intelRdt\":{},\"mountExtensions\":{\"idmap\":"
                         "{\"enabled\":true}}},\"annotations\":{\"io.github.seccomp.libseccomp."
                         "version\":\"2.5.4\"}}");
  parsed = oci_features_parse (out, strlen (out), "features.json", &err);
  cr_assert_not_null (parsed, "%s", err);
  cr_assert (parsed->linux->cgroup->has_v1);
  cr_assert_not (parsed->linux->cgroup->v1);
  cr_assert_not (parsed->linux->cgroup->has_systemd);
  cr_assert_not (parsed->linux->intel_rdt->has_enabled);
  again = oci_features_emit (parsed, false, &err);
  cr_assert_str_eq (again, out);
  free (again);
  free (out);
  oci_features_free (parsed);
  /* Free what the helpers allocated. */
  free (f.hooks[0]), free (f.hooks);
  free (f.mount_options[0]), free (f.mount_options);
  free (l.namespaces[0]), free (l.namespaces);
  free (l.capabilities[0]), free (l.capabilities);
  free (sc.actions[0]), free (sc.actions);
  free (f.annotations.keys[0]), free (f.annotations.keys);
  free (f.annotations.values[0]), free (f.annotations.values);
}

Test (features, every_field_round_trips)
{
  const char *json = "{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"1.3.0\",\"hooks\":[\"prestart\","
                     "\"poststop\"],\"mountOptions\":[\"ro\",\"rbind\"],\"linux\":{\"namespaces\":[\"pid\"],"
                     "\"capabilities\":[\"CAP_CHOWN\"],\"cgroup\":{\"v1\":true,\"v2\":true,\"systemd\":true,"
                     "\"systemdUser\":true,\"rdma\":true},\"seccomp\":{\"enabled\":true,\"actions\":"
                     "[\"SCMP_ACT_ALLOW\"],\"operators\":[\"SCMP_CMP_EQ\"],\"archs\":[\"SCMP_ARCH_X86_64\"],"
                     "\"knownFlags\":[\"SECCOMP_FILTER_FLAG_LOG\"],\"supportedFlags\":"
                     "[\"SECCOMP_FILTER_FLAG_LOG\"]},\"apparmor\":{\"enabled\":true},\"selinux\":{\"enabled\":"
                     "true},\"intelRdt\":{\"enabled\":true,\"schemata\":true,\"monitoring\":true},\"memoryPolicy\":"
                     "{\"modes\":[\"MPOL_BIND\"],\"flags\":[\"MPOL_F_STATIC_NODES\"]},\"mountExtensions\":{\"idmap\":"
                     "{\"enabled\":true}},\"netDevices\":{\"enabled\":true}},"
                     "\"annotations\":{\"a\":\"b\"},\"potentiallyUnsafeConfigAnnotations\":[\"run.oci.\"]}";
  oci_features *f = parse_ok (&oci_features_type, json);
  char *out = emit_ok (&oci_features_type, f, false);

  assert_every_field_set (&oci_features_type, f);
  cr_assert_str_eq (out, json);
  free (out);
  oci_features_free (f);
}

static const char process_json[] =
    "{\"terminal\":true,\"consoleSize\":{\"height\":24,\"width\":80},\"user\":{\"uid\":1,"
    "\"gid\":2,\"umask\":0,\"additionalGids\":[3,4]},\"args\":[\"/bin/sh\",\"-c\",\"id\"],"
    "\"env\":[\"A=1\"],\"cwd\":\"/tmp\",\"capabilities\":{\"bounding\":[\"CAP_KILL\"]},"
    "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":10,\"soft\":5}],\"noNewPrivileges\":true,"
    "\"apparmorProfile\":\"p\",\"oomScoreAdj\":0,\"scheduler\":{\"policy\":\"SCHED_BATCH\","
    "\"nice\":0,\"priority\":0,\"runtime\":0,\"deadline\":0,\"period\":0},\"selinuxLabel\":\"l\","
    "\"ioPriority\":{\"class\":\"IOPRIO_CLASS_IDLE\",\"priority\":0},\"execCPUAffinity\":"
    "{\"initial\":\"1\"}}";

Test (process, parse_emit_standalone)
{
  char *err = NULL, *out;
  oci_process *p = oci_process_parse (process_json, strlen (process_json), "process.json", &err);

  cr_assert_not_null (p, "%s", err);
  cr_assert (p->user->has_umask);
  cr_assert_eq (p->user->umask, 0);
  cr_assert (p->has_oom_score_adj);
  out = oci_process_emit (p, false, &err);
  cr_assert_str_eq (out, process_json);
  free (out);
  oci_process_free (p);
}

Test (process, errors_are_rooted_at_the_process)
{
  expect_error (&oci_process_type, "process.json", "{\"cwd\":\"/\",\"user\":{\"uid\":\"x\"}}",
                "process.json: .user.uid: expected an unsigned 32-bit integer, got string");
  expect_error (&oci_process_type, "process.json", "{\"args\":[\"sh\"]}",
                "process.json: .cwd: missing required property");
  expect_error (&oci_process_type, "process.json", "{\"cwd\":\"/\",\"capabilities\":{\"bounding\":[7]}}",
                "process.json: .capabilities.bounding[0]: expected a string, got integer");
  expect_error (&oci_process_type, "process.json", "[]", "process.json: expected a JSON object at the top level");
}

Test (process, dup_is_deep)
{
  oci_process *p = parse_ok (&oci_process_type, process_json);
  oci_process *d = oci_process_dup (p);
  char *a, *b;

  cr_assert_neq (d->user, p->user);
  cr_assert_neq (d->user->additional_gids, p->user->additional_gids);
  cr_assert_neq (d->rlimits[0], p->rlimits[0]);
  cr_assert_null (d->args[3]);
  cr_assert_null (d->rlimits[1]);
  a = emit_ok (&oci_process_type, p, false);
  oci_process_free (p);
  cr_assert_eq (oci_strv_append (&d->args, &d->args_len, "more"), 0);
  b = emit_ok (&oci_process_type, d, false);
  cr_assert_str_neq (a, b);
  cr_assert_str_eq (d->args[3], "more");
  cr_assert_null (d->args[4]);
  free (a);
  free (b);
  oci_process_free (d);
}

Test (resources, parse_emit_standalone)
{
  const char *json = "{\"memory\":{\"limit\":1073741824,\"swap\":-1},\"cpu\":{\"shares\":512,"
                     "\"quota\":-1,\"cpus\":\"0\"},\"pids\":{\"limit\":-1},\"blockIO\":"
                     "{\"weight\":100},\"unified\":{\"memory.max\":\"max\"}}";
  char *err = NULL, *out;
  oci_resources *r = oci_resources_parse (json, strlen (json), "resources.json", &err);

  cr_assert_not_null (r, "%s", err);
  cr_assert_eq (r->memory->limit, 1073741824);
  cr_assert_eq (r->cpu->quota, -1);
  cr_assert_not (r->cpu->has_period);
  cr_assert_eq (r->pids->limit, -1);
  out = oci_resources_emit (r, false, &err);
  cr_assert_str_eq (out, json);
  free (out);
  oci_resources_free (r);
  expect_error (&oci_resources_type, "resources.json", "{\"memory\":{\"limit\":\"1G\"}}",
                "resources.json: .memory.limit: expected a 64-bit integer, got string");
  /* runtime-spec 1.3: pids.limit is optional, and 0 is a limit */
  r = parse_ok (&oci_resources_type, "{\"pids\":{\"limit\":null}}");
  cr_assert_not (r->pids->has_limit);
  oci_resources_free (r);
  r = parse_ok (&oci_resources_type, "{\"pids\":{\"limit\":0}}");
  cr_assert (r->pids->has_limit);
  cr_assert_eq (r->pids->limit, 0);
  oci_resources_free (r);
}

/* ---- files ---- */

Test (files, parse_file)
{
  char *path = NULL, *err = NULL;
  oci_config *c;

  cr_assert (asprintf (&path, "%s/config-full.json", TEST_DATA_DIR) > 0);
  c = oci_config_parse_file (path, &err);
  cr_assert_not_null (c, "%s", err);
  cr_assert_str_eq (c->hostname, "slartibartfast");
  oci_config_free (c);
  free (path);
}

Test (files, missing_file)
{
  char *err = NULL;

  cr_assert_null (oci_config_parse_file ("/nonexistent/config.json", &err));
  cr_assert_str_eq (err, "/nonexistent/config.json: No such file or directory");
  free (err);
  cr_assert_null (oci_process_parse_file ("/", &err));
  cr_assert_str_eq (err, "/: Is a directory");
  free (err);
}

Test (files, errors_name_the_file)
{
  char path[] = "/tmp/ocispec-test-XXXXXX";
  int fd = mkstemp (path);
  char *err = NULL;

  cr_assert_geq (fd, 0);
  cr_assert_eq (write (fd, "{\"cwd\":1}", 9), 9);
  close (fd);
  cr_assert_null (oci_process_parse_file (path, &err));
  cr_assert (strncmp (err, path, strlen (path)) == 0);
  cr_assert_str_eq (err + strlen (path), ": .cwd: expected a string, got integer");
  free (err);
  unlink (path);
}

/* A pipe has no size to go by. */
Test (files, reads_a_pipe)
{
  int p[2];
  char *path = NULL, *err = NULL;
  const char *json = "{\"cwd\":\"/p\"}";
  oci_process *proc;

  cr_assert_eq (pipe (p), 0);
  cr_assert_eq (write (p[1], json, strlen (json)), (ssize_t) strlen (json));
  close (p[1]);
  cr_assert (asprintf (&path, "/proc/self/fd/%d", p[0]) > 0);
  proc = oci_process_parse_file (path, &err);
  cr_assert_not_null (proc, "%s", err);
  cr_assert_str_eq (proc->cwd, "/p");
  oci_process_free (proc);
  close (p[0]);
  free (path);
}

/* ---- building documents in code ---- */

Test (helpers, strv_append)
{
  char **v = NULL;
  size_t len = 0, i;

  for (i = 0; i < 100; i++)
    cr_assert_eq (oci_strv_append (&v, &len, i % 2 ? "odd" : "even"), 0);
  cr_assert_eq (len, 100);
  cr_assert_str_eq (v[99], "odd");
  cr_assert_null (v[100]);
  cr_assert_eq (oci_strv_append (&v, &len, NULL), -1);
  for (i = 0; i < len; i++)
    free (v[i]);
  free (v);
}

Test (helpers, strmap_set_get)
{
  oci_strmap m = { 0 };
  size_t i;

  cr_assert_null (oci_strmap_get (&m, "a"));
  cr_assert_eq (oci_strmap_set (&m, "a", "1"), 0);
  cr_assert_eq (oci_strmap_set (&m, "b", "2"), 0);
  cr_assert_eq (oci_strmap_set (&m, "a", "3"), 0);
  cr_assert_eq (m.len, 2);
  cr_assert_str_eq (oci_strmap_get (&m, "a"), "3");
  cr_assert_str_eq (oci_strmap_get (&m, "b"), "2");
  cr_assert_eq (oci_strmap_set (&m, NULL, "x"), -1);
  for (i = 0; i < m.len; i++)
    free (m.keys[i]), free (m.values[i]);
  free (m.keys);
  free (m.values);
}

Test (helpers, strdup_calloc)
{
  char *s = oci_strdup ("abc");
  int *z = oci_calloc (0, sizeof (int));

  cr_assert_str_eq (s, "abc");
  cr_assert_not_null (z);
  free (s);
  free (z);
}

/* rt spec builds its config this way: all through the helpers and
 * oci_config_free. */
Test (helpers, build_emit_free)
{
  oci_config *c = oci_calloc (1, sizeof (*c));
  char *err = NULL, *out;

  c->oci_version = oci_strdup (OCI_SPEC_VERSION);
  c->process = oci_calloc (1, sizeof (*c->process));
  c->process->terminal = true;
  c->process->user = oci_calloc (1, sizeof (*c->process->user));
  cr_assert_eq (oci_strv_append (&c->process->args, &c->process->args_len, "sh"), 0);
  c->process->cwd = oci_strdup ("/");
  c->root = oci_calloc (1, sizeof (*c->root));
  c->root->path = oci_strdup ("rootfs");
  c->root->readonly = true;
  c->linux = oci_calloc (1, sizeof (*c->linux));
  c->linux->namespaces = oci_calloc (2, sizeof (oci_namespace *));
  c->linux->namespaces[0] = oci_calloc (1, sizeof (oci_namespace));
  c->linux->namespaces[0]->type = oci_strdup ("pid");
  c->linux->namespaces_len = 1;
  cr_assert_eq (oci_strmap_set (&c->annotations, "k", "v"), 0);
  out = oci_config_emit (c, true, &err);
  cr_assert_str_eq (out, "{\n"
                         "\t\"ociVersion\": \"1.3.0\",\n"
                         "\t\"process\": {\n"
                         "\t\t\"terminal\": true,\n"
                         "\t\t\"user\": {\n"
                         "\t\t\t\"uid\": 0,\n"
                         "\t\t\t\"gid\": 0\n"
                         "\t\t},\n"
                         "\t\t\"args\": [\n"
                         "\t\t\t\"sh\"\n"
                         "\t\t],\n"
                         "\t\t\"cwd\": \"/\"\n"
                         "\t},\n"
                         "\t\"root\": {\n"
                         "\t\t\"path\": \"rootfs\",\n"
                         "\t\t\"readonly\": true\n"
                         "\t},\n"
                         "\t\"annotations\": {\n"
                         "\t\t\"k\": \"v\"\n"
                         "\t},\n"
                         "\t\"linux\": {\n"
                         "\t\t\"namespaces\": [\n"
                         "\t\t\t{\n"
                         "\t\t\t\t\"type\": \"pid\"\n"
                         "\t\t\t}\n"
                         "\t\t]\n"
                         "\t}\n"
                         "}\n");
  free (out);
  oci_config_free (c);
}

Test (helpers, null_elements_in_code_built_documents)
{
  oci_config c = { 0 };
  oci_mount *mounts[2] = { NULL, NULL };
  char *args[3] = { "a", NULL, "c" };
  oci_process p = { 0 };
  char *err = NULL, *out;

  c.oci_version = "1";
  c.mounts = mounts;
  c.mounts_len = 1;
  c.process = &p;
  p.args = args;
  p.args_len = 3;
  out = oci_config_emit (&c, false, &err);
  cr_assert_str_eq (out, "{\"ociVersion\":\"1\",\"process\":{\"args\":[\"a\",\"c\"]},\"mounts\":[{}]}");
  free (out);
}

Test (helpers, emit_rejects_invalid_utf8)
{
  oci_config c = { 0 };
  char *err = NULL;

  c.oci_version = "1.2.0";
  c.hostname = "bad\xff";
  cr_assert_null (oci_config_emit (&c, true, &err));
  cr_assert_str_eq (err, "cannot emit JSON: .hostname: invalid UTF-8 in string");
  free (err);
  cr_assert_null (oci_config_emit (NULL, true, &err));
  cr_assert_str_eq (err, "cannot emit JSON: no document");
  free (err);
}
