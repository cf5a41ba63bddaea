// SPDX-License-Identifier: MIT
/*
 * User address spaces: per-process page tables whose upper half is the
 * kernel's (supervisor-only), areas of anonymous, 2 MiB and MMIO memory,
 * their copy at fork, and pinning user pages for DMA. No locking here: the
 * processes of one proc_run share a CPU, and the kernel switches between
 * them only where a system call waits, never inside these functions.
 * Every allocation is a fail point (lib/failpoint.h).
 */
#include "arch/x86/uvm.h"
#include "arch/x86/console.h"
#include "arch/x86/cpu.h"
#include "arch/x86/mm.h"
#include "arch/x86/percpu.h"
#include "arch/x86/x86.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"

#define KERNEL_SLOT	256	/* PML4 entries from here on are the kernel's */
#define PTE_PROTNONE	(1ULL << 9)	/* software bit: page kept, not present (PROT_NONE) */
#define HUGE_ORDER	9
#define MEMLOCK_DEFAULT	((8UL << 20) >> PAGE_SHIFT)	/* Linux's RLIMIT_MEMLOCK */

static u64 pinned_total;

static unsigned int pt_index(u64 va, int level)
{
	return (va >> (12 + 9 * (level - 1))) & 511;
}

static u64 *table_va(u64 entry)
{
	return phys_to_virt(entry & PTE_ADDR);
}

static u64 area_pgsize(const struct uvm_area *a)
{
	return a->kind == UVM_HUGEPAGE ? HPAGE_SIZE : PAGE_SIZE;
}

static bool is_active(struct uvm *m)
{
	return (read_cr3() & PTE_ADDR) == virt_to_phys(m->pml4);
}

/*
 * Entry for va at level (2 = PD, 1 = PT), making the tables above it when
 * alloc is set. NULL when a table is missing or cannot be allocated.
 *
 *   47     39 38     30 29     21 20     12 11       0
 *   | PML4   | PDPT    | PD      | PT      | offset   |
 */
static u64 *walk(struct uvm *m, u64 va, int level, bool alloc)
{
	u64 *table = m->pml4;

	for (int l = 4; l > level; l--) {
		u64 *e = &table[pt_index(va, l)];

		if (!(*e & PTE_P)) {
			phys_addr_t pa = alloc ? failable(pmm_alloc(0)) : 0;

			if (!pa)
				return NULL;
			m->table_pages++;
			*e = pa | PTE_P | PTE_W | PTE_U;
		} else if (*e & PTE_PS) {
			panic("uvm walk: %#llx under a large page at level %d",
			      (unsigned long long)va, l);
		}
		table = table_va(*e);
	}
	return &table[pt_index(va, level)];
}

/* Physical address va translates to, 0 when not present. */
static phys_addr_t translate(struct uvm *m, u64 va)
{
	u64 *table = m->pml4;

	for (int l = 4; l >= 1; l--) {
		u64 e = table[pt_index(va, l)];
		u64 off = l == 2 ? HPAGE_SIZE - 1 : PAGE_SIZE - 1;

		if (!(e & PTE_P))
			return 0;
		if (l == 1 || (l == 2 && (e & PTE_PS)))
			return (e & PTE_ADDR & ~off) + (va & off);
		table = table_va(e);
	}
	return 0;
}

static u64 leaf_flags(const struct uvm_area *a)
{
	u64 f = a->prot ? PTE_P | PTE_U : PTE_PROTNONE;

	if (a->prot & UVM_WRITE)
		f |= PTE_W;
	if (!(a->prot & UVM_EXEC) && cpu_feat.nx)
		f |= PTE_NX;
	if (a->kind == UVM_IO)
		f |= PTE_PCD | PTE_PWT;
	if (a->kind == UVM_HUGEPAGE)
		f |= PTE_PS;
	return f;
}

/* Remove the leaves of a in [from, to), dropping the mapping's page references. */
static void depopulate(struct uvm *m, struct uvm_area *a, u64 from, u64 to)
{
	u64 pgsz = area_pgsize(a);
	int level = pgsz == HPAGE_SIZE ? 2 : 1;
	bool active = is_active(m);

	for (u64 va = from; va < to; va += pgsz) {
		u64 *e = walk(m, va, level, false);

		if (!e || !(*e & (PTE_P | PTE_PROTNONE)))
			continue;
		if (a->kind != UVM_IO)
			page_put(*e & PTE_ADDR);
		*e = 0;
		if (active)
			invlpg(va);
	}
}

