// SPDX-License-Identifier: MIT
/*
 * Ring-3 processes: syscall entry, loading a static ELF into a fresh
 * address space, the life of each process of a run (fork, exit, wait) and
 * the run's end, when everything every process had comes back. Switching
 * is sched.c's, signals are signal.c's. Layouts: ELF-64 (System V gABI),
 * the x86-64 psABI initial stack; SDM vol. 3 5.8.8 (SYSCALL).
 */
#include "arch/x86/proc.h"
#include "boot/cmdline.h"
#include "arch/x86/console.h"
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/watchdog.h"
#include "arch/x86/mm.h"
#include "arch/x86/percpu.h"
#include "arch/x86/tsc.h"
#include "lib/tsclock.h"
#include "arch/x86/uaccess.h"
#include "arch/x86/x86.h"
#include "lib/alloc.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"
#include <asm/signal.h>

#define KSTACK_ORDER	2		/* 16 KiB per process */
#define KSTACK_SIZE	(PAGE_SIZE << KSTACK_ORDER)
#define RFLAGS_RSVD1	(1UL << 1)
#define RFLAGS_IF	(1UL << 9)
#define RETRY_MS	100		/* out of time in a syscall: look again */
#define GRACE_RETRIES	10		/* then stop it there anyway */
#define STUCK_MS	10000		/* killed processes not gone by then: a crash */
#define TIME_LIMIT_S	60		/* default run time of one program */
#define MAX_PROCS	64		/* processes of one run at once (fork: EAGAIN) */
#define WNOHANG		1
#define WUNTRACED	2
#define WALL		0x40000000
#define WCLONE		0x80000000
/* clone flags a fork may carry */
#define CSIGNAL			0xff
#define CLONE_VM		0x100
#define CLONE_VFORK		0x4000
#define CLONE_SETTLS		0x80000
#define CLONE_PARENT_SETTID	0x100000
#define CLONE_CHILD_CLEARTID	0x200000
#define CLONE_CHILD_SETTID	0x1000000
#define FORK_FLAGS	(CSIGNAL | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | \
			 CLONE_CHILD_SETTID)

/* ELF-64 headers, only what a static executable needs. */
struct elf64_ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u32 flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	u32 type, flags;
	u64 offset, vaddr, paddr, filesz, memsz, align;
};

#define ET_EXEC		2
#define EM_X86_64	62
#define PT_LOAD		1
#define PF_X		1
#define PF_W		2
#define PF_R		4
/* auxiliary vector keys (Linux's include/uapi/linux/auxvec.h) */
#define AT_NULL		0
#define AT_PHDR		3
#define AT_PHENT	4
#define AT_PHNUM	5
#define AT_PAGESZ	6
#define AT_ENTRY	9
#define AT_UID		11
#define AT_EUID		12
#define AT_GID		13
#define AT_EGID		14
#define AT_HWCAP	16
#define AT_CLKTCK	17
#define AT_SECURE	23
#define AT_RANDOM	25

static int last_pid;
static u64 time_limit_s;	/* cmdline user_timeout= (seconds) */
static struct proc_job *cpu_jobs[NR_CPUS];	/* the run on each CPU */

static const struct proc_syscall_ops *syscall_ops;

void proc_set_syscall_ops(const struct proc_syscall_ops *ops)
{
	syscall_ops = ops;
}

bool proc_syscall(struct trap_frame *tf)
{
	if (syscall_ops)
		syscall_ops->dispatch(tf);
	else
		tf->rax = (u64)-ENOSYS;
	return proc_return_to_user(tf);
}

static struct proc_job *cur_job(void)
{
	return cpu_jobs[this_cpu()->cpu];
}

struct proc *proc_find(int pid)
{
	struct proc_job *job = cur_job();
	struct proc *q;

	if (!job)
		return NULL;
	list_for_each_entry(q, &job->procs, node)
		if (q->pid == pid)
			return q;
	return NULL;
}

const void *proc_image(size_t *size)
{
	struct proc_job *job = cur_job();

	*size = job ? job->image_size : 0;
	return job ? job->image : NULL;
}

