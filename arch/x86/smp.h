/* SPDX-License-Identifier: MIT */
/*
 * All CPUs: bring-up of every enabled CPU of the MADT with INIT-SIPI-SIPI
 * (a CPU that does not answer is reported and left out), running a function
 * on a set of CPUs and waiting for them with a time-out, and NMI register
 * dumps of every CPU when one hangs or the kernel crashes.
 */
#ifndef ARCH_X86_SMP_H
#define ARCH_X86_SMP_H

#include "arch/x86/percpu.h"

struct cpumask {
	u64 bits[NR_CPUS / 64];
};

static inline void cpumask_set(struct cpumask *m, int cpu)
{
	m->bits[cpu / 64] |= 1ULL << (cpu % 64);
}

static inline bool cpumask_test(const struct cpumask *m, int cpu)
{
	return m->bits[cpu / 64] & (1ULL << (cpu % 64));
}

/* CPU states (smp_cpu_state). */
enum smp_state {
	CPU_ABSENT,		/* no such slot */
	CPU_OFFLINE,		/* in the MADT, not started (maxcpus=, parked) */
	CPU_ONLINE,		/* running: idle or running a call */
	CPU_FAILED,		/* did not come up; left out */
	CPU_STUCK,		/* did not finish a call in time; left out */
};

/* NMI handshake between smp_dump_*() and the NMI handler (percpu.nmi_state). */
enum smp_nmi_state { NMI_IDLE, NMI_DUMP, NMI_STOP, NMI_SAVED };

/*
 * Boot CPU, after the APIC, timer and watchdog: start every enabled CPU of
 * the MADT (at most maxcpus= in all) and print how many came up.
 */
void smp_init(void);
/* This CPU's index: 0 for the boot CPU. */
int smp_cpu_id(void);
/* Slots (boot CPU plus the MADT's enabled CPUs the kernel knows), online CPUs. */
int smp_cpu_slots(void);
int smp_cpus_online(void);
enum smp_state smp_cpu_state(int cpu);
u32 smp_cpu_apic_id(int cpu);
/* The online CPUs (all, or all but the caller's). */
void smp_mask_online(struct cpumask *m, bool with_self);

/*
 * Run fn(arg, cpu) on every online CPU of m and wait for all, at most
 * timeout_ms. The caller's own CPU, if in m, runs its share last and
 * inline. 0; -EFAULT when fn crashed on some CPU (its dump is printed);
 * -ETIMEDOUT when one did not finish (it is dumped by NMI and left out of
 * later calls); -EBUSY when another call is running.
 */
int smp_call(const struct cpumask *m, void (*fn)(void *arg, int cpu), void *arg,
	     u64 timeout_ms);
/* The latest deadline the last smp_call() waited to, in time_ns() (tests). */
u64 smp_call_deadline_ns(void);
/* CPUs still running a call's function (the runner checks 0 after each test). */
int smp_calls_running(void);

/*
 * Tests: park an idle CPU with INIT (it stops, its memory is freed), and
 * start an offline one with INIT-SIPI-SIPI, waiting at most timeout_ms.
 * plant_hang: the CPU runs the trampoline but never reports (a dead CPU).
 * 0, -EBUSY, -ENOMEM, -ETIMEDOUT (reported, parked again, left out).
 */
int smp_cpu_park(int cpu);
int smp_cpu_start(int cpu, u64 timeout_ms, bool plant_hang);

/* The NMI handler's part: true when the NMI was a dump request. */
bool smp_nmi(struct trap_frame *tf);
/* Dump the registers of every other online CPU by NMI (they carry on). */
void smp_dump_others(const char *why);
/* Dump one CPU; false when it did not answer. */
bool smp_dump_cpu(int cpu);
/* Stop every other CPU (crash, exit): NMI them into a halt loop. */
void smp_stop_others(void);

#endif
