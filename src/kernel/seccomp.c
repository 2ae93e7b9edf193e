#include "kernel/seccomp.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "kernel/seccomp_enosys.h"
#include "tables.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/unixsock.h"

static int
action_of (const char *name, bool has_errno, uint32_t errno_ret, const char *where, uint32_t *out, struct rt_error *err)
{
  const struct oci_name_value *e = oci_table_find (oci_seccomp_actions, name);
  uint32_t ret = has_errno ? errno_ret : EPERM;

  if (e == NULL)
    return rt_error_set (err, 0, "%s: unknown seccomp action \"%s\"", where, name);
  /* the spec: an errno for an action that returns none is an error */
  if (has_errno && strcmp (name, "SCMP_ACT_ERRNO") != 0 && strcmp (name, "SCMP_ACT_TRACE") != 0)
    return rt_error_set (err, 0, "%s: %s takes no errnoRet", where, name);
  if (strcmp (name, "SCMP_ACT_ERRNO") == 0)
    *out = SCMP_ACT_ERRNO (ret);
  else if (strcmp (name, "SCMP_ACT_TRACE") == 0)
    *out = SCMP_ACT_TRACE (ret);
  else
    *out = (uint32_t) e->value;
  return 0;
}

/* libseccomp ANDs the conditions of one rule, but cannot AND two on the
 * same argument: a rule with two conditions on one argument is added, as
 * runc does, as one rule per condition (which ORs them). */
static bool
repeats_an_arg (const struct scmp_arg_cmp *conds, size_t n)
{
  size_t i, j;

  for (i = 0; i < n; i++)
    for (j = i + 1; j < n; j++)
      if (conds[i].arg == conds[j].arg)
        return true;
  return false;
}

static int
add_rule (scmp_filter_ctx ctx, const oci_seccomp_syscall *sc, uint32_t action, int nr, size_t i, struct rt_error *err)
{
  cleanup_free struct scmp_arg_cmp *conds = calloc (sc->args_len + 1, sizeof *conds);
  size_t j;
  int r = 0;

  if (conds == NULL)
    return rt_error_set (err, ENOMEM, "seccomp");
  for (j = 0; j < sc->args_len; j++)
    {
      const oci_seccomp_arg *a = sc->args[j];
      const struct oci_name_value *op = oci_table_find (oci_seccomp_operators, a->op);
      if (op == NULL || a->index > 5)
        return rt_error_set (err, 0, ".linux.seccomp.syscalls[%zu].args[%zu]: %s", i, j,
                             op == NULL ? "unknown seccomp operator" : "index must be 0 to 5");
      conds[j].arg = a->index;
      conds[j].op = (enum scmp_compare) op->value;
      conds[j].datum_a = a->value;
      conds[j].datum_b = a->value_two;
    }
  if (!repeats_an_arg (conds, sc->args_len))
    r = seccomp_rule_add_array (ctx, action, nr, (unsigned) sc->args_len, conds);
  else
    for (j = 0; j < sc->args_len && r >= 0; j++)
      r = seccomp_rule_add_array (ctx, action, nr, 1, &conds[j]);
  if (r < 0)
    return rt_error_set (err, -r, ".linux.seccomp.syscalls[%zu]: add rule", i);
  return 0;
}

static int
add_syscalls (scmp_filter_ctx ctx, const oci_seccomp *s, uint32_t def, bool *notify, struct rt_error *err)
{
  size_t i, j;

  for (i = 0; i < s->syscalls_len; i++)
    {
      const oci_seccomp_syscall *sc = s->syscalls[i];
      cleanup_free char *where = NULL;
      uint32_t action;

      if (asprintf (&where, ".linux.seccomp.syscalls[%zu].action", i) < 0)
        return rt_error_set (err, ENOMEM, "seccomp");
      if (action_of (sc->action, sc->has_errno_ret, sc->errno_ret, where, &action, err) < 0)
        return -1;
      for (j = 0; j < sc->names_len; j++)
        {
          int nr = seccomp_syscall_resolve_name (sc->names[j]);
          /* engines' profiles name syscalls newer than this libseccomp or
           * of other architectures: skipped, as runc and crun do */
          if (nr == __NR_SCMP_ERROR)
            {
              rt_log_debug (".linux.seccomp.syscalls[%zu].names[%zu]: unknown syscall \"%s\", skipped", i, j,
                            sc->names[j]);
              continue;
            }
          /* rt's child still writes once the filter is on (its errors, the
           * agent's message): an agent it waits on could never answer */
          if (action == SCMP_ACT_NOTIFY && strcmp (sc->names[j], "write") == 0)
            return rt_error_set (
                err, 0, ".linux.seccomp.syscalls[%zu]: SCMP_ACT_NOTIFY cannot be used for the write syscall", i);
          if (action == SCMP_ACT_NOTIFY)
            *notify = true;
          if (action != def && add_rule (ctx, sc, action, nr, i, err) < 0)
            return -1;
        }
    }
  return 0;
}

