/* A config using every property of the schema survives parse -> emit ->
 * parse unchanged, and its values arrive exactly. */
#include "ocispec-test.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static oci_config *
full_config (char **text)
{
  size_t len;
  char *json = read_fixture ("config-full.json", &len);
  char *err = NULL;
  oci_config *c = oci_config_parse (json, len, "config.json", &err);

  cr_assert_not_null (c, "config-full.json: %s", err);
  if (text != NULL)
    *text = json;
  else
    free (json);
  return c;
}

Test (roundtrip, fixture_sets_every_field)
{
  oci_config *c = full_config (NULL);

  assert_every_field_set (&oci_config_type, c);
  oci_config_free (c);
}

/* The fixture is written in the canonical pretty form, so this also pins the
 * output format: tabs, ": ", key order, integers verbatim. */
Test (roundtrip, pretty_output_is_the_fixture)
{
  char *text;
  oci_config *c = full_config (&text);
  char *out = emit_ok (&oci_config_type, c, true);

  cr_assert_str_eq (out, text);
  free (out);
  free (text);
  oci_config_free (c);
}

Test (roundtrip, compact_parse_emit_is_stable)
{
  char *text;
  oci_config *c = full_config (&text), *c2;
  char *compact = emit_ok (&oci_config_type, c, false), *compact2, *pretty2;

  cr_assert_null (strchr (compact, '\n'), "compact output spans lines");
  cr_assert_eq (compact[0], '{');
  c2 = parse_ok (&oci_config_type, compact);
  compact2 = emit_ok (&oci_config_type, c2, false);
  pretty2 = emit_ok (&oci_config_type, c2, true);
  cr_assert_str_eq (compact2, compact);
  cr_assert_str_eq (pretty2, text);
  assert_every_field_set (&oci_config_type, c2);
  free (compact);
  free (compact2);
  free (pretty2);
  free (text);
  oci_config_free (c);
  oci_config_free (c2);
}

Test (roundtrip, deep_copy_is_equal_and_independent)
{
  oci_config *c = full_config (NULL);
  oci_config *d = oci_doc_dup (&oci_config_type, c);
  char *a = emit_ok (&oci_config_type, c, false), *b;

  cr_assert_neq (d, c);
  cr_assert_neq (d->process, c->process);
  cr_assert_neq (d->process->env, c->process->env);
  cr_assert_neq (d->process->env[0], c->process->env[0]);
  cr_assert_null (d->process->env[d->process->env_len]);
  oci_config_free (c);
  b = emit_ok (&oci_config_type, d, false);
  cr_assert_str_eq (b, a);
  free (a);
  free (b);
  oci_config_free (d);
}

