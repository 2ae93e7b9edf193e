/* Every class of bad input is rejected with its exact message, naming the
 * JSON path; null and unknown properties are accepted. */
#include "ocispec-test.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Wraps a linux object in a config. */
#define LINUX(x) "{\"ociVersion\":\"1.2.0\",\"linux\":" x "}"
/* Wraps a process object (which must come with its cwd). */
#define PROCESS(x) "{\"ociVersion\":\"1.2.0\",\"process\":{\"cwd\":\"/\"," x "}}"
#define RESOURCES(x) LINUX ("{\"resources\":" x "}")
#define SECCOMP(x) LINUX ("{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"," x "}}")

struct bad
{
  const char *json;
  const char *msg;
};

static void
expect_all (const struct bad *cases, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    expect_config_error (cases[i].json, cases[i].msg);
}

#define EXPECT_ALL(cases) expect_all (cases, sizeof (cases) / sizeof ((cases)[0]))

Test (errors, the_documented_messages)
{
  static const struct bad cases[] = {
    { LINUX ("{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"pidd\"}]}"),
      "config.json: .linux.namespaces[2].type: unknown namespace type \"pidd\"" },
    { PROCESS ("\"user\":{\"uid\":\"0\",\"gid\":0}"),
      "config.json: .process.user.uid: expected an unsigned 32-bit integer, got string" },
    { PROCESS ("\"user\":{\"uid\":4294967296,\"gid\":0}"),
      "config.json: .process.user.uid: value 4294967296 out of range for an unsigned 32-bit "
      "integer" },
    { "{\"ociVersion\":\"1.2.0\",\"root\":{\"readonly\":true}}", "config.json: .root.path: missing required property" },
    { "{\"ociVersion\":", "config.json: invalid JSON: parse error: premature EOF" },
    { "[]", "config.json: expected a JSON object at the top level" },
  };

  EXPECT_ALL (cases);
}

