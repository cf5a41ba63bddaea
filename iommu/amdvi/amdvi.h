/* SPDX-License-Identifier: MIT */
/*
 * AMD-Vi driver internals: the unit, domain and device structures and the
 * prototypes of each part (pgtable, devtab, cmd, event, init), grouped by file.
 * Lock order: amdvi_domain.lock -> amdvi_unit.cmd_lock -> amdvi_unit.evt_lock;
 * amdvi_unit.ir_lock is never held across a command (it guards tables and bitmaps).
 */
#ifndef IOMMU_AMDVI_AMDVI_H
#define IOMMU_AMDVI_AMDVI_H

#include "arch/x86/mm.h"
#include "iommu/amdvi/amdvi_regs.h"
#include "iommu/iommu.h"
#include "iommu/irq_remap.h"
#include "lib/list.h"
#include "lib/spinlock.h"

#define AMDVI_MAX_UNITS		16

struct ivrs_table;

/* Physical <-> virtual for table memory (hosted, arch/host: identity). */
static inline void *amdvi_va(phys_addr_t pa)
{
	return phys_to_virt(pa);
}

static inline phys_addr_t amdvi_pa(const void *va)
{
	return virt_to_phys(va);
}

/* ---- amdvi_pgtable.c: host (v1) I/O page tables, no hardware access ---- */

/*
 * One v1 page table. Level 1 holds 4K leaves, level n maps 2^(12+9(n-1))
 * per entry; the root is at level 'levels', fixed for the table's life
 * (no depth growth, so no map can race a root change).
 */
struct amdvi_pgtable {
	u64 *root;
	int levels;		/* 1..6 */
	u64 last_iova;		/* highest IOVA the table may map */
	long pages;		/* table pages held, root included */
	u64 pte_writes;		/* 64-bit PTE stores done (one per entry) */
};

/* A table page unlinked by unmap, to free after the IOTLB flush. */
struct amdvi_freed_page {
	struct list_head node;
	void *va;
};

/* Levels needed for an address width, capped at max_levels (1..6). */
int amdvi_levels_for_width(unsigned int va_bits, unsigned int max_levels);
/* Bytes one entry maps at a level: 4K, 2M, 1G, 512G ... */
u64 amdvi_level_size(int level);
/* Page sizes usable for a table of 'levels'; all_sizes adds next-level-7 sizes. */
unsigned long amdvi_pgsize_bitmap(int levels, bool all_sizes);
/*
 * Leaf PTE for pa with page size size (a power of two >= 4K) and IOMMU_*
 * prot; sets next level 7 and the size bits when size is not a level's
 * default. *level and *count return where it goes and how many copies.
 */
u64 amdvi_pte_leaf(phys_addr_t pa, u64 size, int prot, int *level, int *count);
/* Page size a present leaf PTE at level maps (decodes next level 7). */
u64 amdvi_pte_leaf_size(u64 pte, int level);
/* Non-leaf PTE pointing at a table of level child_level. */
u64 amdvi_pte_table(phys_addr_t table_pa, int child_level);

/* 0 or -ENOMEM/-EINVAL. last_iova caps mappings (aperture end). */
int amdvi_pgtable_init(struct amdvi_pgtable *pt, int levels, u64 last_iova);
/* Free every table page (leaves' data pages are not ours). */
void amdvi_pgtable_destroy(struct amdvi_pgtable *pt);
/*
 * Map count pages of pgsize at iova -> pa. *mapped returns bytes done even
 * on error. -EEXIST when something is mapped there, -ENOMEM, -EINVAL, -ERANGE.
 */
int amdvi_pgtable_map(struct amdvi_pgtable *pt, u64 iova, phys_addr_t pa,
		      u64 pgsize, u64 count, int prot, u64 *mapped);
/*
 * Unmap up to count pages of pgsize from iova, stopping at the first hole.
 * A larger leaf covering iova is removed whole and its size counted.
 * Emptied table pages are unlinked onto freelist (free them after the
 * flush); *pde_changed tells that a directory entry was cleared.
 * Returns bytes unmapped. Never allocates, never grows the table.
 */
u64 amdvi_pgtable_unmap(struct amdvi_pgtable *pt, u64 iova, u64 pgsize, u64 count,
			struct list_head *freelist, bool *pde_changed);
