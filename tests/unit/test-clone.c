/* kernel/clone.c: the vfork-like clone3 that exec uses. No privileges are
 * needed: any process may make a child that borrows its memory. */
#include "kernel/clone.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct seen
{
  int value;
  uintptr_t frame; /* where the child's first frame was */
};

static int
child_writes (void *arg)
{
  struct seen *s = arg;
  struct timespec ts = { 0, 20 * 1000 * 1000 };
  int local = 0;

  /* the parent must still be asleep after this */
  nanosleep (&ts, NULL);
  s->frame = (uintptr_t) &local;
  s->value = 42;
  _exit (7);
}

static int
child_execs (void *arg)
{
  char *argv[] = { (char *) "true", NULL };

  (void) arg;
  execv ("/bin/true", argv);
  _exit (127);
}

static void
skip_unless_supported (void)
{
  if (!rt_clone_vfork_supported ())
    cr_skip_test ("no rt_clone_vfork on this build");
}

static _Alignas(16) char stack[64 * 1024];

Test (clone_vfork, child_runs_in_our_memory_on_its_stack_while_we_sleep)
{
  struct seen s = { 0 };
  int pidfd = -1, status;
  pid_t pid;

  skip_unless_supported ();
  pid = rt_clone_vfork (-1, &pidfd, child_writes, &s, stack, sizeof stack);
  cr_assert_gt (pid, 0, "clone: %s", strerror (errno));
  /* back only once the child has exited, and its writes are ours */
  cr_assert_eq (s.value, 42);
  cr_assert (s.frame >= (uintptr_t) stack && s.frame < (uintptr_t) stack + sizeof stack,
             "the child's frame is on the stack we gave it");
  cr_assert_geq (pidfd, 0);
  cr_assert_eq (waitpid (pid, &status, 0), pid);
  cr_assert (WIFEXITED (status) && WEXITSTATUS (status) == 7);
  close (pidfd);
}

Test (clone_vfork, parent_resumes_at_the_exec)
{
  int pidfd = -1, status;
  pid_t pid;

  skip_unless_supported ();
  pid = rt_clone_vfork (-1, &pidfd, child_execs, NULL, stack, sizeof stack);
  cr_assert_gt (pid, 0, "clone: %s", strerror (errno));
  cr_assert_eq (waitpid (pid, &status, 0), pid);
  cr_assert (WIFEXITED (status) && WEXITSTATUS (status) == 0, "the child ran /bin/true");
  close (pidfd);
}

Test (clone_vfork, refuses_a_misaligned_stack)
{
  int pidfd = -1;

  skip_unless_supported ();
  cr_assert_eq (rt_clone_vfork (-1, &pidfd, child_execs, NULL, stack + 1, sizeof stack - 1), -1);
  cr_assert_eq (errno, EINVAL);
  cr_assert_eq (pidfd, -1);
}

/* exec falls back to the ordinary clone when this fails: nothing may have
 * run by then */
Test (clone_vfork, a_cgroup_the_kernel_refuses_makes_no_child)
{
  struct seen s = { 0 };
  int pidfd = -1, notcg = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

  skip_unless_supported ();
  cr_assert_geq (notcg, 0);
  cr_assert_eq (rt_clone_vfork (notcg, &pidfd, child_writes, &s, stack, sizeof stack), -1);
  cr_assert_neq (errno, 0);
  cr_assert_eq (s.value, 0, "the child never ran");
  cr_assert_eq (waitpid (-1, NULL, WNOHANG), -1);
  cr_assert_eq (errno, ECHILD);
  close (notcg);
}

Test (clone_vfork, says_where_it_is_missing)
{
  if (rt_clone_vfork_supported ())
    cr_skip_test ("rt_clone_vfork exists here");
  cr_assert_eq (rt_clone_vfork (-1, NULL, child_execs, NULL, stack, sizeof stack), -1);
  cr_assert_eq (errno, ENOSYS);
}
