// SPDX-License-Identifier: MIT
/*
 * LAPIC timer calibrated against the TSC, ticking at 10 Hz, and the
 * deadline check behind watchdog_arm(). Register layout: Intel SDM vol. 3,
 * 11.5.4 (LVT timer, initial/current count, divide configuration).
 */
#include "arch/x86/watchdog.h"
#include "arch/x86/console.h"
#include "arch/x86/lapic.h"
#include "arch/x86/smp.h"
#include "arch/x86/tsc.h"
#include "arch/x86/x86.h"
#include "lib/spinlock.h"

#define TICK_MS		100
#define TICK_NS		(TICK_MS * 1000000ULL)
#define NAP_AFTER_NS	20000ULL	/* spin this long first: most waits end sooner */
#define NAP_MIN_NS	20000ULL

#define STUCK_GRACE_NS	(2000ULL * 1000000)	/* a CPU whose own tick missed its deadline by this is stuck */

static int vector = -1;
static u32 per_tick;
void (*watchdog_timer_trace)(u32 reg, u32 val);

static void timer_write(u32 reg, u32 val)
{
	if (watchdog_timer_trace)
		watchdog_timer_trace(reg, val);
	lapic_write_reg(reg, val);
}

/*
 * Every change of the timer's mode goes through here: stopped (count 0)
 * first, then the mode, then the count. The other way round, a periodic LVT
 * meets the last nap's count, as low as 1 (a 32 ns period): QEMU's timer
 * callback then catches up one period at a time for ever while holding its
 * big lock, and the CPU never gets to write the real count (make check hung
 * that way under host load, QEMU's monitor dead).
 */
static void timer_set(u32 lvt, u32 count)
{
	timer_write(LAPIC_TIMER_INIT, 0);
	timer_write(LAPIC_LVT_TIMER, lvt);
	timer_write(LAPIC_TIMER_INIT, count);
}
static volatile int firing;	/* one CPU reports a hang, the others stay out of its way */

/* End the run: who is stuck, its registers and every other CPU's. */
static __noreturn void hang_report(struct trap_frame *tf, int cpu, const char *what)
{
	console_emergency();
	console_set_line_prefix(NULL);
	if (cpu == smp_cpu_id()) {
		printk("\n# WATCHDOG: %s still running on CPU %d after its deadline; stuck here:\n",
		       what ? what : "the kernel", cpu);
		trap_dump(tf);
	} else {
		printk("\n# WATCHDOG: CPU %d stuck with interrupts off in %s (seen from CPU %d):\n",
		       cpu, what ? what : "the kernel", smp_cpu_id());
		if (!smp_dump_cpu(cpu))
			printk("# CPU %d did not answer the NMI either\n", cpu);
		printk("# and CPU %d, which noticed, was here:\n", smp_cpu_id());
		trap_dump(tf);
	}
	for (int i = 0; i < smp_cpu_slots(); i++)
		if (i != cpu && i != smp_cpu_id() && smp_cpu_state(i) == CPU_ONLINE) {
			printk("# WATCHDOG: registers of CPU %d\n", i);
			smp_dump_cpu(i);
		}
	printk("# iommu-testos: crashed\n");
	machine_exit(EXIT_CRASH);
}

static void tick(struct trap_frame *tf, void *ctx)
{
	struct percpu *c = this_cpu();
	struct watchdog_slot *w = &c->wd;
	u64 now = time_ns(), dl = READ_ONCE(w->deadline_ns);

	if (w->sample) {
		/*
		 * The next sample 1/2 to 3/2 periods on, at random: a fixed
		 * period phase-locks with a loop under icount (where time is
		 * instructions) and samples the same few spots.
		 */
		w->rand ^= w->rand << 13;
		w->rand ^= w->rand >> 7;
		w->rand ^= w->rand << 17;
		w->sample(tf);
		timer_write(LAPIC_TIMER_INIT, w->period / 2 + (u32)(w->rand % w->period));
	}
	if (!(lapic_read_reg(LAPIC_LVT_TIMER) & LAPIC_LVT_PERIODIC))
		watchdog_cpu_start();	/* a nap's one-shot: the periodic tick again */
	/* ticks stay at 10 Hz however often naps wake the CPU (their counters and the scheduler's slices) */
	if (now - w->tick_ns >= TICK_NS * 3 / 4) {
		w->tick_ns = now;
		c->ticks++;
	}
	if (dl && now >= dl) {
		watchdog_fn fn = w->fn;

		w->deadline_ns = 0;
		if (fn) {
			fn(tf, w->what);
			return;
		}
		if (!__atomic_exchange_n(&firing, 1, __ATOMIC_ACQ_REL))
			hang_report(tf, c->cpu, w->what);
		return;
	}
	/* a CPU whose own tick cannot run (interrupts off) is caught by another's */
	for (int i = 0; i < smp_cpu_slots(); i++) {
		struct percpu *o = cpu_percpu(i);

		if (!o || o == c || smp_cpu_state(i) != CPU_ONLINE)
			continue;
		dl = READ_ONCE(o->wd.deadline_ns);
		if (dl && now >= dl + STUCK_GRACE_NS &&
		    !__atomic_exchange_n(&firing, 1, __ATOMIC_ACQ_REL))
			hang_report(tf, i, o->wd.what);
	}
}