/* Free the pages unmap gathered (after the flush completed). */
void amdvi_pgtable_free_list(struct list_head *freelist);
/* Translation of iova, 0 when unmapped. */
phys_addr_t amdvi_pgtable_iova_to_phys(struct amdvi_pgtable *pt, u64 iova);
/* Size of the leaf mapping iova, 0 when unmapped; *level its level. */
u64 amdvi_pgtable_leaf(struct amdvi_pgtable *pt, u64 iova, int *level);
/* Leaves of [iova, last] with the D bit: fn() each, clear D unless keep; returns leaves cleared. */
u64 amdvi_pgtable_dirty(struct amdvi_pgtable *pt, u64 iova, u64 last, bool keep,
			void (*fn)(void *ctx, u64 iova, u64 size), void *ctx);

/* ---- amdvi_cmd.c: commands and the command ring ---- */

/* Per-unit counters; tests and benchmarks read them around an operation. */
struct amdvi_stats {
	u64 cmds[AMDVI_CMD_NR_OPS];	/* commands queued, by opcode */
	u64 waits;			/* completion waits finished */
	u64 wait_timeouts;		/* completion waits that timed out */
	u64 ring_full;			/* times a submit waited for room */
	u64 cmd_errors;			/* illegal command / command hw errors seen */
	u64 events[AMDVI_EVT_NR_CODES];	/* events read, by code */
	u64 evt_overflows;		/* event log overflows recovered */
	u64 evt_irqs;			/* event interrupts taken */
	u64 freed_after_flush;		/* table pages freed after their flush */
	u64 kept_after_timeout;		/* table pages kept because a flush timed out */
};

/* Encoders (pure): fill cmd[2]. */
void amdvi_cmd_completion_wait(u64 cmd[2], phys_addr_t store, u64 data);
void amdvi_cmd_inv_devtab_entry(u64 cmd[2], u16 devid);
/* Invalidate [start, last] (inclusive) of domain; all pages when last = ~0. */
void amdvi_cmd_inv_pages(u64 cmd[2], u16 domid, u64 start, u64 last, bool pde);
void amdvi_cmd_inv_iotlb(u64 cmd[2], u16 devid, u16 qdep, u64 start, u64 last);
void amdvi_cmd_inv_all(u64 cmd[2]);
void amdvi_cmd_inv_intr_table(u64 cmd[2], u16 devid);
/* Address/S of a range invalidation: the smallest aligned power of two. */
u64 amdvi_inv_range_addr(u64 start, u64 last, bool *s);

/* What the driver did, in order: tests assert orderings (flush before free). */
enum amdvi_trace_kind {
	AMDVI_TR_CMD,		/* a command queued: op, arg = domain ID or devid */
	AMDVI_TR_WAIT,		/* a COMPLETION_WAIT came back: arg = sequence (low 32) */
	AMDVI_TR_DTE,		/* a device table entry written: arg = devid */
	AMDVI_TR_FREE,		/* a table page freed after a flush: arg = domain ID */
	AMDVI_TR_IRTE,		/* an interrupt remapping entry written: arg = devid << 16 | index */
};

struct amdvi_trace_ent {
	u8 kind;		/* enum amdvi_trace_kind */
	u8 op;			/* AMDVI_TR_CMD: opcode */
	u32 arg;
};

#define AMDVI_TRACE_LEN	64

struct amdvi_unit;
void amdvi_trace(struct amdvi_unit *u, enum amdvi_trace_kind kind, u8 op, u32 arg);
/* Copy the last max trace entries, oldest first; returns how many. */
int amdvi_trace_read(struct amdvi_unit *u, struct amdvi_trace_ent *out, int max);
void amdvi_trace_clear(struct amdvi_unit *u);

/* Queue one command (waits, bounded, for room): 0, -ETIMEDOUT, -EIO. */
int amdvi_cmd_queue(struct amdvi_unit *u, const u64 cmd[2]);
/* Queue a COMPLETION_WAIT and wait for its store: 0, -ETIMEDOUT, -EIO. */
/*
 * Queue a COMPLETION_WAIT and wait for its store: every command before it
 * was processed. 0; -EIO when the ring stopped first; -ETIMEDOUT.
 */