Test (errors, wrong_type_at_every_depth)
{
  static const struct bad cases[] = {
    { "{\"ociVersion\":1.2}", "config.json: .ociVersion: expected a string, got number" },
    { "{\"ociVersion\":\"1.2.0\",\"process\":[]}", "config.json: .process: expected an object, got array" },
    { "{\"ociVersion\":\"1.2.0\",\"hostname\":true}", "config.json: .hostname: expected a string, got boolean" },
    { PROCESS ("\"terminal\":\"yes\""), "config.json: .process.terminal: expected a boolean, got string" },
    { PROCESS ("\"args\":\"sh\""), "config.json: .process.args: expected an array, got string" },
    { PROCESS ("\"args\":[\"sh\",1]"), "config.json: .process.args[1]: expected a string, got integer" },
    { PROCESS ("\"env\":[null]"), "config.json: .process.env[0]: expected a string, got null" },
    { PROCESS ("\"user\":{\"uid\":1e3}"),
      "config.json: .process.user.uid: expected an unsigned 32-bit integer, got number" },
    { PROCESS ("\"user\":{\"uid\":1.0}"),
      "config.json: .process.user.uid: expected an unsigned 32-bit integer, got number" },
    { PROCESS ("\"user\":{\"additionalGids\":[1,null]}"),
      "config.json: .process.user.additionalGids[1]: expected an unsigned 32-bit integer, got "
      "null" },
    { PROCESS ("\"oomScoreAdj\":{}"), "config.json: .process.oomScoreAdj: expected a 32-bit integer, got object" },
    { PROCESS ("\"consoleSize\":{\"height\":true}"),
      "config.json: .process.consoleSize.height: expected an unsigned 64-bit integer, got "
      "boolean" },
    { PROCESS ("\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":\"1\",\"soft\":1}]"),
      "config.json: .process.rlimits[0].hard: expected an unsigned 64-bit integer, got string" },
    { PROCESS ("\"rlimits\":[7]"), "config.json: .process.rlimits[0]: expected an object, got integer" },
    { PROCESS ("\"capabilities\":{\"bounding\":\"CAP_KILL\"}"),
      "config.json: .process.capabilities.bounding: expected an array, got string" },
    { "{\"ociVersion\":\"1.2.0\",\"mounts\":[null]}", "config.json: .mounts[0]: expected an object, got null" },
    { "{\"ociVersion\":\"1.2.0\",\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/b\","
      "\"uidMappings\":[{\"containerID\":0,\"hostID\":1.5,\"size\":1}]}]}",
      "config.json: .mounts[1].uidMappings[0].hostID: expected an unsigned 32-bit integer, got "
      "number" },
    { "{\"ociVersion\":\"1.2.0\",\"hooks\":{\"prestart\":[{\"path\":\"/x\",\"timeout\":[]}]}}",
      "config.json: .hooks.prestart[0].timeout: expected a 64-bit integer, got array" },
    { "{\"ociVersion\":\"1.2.0\",\"annotations\":[]}", "config.json: .annotations: expected an object, got array" },
    { "{\"ociVersion\":\"1.2.0\",\"annotations\":{\"a\":\"b\",\"c\":false}}",
      "config.json: .annotations[\"c\"]: expected a string, got boolean" },
    { LINUX ("{\"sysctl\":{\"net.ipv4.ip_forward\":1}}"),
      "config.json: .linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string, got integer" },
    { LINUX ("{\"namespaces\":{}}"), "config.json: .linux.namespaces: expected an array, got object" },
    { LINUX ("{\"timeOffsets\":{\"monotonic\":{\"secs\":\"1\"}}}"),
      "config.json: .linux.timeOffsets[\"monotonic\"].secs: expected a 64-bit integer, got "
      "string" },
    { LINUX ("{\"netDevices\":{\"eth0\":\"x\"}}"),
      "config.json: .linux.netDevices[\"eth0\"]: expected an object, got string" },
    { RESOURCES ("{\"memory\":{\"limit\":true}}"),
      "config.json: .linux.resources.memory.limit: expected a 64-bit integer, got boolean" },
    { RESOURCES ("{\"memory\":{\"disableOOMKiller\":0}}"),
      "config.json: .linux.resources.memory.disableOOMKiller: expected a boolean, got integer" },
    { RESOURCES ("{\"blockIO\":{\"weight\":\"10\"}}"),
      "config.json: .linux.resources.blockIO.weight: expected an unsigned 16-bit integer, got "
      "string" },
    { RESOURCES ("{\"rdma\":{\"mlx5_1\":{\"hcaHandles\":\"3\"}}}"),
      "config.json: .linux.resources.rdma[\"mlx5_1\"].hcaHandles: expected an unsigned 32-bit "
      "integer, got string" },
    { RESOURCES ("{\"unified\":{\"we\\\"ird\\n\":[]}}"),
      "config.json: .linux.resources.unified[\"we\\\"ird\\n\"]: expected a string, got array" },
    { SECCOMP ("\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\","
               "\"args\":[{\"index\":0,\"value\":1,\"valueTwo\":-2,\"op\":\"SCMP_CMP_EQ\"}]}]"),
      "config.json: .linux.seccomp.syscalls[0].args[0].valueTwo: value -2 out of range for an "
      "unsigned 64-bit integer" },
  };

  EXPECT_ALL (cases);
}

