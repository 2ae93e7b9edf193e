/*
 * vm-helper: what the cgroup v2 guest tests need that busybox cannot do.
 *
 *   vm-helper hugetouch N   map N 2 MiB huge pages and touch them one by
 *                           one, printing "touched I" after each: a hugetlb
 *                           limit shows as SIGBUS on the first page over it.
 *
 * Build: gcc -static -O2 -Wall -Wextra -Werror -o vm-helper vm-helper.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HUGE_2M (2UL << 20)

static int hugetouch(long n)
{
	char *p = mmap(NULL, (size_t)n * HUGE_2M, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	char line[64];

	if (p == MAP_FAILED) {
		printf("mmap=%s\n", strerror(errno));
		return 1;
	}
	for (long i = 0; i < n; i++) {
		int len;

		p[i * HUGE_2M] = 1;
		/* write(2): visible at once even if the next page kills us */
		len = snprintf(line, sizeof(line), "touched %ld\n", i + 1);
		if (write(STDOUT_FILENO, line, (size_t)len) < 0)
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "hugetouch") == 0)
		return hugetouch(atol(argv[2]));
	fprintf(stderr, "usage: vm-helper hugetouch N\n");
	return 2;
}