/* Back a in [from, to) with pages (or its MMIO range); undone on failure. */
static int populate(struct uvm *m, struct uvm_area *a, u64 from, u64 to)
{
	u64 pgsz = area_pgsize(a), flags = leaf_flags(a);
	int level = pgsz == HPAGE_SIZE ? 2 : 1;

	for (u64 va = from; va < to; va += pgsz) {
		phys_addr_t pa;
		u64 *e;

		if (a->kind == UVM_IO)
			pa = a->io_pa + (va - a->start);
		else
			pa = failable(pmm_alloc(a->kind == UVM_HUGEPAGE ? HUGE_ORDER : 0));
		e = pa ? walk(m, va, level, true) : NULL;
		if (!e) {
			if (pa && a->kind != UVM_IO)
				page_put(pa);
			depopulate(m, a, from, va);
			return -ENOMEM;
		}
		if (level == 2 && (*e & PTE_P) && !(*e & PTE_PS)) {
			/* a page table left empty by earlier 4K unmaps */
			page_free_va(table_va(*e), 0);
			m->table_pages--;
			*e = 0;
			if (is_active(m))
				invlpg(va);
		}
		*e = pa | flags;
	}
	return 0;
}

static bool overlaps(struct uvm *m, u64 addr, u64 len)
{
	struct uvm_area *a;

	list_for_each_entry(a, &m->areas, node)
		if (a->start < addr + len && a->end > addr)
			return true;
	return false;
}

/* Lowest free range of len bytes aligned to align (the hint first); 0 if none. */
static u64 find_free(struct uvm *m, u64 hint, u64 len, u64 align)
{
	struct uvm_area *a;
	u64 start = USER_MMAP_BASE;

	if (hint && IS_ALIGNED(hint, align) && hint >= USER_MIN && hint <= USER_MAX - len &&
	    !overlaps(m, hint, len))
		return hint;
	list_for_each_entry(a, &m->areas, node) {
		if (a->end <= start)
			continue;
		if (a->start >= start + len)
			break;
		start = ALIGN(a->end, align);
	}
	return start <= USER_MAX - len ? start : 0;
}

static void insert_area(struct uvm *m, struct uvm_area *n)
{
	struct uvm_area *a;

	list_for_each_entry(a, &m->areas, node) {
		if (a->start > n->start) {
			list_add_tail(&n->node, &a->node);
			return;
		}
	}
	list_add_tail(&n->node, &m->areas);
}

/* Whether b can continue a: memory of the same kind and protection, nothing held. */
static bool mergeable(const struct uvm_area *a, const struct uvm_area *b)
{
	return a->end == b->start && a->kind == b->kind && a->kind != UVM_IO &&
	       a->prot == b->prot && !a->owner_ops && !b->owner_ops;
}

/*
 * Fold n (just inserted) into a neighbour it continues, as Linux merges
 * VMAs: a range mapped a page at a time stays one area, so finding an
 * address does not grow with the number of mmap calls that made it.
 */
static void merge_area(struct uvm *m, struct uvm_area *n)
{
	struct uvm_area *prev = list_entry(n->node.prev, struct uvm_area, node);
	struct uvm_area *next = list_next_entry(n, node);

	if (&next->node != &m->areas && mergeable(n, next)) {
		n->end = next->end;
		list_del(&next->node);
		kfree(next);
	}
	if (&prev->node != &m->areas && mergeable(prev, n)) {
		prev->end = n->end;
		list_del(&n->node);
		kfree(n);
	}
}

struct uvm_area *uvm_find(struct uvm *m, u64 va)
{
	struct uvm_area *a;

	list_for_each_entry(a, &m->areas, node)
		if (va >= a->start && va < a->end)
			return a;
	return NULL;
}

/* The area's owner gains (get) or loses (put) a reference. */
static void owner_get(const struct uvm_area *a)
{
	if (a->owner_ops)
		a->owner_ops->get(a->owner);
}

static void owner_put(const struct uvm_area *a)
{
	if (a->owner_ops)
		a->owner_ops->put(a->owner);
}

long uvm_map(struct uvm *m, u64 addr, u64 len, u32 prot, u32 flags, phys_addr_t pa)
{
	return uvm_map_owned(m, addr, len, prot, flags, pa, NULL, NULL);
}

