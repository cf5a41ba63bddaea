// SPDX-License-Identifier: MIT
/*
 * amdvi-ir (hosted): the AMD-Vi interrupt remapping code against software
 * units that remap as the spec says (amdvi_model.c), on the Threadripper
 * rig: what QEMU 7.2 lacks (XTSup, a working event log) and entry caches.
 */
#include <stdlib.h>
#include <string.h>
#include "arch/host/host.h"
#include "iommu/amdvi/amdvi.h"
#include "iommu/amdvi/amdvi_caps.h"
#include "iommu/irq_remap.h"
#include "lib/bitmap.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "tests/host/amdvi_model.h"
#include "tests/host/amdvi_rig.h"
#include "tests/ktest.h"

#define EFR_XT		BIT_ULL(2)
#define EFR_GA		BIT_ULL(7)

/* The rig with remapping started on every unit as amdvi_unit_enable would. */
static bool ir_up(const char *cmdline, bool x2apic, u64 efr_clear)
{
	host_set_cmdline(cmdline);
	host_set_x2apic(x2apic);
	if (!amdvi_rig_up())
		return false;
	for (int i = 0; i < AMDVI_RIG_UNITS; i++) {
		struct amdvi_unit *u = amdvi_rig->u[i];

		u->efr &= ~efr_clear;
		INIT_LIST_HEAD(&u->irts);
		amdvi_ctrl_update(u, amdvi_ir_init(u, 0, 0), 0);
	}
	irq_remap_register(&amdvi_irq_remap_ops);
	return true;
}

static void ir_down(void)
{
	for (int i = 0; amdvi_rig && i < AMDVI_RIG_UNITS; i++)
		if (amdvi_rig->u[i])
			amdvi_ir_fini(amdvi_rig->u[i]);
	irq_remap_unregister(&amdvi_irq_remap_ops);
	amdvi_rig_down();
	host_set_x2apic(false);
	host_set_cmdline("");
}

static struct irq_source pci_src(int dev)
{
	struct irq_source s = {
		.kind = IRQ_SRC_PCI, .rid = amdvi_rig_devs[dev].bdf, .pdev = &amdvi_rig->pdev[dev],
	};

	return s;
}

/* The unit a rig device is on (its alias's for the aliased one). */
static struct amdvi_unit *unit_of(int dev)
{
	return amdvi_rig_dev(dev)->unit;
}

/* An entry for src pointed at (dest, vector); reports; false on failure. */
static bool entry_for(const struct irq_source *src, struct irq_remap_entry *e, u32 dest, u8 vec,
		      struct irq_msg *msg)
{
	const struct irq_target t = { .dest = dest, .vector = vec };
	int ret = amdvi_irq_remap_ops.alloc(src, e);

	if (!ret)
		ret = amdvi_irq_remap_ops.set(e, &t, msg);
	report(ret == 0, "entry %u for %04x -> APIC %u vector %#x (%d)", e->index, src->rid, dest,
	       vec, ret);
	return ret == 0;
}

/* What the unit makes of an interrupt from devid. */
static struct model_intr send(struct amdvi_unit *u, u16 devid, const struct irq_msg *m)
{
	return model_interrupt(u, devid, m->addr, m->data);
}

static bool arrives(struct model_intr r, u32 dest, u8 vec)
{
	return r.delivered && r.dest == dest && r.vector == vec;
}

