// SPDX-License-Identifier: MIT
/*
 * smp suite, the CPUs themselves: every enabled CPU came up with its own
 * APIC ID, stack, GDT/TSS and struct percpu; calls reach exactly the CPUs
 * asked for; a CPU that crashes, hangs or never comes up is reported,
 * dumped and left out instead of hanging the run (a hung one stopped, the
 * call's time-out counted once); IPIs and NMIs reach
 * every CPU; the runner's counters and the fail point count right when
 * several CPUs use them at once.
 */
#include "arch/x86/acpi.h"
#include "boot/cmdline.h"
#include "arch/x86/lapic.h"
#include "arch/x86/mm.h"
#include "arch/x86/smp.h"
#include "arch/x86/tsc.h"
#include "arch/x86/x86.h"
#include "lib/alloc.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/platform.h"
#include "lib/string.h"
#include "tests/ktest.h"

#define CALL_MS 10000

struct where {
	u32 apic_id;
	int cpu;
	u64 rsp, gdt, tss_sel;
	int ran;
};

static struct where seen[NR_CPUS];

static void who_am_i(void *arg, int cpu)
{
	struct where *w = &seen[cpu];
	struct {
		u16 limit;
		u64 base;
	} __packed gdtr;
	u16 tr;

	__asm__ __volatile__("sgdt %0; str %1" : "=m"(gdtr), "=r"(tr));
	w->apic_id = lapic_id();
	w->cpu = this_cpu()->cpu;
	w->rsp = (u64)(uintptr_t)&gdtr;
	w->gdt = gdtr.base;
	w->tss_sel = tr;
	__atomic_fetch_add(&w->ran, 1, __ATOMIC_RELAXED);
}

/* The highest-numbered online CPU. */
static int last_online(void)
{
	int last = 0;

	for (int i = 0; i < smp_cpu_slots(); i++)
		if (smp_cpu_state(i) == CPU_ONLINE)
			last = i;
	return last;
}

static int need_cpus(int n)
{
	if (smp_cpus_online() >= n)
		return 0;
	report_skip("needs %d CPUs (QEMU -smp %d), %d online", n, n, smp_cpus_online());
	return -1;
}

/* Enabled CPUs of the MADT the APIC mode can address (IDs above 255 need x2APIC). */
static int addressable(void)
{
	int n = 0;

	for (int i = 0; i < acpi.madt.ncpus; i++)
		n += acpi.madt.cpus[i].enabled && acpi.madt.cpus[i].apic_id <= lapic_max_dest();
	return n;
}

KTEST(smp, test_smp_every_enabled_cpu_came_up)
{
	u64 max = cmdline_get_u64("maxcpus", NR_CPUS);
	/* maxcpus=0 still runs the boot CPU (as Linux: no others); NR_CPUS at most */
	int want = (int)min(min((u64)addressable(), max ? max : 1), (u64)NR_CPUS);
	int n = smp_cpu_slots(), distinct = 1;
	struct cpumask all;

	report_info("%d CPUs online of %d enabled in the MADT, %d of them addressable in %s mode (maxcpus=%llu)",
		    smp_cpus_online(), acpi.madt.nenabled, addressable(),
		    lapic_x2apic() ? "x2APIC" : "xAPIC", (unsigned long long)max);
	report(smp_cpus_online() == want, "%d CPUs online, as the MADT, the APIC mode and maxcpus= say (%d)",
	       smp_cpus_online(), want);
	memset(seen, 0, sizeof(seen));
	smp_mask_online(&all, true);
	report(smp_call(&all, who_am_i, NULL, CALL_MS) == 0, "a call on every CPU returns");
	for (int i = 0; i < n; i++) {
		struct percpu *c = cpu_percpu(i);

		if (smp_cpu_state(i) != CPU_ONLINE)
			continue;
		report(seen[i].ran == 1 && seen[i].cpu == i && seen[i].apic_id == smp_cpu_apic_id(i),
		       "CPU %d ran once, knows its index, APIC ID %#x", i, seen[i].apic_id);
		if (i == 0)
			continue;
		report(c && seen[i].rsp > (u64)(uintptr_t)c->stack &&
		       seen[i].rsp < (u64)(uintptr_t)c->stack + (PAGE_SIZE << 2),
		       "CPU %d runs on its own kernel stack", i);
		report(seen[i].gdt != seen[0].gdt && seen[i].tss_sel == seen[0].tss_sel,
		       "CPU %d has its own GDT (and TSS), selector %#llx", i,
		       (unsigned long long)seen[i].tss_sel);
		for (int j = 0; j < i; j++)
			if (smp_cpu_state(j) == CPU_ONLINE && seen[j].apic_id == seen[i].apic_id)
				distinct = 0;
	}
	report(distinct, "APIC IDs of the online CPUs are distinct");
}

