// SPDX-License-Identifier: MIT
/*
 * SMP: start the application processors (INIT, 10 ms, SIPI, SIPI: Intel
 * SDM vol. 3 8.4.4 and the MP spec B.4), give each its own GDT/TSS/IST
 * stacks, kernel stack and struct percpu, keep it halted until a function
 * is posted for it (smp_call), and dump or stop the others by NMI.
 * Nothing here waits without a time-out: a CPU that does not come up or
 * does not finish is reported, dumped and left out, never waited on forever.
 */
#include "arch/x86/smp.h"
#include "arch/x86/acpi.h"
#include "boot/cmdline.h"
#include "arch/x86/console.h"
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/mm.h"
#include "arch/x86/tsc.h"
#include "arch/x86/watchdog.h"
#include "arch/x86/x86.h"
#include "boot/bootinfo.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"

#define VEC_SMP_CALL	0xf1		/* wakes a halted CPU: a call is posted */
#define STACK_ORDER	2		/* 16 KiB kernel stack per AP */
#define START_MS	5000		/* a CPU slower than this to start is dead */
#define NMI_ANSWER_MS	500
#define TRAMP_PREFERRED	0x8000

/* The data block at the end of trampoline.S (offsets fixed there). */
struct tramp_data {
	u64 gdt[4];
	u16 gdtr_limit;
	u32 gdtr_base;
	u16 pad0;
	u32 jmp32_off;
	u16 jmp32_sel, pad1;
	u32 jmp64_off;
	u16 jmp64_sel, pad2;
	u32 boot_cr3;
	u32 efer;
	u32 alive, pad3;
	u64 cr3, stack, entry, arg;
} __packed;

extern const u8 smp_tramp_start[], smp_tramp_end[], smp_tramp_data[];
extern u8 early_pml4[];
void ap_start64(void);
void ap_main(struct percpu *c);

static struct percpu boot_cpu = { .self = &boot_cpu };

