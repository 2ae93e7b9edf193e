#include "kernel/process.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/caps.h"
#include "kernel/lsm.h"
#include "kernel/sched.h"
#include "kernel/terminal.h"
#include "tables.h"
#include "util/cleanup.h"
#include "util/passwd.h"
#include "util/fs.h"

int
rt_rlimits_apply (const oci_process *p, struct rt_error *err)
{
  size_t i;

  for (i = 0; i < p->rlimits_len; i++)
    {
      const oci_rlimit *r = p->rlimits[i];
      const struct oci_name_value *e = oci_table_find (oci_rlimits, r->type);
      struct rlimit rl = { r->soft, r->hard };

      if (e == NULL)
        return rt_error_set (err, 0, ".process.rlimits[%zu].type: unknown rlimit type \"%s\"", i, r->type);
      if (setrlimit ((int) e->value, &rl) < 0)
        return rt_error_set (err, errno, ".process.rlimits[%zu]: set %s to soft %llu, hard %llu", i, r->type,
                             (unsigned long long) r->soft, (unsigned long long) r->hard);
    }
  return 0;
}

int
rt_oom_score_adj_write (pid_t pid, const oci_process *p, struct rt_error *err)
{
  cleanup_free char *path = NULL, *value = NULL;

  if (p == NULL || !p->has_oom_score_adj)
    return 0;
  if (asprintf (&path, "/proc/%d/oom_score_adj", pid) < 0 || asprintf (&value, "%d", p->oom_score_adj) < 0)
    return rt_error_set (err, ENOMEM, "oom_score_adj");
  if (rt_write_file (path, value, strlen (value), err) < 0)
    return rt_error_prefix (err, ".process.oomScoreAdj");
  return 0;
}

int
rt_user_apply (const oci_process *p, struct rt_error *err)
{
  const oci_user *u = p->user;
  uid_t uid = u ? u->uid : 0;
  gid_t gid = u ? u->gid : 0;

  if (u && u->additional_gids_len > 0)
    {
      if (setgroups (u->additional_gids_len, (const gid_t *) u->additional_gids) < 0)
        return rt_error_set (err, errno, ".process.user.additionalGids: setgroups");
    }
  else if (setgroups (0, NULL) < 0 && errno != EPERM)
    return rt_error_set (err, errno, "setgroups");
  /* keep the permitted set across setuid: rt_caps_apply sets it after */
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return rt_error_set (err, errno, "prctl PR_SET_KEEPCAPS");
  if (setresgid (gid, gid, gid) < 0)
    return rt_error_set (err, errno, ".process.user.gid: setgid %u", gid);
  if (setresuid (uid, uid, uid) < 0)
    return rt_error_set (err, errno, ".process.user.uid: setuid %u", uid);
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return rt_error_set (err, errno, "prctl PR_SET_KEEPCAPS");
  if (u && u->has_umask)
    umask (u->umask);
  else
    umask (0022);
  return 0;
}

/* CVE-2024-21626: a cwd such as /proc/self/fd/N reaches, through one of
 * rt's fds or one the caller leaked, a directory outside the container;
 * the kernel reports such a cwd as "(unreachable)/..." from our root. */
static int
check_cwd_reachable (const char *cwd, struct rt_error *err)
{
  size_t size = 256;

  for (;;)
    {
      cleanup_free char *buf = malloc (size);
      long n;

      if (buf == NULL)
        return rt_error_set (err, ENOMEM, ".process.cwd");
      n = syscall (SYS_getcwd, buf, size);
      if (n >= 0 && buf[0] == '/')
        return 0;
      if (n >= 0)
        return rt_error_set (err, 0, ".process.cwd: `%s` is outside the container's root", cwd);
      if (errno != ERANGE)
        return rt_error_set (err, errno, ".process.cwd: `%s`: getcwd", cwd);
      size *= 2;
    }
}

