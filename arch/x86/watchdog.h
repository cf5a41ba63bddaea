/* SPDX-License-Identifier: MIT */
/*
 * Per-test watchdog on the LAPIC timer (10 Hz tick): a test that runs past
 * its deadline gets a register dump of where it is stuck and ends the run,
 * so an unattended lab machine never hangs silently.
 */
#ifndef ARCH_X86_WATCHDOG_H
#define ARCH_X86_WATCHDOG_H

#include "arch/x86/trap.h"

typedef void (*watchdog_fn)(struct trap_frame *tf, const char *what);

void watchdog_init(void);
/* Start this CPU's tick (after its APIC was enabled or re-enabled). */
void watchdog_cpu_start(void);
bool watchdog_running(void);
/* Fire after ms: call fn (NULL: dump and end the run as crashed). */
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
u64 watchdog_ticks(void);

#endif