int amdvi_cmd_barrier(struct amdvi_unit *u, u64 *seq);
int amdvi_cmd_sync(struct amdvi_unit *u);
/* Queue cmd then sync. */
int amdvi_cmd_run(struct amdvi_unit *u, const u64 cmd[2]);
int amdvi_flush_devtab_entry(struct amdvi_unit *u, u16 devid);
int amdvi_flush_pages(struct amdvi_unit *u, u16 domid, u64 start, u64 last, bool pde);
/* Everything this unit caches (INVALIDATE_IOMMU_ALL, or its fallback). */
int amdvi_flush_all(struct amdvi_unit *u);
/* Page order of a ring of 2^len_log2 16-byte entries. */
unsigned int amdvi_ring_order(unsigned int len_log2);
/* Allocate and program the ring and the semaphore page (IOMMU disabled). */
int amdvi_cmd_init(struct amdvi_unit *u);
void amdvi_cmd_fini(struct amdvi_unit *u);
/* After a command error stopped the ring: skip the bad command, restart. */
void amdvi_cmd_recover(struct amdvi_unit *u);

/* ---- amdvi_event.c: the event log ---- */

/* One decoded event. */
struct amdvi_event {
	u64 raw[2];
	u8 code;		/* enum amdvi_evt_code */
	u16 devid;
	u16 domid;		/* or PASID 15:0 */
	u16 flags;		/* AMDVI_EVF_* */
	u64 addr;
	const char *name;	/* "IO_PAGE_FAULT" ... */
};

/* Name of an event code, "UNKNOWN" for codes the spec does not define. */
const char *amdvi_event_name(unsigned int code);
/* Decode raw[2] (pure). */
void amdvi_event_decode(const u64 raw[2], struct amdvi_event *ev);
/* Fill a neutral fault record from an event. */
void amdvi_event_to_fault(struct amdvi_unit *u, const struct amdvi_event *ev,
			  struct iommu_fault_record *f);
int amdvi_event_init(struct amdvi_unit *u);
void amdvi_event_fini(struct amdvi_unit *u);
/*
 * Read every pending event, report each through the fault API and recover
 * from overflow. Returns events read. Thread context only.
 */
int amdvi_event_poll(struct amdvi_unit *u);
/* Event log size as log2(entries), 8..15 (tests shrink it to force overflow). */
int amdvi_event_resize(struct amdvi_unit *u, unsigned int len_log2);
/*
 * Under QEMU only: queue an illegal command and see whether the log gets
 * the event (QEMU 7.2 never writes its log). Sets AMDVI_QUIRK_NO_EVENTS.
 */
void amdvi_event_probe(struct amdvi_unit *u);
/* Tests: the last events read, newest last; returns how many copied. */
int amdvi_event_history(struct amdvi_unit *u, struct amdvi_event *out, int max);

/* ---- amdvi_devtab.c: device table entries ---- */

/* How one DTE is stored: the kernel uses atomic stores, tests a model. */
struct amdvi_dte_store {
	void (*store128)(void *ctx, u64 *dst, u64 lo, u64 hi);
	void *ctx;
};

/* Builders (pure): fill dte[4]. */
void amdvi_dte_blocked(u64 dte[4], u64 ivrs_bits[4]);
void amdvi_dte_identity(u64 dte[4], u64 ivrs_bits[4]);
void amdvi_dte_paging(u64 dte[4], u64 ivrs_bits[4], phys_addr_t root, int levels,
		      u16 domid, bool iotlb);
/*
 * The IVMD ranges of t that apply to any of devids[0..n): unity ranges with
 * their IR/IW, exclusion ranges as RW (both must stay identity-mapped).
 * fn gets each page-aligned [start, start + len); returns how many.
 */
int amdvi_ivmd_ranges(const struct ivrs_table *t, const u16 *devids, int n,
		      void (*fn)(void *ctx, u64 start, u64 len, int prot), void *ctx);
/* DTE bits the IVRS device settings ask for (IVRS DTE setting byte). */
void amdvi_dte_ivrs_bits(u8 setting, u64 bits[4]);
/*
 * Replace the live entry dst with dte, never letting the IOMMU read a
 * valid entry with mixed old and new fields (128-bit atomic halves,
 * ordered by validity). Returns how many 128-bit stores were done.
 */
