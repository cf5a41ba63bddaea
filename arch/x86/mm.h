/* SPDX-License-Identifier: MIT */
/*
 * Physical memory and kernel address space: the page allocator (pmm_),
 * kernel page tables (kpt_) with the direct map of all RAM, MMIO remapping,
 * and kmalloc. Counters here feed the per-test leak check.
 */
#ifndef ARCH_X86_MM_H
#define ARCH_X86_MM_H

#include "lib/alloc.h"
#include "lib/types.h"
#include "boot/boot.h"

#define PAGE_SHIFT	12
#define PAGE_SIZE	4096UL
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define HPAGE_SIZE	(2UL << 20)

#define DIRECT_MAP_BASE	0xffff800000000000ULL	/* all RAM, PML4 slot 256 */
#define IOREMAP_BASE	0xffffc00000000000ULL	/* MMIO windows, PML4 slot 384 */
#define USER_TOP	0x0000800000000000ULL

#define PMM_MAX_ORDER	10			/* largest block: 4 MiB */

/* Page-table entry bits (x86-64 4-level paging). */
#define PTE_P		(1ULL << 0)
#define PTE_W		(1ULL << 1)
#define PTE_U		(1ULL << 2)
#define PTE_PWT		(1ULL << 3)
#define PTE_PCD		(1ULL << 4)
#define PTE_A		(1ULL << 5)
#define PTE_D		(1ULL << 6)
#define PTE_PS		(1ULL << 7)
#define PTE_G		(1ULL << 8)
#define PTE_NX		(1ULL << 63)
#define PTE_ADDR	0x000ffffffffff000ULL

/* The direct-map pointer to physical address pa (hosted: the address itself). */
void *phys_to_virt(phys_addr_t pa);

/* Physical address of a direct-map or kernel-image pointer. */
phys_addr_t virt_to_phys(const void *va);

void mm_init(void);
/* QEMU's TCG (arch/x86/tcg.c): detect it and grow its software TLB (tcg_tlb=off: never). */
void tcg_init(void);
bool cpu_is_tcg(void);
/* After a CR3 load: TCG may have shrunk its TLB; grow it back. Nothing elsewhere. */
void tcg_tlb_grow(void);
unsigned long tcg_tlb_grows(void);
/* Whether tcg_tlb_grow() does anything: TCG, tcg_tlb not off, RAM to read found. */
bool tcg_tlb_growing(void);
/* The first len bytes of usable RAM from 16 MiB up that no other region overlaps (0: none). */
struct mem_region;
phys_addr_t tcg_grow_region(const struct mem_region *map, int n, u64 len);
bool mm_is_direct_mapped(u64 va, size_t len);
/* Highest RAM address + 1. */
phys_addr_t mm_ram_top(void);

/* Page allocator. Returns zeroed blocks; 0 means out of memory. */
phys_addr_t pmm_alloc(unsigned int order);
#define PMM_NOZERO	1	/* caller overwrites the block anyway */
phys_addr_t pmm_alloc_flags(unsigned int order, unsigned int flags);
void pmm_free(phys_addr_t pa, unsigned int order);
/* Extra references (pins) on any page of an allocated block. */
void page_get(phys_addr_t pa);
void page_put(phys_addr_t pa);
/* n references at once, all on the block holding pa. */
void page_get_many(phys_addr_t pa, unsigned long n);
void page_put_many(phys_addr_t pa, unsigned long n);
/* One reference on each of pa[0..n-1], pages of any blocks (a pin of n user pages). */
void page_get_each(const phys_addr_t *pa, unsigned long n);
/*
 * One reference off each of pa[0], pa[1]... (at most n) while they are
 * consecutive pages of pa[0]'s block: one block lookup; how many it took.
 */
unsigned long page_put_run(const phys_addr_t *pa, unsigned long n);
int page_refcount(phys_addr_t pa);
bool pmm_is_ram(phys_addr_t pa);
u64 pmm_free_pages(void);
u64 pmm_total_pages(void);
/* Fail the n-th allocation from now (fault injection); 0 disables. */
void pmm_fail_nth(u64 n);

/* Direct-map pointer helpers. */
void *page_alloc_va(unsigned int order);
void page_free_va(void *va, unsigned int order);

/*
 * Map physical ranges that are not in the direct map. ioremap is uncached
 * (device registers); memremap is write-back (firmware tables). 2 MiB
 * windows are reused, so remapping never allocates after boot.
 */
void *ioremap(phys_addr_t pa, size_t len);
void *memremap(phys_addr_t pa, size_t len);

/* The kernel's top-level table (user address spaces copy its upper half). */
phys_addr_t kpt_root(void);

#endif

/* Used only between mm_init (kpt.c), pmm.c and kmalloc.c. */
struct page;
void pmm_setup(struct page *array, u64 npfn);
size_t pmm_page_struct_size(void);
void pmm_add_range(u64 start_pfn, u64 end_pfn);
void pmm_mark_ram(u64 start_pfn, u64 end_pfn);
bool pmm_page_is_slab(phys_addr_t pa, u16 *cls);
void pmm_page_set_slab(phys_addr_t pa, u16 cls);
unsigned int pmm_block_order(phys_addr_t pa);
