/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU data: one struct percpu per CPU that came up, found through the
 * GS base while in the kernel (entry.S uses the first fields by offset).
 * The boot CPU's is static; the others' are allocated at bring-up.
 */
#ifndef ARCH_X86_PERCPU_H
#define ARCH_X86_PERCPU_H

#include "arch/x86/trap.h"
#include "lib/lockdep.h"

#define NR_CPUS		256	/* CPUs the kernel runs at most; more are reported, not started */
#define MAX_RECOVERY	8	/* nested trap_call recovery points per CPU */

struct proc;
struct cpu_tables;

/* A recovery point of trap_call (trap.c). */
struct trap_recovery {
	struct jmpbuf jb;
	struct trap_info *info;
	bool dump;
};

/* A CPU's watchdog deadline (watchdog.c). */
struct watchdog_slot {
	u64 deadline_ns;		/* 0: disarmed */
	const char *what;
	void (*fn)(struct trap_frame *tf, const char *what);
	u64 tick_ns;			/* when the last tick counted (a nap's wake-up may not) */
	u64 naps;			/* poll_pause()'s halts */
	u32 period;			/* timer counts per interrupt; 0: the 10 Hz tick */
	void (*sample)(struct trap_frame *tf);	/* watchdog_sample(): called from every interrupt */
	u64 rand;			/* xorshift state of the samples' jitter */
};

struct percpu {
	struct percpu *self;		/* 0x00 */
	u64 kstack_top;			/* 0x08: kernel rsp for syscalls from ring 3 */
	u64 user_rsp;			/* 0x10: user rsp saved at syscall entry */
	struct proc *current;		/* 0x18: process running on this CPU */
	int cpu;			/* index: 0 the boot CPU, then MADT order */
	u32 apic_id;
	struct cpu_tables *tables;	/* GDT, TSS, IST stacks (cpu.c) */
	void *stack;			/* kernel stack of an AP (smp.c) */
	/* trap.c */
	struct trap_recovery recovery[MAX_RECOVERY];
	int nrecovery;
	/* watchdog.c */
	struct watchdog_slot wd;
	volatile u64 ticks;
	/* lib/lockdep.c: locks this CPU holds */
	struct lockdep_ctx lockdep;
	/* smp.c: the function this CPU runs for smp_call, and the NMI dump */
	void (*volatile call_fn)(void *arg, int cpu);
	void *call_arg;
	volatile u32 call_seq, done_seq;
	volatile int call_ret;		/* 0, or trap vector + 1 when the function crashed */
	volatile int nmi_state;		/* enum smp_nmi_state */
	struct trap_frame nmi_frame;	/* where the NMI found it */
	u64 nmi_cr2, nmi_cr3;
	/* uvm.c: CR3 loads uvm_activate() did here (each one empties the TLB) */
	u64 cr3_loads;
};

/* This CPU's struct percpu (the GS base holds its address in the kernel). */
static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ __volatile__("movq %%gs:0, %0" : "=r"(p));
	return p;
}

/* CPU i's struct percpu, NULL when it is not (or not yet) up. */
struct percpu *cpu_percpu(int i);
/* Install the boot CPU's struct percpu: the first thing boot_main does. */
void percpu_init_boot(void);

#endif
