/*
 * rt-helper: a tiny static program placed in test rootfs as /rt-helper.
 *
 * It prints facts about the process it runs as, one `key=value` per line,
 * so integration tests assert facts instead of busybox output formats.
 * Every line is written with write(2) (no stdio buffering), so output is
 * visible at once even when stdout is a file or a pipe.
 *
 * Build: gcc -static -O2 -Wall -Wextra -Werror -o rt-helper rt-helper.c
 * Usage: rt-helper SUBCOMMAND [ARGS...]   (rt-helper help lists them)
 *
 * Exit status: 0 when the fact was reported, including an errno name as the
 * outcome of an operation (write, read, mknod, stat, ls, syscall); 2 for a
 * usage error; `exit N` exits N; `sleep` exits 128+N on a fatal signal.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

static void out(const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	write_all(1, buf, (size_t)n);
}

/* Symbolic errno names: tests compare names, not messages. */
static const char *errname(int e)
{
	switch (e) {
	case 0: return "ok";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case ENXIO: return "ENXIO";
	case E2BIG: return "E2BIG";
	case ENOEXEC: return "ENOEXEC";
	case EBADF: return "EBADF";
	case ECHILD: return "ECHILD";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EXDEV: return "EXDEV";
	case ENODEV: return "ENODEV";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case ENFILE: return "ENFILE";
	case EMFILE: return "EMFILE";
	case ENOTTY: return "ENOTTY";
	case ETXTBSY: return "ETXTBSY";
	case EFBIG: return "EFBIG";
	case ENOSPC: return "ENOSPC";
	case ESPIPE: return "ESPIPE";
	case EROFS: return "EROFS";
	case EMLINK: return "EMLINK";
	case EPIPE: return "EPIPE";
	case ERANGE: return "ERANGE";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case ENOSYS: return "ENOSYS";
	case ENOTEMPTY: return "ENOTEMPTY";
	case ELOOP: return "ELOOP";
	case ENODATA: return "ENODATA";
	case EOVERFLOW: return "EOVERFLOW";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case ENETDOWN: return "ENETDOWN";
	case ENETUNREACH: return "ENETUNREACH";
	case ECONNREFUSED: return "ECONNREFUSED";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EDQUOT: return "EDQUOT";
	default: {
		static char buf[32];
		snprintf(buf, sizeof(buf), "E%d", e);
		return buf;
	}
	}
}

static int usage(void)
{
	static const char text[] =
		"usage: rt-helper SUBCOMMAND [ARGS]\n"
		"  ids              uid gid euid egid groups umask\n"
		"  caps             CapInh CapPrm CapEff CapBnd CapAmb (hex), no_new_privs\n"
		"  ns               NAME=INODE for pid net mnt ipc uts user cgroup time\n"
		"  rlimits          NAME=SOFT:HARD for every RLIMIT\n"
		"  hostname | domainname | cwd | env | pid | oom_score_adj\n"
		"  mounts           /proc/self/mountinfo\n"
		"  cgroup           /proc/self/cgroup\n"
		"  fds              open fds with their targets\n"
		"  exit N           exit with status N\n"
		"  sleep SECONDS    print ready, sleep; report caught signals\n"
		"  sysctl KEY       value of /proc/sys/KEY (dots or slashes)\n"
		"  stat PATH        type mode major minor uid gid [target] of PATH (lstat)\n"
		"  write PATH       create/append PATH: ok or ERRNO\n"
		"  read PATH        ok + first line, or ERRNO\n"
		"  mknod PATH       create char device 1:3: ok or ERRNO\n"
		"  personality      current persona\n"
		"  sched            scheduling policy, priority, nice\n"
		"  syscall NAME     getcwd | mkdir | chmod | getpid | unshare | process_vm_readv:PID | nr:N: ok or ERRNO\n"
		"  tty              isatty of fds 0 1 2\n"
		"  loopback         lo=up|down\n"
		"  kill PID SIGNAL  send SIGNAL (number) to PID: ok or ERRNO\n"
		"  cat PATH         whole file\n"
		"  ls DIR           entry=NAME per entry, then count=N\n";
	write_all(2, text, sizeof(text) - 1);
	return 2;
}

static void cat_file(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		out("error=%s\n", errname(errno));
		return;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		write_all(1, buf, (size_t)n);
	close(fd);
}