static void count_on(void *arg, int cpu)
{
	__atomic_fetch_add(&((int *)arg)[cpu], 1, __ATOMIC_RELAXED);
}

/* CPU cpu runs one call (and nobody else does). */
static bool runs_a_call(int cpu)
{
	static int hits[NR_CPUS];
	struct cpumask m = { 0 };

	memset(hits, 0, sizeof(hits));
	cpumask_set(&m, cpu);
	return smp_call(&m, count_on, hits, CALL_MS) == 0 && hits[cpu] == 1;
}

KTEST(smp, test_smp_call_reaches_exactly_the_mask)
{
	static int hits[NR_CPUS];
	struct cpumask m = { 0 };
	int last;

	if (need_cpus(2))
		return;
	last = last_online();
	memset(hits, 0, sizeof(hits));
	cpumask_set(&m, last);
	report(smp_call(&m, count_on, hits, CALL_MS) == 0, "a call on CPU %d alone", last);
	report(hits[last] == 1 && hits[0] == 0, "only CPU %d ran it", last);
	memset(&m, 0, sizeof(m));
	cpumask_set(&m, 0);
	report(smp_call(&m, count_on, hits, CALL_MS) == 0 && hits[0] == 1 && hits[last] == 1,
	       "the caller's own CPU runs its share inline");
	smp_mask_online(&m, true);
	for (int r = 0; r < 50; r++)
		smp_call(&m, count_on, hits, CALL_MS);
	for (int i = 0; i < smp_cpu_slots(); i++)
		if (smp_cpu_state(i) == CPU_ONLINE)
			report(hits[i] == 50 + (i == 0 || i == last), "CPU %d: %d calls", i, hits[i]);
	report(smp_calls_running() == 0, "no CPU is left in a call");
}

/*
 * A writer waiting for an rwsem is not overtaken by later readers: one
 * reader holds it (100 ms), the writer starts waiting, and a second reader
 * coming 20 ms later must get in only after the writer. Readers that may
 * always join an open read hold keep a writer out for as long as they
 * overlap, and every IOAS map and unmap is a writer.
 */
static struct plat_rwsem fair_sem;
static volatile int fair_step, fair_writer_done, fair_late_reader_saw;
static int fair_cpu[3];

static void fair_role(void *arg, int cpu)
{
	if (cpu == fair_cpu[1]) {		/* the first reader */
		plat_down_read(&fair_sem);
		__atomic_store_n(&fair_step, 1, __ATOMIC_RELEASE);
		mdelay(100);
		plat_up_read(&fair_sem);
	} else if (cpu == fair_cpu[0]) {	/* the writer */
		while (__atomic_load_n(&fair_step, __ATOMIC_ACQUIRE) < 1)
			cpu_relax();
		__atomic_store_n(&fair_step, 2, __ATOMIC_RELEASE);
		plat_down_write(&fair_sem);
		__atomic_store_n(&fair_writer_done, 1, __ATOMIC_RELEASE);
		plat_up_write(&fair_sem);
	} else if (cpu == fair_cpu[2]) {	/* the late reader */
		while (__atomic_load_n(&fair_step, __ATOMIC_ACQUIRE) < 2)
			cpu_relax();
		mdelay(20);			/* the writer spins by now */
		plat_down_read(&fair_sem);
		fair_late_reader_saw = 1 + __atomic_load_n(&fair_writer_done, __ATOMIC_ACQUIRE);
		plat_up_read(&fair_sem);
	}
}

KTEST(smp, test_smp_rwsem_waiting_writer_not_overtaken_by_readers)
{
	struct cpumask m = { 0 };
	int n = 0;

	if (need_cpus(3))
		return;
	for (int i = 0; i < smp_cpu_slots() && n < 3; i++)
		if (smp_cpu_state(i) == CPU_ONLINE)
			fair_cpu[n++] = i;
	plat_rwsem_init(&fair_sem);
	fair_step = fair_writer_done = fair_late_reader_saw = 0;
	for (int i = 0; i < 3; i++)
		cpumask_set(&m, fair_cpu[i]);
	report(smp_call(&m, fair_role, NULL, CALL_MS) == 0, "reader, writer and late reader ran");
	report(fair_late_reader_saw == 2, "the late reader got in after the waiting writer%s",
	       fair_late_reader_saw == 1 ? ": it overtook it" : "");
	plat_rwsem_destroy(&fair_sem);
}