KTEST(amdvi-ir, test_amdvi_ir_msi_through_128bit_entry)
{
	struct irq_source s;
	struct irq_remap_entry e;
	struct irq_msg msg;
	struct amdvi_unit *u;
	const u64 *dte;
	int m;

	if (!ir_up("", false, 0))
		goto out;
	s = pci_src(GPU);
	u = unit_of(GPU);
	m = amdvi_rig_mark(0);
	report(u->ga && (amdvi_readq(u, AMDVI_CONTROL) & AMDVI_CTRL_GA_EN) &&
	       amdvi_irq_remap_ops.covers(&s), "GASup: 128-bit entries, CONTROL.GAEn set");
	if (!entry_for(&s, &e, 3, 0x41, &msg))
		goto out;
	dte = amdvi_dte_ptr(u, s.rid);
	report((dte[2] & AMDVI_DTE2_IV) && FIELD_GET(AMDVI_DTE2_INTTABLEN, dte[2]) == 8 &&
	       FIELD_GET(AMDVI_DTE2_INTCTL, dte[2]) == AMDVI_INTCTL_REMAP &&
	       (dte[2] & AMDVI_DTE2_INTTAB) != 0 && amdvi_dte_allows(dte) == false,
	       "DTE: IV, IntTabLen 8 (256 entries), IntCtl remap, table set; DMA still blocked");
	report(amdvi_rig_ran(0, m, AMDVI_CMD_INV_DEVTAB_ENTRY, s.rid) >= 1 &&
	       amdvi_rig_ran(0, m, AMDVI_CMD_INV_INTR_TABLE, s.rid) >= 1,
	       "the DTE and the interrupt table were invalidated");
	report(msg.addr == 0xfee00000 && msg.data == e.index, "the message names entry %u",
	       e.index);
	report(arrives(send(u, s.rid, &msg), 3, 0x41), "the unit delivers vector 0x41 to APIC 3");
	amdvi_irq_remap_ops.free(&e);
	report(!(amdvi_dte_ptr(u, s.rid)[2] & AMDVI_DTE2_IV) && amdvi_irq_remap_ops.live() == 0,
	       "the last entry freed: IV cleared, the table given back");
out:
	ir_down();
}

KTEST(amdvi-ir, test_amdvi_ir_32bit_entries_without_ga)
{
	struct irq_source s;
	struct irq_remap_entry e;
	struct irq_msg msg;
	u32 raw;

	if (!ir_up("amdvi_ga=0", false, 0))
		goto out;
	s = pci_src(NVME);
	report(!unit_of(NVME)->ga && !(amdvi_readq(unit_of(NVME), AMDVI_CONTROL) & AMDVI_CTRL_GA_EN),
	       "amdvi_ga=0: 32-bit entries, GAEn clear");
	if (!entry_for(&s, &e, 7, 0x52, &msg))
		goto out;
	raw = ((u32 *)((struct amdvi_irt *)e.priv)->table)[e.index];
	report(raw == (AMDVI_IRTE_REMAPEN | 7 << 8 | 0x52 << 16), "entry %#x: RemapEn, dest 7, "
	       "vector 0x52, IntType fixed, DM physical", raw);
	report(arrives(send(unit_of(NVME), s.rid, &msg), 7, 0x52), "delivered through it");
	report(amdvi_irq_remap_ops.set(&e, &(struct irq_target){ .dest = 300, .vector = 0x52 },
				       &msg) == -ERANGE, "destination 300 does not fit: -ERANGE");
	amdvi_irq_remap_ops.free(&e);
out:
	ir_down();
}

/* x2APIC destinations: GA entries with XTEn (XTSup); QEMU 7.2 has no XTSup. */
KTEST(amdvi-ir, test_amdvi_ir_x2apic_destination_with_xtsup)
{
	struct irq_source s;
	struct irq_remap_entry e;
	struct irq_msg msg;
	const u64 *raw;

	if (!ir_up("", true, 0))
		goto out;
	s = pci_src(NIC);
	report(unit_of(NIC)->xt && (amdvi_readq(unit_of(NIC), AMDVI_CONTROL) & AMDVI_CTRL_XT_EN),
	       "x2APIC mode, XTSup: CONTROL.XTEn set");
	if (!entry_for(&s, &e, 0x12345678, 0x61, &msg))
		goto out;
	raw = (const u64 *)((struct amdvi_irt *)e.priv)->table + 2 * e.index;
	report(FIELD_GET(AMDVI_GA_DEST_LO, raw[0]) == 0x345678 &&
	       FIELD_GET(AMDVI_GA_DEST_HI, raw[1]) == 0x12 &&
	       FIELD_GET(AMDVI_GA_VECTOR, raw[1]) == 0x61, "destination split 23:0 / 31:24");
	report(arrives(send(unit_of(NIC), s.rid, &msg), 0x12345678, 0x61),
	       "delivered to x2APIC ID 0x12345678");
	amdvi_irq_remap_ops.free(&e);
	ir_down();
	if (!ir_up("", true, EFR_XT))
		goto out;
	s = pci_src(NIC);
	report(!unit_of(NIC)->xt, "without XTSup: no XTEn");
	report(amdvi_irq_remap_ops.alloc(&s, &e) == 0 &&
	       amdvi_irq_remap_ops.set(&e, &(struct irq_target){ .dest = 0x100, .vector = 0x61 },
				       &msg) == -ERANGE, "and destination 256 is refused: -ERANGE");
	amdvi_irq_remap_ops.free(&e);
out:
	ir_down();
}