/* Reads a small file into buf (NUL-terminated); returns length or -errno. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, total = 0;

	if (fd < 0)
		return -errno;
	while ((size_t)total < size - 1) {
		n = read(fd, buf + total, size - 1 - (size_t)total);
		if (n < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		total += n;
	}
	buf[total] = '\0';
	close(fd);
	return total;
}

static int cmd_ids(void)
{
	gid_t groups[NGROUPS_MAX];
	int n = getgroups(NGROUPS_MAX, groups);
	mode_t mask = umask(0);
	char list[NGROUPS_MAX * 12 + 1] = "";
	size_t len = 0;

	umask(mask);
	out("uid=%u\ngid=%u\neuid=%u\negid=%u\n", (unsigned)getuid(),
	    (unsigned)getgid(), (unsigned)geteuid(), (unsigned)getegid());
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%u",
					i ? "," : "", (unsigned)groups[i]);
	out("groups=%s\n", list);
	out("umask=%04o\n", (unsigned)mask);
	return 0;
}

static int cmd_caps(void)
{
	static const char *keys[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" };
	char buf[8192];
	ssize_t n = read_small("/proc/self/status", buf, sizeof(buf));

	if (n < 0) {
		out("error=%s\n", errname((int)-n));
		return 1;
	}
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		char *line = buf;
		size_t klen = strlen(keys[k]);

		while (line && *line) {
			if (strncmp(line, keys[k], klen) == 0 && line[klen] == ':') {
				char *v = line + klen + 1;
				char *end;

				while (*v == ' ' || *v == '\t')
					v++;
				end = strchr(v, '\n');
				out("%s=%.*s\n", keys[k], end ? (int)(end - v) : (int)strlen(v), v);
				break;
			}
			line = strchr(line, '\n');
			if (line)
				line++;
		}
	}
	out("no_new_privs=%d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	return 0;
}

static int cmd_ns(void)
{
	static const char *names[] = { "pid", "net", "mnt", "ipc", "uts", "user", "cgroup", "time" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[64];
		struct stat st;

		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		if (stat(path, &st) == 0)
			out("%s=%lu\n", names[i], (unsigned long)st.st_ino);
		else
			out("%s=%s\n", names[i], errname(errno));
	}
	return 0;
}

static int cmd_rlimits(void)
{
	static const struct { const char *name; int res; } lims[] = {
		{ "RLIMIT_AS", RLIMIT_AS },
		{ "RLIMIT_CORE", RLIMIT_CORE },
		{ "RLIMIT_CPU", RLIMIT_CPU },
		{ "RLIMIT_DATA", RLIMIT_DATA },
		{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
		{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
		{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
		{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
		{ "RLIMIT_NICE", RLIMIT_NICE },
		{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
		{ "RLIMIT_NPROC", RLIMIT_NPROC },
		{ "RLIMIT_RSS", RLIMIT_RSS },
		{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
		{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
		{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
		{ "RLIMIT_STACK", RLIMIT_STACK },
	};

	for (size_t i = 0; i < sizeof(lims) / sizeof(lims[0]); i++) {
		struct rlimit rl;
		char soft[32], hard[32];

		if (getrlimit((__rlimit_resource_t)lims[i].res, &rl) != 0) {
			out("%s=%s\n", lims[i].name, errname(errno));
			continue;
		}
		if (rl.rlim_cur == RLIM_INFINITY)
			snprintf(soft, sizeof(soft), "unlimited");
		else
			snprintf(soft, sizeof(soft), "%llu", (unsigned long long)rl.rlim_cur);
		if (rl.rlim_max == RLIM_INFINITY)
			snprintf(hard, sizeof(hard), "unlimited");
		else
			snprintf(hard, sizeof(hard), "%llu", (unsigned long long)rl.rlim_max);
		out("%s=%s:%s\n", lims[i].name, soft, hard);
	}
	return 0;
}

static int cmd_hostname(void)
{
	struct utsname u;

	if (uname(&u) != 0) {
		out("error=%s\n", errname(errno));
		return 1;
	}
	out("hostname=%s\n", u.nodename);
	return 0;
}

static int cmd_domainname(void)
{
	struct utsname u;

	if (uname(&u) != 0) {
		out("error=%s\n", errname(errno));
		return 1;
	}
	out("domainname=%s\n", u.domainname);
	return 0;
}

static int cmd_cwd(void)
{
	char buf[PATH_MAX];

	if (!getcwd(buf, sizeof(buf))) {
		out("error=%s\n", errname(errno));
		return 1;
	}
	out("cwd=%s\n", buf);
	return 0;
}

static int cmd_env(void)
{
	for (char **e = environ; e && *e; e++)
		out("%s\n", *e);
	return 0;
}

static int cmd_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int self;

	if (!d) {
		out("error=%s\n", errname(errno));
		return 1;
	}
	self = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		char path[64], target[PATH_MAX];
		ssize_t n;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		fd = atoi(de->d_name);
		if (fd == self)
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			snprintf(target, sizeof(target), "%s", errname(errno));
		else
			target[n] = '\0';
		out("%d=%s\n", fd, target);
	}
	closedir(d);
	return 0;
}

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static int cmd_sleep(const char *arg)
{
	static const struct { int sig; const char *name; int fatal; } sigs[] = {
		{ SIGTERM, "SIGTERM", 1 },
		{ SIGINT, "SIGINT", 1 },
		{ SIGHUP, "SIGHUP", 1 },
		{ SIGUSR1, "SIGUSR1", 0 },
		{ SIGUSR2, "SIGUSR2", 0 },
	};
	struct sigaction sa;
	struct timespec end, now;
	double secs = arg ? atof(arg) : 3600;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i].sig, &sa, NULL);

	out("ready\n");
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += (time_t)secs;
	end.tv_nsec += (long)((secs - (double)(time_t)secs) * 1e9);
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	for (;;) {
		struct timespec left;

		if (got_signal) {
			int sig = got_signal;

			got_signal = 0;
			for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
				if (sigs[i].sig != sig)
					continue;
				out("got %s\n", sigs[i].name);
				if (sigs[i].fatal)
					_exit(128 + sig);
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec ||
		    (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
			break;
		left.tv_sec = end.tv_sec - now.tv_sec;
		left.tv_nsec = end.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000L;
		}
		nanosleep(&left, NULL); /* EINTR on a signal: loop reports it */
	}
	out("done\n");
	return 0;
}

