// SPDX-License-Identifier: MIT
/*
 * CPU setup: feature detection, the per-CPU GDT and TSS (with IST stacks for
 * double fault and NMI) and loading them. The IDT itself is in trap.c.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/x86.h"
#include "lib/spinlock.h"
#include "lib/string.h"

#define MAX_CPUS 16
#define IST_STACK_SIZE 8192

struct tss {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __attribute__((packed));

struct percpu_tables {
	u64 gdt[8];
	struct tss tss;
	u8 ist_stack[2][IST_STACK_SIZE] __attribute__((aligned(16)));
};

struct cpu_features cpu_feat;
static struct percpu_tables tables[MAX_CPUS];

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

void cpu_load_tables(int id)
{
	struct percpu_tables *t = &tables[id];
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

void cpu_set_kernel_stack(int id, u64 rsp0)
{
	tables[id].tss.rsp[0] = rsp0;
}
