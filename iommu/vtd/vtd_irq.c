// SPDX-License-Identifier: MIT
/*
 * VT-d interrupt remapping: the table behind IRTA, 128-bit remapped-format
 * entries with source validation, interrupt entry cache invalidation, the
 * enable and takeover sequences, and the irq_remap_ops of the driver.
 * Layouts: VT-d spec 4.1 ch. 5.1 (remapping), 9.10 (IRTE), 6.5.2.7 (IEC).
 */
#include "iommu/vtd/vtd.h"
#include "boot/cmdline.h"
#include "arch/x86/console.h"
#include "arch/x86/lapic.h"
#include "arch/x86/mm.h"
#include "arch/x86/pci.h"
#include "arch/x86/tsc.h"
#include "lib/bitmap.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"

/*
 * GSTS follows GCMD at once on real units and emulators; the wait re-reads
 * GSTS after its deadline, so a stalled host cannot fake a "no". 1 ms, not
 * 10: QEMU never honours CFI and every boot spent the whole wait.
 */
#define CFI_PROBE_US	1000

/*
 * A remapped-format IRTE (9.10), the fields this driver sets:
 *
 *   127..84 reserved        83..82 SVT   81..80 SQ   79..64 SID
 *    63..32 destination: x2APIC ID (EIME=1), or xAPIC ID in 47..40 (EIME=0)
 *    31..24 reserved        23..16 vector
 *        15 IM (0: remapped)  14..12 reserved  11..8 available
 *     7..5  delivery mode   4 trigger   3 RH   2 DM   1 FPD   0 present
 */
int vtd_irte_encode(const struct vtd_irte_cfg *c, bool eime, u64 irte[2])
{
	if (!eime && c->dest > 0xff)
		return -ERANGE;
	irte[0] = VTD_IRTE_P | FIELD_PREP(VTD_IRTE_V, c->vector) |
		  (c->level ? VTD_IRTE_TM : 0) |
		  (eime ? FIELD_PREP(VTD_IRTE_DST, (u64)c->dest) :
			  FIELD_PREP(VTD_IRTE_DST_XAPIC, (u64)c->dest));
	irte[1] = FIELD_PREP(VTD_IRTE_SID, c->sid) | FIELD_PREP(VTD_IRTE_SQ, c->sq) |
		  FIELD_PREP(VTD_IRTE_SVT, c->svt);
	return 0;
}

u64 vtd_ir_msi_addr(u32 index)
{
	return 0xfee00000ULL | VTD_MSI_IF | FIELD_PREP(VTD_MSI_HANDLE, (u64)(index & 0x7fff)) |
	       ((index & 0x8000) ? VTD_MSI_HANDLE15 : 0);
}

/*
 * As Linux's set_msi_sid: walk the DMA aliases up. A PCIe-to-PCI bridge
 * takes ownership with (secondary bus, 00.0) or forwards the device's own
 * ID, so only the bus range from its secondary bus to the device's bus can
 * be checked; a conventional bridge's own ID is exact; else the device's.
 */
void vtd_ir_pci_sid(const struct pci_dev *d, u8 *svt, u16 *sid)
{
	u16 rid = pci_bdf(d);
	const struct pci_dev *top = d;

	for (const struct pci_dev *p = d->parent; p; p = p->parent) {
		if (!p->cap_pcie) {
			rid = pci_bdf(p);
			top = p;
		} else if (p->pcie_type == 7) {	/* PCI Express to PCI/PCI-X bridge */
			rid = (u16)(p->secondary << 8);
			top = p;
		}
	}
	if (top != d && (rid >> 8) != top->bus) {
		*svt = VTD_SVT_BUS;
		*sid = (u16)((rid & 0xff00) | d->bus);
	} else {
		*svt = VTD_SVT_SID;
		*sid = rid;
	}
}

/*
 * Behind a PCIe-to-PCI bridge with more buses below it, the bridge's
 * alias (secondary bus, 00.0) verified exactly where the unit reads a bus
 * range wrongly (QEMU 7.2), as Linux verifies a topology alias: the
 * bridge takes ownership of what it forwards, so that is the ID it sends.
 */