long uvm_map_owned(struct uvm *m, u64 addr, u64 len, u32 prot, u32 flags, phys_addr_t pa,
		   const struct uvm_owner_ops *ops, void *owner)
{
	u64 pgsz = (flags & UVM_HUGE) ? HPAGE_SIZE : PAGE_SIZE;
	struct uvm_area *a;
	int ret;

	if (!len || len > USER_MAX - USER_MIN || ((flags & UVM_HUGE) && (flags & UVM_MMIO)) ||
	    !IS_ALIGNED(pa, PAGE_SIZE))
		return -EINVAL;
	len = ALIGN(len, pgsz);
	if (flags & (UVM_FIXED | UVM_NOREPLACE)) {
		if (!IS_ALIGNED(addr, pgsz) || addr < USER_MIN || addr > USER_MAX - len)
			return -EINVAL;
		if (overlaps(m, addr, len)) {
			if (flags & UVM_NOREPLACE)
				return -EEXIST;
			ret = uvm_unmap(m, addr, len);
			if (ret)
				return ret;
		}
	} else {
		addr = find_free(m, addr, len, pgsz);
		if (!addr)
			return -ENOMEM;
	}
	a = failable(kzalloc(sizeof(*a)));
	if (!a)
		return -ENOMEM;
	a->start = addr;
	a->end = addr + len;
	a->prot = prot & (UVM_READ | UVM_WRITE | UVM_EXEC);
	a->kind = (flags & UVM_HUGE) ? UVM_HUGEPAGE : (flags & UVM_MMIO) ? UVM_IO : UVM_ANON;
	a->shared = flags & UVM_SHARED;
	a->io_pa = pa;
	ret = populate(m, a, a->start, a->end);
	if (ret) {
		kfree(a);
		return ret;
	}
	a->owner_ops = ops;
	a->owner = owner;
	owner_get(a);
	insert_area(m, a);
	merge_area(m, a);
	return (long)addr;
}

/* Split a at va (inside it, on a page of a) into [start, va) and [va, end). */
static void split_area(struct uvm_area *a, struct uvm_area *spare, u64 va)
{
	*spare = *a;
	spare->start = va;
	spare->io_pa = a->io_pa + (va - a->start);
	a->end = va;
	list_add(&spare->node, &a->node);
	owner_get(spare);
}

/* A cut at va inside a (not at its ends) must fall on a page of a. */
static bool cut_ok(const struct uvm_area *a, u64 va)
{
	return va <= a->start || va >= a->end || IS_ALIGNED(va, area_pgsize(a));
}

int uvm_unmap(struct uvm *m, u64 addr, u64 len)
{
	struct uvm_area *a, *n, *spare = NULL;
	u64 end;

	if (!IS_ALIGNED(addr, PAGE_SIZE) || !len || len > USER_MAX || addr > USER_MAX - len)
		return -EINVAL;
	end = addr + ALIGN(len, PAGE_SIZE);
	/* check everything first: a failed munmap changes nothing */
	list_for_each_entry(a, &m->areas, node) {
		if (a->end <= addr || a->start >= end)
			continue;
		if (!cut_ok(a, addr) || !cut_ok(a, end))
			return -EINVAL;
		if (a->start < addr && a->end > end) {
			spare = failable(kzalloc(sizeof(*spare)));
			if (!spare)
				return -ENOMEM;
		}
	}
	list_for_each_entry_safe(a, n, &m->areas, node) {
		u64 s = max(a->start, addr), e = min(a->end, end);

		if (s >= e)
			continue;
		depopulate(m, a, s, e);
		if (a->start < s && a->end > e) {
			split_area(a, spare, e);
			spare = NULL;
			a->end = s;
		} else if (a->start < s) {
			a->end = s;
		} else if (a->end > e) {
			a->io_pa += e - a->start;
			a->start = e;
		} else {
			list_del(&a->node);
			owner_put(a);
			kfree(a);
		}
	}
	kfree(spare);
	return 0;
}