static void do_ud(void *arg, int cpu)
{
	if (cpu != 0)
		__asm__ __volatile__("ud2");
}

KTEST(smp, test_smp_crash_on_another_cpu_is_caught)
{
	struct cpumask m = { 0 };
	int ret;

	if (need_cpus(2))
		return;
	cpumask_set(&m, 1);
	ret = smp_call(&m, do_ud, NULL, CALL_MS);
	report(ret == -EFAULT, "a #UD on CPU 1 is reported (%d), with its dump above", ret);
	report(runs_a_call(1), "CPU 1 carries on with the next call");
}

static volatile int release;
static volatile unsigned long spins;

static void spin_irqs_off(void *arg, int cpu)
{
	irq_disable();
	while (!READ_ONCE(release))
		spins++;
	irq_enable();
}

/* A CPU that does not finish is dumped by NMI and left out; parking and restarting brings it back. */
KTEST(smp, test_smp_stuck_cpu_dumped_and_restarted)
{
	int cpu = last_online(), ret;
	struct cpumask m = { 0 };
	unsigned long s0;
	u64 t0;

	if (need_cpus(2))
		return;
	release = 0;
	cpumask_set(&m, cpu);
	t0 = time_ns();
	ret = smp_call(&m, spin_irqs_off, NULL, 300);
	report(ret == -ETIMEDOUT, "a call stuck with interrupts off times out (%d)", ret);
	report(time_ns() - t0 < 5000000000ULL, "within the time-out, not forever");
	report(smp_cpu_state(cpu) == CPU_STUCK, "CPU %d is marked stuck and left out", cpu);
	s0 = spins;
	udelay(20000);
	report(spins == s0, "it was stopped where it was: the call given up on no longer runs");
	report(!runs_a_call(cpu), "later calls leave it out");
	release = 1;
	udelay(10000);
	report(smp_cpu_park(cpu) == 0, "it can be parked with INIT");
	report(smp_cpu_start(cpu, 5000, false) == 0 && smp_cpu_state(cpu) == CPU_ONLINE,
	       "and started again with INIT-SIPI-SIPI");
	report(runs_a_call(cpu), "it runs calls again");
}

static u64 spin_ms[NR_CPUS], done_ns[NR_CPUS];

/* Spin spin_ms[cpu] ms, or with interrupts off until released when it is 0. */
static void spin_a_while(void *arg, int cpu)
{
	if (spin_ms[cpu]) {
		mdelay(spin_ms[cpu]);
		done_ns[cpu] = time_ns();
	} else
		spin_irqs_off(arg, cpu);
}

/*
 * The time-out bounds the whole call: a slow CPU does not restart it for the
 * next. A restarted time-out waits to at least 1000 ms after the slow CPU
 * finished, by construction; the right one to 300 ms after it. The deadline
 * is compared, not when the call returned: a host stall or the stuck CPU's
 * dump cannot move it (one did: 1502 ms on a loaded host).
 */
KTEST(smp, test_smp_call_waits_its_time_out_once)
{
	int slow = 1, stuck = last_online(), ret;
	struct cpumask m = { 0 };
	u64 dl;

	if (need_cpus(3))
		return;
	release = 0;
	memset(spin_ms, 0, sizeof(spin_ms));
	memset(done_ns, 0, sizeof(done_ns));
	spin_ms[slow] = 700;
	cpumask_set(&m, slow);
	cpumask_set(&m, stuck);
	ret = smp_call(&m, spin_a_while, NULL, 1000);
	dl = smp_call_deadline_ns();
	report(ret == -ETIMEDOUT && smp_cpu_state(stuck) == CPU_STUCK &&
	       smp_cpu_state(slow) == CPU_ONLINE && done_ns[slow],
	       "CPU %d, 700 ms of a 1000 ms call, finished; CPU %d timed out (%d)", slow, stuck, ret);
	report(done_ns[slow] && dl < done_ns[slow] + 990000000ULL,
	       "the caller waited to %lld ms after CPU %d finished, not a fresh 1000 ms",
	       (long long)(dl - done_ns[slow]) / 1000000, slow);
	release = 1;
	report(smp_cpu_park(stuck) == 0 && smp_cpu_start(stuck, 5000, false) == 0,
	       "CPU %d parked and started again", stuck);
}

