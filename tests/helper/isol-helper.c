/* isol-helper: what the isolation tests (tests/integration/20-isolation*.sh)
 * look at from inside a container, beyond rt-helper. Static, no libc
 * extras; every subcommand prints KEY=VALUE lines.
 *
 *   netdev NAME         exists, up, the IPv4 address and prefix of NAME
 *   ioprio              class and priority (ioprio_get, this process)
 *   affinity            the CPUs this process may run on, as a list
 *   mempolicy           NUMA policy mode, flags and nodes (get_mempolicy)
 *   uname               machine, as personality(2) makes uname report it
 *   mount TYPE DEST     mount a TYPE filesystem (source TYPE) on DEST
 *   clocks              seconds of CLOCK_MONOTONIC and CLOCK_BOOTTIME
 *   notify-mkdir PATH   mkdir PATH: ok or ERRNO (for seccomp notify)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static const char *
errname (int e)
{
  switch (e)
    {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case ENODEV: return "ENODEV";
    case ENXIO: return "ENXIO";
    case ENOSYS: return "ENOSYS";
    case EROFS: return "EROFS";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    default:
      {
        static char buf[32];
        snprintf (buf, sizeof buf, "E%d", e);
        return buf;
      }
    }
}

static int
cmd_netdev (const char *name)
{
  struct ifreq ifr;
  int s = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  if (s < 0)
    {
      printf ("error=%s\n", errname (errno));
      return 1;
    }
  memset (&ifr, 0, sizeof ifr);
  snprintf (ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
  if (ioctl (s, SIOCGIFFLAGS, &ifr) < 0)
    {
      printf ("exists=0\nerror=%s\n", errname (errno));
      close (s);
      return 0;
    }
  printf ("exists=1\nup=%d\n", (ifr.ifr_flags & IFF_UP) ? 1 : 0);
  if (ioctl (s, SIOCGIFADDR, &ifr) == 0)
    {
      struct sockaddr_in *sin = (struct sockaddr_in *) &ifr.ifr_addr;
      char buf[INET_ADDRSTRLEN];
      printf ("inet=%s\n", inet_ntop (AF_INET, &sin->sin_addr, buf, sizeof buf));
      if (ioctl (s, SIOCGIFNETMASK, &ifr) == 0)
        printf ("prefix=%d\n", __builtin_popcount (((struct sockaddr_in *) &ifr.ifr_netmask)->sin_addr.s_addr));
    }
  else
    printf ("inet=none\n");
  close (s);
  return 0;
}

static int
cmd_ioprio (void)
{
  long r = syscall (SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
  static const char *const classes[] = { "NONE", "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE" };

  if (r < 0)
    {
      printf ("error=%s\n", errname (errno));
      return 1;
    }
  printf ("class=%s\npriority=%ld\n", (r >> 13) < 4 ? classes[r >> 13] : "unknown", r & 0x1fff);
  return 0;
}

/* A set as a list: 0-3,7 */
static void
print_set (const char *key, const unsigned long *bits, size_t nbits)
{
  size_t i = 0;
  int first = 1;

  printf ("%s=", key);
  while (i < nbits)
    {
      size_t j;
      if (!(bits[i / (8 * sizeof (long))] & (1UL << (i % (8 * sizeof (long))))))
        {
          i++;
          continue;
        }
      for (j = i; j + 1 < nbits && (bits[(j + 1) / (8 * sizeof (long))] & (1UL << ((j + 1) % (8 * sizeof (long))))); j++)
        ;
      printf (first ? "%zu" : ",%zu", i);
      if (j > i)
        printf ("-%zu", j);
      first = 0;
      i = j + 1;
    }
  printf ("\n");
}

static int
cmd_affinity (void)
{
  unsigned long bits[1024 / (8 * sizeof (long))];

  memset (bits, 0, sizeof bits);
  if (sched_getaffinity (0, sizeof bits, (cpu_set_t *) bits) < 0)
    {
      printf ("error=%s\n", errname (errno));
      return 1;
    }
  print_set ("cpus", bits, 1024);
  return 0;
}

