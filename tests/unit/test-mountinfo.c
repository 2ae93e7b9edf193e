/* mountinfo lines as the kernel writes them, parsed from a buffer. */
#include "util/mountinfo.h"

#include <criterion/criterion.h>

/* A capture of this project's hybrid host (v1 controllers and a cgroup2
 * with hugetlb only), with a bind mount whose path has a space and a tab,
 * optional fields, and a line that is not mountinfo. */
static const char capture[] =
    "21 26 0:20 / /proc rw,relatime - proc proc rw\n"
    "22 26 0:21 / /sys rw,relatime - sysfs sysfs rw\n"
    "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime shared:9 - cgroup cgroup rw,cpu\n"
    "40 30 0:37 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw\n"
    "not a mountinfo line\n"
    "77 26 8:1 /srv/data\\040dir /mnt/a\\011b rw master:3 unbindable - ext4 /dev/sda1 rw,errors=remount-ro";

Test (mountinfo, fields)
{
  struct rt_mountinfo mi;
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_eq (rt_mountinfo_parse (capture, &mi, &err), 0);
  cr_assert_eq (mi.len, 5, "the line that is not mountinfo is skipped");
  cr_assert_str_eq (mi.e[0].mountpoint, "/proc");
  cr_assert_str_eq (mi.e[0].fstype, "proc");
  cr_assert_str_eq (mi.e[0].root, "/");
  cr_assert_str_eq (mi.e[2].superopts, "rw,cpu");
  cr_assert_str_eq (mi.e[2].devno, "0:28");
  cr_assert_str_eq (mi.e[3].fstype, "cgroup2");
  cr_assert_str_eq (mi.e[4].root, "/srv/data dir");
  cr_assert_str_eq (mi.e[4].mountpoint, "/mnt/a\tb");
  cr_assert_str_eq (mi.e[4].source, "/dev/sda1");
  cr_assert_str_eq (mi.e[4].superopts, "rw,errors=remount-ro", "the last line has no newline");
  rt_mountinfo_free (&mi);
}

Test (mountinfo, empty)
{
  struct rt_mountinfo mi;
  struct rt_error err = RT_ERROR_INIT;

  cr_assert_eq (rt_mountinfo_parse ("", &mi, &err), 0);
  cr_assert_eq (mi.len, 0);
  rt_mountinfo_free (&mi);
}