Test (roundtrip, process_values)
{
  oci_config *c = full_config (NULL);
  oci_process *p = c->process;

  cr_assert_str_eq (c->oci_version, "1.2.0");
  cr_assert (p->terminal);
  cr_assert_eq (p->console_size->height, 25);
  cr_assert_eq (p->console_size->width, UINT64_MAX);
  cr_assert_eq (p->user->uid, UINT32_MAX);
  cr_assert_eq (p->user->gid, 1000);
  cr_assert (p->user->has_umask);
  cr_assert_eq (p->user->umask, 18);
  cr_assert_eq (p->user->additional_gids_len, 3);
  cr_assert_eq (p->user->additional_gids[2], UINT32_MAX);
  cr_assert_str_eq (p->user->username, "daemon");
  cr_assert_eq (p->args_len, 3);
  cr_assert_str_eq (p->args[2], "echo \"hi\"\n");
  cr_assert_null (p->args[3], "string arrays end with NULL");
  cr_assert_str_eq (p->env[2], "UNICODE=h\xc3\xa9llo \xe2\x98\x83 \xf0\x9f\x98\x80");
  cr_assert_str_eq (p->cwd, "/");
  cr_assert_str_eq (p->capabilities->permitted[1], "CAP_CHECKPOINT_RESTORE");
  cr_assert_eq (p->capabilities->ambient_len, 1);
  cr_assert_eq (p->rlimits_len, 2);
  cr_assert_null (p->rlimits[2], "object arrays end with NULL");
  cr_assert_str_eq (p->rlimits[1]->type, "RLIMIT_CORE");
  cr_assert_eq (p->rlimits[1]->hard, UINT64_MAX);
  cr_assert_eq (p->rlimits[1]->soft, (uint64_t) INT64_MAX + 1);
  cr_assert (p->no_new_privileges);
  cr_assert (p->has_oom_score_adj);
  cr_assert_eq (p->oom_score_adj, -1000);
  cr_assert_str_eq (p->scheduler->policy, "SCHED_DEADLINE");
  cr_assert_eq (p->scheduler->nice, -20);
  cr_assert_eq (p->scheduler->priority, INT32_MAX);
  cr_assert_eq (p->scheduler->period, 30000000);
  cr_assert_str_eq (p->io_priority->class, "IOPRIO_CLASS_BE");
  cr_assert_eq (p->io_priority->priority, 4);
  cr_assert_str_eq (p->exec_cpu_affinity->final, "0-3,7");
  oci_config_free (c);
}

Test (roundtrip, config_values)
{
  oci_config *c = full_config (NULL);

  cr_assert_str_eq (c->root->path, "rootfs");
  cr_assert (c->root->readonly);
  cr_assert_str_eq (c->domainname, "example.org");
  cr_assert_eq (c->mounts_len, 2);
  cr_assert_str_eq (c->mounts[0]->type, "proc");
  cr_assert_eq (c->mounts[0]->gid_mappings[0]->size, UINT32_MAX);
  cr_assert_null (c->mounts[1]->uid_mappings);
  cr_assert (c->hooks->prestart[0]->has_timeout);
  cr_assert_eq (c->hooks->create_runtime[0]->timeout, INT64_MIN);
  cr_assert_eq (c->hooks->create_container[0]->timeout, INT64_MAX);
  cr_assert_not (c->hooks->start_container[0]->has_timeout);
  cr_assert_eq (c->annotations.len, 3);
  cr_assert_str_eq (c->annotations.keys[2], "com.example.\"quoted\"");
  cr_assert_str_eq (oci_strmap_get (&c->annotations, "com.example.key2"), "value2");
  cr_assert_null (oci_strmap_get (&c->annotations, "com.example.key3"));
  oci_config_free (c);
}

