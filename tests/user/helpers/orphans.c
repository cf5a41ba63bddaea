// SPDX-License-Identifier: MIT
/*
 * Ring-3 helper: the first process leaves children behind in every state
 * and exits 0 at once: one spinning in ring 3, one blocked in a pipe read,
 * one in wait4 for its own paused child, one paused holding iommufd pins.
 * The run's end must kill all five and get everything back.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "iommufd_calls.h"

static int ready[2];

/* Fork a child that tells it is ready, then does what; the parent gets -1 on failure. */
static int spawn(void (*what)(void))
{
	pid_t pid = fork();

	if (pid)
		return pid;
	if (write(ready[1], "r", 1) != 1)
		_exit(9);
	what();
	_exit(0);
}

static void spin(void)
{
	for (volatile unsigned long i = 0;; i++)
		;
}

static void block_in_read(void)
{
	int fds[2];
	char c;

	if (!pipe(fds))
		read(fds[0], &c, 1);	/* it holds the write end itself: forever */
}

static void pause_forever(void)
{
	for (;;)
		pause();
}

static void wait_for_own_child(void)
{
	if (spawn(pause_forever) > 0)
		waitpid(-1, NULL, 0);
}

static void hold_pins(void)
{
	void *buf = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	int fd = open("/dev/iommu", O_RDWR);
	uint64_t iova = MOCK_APERTURE_START;
	uint32_t ioas, stdev, hwpt, idev;

	if (buf == MAP_FAILED || fd < 0 || ioctl_ioas_alloc(fd, &ioas) ||
	    test_cmd_mock_domain(fd, ioas, &stdev, &hwpt, &idev) ||
	    ioctl_ioas_map(fd, ioas, buf, 1 << 20, &iova, IOMMU_IOAS_MAP_FIXED_IOVA |
			   IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE))
		_exit(8);
	pause_forever();
}

int main(void)
{
	void (*const kinds[])(void) = { spin, block_in_read, wait_for_own_child, hold_pins };
	int want = 5;
	char c;

	if (pipe(ready))
		return 1;
	for (unsigned int i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (spawn(kinds[i]) < 0)
			return 2;
	while (want-- > 0)		/* the grandchild tells too */
		if (read(ready[0], &c, 1) != 1)
			return 3;
	printf("# left five processes behind\n");
	return 0;
}
