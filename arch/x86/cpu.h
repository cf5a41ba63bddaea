/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU descriptor tables (GDT with TSS, shared IDT) and CPU features.
 * Selector values are fixed so syscall/sysret can derive user selectors.
 */
#ifndef ARCH_X86_CPU_H
#define ARCH_X86_CPU_H

#include "lib/types.h"

#define SEL_KCODE	0x08
#define SEL_KDATA	0x10
#define SEL_UCODE32	0x18	/* placeholder: sysret derives 0x20/0x28 from it */
#define SEL_UDATA	0x20
#define SEL_UCODE	0x28
#define SEL_TSS		0x30

#define IST_DF		1	/* double fault runs on its own stack */
#define IST_NMI		2

struct cpu_features {
	bool nx, pdpe1gb, invariant_tsc, x2apic, clflush, clflushopt;
	bool smep, smap;	/* the kernel may not run (SMEP) or touch (SMAP) user pages */
	u32 phys_bits, virt_bits;
	char vendor[13];
	u32 family, model, stepping;	/* display values from CPUID 1 */
	char brand[49];			/* CPUID 0x80000002-4, "" when absent */
};

extern struct cpu_features cpu_feat;

struct cpu_tables;

void cpu_detect(void);
/* The boot CPU's tables (static), or fresh ones for another CPU (NULL: no memory). */
struct cpu_tables *cpu_tables_boot(void);
struct cpu_tables *cpu_tables_alloc(void);
void cpu_tables_free(struct cpu_tables *t);
/* Fill and load t as this CPU's GDT and TSS. */
void cpu_load_tables(struct cpu_tables *t);
/* Set this CPU's ring-0 stack used when an interrupt arrives from ring 3. */
void cpu_set_kernel_stack(u64 rsp0);
/* Control registers and MSRs every CPU needs (SSE, SMEP/SMAP, NX, syscall entry). */
void cpu_setup_features(void);

#endif
