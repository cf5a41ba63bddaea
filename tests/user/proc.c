// SPDX-License-Identifier: MIT
/*
 * Ring-3 self-test of processes: fork gives a copy (MAP_SHARED memory and
 * open files stay shared), wait4 reaps with Linux's status word, pipes
 * between processes, signals (handlers with siginfo, the blocked mask,
 * process groups), alarm interrupting or restarting a wait, and bad
 * pointers given to these calls. Linux ABI only: builds and passes as an
 * ordinary Linux program too (make linux-oracle runs it there).
 */
#define _GNU_SOURCE	/* pipe2 in glibc */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "harness.h"

#define PAGE		4096UL
#define BAD_PTR		test_ptr(8)	/* never mapped in any process */
#ifndef CLONE_CHILD_SETTID
#define CLONE_CHILD_SETTID 0x01000000
#endif

static int global = 1;

/* fork with stdout flushed first, so nothing buffered is printed twice. */
static pid_t spawn(void)
{
	fflush(stdout);
	return fork();
}

/* Reap pid; its status word, or -1 when wait4 failed. */
static int reap(pid_t pid)
{
	int status = 0;

	return waitpid(pid, &status, 0) == pid ? status : -1;
}

static void *map_anon(size_t len, int flags)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | flags, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

TEST(test_fork_child_gets_a_copy)
{
	char *priv = map_anon(PAGE, MAP_PRIVATE);
	pid_t pid;
	int st;

	ASSERT_NE(NULL, priv);
	priv[0] = 'p';
	global = 1;
	pid = spawn();
	ASSERT_NE(-1, pid);
	if (!pid) {
		int ok = global == 1 && priv[0] == 'p';

		global = 2;
		priv[0] = 'c';
		_exit(ok ? 0 : 1);
	}
	st = reap(pid);
	EXPECT_EQ(1, WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));		/* the child saw the parent's values */
	EXPECT_EQ(1, global);			/* and its writes stayed its own */
	EXPECT_EQ('p', priv[0]);
	munmap(priv, PAGE);
}

TEST(test_fork_shared_memory_is_shared)
{
	volatile int *shared = map_anon(PAGE, MAP_SHARED);
	pid_t pid;

	ASSERT_NE(NULL, (void *)shared);
	shared[0] = 1;
	pid = spawn();
	ASSERT_NE(-1, pid);
	if (!pid) {
		shared[0] = shared[0] + 41;
		_exit(0);
	}
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(42, shared[0]);
	munmap((void *)shared, PAGE);
}

TEST(test_fork_returns_pid_and_child_knows_parent)
{
	volatile pid_t *seen = map_anon(PAGE, MAP_SHARED);
	pid_t pid, me = getpid();

	ASSERT_NE(NULL, (void *)seen);
	pid = spawn();
	ASSERT_NE(-1, pid);
	if (!pid) {
		seen[0] = getpid();
		seen[1] = getppid();
		_exit(0);
	}
	EXPECT_NE(me, pid);
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(pid, seen[0]);
	EXPECT_EQ(me, seen[1]);
	munmap((void *)seen, PAGE);
}

TEST(test_wait_reports_exit_codes_and_signals)
{
	pid_t pid[3];
	int st;

	ASSERT_NE(-1, pid[0] = spawn());
	if (!pid[0])
		_exit(7);
	ASSERT_NE(-1, pid[1] = spawn());
	if (!pid[1]) {
		kill(getpid(), SIGKILL);
		_exit(0);
	}
	ASSERT_NE(-1, pid[2] = spawn());
	if (!pid[2]) {
		*(volatile int *)BAD_PTR = 1;	/* the child dies of SIGSEGV */
		_exit(0);
	}
	st = reap(pid[0]);
	EXPECT_EQ(1, WIFEXITED(st));
	EXPECT_EQ(7, WEXITSTATUS(st));
	st = reap(pid[1]);
	EXPECT_EQ(1, WIFSIGNALED(st));
	EXPECT_EQ(SIGKILL, WTERMSIG(st));
	st = reap(pid[2]);
	EXPECT_EQ(1, WIFSIGNALED(st));
	EXPECT_EQ(SIGSEGV, WTERMSIG(st));
	EXPECT_ERRNO(ECHILD, waitpid(-1, &st, 0));	/* all reaped */
}

