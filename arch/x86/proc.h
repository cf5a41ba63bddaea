/* SPDX-License-Identifier: MIT */
/*
 * Ring-3 processes: load a static ELF program into a fresh address space,
 * run it and every process it forks until they end, then tear everything
 * down. proc.c: lifetime (load, fork, exit, wait); sched.c: switching
 * between the processes of a run; signal.c: Linux's signals. The syscall
 * table is in ioctl-sim/.
 */
#ifndef ARCH_X86_PROC_H
#define ARCH_X86_PROC_H

#include "arch/x86/percpu.h"
#include "arch/x86/trap.h"
#include "arch/x86/uvm.h"
#include "lib/list.h"

#define VEC_SYSCALL	0x100	/* trap_frame.vector of a syscall frame */
#define VEC_SIGRETURN	0x101	/* a frame sigreturn restored: no call to restart */
#define PROC_NSIG	64	/* signals 1..64, Linux's numbers */
#define PROC_ENOSYS_NRS	16	/* distinct unknown syscall numbers a run counts */

/* Internal: a wait interrupted by a signal, restarted or EINTR on the way out (Linux's). */
#define ERESTARTSYS	512

/* How the first process of a run ended. */
enum proc_end {
	PROC_EXITED,		/* exit()/exit_group(): status is valid */
	PROC_FAULTED,		/* exception in ring 3: fault holds the frame */
	PROC_TIMEOUT,		/* ran past its time limit: fault holds the frame */
	PROC_KERNEL_CRASH,	/* exception in the kernel in a syscall: status = vector */
	PROC_SIGNALED,		/* killed by a signal: status = its number */
};

/* Where a process's stdout/stderr go; s == NULL, n == 0 means flush. */
typedef void (*proc_out_fn)(void *ctx, const char *s, size_t n);

/* Linux's struct sigaction as rt_sigaction passes it (x86-64). */
struct proc_sigaction {
	u64 handler;			/* SIG_DFL 0, SIG_IGN 1, or a function */
	u64 flags;			/* SA_* */
	u64 restorer;			/* SA_RESTORER: where the handler returns */
	u64 mask;			/* blocked while the handler runs */
};

/* A process's signal state (signal.c); allocated with the process. */
struct proc_signals {
	struct proc_sigaction action[PROC_NSIG];	/* [sig - 1] */
	u64 blocked, pending;		/* bit sig - 1 */
	struct {
		s32 code, pid;		/* siginfo si_code, si_pid of the pending one */
	} info[PROC_NSIG];
	u64 alarm_ns;			/* time_ns() of SIGALRM, 0: none */
};

struct proc_job;

/*
 * A process. The caller of proc_run fills the first block of the first
 * process (on its own stack) and reads how it ended; fork allocates the
 * others and copies that block.
 */
struct proc {
	/* set by proc_run's caller; children inherit them */
	const char *name;		/* its name (argv[0] unless argv says) */
	const char *const *argv;	/* the arguments, NULL-terminated; NULL: just name */
	const char *const *envp;	/* environment strings, NULL-terminated (or NULL) */
	bool root;			/* uid 0 with every capability, as Linux's selftests run */
	u64 time_limit_ms;		/* whole run; 0: the default (cmdline user_timeout=, 60 s) */
	proc_out_fn out;		/* stdout/stderr sink (console when NULL) */
	void *out_ctx;
	const char *dump_prefix;	/* line prefix of the fault dump */
	/* how the run of the first process ended */
	enum proc_end end;
	int status;			/* exit status, signal, or vector (see end) */
	struct trap_frame fault;	/* PROC_FAULTED, PROC_TIMEOUT: the registers */
	u64 fault_cr2;
	int killed;			/* processes still alive at its end, killed */
	struct {
		u32 nr, count;
	} enosys[PROC_ENOSYS_NRS];	/* unknown syscall numbers tried, with counts */
	u32 enosys_more;		/* calls of numbers past those */