Test (errors, missing_required)
{
  static const struct bad cases[] = {
    { "{}", "config.json: .ociVersion: missing required property" },
    { "{\"ociVersion\":null}", "config.json: .ociVersion: missing required property" },
    { "{\"ociVersion\":\"1.2.0\",\"ociVersion\":null}", "config.json: .ociVersion: missing required property" },
    { "{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"]}}",
      "config.json: .process.cwd: missing required property" },
    { "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":null}}", "config.json: .root.path: missing required property" },
    { "{\"ociVersion\":\"1.2.0\",\"mounts\":[{\"destination\":\"/a\"},{\"source\":\"/b\"}]}",
      "config.json: .mounts[1].destination: missing required property" },
    { "{\"ociVersion\":\"1.2.0\",\"hooks\":{\"poststop\":[{\"args\":[]}]}}",
      "config.json: .hooks.poststop[0].path: missing required property" },
    { LINUX ("{\"namespaces\":[{\"path\":\"/proc/1/ns/net\"}]}"),
      "config.json: .linux.namespaces[0].type: missing required property" },
    { LINUX ("{\"devices\":[{\"path\":\"/dev/null\"}]}"),
      "config.json: .linux.devices[0].type: missing required property" },
    { LINUX ("{\"devices\":[{\"type\":\"c\"}]}"), "config.json: .linux.devices[0].path: missing required property" },
    { RESOURCES ("{\"devices\":[{\"access\":\"rwm\"}]}"),
      "config.json: .linux.resources.devices[0].allow: missing required property" },
    { LINUX ("{\"uidMappings\":[{\"hostID\":1,\"size\":1}]}"),
      "config.json: .linux.uidMappings[0].containerID: missing required property" },
    { LINUX ("{\"gidMappings\":[{\"containerID\":0,\"size\":1}]}"),
      "config.json: .linux.gidMappings[0].hostID: missing required property" },
    { "{\"ociVersion\":\"1.2.0\",\"mounts\":[{\"destination\":\"/a\",\"uidMappings\":"
      "[{\"containerID\":0,\"hostID\":1}]}]}",
      "config.json: .mounts[0].uidMappings[0].size: missing required property" },
    { LINUX ("{\"seccomp\":{\"syscalls\":[]}}"),
      "config.json: .linux.seccomp.defaultAction: missing required property" },
    { SECCOMP ("\"syscalls\":[{\"action\":\"SCMP_ACT_ERRNO\"}]"),
      "config.json: .linux.seccomp.syscalls[0].names: missing required property" },
    { SECCOMP ("\"syscalls\":[{\"names\":[\"read\"]}]"),
      "config.json: .linux.seccomp.syscalls[0].action: missing required property" },
    { SECCOMP ("\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\","
               "\"args\":[{\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]"),
      "config.json: .linux.seccomp.syscalls[0].args[0].index: missing required property" },
    { SECCOMP ("\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\","
               "\"args\":[{\"index\":1,\"op\":\"SCMP_CMP_EQ\"}]}]"),
      "config.json: .linux.seccomp.syscalls[0].args[0].value: missing required property" },
    { SECCOMP ("\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\","
               "\"args\":[{\"index\":1,\"value\":2}]}]"),
      "config.json: .linux.seccomp.syscalls[0].args[0].op: missing required property" },
    { PROCESS ("\"rlimits\":[{\"hard\":1,\"soft\":1}]"),
      "config.json: .process.rlimits[0].type: missing required property" },
    { PROCESS ("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1}]"),
      "config.json: .process.rlimits[0].hard: missing required property" },
    { PROCESS ("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1}]"),
      "config.json: .process.rlimits[0].soft: missing required property" },
    { RESOURCES ("{\"hugepageLimits\":[{\"limit\":1}]}"),
      "config.json: .linux.resources.hugepageLimits[0].pageSize: missing required property" },
    { RESOURCES ("{\"hugepageLimits\":[{\"pageSize\":\"2MB\"}]}"),
      "config.json: .linux.resources.hugepageLimits[0].limit: missing required property" },
    { RESOURCES ("{\"blockIO\":{\"throttleReadBpsDevice\":[{\"minor\":0,\"rate\":1}]}}"),
      "config.json: .linux.resources.blockIO.throttleReadBpsDevice[0].major: missing required "
      "property" },
    { RESOURCES ("{\"blockIO\":{\"throttleWriteIOPSDevice\":[{\"major\":8,\"rate\":1}]}}"),
      "config.json: .linux.resources.blockIO.throttleWriteIOPSDevice[0].minor: missing "
      "required property" },
    { RESOURCES ("{\"blockIO\":{\"throttleReadIOPSDevice\":[{\"major\":8,\"minor\":0}]}}"),
      "config.json: .linux.resources.blockIO.throttleReadIOPSDevice[0].rate: missing required "
      "property" },
    { RESOURCES ("{\"blockIO\":{\"weightDevice\":[{\"minor\":0,\"weight\":10}]}}"),
      "config.json: .linux.resources.blockIO.weightDevice[0].major: missing required property" },
    { RESOURCES ("{\"blockIO\":{\"weightDevice\":[{\"major\":8,\"weight\":10}]}}"),
      "config.json: .linux.resources.blockIO.weightDevice[0].minor: missing required property" },
  };

  EXPECT_ALL (cases);
}

