/* Config checks beyond the JSON shape (container/validate*.c,
 * kernel/sysctl.c): each refusal names its JSON path, before anything
 * exists on the host. */
#include "container/container.h"
#include "kernel/sysctl.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A minimal valid config with `linux` (and more) given as JSON text. */
static oci_config *
config (const char *linux_json, const char *extra)
{
  char *json = NULL, *perr = NULL;
  oci_config *cfg;

  cr_assert_geq (asprintf (&json,
                           "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                           "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},\"linux\":%s%s}",
                           linux_json, extra ? extra : ""),
                 0);
  cfg = oci_config_parse (json, strlen (json), "config.json", &perr);
  cr_assert_not_null (cfg, "%s", perr ? perr : "?");
  free (json);
  return cfg;
}

/* rt_config_validate's message, or NULL when it passes. */
static char *
refusal (const char *linux_json, const char *extra)
{
  oci_config *cfg = config (linux_json, extra);
  struct rt_error err = RT_ERROR_INIT;
  int r = rt_config_validate (cfg, &err);

  oci_config_free (cfg);
  cr_assert_eq (r < 0, err.msg != NULL);
  return err.msg;
}

static void
assert_refused (const char *linux_json, const char *extra, const char *want)
{
  char *msg = refusal (linux_json, extra);

  cr_assert_not_null (msg, "accepted, expected: %s", want);
  cr_assert_not_null (strstr (msg, want), "`%s` does not say `%s`", msg, want);
  free (msg);
}

Test (validate, minimal_config_passes)
{
  cr_assert_null (refusal ("{}", NULL));
  cr_assert_null (refusal ("{\"resources\":{\"memory\":{\"swappiness\":100,\"limit\":10,\"swap\":-1}}}", NULL));
}

Test (validate, swappiness_range)
{
  assert_refused ("{\"resources\":{\"memory\":{\"swappiness\":101}}}", NULL,
                  ".linux.resources.memory.swappiness: 101 is not between 0 and 100");
}

Test (validate, swap_below_the_memory_limit)
{
  assert_refused ("{\"resources\":{\"memory\":{\"limit\":200,\"swap\":100}}}", NULL,
                  ".linux.resources.memory.swap: 100 must be >= the memory limit 200");
  /* 0 is unset, -1 unlimited; an unlimited memory takes any swap */
  cr_assert_null (refusal ("{\"resources\":{\"memory\":{\"limit\":200,\"swap\":0}}}", NULL));
  cr_assert_null (refusal ("{\"resources\":{\"memory\":{\"limit\":-1,\"swap\":100}}}", NULL));
  cr_assert_null (refusal ("{\"resources\":{\"memory\":{\"limit\":200,\"swap\":200}}}", NULL));
}

Test (validate, unified_keys_are_file_names)
{
  assert_refused ("{\"resources\":{\"unified\":{\"../cgroup.procs\":\"1\"}}}", NULL,
                  ".linux.resources.unified[\"../cgroup.procs\"]: invalid key");
  assert_refused ("{\"resources\":{\"unified\":{\".hidden\":\"1\"}}}", NULL, "invalid key");
  assert_refused ("{\"resources\":{\"unified\":{\"\":\"1\"}}}", NULL, "invalid key");
  cr_assert_null (refusal ("{\"resources\":{\"unified\":{\"memory.high\":\"max\"}}}", NULL));
}

Test (validate, resources_alone)
{
  struct rt_error err = RT_ERROR_INIT;
  oci_memory m = { .has_swappiness = true, .swappiness = 1000 };
  oci_resources r = { .memory = &m };

  cr_assert_eq (rt_resources_validate (NULL, &err), 0, "an update without resources");
  cr_assert_lt (rt_resources_validate (&r, &err), 0);
  cr_assert_str_eq (err.msg, ".linux.resources.memory.swappiness: 1000 is not between 0 and 100");
  rt_error_clear (&err);
}

Test (validate, devices)
{
  assert_refused ("{\"devices\":[{\"path\":\"dev/x\",\"type\":\"c\",\"major\":1,\"minor\":3}]}", NULL,
                  ".linux.devices[0].path: `dev/x` is not an absolute path");
  assert_refused ("{\"devices\":[{\"path\":\"/dev/../x\",\"type\":\"c\",\"major\":1,\"minor\":3}]}", NULL,
                  "must not contain `..`");
  assert_refused ("{\"resources\":{\"devices\":[{\"allow\":true,\"type\":\"x\"}]}}", NULL,
                  ".linux.resources.devices[0].type: \"x\" is not a, b or c");
}