	/* identity and family (proc.c) */
	int pid, pgid;
	struct proc *parent;		/* NULL for the first process */
	struct proc_job *job;
	struct list_head node;		/* in job->procs */
	bool zombie;			/* exited, not yet reaped */
	bool doomed;			/* the run's end killed it (counted once) */
	int wstatus;			/* zombie: wait4's status word */
	/* resources */
	struct uvm *uvm;		/* its address space */
	void *kstack;			/* kernel stack for syscalls and traps */
	u64 brk_start, brk;		/* the heap brk() moves */
	u64 clear_child_tid;		/* set_tid_address / CLONE_CHILD_CLEARTID */
	void *files;			/* open files: ioctl-sim/'s fd table */
	u8 stdio_closed;		/* bit n: console fd n was closed */
	struct proc_signals *sig;
	u64 syscall_nr;			/* the call in progress (a restart repeats it) */
	bool iret;			/* sigreturn set registers sysret cannot restore */
	/* switching (sched.c) */
	u64 ksp;			/* kernel rsp while switched out */
	u64 fs_base;			/* user FS base (TLS) */
	u64 wait_deadline;		/* idle in a wait until this time_ns() */
	u64 ran_tick;			/* the CPU tick it was switched in at */
	u8 fpu[512] __aligned(16);	/* FXSAVE image of its x87/SSE registers */
};

/*
 * The processes one proc_run started: they all run on the CPU that called
 * it, one at a time; the kernel switches between them only where a system
 * call waits, at the tick when one runs in ring 3, and when one ends.
 */
struct proc_job {
	struct list_head procs;		/* every process not yet freed, the first one first */
	struct proc *init;		/* the first process (the caller's) */
	struct proc *running;		/* switched in now, NULL in the scheduler */
	const void *image;		/* the program (/proc/self/exe) */
	size_t image_size;
	u64 sched_rsp;			/* the scheduler's kernel rsp while a process runs */
	bool idle;			/* the process that switched back only waits */
	bool ending;			/* the first process ended: the others are killed */
	bool end_set;			/* init->end is decided */
	bool timed_out;
	int timeout_retries;		/* ticks waited for the time-out to meet ring 3 */
	int crashed;			/* vector + 1 of a kernel crash in a syscall */
	int nprocs;			/* processes allocated and not freed (the first included) */
};

/* Every process runs as this uid and gid, with no capabilities, unless it is root. */
#define PROC_USER_ID	1000
/* Its uid (and gid): 0 for root. */
static inline u32 proc_uid(const struct proc *p)
{
	return p->root ? 0 : PROC_USER_ID;
}

/* Ring 3's exception hook and time limit (once, on the boot CPU). */
void proc_init(void);
/*
 * The process running on this CPU, NULL in plain kernel context. A kernel
 * test runs a process with proc_run on any CPU, one run at a time per CPU.
 */
static inline struct proc *proc_current(void)
{
	return this_cpu()->current;	/* inline: every syscall asks several times */
}

/*
 * Load the ELF image (static x86-64 executable), run it and every process
 * it forks to their end and release everything they had: open files (the
 * syscall layer's release), address spaces, kernel stacks. Fill the first
 * block of *p first. Returns 0 when the program ran (see p->end and the
 * rest of that block), -errno when it could not be started. When the first
 * process ends, those still running are killed (SIGKILL) and waited for.
 */
int proc_run(struct proc *p, const void *image, size_t size);
/* The image proc_run is running (for /proc/self/exe). */
const void *proc_image(size_t *size);

/* End the current process with exit status (exit/exit_group); never returns. */
__noreturn void proc_exit(int status);
/* End the current process as killed by sig (its default action); never returns. */
__noreturn void proc_exit_signal(int sig);
/* n random bytes (AT_RANDOM, getrandom): not for cryptography. */
void proc_random(void *buf, size_t n);
/*
 * fork/clone of the current process interrupted at tf: the child is a copy
 * (address space, files, signal actions, registers with rax 0) that starts
 * at the same place. flags: SIGCHLD or 0 as exit signal, CLONE_CHILD_SETTID,
 * CLONE_CHILD_CLEARTID, CLONE_PARENT_SETTID, CLONE_SETTLS, CLONE_VFORK and
 * CLONE_VM together (vfork: taken as a fork). Returns the child's pid, or
 * -EINVAL (threads: other flags), -ENOMEM, -EAGAIN (too many processes).
 */
long proc_fork(struct trap_frame *tf, u64 flags, u64 parent_tid, u64 child_tid, u64 tls);
/*
 * wait4: reap a child that ended (pid > 0 that one, -1 any, 0 or < -1 one of
 * a process group), waiting unless WNOHANG. Its pid and status word, 0
 * (WNOHANG, none ended), -ECHILD, -EINVAL, -ERESTARTSYS (a signal came).
 */