/* A CPU that runs the trampoline but never reports must not hang the boot CPU. */
KTEST(smp, test_smp_cpu_that_never_comes_up_is_left_out)
{
	int cpu = last_online(), ret;
	u64 t0;

	if (need_cpus(2))
		return;
	report(smp_cpu_park(cpu) == 0, "CPU %d parked", cpu);
	t0 = time_ns();
	ret = smp_cpu_start(cpu, 300, true);
	report(ret == -ETIMEDOUT && smp_cpu_state(cpu) == CPU_FAILED,
	       "a CPU that never reports: -ETIMEDOUT (%d), reported and left out", ret);
	report(time_ns() - t0 < 3000000000ULL, "the boot CPU waited only its time-out");
	failpoint_arm(1);
	ret = smp_cpu_start(cpu, 5000, false);
	failpoint_arm(0);
	report(ret == -ENOMEM && smp_cpu_state(cpu) == CPU_FAILED,
	       "no memory for its stacks: -ENOMEM (%d), nothing started", ret);
	report(smp_cpu_start(cpu, 5000, false) == 0, "started for real, it comes up");
	report(runs_a_call(cpu), "and runs calls");
}

/*
 * Starting a CPU failed at each allocation (struct percpu, its tables, its
 * stack) and each wait (INIT, SIPI, the CPU reporting in) in turn: an
 * error, the CPU left out, every page and heap object back; with nothing
 * injected it comes up and runs calls.
 */
KTEST(smp, test_smp_cpu_start_failure_at_every_site)
{
	int cpu = last_online(), sites = 0, bad = 0, clean = -1;

	if (need_cpus(2))
		return;
	report(smp_cpu_park(cpu) == 0, "CPU %d parked", cpu);
	for (unsigned long n = 1; n < 50 && clean < 0; n++) {
		u64 pages = pmm_free_pages(), heap = kmalloc_live();
		bool fired;
		int ret;

		failpoint_arm(n);
		ret = smp_cpu_start(cpu, 5000, false);
		fired = failpoint_fired();
		failpoint_arm(0);
		if (!fired) {
			clean = ret == 0 && smp_cpu_state(cpu) == CPU_ONLINE;
			break;
		}
		sites++;
		if (ret == 0 || smp_cpu_state(cpu) != CPU_FAILED || pmm_free_pages() != pages ||
		    kmalloc_live() != heap) {
			bad++;
			report_info("site %lu: %d, state %d, pages %+lld, heap %+lld", n, ret,
				    smp_cpu_state(cpu), (long long)(pmm_free_pages() - pages),
				    (long long)(kmalloc_live() - heap));
		}
	}
	report(sites >= 5 && !bad, "%d sites failed one at a time (at least 5): an error, the "
	       "CPU left out, nothing kept", sites);
	report(clean == 1, "with nothing injected it comes up");
	if (clean != 1)
		smp_cpu_start(cpu, 5000, false);
	report(runs_a_call(cpu), "and runs calls");
}

static volatile int ipi_hits[NR_CPUS];

static void ipi_count(struct trap_frame *tf, void *ctx)
{
	__atomic_fetch_add(&ipi_hits[smp_cpu_id()], 1, __ATOMIC_RELAXED);
}

KTEST(smp, test_smp_ipi_and_nmi_reach_every_cpu)
{
	int vec = irq_alloc_vector(ipi_count, NULL);

	if (need_cpus(2) || vec < 0) {
		report(vec >= 0, "a vector");
		if (vec >= 0)
			irq_unregister(vec);
		return;
	}
	memset((void *)ipi_hits, 0, sizeof(ipi_hits));
	for (int i = 0; i < smp_cpu_slots(); i++)
		if (smp_cpu_state(i) == CPU_ONLINE)
			report(lapic_send_ipi(smp_cpu_apic_id(i), vec) == 0, "IPI to CPU %d sent", i);
	for (int i = 0; i < smp_cpu_slots(); i++)
		if (smp_cpu_state(i) == CPU_ONLINE)
			report(poll_timeout(ipi_hits[i] == 1, 1000000) == 0, "CPU %d got exactly its IPI", i);
	irq_unregister(vec);
	for (int i = 1; i < smp_cpu_slots(); i++) {
		struct percpu *c = cpu_percpu(i);
		u64 off;
		const char *fn;

		if (smp_cpu_state(i) != CPU_ONLINE)
			continue;
		report(smp_dump_cpu(i), "CPU %d answers an NMI with its registers", i);
		fn = ksym_lookup(c->nmi_frame.rip, &off);
		/* idle: in ap_idle's hlt, or on its way back from a timer tick */
		report(fn && c->nmi_frame.rsp > (u64)(uintptr_t)c->stack &&
		       c->nmi_frame.rsp <= (u64)(uintptr_t)c->stack + (PAGE_SIZE << 2),
		       "the dump is CPU %d's own: in %s, on its own stack", i, fn ? fn : "?");
	}
}