static int
enter_cwd (const oci_process *p, bool check, struct rt_error *err)
{
  const char *cwd = p->cwd && *p->cwd ? p->cwd : "/";

  if (cwd[0] != '/')
    return rt_error_set (err, 0, ".process.cwd: `%s` is not an absolute path", cwd);
  if (chdir (cwd) < 0)
    return rt_error_set (err, errno, ".process.cwd: chdir `%s`", cwd);
  return check ? check_cwd_reachable (cwd, err) : 0;
}

int
rt_cwd_apply (const oci_process *p, struct rt_error *err)
{
  return enter_cwd (p, true, err);
}

int
rt_cwd_create (const oci_process *p, struct rt_error *err)
{
  const char *cwd = p->cwd && *p->cwd ? p->cwd : "/";
  struct stat st;

  /* anything but a missing path is for rt_cwd_apply to report */
  if (cwd[0] != '/' || stat (cwd, &st) == 0 || errno != ENOENT)
    return 0;
  if (rt_mkdir_p (cwd, 0755, err) < 0)
    return rt_error_prefix (err, ".process.cwd");
  return 0;
}

static const char *
env_get (const oci_process *p, const char *name)
{
  size_t i, n = strlen (name);

  for (i = 0; i < p->env_len; i++)
    if (strncmp (p->env[i], name, n) == 0 && p->env[i][n] == '=')
      return p->env[i] + n + 1;
  return NULL;
}

static bool
is_executable (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISREG (st.st_mode) && access (path, X_OK) == 0;
}