TEST(test_wait_nohang_any_and_echild)
{
	int fds[2], st;
	char c;
	pid_t pid;

	EXPECT_ERRNO(ECHILD, waitpid(-1, &st, WNOHANG));
	ASSERT_EQ(0, pipe(fds));
	ASSERT_NE(-1, pid = spawn());
	if (!pid) {
		close(fds[1]);
		_exit(read(fds[0], &c, 1) == 0 ? 0 : 1);	/* end of file, then out */
	}
	close(fds[0]);
	EXPECT_EQ(0, waitpid(-1, &st, WNOHANG));	/* still running */
	EXPECT_ERRNO(ECHILD, waitpid(pid + 1000, &st, 0));	/* not a child */
	close(fds[1]);
	EXPECT_EQ(pid, waitpid(-1, &st, 0));
	EXPECT_EQ(0, st);
}

/* Linux reaps the child before it writes the status: EFAULT, and it is gone. */
TEST(test_wait_bad_status_pointer_efault)
{
	pid_t pid;
	int st;

	ASSERT_NE(-1, pid = spawn());
	if (!pid)
		_exit(3);
	EXPECT_ERRNO(EFAULT, wait4(pid, BAD_PTR, 0, NULL));
	EXPECT_ERRNO(ECHILD, waitpid(pid, &st, 0));
}

TEST(test_pipe_between_processes_and_end_of_file)
{
	char buf[16] = { 0 };
	int fds[2];
	pid_t pid;

	ASSERT_EQ(0, pipe2(fds, 0));
	ASSERT_NE(-1, pid = spawn());
	if (!pid) {
		close(fds[0]);
		_exit(write(fds[1], "hello", 5) == 5 ? 0 : 1);	/* exit closes fds[1] */
	}
	close(fds[1]);
	EXPECT_EQ(5, read(fds[0], buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	EXPECT_EQ(0, read(fds[0], buf, sizeof(buf)));	/* every write end is gone */
	EXPECT_EQ(0, reap(pid));
	close(fds[0]);
}

/* More than a pipe holds: the writer waits for the reader, nothing is lost. */
TEST(test_pipe_large_transfer)
{
	static unsigned char buf[4096];
	size_t total = 0, bad = 0;
	int fds[2];
	ssize_t n;
	pid_t pid;

	ASSERT_EQ(0, pipe(fds));
	ASSERT_NE(-1, pid = spawn());
	if (!pid) {
		close(fds[0]);
		for (size_t i = 0; i < 100000; i += sizeof(buf)) {
			size_t len = 100000 - i < sizeof(buf) ? 100000 - i : sizeof(buf);

			for (size_t k = 0; k < len; k++)
				buf[k] = (unsigned char)((i + k) * 7);
			if (write(fds[1], buf, len) != (ssize_t)len)
				_exit(1);
		}
		_exit(0);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof(buf))) > 0) {
		for (ssize_t k = 0; k < n; k++)
			bad += buf[k] != (unsigned char)((total + (size_t)k) * 7);
		total += (size_t)n;
	}
	EXPECT_EQ(0, n);
	EXPECT_EQ(100000, total);
	EXPECT_EQ(0, bad);
	EXPECT_EQ(0, reap(pid));
	close(fds[0]);
}

