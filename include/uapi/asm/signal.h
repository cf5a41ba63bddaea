/* SPDX-License-Identifier: MIT */
/*
 * Signal numbers, sigaction flags and sigprocmask's how with Linux x86-64
 * values (shared by the kernel's signals and the ring-3 libc). From
 * arch/x86/include/uapi/asm/signal.h and asm-generic/signal-defs.h.
 */
/* Builds with a C library use the system's header; this one serves the kernel and ring 3. */
#if __STDC_HOSTED__
#include_next <asm/signal.h>
#else
#ifndef _ASM_SIGNAL_H
#define _ASM_SIGNAL_H

#define SIGHUP		1
#define SIGINT		2
#define SIGQUIT		3
#define SIGILL		4
#define SIGTRAP		5
#define SIGABRT		6
#define SIGBUS		7
#define SIGFPE		8
#define SIGKILL		9
#define SIGUSR1		10
#define SIGSEGV		11
#define SIGUSR2		12
#define SIGPIPE		13
#define SIGALRM		14
#define SIGTERM		15
#define SIGCHLD		17
#define SIGCONT		18
#define SIGSTOP		19
#define SIGTSTP		20
#define SIGTTIN		21
#define SIGTTOU		22
#define SIGURG		23
#define SIGWINCH	28
#define _NSIG		65

#define SA_SIGINFO	0x00000004
#define SA_RESTORER	0x04000000
#define SA_ONSTACK	0x08000000
#define SA_RESTART	0x10000000
#define SA_NODEFER	0x40000000
#define SA_RESETHAND	0x80000000
#define SIG_BLOCK	0
#define SIG_UNBLOCK	1
#define SIG_SETMASK	2
#define SI_USER		0
#define SI_KERNEL	0x80
#define SI_TKILL	(-6)

#endif
#endif /* __STDC_HOSTED__ */