/*
 * Bug class: an entry changed without INVALIDATE_INTERRUPT_TABLE. The
 * unit keeps using its cached copy (the old vector); the driver's change
 * is invalidated, so the new vector arrives and never the old one.
 */
KTEST(amdvi-ir, test_amdvi_ir_stale_entry_without_invalidation)
{
	struct irq_source s;
	struct irq_remap_entry e;
	struct irq_msg msg;
	struct amdvi_unit *u;
	u64 raw[2];
	int m;

	if (!ir_up("", false, 0))
		goto out;
	s = pci_src(GPU);
	u = unit_of(GPU);
	if (!entry_for(&s, &e, 0, 0x41, &msg))
		goto out;
	report(arrives(send(u, s.rid, &msg), 0, 0x41), "vector 0x41 (now cached)");
	amdvi_irte_encode(&(struct amdvi_irte_cfg){ .dest = 0, .vector = 0x42 }, true, false, raw);
	memcpy((u64 *)((struct amdvi_irt *)e.priv)->table + 2 * e.index, raw, 16);
	report(arrives(send(u, s.rid, &msg), 0, 0x41),
	       "written behind the driver's back, not invalidated: still 0x41 (stale)");
	m = amdvi_rig_mark(0);
	report(amdvi_irq_remap_ops.set(&e, &(struct irq_target){ .vector = 0x43 }, &msg) == 0 &&
	       amdvi_rig_ran(0, m, AMDVI_CMD_INV_INTR_TABLE, s.rid) == 1,
	       "the driver's change is followed by one INVALIDATE_INTERRUPT_TABLE");
	report(arrives(send(u, s.rid, &msg), 0, 0x43), "the new vector 0x43 arrives, not 0x41");
	amdvi_irq_remap_ops.free(&e);
out:
	ir_down();
}

/* Blocked interrupts: not present, beyond the table, another device's index. */
KTEST(amdvi-ir, test_amdvi_ir_blocked_interrupts_logged)
{
	struct iommu_fault_match intr = {
		.kind = IOMMU_FAULT_KIND_INTR, .flags = IOMMU_FAULT_MATCH_ANY_ADDR,
	};
	struct irq_remap_entry e, e2, e3;
	struct irq_source s, a;
	struct irq_msg msg, msg2, far;
	struct amdvi_unit *u;
	struct model_intr r;

	if (!ir_up("", false, 0))
		goto out;
	s = pci_src(SATA);
	a = pci_src(ALIASED);
	u = unit_of(SATA);
	if (!entry_for(&s, &e, 0, 0x41, &msg) || !entry_for(&s, &e2, 0, 0x42, &msg2) ||
	    !entry_for(&a, &e3, 0, 0x43, &far))
		goto out;
	intr.source_id = s.rid;
	iommu_fault_expect_match(&intr);
	amdvi_irq_remap_ops.clear(&e);
	r = send(u, s.rid, &msg);
	report(!r.delivered && (r.flags & AMDVI_EVF_I), "entry cleared: blocked, IO_PAGE_FAULT "
	       "with I logged");
	far.data = 300;
	r = send(u, s.rid, &far);
	report(!r.delivered && r.flags, "index 300 beyond the 256-entry table: blocked");
	amdvi_event_poll(u);
	report(iommu_fault_expect_done() == 2, "both reach the fault API as interrupt faults of "
	       "%04x", s.rid);
	/* the aliased device names SATA's second entry: its own table has none there */
	r = send(u, amdvi_rig_devs[ALIASED].alias, &msg2);
	intr.source_id = amdvi_rig_devs[ALIASED].alias;
	iommu_fault_expect_match(&intr);
	amdvi_event_poll(u);
	report(!r.delivered && iommu_fault_expect_done() == 1,
	       "another device cannot use SATA's entry %u (its own table is looked up)", e2.index);
	report(arrives(send(u, amdvi_rig_devs[ALIASED].alias, &(struct irq_msg){ 0xfee00000,
								e3.index }), 0, 0x43),
	       "the aliased device's interrupts carry the alias %04x and use its own table",
	       amdvi_rig_devs[ALIASED].alias);
	amdvi_irq_remap_ops.free(&e);
	amdvi_irq_remap_ops.free(&e2);
	amdvi_irq_remap_ops.free(&e3);
out:
	ir_down();
}

