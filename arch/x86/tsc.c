// SPDX-License-Identifier: MIT
/*
 * TSC calibration against the ACPI PM timer, or PIT channel 2 (the one clock
 * every PC has) without one; time in nanoseconds, delays, deadlines.
 */
#include "arch/x86/tsc.h"
#include "lib/tsclock.h"
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

/*
 * Clock reads are bracketed by rdtsc and the tightest of several is kept:
 * an emulated port read can take milliseconds when the host is busy, and
 * only the bracket's midpoint is known to match the value read.
 */
struct sample {
	u64 val, tsc;
};

static struct sample bracketed(u64 (*read)(void))
{
	struct sample best = { 0, 0 };
	u64 width = ~0ULL;

	for (int i = 0; i < 8; i++) {
		u64 a = rdtsc(), v = read(), b = rdtsc();

		if (b - a < width) {
			width = b - a;
			best.val = v;
			best.tsc = a + (b - a) / 2;
		}
	}
	return best;
}

static u64 pit_read(void)
{
	u8 lo, hi;

	outb(0x43, 0x80);	/* latch channel 2 */
	lo = inb(0x42);
	hi = inb(0x42);
	return (u64)(hi << 8 | lo);
}

static u64 pm_read(void)
{
	return inl((u16)pm_port) & (pm_ext32 ? 0xffffffffULL : 0xffffffULL);
}

/*
 * TSC frequency from a free-running counter of count_hz that wraps at
 * 'wrap' and counts down (PIT) or up (PM timer): ticks over >= us. Exact
 * unless the host stopped us for longer than a wrap between two reads:
 * 55 ms for the PIT (on a loaded host a port read alone can take that
 * long under TCG), 4.7 s for the PM timer.
 */
static u64 measure(u64 (*read)(void), u64 count_hz, u64 wrap, bool down, u32 us)
{
	u64 want = count_hz * us / 1000000, elapsed = 0, prev;
	struct sample s0 = bracketed(read), s1;

	prev = s0.val;
	for (u64 spins = 0; elapsed < want; spins++) {
		u64 v = read();

		elapsed += (down ? prev - v : v - prev) & (wrap - 1);
		prev = v;
		if (spins > 50000000ULL)
			return 0;
	}
	s1 = bracketed(read);
	elapsed += (down ? prev - s1.val : s1.val - prev) & (wrap - 1);
	if (!elapsed)
		return 0;
	return (s1.tsc - s0.tsc) * count_hz / elapsed;	/* < 2^56: no overflow */
}

#define AGREE_TRIES 16
/*
 * Measurement windows. The error is the two bracketed reads' widths (a few
 * us under TCG) over the window: 0.2% at 2 ms, well inside the 1% two runs
 * must agree by. The PM timer's 4.7 s wrap makes a host stall harmless, so
 * its window can be short (a boot spent 2 x 20 ms here); the PIT, whose
 * 55 ms wrap a stall can hide, keeps the long one.
 */
#define PM_WINDOW_US 2000
#define PIT_WINDOW_US 20000

/*
 * Measure until two runs in a row agree within 1% and give their mean.
 * A run the host interrupts for longer than the counter's wrap (55 ms
 * for the PIT: routine for an emulator on a loaded host) misses a wrap
 * and reads several times too fast; two such runs rarely agree, and two
 * undisturbed ones always do. Without agreement: the smallest run, since
 * a missed wrap only ever makes a run read fast.
 */
u64 tsc_agreed(u64 (*run)(void))
{
	u64 prev = run(), least = prev;

	for (int i = 1; i < AGREE_TRIES; i++) {
		u64 v = run();

		if (v && prev && (v > prev ? v - prev : prev - v) <= prev / 100)
			return (v + prev) / 2;
		if (v && (!least || v < least))
			least = v;
		prev = v;
	}
	return least;
}

static u64 pit_measure(void)
{
	u8 gate = inb(0x61);
	u64 hz;

	outb(0x61, (gate & ~0x02) | 0x01);	/* gate on, speaker off */
	outb(0x43, 0xb4);			/* channel 2, lo/hi, mode 2, binary */
	outb(0x42, 0);
	outb(0x42, 0);				/* reload 65536: wraps every 54.9 ms */
	hz = measure(pit_read, PIT_HZ, 65536, true, PIT_WINDOW_US);
	outb(0x61, gate);
	return hz;
}

/*
 * Channel 0 drives ISA IRQ 0: mode 2 (rate generator) gives one edge per
 * period. Mode 0 written without a count keeps OUT low: no more edges.
 */
void pit_periodic(u32 hz)
{
	u32 div = hz ? PIT_HZ / hz : 0;

	if (!hz) {
		outb(0x43, 0x30);		/* channel 0, lo/hi, mode 0, no count */
		return;
	}
	div = div < 2 ? 2 : div > 65535 ? 65535 : div;
	outb(0x43, 0x34);			/* channel 0, lo/hi, mode 2, binary */
	outb(0x40, (u8)div);
	outb(0x40, (u8)(div >> 8));
}

static u64 pm_measure(void)
{
	return pm_port ? measure(pm_read, PMTIMER_HZ, pm_ext32 ? 1ULL << 32 : 1ULL << 24,
				 false, PM_WINDOW_US) : 0;
}

u64 tsc_measure_hz_pit(void)
{
	return tsc_agreed(pit_measure);
}

u64 tsc_measure_hz_pmtimer(void)
{
	return tsc_agreed(pm_measure);
}

/* Against the PM timer where ACPI has one (its wrap is 4.7 s, the PIT's 55 ms). */
void tsc_calibrate(void)
{
	u64 best = pm_port ? tsc_measure_hz_pmtimer() : 0;

	if (!best)
		best = tsc_measure_hz_pit();
	if (best)
		hz = best;
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
	return tsclock_ns(rdtsc(), tsc0, ns_per_tick);
}

void time_ns_params(u64 *tsc_base, u64 *mult)
{
	*tsc_base = tsc0;
	*mult = ns_per_tick;
}

deadline_t deadline_in_us(u64 us)
{
	return rdtsc() + (u64)(((unsigned __int128)us * ticks_per_us) >> 32);
}

bool deadline_passed(deadline_t d)
{
	return (s64)(rdtsc() - d) >= 0;
}

u64 deadline_left_ns(deadline_t d)
{
	s64 left = (s64)(d - rdtsc());

	return left <= 0 ? 0 : (u64)(((unsigned __int128)left * ns_per_tick) >> 32);
}

u64 deadline_ns(deadline_t d)
{
	return (u64)(((unsigned __int128)(d - tsc0) * ns_per_tick) >> 32);
}

/* Naps too (poll_pause): a delay is a wait for the clock. */
void udelay(u64 us)
{
	deadline_t d = deadline_in_us(us);
	struct poll_nap n = { 0 };

	while (!deadline_passed(d))
		poll_pause(&n, d);
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
