// SPDX-License-Identifier: MIT
/*
 * Kernel page tables and mm_init: builds the final address space (kernel image
 * with W^X, a direct map of all RAM with 2 MiB/1 GiB pages, preallocated MMIO
 * windows), switches to it, then hands free RAM to the page allocator.
 */
#include "arch/x86/mm.h"
#include "arch/x86/console.h"
#include "arch/x86/cpu.h"
#include "arch/x86/x86.h"
#include "boot/bootinfo.h"
#include "lib/spinlock.h"
#include "lib/string.h"

#define IOREMAP_WINDOWS 512	/* 2 MiB windows per attribute: 1 GiB each */

extern char __kernel_phys_start[], __text_start[], __text_end[], __kernel_end[];
extern char __rodata_start[], __rodata_end[];

static u64 *kroot;
static phys_addr_t ram_top;
static u64 early_next, early_end, early_start;
static bool early_phase = true;

/* MMIO window tables: index 0 uncached, 1 write-back. */
static u64 *win_pd[2];
static u64 win_pa[2][IOREMAP_WINDOWS];
static int win_used[2];

static void *pt_va(phys_addr_t pa)
{
	/* before the switch, the low 4 GiB are identity mapped */
	return early_phase ? (void *)(uintptr_t)pa : phys_to_virt(pa);
}

static phys_addr_t early_alloc(size_t bytes)
{
	phys_addr_t pa = early_next;

	bytes = ALIGN(bytes, PAGE_SIZE);
	if (early_next + bytes > early_end)
		panic("early_alloc: boot memory region exhausted");
	early_next += bytes;
	memset(pt_va(pa), 0, bytes);
	return pa;
}

void *phys_to_virt(phys_addr_t pa)
{
	return (void *)(uintptr_t)(pa + DIRECT_MAP_BASE);
}

phys_addr_t virt_to_phys(const void *va)
{
	u64 v = (u64)(uintptr_t)va;

	if (v >= KERNEL_VMA)
		return v - KERNEL_VMA;
	if (v >= DIRECT_MAP_BASE && v < DIRECT_MAP_BASE + ram_top)
		return v - DIRECT_MAP_BASE;
	panic("virt_to_phys: %p is neither direct-mapped nor in the image", va);
}

bool mm_is_direct_mapped(u64 va, size_t len)
{
	return va >= DIRECT_MAP_BASE && va + len <= DIRECT_MAP_BASE + ram_top &&
	       pmm_is_ram(va - DIRECT_MAP_BASE);
}

phys_addr_t mm_ram_top(void)
{
	return ram_top;
}

phys_addr_t kpt_root(void)
{
	return (u64)(uintptr_t)kroot - (early_phase ? 0 : DIRECT_MAP_BASE);
}

/* Entry at 'level' (4 = PML4 .. 1 = PT) for va, creating tables on the way. */
static u64 *walk_create(u64 va, int level)
{
	u64 *table = kroot;

	for (int l = 4; l > level; l--) {
		u64 *e = &table[(va >> (12 + 9 * (l - 1))) & 511];

		if (!(*e & PTE_P))
			*e = early_alloc(PAGE_SIZE) | PTE_P | PTE_W;
		if (*e & PTE_PS)
			panic("walk_create: %#llx is inside a large page", (unsigned long long)va);
		table = pt_va(*e & PTE_ADDR);
	}
	return &table[(va >> (12 + 9 * (level - 1))) & 511];
}

static void map_page(u64 va, phys_addr_t pa, int level, u64 flags)
{
	*walk_create(va, level) = pa | flags | PTE_P | (level > 1 ? PTE_PS : 0);
}

static bool range_is_ram(phys_addr_t s, phys_addr_t e)
{
	/* true when every byte of [s, e) is in a RAM-type region and in no other */
	for (int i = 0; i < boot_info.nmmap; i++) {
		const struct mem_region *r = &boot_info.mmap[i];
		bool ram = r->type == MEM_USABLE || r->type == MEM_ACPI || r->type == MEM_NVS;

		if (!ram && r->base < e && r->base + r->len > s)
			return false;
	}
	while (s < e) {
		bool found = false;

		for (int i = 0; i < boot_info.nmmap && !found; i++) {
			const struct mem_region *r = &boot_info.mmap[i];
			bool ram = r->type == MEM_USABLE || r->type == MEM_ACPI ||
				   r->type == MEM_NVS;

			if (ram && r->base <= s && s < r->base + r->len) {
				s = r->base + r->len;
				found = true;
			}
		}
		if (!found)
			return false;
	}
	return true;
}