/* --- the runner's counters and the fail point with several CPUs --- */

#define N_REPORTS 2000

static void many_reports(void *arg, int cpu)
{
	for (int i = 0; i < N_REPORTS; i++)
		report(true, "check %d on CPU %d", i, cpu);
}

static volatile int fp_fired;

static void no_op(void *arg, int cpu)
{
}

static void many_sites(void *arg, int cpu)
{
	for (int i = 0; i < N_REPORTS; i++)
		if (failpoint_hit())
			__atomic_fetch_add(&fp_fired, 1, __ATOMIC_RELAXED);
}

KTEST(smp, test_smp_runner_counters_and_failpoint_are_exact)
{
	struct cpumask m;
	int n = smp_cpus_online(), before = report_checks(), ret;
	unsigned long own;

	if (need_cpus(2))
		return;
	smp_mask_online(&m, true);
	ret = smp_call(&m, many_reports, NULL, CALL_MS);
	report(report_checks() - before == n * N_REPORTS, "%d checks from %d CPUs all counted (%d)",
	       n * N_REPORTS, n, report_checks() - before);
	report(ret == 0, "the call on every CPU returned (%d)", ret);
	/* the call's own waits (IPI sent, answers) pass sites too: one each */
	failpoint_arm(0);
	smp_call(&m, no_op, NULL, CALL_MS);
	own = failpoint_count();
	fp_fired = 0;
	/* a site of the CPUs' share: after the IPIs' sites, before the waits for answers */
	failpoint_arm(N_REPORTS / 2);
	ret = smp_call(&m, many_sites, NULL, CALL_MS);
	report(ret == 0 && fp_fired == 1 && failpoint_fired(),
	       "the armed fail point fired exactly once (%d), the call returned %d", fp_fired, ret);
	report(own >= (unsigned long)n - 1 && failpoint_count() == (unsigned long)n * N_REPORTS + own,
	       "every site passed was counted (%lu: %d x %d, and %lu of the call itself)",
	       failpoint_count(), n, N_REPORTS, own);
	failpoint_arm(0);
}

#define N_HEAP 50000
static long heap_failed;

/*
 * Both of kmalloc's paths at once: odd CPUs page-sized objects, even ones
 * slab objects, each freed. Split so that at every moment one path's count
 * races the other's (mixed on every CPU, the bug showed in 5 of 8 boots).
 */
static void heap_churn(void *arg, int cpu)
{
	size_t size = cpu & 1 ? PAGE_SIZE : 32;

	for (int i = 0; i < 2 * N_HEAP; i++) {
		void *p = kmalloc(size);

		if (!p)
			__atomic_fetch_add(&heap_failed, 1, __ATOMIC_RELAXED);
		kfree(p);
	}
}

/*
 * The heap's live-object count (every test's leak check) stays exact with
 * all CPUs allocating: its page-sized path counts outside heap_lock, its
 * slab path inside, and a plain increment under the lock once lost a
 * concurrent atomic one (smp-amdvi: "heap_objects 20 before, 21 after").
 */
KTEST(smp, test_smp_heap_count_exact_under_all_cpus)
{
	struct cpumask m;
	long before = (long)kmalloc_live();
	int n = smp_cpus_online(), ret;

	if (need_cpus(2))
		return;
	heap_failed = 0;
	smp_mask_online(&m, true);
	ret = smp_call(&m, heap_churn, NULL, CALL_MS * 3);
	report(ret == 0 && heap_failed == 0, "%d CPUs x %d page or slab objects made and freed "
	       "(call %d, %ld allocations failed)", n, 2 * N_HEAP, ret, heap_failed);
	report((long)kmalloc_live() == before, "live heap objects back to %ld (%llu)", before,
	       (unsigned long long)kmalloc_live());
}

/*
 * Booted alone with watchdog=2 and two CPUs by make check: the boot CPU
 * hangs with interrupts off, so its own tick never runs; another CPU's
 * tick must see the deadline pass, dump both CPUs by NMI and end the run.
 */
KTEST_FULL(selftest-hang-smp, test_selftest_hangs_irqs_off, 0, KT_NODEFAULT)
{
	report(smp_cpus_online() >= 2, "a second CPU to notice (%d online)", smp_cpus_online());
	irq_disable();
	for (;;)
		cpu_relax();
}
