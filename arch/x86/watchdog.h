/* SPDX-License-Identifier: MIT */
/*
 * Watchdog on every CPU's LAPIC timer (10 Hz tick): each CPU has its own
 * deadline (a test, a ring-3 program). Past it, that CPU's tick dumps where
 * it is stuck, and every other CPU's registers by NMI, and ends the run; a
 * CPU stuck with interrupts off is caught the same way by another CPU's
 * tick. An unattended lab machine never hangs silently.
 */
#ifndef ARCH_X86_WATCHDOG_H
#define ARCH_X86_WATCHDOG_H

#include "arch/x86/trap.h"

typedef void (*watchdog_fn)(struct trap_frame *tf, const char *what);

void watchdog_init(void);
/* Start this CPU's tick (after its APIC was enabled or re-enabled). */
void watchdog_cpu_start(void);
bool watchdog_running(void);
/* This CPU: fire after ms: call fn (NULL: dump and end the run as crashed). */
void watchdog_arm(u64 ms, const char *what, watchdog_fn fn);
void watchdog_disarm(void);
/* What is armed now, so a nested user (a ring-3 program) can put it back. */
struct watchdog_state {
	u64 deadline_ns;
	const char *what;
	watchdog_fn fn;
};
void watchdog_save(struct watchdog_state *s);
void watchdog_restore(const struct watchdog_state *s);
/* This CPU's ticks (10 Hz however often naps wake it), and its naps (poll_pause). */
u64 watchdog_ticks(void);
/*
 * This CPU: interrupt every ns (> 0) and call fn(tf) from each interrupt,
 * e.g. a sampling profiler; watchdog_sample(NULL, 0) goes back to the
 * 10 Hz tick. Deadlines, ticks and naps are unchanged.
 */
void watchdog_sample(void (*fn)(struct trap_frame *tf), u64 ns);
u64 watchdog_naps(void);
/* Tests: sees each write to the timer's LVT and initial count (lapic.h), before it. */
extern void (*watchdog_timer_trace)(u32 reg, u32 val);

#endif
