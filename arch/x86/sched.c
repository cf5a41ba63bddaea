// SPDX-License-Identifier: MIT
/*
 * Switching between the processes of one run (proc_run). Each process has
 * its own kernel stack; the scheduler loop runs on proc_run's stack and
 * switches a process in (kernel stack, address space, FS base, x87/SSE
 * registers) until it switches back: it waits (proc_idle), its tick came on
 * the way back to ring 3, or it ended. Nothing is switched out while it
 * holds a lock. A wait is polled: a waiting process is switched in each
 * round to test its condition; a round in which every process only waited
 * halts the CPU until the next interrupt (or spins, when a deadline is
 * closer than the next tick).
 */
#include "arch/x86/proc.h"
#include "arch/x86/console.h"
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/mm.h"
#include "arch/x86/percpu.h"
#include "arch/x86/tsc.h"
#include "arch/x86/x86.h"
#include "lib/lockdep.h"
#include "lib/string.h"
#include <asm/signal.h>

#define KSTACK_SIZE	(PAGE_SIZE << 2)	/* proc.c's KSTACK_ORDER */
#define TICK_NS		100000000ULL		/* the watchdog tick: 10 Hz */

void proc_swtch(u64 *save_rsp, u64 rsp);
void proc_first_return(void);

/*
 * A new process, its user registers at tf (the top of its kernel stack):
 * the frame proc_swtch pops on its first switch, which returns into
 * proc_first_return with tf in rbx.
 */
void sched_add(struct proc *p, struct trap_frame *tf)
{
	u64 *sp = (u64 *)tf;

	*--sp = (u64)(uintptr_t)proc_first_return;
	*--sp = 0;			/* rbp */
	*--sp = (u64)(uintptr_t)tf;	/* rbx */
	for (int i = 0; i < 4; i++)
		*--sp = 0;		/* r12-r15 */
	p->ksp = (u64)(uintptr_t)sp;
	list_add_tail(&p->node, &p->job->procs);
	p->job->nprocs++;
}

/* Switch q in and run it until it switches back. Interrupts off. */
static void switch_in(struct proc_job *job, struct proc *q)
{
	struct percpu *c = this_cpu();
	int locks = lockdep_depth();

	job->running = q;
	job->idle = false;
	c->current = q;
	c->kstack_top = (u64)(uintptr_t)q->kstack + KSTACK_SIZE;
	cpu_set_kernel_stack(c->kstack_top);
	uvm_activate(q->uvm);
	wrmsr(MSR_FS_BASE, q->fs_base);
	fxrstor(q->fpu);
	q->ran_tick = c->ticks;
	proc_swtch(&job->sched_rsp, q->ksp);
	fxsave(q->fpu);
	q->fs_base = rdmsr(MSR_FS_BASE);
	if (lockdep_depth() != locks)
		panic("sched: process %d switched out holding %d locks", q->pid,
		      lockdep_depth() - locks);
	c->current = NULL;
	job->running = NULL;
	c->kstack_top = 0;
	cpu_set_kernel_stack(0);
	/*
	 * q's tables stay loaded (their kernel half is everyone's): switched
	 * in again at its next slice, as it is when it runs alone, it finds
	 * its TLB entries still there. Freeing them moves CR3 off first.
	 */
}

/* The current process gives the CPU back (idle: it only waits). Interrupts off. */
static void to_scheduler(struct proc *p, bool idle)
{
	p->job->idle = idle;
	proc_swtch(&p->ksp, p->job->sched_rsp);
}

/* The next process after pid (0: the first) that has not ended, in creation order. */
static struct proc *next_live(struct proc_job *job, int pid)
{
	struct proc *q;

	list_for_each_entry(q, &job->procs, node)
		if (q->pid > pid && !q->zombie)
			return q;
	return NULL;
}

/* Post the SIGALRMs that are due; the nearest time anything waits for. */
static u64 timers(struct proc_job *job, u64 now)
{
	u64 next = ~0ULL;
	struct proc *q;

	list_for_each_entry(q, &job->procs, node) {
		if (q->zombie)
			continue;
		if (q->sig->alarm_ns && q->sig->alarm_ns <= now) {
			q->sig->alarm_ns = 0;
			proc_signal(q, SIGALRM, SI_KERNEL, 0);
		}
		if (q->sig->alarm_ns)
			next = min(next, q->sig->alarm_ns);
		if (q->wait_deadline)
			next = min(next, q->wait_deadline);
	}
	return next;
}

/*
 * The scheduler: round after round, switch every live process in, until
 * none is left. A round in which each only waited sleeps until the next
 * interrupt, or spins when something is due before the next tick.
 * Runs (and returns) with interrupts off.
 */
void sched_run(struct proc_job *job)
{
	irq_disable();
	for (;;) {
		bool progress = false;
		u64 next = timers(job, time_ns());
		struct proc *q;

		if (!next_live(job, 0))
			return;
		for (q = next_live(job, 0); q; q = next_live(job, q->pid)) {
			q->wait_deadline = 0;
			switch_in(job, q);
			progress |= !job->idle;
		}
		if (progress)
			continue;
		next = timers(job, time_ns());
		if (next > time_ns() + TICK_NS) {
			sti_halt();
		} else {
			irq_enable();
			__builtin_ia32_pause();
		}
		irq_disable();
	}
}

void proc_idle(u64 deadline_ns)
{
	struct proc *p = proc_current();

	if (!p) {
		sti_halt();
		irq_disable();
		return;
	}
	p->wait_deadline = deadline_ns ? deadline_ns : 1;
	to_scheduler(p, true);
}

void proc_yield(void)
{
	struct proc *p = proc_current();

	if (!p)
		return;
	irq_disable();
	to_scheduler(p, false);
	irq_enable();
}

__noreturn void sched_exit(void)
{
	struct proc *p = proc_current();

	irq_disable();
	to_scheduler(p, false);
	panic("sched_exit: process %d was switched in after its end", p->pid);
}

bool proc_return_to_user(struct trap_frame *tf)
{
	struct proc *p = proc_current();

	if (!p)
		return false;
	if (p->ran_tick != this_cpu()->ticks) {
		/* its tick came: the others' turn (and timers get looked at) */
		irq_disable();
		to_scheduler(p, false);
	}
	return proc_signals_deliver(tf);
}