static int cmd_ls(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	if (!d) {
		out("error=%s\n", errname(errno));
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		out("entry=%s\n", de->d_name);
		n++;
	}
	closedir(d);
	out("count=%d\n", n);
	return 0;
}

static int cmd_oom_score_adj(void)
{
	char buf[64];
	ssize_t n = read_small("/proc/self/oom_score_adj", buf, sizeof(buf));

	if (n < 0) {
		out("error=%s\n", errname((int)-n));
		return 1;
	}
	buf[strcspn(buf, "\n")] = '\0';
	out("oom_score_adj=%s\n", buf);
	return 0;
}

static int cmd_sysctl(const char *key)
{
	char path[PATH_MAX], buf[4096];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/sys/%s", key);
	for (char *p = path + strlen("/proc/sys/"); *p; p++)
		if (*p == '.')
			*p = '/';
	n = read_small(path, buf, sizeof(buf));
	if (n < 0) {
		out("%s=%s\n", key, errname((int)-n));
		return 1;
	}
	buf[strcspn(buf, "\n")] = '\0';
	out("%s=%s\n", key, buf);
	return 0;
}

static int cmd_stat(const char *path)
{
	struct stat st;
	const char *type;

	if (lstat(path, &st) != 0) {
		out("error=%s\n", errname(errno));
		return 0;
	}
	switch (st.st_mode & S_IFMT) {
	case S_IFREG: type = "file"; break;
	case S_IFDIR: type = "dir"; break;
	case S_IFCHR: type = "char"; break;
	case S_IFBLK: type = "block"; break;
	case S_IFLNK: type = "symlink"; break;
	case S_IFIFO: type = "fifo"; break;
	case S_IFSOCK: type = "socket"; break;
	default: type = "unknown"; break;
	}
	out("type=%s\nmode=%04o\nmajor=%u\nminor=%u\nuid=%u\ngid=%u\n", type,
	    (unsigned)(st.st_mode & 07777), major(st.st_rdev), minor(st.st_rdev),
	    (unsigned)st.st_uid, (unsigned)st.st_gid);
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlink(path, target, sizeof(target) - 1);

		if (n >= 0) {
			target[n] = '\0';
			out("target=%s\n", target);
		}
	}
	return 0;
}