int amdvi_dte_update(u64 *dst, const u64 dte[4], const struct amdvi_dte_store *st);
/* Does dte translate with a domain (V=1, TV=1, mode != 0)? */
bool amdvi_dte_translates(const u64 dte[4]);
/* Does dte let any DMA through (a domain, or mode 0 with IR/IW)? */
bool amdvi_dte_allows(const u64 dte[4]);
/* The live entry of devid on unit u. */
u64 *amdvi_dte_ptr(struct amdvi_unit *u, u16 devid);
/* Write dte for devid, then flush: DTE, old domain's pages, wait. */
int amdvi_dte_set(struct amdvi_unit *u, u16 devid, const u64 dte[4]);
/* The same for several devids (a device and its aliases), one wait. */
int amdvi_dte_set_many(struct amdvi_unit *u, const u16 *devids, int n, const u64 dte[4]);
/* Allocate the table, every entry blocked; install: point DEVTAB_BASE at it; init: both. */
int amdvi_devtab_alloc(struct amdvi_unit *u);
void amdvi_devtab_install(struct amdvi_unit *u);
int amdvi_devtab_init(struct amdvi_unit *u);
void amdvi_devtab_fini(struct amdvi_unit *u);

/* ---- amdvi_init.c: units ---- */

/* The event log stays empty: an illegal command logged nothing at init (QEMU 7.2). */
#define AMDVI_QUIRK_NO_EVENTS		(1u << 0)
/*
 * QEMU 7.2's amd-iommu takes a device's bus number when the device is
 * created, before firmware numbers the buses: everything behind a bridge
 * is looked up as bus 0. The driver writes that devid's DTE too.
 */
#define AMDVI_QUIRK_BUS0_DEVID		(1u << 1)

/* One IOMMU. */
struct amdvi_unit {
	struct iommu_device iommu;	/* registered with iommu/iommu.c */
	int index;
	char name[12];			/* "amdvi0" */
	u16 segment;
	u16 devid;			/* its own PCI function */
	u16 cap_off;			/* IOMMU capability in config space */
	struct pci_dev *pdev;		/* its PCI function, NULL when not found */
	phys_addr_t base;		/* MMIO base (IVRS) */
	volatile u8 *mmio;
	u64 efr, efr2;
	u32 cap_hdr;
	u32 misc0;			/* capability misc information 0 */
	u32 quirks;			/* AMDVI_QUIRK_* */
	unsigned int max_levels;	/* from EFR.HATS */
	unsigned int va_bits;		/* IVinfo or capability VAsize */
	bool ia;			/* INVALIDATE_IOMMU_ALL supported */
	bool np_cache;			/* not-present entries cached: flush on map */
	bool coherent;			/* IVHD: table walks snoop caches */
	u64 ivhd_ctrl;			/* CONTROL bits the IVHD flags ask for */
	bool taken_over;		/* found enabled at init */
	bool enabled;

	/* interrupt remapping (amdvi_irq.c); ir_lock protects irts and their bitmaps */
	bool ir_on;			/* devices' interrupts are remapped */
	bool ga;			/* 128-bit entries (CONTROL.GAEn) */
	bool xt;			/* x2APIC destinations (CONTROL.XTEn) */
	spinlock_t ir_lock;
	struct list_head irts;		/* struct amdvi_irt, one per requester ID */
	u32 ir_inherited;		/* entries kept from a previous owner */
	bool ir_takeover_failed;	/* tables found not kept: unit left as found */

	/* device table */
	u64 *devtab;
	unsigned int devtab_order;

	/* command ring; cmd_lock protects the ring, sem_seq, stats.cmds (after domain->lock) */
	spinlock_t cmd_lock;
	u8 *cmdbuf;
	unsigned int cmd_len_log2;
	u32 cmd_tail;			/* byte offset where the next command goes */
	volatile u64 *sem;		/* COMPLETION_WAIT store target: own 4K page */
	u64 sem_seq;			/* last sequence number queued */
	u32 wait_timeout_us;

	/* event log; evt_lock protects head and the history (before fault.c's fault_lock) */
	spinlock_t evt_lock;
	u8 *evtlog;
	unsigned int evt_len_log2;
	unsigned int evt_alloc_log2;	/* size of the allocation */
	int irq_vector;			/* event interrupt, <0 when polled only */
	volatile u64 evt_irq_pending;
	struct amdvi_event history[16];
	u32 history_n;