void vtd_ir_sid_quirk(const struct vtd_unit *u, u8 *svt, u16 *sid)
{
	if (u->qemu_svt_bus_quirk && *svt == VTD_SVT_BUS && (*sid >> 8) != (*sid & 0xff)) {
		*svt = VTD_SVT_SID;
		*sid &= 0xff00;
	}
}

/* The unit a source's interrupts go through, and how it is checked. */
static struct vtd_unit *unit_of_source(const struct irq_source *src, u8 *svt, u16 *sid)
{
	const struct dmar_unit *du = NULL;
	struct dmar_dev_path path;
	struct vtd_unit *u;

	if (!vtd_dmar)
		return NULL;
	*svt = VTD_SVT_SID;
	switch (src->kind) {
	case IRQ_SRC_PCI:
		if (!src->pdev || dmar_dev_path(src->pdev, &path))
			return NULL;
		du = dmar_unit_for_dev(vtd_dmar, &path);
		vtd_ir_pci_sid(src->pdev, svt, sid);
		break;
	case IRQ_SRC_IOAPIC:
		du = dmar_unit_for_special(vtd_dmar, DMAR_SCOPE_IOAPIC, src->id, sid);
		break;
	case IRQ_SRC_HPET:
		du = dmar_unit_for_special(vtd_dmar, DMAR_SCOPE_HPET, src->id, sid);
		break;
	}
	u = vtd_unit_of_drhd(du);
	if (u)
		vtd_ir_sid_quirk(u, svt, sid);
	return u;
}

static bool x2apic_mode(void)
{
	return lapic_x2apic();
}

/*
 * Store a 128-bit entry so the unit never reads half of it: an absent
 * entry gets its high half first and P last; a present one changes in
 * one cmpxchg16b.
 */
static void irte_store(struct vtd_unit *u, u64 *slot, const u64 v[2])
{
	u64 old_lo = READ_ONCE(slot[0]), old_hi = READ_ONCE(slot[1]);
	bool ok;

	if (!(old_lo & VTD_IRTE_P)) {
		WRITE_ONCE(slot[1], v[1]);	/* present last */
		__atomic_thread_fence(__ATOMIC_RELEASE);
		WRITE_ONCE(slot[0], v[0]);
	} else if (!(v[0] & VTD_IRTE_P)) {
		WRITE_ONCE(slot[0], v[0]);	/* absent first */
		__atomic_thread_fence(__ATOMIC_RELEASE);
		WRITE_ONCE(slot[1], v[1]);
	} else {
		do {
			__asm__ __volatile__("lock cmpxchg16b %1\n\tsetz %0"
					     : "=q"(ok), "+m"(*(volatile u64 (*)[2])slot),
					       "+a"(old_lo), "+d"(old_hi)
					     : "b"(v[0]), "c"(v[1])
					     : "memory", "cc");
		} while (!ok);
	}
	if (!u->coherent)
		vtd_cache_flush(slot, 16);
	vtd_trace(u, VTD_EV_IRTE, 0, 0, (u16)FIELD_GET(VTD_IRTE_SID, v[1]),
		  (u64)(slot - u->ir.irt) / 2, 0);
}

int vtd_iec_flush(struct vtd_unit *u, bool global, u16 index)
{
	struct vtd_batch b = { .n = 0 };

	if (u->inv != VTD_INV_QI)
		return -EOPNOTSUPP;	/* the entry cache has no register interface */
	vtd_batch_iec(&b, global, index, 0);
	return vtd_batch_run(u, &b);
}

/* --- the table --- */

static int table_alloc(struct vtd_unit *u, unsigned int s)
{
	struct vtd_ir *ir = &u->ir;
	u32 entries = 1u << (s + 1);
	unsigned int order = 0;
	size_t words = BITS_TO_LONGS(entries);

	while ((PAGE_SIZE << order) < (u64)entries * 16)
		order++;
	ir->irt = failable(page_alloc_va(order));
	ir->used = failable(kzalloc(2 * words * sizeof(long)));
	if (!ir->irt || !ir->used) {
		if (ir->irt)
			page_free_va(ir->irt, order);
		kfree(ir->used);
		ir->irt = NULL;
		ir->used = NULL;
		return -ENOMEM;
	}
	ir->kept = ir->used + words;
	ir->irt_pa = virt_to_phys(ir->irt);
	ir->entries = entries;
	ir->order = order;
	if (!u->coherent)
		vtd_cache_flush(ir->irt, PAGE_SIZE << order);
	return 0;
}

