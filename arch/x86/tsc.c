// SPDX-License-Identifier: MIT
/*
 * TSC calibration against PIT channel 2 (the one clock every PC has), time
 * in nanoseconds, delays, deadlines, and the ACPI PM timer as a second clock.
 */
#include "arch/x86/tsc.h"
#include "arch/x86/x86.h"

#define PIT_HZ 1193182ULL
#define PMTIMER_HZ 3579545ULL

static u64 hz = 1000000000ULL;	/* until calibrated: assume 1 GHz */
static u64 tsc0;
/* 32.32 fixed-point factors: conversions multiply, never divide 128 bits */
static u64 ns_per_tick = 1ULL << 32;
static u64 ticks_per_us = 1000ULL << 32;
static u32 pm_port;
static bool pm_ext32;
static u64 pm_last, pm_wraps;

/* One PIT measurement of ms milliseconds; returns TSC ticks or 0 on failure. */
static u64 pit_measure(u32 ms)
{
	u32 count = (u32)(PIT_HZ * ms / 1000);
	u64 t0, t1;
	u8 gate = inb(0x61);

	outb(0x61, (gate & ~0x02) | 0x01);	/* gate on, speaker off */
	outb(0x43, 0xb0);			/* channel 2, lo/hi, mode 0 */
	outb(0x42, count & 0xff);
	outb(0x42, (count >> 8) & 0xff);
	t0 = rdtsc();
	for (u64 spins = 0; !(inb(0x61) & 0x20); spins++)
		if (spins > 100000000ULL)
			return 0;
	t1 = rdtsc();
	outb(0x61, gate);
	return t1 - t0;
}

void tsc_calibrate(void)
{
	u64 best = 0;

	/* take the smallest of three: an interruption only makes a run longer */
	for (int i = 0; i < 3; i++) {
		u64 t = pit_measure(10);

		if (t && (!best || t < best))
			best = t;
	}
	if (best)
		hz = best * 100;
	ns_per_tick = (1000000000ULL << 32) / hz;
	ticks_per_us = ((hz / 1000000ULL) << 32) + ((hz % 1000000ULL) << 32) / 1000000ULL;
	tsc0 = rdtsc();
}

u64 tsc_hz(void)
{
	return hz;
}

u64 time_ns(void)
{
	return (u64)(((unsigned __int128)(rdtsc() - tsc0) * ns_per_tick) >> 32);
}

deadline_t deadline_in_us(u64 us)
{
	return rdtsc() + (u64)(((unsigned __int128)us * ticks_per_us) >> 32);
}

bool deadline_passed(deadline_t d)
{
	return (s64)(rdtsc() - d) >= 0;
}

void udelay(u64 us)
{
	deadline_t d = deadline_in_us(us);

	while (!deadline_passed(d))
		__builtin_ia32_pause();
}

void mdelay(u64 ms)
{
	udelay(ms * 1000);
}

void pmtimer_init(u32 port, bool ext32)
{
	pm_port = port;
	pm_ext32 = ext32;
	pm_last = 0;
	pm_wraps = 0;
}

bool pmtimer_present(void)
{
	return pm_port != 0;
}

/* Nanoseconds from the PM timer, extended across wraps (call at least every 4 s). */
u64 pmtimer_ns(void)
{
	u64 v, mask = pm_ext32 ? 0xffffffffULL : 0xffffffULL;

	if (!pm_port)
		return 0;
	v = inl((u16)pm_port) & mask;
	if (v < pm_last)
		pm_wraps++;
	pm_last = v;
	v += pm_wraps * (mask + 1);
	/* 1e9 / 3579545 Hz = 279.365... ns per tick, as 32.32 fixed point */
	return (u64)(((unsigned __int128)v * ((1000000000ULL << 32) / PMTIMER_HZ)) >> 32);
}