Test (validate, hooks)
{
  assert_refused ("{}", ",\"hooks\":{\"poststop\":[{\"path\":\"true\"}]}",
                  ".hooks.poststop[0].path: `true` is not an absolute path");
  assert_refused ("{}", ",\"hooks\":{\"prestart\":[{\"path\":\"/bin/true\",\"timeout\":0}]}",
                  ".hooks.prestart[0].timeout: 0 is not above zero");
}

Test (validate, namespaces_for_ids_and_hostname)
{
  assert_refused ("{\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}", NULL,
                  ".linux.uidMappings: id mappings need a new user namespace");
  assert_refused ("{}", ",\"hostname\":\"box\"", ".hostname: setting a hostname needs a uts namespace");
  cr_assert_null (refusal ("{\"namespaces\":[{\"type\":\"uts\"}]}", ",\"hostname\":\"box\""));
}

Test (validate, rlimits)
{
  oci_config *cfg = config ("{}", NULL);
  oci_rlimit a = { .type = (char *) "RLIMIT_NOFILE", .soft = 10, .hard = 5 };
  oci_rlimit b = { .type = (char *) "RLIMIT_NOFILE", .soft = 1, .hard = 5 };
  oci_rlimit *two[] = { &b, &b };
  oci_rlimit *one[] = { &a };
  oci_rlimit **saved = cfg->process->rlimits;
  struct rt_error err = RT_ERROR_INIT;

  cfg->process->rlimits = one;
  cfg->process->rlimits_len = 1;
  cr_assert_lt (rt_config_validate (cfg, &err), 0);
  cr_assert_str_eq (err.msg, ".process.rlimits[0]: soft limit 10 is above the hard limit 5");
  rt_error_clear (&err);
  cfg->process->rlimits = two;
  cfg->process->rlimits_len = 2;
  cr_assert_lt (rt_config_validate (cfg, &err), 0);
  cr_assert_str_eq (err.msg, ".process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\"");
  rt_error_clear (&err);
  cfg->process->rlimits = saved;
  cfg->process->rlimits_len = 0;
  oci_config_free (cfg);
}

/* The sysctl keys a namespace of the container's own isolates. */
static char *
sysctl_refusal (const char *namespaces, const char *key)
{
  char *linux_json = NULL;
  oci_config *cfg;
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_geq (asprintf (&linux_json, "{\"namespaces\":%s,\"sysctl\":{\"%s\":\"1\"}}", namespaces, key), 0);
  cfg = config (linux_json, NULL);
  free (linux_json);
  rt_sysctl_check (cfg, &err);
  oci_config_free (cfg);
  return err.msg;
}

Test (sysctl, namespaced_keys)
{
  cr_assert_null (sysctl_refusal ("[{\"type\":\"ipc\"}]", "kernel.shmmax"));
  cr_assert_null (sysctl_refusal ("[{\"type\":\"ipc\"}]", "fs.mqueue.msg_max"));
  cr_assert_null (sysctl_refusal ("[{\"type\":\"network\"}]", "net.ipv4.ip_forward"));
  cr_assert_null (sysctl_refusal ("[{\"type\":\"network\"}]", "net/ipv4/conf/eth0.100/rp_filter"));
  cr_assert_null (sysctl_refusal ("[{\"type\":\"uts\"}]", "kernel.domainname"));
  cr_assert_null (sysctl_refusal ("[{\"type\":\"user\"}]", "user.max_user_namespaces"));
}

Test (sysctl, refusals_name_the_key)
{
  char *msg = sysctl_refusal ("[]", "kernel.shmmax");

  cr_assert_not_null (msg);
  cr_assert_not_null (strstr (msg, ".linux.sysctl[\"kernel.shmmax\"]: needs an ipc namespace"), "%s", msg);
  free (msg);
  msg = sysctl_refusal ("[{\"type\":\"ipc\"}]", "net.core.somaxconn");
  cr_assert_not_null (strstr (msg, "needs a network namespace"), "%s", msg);
  free (msg);
  msg = sysctl_refusal ("[{\"type\":\"network\"}]", "vm.swappiness");
  cr_assert_not_null (strstr (msg, "is not in a namespace rt can isolate"), "%s", msg);
  free (msg);
  msg = sysctl_refusal ("[{\"type\":\"network\"}]", "../../etc/passwd");
  cr_assert_not_null (strstr (msg, "invalid key"), "%s", msg);
  free (msg);
}