/* A few bytes of randomness (AT_RANDOM, getrandom): splitmix64 over the TSC. */
void proc_random(void *buf, size_t n)
{
	static u64 state;
	u8 *b = buf;

	for (size_t i = 0; i < n; i += 8) {
		u64 z = __atomic_add_fetch(&state, 0x9e3779b97f4a7c15ULL + rdtsc(), __ATOMIC_RELAXED);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		z ^= z >> 31;
		memcpy(b + i, &z, min_t(size_t, 8, n - i));
	}
}

/* Before the kernel speaks of p: its pending output out, the run's line prefix on. */
static const char *note_begin(struct proc *p)
{
	if (p->out)
		p->out(p->out_ctx, NULL, 0);
	return console_set_line_prefix(p->job->init->dump_prefix ? p->job->init->dump_prefix :
					  "# ");
}

/* The register dump of p's end (interrupted at tf), with its prefix. */
static void dump_end(struct proc *p, struct trap_frame *tf, const char *what)
{
	const char *old = note_begin(p);

	printk("process %d (%s) killed: %s\n", p->pid, p->name, what);
	trap_dump(tf);
	console_set_line_prefix(old);
}

/* How the first process ended, unless that was decided already (a time-out). */
static void set_end(struct proc_job *job, enum proc_end end, int status)
{
	if (job->end_set)
		return;
	job->end_set = true;
	job->init->end = end;
	job->init->status = status;
}

/* Every process of the run but the caller gets SIGKILL. */
static void kill_others(struct proc_job *job, struct proc *except)
{
	struct proc *q;

	list_for_each_entry(q, &job->procs, node) {
		if (q == except || q->zombie || q->doomed)
			continue;
		q->doomed = true;
		proc_signal(q, SIGKILL, SI_KERNEL, 0);
		if (q != job->init)
			job->init->killed++;
	}
}

/*
 * The end of the current process p with wait status wstatus: its address
 * space and files go (while it is current: pins are charged to it, and a
 * device mapping holds its file), its children go to the first process,
 * its parent learns of it. When the first process ends, the others are
 * killed. Never returns.
 */
static __noreturn void do_exit(struct proc *p, int wstatus)
{
	struct proc_job *job = p->job;
	struct proc *q;
	u32 zero = 0;

	irq_enable();
	if (p->clear_child_tid)
		copy_to_user(p->clear_child_tid, &zero, sizeof(zero));	/* a bad address: ignored */
	p->sig->alarm_ns = 0;
	uvm_unmap_all(p->uvm);
	if (syscall_ops)
		syscall_ops->release(p);
	uvm_destroy(p->uvm);
	p->uvm = NULL;
	list_for_each_entry(q, &job->procs, node)
		if (q->parent == p)
			q->parent = p == job->init ? NULL : job->init;
	p->wstatus = wstatus;
	p->zombie = true;
	if (p->parent && !p->parent->zombie)
		proc_signal(p->parent, SIGCHLD, (wstatus & 0x7f) ? 2 : 1 /* CLD_KILLED/EXITED */,
			    p->pid);
	if (p == job->init) {
		if (wstatus & 0x7f)
			set_end(job, PROC_SIGNALED, wstatus & 0x7f);
		else
			set_end(job, PROC_EXITED, (wstatus >> 8) & 0xff);
		job->ending = true;
		kill_others(job, p);
	}
	sched_exit();
}

__noreturn void proc_exit(int status)
{
	struct proc *p = proc_current();

	if (!p)
		panic("proc_exit: no process");
	do_exit(p, (status & 0xff) << 8);
}

__noreturn void proc_exit_signal(int sig)
{
	do_exit(proc_current(), sig & 0x7f);
}

/*
 * An exception in ring 3: a handler the program set for its signal runs;
 * otherwise the process dies of it, with a register dump (the first
 * process's end says PROC_FAULTED, with the frame).
 */