Test (roundtrip, linux_values)
{
  oci_config *c = full_config (NULL);
  oci_linux *l = c->linux;
  oci_resources *r = l->resources;
  oci_time_offset *mono;
  oci_net_device *ens4;

  cr_assert_eq (l->gid_mappings[0]->container_id, 2);
  cr_assert_str_eq (oci_strmap_get (&l->sysctl, "net.ipv4.ip_forward"), "1");
  cr_assert_eq (r->devices[1]->major, -1);
  cr_assert (r->devices[1]->has_major);
  cr_assert (r->memory->has_swap);
  cr_assert_eq (r->memory->swap, -1);
  cr_assert_eq (r->memory->swappiness, UINT64_MAX);
  cr_assert (r->memory->has_disable_oom_killer);
  cr_assert (r->memory->check_before_update);
  cr_assert_eq (r->cpu->idle, 1);
  cr_assert_str_eq (r->cpu->mems, "0-7");
  cr_assert_eq (r->pids->limit, 32771);
  cr_assert_eq (r->block_io->leaf_weight, 65535);
  cr_assert (r->block_io->weight_device[0]->has_leaf_weight);
  cr_assert_not (r->block_io->weight_device[1]->has_leaf_weight);
  cr_assert_eq (r->block_io->throttle_write_bps_device[0]->rate, UINT64_MAX);
  cr_assert_str_eq (r->hugepage_limits[1]->page_size, "64KB");
  cr_assert_eq (r->network->class_id, 1048577);
  cr_assert_eq (r->rdma.len, 2);
  cr_assert_str_eq (r->rdma.keys[1], "mlx4_0");
  cr_assert_not (((oci_rdma *) r->rdma.values[1])->has_hca_handles);
  cr_assert_eq (((oci_rdma *) r->rdma.values[1])->hca_objects, 1000);
  cr_assert_str_eq (oci_strmap_get (&r->unified, "memory.high"), "500M");
  cr_assert_eq (l->namespaces_len, 8);
  cr_assert_str_eq (l->namespaces[1]->path, "/var/run/netns/neta");
  cr_assert_eq (l->devices[0]->file_mode, 0666);
  cr_assert_not (l->devices[1]->has_uid);
  cr_assert_str_eq (l->devices[2]->type, "p");
  cr_assert_eq (l->seccomp->syscalls[0]->args[0]->value, UINT64_MAX);
  cr_assert_eq (l->seccomp->syscalls[0]->errno_ret, 38);
  cr_assert_not (l->seccomp->syscalls[1]->has_errno_ret);
  cr_assert_str_eq (l->seccomp->architectures[2], "SCMP_ARCH_X86_64");
  cr_assert_str_eq (l->rootfs_propagation, "rslave");
  cr_assert_str_eq (l->intel_rdt->schemata[0], "L2:0=ff");
  cr_assert_str_eq (l->personality->domain, "LINUX32");
  cr_assert_str_eq (l->time_offsets.keys[0], "monotonic");
  mono = l->time_offsets.values[0];
  cr_assert_eq (mono->secs, -86400);
  cr_assert_eq (mono->nanosecs, 999999999);
  cr_assert_str_eq (l->memory_policy->flags[0], "MPOL_F_STATIC_NODES");
  cr_assert_str_eq (l->net_devices.keys[1], "ens4");
  ens4 = l->net_devices.values[1];
  cr_assert_not_null (ens4);
  cr_assert_null (ens4->name);
  oci_config_free (c);
}

Test (roundtrip, escapes_in_strings)
{
  const char *json = "{\"ociVersion\":\"1.2.0\",\"hostname\":\"a\\u00e9\\ud83d\\ude00\\t\\\"\\\\\\/b\"}";
  oci_config *c = parse_ok (&oci_config_type, json);
  char *out;

  cr_assert_str_eq (c->hostname, "a\xc3\xa9\xf0\x9f\x98\x80\t\"\\/b");
  out = emit_ok (&oci_config_type, c, false);
  cr_assert_str_eq (out, "{\"ociVersion\":\"1.2.0\",\"hostname\":\"a\xc3\xa9\xf0\x9f\x98\x80\\t\\\"\\\\/b\"}");
  free (out);
  oci_config_free (c);
}

Test (roundtrip, minimal_pretty_output)
{
  const char *json = "{\"ociVersion\":\"1.2.0\",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"]},"
                     "\"root\":{\"path\":\"rootfs\"},\"linux\":{}}";
  oci_config *c = parse_ok (&oci_config_type, json);
  char *out = emit_ok (&oci_config_type, c, true);

  cr_assert_str_eq (out, "{\n"
                         "\t\"ociVersion\": \"1.2.0\",\n"
                         "\t\"process\": {\n"
                         "\t\t\"args\": [\n"
                         "\t\t\t\"sh\"\n"
                         "\t\t],\n"
                         "\t\t\"cwd\": \"/\"\n"
                         "\t},\n"
                         "\t\"root\": {\n"
                         "\t\t\"path\": \"rootfs\"\n"
                         "\t},\n"
                         "\t\"linux\": {}\n"
                         "}\n");
  free (out);
  oci_config_free (c);
}

/* Absent, false and empty values are left out; integers without a has_
 * flag always appear. */
