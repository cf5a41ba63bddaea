// SPDX-License-Identifier: MIT
/*
 * Ring-3 helper for the kernel's failure sweep of process calls: with
 * /proc/self/fail-nth (Linux's fault injection, our fail points) it fails
 * the 1st, 2nd, ... allocation of fork and of pipe2 until the call gets
 * through untouched. Each failure must be ENOMEM and leave nothing behind:
 * "# sample N" lines have the kernel compare its counts before and after.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"

#define MAX_SITES	400

static int nth = -1;

static void sample(int n)
{
	printf("# sample %d\n", n);
	fflush(stdout);
}

/* Fail the n-th fail-point site from now on (0: none). */
static int arm(unsigned int n)
{
	char b[16];
	int len = snprintf(b, sizeof(b), "%u", n);

	return pwrite(nth, b, (size_t)len, 0) == len ? 0 : -1;
}

/* Whether the armed failure happened (fail-nth reads 0 once it fired). */
static int fired(void)
{
	char b[24] = { 0 };

	return pread(nth, b, sizeof(b) - 1, 0) > 0 && strtoull(b, NULL, 10) == 0;
}

/*
 * An address space with one area of each kind, and files, for fork to
 * copy: private, shared and huge memory, an eventfd, a pipe.
 */
static int populate(void)
{
	int fds[2];

	return mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
		       MAP_FAILED ||
	       mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0) ==
		       MAP_FAILED ||
	       mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0) == MAP_FAILED ||
	       eventfd(0, 0) < 0 || pipe(fds) ? -1 : 0;
}

TEST(test_fork_fails_cleanly_at_every_site)
{
	int failures = 0, passed_through = 0, st;
	unsigned int n;

	nth = open("/proc/self/fail-nth", O_RDWR);
	ASSERT_NE(-1, nth);
	ASSERT_EQ(0, populate());
	sample(0);
	for (n = 1; n < MAX_SITES; n++) {
		pid_t pid;
		int err, hit;

		fflush(stdout);
		ASSERT_EQ(0, arm(n));
		pid = fork();
		if (!pid)
			_exit(0);
		err = errno;
		hit = fired();
		ASSERT_EQ(0, arm(0));
		if (pid < 0) {
			EXPECT_EQ(ENOMEM, err);
			EXPECT_EQ(1, hit);
			failures++;
			continue;
		}
		EXPECT_EQ(pid, waitpid(pid, &st, 0));
		EXPECT_EQ(0, st);
		if (!hit)
			break;		/* fork needed fewer than n allocations: all swept */
		passed_through++;
	}
	test_log("fork failed cleanly at %d sites, got through %d failed ones, done at %u",
		 failures, passed_through, n);
	EXPECT_LT(n, MAX_SITES);
	EXPECT_LT(4, failures);		/* proc, address space, areas, pages, stack, files */
	EXPECT_EQ(0, passed_through);	/* every allocation of fork is one it needs */
	sample(1);
}

TEST(test_pipe2_fails_cleanly_at_every_site)
{
	int failures = 0, fds[2];
	unsigned int n;

	sample(2);
	for (n = 1; n < MAX_SITES; n++) {
		int r, err, hit;

		ASSERT_EQ(0, arm(n));
		r = pipe2(fds, 0);
		err = errno;
		hit = fired();
		ASSERT_EQ(0, arm(0));
		if (r) {
			EXPECT_EQ(ENOMEM, err);
			failures++;
			continue;
		}
		close(fds[0]);
		close(fds[1]);
		if (!hit)
			break;
	}
	test_log("pipe2 failed cleanly at %d sites, done at %u", failures, n);
	EXPECT_LT(0, failures);
	sample(3);
}

TEST_HARNESS_MAIN