/* A diagnostic line: inside a test under its prefix, else as "# ..." of its own. */
static void __printf(1, 2) note(const char *fmt, ...)
{
	const char *old = console_set_line_prefix(NULL);
	va_list ap;

	console_set_line_prefix(old ? old : "# ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	console_set_line_prefix(old);
}
static struct percpu *cpus[NR_CPUS];
static u32 apic_ids[NR_CPUS];
static volatile int state[NR_CPUS];
static int nslots = 1;
static phys_addr_t tramp_pa;
static volatile int calls_busy;
static volatile bool plant_hang;

void percpu_init_boot(void)
{
	boot_cpu.cpu = 0;
	boot_cpu.tables = cpu_tables_boot();
	wrmsr(MSR_GS_BASE, (u64)(uintptr_t)&boot_cpu);
	wrmsr(MSR_KGS_BASE, 0);
}

struct percpu *cpu_percpu(int i)
{
	return i >= 0 && i < nslots ? cpus[i] : NULL;
}

int smp_cpu_id(void)
{
	return this_cpu()->cpu;
}

int smp_cpu_slots(void)
{
	return nslots;
}

int smp_cpus_online(void)
{
	int n = 0;

	for (int i = 0; i < nslots; i++)
		n += state[i] == CPU_ONLINE;
	return n;
}

enum smp_state smp_cpu_state(int cpu)
{
	return cpu >= 0 && cpu < nslots ? (enum smp_state)state[cpu] : CPU_ABSENT;
}

u32 smp_cpu_apic_id(int cpu)
{
	return cpu >= 0 && cpu < nslots ? apic_ids[cpu] : 0;
}

void smp_mask_online(struct cpumask *m, bool with_self)
{
	memset(m, 0, sizeof(*m));
	for (int i = 0; i < nslots; i++)
		if (state[i] == CPU_ONLINE && (with_self || i != smp_cpu_id()))
			cpumask_set(m, i);
}

/* --- the idle loop and calls --- */

static void run_call(void *arg)
{
	struct percpu *c = arg;

	c->call_fn(c->call_arg, c->cpu);
}

/* An AP's life after bring-up: sleep until a call is posted, run it, report. */
static __noreturn __attribute__((noinline)) void ap_idle(struct percpu *c)
{
	u32 seen = c->call_seq;

	for (;;) {
		irq_disable();
		if (__atomic_load_n(&c->call_seq, __ATOMIC_ACQUIRE) == seen) {
			/* sti; hlt: an interrupt between the check and the halt still wakes us */
			__asm__ __volatile__("sti; hlt" ::: "memory");
			continue;
		}
		seen = c->call_seq;
		irq_enable();
		c->call_ret = trap_call(run_call, c, NULL, true);
		c->call_fn = NULL;
		__atomic_store_n(&c->done_seq, seen, __ATOMIC_RELEASE);
	}
}

static void call_ipi(struct trap_frame *tf, void *ctx)
{
}

int smp_calls_running(void)
{
	int n = 0;

	for (int i = 1; i < nslots; i++)
		if (cpus[i] && state[i] == CPU_ONLINE && READ_ONCE(cpus[i]->call_fn))
			n++;
	return n;
}

static bool stop_cpu(int cpu);

/* Whether c finished its call by deadline d (a CPU found late gets 1 ms more). */
/* The latest deadline the last call waited to (time_ns), for its tests. */
static u64 call_deadline_ns;

u64 smp_call_deadline_ns(void)
{
	return call_deadline_ns;
}

static bool call_done(struct percpu *c, deadline_t d)
{
	u32 seq = c->call_seq;

	if (deadline_ns(d) > call_deadline_ns)
		call_deadline_ns = deadline_ns(d);

	while (__atomic_load_n(&c->done_seq, __ATOMIC_ACQUIRE) != seq) {
		if (deadline_passed(d))
			return poll_timeout(__atomic_load_n(&c->done_seq, __ATOMIC_ACQUIRE) == seq,
					    1000) == 0;
		cpu_relax();
	}
	return true;
}

int smp_call(const struct cpumask *m, void (*fn)(void *arg, int cpu), void *arg,
	     u64 timeout_ms)
{
	int self = smp_cpu_id(), ret = 0;
	deadline_t d;

	if (__atomic_exchange_n(&calls_busy, 1, __ATOMIC_ACQUIRE))
		return -EBUSY;
	call_deadline_ns = 0;
	for (int i = 0; i < nslots; i++) {
		struct percpu *c = cpus[i];

		if (i == self || !cpumask_test(m, i) || state[i] != CPU_ONLINE)
			continue;
		c->call_arg = arg;
		c->call_ret = 0;
		c->call_fn = fn;
		__atomic_add_fetch(&c->call_seq, 1, __ATOMIC_RELEASE);
		lapic_send_ipi(apic_ids[i], VEC_SMP_CALL);
	}
	if (cpumask_test(m, self)) {
		/* the caller's share too under a recovery point: the others must still be waited for */
		struct percpu *c = cpus[self];

		c->call_fn = fn;
		c->call_arg = arg;
		if (trap_call(run_call, c, NULL, true))
			ret = -EFAULT;
		c->call_fn = NULL;
	}
	/* one deadline for all: the caller waits timeout_ms in all, not per CPU */
	d = deadline_in_us(timeout_ms * 1000);
	for (int i = 0; i < nslots; i++) {
		struct percpu *c = cpus[i];

		if (i == self || !cpumask_test(m, i) || state[i] != CPU_ONLINE)
			continue;
		if (!call_done(c, d)) {
			note("smp: CPU %d (APIC ID %#x) did not finish its call in %llu ms; stopped here:\n",
			       i, apic_ids[i], (unsigned long long)timeout_ms);
			stop_cpu(i);
			state[i] = CPU_STUCK;
			ret = -ETIMEDOUT;
		} else if (c->call_ret && !ret) {
			ret = -EFAULT;
		}
	}
	__atomic_store_n(&calls_busy, 0, __ATOMIC_RELEASE);
	return ret;
}

/* --- NMI dumps --- */

bool smp_nmi(struct trap_frame *tf)
{
	/* GS may still be the user's if the NMI hit the syscall entry's first instruction */
	struct percpu *c = (struct percpu *)(uintptr_t)rdmsr(MSR_GS_BASE);
	int want;

	if (!c || c->self != c)
		c = (struct percpu *)(uintptr_t)rdmsr(MSR_KGS_BASE);
	if (!c || c->self != c)
		return false;
	want = __atomic_load_n(&c->nmi_state, __ATOMIC_ACQUIRE);
	if (want != NMI_DUMP && want != NMI_STOP)
		return false;
	c->nmi_frame = *tf;
	c->nmi_cr2 = read_cr2();
	c->nmi_cr3 = read_cr3();
	__atomic_store_n(&c->nmi_state, NMI_SAVED, __ATOMIC_RELEASE);
	if (want == NMI_STOP)
		for (;;)
			halt();
	return true;
}

static bool nmi_request(int cpu, int what)
{
	struct percpu *c = cpus[cpu];

	if (!c || (state[cpu] != CPU_ONLINE && state[cpu] != CPU_STUCK))
		return false;
	__atomic_store_n(&c->nmi_state, what, __ATOMIC_RELEASE);
	if (lapic_send_nmi(apic_ids[cpu]))
		return false;
	return poll_timeout(__atomic_load_n(&c->nmi_state, __ATOMIC_ACQUIRE) == NMI_SAVED,
			    NMI_ANSWER_MS * 1000) == 0;
}

/* A stopped CPU halts in its NMI handler with its frame saved (until INIT). */
static bool stopped(int cpu)
{
	return state[cpu] == CPU_STUCK &&
	       __atomic_load_n(&cpus[cpu]->nmi_state, __ATOMIC_ACQUIRE) == NMI_SAVED;
}

static void print_frame(int cpu, const char *how)
{
	struct percpu *c = cpus[cpu];

	note("CPU %d (APIC ID %#x)%s:\n", cpu, apic_ids[cpu], how);
	trap_dump_regs(&c->nmi_frame, c->nmi_cr2, c->nmi_cr3);
}

bool smp_dump_cpu(int cpu)
{
	struct percpu *c = cpu >= 0 && cpu < nslots ? cpus[cpu] : NULL;

	if (!c || cpu == smp_cpu_id())
		return false;
	if (stopped(cpu)) {
		print_frame(cpu, ", stopped");
		return true;
	}
	if (!nmi_request(cpu, NMI_DUMP)) {
		note("smp: CPU %d (APIC ID %#x) did not answer the NMI\n", cpu, apic_ids[cpu]);
		return false;
	}
	print_frame(cpu, "");
	__atomic_store_n(&c->nmi_state, NMI_IDLE, __ATOMIC_RELEASE);
	return true;
}

/*
 * Stop a CPU that did not finish its call where it is, so that it touches
 * nothing more of a call its caller has given up on, and dump it.
 */
static bool stop_cpu(int cpu)
{
	if (!nmi_request(cpu, NMI_STOP)) {
		note("smp: CPU %d (APIC ID %#x) did not answer the NMI; it may still run\n", cpu,
		     apic_ids[cpu]);
		return false;
	}
	print_frame(cpu, "");
	return true;
}

void smp_dump_others(const char *why)
{
	for (int i = 0; i < nslots; i++)
		if (i != smp_cpu_id() && (state[i] == CPU_ONLINE || state[i] == CPU_STUCK)) {
			note("%s: registers of CPU %d\n", why, i);
			smp_dump_cpu(i);
		}
}

void smp_stop_others(void)
{
	for (int i = 0; i < nslots; i++)
		if (i != smp_cpu_id() && cpus[i] && state[i] == CPU_ONLINE) {
			__atomic_store_n(&cpus[i]->nmi_state, NMI_STOP, __ATOMIC_RELEASE);
			lapic_send_nmi(apic_ids[i]);
		}
}

/* --- bring-up --- */

/* A usable RAM page below 1 MiB for the trampoline (the SIPI vector is its page number). */
static phys_addr_t find_tramp_page(void)
{
	phys_addr_t best = 0;

	for (int i = 0; i < boot_info.nmmap; i++) {
		const struct mem_region *r = &boot_info.mmap[i];
		u64 s = max(ALIGN(r->base, PAGE_SIZE), (u64)0x1000);
		u64 e = min(r->base + r->len, (u64)0x9f000);

		if (r->type != MEM_USABLE)
			continue;
		if (s <= TRAMP_PREFERRED && TRAMP_PREFERRED + PAGE_SIZE <= e)
			return TRAMP_PREFERRED;
		if (!best && s + PAGE_SIZE <= e)
			best = s;
	}
	return best;
}

static void free_cpu(int i)
{
	struct percpu *c = cpus[i];

	if (!c)
		return;
	cpu_tables_free(c->tables);
	page_free_va(c->stack, STACK_ORDER);
	kfree(c);
	cpus[i] = NULL;
}

static int alloc_cpu(int i)
{
	struct percpu *c = failable(kzalloc(sizeof(*c)));

	if (!c)
		return -ENOMEM;
	cpus[i] = c;
	c->self = c;
	c->cpu = i;
	c->apic_id = apic_ids[i];
	c->tables = cpu_tables_alloc();
	c->stack = failable(page_alloc_va(STACK_ORDER));
	if (!c->tables || !c->stack) {
		free_cpu(i);
		return -ENOMEM;
	}
	return 0;
}

static void write_trampoline(struct percpu *c)
{
	size_t n = (size_t)(smp_tramp_end - smp_tramp_start);
	u8 *page = phys_to_virt(tramp_pa);
	struct tramp_data *d = (void *)(page + (smp_tramp_data - smp_tramp_start));
	u32 base = (u32)tramp_pa;

	BUILD_BUG_ON(sizeof(struct tramp_data) != 104);
	memcpy(page, smp_tramp_start, n);
	d->gdtr_base += base;
	d->jmp32_off += base;
	d->jmp64_off += base;
	d->boot_cr3 = (u32)virt_to_phys(early_pml4);
	d->efer = (1u << 8) | (cpu_feat.nx ? (1u << 11) : 0);
	d->alive = 0;
	d->cr3 = read_cr3();
	d->stack = (u64)(uintptr_t)c->stack + (PAGE_SIZE << STACK_ORDER);
	d->entry = (u64)(uintptr_t)ap_start64;
	d->arg = (u64)(uintptr_t)c;
}

int smp_cpu_start(int i, u64 timeout_ms, bool hang)
{
	struct tramp_data *d;
	u32 id;
	int r;

	if (i <= 0 || i >= nslots || state[i] == CPU_ONLINE || state[i] == CPU_STUCK)
		return -EBUSY;
	if (!tramp_pa)
		return -ENODEV;
	id = apic_ids[i];
	r = alloc_cpu(i);
	if (r) {
		state[i] = CPU_FAILED;
		note("smp: CPU %d (APIC ID %#x): no memory for its stacks; left out\n", i, id);
		return r;
	}
	write_trampoline(cpus[i]);
	d = (void *)((u8 *)phys_to_virt(tramp_pa) + (smp_tramp_data - smp_tramp_start));
	plant_hang = hang;
	/* INIT, 10 ms, SIPI, 200 us, SIPI if it has not run yet */
	r = lapic_send_init(id);
	mdelay(10);
	if (!r)
		r = lapic_send_sipi(id, (u8)(tramp_pa >> PAGE_SHIFT));
	udelay(200);
	if (!r && !READ_ONCE(d->alive))
		r = lapic_send_sipi(id, (u8)(tramp_pa >> PAGE_SHIFT));
	if (!r)
		r = poll_timeout(READ_ONCE(state[i]) == CPU_ONLINE, timeout_ms * 1000);
	if (r) {
		note("smp: CPU %d (APIC ID %#x) did not come up (%s, %d); left out\n", i, id,
		       READ_ONCE(d->alive) ? "ran the trampoline, never reported" : "never ran",
		       r);
		lapic_send_init(id);	/* stop whatever it is doing; it waits for a SIPI */
		mdelay(10);
		state[i] = CPU_FAILED;
		free_cpu(i);
		plant_hang = false;
		return -ETIMEDOUT;
	}
	plant_hang = false;
	return 0;
}

int smp_cpu_park(int i)
{
	/* a stuck CPU may be parked too: INIT stops it wherever it is */
	if (i <= 0 || i >= nslots || (state[i] != CPU_ONLINE && state[i] != CPU_STUCK) ||
	    (state[i] == CPU_ONLINE && READ_ONCE(cpus[i]->call_fn)))
		return -EBUSY;
	state[i] = CPU_OFFLINE;
	lapic_send_init(apic_ids[i]);
	mdelay(10);
	free_cpu(i);
	return 0;
}

void ap_main(struct percpu *c)
{
	wrmsr(MSR_GS_BASE, (u64)(uintptr_t)c);
	wrmsr(MSR_KGS_BASE, 0);
	cpu_load_tables(c->tables);
	idt_load();
	cpu_setup_features();
	lapic_init_ap();
	if (lapic_id() != c->apic_id)
		note("smp: CPU %d reports APIC ID %#x, the MADT said %#x\n", c->cpu,
		       lapic_id(), c->apic_id);
	watchdog_cpu_start();
	while (plant_hang)	/* a test's dead CPU: ran, never reports */
		cpu_relax();
	__atomic_store_n(&state[c->cpu], CPU_ONLINE, __ATOMIC_RELEASE);
	ap_idle(c);
}

/* Slots: the boot CPU first, then the MADT's enabled CPUs the mode can address. */
static void collect(void)
{
	u32 self = lapic_id();
	int left_out = 0;

	apic_ids[0] = self;
	cpus[0] = &boot_cpu;
	boot_cpu.apic_id = self;
	state[0] = CPU_ONLINE;
	for (int j = 0; j < acpi.madt.ncpus; j++) {
		const struct acpi_cpu *a = &acpi.madt.cpus[j];

		if (!a->enabled || a->apic_id == self)
			continue;
		if (a->apic_id > lapic_max_dest()) {
			note("smp: APIC ID %#x needs x2APIC (the APIC runs in xAPIC mode); left out\n",
			       a->apic_id);
			left_out++;
			continue;
		}
		if (nslots == NR_CPUS) {
			left_out++;
			continue;
		}
		apic_ids[nslots] = a->apic_id;
		state[nslots++] = CPU_OFFLINE;
	}
	if (left_out)
		note("smp: %d enabled CPUs of the MADT cannot be run\n", left_out);
}

void smp_init(void)
{
	u64 max = cmdline_get_u64("maxcpus", NR_CPUS);
	int up = 1, failed = 0;

	collect();
	irq_register(VEC_SMP_CALL, call_ipi, NULL);
	tramp_pa = find_tramp_page();
	if (nslots > 1 && !tramp_pa)
		note("smp: no usable page below 1 MiB for the trampoline\n");
	for (int i = 1; i < nslots; i++) {
		if ((u64)up >= max || !tramp_pa)
			continue;
		if (smp_cpu_start(i, START_MS, false))
			failed++;
		else
			up++;
	}
	note("smp: %d of %d CPUs up, %d did not come up, %d not started (maxcpus=%llu)\n",
	       up, nslots, failed, nslots - up - failed, (unsigned long long)max);
}