long proc_wait(int pid, int *wstatus, int options);
/* brk(): move the heap end to addr (0 or outside: just report); the end it has now. */
u64 proc_brk(u64 addr);
/*
 * Count an unknown system call number the current process tried. Returns
 * how many distinct numbers the run has tried when nr is new, else 0.
 */
int proc_note_enosys(u64 nr);
/* The user registers of p (its frame at the top of its kernel stack), as a syscall sees them. */
struct trap_frame *proc_user_frame(struct proc *p);
/* Look up a process of the current run by pid; NULL if none. */
struct proc *proc_find(int pid);

/* --- sched.c --- */

/*
 * Inside a system call, with interrupts off: let the other processes of
 * the run go until one of them or an interrupt may have changed what the
 * caller waits for (deadline: when it stops waiting). Returns with
 * interrupts off; with no process (a kernel test) it halts until an
 * interrupt. Callers loop: test, proc_idle.
 */
void proc_idle(u64 deadline_ns);
/*
 * Everything due before a return to ring 3 at tf (a system call's end, or
 * an interrupt of ring 3): a switch when the tick says so, then signals. May
 * not return (the process ends). Returns true when the frame must go back
 * by iret (a signal handler or sigreturn set registers sysret cannot).
 */
bool proc_return_to_user(struct trap_frame *tf);
/* sched_yield: the other processes of the run go first. */
void proc_yield(void);

/* --- signal.c --- */

/* Post sig (1..64) to q from pid (0: the kernel), with siginfo code. */
void proc_signal(struct proc *q, int sig, int code, int from_pid);
/* Whether p has SIGKILL pending (it ends at its next return to ring 3). */
bool proc_signal_fatal(const struct proc *p);
/* Whether the current process has a signal to act on (interrupts a wait). */
bool proc_signal_pending(void);
/* rt_sigaction: 0, -EINVAL. */
long proc_sigaction(int sig, const struct proc_sigaction *act, struct proc_sigaction *old);
/* rt_sigprocmask (how: SIG_BLOCK 0, SIG_UNBLOCK 1, SIG_SETMASK 2): 0, -EINVAL. */
long proc_sigprocmask(int how, const u64 *set, u64 *old);
/* kill(2) within the run: pid > 0, 0 (own group), -1 (all), < -1 (group). 0, -ESRCH, -EINVAL. */
long proc_kill(int pid, int sig);
/* rt_sigreturn at tf: the registers and mask the handler's frame saved; rax result. */
long proc_sigreturn(struct trap_frame *tf);
/* alarm(secs): the seconds left of the one before (rounded up). */
u64 proc_alarm(u64 secs);
/* Fresh signal state for a new process, or a copy of the parent's: 0, -ENOMEM. */
int proc_signals_init(struct proc *p, const struct proc *parent);
void proc_signals_free(struct proc *p);
/* Deliver what is pending to the current process at tf: see proc_return_to_user. */
bool proc_signals_deliver(struct trap_frame *tf);
/* The signal an exception in ring 3 raises (SIGSEGV, SIGILL ...). */
int proc_trap_signal(u64 vector);
/* Whether p runs a handler of its own for sig (set, and not blocked). */
bool proc_signal_catchable(const struct proc *p, int sig);

/*
 * The system-call layer above (ioctl-sim/syscall.c) installs these before a
 * process runs; without them every system call is ENOSYS.
 */
struct proc_syscall_ops {
	/* every syscall from entry.S; the result goes to tf->rax */
	void (*dispatch)(struct trap_frame *tf);
	/* give p what it needs before it runs (its fd table): 0 or -errno */
	int (*prepare)(struct proc *p);
	/* give the forked child the parent's open files: 0 or -errno */
	int (*fork)(struct proc *child, struct proc *parent);
	/* close every file p still has open (p is still current) */
	void (*release)(struct proc *p);
};

void proc_set_syscall_ops(const struct proc_syscall_ops *ops);
/* entry.S's syscall handler: dispatches through the installed ops; true: return by iret. */
bool proc_syscall(struct trap_frame *tf);

/* Internal to proc.c and sched.c. */
void sched_run(struct proc_job *job);
void sched_add(struct proc *p, struct trap_frame *tf);
__noreturn void sched_exit(void);

#endif