static int cmd_write(const char *path)
{
	static const char text[] = "rt-helper\n";
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

	if (fd < 0) {
		out("%s\n", errname(errno));
		return 0;
	}
	if (write(fd, text, sizeof(text) - 1) < 0) {
		out("%s\n", errname(errno));
		close(fd);
		return 0;
	}
	if (close(fd) != 0) {
		out("%s\n", errname(errno));
		return 0;
	}
	out("ok\n");
	return 0;
}

static int cmd_read(const char *path)
{
	char buf[4096];
	ssize_t n = read_small(path, buf, sizeof(buf));

	if (n < 0) {
		out("%s\n", errname((int)-n));
		return 0;
	}
	buf[strcspn(buf, "\n")] = '\0';
	out("ok\n%s\n", buf);
	return 0;
}

static int cmd_mknod(const char *path)
{
	if (mknod(path, S_IFCHR | 0666, makedev(1, 3)) != 0) {
		out("%s\n", errname(errno));
		return 0;
	}
	out("ok\n");
	return 0;
}

static int cmd_personality(void)
{
	int p = personality(0xffffffff);

	if (p < 0) {
		out("error=%s\n", errname(errno));
		return 1;
	}
	out("personality=0x%x\n", (unsigned)p);
	out("domain=%s\n", (p & PER_MASK) == PER_LINUX32 ? "LINUX32" :
			   (p & PER_MASK) == PER_LINUX ? "LINUX" : "other");
	return 0;
}

struct helper_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
	uint32_t sched_util_min;
	uint32_t sched_util_max;
};

static int cmd_sched(void)
{
	struct helper_sched_attr attr;
	const char *name;
	int policy = sched_getscheduler(0);

	switch (policy & ~SCHED_RESET_ON_FORK) {
	case SCHED_OTHER: name = "SCHED_OTHER"; break;
	case SCHED_FIFO: name = "SCHED_FIFO"; break;
	case SCHED_RR: name = "SCHED_RR"; break;
	case SCHED_BATCH: name = "SCHED_BATCH"; break;
	case SCHED_IDLE: name = "SCHED_IDLE"; break;
	case 6: name = "SCHED_DEADLINE"; break;
	default: name = "unknown"; break;
	}
	out("policy=%s\n", policy < 0 ? errname(errno) : name);
	memset(&attr, 0, sizeof(attr));
	if (syscall(SYS_sched_getattr, 0, &attr, (unsigned)sizeof(attr), 0) == 0) {
		out("priority=%u\nnice=%d\nflags=0x%llx\n", attr.sched_priority,
		    attr.sched_nice, (unsigned long long)attr.sched_flags);
	} else {
		struct sched_param sp;

		if (sched_getparam(0, &sp) == 0)
			out("priority=%d\n", sp.sched_priority);
		errno = 0;
		out("nice=%d\n", getpriority(PRIO_PROCESS, 0));
	}
	return 0;
}

static int cmd_syscall(const char *name)
{
	long r;

	if (strcmp(name, "getcwd") == 0) {
		char buf[PATH_MAX];
		r = syscall(SYS_getcwd, buf, sizeof(buf));
	} else if (strcmp(name, "mkdir") == 0) {
		r = mkdir("/tmp/rt-helper-mkdir", 0755);
		if (r == 0)
			rmdir("/tmp/rt-helper-mkdir");
		else if (errno == EEXIST)
			r = 0;
	} else if (strcmp(name, "chmod") == 0) {
		r = chmod("/", 0755);
	} else if (strcmp(name, "getpid") == 0) {
		r = syscall(SYS_getpid);
	} else if (strcmp(name, "unshare") == 0) {
		r = unshare(CLONE_NEWUTS);
	} else if (strncmp(name, "nr:", 3) == 0) {
		/* a syscall by number, no arguments: one the kernel may not have */
		r = syscall(atol(name + 3), 0, 0, 0);
	} else if (strncmp(name, "process_vm_readv:", 17) == 0) {
		/* a syscall whose first argument the caller picks (a pid) */
		char byte;
		struct iovec local = { &byte, 1 }, remote = { (void *)4096, 1 };
		r = syscall(SYS_process_vm_readv, atoi(name + 17), &local, 1, &remote, 1, 0);
	} else {
		out("unknown syscall %s\n", name);
		return 2;
	}
	if (r < 0) {
		out("%s\n", errname(errno));
		return 0;
	}
	out("ok\n");
	return 0;
}