static void user_trap(struct trap_frame *tf)
{
	struct proc *p = proc_current();
	int sig;

	if (!p)
		panic("user_trap: exception from ring 3 with no process");
	sig = proc_trap_signal(tf->vector);
	if (proc_signal_catchable(p, sig)) {
		proc_signal(p, sig, SI_KERNEL, 0);
		proc_return_to_user(tf);
		return;
	}
	if (p == p->job->init) {
		dump_end(p, tf, "exception in ring 3");
		p->fault = *tf;
		p->fault_cr2 = read_cr2();
		set_end(p->job, PROC_FAULTED, sig);
	} else {
		/* a child's death is its parent's business (wait4): one line, as Linux logs it */
		const char *old = note_begin(p);

		printk("process %d (%s) killed by signal %d: exception %llu at ip %#llx, cr2 %#llx\n",
		       p->pid, p->name, sig, (unsigned long long)tf->vector,
		       (unsigned long long)tf->rip, (unsigned long long)read_cr2());
		console_set_line_prefix(old);
	}
	do_exit(p, sig);
}

/*
 * The watchdog tick (interrupt context) when the run's time is up: the
 * first process's end is PROC_TIMEOUT with the frame it was stopped at
 * (ring 3 if it gets there within a second), and every process is killed.
 */
static void out_of_time(struct trap_frame *tf, const char *what)
{
	struct proc_job *job = cur_job();
	struct proc *p = proc_current();

	if (!job)
		return;
	if (job->timed_out) {
		/* killed and still not gone: stuck in the kernel, dump and end the run */
		watchdog_arm(STUCK_MS, "killed ring-3 processes", NULL);
		return;
	}
	if (!(tf->cs & 3) && job->timeout_retries++ < GRACE_RETRIES) {
		/* inside a syscall: try to stop it in ring 3, once the call is done */
		watchdog_arm(RETRY_MS, what, out_of_time);
		return;
	}
	job->timed_out = true;
	dump_end(p ? p : job->init, tf, "out of time");
	job->init->fault = *tf;
	job->init->fault_cr2 = read_cr2();
	set_end(job, PROC_TIMEOUT, 0);
	job->ending = true;
	kill_others(job, NULL);
	watchdog_arm(STUCK_MS, "killed ring-3 processes", out_of_time);
}

void proc_init(void)
{
	BUILD_BUG_ON(offsetof(struct percpu, kstack_top) != 0x08);
	BUILD_BUG_ON(offsetof(struct percpu, user_rsp) != 0x10);
	BUILD_BUG_ON(offsetof(struct trap_frame, vector) != 0x78);
	BUILD_BUG_ON(offsetof(struct trap_frame, rip) != 0x88);
	BUILD_BUG_ON(sizeof(struct trap_frame) != 0xb0);
	BUILD_BUG_ON(offsetof(struct proc, fpu) % 16);

	user_trap_hook = user_trap;
	user_return_hook = proc_return_to_user;
	time_limit_s = cmdline_get_u64("user_timeout", TIME_LIMIT_S);
}

static u32 elf_prot(u32 pflags)
{
	return ((pflags & PF_R) ? UVM_READ : 0) | ((pflags & PF_W) ? UVM_WRITE : 0) |
	       ((pflags & PF_X) ? UVM_EXEC : 0);
}

/* What the loader learnt for the initial stack. */
struct elf_info {
	u64 entry, phdr, end;		/* entry point, program headers in memory, end of the last segment */
	u16 phnum;
};

