// SPDX-License-Identifier: MIT
/*
 * Interrupts hosted (arch/x86/trap.h, lapic.h, spinlock.h's irq masking):
 * vectors are a table a test's host_msi() dispatches through; one CPU with
 * APIC ID 0, in xAPIC or x2APIC mode as the test says; nothing to mask.
 */
#include "arch/host/host.h"
#include "arch/x86/lapic.h"
#include "arch/x86/trap.h"
#include "lib/spinlock.h"

static irq_handler_t vec_fn[256];
static void *vec_ctx[256];

int irq_alloc_vector(irq_handler_t fn, void *ctx)
{
	for (int v = 0x40; v < 0xf0; v++) {
		if (!vec_fn[v]) {
			vec_fn[v] = fn;
			vec_ctx[v] = ctx;
			return v;
		}
	}
	return -1;
}

void irq_unregister(int vector)
{
	vec_fn[vector] = NULL;
}

void host_msi(u32 data)
{
	if (vec_fn[data & 0xff])
		vec_fn[data & 0xff](NULL, vec_ctx[data & 0xff]);
}

static bool x2apic;

void host_set_x2apic(bool on)
{
	x2apic = on;
}

u32 lapic_id(void)
{
	return 0;
}

bool lapic_x2apic(void)
{
	return x2apic;
}

u64 msi_addr(u32 apic_id)
{
	return 0xfee00000ULL | apic_id << 12;
}

u32 msi_data(int vector)
{
	return (u32)vector;
}

struct lockdep_ctx *arch_lockdep_ctx(void)
{
	static __thread struct lockdep_ctx ctx;

	return &ctx;
}

unsigned long arch_irq_save(void)
{
	return 0;
}

void arch_irq_restore(unsigned long flags)
{
}