Test (errors, process_args_are_optional)
{
  oci_config *c = parse_ok (&oci_config_type, "{\"ociVersion\":\"1.2.0\",\"process\":{\"cwd\":\"/\"}}");

  cr_assert_null (c->process->args);
  cr_assert_eq (c->process->args_len, 0);
  oci_config_free (c);
}

Test (errors, integers_out_of_range)
{
  static const struct bad cases[] = {
    { PROCESS ("\"user\":{\"uid\":-1}"),
      "config.json: .process.user.uid: value -1 out of range for an unsigned 32-bit integer" },
    { PROCESS ("\"user\":{\"gid\":99999999999999999999999}"),
      "config.json: .process.user.gid: value 99999999999999999999999 out of range for an "
      "unsigned 32-bit integer" },
    { PROCESS ("\"user\":{\"additionalGids\":[1,4294967296]}"),
      "config.json: .process.user.additionalGids[1]: value 4294967296 out of range for an "
      "unsigned 32-bit integer" },
    { PROCESS ("\"oomScoreAdj\":2147483648"),
      "config.json: .process.oomScoreAdj: value 2147483648 out of range for a 32-bit integer" },
    { PROCESS ("\"oomScoreAdj\":-2147483649"),
      "config.json: .process.oomScoreAdj: value -2147483649 out of range for a 32-bit integer" },
    { PROCESS ("\"consoleSize\":{\"height\":18446744073709551616}"),
      "config.json: .process.consoleSize.height: value 18446744073709551616 out of range for "
      "an unsigned 64-bit integer" },
    { PROCESS ("\"consoleSize\":{\"width\":-1}"),
      "config.json: .process.consoleSize.width: value -1 out of range for an unsigned 64-bit "
      "integer" },
    { "{\"ociVersion\":\"1.2.0\",\"hooks\":{\"poststart\":[{\"path\":\"/x\",\"timeout\":"
      "9223372036854775808}]}}",
      "config.json: .hooks.poststart[0].timeout: value 9223372036854775808 out of range for a "
      "64-bit integer" },
    { "{\"ociVersion\":\"1.2.0\",\"hooks\":{\"poststart\":[{\"path\":\"/x\",\"timeout\":"
      "-9223372036854775809}]}}",
      "config.json: .hooks.poststart[0].timeout: value -9223372036854775809 out of range for a "
      "64-bit integer" },
    { RESOURCES ("{\"blockIO\":{\"leafWeight\":65536}}"),
      "config.json: .linux.resources.blockIO.leafWeight: value 65536 out of range for an "
      "unsigned 16-bit integer" },
    { RESOURCES ("{\"blockIO\":{\"weight\":-1}}"),
      "config.json: .linux.resources.blockIO.weight: value -1 out of range for an unsigned "
      "16-bit integer" },
  };

  EXPECT_ALL (cases);
}

Test (errors, integer_limits_are_accepted)
{
  oci_config *c =
      parse_ok (&oci_config_type, PROCESS ("\"user\":{\"uid\":-0,\"gid\":4294967295},"
                                           "\"oomScoreAdj\":-2147483648,"
                                           "\"consoleSize\":{\"height\":0,\"width\":18446744073709551615}"));

  cr_assert_eq (c->process->user->uid, 0);
  cr_assert_eq (c->process->user->gid, UINT32_MAX);
  cr_assert_eq (c->process->oom_score_adj, INT32_MIN);
  cr_assert_eq (c->process->console_size->width, UINT64_MAX);
  oci_config_free (c);
}

/* runtime-spec: a capability the runtime cannot grant is a warning of the
 * runtime, not a parse error (engines pass names newer than a host). */
Test (errors, any_capability_name_parses)
{
  oci_config *c = parse_ok (&oci_config_type, PROCESS ("\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_FUTURE\"],"
                                                       "\"ambient\":[\"cap_kill\"]}"));

  cr_assert_eq (c->process->capabilities->bounding_len, 2);
  cr_assert_str_eq (c->process->capabilities->bounding[1], "CAP_FUTURE");
  cr_assert_str_eq (c->process->capabilities->ambient[0], "cap_kill");
  oci_config_free (c);
}