/* No reader: EPIPE where SIGPIPE is ignored, death by SIGPIPE where it is not. */
TEST(test_pipe_without_reader_epipe_sigpipe)
{
	int fds[2];
	pid_t pid;
	int st;

	ASSERT_EQ(0, pipe(fds));
	close(fds[0]);
	ASSERT_NE(-1, pid = spawn());
	if (!pid) {
		write(fds[1], "x", 1);
		_exit(0);
	}
	st = reap(pid);
	EXPECT_EQ(1, WIFSIGNALED(st));
	EXPECT_EQ(SIGPIPE, WTERMSIG(st));
	ASSERT_NE(SIG_ERR, signal(SIGPIPE, SIG_IGN));
	EXPECT_ERRNO(EPIPE, write(fds[1], "x", 1));
	signal(SIGPIPE, SIG_DFL);
	close(fds[1]);
}

/* The fd table is copied: a close in the child leaves the parent's fd open. */
TEST(test_fork_copies_the_fd_table)
{
	unsigned long long v = 0;
	int efd = eventfd(0, 0);
	pid_t pid;

	ASSERT_NE(-1, efd);
	ASSERT_NE(-1, pid = spawn());
	if (!pid) {
		unsigned long long one = 1;
		int ok = write(efd, &one, sizeof(one)) == sizeof(one);

		_exit(ok && close(efd) == 0 ? 0 : 1);
	}
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(8, read(efd, &v, sizeof(v)));	/* the child's write, one file */
	EXPECT_EQ(1, v);
	EXPECT_EQ(0, close(efd));
}

static volatile int got_sig, got_code, got_pid, handled;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	got_sig = si->si_signo == sig ? sig : -1;
	got_code = si->si_code;
	got_pid = si->si_pid;
	handled++;
}

static void catch_signal(int sig, int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

TEST(test_signal_handler_gets_siginfo)
{
	got_sig = got_code = got_pid = handled = 0;
	catch_signal(SIGUSR1, 0);
	ASSERT_EQ(0, kill(getpid(), SIGUSR1));	/* delivered on the way back from kill */
	EXPECT_EQ(1, handled);
	EXPECT_EQ(SIGUSR1, got_sig);
	EXPECT_EQ(SI_USER, got_code);
	EXPECT_EQ(getpid(), got_pid);
	signal(SIGUSR1, SIG_DFL);
}

TEST(test_blocked_signal_waits_for_unblock)
{
	sigset_t set, old;

	handled = 0;
	catch_signal(SIGUSR2, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, &old));
	ASSERT_EQ(0, kill(getpid(), SIGUSR2));
	EXPECT_EQ(0, handled);
	ASSERT_EQ(0, sigprocmask(SIG_SETMASK, &old, NULL));
	EXPECT_EQ(1, handled);
	EXPECT_EQ(0, sigismember(&old, SIGUSR2));
	signal(SIGUSR2, SIG_DFL);
}

/* kill(-pgid) reaches every process of the group, and only those. */
TEST(test_kill_process_group)
{
	pid_t pid[2];
	int st;

	for (int i = 0; i < 2; i++) {
		ASSERT_NE(-1, pid[i] = spawn());
		if (!pid[i]) {
			setpgid(0, i ? pid[0] : 0);
			for (;;)
				pause();
		}
		setpgid(pid[i], pid[0]);	/* as a shell does: no race with kill */
	}
	EXPECT_EQ(pid[0], getpgid(pid[1]));
	EXPECT_NE(pid[0], getpgid(0));
	EXPECT_EQ(0, kill(-pid[0], SIGTERM));
	for (int i = 0; i < 2; i++) {
		st = reap(pid[i]);
		EXPECT_EQ(1, WIFSIGNALED(st));
		EXPECT_EQ(SIGTERM, WTERMSIG(st));
	}
}

/* alarm without SA_RESTART: a blocking read ends with EINTR after the handler. */
TEST(test_alarm_interrupts_a_wait)
{
	int fds[2];
	char c;

	handled = 0;
	ASSERT_EQ(0, pipe(fds));
	catch_signal(SIGALRM, 0);
	EXPECT_EQ(0, alarm(1));
	EXPECT_ERRNO(EINTR, read(fds[0], &c, 1));
	EXPECT_EQ(1, handled);
	EXPECT_EQ(SIGALRM, got_sig);
	EXPECT_EQ(0, alarm(0));
	signal(SIGALRM, SIG_DFL);
	close(fds[0]);
	close(fds[1]);
}