/*
 * Two devices the unit sees as one devid (ff:01.0 and ff:02.0, both behind
 * the IVRS alias 00:14.4) share one interrupt table, as on Linux: each gets
 * its own entry, a rewrite of either device's DTEs keeps the other's
 * interrupts remapped, and the table goes only with the last entry.
 */
KTEST(amdvi-ir, test_amdvi_ir_alias_shares_one_table)
{
	static struct pci_dev sp;
	static struct iommu_dev sd = { .name = "0000:ff:02.0", .rid = 0xff10 };
	struct irq_remap_entry ea = { 0 }, eb = { 0 };
	struct irq_msg ma, mb;
	struct irq_source sa, sb;
	struct amdvi_unit *u;
	u16 alias = amdvi_rig_devs[ALIASED].alias;

	if (!ir_up("", false, 0))
		goto out;
	sp = amdvi_rig->pdev[ALIASED];
	sp.dev = 2;
	sd.bus_priv = &sp;
	sd.dma_mask = ~0ULL;
	iommu_dev_register(&sd);
	report(amdvi_probe_device(&sd) == 0 && sd.iommu_priv &&
	       ((struct amdvi_dev *)sd.iommu_priv)->alias == alias,
	       "a second device behind the alias %04x probed", alias);
	sa = pci_src(ALIASED);
	sb = (struct irq_source){ .kind = IRQ_SRC_PCI, .rid = 0xff10, .pdev = &sp };
	u = unit_of(ALIASED);
	if (!entry_for(&sa, &ea, 1, 0x41, &ma) || !entry_for(&sb, &eb, 2, 0x42, &mb))
		goto free;
	report(ea.priv == eb.priv && ea.index != eb.index &&
	       ((struct amdvi_irt *)ea.priv)->devid == alias,
	       "one table, kept for %04x, entries %u and %u", alias, ea.index, eb.index);
	report(arrives(send(u, alias, &ma), 1, 0x41) && arrives(send(u, alias, &mb), 2, 0x42),
	       "each device's message through the alias reaches its own APIC and vector");
	report(amdvi_dev_refresh(sd.iommu_priv) == 0 &&
	       amdvi_dev_refresh(amdvi_rig_dev(ALIASED)) == 0 &&
	       arrives(send(u, alias, &ma), 1, 0x41) && arrives(send(u, alias, &mb), 2, 0x42),
	       "rewriting either device's DTEs keeps both remapped");
	amdvi_irq_remap_ops.free(&ea);
	report((amdvi_dte_ptr(u, alias)[2] & AMDVI_DTE2_IV) && arrives(send(u, alias, &mb), 2, 0x42),
	       "the first entry freed: the table stays for the second");
	amdvi_irq_remap_ops.free(&eb);
	report(!(amdvi_dte_ptr(u, alias)[2] & AMDVI_DTE2_IV) && amdvi_irq_remap_ops.live() == 0,
	       "the last one freed: table detached and gone");
free:
	amdvi_irq_remap_ops.free(&ea);
	amdvi_irq_remap_ops.free(&eb);
	amdvi_release_device(&sd);
	iommu_dev_unregister(&sd);
out:
	ir_down();
}

/* A special device (IOAPIC, HPET) under a command line: its devid and unit. */
struct special_row {
	const char *cmdline;
	u8 id;
	u16 devid;
	int unit;
};