Test (roundtrip, omits_absent_values)
{
  const char *json = "{\"ociVersion\":\"1.2.0\",\"process\":{\"terminal\":false,\"cwd\":\"/\","
                     "\"args\":[],\"env\":[],\"noNewPrivileges\":false,\"user\":{\"uid\":0,"
                     "\"gid\":0}},\"root\":{\"path\":\"r\",\"readonly\":false},\"mounts\":[],"
                     "\"annotations\":{},\"linux\":{\"resources\":{\"memory\":{\"limit\":0,"
                     "\"disableOOMKiller\":false}}}}";
  oci_config *c = parse_ok (&oci_config_type, json);
  char *out = emit_ok (&oci_config_type, c, false);

  cr_assert_str_eq (out, "{\"ociVersion\":\"1.2.0\",\"process\":{\"user\":{\"uid\":0,\"gid\":0},"
                         "\"cwd\":\"/\"},\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":"
                         "{\"memory\":{\"limit\":0,\"disableOOMKiller\":false}}}}");
  cr_assert_not_null (c->process->args, "an empty array is still an array");
  cr_assert_eq (c->process->args_len, 0);
  cr_assert_null (c->process->args[0]);
  free (out);
  oci_config_free (c);
}

Test (roundtrip, dup_of_null_is_null)
{
  cr_assert_null (oci_process_dup (NULL));
  cr_assert_null (oci_doc_dup (&oci_config_type, NULL));
}

static void
check_type (const struct oci_type *t, int depth)
{
  size_t i;

  cr_assert_leq (t->n_fields, 64, "%s: the parser tracks fields in a 64-bit mask", t->name);
  cr_assert_lt (depth, 10, "%s: the schema should not recurse", t->name);
  for (i = 0; i < t->n_fields; i++)
    {
      const struct oci_field *f = &t->fields[i];
      bool is_array = f->kind == OCI_STRV || f->kind == OCI_OBJV || f->kind == OCI_U32V;
      bool needs_type = f->kind == OCI_OBJECT || f->kind == OCI_OBJV || f->kind == OCI_OBJMAP;

      cr_assert_lt (f->offset, t->size, "%s.%s", t->name, f->name);
      cr_assert_eq (is_array, f->len_offset != 0, "%s.%s: _len", t->name, f->name);
      cr_assert_eq (needs_type, f->type != NULL, "%s.%s: element type", t->name, f->name);
      cr_assert_eq (f->table != NULL, f->noun != NULL, "%s.%s: table and noun", t->name, f->name);
      if (f->has_offset != OCI_NO_OFFSET)
        cr_assert_lt (f->has_offset, t->size, "%s.%s: has_", t->name, f->name);
      if (f->type != NULL)
        check_type (f->type, depth + 1);
    }
}

Test (schema, tables_are_consistent)
{
  check_type (&oci_config_type, 0);
  check_type (&oci_state_type, 0);
  check_type (&oci_features_type, 0);
}

/* What we write must parse back: required properties are written even when
 * false or empty. */
Test (roundtrip, required_values_are_always_written)
{
  const char *json = "{\"ociVersion\":\"1.2.0\",\"linux\":{\"resources\":{\"devices\":[{\"allow\":"
                     "false,\"access\":\"rwm\"}]},\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                     "\"syscalls\":[{\"names\":[],\"action\":\"SCMP_ACT_ERRNO\"}]}}}";
  oci_config *c = parse_ok (&oci_config_type, json), *c2;
  char *out = emit_ok (&oci_config_type, c, false);

  cr_assert_str_eq (out, json);
  c2 = parse_ok (&oci_config_type, out);
  cr_assert_not (c2->linux->resources->devices[0]->allow);
  cr_assert_eq (c2->linux->seccomp->syscalls[0]->names_len, 0);
  free (out);
  oci_config_free (c);
  oci_config_free (c2);
}
