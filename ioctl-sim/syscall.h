/* SPDX-License-Identifier: MIT */
/*
 * The kernel's system-call layer: Linux-numbered calls from ring 3 onto the
 * fd table, /dev/iommu and the VFIO device files (syscall.c), and onto the
 * processes of arch/x86/proc.h (sys_proc.c). Kernel only.
 */
#ifndef IOCTL_SIM_SYSCALL_H
#define IOCTL_SIM_SYSCALL_H

#include "arch/x86/proc.h"
#include "lib/types.h"

/* Install the layer under arch/x86/proc.c (before the first process runs). */
void syscall_init(void);

/*
 * Inside a system call: wait until cond, the time_ns() deadline (~0ULL:
 * none) or a signal for the process. cond is tested with interrupts off,
 * and the other processes of the run go (or the CPU halts) with them on
 * (proc_idle), so an interrupt that makes cond true is never slept
 * through. Evaluates to cond's last value (false: the time or a signal came,
 * see proc_signal_pending()); interrupts are on afterwards.
 */
#define sim_wait_until(cond, deadline_ns)                                    \
	({                                                                   \
		bool __c;                                                    \
		for (;;) {                                                   \
			irq_disable();                                       \
			__c = (cond);                                        \
			if (__c || time_ns() >= (deadline_ns) || proc_signal_pending()) \
				break;                                       \
			proc_idle(deadline_ns);                              \
		}                                                            \
		irq_enable();                                                \
		__c;                                                         \
	})

/*
 * The process calls (sys_proc.c) for syscall.c's table: arg[] are the six
 * argument registers; the result is the return value or -errno.
 */
typedef long (*syscall_fn)(const u64 *arg);
#define SYS_PROC_CALLS(X)                                                    \
	X(brk) X(rt_sigaction) X(rt_sigprocmask) X(rt_sigreturn) X(sched_yield) \
	X(madvise) X(pause) X(nanosleep) X(alarm) X(getpid) X(clone) X(fork)  \
	X(vfork) X(exit) X(wait4) X(kill) X(uname) X(getuid) X(getgid)      \
	X(setpgid) X(getppid) X(getpgrp) X(getpgid) X(arch_prctl) X(gettid) \
	X(tkill) X(set_tid_address) X(clock_gettime) X(clock_nanosleep)    \
	X(tgkill) X(set_robust_list) X(getrandom) X(getrlimit) X(setrlimit) \
	X(prlimit64) X(capget) X(capset)
#define SYS_PROC_DECLARE(n) long sys_##n(const u64 *arg);
SYS_PROC_CALLS(SYS_PROC_DECLARE)

#endif