/* Map the PT_LOAD segments of a static ELF; -ENOEXEC for anything malformed. */
static int load_elf(struct proc *p, const u8 *img, size_t size, struct elf_info *ei)
{
	const struct elf64_ehdr *eh = (const void *)img;
	struct uvm_area *a;
	u64 phend;

	if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) || eh->ident[4] != 2 ||
	    eh->ident[5] != 1 || eh->type != ET_EXEC || eh->machine != EM_X86_64 ||
	    eh->phentsize != sizeof(struct elf64_phdr) ||
	    check_add_overflow(eh->phoff, (u64)eh->phnum * sizeof(struct elf64_phdr), &phend) ||
	    phend > size)
		return -ENOEXEC;
	for (int i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *ph = (const void *)(img + eh->phoff + i * sizeof(*ph));
		u64 start, end, fend;
		long r;

		if (ph->type != PT_LOAD || !ph->memsz)
			continue;
		if (ph->filesz > ph->memsz || check_add_overflow(ph->offset, ph->filesz, &fend) ||
		    fend > size || check_add_overflow(ph->vaddr, ph->memsz, &end) ||
		    ph->vaddr < USER_MIN || end > USER_MAX)
			return -ENOEXEC;
		start = ALIGN_DOWN(ph->vaddr, PAGE_SIZE);
		r = uvm_map(p->uvm, start, ALIGN(end, PAGE_SIZE) - start, elf_prot(ph->flags),
			    UVM_NOREPLACE, 0);
		if (r < 0)
			return r == -EEXIST ? -ENOEXEC : (int)r;
		if (uvm_write(p->uvm, ph->vaddr, img + ph->offset, ph->filesz))
			return -ENOEXEC;
		if (eh->phoff >= ph->offset && phend <= fend)
			ei->phdr = ph->vaddr + (eh->phoff - ph->offset);
		ei->end = max(ei->end, ALIGN(end, PAGE_SIZE));
	}
	a = uvm_find(p->uvm, eh->entry);
	if (!a || !(a->prot & UVM_EXEC))
		return -ENOEXEC;
	ei->entry = eh->entry;
	ei->phnum = eh->phnum;
	return 0;
}

#define STACK_STRINGS	2048	/* bytes of argument and environment strings, AT_RANDOM */
#define MAX_ARGS	16
#define MAX_ENV		8
#define NAUXV		14

/* Copy n bytes below *sp on the user stack; their user address, 0 if no room. */
static u64 push_bytes(struct proc *p, u64 *sp, u64 floor, const void *b, size_t n)
{
	if (*sp - n < floor)
		return 0;
	*sp -= n;
	uvm_write(p->uvm, *sp, b, n);
	return *sp;
}

static u64 push_string(struct proc *p, u64 *sp, u64 floor, const char *s)
{
	size_t n = strnlen(s, STACK_STRINGS) + 1;

	return n > STACK_STRINGS ? 0 : push_bytes(p, sp, floor, s, n);
}

/* The initial stack as Linux builds it: argc, argv[], envp[], auxv[]. */
static int setup_stack(struct proc *p, const struct elf_info *ei, u64 *rsp)
{
	u64 sp = USER_STACK_TOP, floor = USER_STACK_TOP - STACK_STRINGS, rnd, clk, clock[2];
	u64 words[3 + MAX_ARGS + MAX_ENV + 2 * NAUXV];
	const char *const one[] = { p->name ? p->name : "a.out", NULL };
	const char *const *argv = p->argv ? p->argv : one;
	u8 random[16];
	int n = 0, nenv = 0, argc = 0;
	long r;

	r = uvm_map(p->uvm, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE,
		    UVM_READ | UVM_WRITE, UVM_NOREPLACE, 0);
	if (r < 0)
		return (int)r;
	proc_random(random, sizeof(random));
	rnd = push_bytes(p, &sp, floor, random, sizeof(random));
	time_ns_params(&clock[0], &clock[1]);
	clk = push_bytes(p, &sp, floor, clock, sizeof(clock));
	if (!rnd || !clk)
		return -E2BIG;
	n++;						/* argc, below */
	for (; argv[argc]; argc++) {
		if (argc == MAX_ARGS)
			return -E2BIG;
		words[n] = push_string(p, &sp, floor, argv[argc]);
		if (!words[n++])
			return -E2BIG;
	}
	words[0] = (u64)argc;
	words[n++] = 0;
	for (; p->envp && p->envp[nenv] && nenv < MAX_ENV; nenv++) {
		words[n] = push_string(p, &sp, floor, p->envp[nenv]);
		if (!words[n++])
			return -E2BIG;
	}
	words[n++] = 0;
	{
		const u64 auxv[NAUXV][2] = {
			{ AT_PAGESZ, PAGE_SIZE }, { AT_PHDR, ei->phdr },
			{ AT_PHENT, sizeof(struct elf64_phdr) }, { AT_PHNUM, ei->phnum },
			{ AT_ENTRY, ei->entry }, { AT_RANDOM, rnd }, { AT_CLKTCK, 100 },
			{ AT_HWCAP, 0 }, { AT_UID, proc_uid(p) }, { AT_EUID, proc_uid(p) },
			{ AT_GID, proc_uid(p) }, { AT_EGID, proc_uid(p) }, { AT_SECURE, 0 },
			{ AT_TESTOS_CLOCK, clk },
		};

		for (int i = 0; i < NAUXV; i++) {
			if (auxv[i][0] == AT_PHDR && !ei->phdr)
				continue;
			words[n++] = auxv[i][0];
			words[n++] = auxv[i][1];
		}
	}
	words[n++] = AT_NULL;
	words[n++] = 0;
	sp = ALIGN_DOWN(sp, 16) - (n % 2) * 8;	/* rsp 16-aligned at argc */
	sp -= (u64)n * 8;
	uvm_write(p->uvm, sp, words, (size_t)n * 8);
	*rsp = sp;
	return 0;
}

