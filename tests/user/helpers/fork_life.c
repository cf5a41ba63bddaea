// SPDX-License-Identifier: MIT
/*
 * Ring-3 helper for the kernel's process-lifetime test: children that hold
 * memory (private, shared, a huge page), pins (an iommufd context with a
 * mock domain mapping their memory), an eventfd and a pipe end, and end by
 * exit, by SIGKILL, by a fault, or as an orphan reaped by the first
 * process. "# sample N" lines have the kernel read its counts: the same
 * after each wait4 as before the fork (N even), lower while a child lives
 * (N odd).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"
#include "iommufd_calls.h"

#define MB		(1UL << 20)
#define HUGE_2M		(2UL << 20)

/* Print a sample line, and be sure it is out before anything else happens. */
static void sample(int n)
{
	printf("# sample %d\n", n);
	fflush(stdout);
}

/*
 * What a child takes before it dies: 1 MiB private, 1 MiB shared, a 2 MiB
 * page, an IOAS with a mock domain mapping the private MiB (pins), an
 * eventfd, and the write end of tell[] it signals readiness on. 0 or -1.
 */
static int take_everything(int tell)
{
	void *priv = mmap(NULL, MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *shr = mmap(NULL, MB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	void *huge = mmap(NULL, HUGE_2M, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	int fd = open("/dev/iommu", O_RDWR);
	uint64_t iova = MOCK_APERTURE_START;
	uint32_t ioas, stdev, hwpt, idev;

	if (priv == MAP_FAILED || shr == MAP_FAILED || huge == MAP_FAILED || fd < 0 ||
	    eventfd(0, 0) < 0 || ioctl_ioas_alloc(fd, &ioas) ||
	    test_cmd_mock_domain(fd, ioas, &stdev, &hwpt, &idev) ||
	    ioctl_ioas_map(fd, ioas, priv, MB, &iova, IOMMU_IOAS_MAP_FIXED_IOVA |
			   IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE))
		return -1;
	memset(shr, 1, MB);
	memset(huge, 2, HUGE_2M);
	return write(tell, "r", 1) == 1 ? 0 : -1;
}

/*
 * A child that takes everything, tells on tell[1], then ends as how says
 * once go[1] is closed: 0 exit, 1 wait for SIGKILL, 2 fault, 3 return 0 (in
 * the child) to go on. The parent gets its pid.
 */
static pid_t child(int how, int tell[2], int go[2])
{
	pid_t pid;
	char c;

	fflush(stdout);
	pid = fork();
	if (pid)
		return pid;
	close(tell[0]);
	close(go[1]);
	if (take_everything(tell[1]))
		_exit(9);
	if (how == 1)
		for (;;)
			pause();	/* until the parent's SIGKILL */
	if (read(go[0], &c, 1) != 0)
		_exit(10);
	if (how == 2)
		*(volatile int *)test_ptr(16) = 1;	/* SIGSEGV */
	if (how == 3)
		return 0;
	_exit(0);			/* with everything still open */
}

/* Fork a child that ends as how; the samples around it; its wait status. */
static int one_life(int how, int n)
{
	int tell[2], go[2], st = -1;
	char c;
	pid_t pid;

	if (pipe(tell) || pipe(go))
		return -1;
	pid = child(how, tell, go);
	close(tell[1]);
	close(go[0]);
	if (pid < 0 || read(tell[0], &c, 1) != 1)
		return -1;
	sample(n + 1);		/* the child lives, holding everything */
	close(go[1]);		/* now it may end */
	if (how == 1)
		kill(pid, SIGKILL);
	if (waitpid(pid, &st, 0) != pid)
		st = -1;
	close(tell[0]);
	sample(n + 2);
	return st;
}

TEST(test_child_exits_holding_everything)
{
	sample(0);
	EXPECT_EQ(0, one_life(0, 0));
}

TEST(test_child_killed_holding_everything)
{
	int st = one_life(1, 2);

	EXPECT_EQ(1, WIFSIGNALED(st));
	EXPECT_EQ(SIGKILL, WTERMSIG(st));
}

TEST(test_child_faults_holding_everything)
{
	int st = one_life(2, 4);

	EXPECT_EQ(1, WIFSIGNALED(st));
	EXPECT_EQ(SIGSEGV, WTERMSIG(st));
}

/* A child's own child outlives it: the first process inherits and reaps it. */
TEST(test_orphan_reaped_by_the_first_process)
{
	int tell[2], go[2], st;
	pid_t mid, grand = -1;
	char c;

	ASSERT_EQ(0, pipe(tell));
	ASSERT_EQ(0, pipe(go));
	fflush(stdout);
	mid = fork();
	ASSERT_NE(-1, mid);
	if (!mid) {
		grand = child(3, tell, go);	/* the grandchild exits once go closes */
		_exit(grand ? (grand > 0 ? 0 : 1) : 0);
	}
	close(tell[1]);
	close(go[0]);
	ASSERT_EQ(1, read(tell[0], &c, 1));	/* the grandchild holds everything */
	EXPECT_EQ(mid, waitpid(mid, &st, 0));
	EXPECT_EQ(0, st);
	sample(7);
	close(go[1]);			/* the orphan may go now */
	grand = waitpid(-1, &st, 0);
	EXPECT_NE(-1, grand);
	EXPECT_EQ(0, st);
	close(tell[0]);
	sample(8);
}

/*
 * Pinned private memory stays the parent's at fork (Linux copies pinned
 * pages for the child): the domain still maps the parent's pages, and the
 * child's writes go to its own copies.
 */
TEST(test_pinned_pages_stay_with_the_parent)
{
	char *buf = mmap(NULL, MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t iova = MOCK_APERTURE_START;
	uint32_t ioas, stdev, hwpt, idev;
	int fd = open("/dev/iommu", O_RDWR), st = -1;
	pid_t pid;

	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_NE(-1, fd);
	memset(buf, 'p', MB);
	ASSERT_EQ(0, ioctl_ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, test_cmd_mock_domain(fd, ioas, &stdev, &hwpt, &idev));
	ASSERT_EQ(0, ioctl_ioas_map(fd, ioas, buf, MB, &iova, IOMMU_IOAS_MAP_FIXED_IOVA |
				    IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE));
	fflush(stdout);
	pid = fork();
	ASSERT_NE(-1, pid);
	if (!pid) {
		/* the child's pages are copies: not the ones the domain maps */
		int copy = test_cmd_check_map(fd, hwpt, iova, buf, MB) != 0;

		memset(buf, 'c', MB);
		_exit(copy && buf[0] == 'c' ? 0 : 1);
	}
	EXPECT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
	EXPECT_EQ('p', buf[0]);
	EXPECT_EQ('p', buf[MB - 1]);
	EXPECT_EQ(0, test_cmd_check_map(fd, hwpt, iova, buf, MB));
	close(fd);
	munmap(buf, MB);
}

TEST_HARNESS_MAIN