/* With SA_RESTART the read starts again after the handler and gets the byte. */
TEST(test_sa_restart_restarts_the_wait)
{
	struct timespec later = { 1, 500000000 };
	int fds[2];
	char c = 0;
	pid_t pid;

	handled = 0;
	ASSERT_EQ(0, pipe(fds));
	ASSERT_NE(-1, pid = spawn());
	if (!pid) {
		nanosleep(&later, NULL);
		_exit(write(fds[1], "r", 1) == 1 ? 0 : 1);
	}
	catch_signal(SIGALRM, SA_RESTART);
	alarm(1);
	EXPECT_EQ(1, read(fds[0], &c, 1));
	EXPECT_EQ('r', c);
	EXPECT_EQ(1, handled);
	EXPECT_EQ(0, reap(pid));
	signal(SIGALRM, SIG_DFL);
	close(fds[0]);
	close(fds[1]);
}

TEST(test_alarm_returns_seconds_left)
{
	EXPECT_EQ(0, alarm(100));
	EXPECT_EQ(100, alarm(0));	/* rounded up, as Linux */
}

TEST(test_bad_arguments_refused)
{
	int fds[2] = { -1, -1 };
	sigset_t set;

	EXPECT_ERRNO(EINVAL, kill(getpid(), 65));
	EXPECT_ERRNO(ESRCH, kill(0x3fffffff, 0));
	EXPECT_ERRNO(EFAULT, syscall(SYS_rt_sigaction, SIGUSR1, BAD_PTR, NULL, 8));
	EXPECT_ERRNO(EINVAL, syscall(SYS_rt_sigaction, SIGKILL, NULL, NULL, 4));
	EXPECT_ERRNO(EINVAL, sigprocmask(7, &set, NULL));
	/* raw calls: a C library may read these itself first */
	EXPECT_ERRNO(EFAULT, syscall(SYS_rt_sigprocmask, SIG_BLOCK, BAD_PTR, NULL, 8));
	EXPECT_ERRNO(EFAULT, syscall(SYS_pipe2, BAD_PTR, 0));
	EXPECT_ERRNO(EINVAL, pipe2(fds, 0x12345));
	EXPECT_ERRNO(EINVAL, waitpid(-1, NULL, 0x1000));
	EXPECT_ERRNO(EFAULT, syscall(SYS_nanosleep, BAD_PTR, NULL));
}

/* clone's CLONE_CHILD_SETTID with a pointer to nowhere: ignored, as Linux does. */
TEST(test_clone_bad_tid_pointer_harmless)
{
	long pid;

	fflush(stdout);
	pid = syscall(SYS_clone, SIGCHLD | CLONE_CHILD_SETTID, 0, NULL, BAD_PTR, 0);
	ASSERT_NE(-1, pid);
	if (!pid)
		_exit(5);
	EXPECT_EQ(5 << 8, reap((pid_t)pid));
}

/* Many children at once, each reaped with its own status. */
TEST(test_many_children_all_reaped)
{
	pid_t pid[20];
	int sum = 0, st;

	for (int i = 0; i < 20; i++) {
		ASSERT_NE(-1, pid[i] = spawn());
		if (!pid[i])
			_exit(i + 1);
	}
	for (int i = 0; i < 20; i++) {
		pid_t r = waitpid(-1, &st, 0);

		EXPECT_NE(-1, r);
		sum += WEXITSTATUS(st);
	}
	EXPECT_EQ(210, sum);
	EXPECT_ERRNO(ECHILD, waitpid(-1, &st, WNOHANG));
}

TEST_HARNESS_MAIN