static void table_free(struct vtd_unit *u)
{
	struct vtd_ir *ir = &u->ir;

	if (ir->irt)
		page_free_va(ir->irt, ir->order);
	kfree(ir->used);
	ir->irt = NULL;
	ir->used = NULL;
	ir->kept = NULL;
	ir->entries = 0;
	ir->inherited = 0;
}

/* log2(entries) - 1: the IRTA size field of a table of this many entries. */
static unsigned int irta_s(u32 entries)
{
	return ilog2_u64(entries) - 1;
}

/*
 * Copy the present entries of the table firmware (or a previous kernel)
 * left at IRTA into ours, at the same indices, converting the destination
 * when the EIME mode changes. Returns how many; -ERANGE when one cannot
 * be expressed in the new mode.
 */
static int copy_old_entries(struct vtd_unit *u, u64 old_irta)
{
	u32 n = 1u << (FIELD_GET(VTD_IRTA_S, old_irta) + 1), copied = 0;
	bool old_eime = old_irta & VTD_IRTA_EIME;
	const u64 *old = (old_irta & VTD_IRTA_ADDR) ?
			 memremap(old_irta & VTD_IRTA_ADDR, (size_t)n * 16) : NULL;

	if (!(old_irta & VTD_IRTA_ADDR))
		return 0;	/* on with no table: nothing to keep */
	if (!old)
		return -ENOMEM;
	for (u32 i = 0; i < n && i < u->ir.entries; i++) {
		u64 e[2] = { old[2 * i], old[2 * i + 1] };
		u64 dest;

		if (!(e[0] & VTD_IRTE_P))
			continue;
		dest = old_eime ? FIELD_GET(VTD_IRTE_DST, e[0]) : FIELD_GET(VTD_IRTE_DST_XAPIC, e[0]);
		if (!u->ir.eime && dest > 0xff)
			return -ERANGE;
		e[0] &= ~VTD_IRTE_DST;
		e[0] |= u->ir.eime ? FIELD_PREP(VTD_IRTE_DST, dest) :
				     FIELD_PREP(VTD_IRTE_DST_XAPIC, dest);
		u->ir.irt[2 * i + 1] = e[1];
		u->ir.irt[2 * i] = e[0];
		bitmap_set_bit(u->ir.used, i);
		bitmap_set_bit(u->ir.kept, i);
		copied++;
	}
	if (!u->coherent)
		vtd_cache_flush(u->ir.irt, PAGE_SIZE << u->ir.order);
	return (int)copied;
}

/*
 * Does GSTS.CFIS follow GCMD.CFI? QEMU 7.2 ignores the bit; real units
 * do not. Probed with the unit's remapping off, CFI left clear.
 */
static bool probe_cfi(struct vtd_unit *u)
{
	u32 persist = vtd_readl(u, VTD_GSTS_REG) & VTD_GCMD_PERSIST;
	bool works;

	vtd_writel(u, VTD_GCMD_REG, persist | VTD_GCMD_CFI);
	works = poll_timeout(vtd_readl(u, VTD_GSTS_REG) & VTD_GSTS_CFIS, CFI_PROBE_US) == 0;
	vtd_writel(u, VTD_GCMD_REG, persist & ~VTD_GCMD_CFI);
	if (works && poll_timeout(!(vtd_readl(u, VTD_GSTS_REG) & VTD_GSTS_CFIS), CFI_PROBE_US))
		works = false;
	return works;
}

