// SPDX-License-Identifier: MIT
/*
 * Ring-3 helper: leaves pages mapped (4K and 2M) and exits with status 42
 * through exit_group, with an unterminated last line. The kernel checks the
 * status, the flushed line and that every page came back.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	char *a = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *h = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);

	if (a == MAP_FAILED || h == MAP_FAILED)
		return 1;
	memset(a, 1, 1 << 20);
	memset(h, 2, 2 << 20);
	printf("pid %d leaves its memory mapped", getpid());
	fflush(stdout);
	_exit(42);
}