static int
set_flags (const oci_seccomp *s, struct rt_seccomp *out, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < s->flags_len; i++)
    {
      const struct oci_name_value *f = oci_table_find (oci_seccomp_flags, s->flags[i]);
      if (f == NULL)
        return rt_error_set (err, 0, ".linux.seccomp.flags[%zu]: unknown seccomp flag \"%s\"", i, s->flags[i]);
      out->flags |= (unsigned) f->value;
    }
  if (out->notify)
    {
      out->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
      /* the kernel refuses TSYNC with a listener unless a thread that
       * cannot be synced is reported as ESRCH (as libseccomp does) */
      if (out->flags & SECCOMP_FILTER_FLAG_TSYNC)
        out->flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    }
  else
    /* it only changes how a notified syscall waits: with no listener
     * there is nothing to change, and the kernel refuses it alone */
    out->flags &= ~(unsigned) SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  return 0;
}

/* The agent: a SOCK_STREAM unix socket at listenerPath, connected now, on
 * the host's filesystem and with rt's credentials. */
static int
connect_listener (const oci_seccomp *s, struct rt_seccomp *out, struct rt_error *err)
{
  cleanup_close int fd = -1;

  if (s->listener_metadata && *s->listener_metadata && !(s->listener_path && *s->listener_path))
    return rt_error_set (err, 0, ".linux.seccomp.listenerMetadata: set without a listenerPath");
  if (!out->notify)
    return 0; /* the spec: without SCMP_ACT_NOTIFY the path is ignored */
  if (s->listener_path == NULL || *s->listener_path == '\0')
    return rt_error_set (err, 0,
                         ".linux.seccomp.listenerPath: SCMP_ACT_NOTIFY needs a seccomp agent to send the "
                         "notification fd to");
  fd = rt_unix_connect (s->listener_path, ".linux.seccomp.listenerPath", err);
  if (fd < 0)
    return rt_error_prefix (err, "failed to connect with seccomp agent specified in the seccomp profile");
  if (s->listener_metadata && (out->metadata = strdup (s->listener_metadata)) == NULL)
    return rt_error_set (err, ENOMEM, "seccomp");
  out->listener_fd = rt_steal_fd (&fd);
  out->has_listener = true;
  return 0;
}

static int
add_archs (scmp_filter_ctx ctx, const oci_seccomp *s, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < s->architectures_len; i++)
    {
      const struct oci_name_value *a = oci_table_find (oci_seccomp_archs, s->architectures[i]);
      int r;
      if (a == NULL)
        return rt_error_set (err, 0, ".linux.seccomp.architectures[%zu]: unknown seccomp architecture \"%s\"", i,
                             s->architectures[i]);
      r = seccomp_arch_add (ctx, (uint32_t) a->value);
      if (r < 0 && r != -EEXIST)
        return rt_error_set (err, -r, ".linux.seccomp.architectures[%zu]: add `%s`", i, s->architectures[i]);
    }
  return 0;
}

/* libseccomp 2.5 writes BPF only to an fd: take it back through a memfd. */
static int
export_bpf (scmp_filter_ctx ctx, struct rt_seccomp *out, struct rt_error *err)
{
  cleanup_close int fd = memfd_create ("rt-seccomp", MFD_CLOEXEC);
  off_t size;
  int r;

  if (fd < 0)
    return rt_error_set (err, errno, "seccomp: memfd");
  r = seccomp_export_bpf (ctx, fd);
  if (r < 0)
    return rt_error_set (err, -r, "seccomp: export the filter");
  size = lseek (fd, 0, SEEK_END);
  if (size <= 0 || size % (off_t) sizeof (struct sock_filter) != 0)
    return rt_error_set (err, EINVAL, "seccomp: bad filter size");
  out->filter = malloc ((size_t) size);
  if (out->filter == NULL)
    return rt_error_set (err, ENOMEM, "seccomp");
  if (pread (fd, out->filter, (size_t) size, 0) != size)
    return rt_error_set (err, errno, "seccomp: read the filter");
  out->len = (unsigned short) (size / (off_t) sizeof (struct sock_filter));
  return 0;
}