/* IRTA, SIRTP, global entry-cache flush: the unit now reads our table. */
static int set_table(struct vtd_unit *u)
{
	int ret;

	vtd_writeq(u, VTD_IRTA_REG, u->ir.irt_pa | (u->ir.eime ? VTD_IRTA_EIME : 0) |
		   irta_s(u->ir.entries));
	ret = vtd_gcmd(u, VTD_GCMD_SIRTP, 0, VTD_GSTS_IRTPS, true);
	return ret ? ret : vtd_iec_flush(u, true, 0);
}

static bool intremap_allowed(void)
{
	char v[8];

	if (!cmdline_get("intremap", v, sizeof(v)))
		return true;
	return strcmp(v, "off") && strcmp(v, "0") && strcmp(v, "no");
}

/*
 * A takeover that failed leaves the unit as it was found: the table
 * pointer found goes back (when ours was latched), IRE and CFI are not
 * touched. Turning remapping off would leave the machine worse off than
 * firmware did (x2APIC destinations above 255 need it).
 */
static int takeover_failed(struct vtd_unit *u, bool latched, int err, const char *what)
{
	int ret = 0;

	if (latched) {
		vtd_writeq(u, VTD_IRTA_REG, u->ir.found_irta);
		ret = vtd_gcmd(u, VTD_GCMD_SIRTP, 0, VTD_GSTS_IRTPS, true);
		if (!ret)
			ret = vtd_iec_flush(u, true, 0);
	}
	table_free(u);
	u->ir.takeover_failed = true;
	printk("# vtd: %s: taking over interrupt remapping failed at %s (%d): left as found "
	       "(IRE on, IRTA %#llx)%s\n", u->name, what, err,
	       (unsigned long long)u->ir.found_irta,
	       ret ? ", but the table pointer found could not be put back" : "");
	return err;
}

int vtd_ir_start(struct vtd_unit *u)
{
	struct vtd_ir *ir = &u->ir;
	u32 gsts = vtd_readl(u, VTD_GSTS_REG);
	unsigned int s = VTD_IRT_DEFAULT_S;
	int ret, copied = 0;

	if (ir->irt) {
		if (ir->on && (gsts & VTD_GSTS_IRES) &&
		    (vtd_readq(u, VTD_IRTA_REG) & VTD_IRTA_ADDR) == ir->irt_pa)
			return 0;
		table_free(u);	/* the unit reads someone else's table now */
		ir->on = false;
	}
	spin_lock_init(&ir->lock);
	ir->found_on = gsts & VTD_GSTS_IRES;
	ir->found_irta = vtd_readq(u, VTD_IRTA_REG);
	ir->takeover_failed = false;
	if (!vtd_ecap_ir(u->ecap) || u->inv != VTD_INV_QI || !intremap_allowed()) {
		if (ir->found_on && !intremap_allowed()) {
			/* asked for: remappable interrupts stop here */
			printk("# vtd: %s: interrupt remapping found on, intremap=off: switching "
			       "it off\n", u->name);
			vtd_gcmd(u, 0, VTD_GCMD_IRE, VTD_GSTS_IRES, false);
		} else if (ir->found_on) {
			return takeover_failed(u, false, -EOPNOTSUPP,
					       "the invalidation queue (not in use)");
		}
		return -EOPNOTSUPP;
	}
	ir->eime = x2apic_mode() && vtd_ecap_eim(u->ecap);
	if (x2apic_mode() && !ir->eime)
		printk("# vtd: %s: x2APIC mode without ECAP.EIM: 8-bit destinations only\n",
		       u->name);
	if (ir->found_on)
		s = max(s, (unsigned int)FIELD_GET(VTD_IRTA_S, ir->found_irta));
	ret = table_alloc(u, min(s, (unsigned int)VTD_IRT_MAX_S));
	if (ret)
		return ir->found_on ? takeover_failed(u, false, ret, "the table") : ret;
	if (ir->found_on) {
		copied = copy_old_entries(u, ir->found_irta);
		if (copied < 0)
			return takeover_failed(u, false, copied, "the entries found");
		ir->inherited = (u32)copied;
		printk("# vtd: %s: interrupt remapping found on (IRTA %#llx: %u entries, EIME %d, "
		       "CFI %d): %d present entries kept at their indices\n", u->name,
		       (unsigned long long)ir->found_irta,
		       1u << (FIELD_GET(VTD_IRTA_S, ir->found_irta) + 1),
		       !!(ir->found_irta & VTD_IRTA_EIME), !!(gsts & VTD_GSTS_CFIS), copied);
	}
	ret = set_table(u);
	if (ret && ir->found_on)
		return takeover_failed(u, true, ret, "switching tables");
	if (!ret && !ir->found_on)
		ret = vtd_gcmd(u, VTD_GCMD_IRE, 0, VTD_GSTS_IRES, true);
	if (!ret && (vtd_readl(u, VTD_GSTS_REG) & VTD_GSTS_CFIS))
		ret = vtd_gcmd(u, 0, VTD_GCMD_CFI, VTD_GSTS_CFIS, false);	/* block compat */
	if (ret && ir->found_on) {
		if (gsts & VTD_GSTS_CFIS)
			vtd_gcmd(u, VTD_GCMD_CFI, 0, VTD_GSTS_CFIS, true);
		return takeover_failed(u, true, ret, "blocking compatibility format");
	}
	if (ret) {
		/* found off: off again, as found */
		printk("# vtd: %s: interrupt remapping not started (%d)\n", u->name, ret);
		vtd_gcmd(u, 0, VTD_GCMD_IRE, VTD_GSTS_IRES, false);
		table_free(u);
		return ret;
	}
	ir->cfi_works = (gsts & VTD_GSTS_CFIS) || probe_cfi(u);
	ir->on = true;
	printk("# vtd: %s: interrupt remapping on, %u entries, %s destinations, "
	       "compatibility format %s\n", u->name, ir->entries, ir->eime ? "x2APIC" : "xAPIC",
	       ir->cfi_works ? "blocked" : "blocked by GCMD.CFI=0 (not honoured by this unit)");
	return 0;
}