/* The x87/SSE registers a new program starts with (FNINIT, MXCSR 0x1f80). */
static void fpu_init(u8 *fpu)
{
	u16 fcw = 0x37f;
	u32 mxcsr = 0x1f80;

	memset(fpu, 0, 512);
	memcpy(fpu, &fcw, sizeof(fcw));
	memcpy(fpu + 24, &mxcsr, sizeof(mxcsr));
}

struct trap_frame *proc_user_frame(struct proc *p)
{
	return (struct trap_frame *)((u8 *)p->kstack + KSTACK_SIZE) - 1;
}

/* Free what is left of an ended (or never started) process. */
static void proc_free(struct proc *q)
{
	struct proc_job *job = q->job;

	if (q->node.next) {
		list_del(&q->node);
		job->nprocs--;
	}
	uvm_destroy(q->uvm);
	q->uvm = NULL;
	page_free_va(q->kstack, KSTACK_ORDER);
	q->kstack = NULL;
	proc_signals_free(q);
	if (q != job->init)
		kfree(q);
}

/* Set up the first process: address space, program, stack, signals, files. */
static int start_init(struct proc *p, const void *image, size_t size)
{
	struct elf_info ei = { 0 };
	struct trap_frame *tf;
	u64 rsp = 0;
	int ret;

	p->pid = p->pgid = __atomic_add_fetch(&last_pid, 1, __ATOMIC_RELAXED);
	p->uvm = uvm_create();
	p->kstack = failable(page_alloc_va(KSTACK_ORDER));
	if (!p->uvm || !p->kstack)
		return -ENOMEM;
	ret = proc_signals_init(p, NULL);
	if (!ret)
		ret = load_elf(p, image, size, &ei);
	if (!ret)
		ret = setup_stack(p, &ei, &rsp);
	if (ret)
		return ret;
	p->brk_start = p->brk = ei.end;
	fpu_init(p->fpu);
	tf = proc_user_frame(p);
	memset(tf, 0, sizeof(*tf));
	tf->rip = ei.entry;
	tf->cs = SEL_UCODE | 3;
	tf->rflags = RFLAGS_IF | RFLAGS_RSVD1;
	tf->rsp = rsp;
	tf->ss = SEL_UDATA | 3;
	this_cpu()->current = p;	/* the fd table is found through it */
	ret = syscall_ops ? syscall_ops->prepare(p) : 0;
	this_cpu()->current = NULL;
	if (ret)
		return ret;
	sched_add(p, tf);
	return 0;
}

/*
 * A kernel crash in a syscall of job->running: what the crashed call held
 * is lost with its stack; the process's files and memory are released as
 * at an exit (while it is current), and the others are killed.
 */