/* Give [from, to) of a the protection prot: new leaf bits, same pages. */
static void reprotect(struct uvm *m, struct uvm_area *a, u64 from, u64 to, u32 prot)
{
	u64 pgsz = area_pgsize(a), flags;
	bool active = is_active(m);

	a->prot = prot;
	flags = leaf_flags(a);
	for (u64 va = from; va < to; va += pgsz) {
		u64 *e = walk(m, va, pgsz == HPAGE_SIZE ? 2 : 1, false);

		if (e && (*e & (PTE_P | PTE_PROTNONE)))
			*e = (*e & PTE_ADDR) | flags;
		if (active)
			invlpg(va);
	}
}

int uvm_protect(struct uvm *m, u64 addr, u64 len, u32 prot)
{
	struct uvm_area *a, *spare[2] = { NULL, NULL };
	u64 end, covered;
	int ret = 0;

	if (!IS_ALIGNED(addr, PAGE_SIZE) || len > USER_MAX || addr > USER_MAX - len)
		return -EINVAL;
	end = addr + ALIGN(len, PAGE_SIZE);
	covered = addr;
	/* check first: the range must be mapped without holes, cuts on page sizes */
	list_for_each_entry(a, &m->areas, node) {
		if (a->end <= addr || a->start >= end)
			continue;
		if (a->start > covered)
			return -ENOMEM;
		if (!cut_ok(a, addr) || !cut_ok(a, end))
			return -EINVAL;
		covered = a->end;
	}
	if (covered < end)
		return -ENOMEM;
	for (int i = 0; i < 2; i++)
		if (!(spare[i] = failable(kzalloc(sizeof(*spare[i])))))
			ret = -ENOMEM;
	if (ret)
		goto out;
	list_for_each_entry(a, &m->areas, node) {
		if (a->end <= addr || a->start >= end)
			continue;
		if (a->start < addr) {
			split_area(a, spare[0], addr);
			spare[0] = NULL;
			continue;	/* the next one is the part inside */
		}
		if (a->end > end) {
			split_area(a, spare[1], end);
			spare[1] = NULL;
		}
		reprotect(m, a, a->start, a->end, prot & (UVM_READ | UVM_WRITE | UVM_EXEC));
	}
out:
	kfree(spare[0]);
	kfree(spare[1]);
	return ret;
}

int uvm_write(struct uvm *m, u64 va, const void *src, size_t n)
{
	const u8 *s = src;

	while (n) {
		struct uvm_area *a = uvm_find(m, va);
		phys_addr_t pa = translate(m, va);
		size_t chunk = min_t(size_t, n, PAGE_SIZE - (va & (PAGE_SIZE - 1)));

		if (!a || a->kind == UVM_IO || !pa)
			return -EFAULT;
		memcpy(phys_to_virt(pa), s, chunk);
		va += chunk;
		s += chunk;
		n -= chunk;
	}
	return 0;
}

/*
 * Pin up to max present 4K pages from va on that share va's page table
 * (one walk, then the entries in a row); how many, 0 when va is absent.
 */
static size_t pin_pte_run(struct uvm *m, u64 va, size_t max, phys_addr_t *pa)
{
	u64 *pte = walk(m, va, 1, false);
	size_t n = 0, left = 512 - pt_index(va, 1);	/* entries of a table */

	for (max = min(max, left); pte && n < max && (pte[n] & PTE_P); n++)
		pa[n] = pte[n] & PTE_ADDR;
	page_get_each(pa, n);	/* one pass, no per-page call */
	return n;
}

int uvm_pin(struct uvm *m, u64 va, size_t npages, bool write, phys_addr_t *pa)
{
	struct uvm_area *a = NULL;
	size_t i;
	u64 len, end;

	if (!IS_ALIGNED(va, PAGE_SIZE))
		return -EINVAL;
	if (check_mul_overflow((u64)npages, PAGE_SIZE, &len) ||
	    check_add_overflow(va, len, &end) || end > USER_MAX)
		return -EFAULT;
	for (i = 0; i < npages;) {
		u64 v = va + i * PAGE_SIZE;
		size_t n = 1;

		if (!a || v >= a->end)
			a = uvm_find(m, v);
		if (!a || a->kind == UVM_IO || !a->prot || (write && !(a->prot & UVM_WRITE)))
			goto fault;
		if (a->kind != UVM_HUGEPAGE) {
			/* 4K pages: one walk for the rest of this page table and the area */
			n = pin_pte_run(m, v, min_t(size_t, npages - i, (a->end - v) / PAGE_SIZE),
					&pa[i]);
			if (!n)
				goto fault;
			i += n;
			continue;
		}
		pa[i] = translate(m, v);
		if (!pa[i])
			goto fault;
		/* a 2 MiB page: one walk and one reference update for all of it */
		n = min_t(size_t, npages - i, (HPAGE_SIZE - (v & (HPAGE_SIZE - 1))) / PAGE_SIZE);
		for (size_t k = 1; k < n; k++)
			pa[i + k] = pa[i] + k * PAGE_SIZE;
		page_get_many(pa[i], n);
		i += n;
	}
	__atomic_add_fetch(&pinned_total, npages, __ATOMIC_RELAXED);
	return 0;
fault:
	while (i--)
		page_put(pa[i]);
	return -EFAULT;
}

