// SPDX-License-Identifier: MIT
/*
 * Process and signal calls for ring-3 test programs: fork, wait, pipes,
 * signals and their return trampoline, alarm, sleeps. Linux x86-64 numbers
 * and the kernel's struct sigaction; -errno becomes errno as elsewhere.
 */
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The kernel's struct sigaction (x86-64). */
struct k_sigaction {
	unsigned long handler, flags, restorer, mask;
};

/* Where a handler returns: rt_sigreturn with the frame the kernel built. */
void __restore_rt(void);
__asm__(".text\n"
	".globl __restore_rt\n"
	"__restore_rt:\n"
	"	movq $15, %rax\n"	/* SYS_rt_sigreturn */
	"	syscall\n"
	"	ud2\n");

pid_t fork(void)
{
	return (pid_t)syscall(SYS_fork);
}

pid_t getppid(void)
{
	return (pid_t)syscall(SYS_getppid);
}

pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru)
{
	return (pid_t)syscall(SYS_wait4, pid, status, options, ru);
}

pid_t waitpid(pid_t pid, int *status, int options)
{
	return wait4(pid, status, options, NULL);
}

pid_t wait(int *status)
{
	return wait4(-1, status, 0, NULL);
}

int pipe2(int fds[2], int flags)
{
	return (int)syscall(SYS_pipe2, fds, flags);
}

int pipe(int fds[2])
{
	return pipe2(fds, 0);
}

int dup(int fd)
{
	return (int)syscall(SYS_dup, fd);
}

int dup2(int fd, int newfd)
{
	return (int)syscall(SYS_dup2, fd, newfd);
}

int setpgid(pid_t pid, pid_t pgid)
{
	return (int)syscall(SYS_setpgid, pid, pgid);
}

pid_t getpgid(pid_t pid)
{
	return (pid_t)syscall(SYS_getpgid, pid);
}

unsigned int alarm(unsigned int secs)
{
	return (unsigned int)syscall(SYS_alarm, secs);
}

int pause(void)
{
	return (int)syscall(SYS_pause);
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	return (int)syscall(SYS_nanosleep, req, rem);
}

int kill(pid_t pid, int sig)
{
	return (int)syscall(SYS_kill, pid, sig);
}

int raise(int sig)
{
	return (int)syscall(SYS_tgkill, getpid(), getpid(), sig);
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	struct k_sigaction k, ko;
	int ret;

	if (act) {
		k.handler = (unsigned long)act->sa_handler;
		k.flags = (unsigned long)(unsigned int)act->sa_flags | SA_RESTORER;
		k.restorer = (unsigned long)__restore_rt;
		k.mask = act->sa_mask.sig[0];
	}
	ret = (int)syscall(SYS_rt_sigaction, sig, act ? &k : NULL, old ? &ko : NULL, 8);
	if (!ret && old) {
		old->sa_handler = (sighandler_t)ko.handler;
		old->sa_flags = (int)(ko.flags & ~(unsigned long)SA_RESTORER);
		old->sa_mask.sig[0] = ko.mask;
	}
	return ret;
}

sighandler_t signal(int sig, sighandler_t handler)
{
	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_RESTART }, old;

	return sigaction(sig, &sa, &old) ? SIG_ERR : old.sa_handler;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	return (int)syscall(SYS_rt_sigprocmask, how, set, old, 8);
}

int sigemptyset(sigset_t *set)
{
	set->sig[0] = 0;
	return 0;
}

int sigaddset(sigset_t *set, int sig)
{
	if (sig < 1 || sig >= _NSIG) {
		errno = EINVAL;
		return -1;
	}
	set->sig[0] |= 1UL << (sig - 1);
	return 0;
}

int sigismember(const sigset_t *set, int sig)
{
	return sig >= 1 && sig < _NSIG && (set->sig[0] >> (sig - 1)) & 1;
}