/*
 * LAPIC timer counts per TICK_MS: counted for 1 ms, timed by the TSC around
 * the register accesses themselves (10 ms of plain mdelay was a boot's
 * longest wait but one). A host stall inside the window is measured, not
 * mistaken; one during an access widens its bracket, and a try whose
 * brackets exceed 5% of the window is done again.
 */
static u32 timer_counts_per_tick(void)
{
	u64 a0, b0, a1, b1, counted = 0, t = 0;

	for (int try = 0; try < 4; try++) {
		a0 = rdtsc();
		lapic_write_reg(LAPIC_TIMER_INIT, 0xffffffffu);
		b0 = rdtsc();
		udelay(1000);
		a1 = rdtsc();
		counted = 0xffffffffu - lapic_read_reg(LAPIC_TIMER_CUR);
		b1 = rdtsc();
		lapic_write_reg(LAPIC_TIMER_INIT, 0);
		t = (a1 + (b1 - a1) / 2) - (a0 + (b0 - a0) / 2);
		if ((b0 - a0) + (b1 - a1) < t / 20)
			break;
	}
	/* < 2^32 counts x 100 ms of TSC at a few GHz: no overflow */
	return t ? (u32)min(counted * (tsc_hz() / 1000 * TICK_MS) / t, (u64)0xffffffffu) : 0;
}

void watchdog_init(void)
{
	if (!lapic_enabled())
		return;
	lapic_write_reg(LAPIC_TIMER_DIV, 0x3);	/* divide by 16 */
	lapic_write_reg(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	per_tick = timer_counts_per_tick();
	if (per_tick < 1000)	/* under 10 kHz: a broken calibration, no tick from it */
		return;
	vector = irq_alloc_vector(tick, NULL);
	watchdog_cpu_start();
}

void watchdog_cpu_start(void)
{
	u32 period = this_cpu()->wd.period;

	if (vector < 0)
		return;
	lapic_write_reg(LAPIC_TIMER_DIV, 0x3);
	timer_set((u32)vector | LAPIC_LVT_PERIODIC, period ? period : per_tick);
}

void watchdog_sample(void (*fn)(struct trap_frame *tf), u64 ns)
{
	struct watchdog_slot *w = &this_cpu()->wd;
	unsigned long flags = arch_irq_save();

	w->sample = NULL;
	/*
	 * a mean of at least 10 us (each re-arm 1/2 to 3/2 of it): a periodic
	 * count near 1 outruns QEMU's timer (timer_set)
	 */
	w->period = fn && ns ? (u32)max(ns * per_tick / TICK_NS, (u64)per_tick / 10000 + 2) : 0;
	w->rand = w->rand ? w->rand : rdtsc() | 1;
	w->sample = w->period ? fn : NULL;
	watchdog_cpu_start();
	arch_irq_restore(flags);
}

/*
 * poll_pause() (arch/x86/tsc.h): the nap is the tick's timer in one-shot mode
 * on the tick's vector, so the tick's checks run at every wake-up and its
 * handler puts the periodic tick back. Naps grow with the wait (1/4 of it):
 * a wait ends at most 1/4 after its event, after about 30 naps for 100 ms.
 */
void poll_pause(struct poll_nap *n, deadline_t d)
{
	struct watchdog_slot *w = &this_cpu()->wd;
	u64 now = time_ns(), ns, count;

	if (!n->t0)
		n->t0 = now | 1;
	if (vector < 0 || !irqs_enabled() || now - n->t0 < NAP_AFTER_NS) {
		cpu_relax();
		return;
	}
	ns = (now - n->t0) / 4;
	ns = ns < NAP_MIN_NS ? NAP_MIN_NS : ns > TICK_NS ? TICK_NS : ns;
	if (ns > deadline_left_ns(d))
		ns = deadline_left_ns(d);
	count = ns * per_tick / TICK_NS;	/* < 2^27 * 2^32: no overflow */
	irq_disable();
	timer_set((u32)vector, count ? (u32)count : 1);
	/* a software-disabled APIC keeps its LVTs masked: no wake-up would come */
	if (lapic_read_reg(LAPIC_LVT_TIMER) & LAPIC_LVT_MASKED) {
		irq_enable();
		cpu_relax();
		return;
	}
	w->naps++;
	sti_halt();
}

bool watchdog_running(void)
{
	return vector >= 0;
}


void watchdog_arm(u64 ms, const char *what, watchdog_fn fn)
{
	struct watchdog_slot *w = &this_cpu()->wd;

	WRITE_ONCE(w->deadline_ns, 0);
	w->what = what;
	w->fn = fn;
	if (ms)
		WRITE_ONCE(w->deadline_ns, time_ns() + ms * 1000000ULL);
}

void watchdog_disarm(void)
{
	WRITE_ONCE(this_cpu()->wd.deadline_ns, 0);
}

void watchdog_save(struct watchdog_state *s)
{
	struct watchdog_slot *w = &this_cpu()->wd;

	s->deadline_ns = w->deadline_ns;
	s->what = w->what;
	s->fn = w->fn;
}

void watchdog_restore(const struct watchdog_state *s)
{
	struct watchdog_slot *w = &this_cpu()->wd;

	WRITE_ONCE(w->deadline_ns, 0);
	w->what = s->what;
	w->fn = s->fn;
	WRITE_ONCE(w->deadline_ns, s->deadline_ns);
}

u64 watchdog_ticks(void)
{
	return this_cpu()->ticks;
}

u64 watchdog_naps(void)
{
	return this_cpu()->wd.naps;
}