/* The default actions for which a syscall the profile does not know is
 * better answered ENOSYS (runc's list: not those that let it through). */
static bool
wants_enosys_stub (uint32_t def)
{
  return def != SCMP_ACT_ALLOW && def != SCMP_ACT_LOG && (def & 0xffff0000u) != SCMP_ACT_TRACE (0)
         && def != SCMP_ACT_NOTIFY;
}

static void
add_arch_max (struct rt_enosys_arch *a, size_t *n, uint32_t token, const oci_seccomp *s)
{
  size_t i, j;
  int max = -1;

  if (token == SCMP_ARCH_X32)
    return; /* its numbers carry the x32 bit on x86_64: left to the filter */
  for (i = 0; i < *n; i++)
    if (a[i].audit_arch == token)
      return;
  for (i = 0; i < s->syscalls_len; i++)
    for (j = 0; j < s->syscalls[i]->names_len; j++)
      {
        int nr = seccomp_syscall_resolve_name_arch (token, s->syscalls[i]->names[j]);
        if (nr > max)
          max = nr;
      }
  if (max < 0)
    return;
  a[*n].audit_arch = token;
  a[*n].max_nr = (uint32_t) max;
  a[*n].x32_bit = token == SCMP_ARCH_X86_64;
  (*n)++;
}

/* The ENOSYS prefix (seccomp_enosys.c) before the exported filter. */
static int
prepend_enosys_stub (const oci_seccomp *s, uint32_t def, struct rt_seccomp *out, struct rt_error *err)
{
  cleanup_free struct rt_enosys_arch *a = calloc (s->architectures_len + 1, sizeof *a);
  cleanup_free struct sock_filter *stub = NULL;
  struct sock_filter *all;
  size_t n = 0, len = 0, i;
  int r;

  if (a == NULL)
    return rt_error_set (err, ENOMEM, "seccomp");
  if (!wants_enosys_stub (def))
    return 0;
  add_arch_max (a, &n, seccomp_arch_native (), s);
  for (i = 0; i < s->architectures_len; i++)
    {
      const struct oci_name_value *t = oci_table_find (oci_seccomp_archs, s->architectures[i]);
      if (t != NULL)
        add_arch_max (a, &n, (uint32_t) t->value, s);
    }
  if (n == 0)
    return 0;
  r = rt_seccomp_enosys_prefix (a, n, &stub, &len);
  if (r < 0)
    return rt_error_set (err, -r, "seccomp: the ENOSYS prefix");
  if (len + out->len > BPF_MAXINSNS)
    return 0; /* the profile alone fills the kernel's limit: as it is */
  all = malloc ((len + out->len) * sizeof *all);
  if (all == NULL)
    return rt_error_set (err, ENOMEM, "seccomp");
  memcpy (all, stub, len * sizeof *all);
  memcpy (all + len, out->filter, out->len * sizeof *all);
  free (out->filter);
  out->filter = all;
  out->len = (unsigned short) (out->len + len);
  return 0;
}

int
rt_seccomp_compile (const oci_seccomp *s, struct rt_seccomp *out, struct rt_error *err)
{
  scmp_filter_ctx ctx;
  uint32_t def;
  int ret = -1;

  memset (out, 0, sizeof *out);
  if (s == NULL)
    return 0;
  if (action_of (s->default_action, s->has_default_errno_ret, s->default_errno_ret, ".linux.seccomp.defaultAction",
                 &def, err)
      < 0)
    return -1;
  ctx = seccomp_init (def);
  if (ctx == NULL)
    return rt_error_set (err, EINVAL, ".linux.seccomp.defaultAction: cannot use \"%s\"", s->default_action);
  /* the kernel, not libseccomp, decides about no_new_privs */
  seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (def == SCMP_ACT_NOTIFY)
    out->notify = true;
  if (add_archs (ctx, s, err) == 0 && add_syscalls (ctx, s, def, &out->notify, err) == 0 && set_flags (s, out, err) == 0
      && export_bpf (ctx, out, err) == 0 && prepend_enosys_stub (s, def, out, err) == 0
      && connect_listener (s, out, err) == 0)
    ret = 0;
  seccomp_release (ctx);
  if (ret < 0)
    rt_seccomp_free (out);
  return ret;
}