Test (errors, unknown_names)
{
  static const struct bad cases[] = {
    { PROCESS ("\"rlimits\":[{\"type\":\"RLIMIT_FOO\",\"hard\":1,\"soft\":1}]"),
      "config.json: .process.rlimits[0].type: unknown rlimit type \"RLIMIT_FOO\"" },
    { PROCESS ("\"scheduler\":{\"policy\":\"SCHED_FOO\"}"),
      "config.json: .process.scheduler.policy: unknown scheduler policy \"SCHED_FOO\"" },
    { PROCESS ("\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"flags\":[\"SCHED_FLAG_X\"]}"),
      "config.json: .process.scheduler.flags[0]: unknown scheduler flag \"SCHED_FLAG_X\"" },
    { PROCESS ("\"ioPriority\":{\"class\":\"IOPRIO_CLASS_NONE\"}"),
      "config.json: .process.ioPriority.class: unknown I/O priority class "
      "\"IOPRIO_CLASS_NONE\"" },
    { LINUX ("{\"namespaces\":[{\"type\":\"net\"}]}"),
      "config.json: .linux.namespaces[0].type: unknown namespace type \"net\"" },
    { LINUX ("{\"namespaces\":[{\"type\":\"pid\\\"\\u0001\"}]}"),
      "config.json: .linux.namespaces[0].type: unknown namespace type \"pid\\\"\\u0001\"" },
    { LINUX ("{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"x\"}]}"),
      "config.json: .linux.devices[0].type: unknown device type \"x\"" },
    { LINUX ("{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"a\"}]}"),
      "config.json: .linux.devices[0].type: unknown device type \"a\"" },
    { LINUX ("{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_NOPE\"}}"),
      "config.json: .linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_NOPE\"" },
    { SECCOMP ("\"syscalls\":[{\"names\":[\"read\"],\"action\":\"ALLOW\"}]"),
      "config.json: .linux.seccomp.syscalls[0].action: unknown seccomp action \"ALLOW\"" },
    { SECCOMP ("\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\","
               "\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_FOO\"}]}]"),
      "config.json: .linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator "
      "\"SCMP_CMP_FOO\"" },
    { SECCOMP ("\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_Z80\"]"),
      "config.json: .linux.seccomp.architectures[1]: unknown seccomp architecture "
      "\"SCMP_ARCH_Z80\"" },
    { SECCOMP ("\"flags\":[\"SECCOMP_FILTER_FLAG_NOPE\"]"),
      "config.json: .linux.seccomp.flags[0]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_NOPE\"" },
    { LINUX ("{\"personality\":{\"domain\":\"LINUX64\"}}"),
      "config.json: .linux.personality.domain: unknown personality domain \"LINUX64\"" },
    { LINUX ("{\"memoryPolicy\":{\"mode\":\"MPOL_NONE\"}}"),
      "config.json: .linux.memoryPolicy.mode: unknown memory policy mode \"MPOL_NONE\"" },
    { LINUX ("{\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"flags\":[\"MPOL_F_NOPE\"]}}"),
      "config.json: .linux.memoryPolicy.flags[0]: unknown memory policy flag \"MPOL_F_NOPE\"" },
  };

  EXPECT_ALL (cases);
}

Test (errors, invalid_json)
{
  static const struct bad cases[] = {
    { "", "config.json: invalid JSON: parse error: premature EOF" },
    { "   ", "config.json: invalid JSON: parse error: premature EOF" },
    { "{\"ociVersion\":\"1.2.0\"", "config.json: invalid JSON: parse error: premature EOF" },
    { "{ociVersion:1}", "config.json: invalid JSON: lexical error: invalid char in json text." },
    { "{\"ociVersion\":\"1.2.0\",}", "config.json: invalid JSON: parse error: invalid object key (must be a string)" },
    { "{\"ociVersion\":\"1.2.0\"} {}", "config.json: invalid JSON: parse error: trailing garbage" },
    { "{\"ociVersion\":\"1.2.0\",\"hostname\":\"\xff\"}",
      "config.json: invalid JSON: lexical error: invalid bytes in UTF8 string." },
    { "/* comment */ {}", "config.json: invalid JSON: lexical error: probable comment found in input text, comments "
                          "are not enabled." },
  };

  EXPECT_ALL (cases);
}