int uvm_user_to_phys(struct uvm *m, u64 va, phys_addr_t *pa)
{
	struct uvm_area *a = va < USER_MAX ? uvm_find(m, va) : NULL;
	phys_addr_t p = a && a->kind != UVM_IO ? translate(m, va) : 0;

	if (!p)
		return -EFAULT;
	*pa = p;
	return 0;
}

void uvm_unpin(const phys_addr_t *pa, size_t npages)
{
	if (WARN_ON(npages > uvm_pinned_total()))
		npages = uvm_pinned_total();
	/* consecutive pages of one block (a 2 MiB page) drop their pins at once */
	for (size_t i = 0; i < npages;)
		i += page_put_run(&pa[i], npages - i);
	__atomic_sub_fetch(&pinned_total, npages, __ATOMIC_RELAXED);
}

u64 uvm_pinned_total(void)
{
	return __atomic_load_n(&pinned_total, __ATOMIC_RELAXED);
}

struct uvm *uvm_create(void)
{
	struct uvm *m = failable(kzalloc(sizeof(*m)));

	if (!m)
		return NULL;
	m->pml4 = failable(page_alloc_va(0));
	if (!m->pml4) {
		kfree(m);
		return NULL;
	}
	INIT_LIST_HEAD(&m->areas);
	m->memlock_limit = MEMLOCK_DEFAULT;
	m->refs = 1;
	return m;
}

/* Give the new area n of m the pages of src's area a: shared ones referenced, private ones copied. */
static int fork_pages(struct uvm *m, struct uvm *src, const struct uvm_area *a)
{
	u64 pgsz = area_pgsize(a);
	int level = pgsz == HPAGE_SIZE ? 2 : 1;

	for (u64 va = a->start; va < a->end; va += pgsz) {
		u64 *se = walk(src, va, level, false), *de;
		phys_addr_t pa;

		if (!se || !(*se & (PTE_P | PTE_PROTNONE)))
			continue;
		pa = *se & PTE_ADDR;
		if (a->kind != UVM_IO && !a->shared) {
			phys_addr_t copy = failable(pmm_alloc_flags(level == 2 ? HUGE_ORDER : 0, PMM_NOZERO));

			if (!copy)
				return -ENOMEM;
			memcpy(phys_to_virt(copy), phys_to_virt(pa), pgsz);
			pa = copy;
		} else if (a->kind != UVM_IO) {
			page_get(pa);
		}
		de = walk(m, va, level, true);
		if (!de) {
			if (a->kind != UVM_IO)
				page_put(pa);
			return -ENOMEM;
		}
		*de = pa | (*se & ~PTE_ADDR);
	}
	return 0;
}

struct uvm *uvm_fork(struct uvm *src)
{
	struct uvm *m = uvm_create();
	struct uvm_area *a;

	if (!m)
		return NULL;
	m->memlock_limit = src->memlock_limit;
	list_for_each_entry(a, &src->areas, node) {
		struct uvm_area *n = failable(kzalloc(sizeof(*n)));

		if (!n)
			goto err;
		*n = *a;
		/* in the list, with its owner reference, before its pages: a failure unmaps it */
		list_add_tail(&n->node, &m->areas);
		owner_get(n);
		if (fork_pages(m, src, a))
			goto err;
	}
	return m;
err:
	uvm_destroy(m);
	return NULL;
}

void uvm_get(struct uvm *m)
{
	__atomic_add_fetch(&m->refs, 1, __ATOMIC_RELAXED);
}

u64 uvm_cr3_loads(void)
{
	return this_cpu()->cr3_loads;
}