void
rt_seccomp_free (struct rt_seccomp *s)
{
  free (s->filter);
  free (s->metadata);
  if (s->has_listener)
    close (s->listener_fd);
  memset (s, 0, sizeof *s);
}

void
rt_seccomp_drop_listener (struct rt_seccomp *s)
{
  if (s->has_listener)
    close (s->listener_fd);
  s->has_listener = false;
  s->listener_fd = -1;
}

/* The state the child got from its parent, for the agent. */
static char *container_state;

int
rt_seccomp_set_state (const char *state_json, struct rt_error *err)
{
  free (container_state);
  container_state = strdup (state_json);
  return container_state ? 0 : rt_error_set (err, ENOMEM, "seccomp");
}

/* A JSON string literal of s. */
static char *
json_string (const char *s)
{
  size_t n = strlen (s), i, o = 0;
  char *r = malloc (n * 6 + 3);

  if (r == NULL)
    return NULL;
  r[o++] = '"';
  for (i = 0; i < n; i++)
    {
      unsigned char c = (unsigned char) s[i];
      if (c == '"' || c == '\\')
        {
          r[o++] = '\\';
          r[o++] = (char) c;
        }
      else if (c < 0x20)
        o += (size_t) sprintf (r + o, "\\u%04x", c);
      else
        r[o++] = (char) c;
    }
  r[o++] = '"';
  r[o] = '\0';
  return r;
}

/* The runtime-spec's container process state: the state, the names of
 * the fds that come with it, the pid as rt sees it and the metadata. */
char *
rt_seccomp_agent_message (const struct rt_seccomp *s, struct rt_error *err)
{
  cleanup_free char *meta = NULL;
  char *perr = NULL, *r = NULL;
  oci_state *st;
  int pid;

  if (container_state == NULL)
    {
      rt_error_set (err, 0, ".linux.seccomp.listenerPath: no container state to send to the agent");
      return NULL;
    }
  st = oci_state_parse (container_state, strlen (container_state), "state", &perr);
  if (st == NULL)
    {
      rt_error_take (err, 0, perr);
      return NULL;
    }
  pid = st->pid;
  oci_state_free (st);
  if (s->metadata && (meta = json_string (s->metadata)) == NULL)
    {
      rt_error_set (err, ENOMEM, "seccomp");
      return NULL;
    }
  if (asprintf (&r, "{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],\"pid\":%d%s%s,\"state\":%s}", OCI_SPEC_VERSION,
                pid, meta ? ",\"metadata\":" : "", meta ? meta : "", container_state)
      < 0)
    {
      rt_error_set (err, ENOMEM, "seccomp");
      return NULL;
    }
  return r;
}

static int
hand_to_agent (const struct rt_seccomp *s, int fd, struct rt_error *err)
{
  cleanup_free char *msg = rt_seccomp_agent_message (s, err);
  /* one sendmsg carries the fd and as much of the JSON as it takes, the
   * rest follows on the stream (the spec allows several, fds in the first) */
  int r = msg ? rt_send_fd (s->listener_fd, fd, msg, strlen (msg), err) : -1;

  if (r < 0 && msg)
    rt_error_prefix (err, ".linux.seccomp.listenerPath: hand the agent its fd");

  /* the agent has its copy: the process must not keep one (nor the
   * connection: one state per connection, then closed) */
  close (fd);
  close (s->listener_fd);
  return r;
}

int
rt_seccomp_load (const struct rt_seccomp *s, struct rt_error *err)
{
  struct sock_fprog prog;
  long r;

  if (s == NULL || s->filter == NULL)
    return 0;
  prog.len = s->len;
  prog.filter = s->filter;
  r = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, s->flags, &prog);
  if (r < 0)
    return rt_error_set (err, errno, "load the seccomp filter");
  if (s->notify && s->has_listener)
    return hand_to_agent (s, (int) r, err);
  return s->notify ? (int) r : 0;
}

const char *
rt_seccomp_library_version (void)
{
  static char text[48];
  const struct scmp_version *v = seccomp_version ();

  if (v == NULL)
    return "unknown";
  snprintf (text, sizeof text, "%u.%u.%u", v->major, v->minor, v->micro);
  return text;
}
