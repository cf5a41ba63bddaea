// SPDX-License-Identifier: MIT
/*
 * Ring-3 helper: fork until the kernel says EAGAIN (its limit of processes
 * in one run), every child paused; then kill and reap them all. The kernel
 * must refuse cleanly and carry on.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"

#define MAX_TRY	200

TEST(test_fork_until_refused)
{
	static pid_t pid[MAX_TRY];
	int n = 0, err = 0, st, reaped = 0;

	while (n < MAX_TRY) {
		fflush(stdout);
		pid[n] = fork();
		if (!pid[n])
			for (;;)
				pause();
		if (pid[n] < 0) {
			err = errno;
			break;
		}
		n++;
	}
	test_log("%d children, then errno %d", n, err);
	EXPECT_EQ(EAGAIN, err);
	EXPECT_LT(10, n);
	for (int i = 0; i < n; i++)
		kill(pid[i], SIGKILL);
	while (waitpid(-1, &st, 0) > 0)
		reaped += WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
	EXPECT_EQ(n, reaped);
	fflush(stdout);
	pid[0] = fork();		/* room again */
	if (!pid[0])
		_exit(0);
	EXPECT_LT(0, pid[0]);
	EXPECT_EQ(pid[0], waitpid(pid[0], &st, 0));
}

TEST_HARNESS_MAIN