/*
 * A CR3 write empties the TLB; loading what is already loaded would do
 * only that. (Under TCG each one also lets QEMU resize its software TLB to
 * what was used since the last: a scheduler tick that reloaded CR3 while
 * ring 3 ran shrank it to 64 entries, and the next 200 ms of system calls
 * ran 30% slower until it grew back. tcg_tlb_grow() grows it again.)
 */
static void load_cr3(phys_addr_t root)
{
	if ((read_cr3() & PTE_ADDR) == root)
		return;
	this_cpu()->cr3_loads++;
	write_cr3(root);
	tcg_tlb_grow();
}

void uvm_activate(struct uvm *m)
{
	u64 *kroot = phys_to_virt(kpt_root());

	if (!m) {
		load_cr3(kpt_root());
		return;
	}
	if (is_active(m))
		return;
	/* kernel half: the same tables, so later kernel mappings show up too */
	memcpy(m->pml4 + KERNEL_SLOT, kroot + KERNEL_SLOT, (512 - KERNEL_SLOT) * sizeof(u64));
	load_cr3(virt_to_phys(m->pml4));
}

static void free_tables(struct uvm *m, u64 *table, int level)
{
	for (int i = 0; i < 512 && level > 1; i++)
		if ((table[i] & PTE_P) && !(table[i] & PTE_PS))
			free_tables(m, table_va(table[i]), level - 1);
	page_free_va(table, 0);
	m->table_pages--;
}

void uvm_unmap_all(struct uvm *m)
{
	struct uvm_area *a, *n;

	list_for_each_entry_safe(a, n, &m->areas, node) {
		depopulate(m, a, a->start, a->end);
		list_del(&a->node);
		owner_put(a);
		kfree(a);
	}
}

void uvm_put(struct uvm *m)
{
	int left = __atomic_sub_fetch(&m->refs, 1, __ATOMIC_ACQ_REL);

	if (WARN_ON(left < 0) || left)
		return;
	if (is_active(m))
		uvm_activate(NULL);
	uvm_unmap_all(m);
	for (int i = 0; i < KERNEL_SLOT; i++)
		if (m->pml4[i] & PTE_P)
			free_tables(m, table_va(m->pml4[i]), 3);
	WARN_ON(m->table_pages != 0);
	page_free_va(m->pml4, 0);
	kfree(m);
}

void uvm_destroy(struct uvm *m)
{
	if (!m)
		return;
	if (is_active(m))
		uvm_activate(NULL);
	uvm_unmap_all(m);
	uvm_put(m);
}

/*
 * A private page at va reads as zeros again. One someone else holds too (a
 * pin) is replaced by a fresh page, as Linux zaps the mapping and leaves
 * the pinned page to its pinner: 0 or -EAGAIN.
 */
static int zero_page_at(struct uvm *m, struct uvm_area *a, u64 va)
{
	u64 pgsz = area_pgsize(a), *e = walk(m, va, pgsz == HPAGE_SIZE ? 2 : 1, false);
	phys_addr_t pa, fresh;

	if (!e || !(*e & (PTE_P | PTE_PROTNONE)))
		return 0;
	pa = *e & PTE_ADDR;
	if (page_refcount(pa) == 1) {
		memset(phys_to_virt(pa), 0, pgsz);
		return 0;
	}
	fresh = failable(pmm_alloc(pgsz == HPAGE_SIZE ? HUGE_ORDER : 0));
	if (!fresh)
		return -EAGAIN;
	*e = fresh | (*e & ~PTE_ADDR);
	if (is_active(m))
		invlpg(va);
	page_put(pa);
	return 0;
}

int uvm_discard(struct uvm *m, u64 addr, u64 len)
{
	struct uvm_area *a;
	u64 end;
	int ret = 0;

	if (!IS_ALIGNED(addr, PAGE_SIZE) || len > USER_MAX || addr > USER_MAX - len)
		return -EINVAL;
	end = addr + ALIGN(len, PAGE_SIZE);
	list_for_each_entry(a, &m->areas, node)
		if (a->end > addr && a->start < end && (!cut_ok(a, addr) || !cut_ok(a, end)))
			return -EINVAL;
	list_for_each_entry(a, &m->areas, node) {
		if (a->end <= addr || a->start >= end || a->kind == UVM_IO || a->shared)
			continue;
		for (u64 va = max(a->start, addr); va < min(a->end, end) && !ret;
		     va += area_pgsize(a))
			ret = zero_page_at(m, a, va);
	}
	return ret;
}