/* IOAPICs by IVRS special entries, and the ivrs_ioapic= overrides (both syntaxes). */
KTEST(amdvi-ir, test_amdvi_ir_ioapic_devids_and_overrides)
{
	static const struct special_row rows[] = {
		{ "", 129, 0x6001, 0 },
		{ "", 130, 0x4001, 1 },
		{ "", 128, 0x00a0, 3 },
		{ "ivrs_ioapic=129@0000:60:00.7", 129, 0x6007, 0 },
		{ "ivrs_ioapic[131]=20:00.5", 131, 0x2005, 2 },
		{ "ivrs_ioapic=7@00:14.0", 7, 0x00a0, 3 },
	};
	struct irq_remap_entry e;
	struct irq_msg msg;

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct amdvi_unit *u = NULL;
		struct irq_source s = { .kind = IRQ_SRC_IOAPIC, .id = rows[i].id };
		u16 devid = 0;
		const u64 *dte;

		if (!ir_up(rows[i].cmdline, false, 0))
			break;
		report(amdvi_special_devid(1, rows[i].id, &devid, &u) == 0 && devid == rows[i].devid &&
		       u == amdvi_rig->u[rows[i].unit], "%s IOAPIC %u -> devid %04x on unit %d",
		       rows[i].cmdline, rows[i].id, devid, u ? u->index : -1);
		if (u && entry_for(&s, &e, 0, 0x30, &msg)) {
			dte = amdvi_dte_ptr(u, devid);
			report((dte[2] & AMDVI_DTE2_IV) && (dte[0] & AMDVI_DTE0_V) && !amdvi_dte_allows(dte),
			       "its DTE gets the table, its low half stays blocked");
			report(arrives(send(u, devid, &msg), 0, 0x30) && msg.data < 256,
			       "an IOAPIC message (index %u in the vector field) is remapped", msg.data);
			amdvi_irq_remap_ops.free(&e);
		}
		ir_down();
	}
	report(amdvi_special_devid(1, 200, &(u16){ 0 }, &(struct amdvi_unit *){ NULL }) == -ENODEV,
	       "an IOAPIC nobody names: -ENODEV");
}

/*
 * HPETs by the IVRS special entry (the rig's HPET 0 sends as 00:14.0, the
 * devid IOAPIC 128 uses too) and by ivrs_hpet= in both syntaxes; an HPET
 * MSI through its entry arrives, and where the HPET shares the IOAPIC's
 * devid both use one interrupt table with entries of their own.
 */
KTEST(amdvi-ir, test_amdvi_ir_hpet_devids_overrides_and_shared_table)
{
	static const struct special_row rows[] = {
		{ "", 0, 0x00a0, 3 },
		{ "ivrs_hpet=0@0000:00:14.2", 0, 0x00a2, 3 },
		{ "ivrs_hpet[5]=20:01.5", 5, 0x200d, 2 },
	};
	struct irq_remap_entry e, eio;
	struct irq_msg msg, mio;

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct amdvi_unit *u = NULL;
		struct irq_source s = { .kind = IRQ_SRC_HPET, .id = rows[i].id };
		u16 devid = 0;
		int ret;

		if (!ir_up(rows[i].cmdline, false, 0))
			break;
		ret = amdvi_special_devid(IVRS_SPECIAL_HPET, rows[i].id, &devid, &u);
		report(ret == 0 && devid == rows[i].devid && u == amdvi_rig->u[rows[i].unit],
		       "%s HPET %u -> devid %04x on unit %d", rows[i].cmdline, rows[i].id, devid,
		       u ? u->index : -1);
		if (u && entry_for(&s, &e, 3, 0x31, &msg)) {
			report(arrives(send(u, devid, &msg), 3, 0x31) &&
			       !arrives(send(u, devid ^ 1, &msg), 3, 0x31),
			       "its MSI (index %u) is remapped from %04x only", msg.data, devid);
			if (!rows[i].cmdline[0] &&
			    entry_for(&(struct irq_source){ .kind = IRQ_SRC_IOAPIC, .id = 128 },
				      &eio, 0, 0x32, &mio)) {
				report(eio.priv == e.priv && eio.index != e.index &&
				       arrives(send(u, devid, &mio), 0, 0x32) &&
				       arrives(send(u, devid, &msg), 3, 0x31),
				       "IOAPIC 128 on the same devid: one table, entries %u and %u",
				       e.index, eio.index);
				amdvi_irq_remap_ops.free(&eio);
			}
			amdvi_irq_remap_ops.free(&e);
		}
		ir_down();
	}
	report(amdvi_special_devid(IVRS_SPECIAL_HPET, 9, &(u16){ 0 },
				   &(struct amdvi_unit *){ NULL }) == -ENODEV,
	       "an HPET nobody names: -ENODEV");
}