static int
cmd_mempolicy (void)
{
  static const char *const modes[] = { "MPOL_DEFAULT", "MPOL_PREFERRED", "MPOL_BIND", "MPOL_INTERLEAVE",
                                       "MPOL_LOCAL", "MPOL_PREFERRED_MANY", "MPOL_WEIGHTED_INTERLEAVE" };
  unsigned long nodes[16];
  int mode = 0;

  memset (nodes, 0, sizeof nodes);
  if (syscall (SYS_get_mempolicy, &mode, nodes, sizeof nodes * 8, 0, 0) < 0)
    {
      printf ("error=%s\n", errname (errno));
      return 1;
    }
  /* the mode flags come back in the high bits */
  printf ("mode=%s\n", (mode & 0xff) < 7 ? modes[mode & 0xff] : "unknown");
  printf ("static=%d\nrelative=%d\n", (mode & (1 << 15)) != 0, (mode & (1 << 14)) != 0);
  print_set ("nodes", nodes, sizeof nodes * 8);
  return 0;
}

static int
cmd_uname (void)
{
  struct utsname u;

  if (uname (&u) < 0)
    {
      printf ("error=%s\n", errname (errno));
      return 1;
    }
  printf ("machine=%s\n", u.machine);
  return 0;
}

static int
cmd_mount (const char *type, const char *dest)
{
  if (mkdir (dest, 0755) < 0 && errno != EEXIST)
    {
      printf ("%s\n", errname (errno));
      return 0;
    }
  if (mount (type, dest, type, 0, NULL) < 0)
    {
      printf ("%s\n", errname (errno));
      return 0;
    }
  printf ("ok\n");
  return 0;
}

static int
cmd_clocks (void)
{
  struct timespec mono, boot;

  if (clock_gettime (CLOCK_MONOTONIC, &mono) < 0 || clock_gettime (CLOCK_BOOTTIME, &boot) < 0)
    {
      printf ("error=%s\n", errname (errno));
      return 1;
    }
  printf ("monotonic=%lld\nboottime=%lld\n", (long long) mono.tv_sec, (long long) boot.tv_sec);
  return 0;
}

static int
cmd_notify_mkdir (const char *path)
{
  if (mkdir (path, 0755) < 0)
    printf ("%s\n", errname (errno));
  else
    printf ("ok\n");
  return 0;
}

static int
usage (void)
{
  fprintf (stderr, "usage: isol-helper netdev NAME | ioprio | affinity | mempolicy | uname | mount TYPE DEST | "
                   "clocks | notify-mkdir PATH\n");
  return 2;
}

int
main (int argc, char **argv)
{
  const char *cmd = argc > 1 ? argv[1] : "";
  int r;

  setvbuf (stdout, NULL, _IOLBF, 0);
  if (strcmp (cmd, "netdev") == 0 && argc == 3)
    r = cmd_netdev (argv[2]);
  else if (strcmp (cmd, "ioprio") == 0)
    r = cmd_ioprio ();
  else if (strcmp (cmd, "affinity") == 0)
    r = cmd_affinity ();
  else if (strcmp (cmd, "mempolicy") == 0)
    r = cmd_mempolicy ();
  else if (strcmp (cmd, "uname") == 0)
    r = cmd_uname ();
  else if (strcmp (cmd, "mount") == 0 && argc == 4)
    r = cmd_mount (argv[2], argv[3]);
  else if (strcmp (cmd, "clocks") == 0)
    r = cmd_clocks ();
  else if (strcmp (cmd, "notify-mkdir") == 0 && argc == 3)
    r = cmd_notify_mkdir (argv[2]);
  else
    return usage ();
  fflush (stdout);
  return r;
}