static void contain_crash(struct proc_job *job, int r)
{
	struct percpu *c = this_cpu();
	struct proc *q = job->running;

	user_access_end();	/* a fault in ring 3 may bring the program's EFLAGS.AC along */
	set_end(job, PROC_KERNEL_CRASH, r - 1);
	job->crashed = r;
	if (q) {
		uvm_unmap_all(q->uvm);
		if (syscall_ops)
			syscall_ops->release(q);
		uvm_destroy(q->uvm);
		q->uvm = NULL;
		q->zombie = true;
		q->wstatus = SIGKILL;
	}
	c->current = NULL;
	job->running = NULL;
	c->kstack_top = 0;
	cpu_set_kernel_stack(0);
	uvm_activate(NULL);
	job->ending = true;
	kill_others(job, q);
}

static void sched_entry(void *arg)
{
	sched_run(arg);
}

int proc_run(struct proc *p, const void *image, size_t size)
{
	struct percpu *c = this_cpu();
	struct proc_job *job = failable(kzalloc(sizeof(*job)));
	struct watchdog_state test_wd;
	bool irq = irqs_enabled();
	int ret;

	if (c->current || cpu_jobs[c->cpu] || !job) {
		kfree(job);
		return c->current || cpu_jobs[c->cpu] ? -EBUSY : -ENOMEM;
	}
	INIT_LIST_HEAD(&job->procs);
	job->init = p;
	job->image = image;
	job->image_size = size;
	p->job = job;
	p->end = PROC_EXITED;
	cpu_jobs[c->cpu] = job;
	ret = start_init(p, image, size);
	if (ret) {
		proc_free(p);
		goto out;
	}
	watchdog_save(&test_wd);
	watchdog_arm(p->time_limit_ms ? p->time_limit_ms : time_limit_s * 1000, p->name,
		     out_of_time);
	for (;;) {
		int r = trap_call(sched_entry, job, NULL, true);

		if (!r)
			break;
		contain_crash(job, r);
	}
	watchdog_restore(&test_wd);
	uvm_activate(NULL);	/* the last process switched out left its tables loaded */
	if (irq)
		irq_enable();
	else
		irq_disable();
	while (!list_empty(&job->procs))
		proc_free(list_first_entry(&job->procs, struct proc, node));
out:
	cpu_jobs[c->cpu] = NULL;
	p->job = NULL;
	kfree(job);
	return ret;
}

/* --- fork, wait, brk ------------------------------------------------------ */

/* The child of the current process p: everything but the pid a copy of p's. */
static struct proc *fork_copy(struct proc *p, struct trap_frame *tf, u64 flags, u64 tls)
{
	struct proc *q = failable(kzalloc(sizeof(*q)));
	struct trap_frame *ctf;

	if (!q)
		return NULL;
	memcpy(q, p, offsetof(struct proc, end));	/* the block a caller fills */
	q->job = p->job;
	q->parent = p;
	q->pgid = p->pgid;
	q->brk_start = p->brk_start;
	q->brk = p->brk;
	q->stdio_closed = p->stdio_closed;
	q->fs_base = (flags & CLONE_SETTLS) ? tls : rdmsr(MSR_FS_BASE);
	fxsave(q->fpu);		/* p's registers are live on this CPU */
	q->uvm = uvm_fork(p->uvm);
	q->kstack = failable(page_alloc_va(KSTACK_ORDER));
	if (!q->uvm || !q->kstack || proc_signals_init(q, p) ||
	    (syscall_ops && syscall_ops->fork(q, p))) {
		proc_free(q);
		return NULL;
	}
	q->pid = __atomic_add_fetch(&last_pid, 1, __ATOMIC_RELAXED);
	ctf = proc_user_frame(q);
	*ctf = *tf;
	ctf->rax = 0;		/* fork returns 0 in the child */
	return q;
}