static void map_direct(void)
{
	u64 nx = cpu_feat.nx ? PTE_NX : 0;
	u64 big = cpu_feat.pdpe1gb ? (1ULL << 30) : 0;

	for (phys_addr_t pa = 0; pa < ram_top;) {
		if (big && IS_ALIGNED(pa, big) && pa + big <= ram_top &&
		    range_is_ram(pa, pa + big)) {
			map_page(DIRECT_MAP_BASE + pa, pa, 3, PTE_W | PTE_G | nx);
			pa += big;
		} else if (IS_ALIGNED(pa, HPAGE_SIZE) && pa + HPAGE_SIZE <= ram_top &&
			   range_is_ram(pa, pa + HPAGE_SIZE)) {
			map_page(DIRECT_MAP_BASE + pa, pa, 2, PTE_W | PTE_G | nx);
			pa += HPAGE_SIZE;
		} else {
			if (range_is_ram(pa, pa + PAGE_SIZE))
				map_page(DIRECT_MAP_BASE + pa, pa, 1, PTE_W | PTE_G | nx);
			pa += PAGE_SIZE;
		}
	}
}

static void map_kernel_image(void)
{
	u64 nx = cpu_feat.nx ? PTE_NX : 0;
	u64 start = KERNEL_VMA + (u64)(uintptr_t)__kernel_phys_start;
	u64 ts = (u64)(uintptr_t)__text_start, te = (u64)(uintptr_t)__text_end;
	u64 rs = (u64)(uintptr_t)__rodata_start, re = (u64)(uintptr_t)__rodata_end;

	/* W^X: text is read+exec, rodata read-only, the rest read+write */
	for (u64 va = start; va < (u64)(uintptr_t)__kernel_end; va += PAGE_SIZE) {
		u64 flags = PTE_G;

		if (va >= ts && va < te)
			;
		else if (va >= rs && va < re)
			flags |= nx;
		else
			flags |= PTE_W | nx;
		map_page(va, va - KERNEL_VMA, 1, flags);
	}
}

static void map_windows(void)
{
	for (int k = 0; k < 2; k++) {
		u64 *pdpte = walk_create(IOREMAP_BASE + ((u64)k << 30), 3);
		phys_addr_t pd = early_alloc(PAGE_SIZE);

		*pdpte = pd | PTE_P | PTE_W;
		win_pd[k] = (u64 *)(uintptr_t)pd;	/* fixed up after the switch */
	}
}

static void choose_early_region(void)
{
	u64 kend = (u64)(uintptr_t)__kernel_end - KERNEL_VMA;
	u64 best = 0;

	for (int i = 0; i < boot_info.nmmap; i++) {
		const struct mem_region *r = &boot_info.mmap[i];
		u64 s = max(ALIGN(r->base, PAGE_SIZE), max(kend, 0x100000ULL));
		u64 e = min(ALIGN_DOWN(r->base + r->len, PAGE_SIZE), 1ULL << 32);

		if (r->type != MEM_USABLE || e <= s || !range_is_ram(s, e))
			continue;
		if (e - s > best) {
			best = e - s;
			early_start = early_next = s;
			early_end = e;
		}
	}
	if (!best)
		panic("mm_init: no usable memory below 4 GiB");
}

