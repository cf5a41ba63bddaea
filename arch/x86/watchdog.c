// SPDX-License-Identifier: MIT
/*
 * LAPIC timer calibrated against the TSC, ticking at 10 Hz, and the
 * deadline check behind watchdog_arm(). Register layout: Intel SDM vol. 3,
 * 11.5.4 (LVT timer, initial/current count, divide configuration).
 */
#include "arch/x86/watchdog.h"
#include "arch/x86/console.h"
#include "arch/x86/lapic.h"
#include "arch/x86/tsc.h"

#define LVT_TIMER	0x320
#define TIMER_INIT	0x380
#define TIMER_CUR	0x390
#define TIMER_DIV	0x3e0
#define LVT_MASKED	(1u << 16)
#define LVT_PERIODIC	(1u << 17)
#define TICK_MS		100

static int vector = -1;
static u32 per_tick;
static volatile u64 ticks;
static volatile u64 deadline_ns;	/* 0: disarmed */
static const char *volatile armed_for;
static volatile watchdog_fn armed_fn;

static void tick(struct trap_frame *tf, void *ctx)
{
	watchdog_fn fn;

	ticks++;
	if (!deadline_ns || time_ns() < deadline_ns)
		return;
	deadline_ns = 0;
	fn = armed_fn;
	if (fn) {
		fn(tf, armed_for);
		return;
	}
	console_set_line_prefix(NULL);
	printk("\n# WATCHDOG: %s still running after its deadline; stuck here:\n",
	       armed_for ? armed_for : "the kernel");
	trap_dump(tf);
	printk("# iommu-testos: crashed\n");
	machine_exit(EXIT_CRASH);
}

void watchdog_init(void)
{
	if (!lapic_enabled())
		return;
	lapic_write_reg(TIMER_DIV, 0x3);	/* divide by 16 */
	lapic_write_reg(LVT_TIMER, LVT_MASKED);
	lapic_write_reg(TIMER_INIT, 0xffffffffu);
	mdelay(10);
	per_tick = (0xffffffffu - lapic_read_reg(TIMER_CUR)) * (TICK_MS / 10);
	lapic_write_reg(TIMER_INIT, 0);
	if (!per_tick)
		return;
	vector = irq_alloc_vector(tick, NULL);
	watchdog_cpu_start();
}

void watchdog_cpu_start(void)
{
	if (vector < 0)
		return;
	lapic_write_reg(TIMER_DIV, 0x3);
	lapic_write_reg(LVT_TIMER, (u32)vector | LVT_PERIODIC);
	lapic_write_reg(TIMER_INIT, per_tick);
}

bool watchdog_running(void)
{
	return vector >= 0;
}

void watchdog_arm(u64 ms, const char *what, watchdog_fn fn)
{
	deadline_ns = 0;
	armed_for = what;
	armed_fn = fn;
	if (ms)
		deadline_ns = time_ns() + ms * 1000000ULL;
}

void watchdog_disarm(void)
{
	deadline_ns = 0;
}

void watchdog_save(struct watchdog_state *s)
{
	s->deadline_ns = deadline_ns;
	s->what = armed_for;
	s->fn = armed_fn;
}

void watchdog_restore(const struct watchdog_state *s)
{
	deadline_ns = 0;
	armed_for = s->what;
	armed_fn = s->fn;
	deadline_ns = s->deadline_ns;
}

u64 watchdog_ticks(void)
{
	return ticks;
}
