// SPDX-License-Identifier: MIT
/*
 * Ring-3 helper: the first process waits for a child that spins in ring 3
 * for ever. Only the run's time limit ends it.
 */
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	pid_t pid = fork();

	if (!pid)
		for (volatile unsigned long i = 0;; i++)
			;
	return pid > 0 && waitpid(pid, NULL, 0) == pid ? 0 : 1;
}
