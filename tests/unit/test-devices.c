/* The device allow-list (cgroups/devices.c) and its cgroup v2 form, the
 * BPF program of devices_bpf.c, run here by a small interpreter of the
 * instructions it uses: what a container may open, decided as the kernel
 * would, without loading anything. */
#include "cgroups/devices.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fs.h"

static oci_resources *res;
static struct rt_device_rules rules;
static struct bpf_insn *prog;
static size_t prog_len;

static void
done (void)
{
  oci_resources_free (res);
  res = NULL;
  rt_device_rules_free (&rules);
  free (prog);
  prog = NULL;
}

TestSuite (devices, .fini = done);

/* The rules for a resources document's "devices" (JSON), compiled. */
static void
build (const char *devices_json)
{
  struct rt_error err = RT_ERROR_INIT;
  char *doc = NULL, *perr = NULL;

  done ();
  cr_assert_geq (asprintf (&doc, "{\"devices\":%s}", devices_json), 0);
  res = oci_resources_parse (doc, strlen (doc), "resources", &perr);
  cr_assert_not_null (res, "%s: %s", doc, perr ? perr : "?");
  free (doc);
  cr_assert_eq (rt_device_rules_build (res, &rules, &err), 0);
  cr_assert_eq (rt_devices_bpf_program (rules.rules, rules.len, &prog, &prog_len, &err), 0, "%s", err.msg);
}

/* The program's verdict for an access ("r", "w", "m" or several) to a
 * device of type 'b' or 'c': 1 allows. */
static int
verdict (char type, uint32_t major, uint32_t minor, const char *access)
{
  uint32_t acc = (strchr (access, 'r') ? BPF_DEVCG_ACC_READ : 0) | (strchr (access, 'w') ? BPF_DEVCG_ACC_WRITE : 0)
                 | (strchr (access, 'm') ? BPF_DEVCG_ACC_MKNOD : 0);
  /* struct bpf_cgroup_dev_ctx: access_type (access << 16 | type), major, minor */
  uint32_t ctx[3] = { acc << 16 | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR), major, minor };
  uint64_t r[11] = { 0 };
  size_t pc = 0, steps = 0;

  for (;;)
    {
      struct bpf_insn i;

      cr_assert_lt (pc, prog_len, "ran off the end");
      cr_assert_lt (steps++, 10000);
      i = prog[pc++];
      switch (i.code)
        {
        case BPF_LDX | BPF_MEM | BPF_W:
          cr_assert_eq (i.src_reg, BPF_REG_1);
          cr_assert (i.off >= 0 && i.off <= 8 && i.off % 4 == 0);
          r[i.dst_reg] = ctx[i.off / 4];
          break;
        case BPF_ALU | BPF_AND | BPF_K:
          r[i.dst_reg] = (uint32_t) r[i.dst_reg] & (uint32_t) i.imm;
          break;
        case BPF_ALU | BPF_RSH | BPF_K:
          r[i.dst_reg] = (uint32_t) r[i.dst_reg] >> i.imm;
          break;
        case BPF_ALU | BPF_MOV | BPF_X:
          r[i.dst_reg] = (uint32_t) r[i.src_reg];
          break;
        case BPF_ALU64 | BPF_MOV | BPF_K:
          r[i.dst_reg] = (uint64_t) (int64_t) i.imm;
          break;
        case BPF_JMP | BPF_JNE | BPF_K:
          if (r[i.dst_reg] != (uint64_t) (int64_t) i.imm)
            pc += (size_t) i.off;
          break;
        case BPF_JMP | BPF_JEQ | BPF_K:
          if (r[i.dst_reg] == (uint64_t) (int64_t) i.imm)
            pc += (size_t) i.off;
          break;
        case BPF_JMP | BPF_EXIT:
          return (int) r[0];
        default:
          cr_assert_fail ("instruction %zu: unexpected code %#x", pc - 1, i.code);
        }
    }
}

Test (devices, defaults_as_runc)
{
  build ("[]");
  cr_assert_eq (rules.rules[0]->allow, false, "everything denied first");
  cr_assert_str_eq (rules.rules[0]->type, "a");
  cr_assert_eq (verdict ('c', 1, 3, "rw"), 1, "/dev/null");
  cr_assert_eq (verdict ('c', 1, 9, "r"), 1, "/dev/urandom");
  cr_assert_eq (verdict ('c', 5, 2, "rw"), 1, "/dev/ptmx");
  cr_assert_eq (verdict ('c', 136, 7, "rw"), 1, "a pty");
  cr_assert_eq (verdict ('c', 10, 200, "rw"), 1, "/dev/net/tun");
  cr_assert_eq (verdict ('b', 8, 0, "m"), 1, "mknod of anything");
  cr_assert_eq (verdict ('c', 4, 1, "m"), 1);
  cr_assert_eq (verdict ('b', 8, 0, "r"), 0, "a disk");
  cr_assert_eq (verdict ('c', 4, 1, "w"), 0, "a tty");
  cr_assert_eq (verdict ('c', 1, 1, "r"), 0, "/dev/mem");
  cr_assert_eq (verdict ('c', 10, 229, "rw"), 0, "/dev/fuse");
}

