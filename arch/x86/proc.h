/* SPDX-License-Identifier: MIT */
/*
 * Ring-3 processes: load a static ELF program into a fresh address space,
 * run it until it exits or faults, then tear everything down. The per-CPU
 * area and syscall MSRs live here; the syscall table is in ioctl-sim/.
 */
#ifndef ARCH_X86_PROC_H
#define ARCH_X86_PROC_H

#include "arch/x86/trap.h"
#include "arch/x86/uvm.h"

#define VEC_SYSCALL	0x100	/* trap_frame.vector of a syscall frame */

/* How a process ended. */
enum proc_end {
	PROC_EXITED,		/* exit()/exit_group(): status is valid */
	PROC_FAULTED,		/* exception in ring 3: fault holds the frame */
	PROC_TIMEOUT,		/* ran past its time limit: fault holds the frame */
	PROC_KERNEL_CRASH,	/* exception in the kernel in a syscall: status = vector */
};

/* Where a process's stdout/stderr go; s == NULL, n == 0 means flush. */
typedef void (*proc_out_fn)(void *ctx, const char *s, size_t n);

struct proc {
	int pid;
	const char *name;		/* argv[0] */
	const char *const *envp;	/* environment strings, NULL-terminated (or NULL) */
	struct uvm *uvm;		/* its address space */
	void *kstack;			/* kernel stack for syscalls and traps */
	struct jmpbuf exit_jb;		/* back into proc_run() */
	enum proc_end end;
	int status;			/* exit status (see end) */
	struct trap_frame fault;	/* PROC_FAULTED: user registers */
	u64 fault_cr2;
	u64 time_limit_ms;		/* 0: the default (cmdline user_timeout=, 60 s) */
	proc_out_fn out;		/* stdout/stderr sink (console when NULL) */
	void *out_ctx;
	const char *dump_prefix;	/* line prefix of the fault dump */
	void *files;			/* open files: ioctl-sim/'s fd table */
	u8 stdio_closed;		/* bit n: console fd n was closed */
};

/* Ring 3's exception hook and time limit (once, on the boot CPU). */
void proc_init(void);
/*
 * The process running on this CPU, NULL in plain kernel context. A kernel
 * test runs a process with proc_run on any CPU, one at a time per CPU.
 */
struct proc *proc_current(void);

/*
 * Load the ELF image (static x86-64 executable), run it to its end and
 * release everything it had: open files (the syscall layer's release), address
 * space, kernel stack. Fill p->name/out first. Returns 0 when the program ran (see
 * p->end, p->status), -errno when it could not be started.
 */
int proc_run(struct proc *p, const void *image, size_t size);

/* End the current process with status (exit/exit_group); never returns. */
__noreturn void proc_exit(int status);

/*
 * The system-call layer above (ioctl-sim/syscall.c) installs these before a
 * process runs; without them every system call is ENOSYS.
 */
struct proc_syscall_ops {
	/* every syscall from entry.S; the result goes to tf->rax */
	void (*dispatch)(struct trap_frame *tf);
	/* give p what it needs before it runs (its fd table): 0 or -errno */
	int (*prepare)(struct proc *p);
	/* close every file p still has open (p is still current) */
	void (*release)(struct proc *p);
};

void proc_set_syscall_ops(const struct proc_syscall_ops *ops);
/* entry.S's syscall handler: dispatches through the installed ops. */
void proc_syscall(struct trap_frame *tf);

#endif
