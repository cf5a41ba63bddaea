/* SPDX-License-Identifier: MIT */
/*
 * signal.h for ring-3 test programs: Linux's x86-64 signal numbers and the
 * calls tests use. sigaction() hands the kernel its own layout (the handler
 * returns through our __restore_rt, as glibc's does through its own).
 */
#ifndef _SIGNAL_H
#define _SIGNAL_H

#include <asm/signal.h>
#include <sys/types.h>

#define SIG_DFL		((sighandler_t)0)
#define SIG_IGN		((sighandler_t)1)
#define SIG_ERR		((sighandler_t)-1)

typedef void (*sighandler_t)(int);
typedef struct {
	unsigned long sig[1];		/* bit sig - 1, as the kernel's */
} sigset_t;

typedef struct {
	int si_signo, si_errno, si_code, __pad;
	int si_pid;
	uid_t si_uid;
	int si_status;
	char __rest[128 - 28];
} siginfo_t;

struct sigaction {
	union {
		sighandler_t sa_handler;
		void (*sa_sigaction)(int, siginfo_t *, void *);
	};
	sigset_t sa_mask;
	int sa_flags;
};

int sigaction(int sig, const struct sigaction *act, struct sigaction *old);
sighandler_t signal(int sig, sighandler_t handler);
int sigprocmask(int how, const sigset_t *set, sigset_t *old);
int sigemptyset(sigset_t *set);
int sigaddset(sigset_t *set, int sig);
int sigismember(const sigset_t *set, int sig);
int kill(pid_t pid, int sig);
int raise(int sig);

#endif
