// SPDX-License-Identifier: MIT
/*
 * CPU setup: feature detection, the per-CPU GDT and TSS (with IST stacks for
 * double fault and NMI) and loading them. The IDT itself is in trap.c.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/mm.h"
#include "arch/x86/percpu.h"
#include "arch/x86/x86.h"
#include "lib/failpoint.h"
#include "lib/spinlock.h"
#include "lib/string.h"

#define IST_STACK_SIZE 8192
#define TABLES_ORDER 3		/* struct cpu_tables fits in 32 KiB */

struct tss {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __attribute__((packed));

struct cpu_tables {
	u8 ist_stack[2][IST_STACK_SIZE] __attribute__((aligned(16)));
	u64 gdt[8];
	struct tss tss;
};

struct cpu_features cpu_feat;
static struct cpu_tables boot_tables;

struct cpu_tables *cpu_tables_boot(void)
{
	return &boot_tables;
}

struct cpu_tables *cpu_tables_alloc(void)
{
	BUILD_BUG_ON(sizeof(struct cpu_tables) > (PAGE_SIZE << TABLES_ORDER));
	return failable(page_alloc_va(TABLES_ORDER));
}

void cpu_tables_free(struct cpu_tables *t)
{
	if (t && t != &boot_tables)
		page_free_va(t, TABLES_ORDER);
}

/* CPUID 1 EAX: the extended fields count for families 6 and 15 (SDM vol. 2 CPUID). */
static void cpu_signature(u32 eax)
{
	u32 fam = (eax >> 8) & 0xf, model = (eax >> 4) & 0xf;

	cpu_feat.stepping = eax & 0xf;
	cpu_feat.family = fam == 0xf ? fam + ((eax >> 20) & 0xff) : fam;
	cpu_feat.model = fam == 0x6 || fam == 0xf ? model | ((eax >> 16) & 0xf) << 4 : model;
}

void cpu_detect(void)
{
	u32 a, b, c, d, max_ext, max_basic;

	cpuid(0, 0, &max_basic, &b, &c, &d);
	memcpy(cpu_feat.vendor + 0, &b, 4);
	memcpy(cpu_feat.vendor + 4, &d, 4);
	memcpy(cpu_feat.vendor + 8, &c, 4);
	cpuid(1, 0, &a, &b, &c, &d);
	cpu_signature(a);
	cpu_feat.x2apic = c & (1u << 21);
	cpu_feat.clflush = d & (1u << 19);
	b = 0;
	if (max_basic >= 7)
		cpuid(7, 0, &a, &b, &c, &d);
	cpu_feat.clflushopt = b & (1u << 23);
	cpu_feat.smep = b & (1u << 7);
	cpu_feat.smap = b & (1u << 20);
	cpuid(0x80000000, 0, &max_ext, &b, &c, &d);
	if (max_ext >= 0x80000001) {
		cpuid(0x80000001, 0, &a, &b, &c, &d);
		cpu_feat.nx = d & (1u << 20);
		cpu_feat.pdpe1gb = d & (1u << 26);
	}
	if (max_ext >= 0x80000007) {
		cpuid(0x80000007, 0, &a, &b, &c, &d);
		cpu_feat.invariant_tsc = d & (1u << 8);
	}
	cpu_feat.phys_bits = 36;
	cpu_feat.virt_bits = 48;
	for (u32 leaf = 0; max_ext >= 0x80000004 && leaf < 3; leaf++) {
		cpuid(0x80000002 + leaf, 0, &a, &b, &c, &d);
		memcpy(cpu_feat.brand + 16 * leaf, (u32[4]){ a, b, c, d }, 16);
	}
	if (max_ext >= 0x80000008) {
		cpuid(0x80000008, 0, &a, &b, &c, &d);
		cpu_feat.phys_bits = a & 0xff;
		cpu_feat.virt_bits = (a >> 8) & 0xff;
	}
}

static u64 seg_desc(u32 flags)
{
	/* base 0, limit 0xfffff; flags carry access byte and granularity */
	return 0x000f00000000ffffULL | ((u64)flags << 40);
}

void cpu_load_tables(struct cpu_tables *t)
{
	u64 base = (u64)&t->tss;
	struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) gdtr = { sizeof(t->gdt) - 1, (u64)t->gdt };

	t->gdt[0] = 0;
	t->gdt[1] = seg_desc(0xa09a);	/* kernel code: L=1, P, DPL0, exec/read */
	t->gdt[2] = seg_desc(0xc092);	/* kernel data */
	t->gdt[3] = seg_desc(0xc0fa);	/* user code32 (unused) */
	t->gdt[4] = seg_desc(0xc0f2);	/* user data: DPL3 */
	t->gdt[5] = seg_desc(0xa0fa);	/* user code64: DPL3 */
	t->gdt[6] = (sizeof(struct tss) - 1) | ((base & 0xffffff) << 16) |
		    (0x89ULL << 40) | (((base >> 24) & 0xff) << 56);
	t->gdt[7] = base >> 32;
	t->tss.iomap_base = sizeof(struct tss);
	t->tss.ist[IST_DF - 1] = (u64)t->ist_stack[0] + IST_STACK_SIZE;
	t->tss.ist[IST_NMI - 1] = (u64)t->ist_stack[1] + IST_STACK_SIZE;

	__asm__ __volatile__(
		"lgdt %0\n\t"
		"movw %w1, %%ds\n\tmovw %w1, %%es\n\tmovw %w1, %%ss\n\t"
		"pushq %2\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"ltr %w3"
		: : "m"(gdtr), "r"(SEL_KDATA), "i"(SEL_KCODE), "r"(SEL_TSS)
		: "rax", "memory");
}

void cpu_set_kernel_stack(u64 rsp0)
{
	this_cpu()->tables->tss.rsp[0] = rsp0;
}

#define SYSCALL_MASK	0x47700UL	/* TF DF IF IOPL NT AC cleared on entry */
#define CR0_MP		(1UL << 1)
#define CR0_EM		(1UL << 2)
#define CR4_OSFXSR	(1UL << 9)
#define CR4_OSXMMEXCPT	(1UL << 10)
#define CR4_SMEP	(1UL << 20)
#define CR4_SMAP	(1UL << 21)

void syscall_entry(void);

void cpu_setup_features(void)
{
	/* sysret takes CS = base + 16, SS = base + 8 with RPL 3 */
	wrmsr(MSR_STAR, ((u64)(SEL_UCODE32 | 3) << 48) | ((u64)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (u64)(uintptr_t)syscall_entry);
	wrmsr(MSR_SFMASK, SYSCALL_MASK);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE | (cpu_feat.nx ? EFER_NXE : 0));
	/* SSE for ring 3; the kernel itself never uses vector registers */
	write_cr0((read_cr0() & ~CR0_EM) | CR0_MP);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	/* the kernel never runs user code, and touches user memory only in uaccess.c */
	write_cr4(read_cr4() | (cpu_feat.smep ? CR4_SMEP : 0) | (cpu_feat.smap ? CR4_SMAP : 0));
}
