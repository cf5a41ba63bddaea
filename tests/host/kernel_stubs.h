/* SPDX-License-Identifier: MIT */
/*
 * Knobs of the kernel services hosted driver tests link (kernel_stubs.c):
 * failing page allocations, live page count, polling on virtual time.
 */
#ifndef TESTS_HOST_KERNEL_STUBS_H
#define TESTS_HOST_KERNEL_STUBS_H

#include "lib/types.h"

void host_pages_fail_after(long n);
long host_pages_live(void);
/*
 * Nonzero: every deadline check advances a virtual clock by this many
 * microseconds instead of reading the real one, so a driver's one-second
 * hardware time-out passes in a few thousand polls. 0 (default): real time.
 */
void host_poll_step_us(u64 us);

#endif