void vtd_ir_stop(struct vtd_unit *u)
{
	if (u->ir.on)
		vtd_gcmd(u, 0, VTD_GCMD_IRE, VTD_GSTS_IRES, false);
	u->ir.on = false;
	table_free(u);
}

int vtd_ir_release_inherited(struct vtd_unit *u)
{
	static const u64 none[2] = { 0, 0 };
	int n = 0;

	if (!u->ir.irt)
		return 0;
	spin_lock(&u->ir.lock);
	for (u32 i = 0; u->ir.inherited && i < u->ir.entries; i++) {
		if (!bitmap_test_bit(u->ir.kept, i))
			continue;
		irte_store(u, &u->ir.irt[2 * i], none);
		bitmap_clear_bit(u->ir.kept, i);
		bitmap_clear_bit(u->ir.used, i);
		u->ir.inherited--;
		n++;
	}
	spin_unlock(&u->ir.lock);
	return n && vtd_iec_flush(u, true, 0) ? -EIO : n;
}

/* --- irq_remap_ops --- */

static bool vtd_ir_covers(const struct irq_source *src)
{
	u8 svt;
	u16 sid;
	struct vtd_unit *u = unit_of_source(src, &svt, &sid);

	return u && u->ir.on;
}

static int vtd_ir_alloc(const struct irq_source *src, struct irq_remap_entry *e)
{
	u8 svt;
	u16 sid;
	struct vtd_unit *u = unit_of_source(src, &svt, &sid);
	size_t i;

	if (!u || !u->ir.on)
		return -ENODEV;
	spin_lock(&u->ir.lock);
	i = bitmap_find_next_zero(u->ir.used, u->ir.entries, 0);
	if (i >= u->ir.entries || failpoint_hit()) {
		spin_unlock(&u->ir.lock);
		return -ENOSPC;
	}
	bitmap_set_bit(u->ir.used, i);
	spin_unlock(&u->ir.lock);
	e->src = *src;
	e->unit = u;
	e->index = (u32)i;
	e->priv = (void *)(uintptr_t)(svt | (u32)sid << 8);
	e->live = true;
	return 0;
}

