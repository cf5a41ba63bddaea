// SPDX-License-Identifier: MIT
/*
 * What the kernel does for QEMU's TCG. TCG emulates the TLB in software,
 * direct-mapped by the low bits of the page number: 256 entries per CPU
 * mode at start, resized only when the whole TLB is flushed (a CR3 write),
 * doubled when more than 70% of it was used since the last resize, shrunk
 * to fit after 100 ms of less than 30% (QEMU 7.2 tlb_mmu_resize_locked).
 * A kernel that rarely reloads CR3 keeps 256 entries, where two hot pages
 * whose page numbers agree in their low 8 bits evict each other on every
 * access. Which pages collide changes with each link and allocation: one
 * build's 4K map ran 40% slower than the next. tcg_tlb_grow() fills 3/4
 * of the TLB and reloads CR3, five times: 256 -> 8192 entries, after the
 * boot and after every CR3 load (docs/DESIGN.md, "What TCG charges").
 */
#include "arch/x86/mm.h"
#include "arch/x86/x86.h"
#include "boot/bootinfo.h"
#include "boot/cmdline.h"
#include "lib/string.h"

#define GROW_FIRST	256		/* QEMU's CPU_TLB_DYN_DEFAULT_BITS */
#define GROW_LAST	4096		/* grown from this one, to twice it */
#define GROW_PAGES	(GROW_LAST * 3 / 4 + 8)

static bool tcg;
static phys_addr_t grow_base;		/* usable RAM of GROW_PAGES pages; 0: none */
static unsigned long grows;

/* QEMU's TCG: the hypervisor bit, and leaf 0x40000000 says "TCGTCGTCGTCG". */
static bool cpuid_says_tcg(void)
{
	u32 a, b, c, d;
	char sig[12];

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & (1u << 31)))
		return false;	/* bare metal: leaves 0x4000000x are not a hypervisor's */
	cpuid(0x40000000, 0, &a, &b, &c, &d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	return !memcmp(sig, "TCGTCGTCGTCG", 12);
}

bool cpu_is_tcg(void)
{
	return tcg;
}

unsigned long tcg_tlb_grows(void)
{
	return grows;
}

void tcg_tlb_grow(void)
{
	volatile const u8 *base;

	if (!grow_base)
		return;
	base = phys_to_virt(grow_base);
	for (unsigned int size = GROW_FIRST; size <= GROW_LAST; size *= 2) {
		/* consecutive pages take consecutive entries: over 70% of them */
		for (unsigned int i = 0; i < size * 3 / 4 + 8; i++)
			(void)base[(u64)i * PAGE_SIZE];
		write_cr3(read_cr3());	/* the same tables: only the flush, and the resize */
	}
	__atomic_fetch_add(&grows, 1, __ATOMIC_RELAXED);
}

void tcg_init(void)
{
	char word[8];

	tcg = cpuid_says_tcg();
	if (!tcg || (cmdline_get("tcg_tlb", word, sizeof(word)) && !strcmp(word, "off")))
		return;
	/* read only, so any RAM will do: the first usable run above 16 MiB long enough */
	for (int i = 0; i < boot_info.nmmap && !grow_base; i++) {
		const struct mem_region *r = &boot_info.mmap[i];
		u64 start = max(ALIGN(r->base, PAGE_SIZE), (u64)16 << 20);

		if (r->type == MEM_USABLE && start + GROW_PAGES * PAGE_SIZE <= r->base + r->len)
			grow_base = start;
	}
	tcg_tlb_grow();
}