/*
 * Takeover: a previous owner left the unit translating with 32-bit
 * interrupt tables. The driver keeps the unit on, copies the tables into
 * 128-bit ones at the same indices, and the old messages still arrive.
 */
KTEST(amdvi-ir, test_amdvi_ir_takeover_keeps_tables_and_translation)
{
	struct amdvi_unit *u;
	u64 *dt = NULL;
	u32 *irt = NULL;
	u16 devid;
	int m, n, ret = -1, fired = 0, bad = 0;

	if (!ir_up("", false, 0))
		goto out;
	u = amdvi_rig->u[0];
	devid = amdvi_rig_devs[GPU].bdf;
	dt = page_alloc_va(9);
	irt = page_alloc_va(0);
	for (u32 id = 0; id < AMDVI_DEVTAB_ENTRIES; id++)
		amdvi_dte_blocked(dt + 4 * id, NULL);
	irt[5] = AMDVI_IRTE_REMAPEN | 2 << 8 | 0x55 << 16;
	dt[4 * devid + 2] = AMDVI_DTE2_IV | FIELD_PREP(AMDVI_DTE2_INTTABLEN, 4ULL) |
			    amdvi_pa(irt) | FIELD_PREP(AMDVI_DTE2_INTCTL, (u64)AMDVI_INTCTL_REMAP);
	amdvi_release_device(&amdvi_rig->dev[GPU]);
	amdvi_unit_shutdown(u);
	amdvi_writeq(u, AMDVI_DEVTAB_BASE, amdvi_pa(dt) | 0x1ff);
	amdvi_ctrl_update(u, AMDVI_CTRL_IOMMU_EN, AMDVI_CTRL_GA_EN);
	report(arrives(send(u, devid, &(struct irq_msg){ 0xfee00000, 5 }), 2, 0x55),
	       "the state to take over: entry 5 delivers 0x55 to APIC 2");
	model_of(u)->iommu_disables = 0;
	host_poll_step_us(1000);
	for (n = 1; n < 80; n++) {
		bool f;

		m = model_of(u)->nexec;
		failpoint_arm((unsigned long)n);
		ret = amdvi_unit_enable(u);
		f = failpoint_fired();
		failpoint_arm(0);
		if (!f)
			break;
		fired++;
		/* a failed takeover leaves the unit as found: on, the old table delivering */
		if (!ret || !(amdvi_readq(u, AMDVI_CONTROL) & AMDVI_CTRL_IOMMU_EN) ||
		    amdvi_readq(u, AMDVI_DEVTAB_BASE) != (amdvi_pa(dt) | 0x1ff) ||
		    model_of(u)->iommu_disables ||
		    !arrives(send(u, devid, &(struct irq_msg){ 0xfee00000, 5 }), 2, 0x55)) {
			report_info("site %d: ret %d control %#llx devtab %#llx disables %d", n, ret,
				    (unsigned long long)amdvi_readq(u, AMDVI_CONTROL),
				    (unsigned long long)amdvi_readq(u, AMDVI_DEVTAB_BASE),
				    (int)model_of(u)->iommu_disables);
			bad++;
		}
	}
	host_poll_step_us(0);
	report(n < 80 && fired >= 9 && !bad, "takeover failed at each of %d sites in turn (at "
	       "least 9): the unit left as found each time (on, the old entry delivering)", fired);
	report(ret == 0 && u->ga, "the driver brings the unit up, GA mode");
	report(model_of(u)->iommu_disables == 0, "translation was never switched off on the way");
	report(u->ir_inherited == 1 && amdvi_irq_remap_ops.live() == 0,
	       "one entry kept from the old table (not counted as ours)");
	report(model_of(u)->nexec > m && arrives(send(u, devid, &(struct irq_msg){ 0xfee00000, 5 }),
						 2, 0x55),
	       "after the switch the same message still delivers 0x55: nothing lost or misdelivered");
	report(amdvi_ir_release_inherited(u) == 1 && !(amdvi_dte_ptr(u, devid)[2] & AMDVI_DTE2_IV) &&
	       !arrives(send(u, devid, &(struct irq_msg){ 0xfee00000, 5 }), 2, 0x55),
	       "released: the old entry and its table are gone (and invalidated)");
	amdvi_probe_device(&amdvi_rig->dev[GPU]);
out:
	page_free_va(dt, 9);
	page_free_va(irt, 0);
	ir_down();
}