static void give_free_ram(void)
{
	u64 kstart = (u64)(uintptr_t)__kernel_phys_start;
	u64 kend = (u64)(uintptr_t)__kernel_end - KERNEL_VMA;

	for (int i = 0; i < boot_info.nmmap; i++) {
		const struct mem_region *r = &boot_info.mmap[i];
		u64 s = ALIGN(r->base, PAGE_SIZE), e = ALIGN_DOWN(r->base + r->len, PAGE_SIZE);

		if (r->type != MEM_USABLE)
			continue;
		/* the low 1 MiB stays reserved (BIOS data, AP trampoline) */
		s = max(s, 0x100000ULL);
		for (u64 p = s; p < e;) {
			u64 q = p;

			/* skip the kernel image and the boot allocations */
			if ((p >= kstart && p < kend) || (p >= early_start && p < early_next) ||
			    !range_is_ram(p, p + PAGE_SIZE)) {
				pmm_mark_ram(p >> PAGE_SHIFT, (p >> PAGE_SHIFT) + 1);
				p += PAGE_SIZE;
				continue;
			}
			while (q < e && !(q >= kstart && q < kend) &&
			       !(q >= early_start && q < early_next))
				q += PAGE_SIZE;
			pmm_add_range(p >> PAGE_SHIFT, q >> PAGE_SHIFT);
			p = q;
		}
	}
}

void mm_init(void)
{
	phys_addr_t parray;
	size_t npfn;

	for (int i = 0; i < boot_info.nmmap; i++) {
		const struct mem_region *r = &boot_info.mmap[i];

		if (r->type == MEM_USABLE || r->type == MEM_ACPI || r->type == MEM_NVS)
			ram_top = max(ram_top, r->base + r->len);
	}
	ram_top = ALIGN_DOWN(ram_top, PAGE_SIZE);
	choose_early_region();
	npfn = ram_top >> PAGE_SHIFT;
	parray = early_alloc(npfn * pmm_page_struct_size());
	kroot = (u64 *)(uintptr_t)early_alloc(PAGE_SIZE);
	map_kernel_image();
	map_direct();
	map_windows();
	write_cr3((u64)(uintptr_t)kroot);
	early_phase = false;
	kroot = phys_to_virt((u64)(uintptr_t)kroot);
	for (int k = 0; k < 2; k++)
		win_pd[k] = phys_to_virt((u64)(uintptr_t)win_pd[k]);
	pmm_setup(phys_to_virt(parray), npfn);
	give_free_ram();
}

static DEFINE_SPINLOCK(remap_lock);	/* the windows: several CPUs map devices */

static void *remap(phys_addr_t pa, size_t len, int kind)
{
	phys_addr_t first = ALIGN_DOWN(pa, HPAGE_SIZE);
	phys_addr_t last = ALIGN_DOWN(pa + (len ? len : 1) - 1, HPAGE_SIZE);
	u64 nchunks = (last - first) / HPAGE_SIZE + 1;
	u64 flags = PTE_P | PTE_W | PTE_PS | (kind == 0 ? PTE_PCD | PTE_PWT : 0) |
		    (cpu_feat.nx ? PTE_NX : 0);
	unsigned long f;
	int slot = -1;

	spin_lock_irqsave(&remap_lock, f);
	/* reuse an existing run of windows that covers the whole range */
	for (int i = 0; i + (int)nchunks <= win_used[kind] && slot < 0; i++) {
		u64 c = 0;

		while (c < nchunks && win_pa[kind][i + c] == first + c * HPAGE_SIZE)
			c++;
		if (c == nchunks)
			slot = i;
	}
	if (slot < 0) {
		if (win_used[kind] + nchunks > IOREMAP_WINDOWS)
			panic("remap: MMIO windows exhausted at %#llx", (unsigned long long)pa);
		slot = win_used[kind];
		for (u64 c = 0; c < nchunks; c++) {
			win_pa[kind][slot + c] = first + c * HPAGE_SIZE;
			win_pd[kind][slot + c] = (first + c * HPAGE_SIZE) | flags;
		}
		win_used[kind] += (int)nchunks;
	}
	spin_unlock_irqrestore(&remap_lock, f);
	return (void *)(uintptr_t)(IOREMAP_BASE + ((u64)kind << 30) +
				   (u64)slot * HPAGE_SIZE + (pa - first));
}

void *ioremap(phys_addr_t pa, size_t len)
{
	return remap(pa, len, 0);
}

void *memremap(phys_addr_t pa, size_t len)
{
	return remap(pa, len, 1);
}
