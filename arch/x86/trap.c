// SPDX-License-Identifier: MIT
/*
 * IDT setup and trap dispatch: exception fixups (user copies), recovery points
 * for tests (trap_call), register dumps with a stack walk, and IRQ handlers.
 * An exception with no fixup and no recovery point ends the run as a crash.
 */
#include "arch/x86/trap.h"
#include "arch/x86/console.h"
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/mm.h"
#include "arch/x86/percpu.h"
#include "arch/x86/smp.h"
#include "arch/x86/x86.h"
#include "lib/errno.h"
#include "lib/spinlock.h"
#include "lib/string.h"

struct idt_entry {
	u16 off_lo, sel;
	u8 ist, type;
	u16 off_mid;
	u32 off_hi, zero;
} __attribute__((packed));

extern const u64 isr_stub_table[256];
extern const struct extable_entry __start_extable[], __stop_extable[];

static struct idt_entry idt[256] __aligned(16);
static struct {
	irq_handler_t fn;
	void *ctx;
	u64 count;
} irqs[256];

/* Hook for traps from ring 3 (set by the user-mode code). */
void (*user_trap_hook)(struct trap_frame *tf);
bool (*user_return_hook)(struct trap_frame *tf);

static const char *const exc_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved 15", "#MF x87 FP", "#AC alignment check",
	"#MC machine check", "#XM SIMD FP", "#VE virtualization", "#CP control protection",
};

static void set_gate(int v, u64 handler, int ist, int dpl)
{
	idt[v].off_lo = handler & 0xffff;
	idt[v].sel = SEL_KCODE;
	idt[v].ist = (u8)ist;
	idt[v].type = (u8)(0x8e | (dpl << 5));	/* present, 64-bit interrupt gate */
	idt[v].off_mid = (handler >> 16) & 0xffff;
	idt[v].off_hi = (u32)(handler >> 32);
	idt[v].zero = 0;
}

void idt_load(void)
{
	struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (u64)idt };

	__asm__ __volatile__("lidt %0" : : "m"(idtr));
}

void idt_init(void)
{
	for (int v = 0; v < 256; v++)
		set_gate(v, isr_stub_table[v], 0, 0);
	idt[VEC_DF].ist = IST_DF;
	idt[VEC_NMI].ist = IST_NMI;
	idt_load();
}

static u64 strays;	/* interrupts on vectors without a handler */

int irq_register(int vector, irq_handler_t fn, void *ctx)
{
	if (vector < VEC_FIRST_IRQ || vector >= VEC_SPURIOUS)
		return -EINVAL;
	if (irqs[vector].fn)
		return -EBUSY;
	irqs[vector].ctx = ctx;
	irqs[vector].count = 0;
	WRITE_ONCE(irqs[vector].fn, fn);
	return 0;
}

void irq_unregister(int vector)
{
	if (vector >= VEC_FIRST_IRQ && vector < VEC_SPURIOUS)
		WRITE_ONCE(irqs[vector].fn, NULL);
}

int irq_alloc_vector(irq_handler_t fn, void *ctx)
{
	/* 0x40..0xef: leave the low ones to the legacy PIC range and 0xf0+ for IPIs */
	for (int v = 0x40; v < 0xf0; v++)
		if (irq_register(v, fn, ctx) == 0)
			return v;
	return -ENOSPC;
}

long irq_vectors_used(void)
{
	long n = 0;

	for (int v = VEC_FIRST_IRQ; v < VEC_SPURIOUS; v++)
		n += READ_ONCE(irqs[v].fn) != NULL;
	return n;
}

u64 irq_strays(void)
{
	return READ_ONCE(strays);
}

u64 irq_count(int vector)
{
	return vector >= 0 && vector < 256 ? READ_ONCE(irqs[vector].count) : 0;
}

/* Is [va, va+8) safe to read while dumping? Kernel image or direct map only. */
static bool readable(u64 va)
{
	extern char __kernel_phys_start[], __kernel_end[];

	if (va & 7)
		return false;
	if (va >= KERNEL_VMA + (u64)__kernel_phys_start && va + 8 <= (u64)__kernel_end)
		return true;
	return mm_is_direct_mapped(va, 8);
}

extern const u64 kallsyms_num, kallsyms_addr[];
extern const char *const kallsyms_name[];

