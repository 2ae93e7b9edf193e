/* The id maps of a new user namespace, written by the parent for the
 * child. The host's root writes them itself; an ordinary user may map only
 * its own uid and gid (and must deny setgroups first), so anything more goes
 * through the setuid newuidmap and newgidmap (shadow's, Debian package
 * uidmap), which allow the ranges /etc/subuid and /etc/subgid give it. */
#include "kernel/idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

extern char **environ;

struct idmap_kind
{
  const char *file;   /* uid_map */
  const char *field;  /* uidMappings */
  const char *helper; /* newuidmap */
};

static const struct idmap_kind uid_kind = { "uid_map", "uidMappings", "newuidmap" };
static const struct idmap_kind gid_kind = { "gid_map", "gidMappings", "newgidmap" };

bool
rt_idmap_is_own (oci_id_mapping *const *m, size_t n, unsigned id)
{
  return n == 1 && m[0]->host_id == id && m[0]->size == 1;
}

int
rt_idmap_text (oci_id_mapping *const *m, size_t n, char **out, struct rt_error *err)
{
  cleanup_free char *buf = NULL;
  size_t i;

  *out = NULL;
  for (i = 0; i < n; i++)
    {
      char *nbuf = NULL;
      if (asprintf (&nbuf, "%s%u %u %u\n", buf ? buf : "", m[i]->container_id, m[i]->host_id, m[i]->size) < 0)
        return rt_error_set (err, ENOMEM, "id map");
      free (buf);
      buf = nbuf;
    }
  *out = rt_steal_ptr (&buf);
  return 0;
}

int
rt_idmap_write_text (pid_t pid, const char *file, oci_id_mapping *const *m, size_t n, struct rt_error *err)
{
  cleanup_free char *path = NULL, *buf = NULL;

  if (rt_idmap_text (m, n, &buf, err) < 0)
    return -1;
  if (asprintf (&path, "/proc/%d/%s", pid, file) < 0)
    return rt_error_set (err, ENOMEM, "id map");
  return rt_write_file (path, buf ? buf : "", buf ? strlen (buf) : 0, err);
}

static bool
add_arg (char **argv, size_t *a, unsigned long v)
{
  char *s = NULL;

  if (asprintf (&s, "%lu", v) < 0)
    return false;
  argv[(*a)++] = s;
  return true;
}

/* argv: helper PID (inside outside count)... */
static char **
helper_argv (pid_t pid, const struct idmap_kind *k, oci_id_mapping *const *m, size_t n)
{
  cleanup_strv char **argv = calloc (2 + 3 * n + 1, sizeof *argv);
  size_t i, a = 0;

  if (argv == NULL || (argv[a++] = strdup (k->helper)) == NULL || !add_arg (argv, &a, (unsigned long) pid))
    return NULL;
  for (i = 0; i < n; i++)
    if (!add_arg (argv, &a, m[i]->container_id) || !add_arg (argv, &a, m[i]->host_id)
        || !add_arg (argv, &a, m[i]->size))
      return NULL;
  return rt_steal_ptr (&argv);
}

/* The helper's first line of stderr says what it refused. */
static int
write_with_helper (pid_t pid, const struct idmap_kind *k, oci_id_mapping *const *m, size_t n, struct rt_error *err)
{
  cleanup_strv char **argv = helper_argv (pid, k, m, n);
  cleanup_close int rd = -1;
  posix_spawn_file_actions_t fa;
  char msg[512];
  ssize_t got = 0, r;
  int pipefd[2], status = 0, e;
  pid_t child;

  if (argv == NULL)
    return rt_error_set (err, ENOMEM, "id map");
  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return rt_error_set (err, errno, "pipe");
  rd = pipefd[0];
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_adddup2 (&fa, pipefd[1], STDERR_FILENO);
  e = posix_spawnp (&child, k->helper, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy (&fa);
  close (pipefd[1]);
  if (e == ENOENT)
    return rt_error_set (err, 0,
                         "%s is needed for a mapping other than your own id (Debian package uidmap), and is not "
                         "installed",
                         k->helper);
  if (e != 0)
    return rt_error_set (err, e, "run %s", k->helper);
  while (got < (ssize_t) sizeof msg - 1 && (r = read (rd, msg + got, sizeof msg - 1 - (size_t) got)) != 0)
    if (r > 0)
      got += r;
    else if (errno != EINTR)
      break;
  msg[got] = '\0';
  msg[strcspn (msg, "\n")] = '\0';
  while (waitpid (child, &status, 0) < 0)
    if (errno != EINTR)
      return rt_error_set (err, errno, "wait for %s", k->helper);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  if (*msg)
    return rt_error_set (err, 0, "%s", msg);
  return rt_error_set (err, 0, "%s failed (status %d)", k->helper, status);
}

static int
deny_setgroups (pid_t pid, struct rt_error *err)
{
  cleanup_free char *path = NULL;

  if (asprintf (&path, "/proc/%d/setgroups", pid) < 0)
    return rt_error_set (err, ENOMEM, "id map");
  return rt_write_file (path, "deny", 4, err);
}

/* Only the caller's own id needs no helper; for gids, setgroups is denied
 * first (else the kernel refuses the map: CVE-2014-8989). */
static int
write_map (pid_t pid, const struct idmap_kind *k, oci_id_mapping *const *m, size_t n, bool privileged, unsigned own,
           struct rt_error *err)
{
  int r;

  if (n == 0)
    return rt_error_set (err, 0, ".linux.%s: a new user namespace needs mappings", k->field);
  if (privileged)
    r = rt_idmap_write_text (pid, k->file, m, n, err);
  else if (!rt_idmap_is_own (m, n, own))
    r = write_with_helper (pid, k, m, n, err);
  else
    r = (k == &gid_kind ? deny_setgroups (pid, err) : 0) < 0 ? -1 : rt_idmap_write_text (pid, k->file, m, n, err);
  return r < 0 ? rt_error_prefix (err, ".linux.%s", k->field) : 0;
}

int
rt_idmap_write (pid_t pid, const oci_config *cfg, const struct rt_namespaces *ns, struct rt_error *err)
{
  const oci_linux *l = cfg->linux;
  /* root of any user namespace holds CAP_SETUID and CAP_SETGID there: the
   * kernel checks the ranges */
  bool privileged = geteuid () == 0;

  if (!rt_namespaces_new (ns, "user"))
    return 0;
  if (write_map (pid, &gid_kind, l->gid_mappings, l->gid_mappings_len, privileged, getegid (), err) < 0
      || write_map (pid, &uid_kind, l->uid_mappings, l->uid_mappings_len, privileged, geteuid (), err) < 0)
    return -1;
  return 0;
}