/* Unknown properties are skipped with a counter, not a stack: any depth
 * costs nothing. */
Test (errors, deep_nesting_in_unknown_property)
{
  const char *prefix = "{\"ociVersion\":\"1.2.0\",\"x\":";
  size_t depth = 1000000, n = strlen (prefix);
  char *json = malloc (n + 2 * depth + 2);
  oci_config *c;

  cr_assert_not_null (json);
  memcpy (json, prefix, n);
  memset (json + n, '[', depth);
  json[n + depth] = '\0';
  expect_config_error (json, "config.json: invalid JSON: parse error: premature EOF");
  memset (json + n + depth, ']', depth);
  strcpy (json + n + 2 * depth, "}");
  c = parse_ok (&oci_config_type, json);
  cr_assert_str_eq (c->oci_version, "1.2.0");
  oci_config_free (c);
  free (json);
}

/* Whatever else is wrong, text that is not JSON says so. */
Test (errors, invalid_json_wins)
{
  static const struct bad cases[] = {
    { "{\"ociVersion\":1,", "config.json: invalid JSON: parse error: premature EOF" },
    { "{\"root\":{}} x", "config.json: invalid JSON: parse error: trailing garbage" },
    { "[1,", "config.json: invalid JSON: parse error: premature EOF" },
    { "{\"ociVersion\":\"1.2.0\",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":-1}},"
      "\"hostname\":tru}",
      "config.json: invalid JSON: lexical error: invalid string in json text." },
  };

  EXPECT_ALL (cases);
}

Test (errors, top_level_not_an_object)
{
  static const struct bad cases[] = {
    { "[{\"ociVersion\":\"1.2.0\"}]", "config.json: expected a JSON object at the top level" },
    { "\"x\"", "config.json: expected a JSON object at the top level" },
    { "42", "config.json: expected a JSON object at the top level" },
    { "null", "config.json: expected a JSON object at the top level" },
    { "true", "config.json: expected a JSON object at the top level" },
  };

  EXPECT_ALL (cases);
}

Test (errors, nul_characters)
{
  static const struct bad cases[] = {
    { "{\"ociVersion\":\"1.2\\u0000.0\"}", "config.json: .ociVersion: string contains a NUL character" },
    { "{\"ociVersion\":\"1.2.0\",\"annotations\":{\"a\\u0000b\":\"c\"}}",
      "config.json: .annotations: property name contains a NUL character" },
  };
  oci_config *c;

  EXPECT_ALL (cases);
  /* Such a key cannot name a known property, so it is an unknown one. */
  c = parse_ok (&oci_config_type, "{\"ociVersion\":\"1.2.0\",\"hostname\\u0000x\":1}");
  cr_assert_null (c->hostname);
  oci_config_free (c);
}

Test (errors, the_source_prefixes_every_message)
{
  expect_error (&oci_config_type, "/run/bundle/config.json", "{}",
                "/run/bundle/config.json: .ociVersion: missing required property");
  expect_error (&oci_config_type, NULL, "{}", "JSON: .ociVersion: missing required property");
}

Test (errors, err_may_be_null)
{
  cr_assert_null (oci_config_parse ("{", 1, "config.json", NULL));
  cr_assert_null (oci_config_parse (NULL, 0, "config.json", NULL));
}

Test (errors, length_is_honoured)
{
  const char *json = "{\"ociVersion\":\"1.2.0\"}garbage";
  char *err = NULL;
  oci_config *c = oci_config_parse (json, strlen (json) - 7, "config.json", &err);

  cr_assert_not_null (c, "%s", err);
  oci_config_free (c);
}