long proc_fork(struct trap_frame *tf, u64 flags, u64 parent_tid, u64 child_tid, u64 tls)
{
	struct proc *p = proc_current();
	struct proc *q;
	u32 pid;

	/* vfork shares nothing here: a copy behaves the same until the child execs or exits */
	if ((flags & (CLONE_VM | CLONE_VFORK)) == (CLONE_VM | CLONE_VFORK))
		flags &= ~(u64)(CLONE_VM | CLONE_VFORK);
	if ((flags & ~(u64)FORK_FLAGS) || ((flags & CSIGNAL) && (flags & CSIGNAL) != SIGCHLD))
		return -EINVAL;		/* threads and the like: not here */
	if (p->job->nprocs >= MAX_PROCS)
		return -EAGAIN;
	/* being killed (the run ends, say): a child now would escape it, as Linux refuses */
	if (proc_signal_fatal(p))
		return -EINTR;
	q = fork_copy(p, tf, flags, tls);
	if (!q)
		return -ENOMEM;
	pid = (u32)q->pid;
	/* a bad address is ignored, as Linux's put_user in the child's start */
	if (flags & CLONE_CHILD_SETTID)
		uvm_write(q->uvm, child_tid, &pid, sizeof(pid));
	if (flags & CLONE_PARENT_SETTID)
		copy_to_user(parent_tid, &pid, sizeof(pid));
	if (flags & CLONE_CHILD_CLEARTID)
		q->clear_child_tid = child_tid;
	sched_add(q, proc_user_frame(q));
	return q->pid;
}

/* Whether child q is one wait4(pid) asks about. */
static bool wait_match(const struct proc *q, int pid, int pgid)
{
	if (pid > 0)
		return q->pid == pid;
	if (pid == -1)
		return true;
	return q->pgid == (pid == 0 ? pgid : -pid);
}

/* A child that matches and ended (*found: one matches at all). */
static struct proc *wait_ready(struct proc *p, int pid, bool *found)
{
	struct proc *q;

	*found = false;
	list_for_each_entry(q, &p->job->procs, node) {
		if (q->parent != p || !wait_match(q, pid, p->pgid))
			continue;
		*found = true;
		if (q->zombie)
			return q;
	}
	return NULL;
}

long proc_wait(int pid, int *wstatus, int options)
{
	struct proc *p = proc_current();
	struct proc *q;
	bool found;
	long ret;

	if (options & ~(WNOHANG | WUNTRACED | WALL | WCLONE) || pid == (int)0x80000000)
		return -EINVAL;
	for (;;) {
		irq_disable();
		q = wait_ready(p, pid, &found);
		if (q || !found || (options & WNOHANG) || proc_signal_pending())
			break;
		proc_idle(~0ULL);	/* a child's end is progress: no spinning for it */
	}
	irq_enable();
	if (!found)
		return -ECHILD;
	if (!q)
		return (options & WNOHANG) ? 0 : -ERESTARTSYS;
	*wstatus = q->wstatus;
	ret = q->pid;
	proc_free(q);
	return ret;
}

u64 proc_brk(u64 addr)
{
	struct proc *p = proc_current();
	u64 old_end = ALIGN(p->brk, PAGE_SIZE), new_end;

	if (addr < p->brk_start || addr > USER_MMAP_BASE)
		return p->brk;
	new_end = ALIGN(addr, PAGE_SIZE);
	if (new_end > old_end &&
	    uvm_map(p->uvm, old_end, new_end - old_end, UVM_READ | UVM_WRITE, UVM_NOREPLACE, 0) < 0)
		return p->brk;
	if (new_end < old_end && uvm_unmap(p->uvm, new_end, old_end - new_end))
		return p->brk;
	p->brk = addr;
	return p->brk;
}

int proc_note_enosys(u64 nr)
{
	struct proc_job *job = cur_job();
	struct proc *init = job ? job->init : NULL;
	int i;

	if (!init)
		return 1;
	for (i = 0; i < PROC_ENOSYS_NRS; i++) {
		if (init->enosys[i].count && init->enosys[i].nr != nr)
			continue;
		init->enosys[i].nr = (u32)nr;
		return init->enosys[i].count++ ? 0 : i + 1;
	}
	return init->enosys_more++ ? 0 : i + 1;
}