int
rt_exec_lookup (const oci_process *p, char **out, struct rt_error *err)
{
  const char *name, *path;
  cleanup_free char *copy = NULL;
  char *dir, *save = NULL;
  int err_name;

  if (p->args_len == 0 || p->args[0] == NULL || p->args[0][0] == '\0')
    return rt_error_set (err, 0, ".process.args: no command to run");
  name = p->args[0];
  if (strchr (name, '/') != NULL)
    {
      struct stat st;
      char why[64];
      if (stat (name, &st) < 0)
        return rt_error_set (err, 0, "exec: \"%s\": stat %s: %s", name, name, rt_errno_text (errno, why, sizeof why));
      /* runc says "permission denied" (Go < 1.20) or "is a directory":
       * engines old and new turn either into 126 */
      if (S_ISDIR (st.st_mode))
        return rt_error_set (err, 0, "exec: \"%s\": is a directory (permission denied)", name);
      *out = strdup (name);
      return *out ? 0 : rt_error_set (err, ENOMEM, "exec");
    }
  path = env_get (p, "PATH");
  copy = strdup (path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  if (copy == NULL)
    return rt_error_set (err, ENOMEM, "exec");
  for (dir = strtok_r (copy, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      char *candidate = NULL;
      if (asprintf (&candidate, "%s/%s", *dir ? dir : ".", name) < 0)
        return rt_error_set (err, ENOMEM, "exec");
      if (is_executable (candidate))
        {
          *out = candidate;
          return 0;
        }
      free (candidate);
    }
  err_name = rt_error_set (err, 0, "exec: \"%s\": executable file not found in $PATH", name);
  if (err)
    err->errnum = ENOENT;
  return err_name;
}

int
rt_exec_failed (const char *exe, int e, struct rt_error *err)
{
  char why[64];

  return rt_error_set (err, 0, "exec %s: %s", exe, rt_errno_text (e, why, sizeof why));
}

char *
rt_script_interpreter_parse (const char *head)
{
  size_t start, len;

  if (head[0] != '#' || head[1] != '!')
    return NULL;
  start = 2 + strspn (head + 2, " \t");
  len = strcspn (head + start, " \t\n");
  return len ? strndup (head + start, len) : NULL;
}

/* The interpreter of a #! script, or NULL when path is no script or
 * cannot be read. */
static char *
script_interpreter (const char *path)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  char buf[256]; /* the kernel reads no more of a #! line (BINPRM_BUF_SIZE) */
  ssize_t n;

  if (fd < 0)
    return NULL;
  n = read (fd, buf, sizeof buf - 1);
  if (n < 2)
    return NULL;
  buf[n] = '\0';
  return rt_script_interpreter_parse (buf);
}

int
rt_exec_refuse_self (const char *exe, struct rt_error *err)
{
  cleanup_free char *path = strdup (exe);
  struct stat self, st;
  int depth;

  if (path == NULL)
    return rt_error_set (err, ENOMEM, "exec");
  /* without /proc in the container nothing there can name rt's binary */
  if (stat ("/proc/self/exe", &self) < 0)
    return 0;
  /* the kernel follows at most 5 levels of interpreters */
  for (depth = 0; path != NULL && depth <= 5; depth++)
    {
      char *next;
      if (stat (path, &st) == 0 && st.st_dev == self.st_dev && st.st_ino == self.st_ino)
        return rt_error_set (err, EPERM, "exec `%s`: refusing to run the runtime's own binary in the container", exe);
      next = script_interpreter (path);
      free (path);
      path = next;
    }
  return 0;
}

int
rt_fds_close_on_exec (int preserve, struct rt_error *err)
{
  DIR *d;
  struct dirent *de;

  /* one call since Linux 5.11; the directory walk before */
  if (close_range ((unsigned) (3 + preserve), ~0U, CLOSE_RANGE_CLOEXEC) == 0)
    return 0;
  d = opendir ("/proc/self/fd");
  if (d == NULL)
    return rt_error_set (err, errno, "open /proc/self/fd");
  while ((de = readdir (d)) != NULL)
    {
      int fd = atoi (de->d_name);
      if (de->d_name[0] == '.' || fd <= 2 + preserve || fd == dirfd (d))
        continue;
      if (fcntl (fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF)
        {
          closedir (d);
          return rt_error_set (err, errno, "set close-on-exec on fd %d", fd);
        }
    }
  closedir (d);
  return 0;
}

int
rt_hostname_apply (const oci_config *cfg, bool own_uts, struct rt_error *err)
{
  if (((cfg->hostname && *cfg->hostname) || (cfg->domainname && *cfg->domainname)) && !own_uts)
    return rt_error_set (err, 0, ".hostname: setting a hostname needs a uts namespace");
  if (cfg->hostname && *cfg->hostname && sethostname (cfg->hostname, strlen (cfg->hostname)) < 0)
    return rt_error_set (err, errno, ".hostname: sethostname `%s`", cfg->hostname);
  if (cfg->domainname && *cfg->domainname && setdomainname (cfg->domainname, strlen (cfg->domainname)) < 0)
    return rt_error_set (err, errno, ".domainname: setdomainname `%s`", cfg->domainname);
  return 0;
}

int
rt_env_set (char ***env, size_t *len, const char *entry, struct rt_error *err)
{
  size_t i, n = strcspn (entry, "=");

  for (i = 0; i < *len; i++)
    if (strncmp ((*env)[i], entry, n) == 0 && ((*env)[i][n] == '=' || (*env)[i][n] == '\0'))
      {
        char *copy = strdup (entry);
        if (copy == NULL)
          return rt_error_set (err, ENOMEM, "env");
        free ((*env)[i]);
        (*env)[i] = copy;
        return 0;
      }
  if (oci_strv_append (env, len, entry) < 0)
    return rt_error_set (err, errno, "env");
  return 0;
}

/* runc and crun: without HOME (or with an empty one) a process gets its
 * user's home from the container's /etc/passwd, else "/". Called inside
 * the container's root. */
int
rt_env_default_home (char ***env, size_t *len, uid_t uid, struct rt_error *err)
{
  cleanup_free char *passwd = NULL, *home = NULL, *entry = NULL;
  struct stat st;
  size_t i;

  for (i = 0; i < *len; i++)
    if (strncmp ((*env)[i], "HOME=", 5) == 0 && (*env)[i][5] != '\0')
      return 0;
  /* the container's file: only a regular one (rt_read_file), and not a
   * huge one meant to make rt run out of memory */
  if (stat ("/etc/passwd", &st) == 0 && st.st_size <= (1 << 20)
      && rt_read_file ("/etc/passwd", &passwd, NULL, NULL) == 0)
    home = rt_passwd_home (passwd, uid);
  if (asprintf (&entry, "HOME=%s", home && *home ? home : "/") < 0)
    return rt_error_set (err, ENOMEM, "env");
  return rt_env_set (env, len, entry, err);
}

int
rt_process_become (const oci_process *p, const struct rt_seccomp *seccomp, int preserve_fds, struct rt_error *err)
{
  bool entered;

  if (setsid () < 0 && errno != EPERM)
    return rt_error_set (err, errno, "setsid");
  if (p->terminal && rt_terminal_make_controlling (err) < 0)
    return -1;
  if (rt_rlimits_apply (p, err) < 0 || rt_fds_close_on_exec (preserve_fds, err) < 0 || rt_lsm_apply (p, err) < 0)
    return -1;
  /* realtime policies and classes need privileges that are dropped below */
  if (rt_sched_apply (p, err) < 0)
    return -1;
  /* without no_new_privs the filter needs CAP_SYS_ADMIN: load it while we
   * still have it (the cwd checked before it, as the filter may forbid
   * getcwd); with no_new_privs, as late as possible */
  if (!p->no_new_privileges && (rt_cwd_apply (p, err) < 0 || rt_seccomp_load (seccomp, err) < 0))
    return -1;
  /* as runc: the cwd is entered while still root (a cwd only root may
   * enter, /root for a user, still works) and, where root may not (a
   * volume only the user can reach), again as the user */
  entered = chdir (p->cwd && *p->cwd ? p->cwd : "/") == 0;
  if (rt_caps_drop_bounding (p->capabilities, err) < 0 || rt_user_apply (p, err) < 0
      || rt_caps_apply (p->capabilities, err) < 0)
    return -1;
  if (entered ? p->no_new_privileges && check_cwd_reachable (p->cwd && *p->cwd ? p->cwd : "/", err) < 0
              : enter_cwd (p, p->no_new_privileges, err) < 0)
    return -1;
  if (p->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return rt_error_set (err, errno, "set no_new_privs");
  if (p->no_new_privileges && rt_seccomp_load (seccomp, err) < 0)
    return -1;
  return 0;
}

static volatile sig_atomic_t forward_to;

static void
forward (int sig)
{
  if (forward_to > 0)
    kill ((pid_t) forward_to, sig);
}

void
rt_signals_forward (pid_t pid, bool winch)
{
  static const int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGCONT, SIGWINCH };
  struct sigaction sa = { .sa_handler = forward, .sa_flags = SA_RESTART };
  size_t i, n = sizeof sigs / sizeof sigs[0] - (winch ? 0 : 1);
  static size_t installed; /* run sets this up before START and again to mirror */

  forward_to = pid;
  sigemptyset (&sa.sa_mask);
  for (i = installed; i < n; i++)
    sigaction (sigs[i], &sa, NULL);
  if (n > installed)
    installed = n;
}

static bool subreaper;

int
rt_become_subreaper (struct rt_error *err)
{
  if (prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
    return rt_error_set (err, errno, "prctl PR_SET_CHILD_SUBREAPER");
  subreaper = true;
  return 0;
}

bool
rt_is_subreaper (void)
{
  return subreaper;
}

int
rt_wait_exit_code (pid_t pid, struct rt_error *err)
{
  int status;
  pid_t r;

  /* as a subreaper rt also gets the container's orphans: reap them too */
  while ((r = waitpid (rt_is_subreaper () ? -1 : pid, &status, 0)) != pid)
    if (r < 0 && errno != EINTR)
      return rt_error_set (err, errno, "wait for process %d", pid);
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return 255;
}
