/* SPDX-License-Identifier: MIT */
/*
 * Time: the TSC calibrated against the PIT, a second clock (ACPI PM timer or
 * HPET) to check it, delays, and deadlines for bounded polling loops.
 */
#ifndef ARCH_X86_TSC_H
#define ARCH_X86_TSC_H

#include "lib/failpoint.h"
#include "lib/types.h"

void tsc_calibrate(void);
/* Measure the TSC frequency now, against the PIT or the ACPI PM timer (0: failed). */
u64 tsc_measure_hz_pit(void);
u64 tsc_measure_hz_pmtimer(void);
u64 tsc_hz(void);
/* Calibration runs of run() until two in a row agree within 1% (see tsc.c). */
u64 tsc_agreed(u64 (*run)(void));
u64 time_ns(void);
/* time_ns() = ((rdtsc() - *tsc_base) * *mult) >> 32, for ring 3 to compute alike. */
void time_ns_params(u64 *tsc_base, u64 *mult);
void udelay(u64 us);
void mdelay(u64 ms);

/* A deadline for polling: deadline_passed() after 'us' microseconds. */
typedef u64 deadline_t;
deadline_t deadline_in_us(u64 us);
bool deadline_passed(deadline_t d);

/* Nanoseconds until d (0 once it passed). */
u64 deadline_left_ns(deadline_t d);
/* The time_ns() at which d passes. */
u64 deadline_ns(deadline_t d);

/*
 * Between two checks of a wait: spin at first, then, with interrupts on,
 * nap (the LAPIC timer one-shot, then sti; hlt) for 1/4 of the time waited
 * so far, never past d (arch/x86/watchdog.c). A halted CPU costs the host
 * nothing, and under QEMU's -icount sleep=off an idle machine's virtual
 * clock jumps to the next timer (the edu's DMA completes 100 ms of virtual
 * time after it starts): such a wait takes next to no wall time. With
 * interrupts off, or before the timer is calibrated, it only spins.
 */
struct poll_nap {
	u64 t0;		/* time_ns() at the first pause; 0: none yet */
};
void poll_pause(struct poll_nap *n, deadline_t d);

/*
 * Poll cond until true or timeout_us elapse; evaluates to 0 or -ETIMEDOUT.
 * Every wait on hardware in the kernel goes through this (no endless loops,
 * scripts/check-failpoints), and each wait passes the fail point once, on
 * entry (so a sweep's sites do not depend on how fast the hardware is): an
 * armed one times out at once, as if the hardware never answered. Between
 * checks it spins, then naps (poll_pause): a nap ends at the deadline or
 * sooner, so the time-out is as before. The deadline is set at the first
 * check that fails: a wait met at once (an invalidation under QEMU) reads
 * no clock.
 */
#define poll_timeout(cond, timeout_us)                                     \
	({                                                                 \
		deadline_t __d = 0;                                        \
		bool __dset = false;                                       \
		struct poll_nap __n = { 0 };                               \
		int __r = failpoint_hit() ? -ETIMEDOUT : 1;                \
		while (__r > 0) {                                          \
			if (cond)                                          \
				__r = 0;                                   \
			else if (!__dset)                                  \
				__d = deadline_in_us(timeout_us), __dset = true; \
			else if (deadline_passed(__d))                     \
				__r = (cond) ? 0 : -ETIMEDOUT;             \
			else                                               \
				poll_pause(&__n, __d);                     \
		}                                                          \
		__r;                                                       \
	})

/* PIT channel 0 as an interrupt source (ISA IRQ 0) at about hz; 0 stops it. */
void pit_periodic(u32 hz);

/* Second clock sources, for checking the TSC. Return 0 when absent. */
u64 pmtimer_ns(void);
bool pmtimer_present(void);
void pmtimer_init(u32 port, bool ext32);

#endif
