/* The process side of the config: rlimits, user and groups, cwd, the
 * executable's lookup, fds left open, and the final exec. */
#ifndef RT_PROCESS_H
#define RT_PROCESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "kernel/seccomp.h"
#include "ocispec.h"
#include "util/error.h"

int rt_rlimits_apply (const oci_process *p, struct rt_error *err);
int rt_oom_score_adj_write (pid_t pid, const oci_process *p, struct rt_error *err);
int rt_user_apply (const oci_process *p, struct rt_error *err);
int rt_cwd_apply (const oci_process *p, struct rt_error *err);
/* As runc: a missing cwd is made (0755), inside the container's root. */
int rt_cwd_create (const oci_process *p, struct rt_error *err);
/* Find args[0] in the container's PATH; done before `create` returns so
 * that a missing binary is reported by create, as runc does. */
int rt_exec_lookup (const oci_process *p, char **path, struct rt_error *err);
/* execve of exe failed with e: said as Go (and so runc) says it, the words
 * that engines turn into exit codes 126 and 127. */
int rt_exec_failed (const char *exe, int e, struct rt_error *err);
/* CVE-2019-5736: until its execve the process runs rt's binary, so a
 * target that is, or whose #! interpreter is, /proc/self/exe (directly or
 * by a symlink) would start rt's binary inside the container, whose
 * /proc/PID/exe then leads to the host's file. Refused. */
int rt_exec_refuse_self (const char *exe, struct rt_error *err);
/* The interpreter of a #! script from the start of its text (a string):
 * the first word after #!, NULL when there is none. */
char *rt_script_interpreter_parse (const char *head);
/* Mark every fd above 2 + preserve close-on-exec. */
int rt_fds_close_on_exec (int preserve, struct rt_error *err);
/* Set NAME=VALUE in an env array, replacing an earlier NAME (last wins, as
 * runc does), keeping the array NULL-terminated. */
int rt_env_set (char ***env, size_t *len, const char *entry, struct rt_error *err);
/* HOME from the container's /etc/passwd (else "/") where env lacks it. */
int rt_env_default_home (char ***env, size_t *len, uid_t uid, struct rt_error *err);
/* The last steps before execve, shared by the container's init and exec:
 * session and terminal, rlimits, fds, LSM, seccomp, capabilities, user,
 * cwd and no_new_privs, in the order that lets each step still work. */
int rt_process_become (const oci_process *p, const struct rt_seccomp *seccomp, int preserve_fds, struct rt_error *err);
int rt_hostname_apply (const oci_config *cfg, bool new_uts, struct rt_error *err);

/* The host side of a process that rt mirrors (run, exec). */
/* Forward the usual terminating and job-control signals to pid;
 * SIGWINCH too unless rt relays a terminal (the pty resize signals it). */
void rt_signals_forward (pid_t pid, bool winch);
/* Wait for pid: returns its exit code, or 128 + the signal that killed it. */
int rt_wait_exit_code (pid_t pid, struct rt_error *err);
/* `run` (unless --no-subreaper, as runc): orphans of the container's
 * processes (a container in the host's pid namespace, double forks)
 * come to rt, which reaps them while it waits. */
int rt_become_subreaper (struct rt_error *err);
bool rt_is_subreaper (void);

#endif