long ksym_index(u64 addr)
{
	u64 lo = 0, hi = kallsyms_num;

	if (!hi || addr < kallsyms_addr[0])
		return -1;
	while (hi - lo > 1) {	/* last symbol at or below addr */
		u64 mid = (lo + hi) / 2;

		if (kallsyms_addr[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return (long)lo;
}

const char *ksym_name(long i)
{
	return i >= 0 && (u64)i < kallsyms_num ? kallsyms_name[i] : NULL;
}

const char *ksym_lookup(u64 addr, u64 *offset)
{
	long i = ksym_index(addr);

	if (i < 0)
		return NULL;
	*offset = addr - kallsyms_addr[i];
	return kallsyms_name[i];
}

static void print_addr(const char *what, u64 addr)
{
	u64 off;
	const char *name = ksym_lookup(addr, &off);

	if (name)
		printk("%s %016llx %s+%#llx\n", what, (unsigned long long)addr, name,
		       (unsigned long long)off);
	else
		printk("%s %016llx\n", what, (unsigned long long)addr);
}

int stack_callers(u64 rbp, u64 *pcs, int max)
{
	int n = 0;

	while (n < max && rbp && readable(rbp) && readable(rbp + 8)) {
		pcs[n++] = ((u64 *)rbp)[1];
		if (((u64 *)rbp)[0] <= rbp)
			break;
		rbp = ((u64 *)rbp)[0];
	}
	return n;
}

void stack_walk(u64 rbp, int max)
{
	for (int i = 0; i < max && rbp && readable(rbp) && readable(rbp + 8); i++) {
		print_addr("  called from", ((u64 *)rbp)[1]);
		if (((u64 *)rbp)[0] <= rbp)
			break;
		rbp = ((u64 *)rbp)[0];
	}
}

void trap_dump(const struct trap_frame *tf)
{
	trap_dump_regs(tf, read_cr2(), read_cr3());
}

void trap_dump_regs(const struct trap_frame *tf, u64 cr2, u64 cr3)
{
	int v = (int)tf->vector;
	/* outside a test, dump lines are KTAP diagnostics of their own */
	const char *old = console_set_line_prefix(NULL);

	console_set_line_prefix(old ? old : "# ");
	printk("trap: vector %d (%s) error %#llx%s\n", v,
	       v < 32 && exc_names[v] ? exc_names[v] : "interrupt",
	       (unsigned long long)tf->error, (tf->cs & 3) ? " in user mode" : "");
	printk("RIP %016llx CS %04llx RFLAGS %016llx\n", (unsigned long long)tf->rip,
	       (unsigned long long)tf->cs, (unsigned long long)tf->rflags);
	if (!(tf->cs & 3))
		print_addr("at", tf->rip);
	printk("RSP %016llx SS %04llx CR2 %016llx CR3 %016llx\n",
	       (unsigned long long)tf->rsp, (unsigned long long)tf->ss,
	       (unsigned long long)cr2, (unsigned long long)cr3);
	printk("RAX %016llx RBX %016llx RCX %016llx RDX %016llx\n",
	       (unsigned long long)tf->rax, (unsigned long long)tf->rbx,
	       (unsigned long long)tf->rcx, (unsigned long long)tf->rdx);
	printk("RSI %016llx RDI %016llx RBP %016llx R8  %016llx\n",
	       (unsigned long long)tf->rsi, (unsigned long long)tf->rdi,
	       (unsigned long long)tf->rbp, (unsigned long long)tf->r8);
	printk("R9  %016llx R10 %016llx R11 %016llx R12 %016llx\n",
	       (unsigned long long)tf->r9, (unsigned long long)tf->r10,
	       (unsigned long long)tf->r11, (unsigned long long)tf->r12);
	printk("R13 %016llx R14 %016llx R15 %016llx\n", (unsigned long long)tf->r13,
	       (unsigned long long)tf->r14, (unsigned long long)tf->r15);
	if (v == VEC_PF)
		printk("page fault: %s %s in %s mode%s\n",
		       tf->error & 1 ? "protection violation" : "not-present page",
		       tf->error & 2 ? "write" : (tf->error & 16 ? "fetch" : "read"),
		       tf->error & 4 ? "user" : "kernel",
		       tf->error & 8 ? ", reserved bit set" : "");
	if (!(tf->cs & 3))
		stack_walk(tf->rbp, 12);
	console_set_line_prefix(old);
}

void trap_dump_here(void)
{
	u64 rbp;

	const char *old = console_set_line_prefix(NULL);

	console_set_line_prefix(old ? old : "# ");
	__asm__ __volatile__("movq %%rbp, %0" : "=r"(rbp));
	printk("CR0 %016llx CR3 %016llx CR4 %016llx\n", (unsigned long long)read_cr0(),
	       (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
	stack_walk(rbp, 16);
	console_set_line_prefix(old);
}

void trap_selftest_gp(void)
{
	(void)*(volatile u64 *)0x8000000000000000ULL;	/* non-canonical: #GP */
}

__noreturn void trap_triple_fault(void)
{
	struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) none = { 0, 0 };

	__asm__ __volatile__("lidt %0; int3" : : "m"(none));
	for (;;)
		halt();
}

static bool try_fixup(struct trap_frame *tf)
{
	for (const struct extable_entry *e = __start_extable; e < __stop_extable; e++) {
		if (e->insn == tf->rip) {
			tf->rip = e->fixup;
			return true;
		}
	}
	return false;
}

static void exception(struct trap_frame *tf)
{
	const char *prev_prefix = NULL;

	if (!(tf->cs & 3) && try_fixup(tf))
		return;
	if ((tf->cs & 3) && user_trap_hook) {
		user_trap_hook(tf);
		return;
	}
	if (this_cpu()->nrecovery > 0 && tf->vector != VEC_DF && tf->vector != 18) {
		struct trap_recovery *r = &this_cpu()->recovery[--this_cpu()->nrecovery];

		if (r->info) {
			r->info->vector = (int)tf->vector;
			r->info->error = tf->error;
			r->info->rip = tf->rip;
			r->info->cr2 = read_cr2();
		}
		if (r->dump)
			trap_dump(tf);
		klongjmp(&r->jb, (int)tf->vector + 1);
	}
	console_emergency();
	console_fallback();	/* before console_setup(): printk would only buffer */
	console_set_line_prefix(prev_prefix);
	printk("\n# unexpected exception on CPU %d, no recovery point\n", smp_cpu_id());
	trap_dump(tf);
	smp_dump_others("the crash");
	printk("# iommu-testos: crashed\n");
	machine_exit(EXIT_CRASH);
}

void trap_dispatch(struct trap_frame *tf)
{
	int v = (int)tf->vector;

	if (v == VEC_NMI && smp_nmi(tf))
		return;
	if (v < VEC_FIRST_IRQ) {
		exception(tf);
		return;
	}
	if (v == VEC_SPURIOUS)
		return;
	__atomic_fetch_add(&irqs[v].count, 1, __ATOMIC_RELAXED);
	if (irqs[v].fn)
		irqs[v].fn(tf, irqs[v].ctx);
	else
		__atomic_fetch_add(&strays, 1, __ATOMIC_RELAXED);
	lapic_eoi();
	/* an interrupt of ring 3 returns there through the ring-3 layer (switches, signals) */
	if ((tf->cs & 3) && user_return_hook)
		user_return_hook(tf);
}

int trap_call(void (*fn)(void *), void *arg, struct trap_info *info, bool dump)
{
	struct percpu *c = this_cpu();
	struct trap_recovery *r;
	int depth = c->nrecovery, locks = lockdep_depth(), ret;
	bool irq_on = irqs_enabled();

	if (depth >= MAX_RECOVERY)
		panic("trap_call: recovery points nested too deep");
	r = &c->recovery[depth];
	r->info = info;
	r->dump = dump;
	ret = ksetjmp(&r->jb);
	if (ret == 0) {
		c->nrecovery++;
		fn(arg);
		c->nrecovery = depth;
		return 0;
	}
	/* we came back through klongjmp from exception(): the locks it held stay as they were */
	c->nrecovery = depth;
	lockdep_set_depth(locks);
	if (irq_on)
		irq_enable();
	return ret;
}

struct lockdep_ctx *arch_lockdep_ctx(void)
{
	return &this_cpu()->lockdep;
}

/* lib/spinlock.h's interrupt masking for locks that handlers take too. */
unsigned long arch_irq_save(void)
{
	unsigned long f = read_rflags();

	irq_disable();
	return f;
}

void arch_irq_restore(unsigned long flags)
{
	if (flags & (1UL << 9))
		irq_enable();
}