	/*
	 * Table pages and domains whose flush failed: freed only after a
	 * later flush of everything succeeds on every unit in
	 * quarantine_units (each unit their domains were ever attached to:
	 * the failed flush may have been another unit's). quarantine_lock
	 * guards the lists, the mask and stats.kept_after_timeout: domains on
	 * other CPUs add to them and release them (amdvi_quarantine_release()).
	 */
	spinlock_t quarantine_lock;
	struct list_head quarantine;	/* struct amdvi_freed_page */
	struct list_head zombies;	/* struct amdvi_domain.zombie_node */
	u32 quarantine_units;		/* bitmask of amdvi_units[] indexes */

	struct amdvi_stats stats;
	struct amdvi_trace_ent trace[AMDVI_TRACE_LEN];
	u32 trace_n;			/* entries ever recorded */

	/* hosted model hooks (NULL in the kernel unless a test installs them) */
	void (*mmio_write_hook)(struct amdvi_unit *u, u32 off, u64 val);
	void (*mmio_read_hook)(struct amdvi_unit *u, u32 off);
	void *model;
};

static inline u64 amdvi_readq(struct amdvi_unit *u, u32 off)
{
	u64 v;

	if (u->mmio_read_hook)
		u->mmio_read_hook(u, off);
	barrier();	/* as mmio_read64 (x86.h): no memory access moves across */
	v = *(volatile u64 *)(u->mmio + off);
	barrier();
	return v;
}

static inline void amdvi_writeq(struct amdvi_unit *u, u32 off, u64 v)
{
	barrier();	/* the unit may read memory written before this */
	*(volatile u64 *)(u->mmio + off) = v;
	barrier();
	if (u->mmio_write_hook)
		u->mmio_write_hook(u, off, v);
}

/* ---- amdvi_irq.c: interrupt remapping ---- */

#define AMDVI_IRT_LEN_LOG2	8	/* entries per table: 256, indices fit an IOAPIC vector field */
#define AMDVI_IRT_ENTRIES	(1u << AMDVI_IRT_LEN_LOG2)

/* The interrupt table of one requester ID (and the aliases that share it). */
struct amdvi_irt {
	struct list_head node;		/* amdvi_unit.irts */
	u16 devid;
	void *table;			/* one page: 32-bit or 128-bit entries */
	unsigned long used[AMDVI_IRT_ENTRIES / (8 * sizeof(long))];
	unsigned long kept[AMDVI_IRT_ENTRIES / (8 * sizeof(long))];	/* inherited */
	bool bypassed;			/* IV = 0: interrupts pass unremapped (controls) */
};

/* What an entry says, before encoding. */
struct amdvi_irte_cfg {
	u32 dest;
	u8 vector;
	bool sup_iopf;		/* no IO_PAGE_FAULT when the entry blocks */
};

/*
 * Encode a remapping entry: 32-bit (raw[0] low half) or 128-bit. -ERANGE
 * when dest does not fit (above 255 needs the 128-bit format and XTEn).
 */
int amdvi_irte_encode(const struct amdvi_irte_cfg *c, bool ga, bool xt, u64 raw[2]);
/* Word 2 of the DTE (IR fields only) for devid: IV, table, IntCtl; 0 when none. */
u64 amdvi_ir_dte2(struct amdvi_unit *u, u16 devid);
/*
 * Decide the unit's remapping mode (intremap=, amdvi_ga=, EFR, x2APIC)
 * and, when the unit was found enabled, keep the interrupt tables its old
 * device table used (copied, same indices). Before the device table goes
 * live; returns the CONTROL bits to set.
 */
u64 amdvi_ir_init(struct amdvi_unit *u, u64 found_ctrl, u64 found_devtab);
/* Free every table (unit shutdown). */
void amdvi_ir_fini(struct amdvi_unit *u);
/* Give back entries kept from a previous owner; returns how many. */
int amdvi_ir_release_inherited(struct amdvi_unit *u);
/* The devid of an IOAPIC or HPET (ivrs_ioapic=/ivrs_hpet= first, then IVRS); -ENODEV. */
int amdvi_special_devid(u8 variety, u8 handle, u16 *devid, struct amdvi_unit **unit);
extern const struct irq_remap_ops amdvi_irq_remap_ops;

