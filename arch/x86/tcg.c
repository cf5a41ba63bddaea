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
 * of the TLB and reloads CR3, five times: 256 -> 8192 entries, after every
 * CR3 load (docs/DESIGN.md, "What TCG charges").
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

bool tcg_tlb_growing(void)
{
	return grow_base != 0;
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

/* Whether [s, e) meets a region of map other than a usable one (the sanitized map may overlap). */
static const struct mem_region *not_usable_in(const struct mem_region *map, int n, u64 s, u64 e)
{
	for (int j = 0; j < n; j++)
		if (map[j].type != MEM_USABLE && map[j].base < e &&
		    (map[j].base >= s || s - map[j].base < map[j].len))
			return &map[j];
	return NULL;
}

phys_addr_t tcg_grow_region(const struct mem_region *map, int n, u64 len)
{
	for (int i = 0; i < n; i++) {
		const struct mem_region *r = &map[i], *o;
		u64 s = max(ALIGN(r->base, PAGE_SIZE), (u64)16 << 20), e = r->base + r->len;

		if (r->type != MEM_USABLE || r->len > ~0ULL - r->base)
			continue;
		/* past each other region over it (kpt.c maps none of that); o ends above s */
		while (s < e && e - s >= len && (o = not_usable_in(map, n, s, s + len))) {
			if (o->len > e - o->base || o->base + o->len > e - len)
				break;	/* no room left above it */
			s = ALIGN(o->base + o->len, PAGE_SIZE);
		}
		if (s < e && e - s >= len && !not_usable_in(map, n, s, s + len))
			return s;
	}
	return 0;
}

void tcg_init(void)
{
	char word[8];

	tcg = cpuid_says_tcg();
	if (!tcg || (cmdline_get("tcg_tlb", word, sizeof(word)) && !strcmp(word, "off")))
		return;
	/* read only, so any direct-mapped RAM will do */
	grow_base = tcg_grow_region(boot_info.mmap, boot_info.nmmap, GROW_PAGES * PAGE_SIZE);
	/*
	 * Not grown now: the first read of a guest page QEMU never backed is a
	 * host fault (12 MiB of them added 40 ms to an empty run's boot). The
	 * first CR3 load, a process's start, pays it once.
	 */
}