static int vtd_ir_set(struct irq_remap_entry *e, const struct irq_target *t, struct irq_msg *msg)
{
	struct vtd_unit *u = e->unit;
	u32 v = (u32)(uintptr_t)e->priv;
	struct vtd_irte_cfg c = {
		.dest = t->dest, .vector = t->vector, .level = t->level,
		.svt = (u8)(v & 3), .sq = 0, .sid = (u16)(v >> 8),
	};
	u64 irte[2];
	int ret;

	if (e->src.kind == IRQ_SRC_HPET)
		c.sq = 3;	/* as Linux: some HPETs send with a wrong function number */
	ret = vtd_irte_encode(&c, u->ir.eime, irte);
	if (ret)
		return ret;
	spin_lock(&u->ir.lock);
	irte_store(u, &u->ir.irt[2 * e->index], irte);
	spin_unlock(&u->ir.lock);
	ret = vtd_iec_flush(u, false, (u16)e->index);
	if (ret)
		return ret;
	msg->addr = vtd_ir_msi_addr(e->index);
	/* SHV = 0: the data is not part of the handle; the IOAPIC's vector must match */
	msg->data = t->vector | (t->level ? BIT(15) | BIT(14) : 0);
	return 0;
}

static int vtd_ir_clear(struct irq_remap_entry *e)
{
	static const u64 none[2] = { 0, 0 };
	struct vtd_unit *u = e->unit;

	spin_lock(&u->ir.lock);
	irte_store(u, &u->ir.irt[2 * e->index], none);
	spin_unlock(&u->ir.lock);
	return vtd_iec_flush(u, false, (u16)e->index);
}

static void vtd_ir_free(struct irq_remap_entry *e)
{
	struct vtd_unit *u = e->unit;

	if (!e->live)
		return;
	vtd_ir_clear(e);
	spin_lock(&u->ir.lock);
	bitmap_clear_bit(u->ir.used, e->index);
	spin_unlock(&u->ir.lock);
	e->live = false;
}

/* Remapping is per unit here: bypass switches the whole unit's IRE. */
static int vtd_ir_bypass(const struct irq_source *src, bool on)
{
	u8 svt;
	u16 sid;
	struct vtd_unit *u = unit_of_source(src, &svt, &sid);

	if (!u || !u->ir.irt)
		return -ENODEV;
	if (on)
		return vtd_gcmd(u, 0, VTD_GCMD_IRE, VTD_GSTS_IRES, false);
	return vtd_gcmd(u, VTD_GCMD_IRE, 0, VTD_GSTS_IRES, true);
}

static int vtd_ir_compat_blocked(const struct irq_source *src)
{
	u8 svt;
	u16 sid;
	struct vtd_unit *u = unit_of_source(src, &svt, &sid);
	u32 gsts;

	if (!u)
		return -ENODEV;
	gsts = vtd_readl(u, VTD_GSTS_REG);
	if (!(gsts & VTD_GSTS_IRES))
		return 0;
	if (u->ir.eime)
		return 1;	/* x2APIC mode: always blocked (5.1.2.1) */
	if (!u->ir.cfi_works)
		return -EOPNOTSUPP;
	return !(gsts & VTD_GSTS_CFIS);
}

static long vtd_ir_live(void)
{
	long n = 0;

	for (int i = 0; i < vtd_nunits; i++) {
		struct vtd_ir *ir = &vtd_units[i]->ir;

		for (u32 k = 0; ir->irt && k < ir->entries; k++)
			n += bitmap_test_bit(ir->used, k) && !bitmap_test_bit(ir->kept, k);
	}
	return n;
}

static void vtd_ir_off(void)
{
	for (int i = 0; i < vtd_nunits; i++)
		vtd_ir_stop(vtd_units[i]);
}

const struct irq_remap_ops vtd_irq_remap_ops = {
	.name = "vtd",
	.covers = vtd_ir_covers,
	.alloc = vtd_ir_alloc,
	.set = vtd_ir_set,
	.clear = vtd_ir_clear,
	.free = vtd_ir_free,
	.bypass = vtd_ir_bypass,
	.compat_blocked = vtd_ir_compat_blocked,
	.live = vtd_ir_live,
	.off = vtd_ir_off,
};