/* The last rule that matches decides, for the access bits it names. */
Test (devices, last_match_per_access_bit)
{
  build ("[{\"allow\":true,\"type\":\"b\",\"major\":8,\"access\":\"rw\"},"
         "{\"allow\":false,\"type\":\"b\",\"major\":8,\"minor\":1,\"access\":\"w\"},"
         "{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":229},"
         "{\"allow\":true,\"type\":\"c\",\"major\":4,\"minor\":1,\"access\":\"r\"},"
         "{\"allow\":false,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"x\"}]");
  cr_assert_eq (verdict ('b', 8, 0, "rw"), 1);
  cr_assert_eq (verdict ('b', 8, 1, "r"), 1);
  cr_assert_eq (verdict ('b', 8, 1, "w"), 0, "denied after the allow");
  cr_assert_eq (verdict ('b', 8, 1, "rw"), 0);
  cr_assert_eq (verdict ('b', 9, 0, "r"), 0);
  cr_assert_eq (verdict ('c', 8, 0, "r"), 0, "the type counts");
  cr_assert_eq (verdict ('c', 10, 229, "rwm"), 1, "no access means rwm");
  cr_assert_eq (verdict ('c', 4, 1, "r"), 1);
  cr_assert_eq (verdict ('c', 4, 1, "rw"), 0, "w is not granted");
  cr_assert_eq (verdict ('c', 1, 3, "rw"), 1, "a rule about nothing is left out");
}

/* The defaults come after the config's rules: a config cannot take
 * /dev/null away, as with runc. */
Test (devices, defaults_after_the_config)
{
  build ("[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":false,\"type\":\"c\",\"major\":1,\"minor\":3}]");
  cr_assert_eq (verdict ('c', 1, 3, "rw"), 1);
  /* the config's own deny-all merges into rt's */
  cr_assert_eq (rules.rules[1]->allow, false);
  cr_assert_str_eq (rules.rules[1]->type, "c");
}

Test (devices, allow_all)
{
  build ("[{\"allow\":true,\"type\":\"a\"}]");
  cr_assert_eq (verdict ('b', 8, 0, "rwm"), 1);
  cr_assert_eq (verdict ('c', 1, 1, "rw"), 1);
}

Test (devices, unknown_type)
{
  oci_device_cgroup d = { .allow = true, .type = (char *) "x", .access = (char *) "r" }, *list[] = { &d };
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_lt (rt_devices_bpf_program (list, 1, &prog, &prog_len, &err), 0);
  cr_assert_str_eq (err.msg, "device rule 0: unknown type `x`: Invalid argument");
  free (err.msg);
}

/* v1: each rule one write, to devices.deny or devices.allow. */
Test (devices, v1_lines)
{
  char dir[] = "/tmp/rt-test-devices.XXXXXX", *deny = NULL, *allow = NULL, *data = NULL;
  struct rt_error err = RT_ERROR_INIT;
  int fd;

  build ("[{\"allow\":true,\"type\":\"b\",\"major\":8,\"access\":\"r\"}]");
  cr_assert_not_null (mkdtemp (dir));
  cr_assert_geq (asprintf (&deny, "%s/devices.deny", dir), 0);
  cr_assert_geq (asprintf (&allow, "%s/devices.allow", dir), 0);
  cr_assert_lt (rt_cgroup_v1_devices (dir, rules.rules, rules.len, &err), 0);
  cr_assert_not_null (strstr (err.msg, "devices.deny"), "%s", err.msg);
  free (err.msg);
  err.msg = NULL;
  fd = open (deny, O_CREAT | O_WRONLY, 0600);
  close (fd);
  fd = open (allow, O_CREAT | O_WRONLY, 0600);
  close (fd);
  cr_assert_eq (rt_cgroup_v1_devices (dir, rules.rules, rules.len, &err), 0, "%s", err.msg);
  cr_assert_eq (rt_read_file (deny, &data, NULL, NULL), 0);
  cr_assert_str_eq (data, "a");
  free (data);
  cr_assert_eq (rt_read_file (allow, &data, NULL, NULL), 0);
  cr_assert_str_eq (data, "b 8:* rc *:* mb *:* mc 1:3 rwmc 1:5 rwmc 1:7 rwmc 1:8 rwmc 1:9 rwmc 5:0 rwmc 5:1 rwm"
                          "c 5:2 rwmc 136:* rwmc 10:200 rwm");
  free (data);
  unlink (deny);
  unlink (allow);
  rmdir (dir);
  free (deny);
  free (allow);
}