static int cmd_tty(void)
{
	for (int fd = 0; fd <= 2; fd++)
		out("%d=%d\n", fd, isatty(fd));
	return 0;
}

static int cmd_loopback(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0) {
		out("error=%s\n", errname(errno));
		return 1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0) {
		out("error=%s\n", errname(errno));
		close(s);
		return 1;
	}
	close(s);
	out("lo=%s\n", (ifr.ifr_flags & IFF_UP) ? "up" : "down");
	return 0;
}

static int cmd_pid(void)
{
	out("pid=%d\nppid=%d\n", (int)getpid(), (int)getppid());
	return 0;
}

static int cmd_kill(const char *pid, const char *sig)
{
	if (kill((pid_t)atoi(pid), atoi(sig)) != 0) {
		out("%s\n", errname(errno));
		return 1;
	}
	out("ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : NULL;

#define NEED_ARG() do { if (!arg) return usage(); } while (0)
	if (strcmp(cmd, "ids") == 0)
		return cmd_ids();
	if (strcmp(cmd, "caps") == 0)
		return cmd_caps();
	if (strcmp(cmd, "ns") == 0)
		return cmd_ns();
	if (strcmp(cmd, "rlimits") == 0)
		return cmd_rlimits();
	if (strcmp(cmd, "hostname") == 0)
		return cmd_hostname();
	if (strcmp(cmd, "domainname") == 0)
		return cmd_domainname();
	if (strcmp(cmd, "cwd") == 0)
		return cmd_cwd();
	if (strcmp(cmd, "env") == 0)
		return cmd_env();
	if (strcmp(cmd, "mounts") == 0) {
		cat_file("/proc/self/mountinfo");
		return 0;
	}
	if (strcmp(cmd, "cgroup") == 0) {
		cat_file("/proc/self/cgroup");
		return 0;
	}
	if (strcmp(cmd, "cat") == 0) {
		NEED_ARG();
		cat_file(arg);
		return 0;
	}
	if (strcmp(cmd, "ls") == 0) {
		NEED_ARG();
		return cmd_ls(arg);
	}
	if (strcmp(cmd, "fds") == 0)
		return cmd_fds();
	if (strcmp(cmd, "pid") == 0)
		return cmd_pid();
	if (strcmp(cmd, "exit") == 0) {
		NEED_ARG();
		return atoi(arg);
	}
	if (strcmp(cmd, "sleep") == 0)
		return cmd_sleep(arg);
	if (strcmp(cmd, "oom_score_adj") == 0)
		return cmd_oom_score_adj();
	if (strcmp(cmd, "sysctl") == 0) {
		NEED_ARG();
		return cmd_sysctl(arg);
	}
	if (strcmp(cmd, "stat") == 0) {
		NEED_ARG();
		return cmd_stat(arg);
	}
	if (strcmp(cmd, "write") == 0) {
		NEED_ARG();
		return cmd_write(arg);
	}
	if (strcmp(cmd, "read") == 0) {
		NEED_ARG();
		return cmd_read(arg);
	}
	if (strcmp(cmd, "mknod") == 0) {
		NEED_ARG();
		return cmd_mknod(arg);
	}
	if (strcmp(cmd, "personality") == 0)
		return cmd_personality();
	if (strcmp(cmd, "sched") == 0)
		return cmd_sched();
	if (strcmp(cmd, "syscall") == 0) {
		NEED_ARG();
		return cmd_syscall(arg);
	}
	if (strcmp(cmd, "tty") == 0)
		return cmd_tty();
	if (strcmp(cmd, "loopback") == 0)
		return cmd_loopback();
	if (strcmp(cmd, "kill") == 0) {
		if (argc < 4)
			return usage();
		return cmd_kill(argv[2], argv[3]);
	}
	return usage();
#undef NEED_ARG
}
