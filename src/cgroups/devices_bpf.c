/* cgroup v2 has no devices controller: access to device nodes is decided by
 * a BPF_PROG_TYPE_CGROUP_DEVICE program attached to the cgroup. We compile
 * the rule list (deny-all first, then holes) into one such program.
 *
 * v1 semantics, emulated per access bit: the last rule that matches a
 * device decides, for the access bits it names. The program walks the rules
 * from the last to the first with the still-undecided requested bits in R3:
 * a matching allow rule clears the bits it grants (all cleared: allow), a
 * matching deny rule naming any undecided bit denies. Nothing left: deny. */
#include "cgroups/devices.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroups/backend.h"
#include "util/cleanup.h"

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define LDX_W(d, s, o) INSN (BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define ALU32_IMM(op, d, i) INSN (BPF_ALU | (op) | BPF_K, d, 0, 0, i)
#define MOV32_REG(d, s) INSN (BPF_ALU | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, i) INSN (BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define JMP_IMM(op, d, i, o) INSN (BPF_JMP | (op) | BPF_K, d, 0, o, i)
#define EXIT() INSN (BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

struct prog
{
  struct bpf_insn *insns;
  size_t len, cap;
};

static int
emit (struct prog *p, struct bpf_insn insn)
{
  if (p->len == p->cap)
    {
      size_t cap = p->cap ? p->cap * 2 : 64;
      struct bpf_insn *n = realloc (p->insns, cap * sizeof *n);
      if (n == NULL)
        return -1;
      p->insns = n;
      p->cap = cap;
    }
  p->insns[p->len++] = insn;
  return 0;
}

static int32_t
access_bits (const char *access)
{
  int32_t bits = 0;

  for (; access && *access; access++)
    bits |= *access == 'r'   ? BPF_DEVCG_ACC_READ
            : *access == 'w' ? BPF_DEVCG_ACC_WRITE
            : *access == 'm' ? BPF_DEVCG_ACC_MKNOD
                             : 0;
  return bits;
}

/* One rule: the match tests jump past the whole block when they fail. */
static int
emit_rule (struct prog *p, const oci_device_cgroup *d)
{
  const char *type = d->type && *d->type ? d->type : "a";
  int32_t acc = d->access && *d->access ? access_bits (d->access) : access_bits ("rwm");
  bool by_type = type[0] != 'a', by_major = d->has_major && d->major >= 0, by_minor = d->has_minor && d->minor >= 0;
  int body = d->allow ? 4 : 5; /* instructions after the match tests */
  int tests = by_type + by_major + by_minor, r = 0;

  if (type[0] != 'a' && type[0] != 'b' && type[0] != 'c')
    return -2;
  if (by_type)
    r |= emit (p, JMP_IMM (BPF_JNE, BPF_REG_2, type[0] == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR,
                           (int16_t) (--tests + body)));
  if (by_major)
    r |= emit (p, JMP_IMM (BPF_JNE, BPF_REG_4, (int32_t) d->major, (int16_t) (--tests + body)));
  if (by_minor)
    r |= emit (p, JMP_IMM (BPF_JNE, BPF_REG_5, (int32_t) d->minor, (int16_t) (--tests + body)));
  if (d->allow)
    {
      r |= emit (p, ALU32_IMM (BPF_AND, BPF_REG_3, ~acc & 0xffff));
      r |= emit (p, JMP_IMM (BPF_JNE, BPF_REG_3, 0, 2));
      r |= emit (p, MOV64_IMM (BPF_REG_0, 1));
      r |= emit (p, EXIT ());
    }
  else
    {
      r |= emit (p, MOV32_REG (BPF_REG_1, BPF_REG_3));
      r |= emit (p, ALU32_IMM (BPF_AND, BPF_REG_1, acc));
      r |= emit (p, JMP_IMM (BPF_JEQ, BPF_REG_1, 0, 2));
      r |= emit (p, MOV64_IMM (BPF_REG_0, 0));
      r |= emit (p, EXIT ());
    }
  return r;
}

/* R2 = device type, R3 = requested access, R4 = major, R5 = minor. */
static int
emit_prologue (struct prog *p)
{
  const struct bpf_insn insns[] = {
    LDX_W (BPF_REG_2, BPF_REG_1, 0),    ALU32_IMM (BPF_AND, BPF_REG_2, 0xffff), LDX_W (BPF_REG_3, BPF_REG_1, 0),
    ALU32_IMM (BPF_RSH, BPF_REG_3, 16), LDX_W (BPF_REG_4, BPF_REG_1, 4),        LDX_W (BPF_REG_5, BPF_REG_1, 8),
  };
  size_t i;

  for (i = 0; i < sizeof insns / sizeof insns[0]; i++)
    if (emit (p, insns[i]) < 0)
      return -1;
  return 0;
}

int
rt_devices_bpf_program (oci_device_cgroup *const *rules, size_t n, struct bpf_insn **out, size_t *len,
                        struct rt_error *err)
{
  struct prog p = { NULL, 0, 0 };
  size_t i;
  int r = emit_prologue (&p);

  for (i = n; i > 0 && r == 0; i--)
    if ((r = emit_rule (&p, rules[i - 1])) == -2)
      {
        free (p.insns);
        return rt_error_set (err, EINVAL, "device rule %zu: unknown type `%s`", i - 1, rules[i - 1]->type);
      }
  if (r == 0 && (r = emit (&p, MOV64_IMM (BPF_REG_0, 0))) == 0)
    r = emit (&p, EXIT ());
  if (r != 0)
    {
      free (p.insns);
      return rt_error_set (err, ENOMEM, "device filter");
    }
  *out = p.insns;
  *len = p.len;
  return 0;
}

static int
sys_bpf (int cmd, union bpf_attr *attr)
{
  return (int) syscall (SYS_bpf, cmd, attr, sizeof *attr);
}

/* Load; on failure load again with a log, for the verifier's reason. */
static int
load (const struct bpf_insn *insns, size_t len, struct rt_error *err)
{
  static const char license[] = "Apache";
  union bpf_attr attr;
  cleanup_free char *log = NULL;
  size_t log_size = 1 << 16;
  int fd, e;

  memset (&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uintptr_t) insns;
  attr.insn_cnt = (uint32_t) len;
  attr.license = (uintptr_t) license;
  fd = sys_bpf (BPF_PROG_LOAD, &attr);
  if (fd >= 0)
    return fd;
  e = errno;
  if (e != EINVAL && e != EACCES)
    return rt_error_set (err, e, "load the device filter (bpf BPF_PROG_LOAD)");
  if ((log = calloc (1, log_size)) != NULL)
    {
      attr.log_buf = (uintptr_t) log;
      attr.log_size = (uint32_t) log_size;
      attr.log_level = 1;
      sys_bpf (BPF_PROG_LOAD, &attr);
      log[log_size - 1] = '\0';
      for (char *c = log; *c; c++)
        if (*c == '\n')
          *c = ' ';
    }
  return rt_error_set (err, e, "load the device filter: the verifier says: %s", log ? log : "?");
}

/* The ids of the device programs attached directly to the cgroup. */
static int
attached (int cgfd, uint32_t **ids, uint32_t *n, struct rt_error *err)
{
  union bpf_attr attr;

  *ids = NULL;
  *n = 0;
  for (;;)
    {
      uint32_t cap = *n;
      memset (&attr, 0, sizeof attr);
      attr.query.target_fd = (uint32_t) cgfd;
      attr.query.attach_type = BPF_CGROUP_DEVICE;
      attr.query.prog_ids = (uintptr_t) *ids;
      attr.query.prog_cnt = cap;
      if (sys_bpf (BPF_PROG_QUERY, &attr) == 0 && attr.query.prog_cnt <= cap)
        {
          *n = attr.query.prog_cnt;
          return 0;
        }
      if (errno != ENOSPC && !(attr.query.prog_cnt > cap))
        return rt_error_set (err, errno, "query the device filters (bpf BPF_PROG_QUERY)");
      free (*ids);
      *n = attr.query.prog_cnt;
      *ids = calloc (*n, sizeof **ids);
      if (*ids == NULL)
        return rt_error_set (err, ENOMEM, "device filter");
    }
}

static int
detach (int cgfd, uint32_t id, struct rt_error *err)
{
  union bpf_attr attr;
  cleanup_close int fd = -1;

  memset (&attr, 0, sizeof attr);
  attr.prog_id = id;
  fd = sys_bpf (BPF_PROG_GET_FD_BY_ID, &attr);
  if (fd < 0)
    return errno == ENOENT ? 0 : rt_error_set (err, errno, "device filter %u (bpf BPF_PROG_GET_FD_BY_ID)", id);
  memset (&attr, 0, sizeof attr);
  attr.target_fd = (uint32_t) cgfd;
  attr.attach_bpf_fd = (uint32_t) fd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  if (sys_bpf (BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
    return rt_error_set (err, errno, "detach device filter %u (bpf BPF_PROG_DETACH)", id);
  return 0;
}

/* Attach the new program next to the old ones (BPF_F_ALLOW_MULTI: all must
 * allow), then detach the old: never a moment without a filter. */
int
rt_cgroup_v2_devices (const char *dir, oci_device_cgroup *const *rules, size_t n, struct rt_error *err)
{
  cleanup_free struct bpf_insn *insns = NULL;
  cleanup_free uint32_t *old = NULL;
  cleanup_close int cgfd = -1, prog = -1;
  union bpf_attr attr;
  uint32_t nold = 0, i;
  size_t len;

  if (rt_devices_bpf_program (rules, n, &insns, &len, err) < 0)
    return -1;
  cgfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cgfd < 0)
    return rt_error_set (err, errno, "open cgroup `%s`", dir);
  if (attached (cgfd, &old, &nold, err) < 0)
    return rt_error_prefix (err, "`%s`", dir);
  prog = load (insns, len, err);
  if (prog < 0)
    return -1;
  memset (&attr, 0, sizeof attr);
  attr.target_fd = (uint32_t) cgfd;
  attr.attach_bpf_fd = (uint32_t) prog;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf (BPF_PROG_ATTACH, &attr) < 0)
    return rt_error_set (err, errno, "attach the device filter to `%s` (bpf BPF_PROG_ATTACH)", dir);
  for (i = 0; i < nold; i++)
    if (detach (cgfd, old[i], err) < 0)
      return rt_error_prefix (err, "`%s`", dir);
  return 0;
}