/* Fail every allocation and wait of an entry request in turn: nothing is left behind. */
KTEST(amdvi-ir, test_amdvi_ir_failure_at_every_site)
{
	struct irq_remap_entry e;
	struct irq_msg msg;
	struct irq_source s;
	long pages;
	int n, fired = 0, bad = 0;

	if (!ir_up("", false, 0))
		goto out;
	s = pci_src(GPU);
	pages = host_pages_live();
	host_poll_step_us(1000);
	for (n = 1; n < 50; n++) {
		int ret;
		bool f;

		memset(&e, 0, sizeof(e));
		failpoint_arm((unsigned long)n);
		ret = amdvi_irq_remap_ops.alloc(&s, &e);
		if (!ret)
			ret = amdvi_irq_remap_ops.set(&e, &(struct irq_target){ .vector = 0x41 }, &msg);
		f = failpoint_fired();
		failpoint_arm(0);
		if (!ret)
			amdvi_irq_remap_ops.free(&e);
		else if (e.live && f)
			amdvi_irq_remap_ops.free(&e);
		if (!f)
			break;
		fired++;
		bad += !ret || host_pages_live() != pages || amdvi_irq_remap_ops.live() != 0;
	}
	host_poll_step_us(0);
	report(n < 50 && fired >= 7 && !bad, "%d sites failed one at a time (at least 7), each "
	       "cleanly", fired);
	report(!(amdvi_dte_ptr(unit_of(GPU), s.rid)[2] & AMDVI_DTE2_IV), "no table left attached");
out:
	ir_down();
}

/* Keeping a previous owner's tables failed at each allocation: no leak, no crash. */
KTEST(amdvi-ir, test_amdvi_ir_takeover_failure_at_every_site)
{
	struct amdvi_unit *u;
	u64 *dt = NULL;
	u32 *irt = NULL;
	long pages;
	int n, fired = 0;

	if (!ir_up("", false, 0))
		goto out;
	u = amdvi_rig->u[2];
	dt = page_alloc_va(9);
	irt = page_alloc_va(0);
	for (u32 id = 0; id < 4; id++) {
		dt[4 * (0x2100 + id)] = AMDVI_DTE0_V;
		dt[4 * (0x2100 + id) + 2] = AMDVI_DTE2_IV | FIELD_PREP(AMDVI_DTE2_INTTABLEN, 2ULL) |
					    amdvi_pa(irt) |
					    FIELD_PREP(AMDVI_DTE2_INTCTL, (u64)AMDVI_INTCTL_REMAP);
	}
	irt[1] = AMDVI_IRTE_REMAPEN | 0x40 << 16;
	pages = host_pages_live();
	for (n = 1; n < 50; n++) {
		bool f;

		amdvi_ir_fini(u);
		failpoint_arm((unsigned long)n);
		amdvi_ir_init(u, AMDVI_CTRL_IOMMU_EN, amdvi_pa(dt) | 0x1ff);
		f = failpoint_fired();
		failpoint_arm(0);
		if (!f)
			break;
		fired++;
	}
	report(n < 50 && fired >= 8 && u->ir_inherited == 4,
	       "%d sites failed one at a time (at least 8); then 4 tables of 1 entry kept", fired);
	amdvi_ir_fini(u);
	report(host_pages_live() == pages, "every table given back");
out:
	page_free_va(dt, 9);
	page_free_va(irt, 0);
	ir_down();
}
