// SPDX-License-Identifier: MIT
/*
 * arch/x86/tsc.h's deadlines hosted: the monotonic clock, or a virtual clock
 * that each check advances (host_poll_step_us) so time-outs pass quickly.
 */
#include <time.h>
#include "arch/host/host.h"
#include "arch/x86/tsc.h"

static u64 poll_step, virtual_us;

static u64 now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000ULL + (u64)ts.tv_nsec / 1000;
}

void host_poll_step_us(u64 us)
{
	poll_step = us;
}

deadline_t deadline_in_us(u64 us)
{
	return (poll_step ? virtual_us : now_us()) + us;
}

bool deadline_passed(deadline_t d)
{
	if (!poll_step)
		return now_us() >= d;
	virtual_us += poll_step;
	return virtual_us >= d;
}

/* Hosted there is no timer to nap on: spin. */
void poll_pause(struct poll_nap *n, deadline_t d)
{
	(void)n;
	(void)d;
	__builtin_ia32_pause();
}