Test (errors, null_is_absent)
{
  const char *json = "{\"ociVersion\":\"1.2.0\",\"process\":null,\"root\":null,\"hostname\":null,\"mounts\":null,"
                     "\"hooks\":{\"prestart\":null},\"annotations\":null,\"linux\":{\"namespaces\":null,"
                     "\"sysctl\":{\"a\":null,\"b\":\"1\"},\"resources\":{\"memory\":{\"limit\":null,"
                     "\"swap\":1,\"disableOOMKiller\":null}},\"timeOffsets\":{\"boottime\":null}}}";
  oci_config *c = parse_ok (&oci_config_type, json);
  char *out;

  cr_assert_null (c->process);
  cr_assert_null (c->root);
  cr_assert_null (c->hostname);
  cr_assert_null (c->mounts);
  cr_assert_null (c->hooks->prestart);
  cr_assert_eq (c->annotations.len, 0);
  cr_assert_null (c->linux->namespaces);
  cr_assert_eq (c->linux->sysctl.len, 1);
  cr_assert_str_eq (c->linux->sysctl.keys[0], "b");
  cr_assert_not (c->linux->resources->memory->has_limit);
  cr_assert_not (c->linux->resources->memory->has_disable_oom_killer);
  cr_assert_eq (c->linux->time_offsets.len, 0);
  out = emit_ok (&oci_config_type, c, false);
  cr_assert_str_eq (out, "{\"ociVersion\":\"1.2.0\",\"hooks\":{},\"linux\":{\"sysctl\":{\"b\":\"1\"},"
                         "\"resources\":{\"memory\":{\"swap\":1}}}}");
  free (out);
  oci_config_free (c);
}

Test (errors, unknown_properties_are_ignored)
{
  const char *json = "{\"ociVersion\":\"1.2.0\",\"windows\":{\"layerFolders\":[\"c:\\\\x\"]},\"vm\":null,"
                     "\"process\":{\"cwd\":\"/\",\"unknown\":[1,2.5,{\"x\":[true,null]}],\"user\":{\"uid\":1,"
                     "\"sid\":\"S-1\"}},\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                     "\"future\":{\"nested\":{\"deep\":[]}}}},\"zzz\":-1e99}";
  oci_config *c = parse_ok (&oci_config_type, json);
  char *out = emit_ok (&oci_config_type, c, false);

  cr_assert_str_eq (out, "{\"ociVersion\":\"1.2.0\",\"process\":{\"user\":{\"uid\":1,\"gid\":0},"
                         "\"cwd\":\"/\"},\"linux\":{\"seccomp\":{\"defaultAction\":"
                         "\"SCMP_ACT_ALLOW\"}}}");
  free (out);
  oci_config_free (c);
}

/* As with encoding/json, the last of repeated keys wins, in objects and maps. */
Test (errors, repeated_keys_last_wins)
{
  const char *json = "{\"ociVersion\":\"1.0.0\",\"hostname\":\"a\",\"ociVersion\":\"1.2.0\",\"hostname\":null,"
                     "\"annotations\":{\"k\":\"1\",\"j\":\"x\",\"k\":\"2\",\"i\":\"y\",\"k\":\"3\"},"
                     "\"linux\":{\"timeOffsets\":{\"boottime\":{\"secs\":1},\"boottime\":{\"secs\":2}}}}";
  oci_config *c = parse_ok (&oci_config_type, json);
  oci_time_offset *t;

  cr_assert_str_eq (c->oci_version, "1.2.0");
  cr_assert_null (c->hostname);
  cr_assert_eq (c->annotations.len, 3);
  cr_assert_str_eq (c->annotations.keys[0], "j");
  cr_assert_str_eq (c->annotations.keys[1], "i");
  cr_assert_str_eq (c->annotations.keys[2], "k");
  cr_assert_str_eq (oci_strmap_get (&c->annotations, "k"), "3");
  cr_assert_eq (c->linux->time_offsets.len, 1);
  t = c->linux->time_offsets.values[0];
  cr_assert_eq (t->secs, 2);
  oci_config_free (c);
}

/* A failure deep inside leaves nothing behind (checked under valgrind). */
Test (errors, partial_documents_are_freed)
{
  size_t len;
  char *json = read_fixture ("config-full.json", &len);
  char *at = strstr (json, "\"SCMP_CMP_MASKED_EQ\"");

  cr_assert_not_null (at);
  memcpy (at, "\"SCMP_CMP_MASKED_XX\"", 20);
  expect_config_error (json, "config.json: .linux.seccomp.syscalls[0].args[0].op: unknown "
                             "seccomp operator \"SCMP_CMP_MASKED_XX\"");
  free (json);
}
