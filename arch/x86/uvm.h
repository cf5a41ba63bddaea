/* SPDX-License-Identifier: MIT */
/*
 * User address spaces (uvm_): a PML4 per process sharing the kernel half,
 * mapped areas (anonymous 4K, 2M huge, device MMIO; private or shared),
 * their copy for fork, and pinning of user pages for DMA. No process or
 * syscall logic here.
 */
#ifndef ARCH_X86_UVM_H
#define ARCH_X86_UVM_H

#include "lib/list.h"
#include "lib/types.h"

#define USER_MIN	0x10000ULL		/* nothing is mapped below */
#define USER_MAX	0x00007ffffffff000ULL	/* end of the lowest half, minus a guard */
#define USER_MMAP_BASE	0x0000100000000000ULL	/* mmap without a hint starts here */
#define USER_STACK_TOP	0x00007fffff000000ULL
#define USER_STACK_SIZE	(256 * 1024UL)

/* Area protection: the mmap PROT_* values. */
#define UVM_READ	0x1
#define UVM_WRITE	0x2
#define UVM_EXEC	0x4

/* uvm_map() flags. */
#define UVM_FIXED	0x1	/* exactly at addr, replacing what is there */
#define UVM_NOREPLACE	0x2	/* exactly at addr, -EEXIST if anything is there */
#define UVM_HUGE	0x4	/* anonymous 2 MiB pages */
#define UVM_MMIO	0x8	/* device memory at pa, uncached, never pinnable */
#define UVM_SHARED	0x10	/* anonymous memory fork shares (MAP_SHARED) instead of copying */

enum uvm_kind { UVM_ANON, UVM_HUGEPAGE, UVM_IO };

/*
 * What a device mapping keeps alive, as a Linux VMA keeps its file: each
 * area (and each piece a split makes) holds one reference on obj.
 */
struct uvm_owner_ops {
	void (*get)(void *obj);
	void (*put)(void *obj);
};

/* A mapped range, like Linux's vm_area_struct. */
struct uvm_area {
	struct list_head node;	/* in uvm::areas, sorted by start */
	u64 start, end;		/* [start, end), aligned to the area's page size */
	u32 prot;		/* UVM_READ | UVM_WRITE | UVM_EXEC */
	enum uvm_kind kind;
	bool shared;		/* anonymous MAP_SHARED: fork shares the pages */
	phys_addr_t io_pa;	/* UVM_IO: physical address mapped at start */
	const struct uvm_owner_ops *owner_ops;	/* NULL: nothing held */
	void *owner;		/* UVM_IO: e.g. the device file it came from */
};

/*
 * One process's address space. Its process holds a reference, and so does
 * every pages object of the core that pins from it (Linux's mmgrab): once
 * the process is gone (uvm_unmap_all) the struct stays until the last put,
 * empty, so a later pin from it fails with EFAULT.
 */
struct uvm {
	u64 *pml4;		/* direct-map pointer to the top table */
	struct list_head areas;	/* struct uvm_area, sorted, non-overlapping */
	u64 memlock_limit;	/* RLIMIT_MEMLOCK in pages: what pin accounting allows */
	u64 table_pages;	/* page-table pages below the PML4 */
	int refs;		/* atomic: the process and the pins' sources */
};

/* New empty address space (one reference); NULL when out of memory. */
struct uvm *uvm_create(void);
/*
 * Copy of m for a forked child (its own reference): private memory is
 * copied (a page m has pinned stays m's, as Linux copies pinned pages at
 * fork), shared memory and device mappings are shared (an owner gains a
 * reference per area). NULL when out of memory, nothing left behind.
 */
struct uvm *uvm_fork(struct uvm *m);
/* Another reference on m. */
void uvm_get(struct uvm *m);
/* Drop a reference; the last one frees every page and table m still owns. */
void uvm_put(struct uvm *m);
/*
 * Unmap every area, dropping what they hold (page references, owners). The
 * process must still be current when an owner's last put can unpin pages.
 */
void uvm_unmap_all(struct uvm *m);
/* The owner's end of m: unmap everything and drop its reference (uvm_put). */
void uvm_destroy(struct uvm *m);
/*
 * Load m's page tables into CR3 (NULL: the kernel's own); nothing when they
 * are loaded already. uvm_put() and uvm_destroy() move CR3 off tables they free.
 */
void uvm_activate(struct uvm *m);
/* CR3 loads uvm_activate() did on this CPU since boot (each one empties the TLB). */
u64 uvm_cr3_loads(void);

/*
 * Map len bytes (rounded up to the page size) with prot. Without UVM_FIXED
 * or UVM_NOREPLACE a free range is chosen, at addr if that is free.
 * Anonymous memory is allocated and zeroed now (MAP_POPULATE is what every
 * mapping gets). Returns the address or -EINVAL, -ENOMEM, -EEXIST.
 */
long uvm_map(struct uvm *m, u64 addr, u64 len, u32 prot, u32 flags, phys_addr_t pa);
/* uvm_map() of device memory that holds a reference on owner while mapped. */
long uvm_map_owned(struct uvm *m, u64 addr, u64 len, u32 prot, u32 flags, phys_addr_t pa,
		   const struct uvm_owner_ops *ops, void *owner);
/* munmap(): remove [addr, addr + len); holes are fine. 0, -EINVAL or -ENOMEM. */
int uvm_unmap(struct uvm *m, u64 addr, u64 len);
/*
 * mprotect(): give [addr, addr + len) the protection prot, splitting areas.
 * 0, -EINVAL (unaligned, or a cut inside a huge page) or -ENOMEM (a hole).
 */
int uvm_protect(struct uvm *m, u64 addr, u64 len, u32 prot);
/* The area containing va, or NULL. */
struct uvm_area *uvm_find(struct uvm *m, u64 va);
/* Write into m's memory through the direct map (loader use); 0 or -EFAULT. */
int uvm_write(struct uvm *m, u64 va, const void *src, size_t n);
/*
 * madvise(MADV_DONTNEED) of [addr, addr + len): private anonymous memory
 * reads as zeros again, shared and device memory keep their contents.
 * 0, or -EINVAL (unaligned, or a cut inside a huge page).
 */
int uvm_discard(struct uvm *m, u64 addr, u64 len);

/*
 * Pin npages user pages from va for DMA: take a reference on each physical
 * page and store its address in pa[]. write: the device will write, so a
 * read-only mapping is refused. All or nothing: -EFAULT on a hole, an MMIO or
 * inaccessible page. Accounting against memlock_limit is the caller's.
 * A pinned page outlives its mapping and its address space.
 */
int uvm_pin(struct uvm *m, u64 va, size_t npages, bool write, phys_addr_t *pa);
/* Physical address behind va (no pin); 0 or -EFAULT. */
int uvm_user_to_phys(struct uvm *m, u64 va, phys_addr_t *pa);
/* Drop the pins uvm_pin() took (same pages, same count; any address space). */
void uvm_unpin(const phys_addr_t *pa, size_t npages);
/* Pages pinned from every address space (leak check). */
u64 uvm_pinned_total(void);

#endif