/* Set/clear CONTROL bits with one 64-bit write. */
void amdvi_ctrl_update(struct amdvi_unit *u, u64 set, u64 clear);

extern const struct ivrs_table *amdvi_ivrs;
extern struct amdvi_unit *amdvi_units[AMDVI_MAX_UNITS];
extern int amdvi_nunits;
extern const struct iommu_ops amdvi_ops;

/*
 * Find every IOMMU in IVRS, bring each up and register it. Idempotent;
 * 0 when at least one unit translates, else negative errno.
 */
int amdvi_init(void);
/* Disable a unit and give back its memory (tests re-init with it). */
void amdvi_unit_shutdown(struct amdvi_unit *u);
/* Bring a unit (back) up: takeover-safe; 0 or negative errno. */
int amdvi_unit_enable(struct amdvi_unit *u);
struct amdvi_unit *amdvi_unit_for(u16 segment, u16 devid);

/* ---- amdvi_domain.c: domains and devices ---- */

struct amdvi_domain {
	struct iommu_domain domain;
	spinlock_t lock;		/* protects pt and the attach counts */
	u16 id;				/* domain ID, 0 for the static domains */
	struct amdvi_pgtable pt;
	u32 attached[AMDVI_MAX_UNITS];	/* devices attached, per unit */
	u32 ever_attached;		/* bitmask of units it was attached to */
	u32 ats_devs;			/* attached devices with ATS on */
	struct list_head devs;		/* amdvi_dev.domain_node */
	struct list_head zombie_node;	/* freed, ID not yet flushed */
	bool dirty_tracking;		/* DTEs ask the unit to set D bits (HAD) */
};

/* Per-device state (iommu_dev.iommu_priv). */
struct amdvi_dev {
	struct iommu_dev *dev;
	struct amdvi_unit *unit;
	u16 devid;			/* what the IOMMU sees */
	u16 alias;			/* IVRS alias, == devid when none */
	u16 qalias;			/* AMDVI_QUIRK_BUS0_DEVID: bus 0 + devfn */
	bool has_qalias;
	u64 ivrs_bits[4];		/* DTE bits from IVRS settings */
	bool ats;			/* ATS enabled on the device */
	u16 ats_qdep;
	struct amdvi_domain *domain;
	struct list_head domain_node;
	struct list_head node;		/* in the list of probed devices */
};

static inline struct amdvi_domain *to_amdvi_domain(struct iommu_domain *d)
{
	return container_of(d, struct amdvi_domain, domain);
}

/* Allocate a paging domain of the given address width (0 = unit's). */
struct amdvi_domain *amdvi_domain_alloc(struct amdvi_unit *u, unsigned int va_bits);
int amdvi_probe_device(struct iommu_dev *dev);
/* The devids whose DTEs carry the device (requester ID, aliases); returns n. */
int amdvi_dev_devids(const struct amdvi_dev *ad, u16 ids[3]);
/*
 * The probed devices the unit sees as alias (their IVRS alias, or their
 * own requester ID), which share its interrupt table: rewrite their DTEs
 * (how many, or -errno), or list their devids (at most max, each once).
 */
int amdvi_alias_refresh(struct amdvi_unit *u, u16 alias);
int amdvi_alias_devids(struct amdvi_unit *u, u16 alias, u16 *ids, int max);
/* The probed device the unit sees as devid (requester ID or alias), or NULL. */
struct amdvi_dev *amdvi_dev_of_devid(struct amdvi_unit *u, u16 devid);
/* Write the device's DTEs again from its domain and interrupt table. */
int amdvi_dev_refresh(struct amdvi_dev *ad);
void amdvi_release_device(struct iommu_dev *dev);
/*
 * Free the table pages and domains a failed flush left behind, after
 * flushing everything on u and on every unit their domains were ever
 * attached to: those there when it starts (any quarantined during its
 * flushes wait for the next release). 0 when they are freed; the error,
 * and they stay, otherwise.
 */
int amdvi_quarantine_release(struct amdvi_unit *u);
/* Domain IDs in use (tests check they come back). */
long amdvi_domids_used(void);
/* Table pages held by every paging domain. */
long amdvi_table_pages(void);

#endif
