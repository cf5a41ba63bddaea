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
void udelay(u64 us);
void mdelay(u64 ms);

/* A deadline for polling: deadline_passed() after 'us' microseconds. */
typedef u64 deadline_t;
deadline_t deadline_in_us(u64 us);
bool deadline_passed(deadline_t d);

/*
 * Poll cond until true or timeout_us elapse; evaluates to 0 or -ETIMEDOUT.
 * Every wait on hardware in the kernel goes through this (no endless loops,
 * scripts/check-failpoints), and each wait passes the fail point once, on
 * entry (so a sweep's sites do not depend on how fast the hardware is): an
 * armed one times out at once, as if the hardware never answered.
 */
#define poll_timeout(cond, timeout_us)                                     \
	({                                                                 \
		deadline_t __d = deadline_in_us(timeout_us);               \
		int __r = failpoint_hit() ? -ETIMEDOUT : 1;                \
		while (__r > 0) {                                          \
			if (cond)                                          \
				__r = 0;                                   \
			else if (deadline_passed(__d))                     \
				__r = (cond) ? 0 : -ETIMEDOUT;             \
			else                                               \
				__builtin_ia32_pause();                    \
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
