// SPDX-License-Identifier: MIT
/*
 * vtd-ir (hosted): VT-d interrupt remapping against software units that
 * remap as the spec says (vtd_hw.c) on the R820 rig: what QEMU 7.2 lacks
 * (fault records, CFI, x2APIC/EIM under TCG, an entry cache) and takeover.
 */
#include <stdlib.h>
#include <string.h>
#include "arch/host/host.h"
#include "arch/x86/console.h"
#include "arch/x86/mm.h"
#include "iommu/irq_remap.h"
#include "iommu/vtd/vtd.h"
#include "lib/bitmap.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "tests/host/vtd_hw.h"
#include "tests/host/vtd_rig.h"
#include "tests/ktest.h"

static bool ir_up(const char *cmdline, bool x2apic, u64 ecap_clear,
		  void (*pre)(struct vtd_hw *hw))
{
	host_set_x2apic(x2apic);
	return vtd_rig_up_as(0x10, CAP_E5, ECAP_E5 & ~ecap_clear, cmdline, pre);
}

static void ir_down(void)
{
	vtd_rig_down();
	host_set_x2apic(false);
	host_set_cmdline("");
}

static struct irq_source pci_src(int dev)
{
	struct irq_source s = {
		.kind = IRQ_SRC_PCI, .rid = pci_bdf(&vtd_rig->pdev[dev]), .pdev = &vtd_rig->pdev[dev],
	};

	return s;
}

static bool entry_for(const struct irq_source *src, struct irq_remap_entry *e, u32 dest, u8 vec,
		      struct irq_msg *msg)
{
	const struct irq_target t = { .dest = dest, .vector = vec };
	int ret = vtd_irq_remap_ops.alloc(src, e);

	if (!ret)
		ret = vtd_irq_remap_ops.set(e, &t, msg);
	report(ret == 0, "entry %u for source kind %d id %u rid %04x -> APIC %#x vector %#x (%d)",
	       e->index, src->kind, src->id, src->rid, dest, vec, ret);
	return ret == 0;
}

static struct vtd_hw *hw_of(const struct irq_remap_entry *e)
{
	return vtd_hw_of(e->unit);
}

static bool arrives(struct vtd_hw_intr r, u32 dest, u8 vec)
{
	return r.delivered && r.dest == dest && r.vector == vec;
}

/* Read the unit's fault records: how many were interrupt faults from sid (< 0: any) with reason. */
static int ir_faults(struct vtd_unit *u, int sid, u32 reason)
{
	struct iommu_fault_match m = {
		.source_id = (u16)sid, .reason = reason, .kind = IOMMU_FAULT_KIND_INTR,
		.flags = IOMMU_FAULT_MATCH_ANY_ADDR | (sid < 0 ? IOMMU_FAULT_MATCH_ANY_SID : 0),
	};

	iommu_fault_expect_match(&m);
	vtd_poll_faults(&u->iommu);
	return iommu_fault_expect_done();
}

KTEST(vtd-ir, test_vtd_ir_started_with_its_table)
{
	struct vtd_unit *u;
	int iec = 0;

	if (!ir_up("", false, 0, NULL))
		goto out;
	u = vtd_units[0];
	report(u->ir.on && (vtd_readl(u, VTD_GSTS_REG) & (VTD_GSTS_IRES | VTD_GSTS_IRTPS)) ==
	       (VTD_GSTS_IRES | VTD_GSTS_IRTPS), "IRE and IRTPS set");
	report(vtd_readq(u, VTD_IRTA_REG) == (u->ir.irt_pa | 7) && u->ir.entries == 256 &&
	       !u->ir.eime, "IRTA: our table, S=7 (256 entries), EIME clear in xAPIC mode");
	for (int i = 0; i < vtd_rig->hw[0]->nlog; i++)
		iec += vtd_rig->hw[0]->log[i].type == VTD_DESC_IEC && !vtd_rig->hw[0]->log[i].gran;
	report(iec == 1, "one global interrupt entry cache invalidation after the table was set");
	report(u->ir.cfi_works && !(vtd_readl(u, VTD_GSTS_REG) & VTD_GSTS_CFIS),
	       "CFI works on this unit and is clear: compatibility format blocked");
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
	ir_down();
	if (!ir_up("intremap=off", false, 0, NULL))
		goto out;
	report(!vtd_units[0]->ir.on && !(vtd_readl(vtd_units[0], VTD_GSTS_REG) & VTD_GSTS_IRES) &&
	       !irq_remap_ops(), "intremap=off: remapping stays off");
out:
	ir_down();
}

/*
 * A unit with CAP.SAGAW=0 (no table depth; QEMU's dma-translation=off) is
 * kept for interrupt remapping only, as Linux keeps such a DRHD: TE and
 * the root table stay off, its devices are claimed by no unit (ENODEV),
 * their interrupts are remapped; the other units translate as before.
 */
KTEST(vtd-ir, test_vtd_ir_only_unit_without_address_width)
{
	u64 cap[VTD_RIG_UNITS] = { CAP_E5 & ~GENMASK_ULL(12, 8), CAP_E5, CAP_E5, CAP_E5 };
	u64 ecap[VTD_RIG_UNITS] = { ECAP_E5, ECAP_E5, ECAP_E5, ECAP_E5 };
	struct iommu_dev *dev;
	struct iommu_domain *dom;
	struct irq_remap_entry e;
	struct irq_source s;
	struct irq_msg msg;
	struct vtd_unit *u;
	u32 gsts;

	if (!vtd_rig_up_mixed(0x10, cap, ecap, ""))
		goto out;
	u = vtd_units[0];
	gsts = vtd_readl(u, VTD_GSTS_REG);
	report(u->ir_only && !vtd_units[1]->ir_only && u->iommu.no_dma &&
	       strstr(u->iommu.no_dma, "interrupt remapping only"),
	       "dmar0 is interrupt remapping only, dmar1 is not (%s)", u->iommu.no_dma);
	report(!(gsts & (VTD_GSTS_TES | VTD_GSTS_RTPS)) && !u->root &&
	       (gsts & (VTD_GSTS_QIES | VTD_GSTS_IRES)) == (VTD_GSTS_QIES | VTD_GSTS_IRES) &&
	       u->ir.on, "dmar0: translation and root table off, queue and remapping on (GSTS %#x)",
	       gsts);
	report(vtd_readl(vtd_units[1], VTD_GSTS_REG) & VTD_GSTS_TES, "dmar1 translates");
	dev = &vtd_rig->dev[EP40];
	report(!dev->iommu_priv && vtd_iommu_ops.probe_device(dev) == -ENODEV && !dev->iommu_priv,
	       "%s behind dmar0: probe refused with ENODEV, no per-device state", dev->name);
	dom = iommu_domain_alloc_paging(dev);
	report(PTR_ERR(dom) == -ENODEV, "a paging domain for it fails with ENODEV (%ld)",
	       IS_ERR(dom) ? PTR_ERR(dom) : 0L);
	report(vtd_rig_vd_of(EP80) && !iommu_no_dma_reason(),
	       "%s behind dmar1 is claimed; DMA translation is not off as a whole",
	       vtd_rig->dev[EP80].name);
	report(vtd_iommu_ops.identity_domain, "the IR-only unit does not withdraw pass-through");
	s = pci_src(EP40);
	if (entry_for(&s, &e, 3, 0x41, &msg)) {
		report(e.unit == u && arrives(vtd_hw_interrupt(hw_of(&e), s.rid, msg.addr, msg.data),
					      3, 0x41), "%04x's MSI remapped by dmar0", s.rid);
		vtd_irq_remap_ops.free(&e);
	}
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
	vtd_rig_down();
	/* every unit without an address width: the driver runs for remapping alone */
	for (int i = 0; i < VTD_RIG_UNITS; i++)
		cap[i] = cap[0];
	if (!vtd_rig_up_mixed(0x10, cap, ecap, ""))
		goto out;
	report(iommu_no_dma_reason() && strstr(iommu_no_dma_reason(), "dmar") &&
	       irq_remap_ops() == &vtd_irq_remap_ops,
	       "no unit translates (%s); remapping by vtd", iommu_no_dma_reason());
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	ir_down();
}

/* Delivered from the device's requester ID; a spoofed ID is refused and recorded. */
KTEST(vtd-ir, test_vtd_ir_msi_and_spoofed_source_id)
{
	struct irq_remap_entry e;
	struct irq_source s;
	struct irq_msg msg;
	struct vtd_hw_intr r;

	if (!ir_up("", false, 0, NULL))
		goto out;
	s = pci_src(EP40);
	if (!entry_for(&s, &e, 3, 0x41, &msg))
		goto out;
	report(msg.addr == (0xfee00010ULL | (u64)e.index << 5) && (msg.data & 0xff) == 0x41,
	       "remappable format: handle %u in the address, SHV clear", e.index);
	report(arrives(vtd_hw_interrupt(hw_of(&e), s.rid, msg.addr, msg.data), 3, 0x41),
	       "from %04x: vector 0x41 to APIC 3", s.rid);
	r = vtd_hw_interrupt(hw_of(&e), s.rid + 1, msg.addr, msg.data);
	report(!r.delivered && r.reason == 0x26 && r.recorded,
	       "from %04x (another function): refused, reason 0x26 recorded", s.rid + 1);
	report(ir_faults(e.unit, s.rid + 1, 0x26) == 1,
	       "the fault record names the spoofer, kind interrupt");
	vtd_irq_remap_ops.free(&e);
out:
	ir_down();
}

/* Bug class: an entry changed without an IEC invalidation stays stale in the cache. */
KTEST(vtd-ir, test_vtd_ir_stale_entry_without_invalidation)
{
	struct irq_remap_entry e;
	struct irq_source s;
	struct irq_msg msg;
	struct vtd_hw *hw;
	u64 *slot;
	int n;

	if (!ir_up("", false, 0, NULL))
		goto out;
	s = pci_src(EP80);
	if (!entry_for(&s, &e, 0, 0x41, &msg))
		goto out;
	hw = hw_of(&e);
	report(arrives(vtd_hw_interrupt(hw, s.rid, msg.addr, msg.data), 0, 0x41), "0x41 (cached)");
	slot = &((struct vtd_unit *)e.unit)->ir.irt[2 * e.index];
	slot[0] = (slot[0] & ~VTD_IRTE_V) | FIELD_PREP(VTD_IRTE_V, 0x42ULL);
	report(arrives(vtd_hw_interrupt(hw, s.rid, msg.addr, msg.data), 0, 0x41),
	       "changed behind the driver's back, not invalidated: still 0x41 (stale)");
	n = hw->nlog;
	report(vtd_irq_remap_ops.set(&e, &(struct irq_target){ .vector = 0x43 }, &msg) == 0 &&
	       vtd_hw_count_since(hw, n, VTD_DESC_IEC, -1) == 1 && hw->log[n].gran == 1 &&
	       hw->log[n].addr == e.index && hw->log[n].am == 0,
	       "the driver's change: one index-selective IEC invalidation of entry %u", e.index);
	report(arrives(vtd_hw_interrupt(hw, s.rid, msg.addr, msg.data), 0, 0x43),
	       "the new vector 0x43 arrives, never 0x41");
	vtd_irq_remap_ops.free(&e);
out:
	ir_down();
}

/* Reasons 0x21, 0x22, 0x20 and 0x25, and FPD suppressing a qualified one. */
KTEST(vtd-ir, test_vtd_ir_fault_reasons_recorded)
{
	struct irq_remap_entry e;
	struct irq_source s;
	struct irq_msg msg;
	struct vtd_hw_intr r;
	struct vtd_hw *hw;
	struct vtd_unit *u;

	if (!ir_up("", false, 0, NULL))
		goto out;
	s = pci_src(EPC0);
	if (!entry_for(&s, &e, 0, 0x41, &msg))
		goto out;
	hw = hw_of(&e);
	u = e.unit;
	vtd_irq_remap_ops.clear(&e);
	r = vtd_hw_interrupt(hw, s.rid, msg.addr, msg.data);
	report(!r.delivered && r.reason == 0x22 && ir_faults(u, s.rid, 0x22) == 1,
	       "cleared entry: 0x22 not present, recorded");
	r = vtd_hw_interrupt(hw, s.rid, vtd_ir_msi_addr(300), 0);
	report(!r.delivered && r.reason == 0x21 && ir_faults(u, s.rid, 0x21) == 1,
	       "handle 300 of 256: 0x21 index beyond the table");
	r = vtd_hw_interrupt(hw, s.rid, msg.addr | VTD_MSI_SHV, 0x10000);
	report(!r.delivered && r.reason == 0x20 && ir_faults(u, s.rid, 0x20) == 1,
	       "SHV with data 31:16 set: 0x20 reserved fields");
	r = vtd_hw_interrupt(hw, s.rid, 0xfee00000, 0x41);
	report(!r.delivered && r.reason == 0x25 && ir_faults(u, s.rid, 0x25) == 1,
	       "compatibility format with CFI clear: 0x25 blocked");
	u->ir.irt[2 * e.index] = VTD_IRTE_FPD;
	vtd_iec_flush(u, false, (u16)e.index);
	r = vtd_hw_interrupt(hw, s.rid, msg.addr, msg.data);
	report(!r.delivered && r.reason == 0x22 && !r.recorded,
	       "not present with FPD: blocked, the qualified fault not recorded");
	report(vtd_gcmd(u, VTD_GCMD_CFI, 0, VTD_GSTS_CFIS, true) == 0 &&
	       vtd_hw_interrupt(hw, s.rid, 0xfee00000, 0x41).delivered &&
	       vtd_irq_remap_ops.compat_blocked(&s) == 0 &&
	       vtd_gcmd(u, 0, VTD_GCMD_CFI, VTD_GSTS_CFIS, false) == 0,
	       "CFI set: compatibility format passes (and the driver says so); cleared again");
	vtd_irq_remap_ops.free(&e);
out:
	ir_down();
}

/*
 * Source validation as Linux's set_msi_sid: the device's own ID, a
 * conventional bridge's ID, or the bus range [secondary, device bus] behind
 * a PCIe-to-PCI bridge (SID 15:8 start, 7:0 end, as the spec puts them).
 */
KTEST(vtd-ir, test_vtd_ir_source_id_rules_and_bus_ranges)
{
	struct pci_dev rp = { .bus = 0, .dev = 1, .cap_pcie = 0x40, .pcie_type = 4,
			      .is_bridge = true, .secondary = 4 };
	struct pci_dev p2p = { .bus = 4, .dev = 0, .cap_pcie = 0x40, .pcie_type = 7,
			       .is_bridge = true, .secondary = 5, .parent = &rp };
	struct pci_dev pci = { .bus = 5, .dev = 2, .is_bridge = true, .secondary = 6,
			       .parent = &p2p };
	struct pci_dev conv = { .bus = 0, .dev = 0x1e, .is_bridge = true, .secondary = 9 };
	static struct pci_dev d[5];
	static const struct {
		int parent;	/* index above, -1 root */
		u8 bus, dev;
		u8 svt;
		u16 sid;
	} rows[] = {
		{ -1, 0, 0x1f, VTD_SVT_SID, 0x00f8 },	/* root complex device */
		{ 0, 4, 0, VTD_SVT_SID, 0x0400 },	/* behind a root port: its own */
		{ 1, 5, 3, VTD_SVT_BUS, 0x0505 },	/* behind a PCIe-to-PCI bridge */
		{ 2, 6, 1, VTD_SVT_BUS, 0x0506 },	/* ... and a PCI bridge below it */
		{ 3, 9, 4, VTD_SVT_SID, 0x00f0 },	/* behind a conventional bridge */
	};
	struct pci_dev *parents[4] = { &rp, &p2p, &pci, &conv };
	static struct vtd_unit quirk;
	u8 want_svt;
	u16 want_sid;
	struct irq_remap_entry e;
	struct irq_msg msg;
	struct irq_source s;
	struct vtd_hw *hw;

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		u8 svt = 0xff;
		u16 sid = 0;

		d[i].bus = rows[i].bus;
		d[i].dev = rows[i].dev;
		d[i].parent = rows[i].parent < 0 ? NULL : parents[rows[i].parent];
		vtd_ir_pci_sid(&d[i], &svt, &sid);
		report(svt == rows[i].svt && sid == rows[i].sid, "%02x:%02x.0: SVT %u SID %04x",
		       rows[i].bus, rows[i].dev, svt, sid);
		/* QEMU 7.2's swapped bus range: a range of several buses becomes the alias */
		quirk.qemu_svt_bus_quirk = true;
		vtd_ir_sid_quirk(&quirk, &svt, &sid);
		want_svt = rows[i].svt == VTD_SVT_BUS && (rows[i].sid >> 8) != (rows[i].sid & 0xff) ?
			   VTD_SVT_SID : rows[i].svt;
		want_sid = want_svt != rows[i].svt ? rows[i].sid & 0xff00 : rows[i].sid;
		report(svt == want_svt && sid == want_sid, "  on a unit with QEMU's quirk: SVT %u "
		       "SID %04x", svt, sid);
		quirk.qemu_svt_bus_quirk = false;
		vtd_ir_pci_sid(&d[i], &svt, &sid);
		vtd_ir_sid_quirk(&quirk, &svt, &sid);
		report(svt == rows[i].svt && sid == rows[i].sid, "  without it: unchanged");
	}
	report(!running_under_qemu(), "the software unit has no QEMU quirk: SVT 2 ranges are "
	       "checked below");
	/* on the unit: the R820 NIC behind 40:02.0 made a PCIe-to-PCI bridge */
	if (!ir_up("", false, 0, NULL))
		goto out;
	vtd_rig->pdev[BR40].cap_pcie = 0x40;
	vtd_rig->pdev[BR40].pcie_type = 7;
	s = pci_src(NIC);
	if (!entry_for(&s, &e, 0, 0x41, &msg))
		goto out;
	hw = hw_of(&e);
	report(vtd_hw_interrupt(hw, 0x4100, msg.addr, msg.data).delivered &&
	       vtd_hw_interrupt(hw, 0x4108, msg.addr, msg.data).delivered,
	       "the bridge's alias 41:00.0 and a forwarded 41:01.0 both pass (bus 41)");
	report(vtd_hw_interrupt(hw, 0x4200, msg.addr, msg.data).reason == 0x26 &&
	       vtd_hw_interrupt(hw, 0x4000, msg.addr, msg.data).reason == 0x26,
	       "buses 42 and 40 are refused");
	ir_faults(e.unit, -1, 0);
	((struct vtd_unit *)e.unit)->ir.irt[2 * e.index + 1] =
		FIELD_PREP(VTD_IRTE_SVT, (u64)VTD_SVT_BUS) | 0x4043;
	vtd_iec_flush(e.unit, false, (u16)e.index);
	report(vtd_hw_interrupt(hw, 0x4200, msg.addr, msg.data).delivered &&
	       vtd_hw_interrupt(hw, 0x4400, msg.addr, msg.data).reason == 0x26,
	       "range 40-43 (start in 15:8): bus 42 inside, bus 44 outside");
	ir_faults(e.unit, -1, 0);
	vtd_irq_remap_ops.free(&e);
out:
	ir_down();
}

/* x2APIC mode: EIME and 32-bit destinations where ECAP.EIM; else 8 bits only. */
KTEST(vtd-ir, test_vtd_ir_x2apic_destinations_with_eim)
{
	struct irq_remap_entry e;
	struct irq_source s;
	struct irq_msg msg;

	if (!ir_up("", true, 0, NULL))
		goto out;
	s = pci_src(EP40);
	report(vtd_units[0]->ir.eime && (vtd_readq(vtd_units[0], VTD_IRTA_REG) & VTD_IRTA_EIME),
	       "x2APIC mode, ECAP.EIM: IRTA.EIME set");
	if (entry_for(&s, &e, 0x12345, 0x61, &msg)) {
		report(arrives(vtd_hw_interrupt(hw_of(&e), s.rid, msg.addr, msg.data), 0x12345, 0x61),
		       "delivered to x2APIC ID 0x12345");
		report(vtd_irq_remap_ops.compat_blocked(&s) == 1 &&
		       vtd_hw_interrupt(hw_of(&e), s.rid, 0xfee00000, 0x61).reason == 0x25,
		       "compatibility format is always blocked in x2APIC mode");
		ir_faults(e.unit, s.rid, 0x25);
		vtd_irq_remap_ops.free(&e);
	}
	ir_down();
	if (!ir_up("", true, BIT_ULL(4), NULL))
		goto out;
	s = pci_src(EP40);
	report(!vtd_units[0]->ir.eime && vtd_irq_remap_ops.alloc(&s, &e) == 0 &&
	       vtd_irq_remap_ops.set(&e, &(struct irq_target){ .dest = 0x100, .vector = 0x61 },
				     &msg) == -ERANGE,
	       "x2APIC mode without ECAP.EIM: EIME clear, destination 256 refused");
	vtd_irq_remap_ops.free(&e);
out:
	ir_down();
}

/* IOAPIC and HPET source-ids from the DMAR device scopes of each unit. */
KTEST(vtd-ir, test_vtd_ir_ioapic_and_hpet_source_ids)
{
	static const struct {
		u8 kind, id;
		int unit;
		u16 sid;
		u16 wrong;	/* a requester ID that must be refused */
	} rows[] = {
		{ IRQ_SRC_IOAPIC, 2, 0, 0x402c, 0x402d },	/* 40:05.4 */
		{ IRQ_SRC_IOAPIC, 4, 2, 0xc02c, 0x402c },	/* c0:05.4 */
		{ IRQ_SRC_IOAPIC, 0, 3, 0x00f1, 0x00f2 },	/* 00:1e.1 */
		{ IRQ_SRC_HPET, 0, 3, 0x0078, 0x0080 },		/* 00:0f.0, SQ ignores 2:0 */
	};
	struct irq_remap_entry e;
	struct irq_msg msg;

	if (!ir_up("", false, 0, NULL))
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct irq_source s = { .kind = rows[i].kind, .id = rows[i].id };

		if (!entry_for(&s, &e, 0, 0x30, &msg))
			continue;
		report(e.unit == vtd_units[rows[i].unit] &&
		       arrives(vtd_hw_interrupt(hw_of(&e), rows[i].sid, msg.addr, msg.data), 0, 0x30),
		       "%s %u on dmar%d: delivered from %04x", rows[i].kind == IRQ_SRC_HPET ?
		       "HPET" : "IOAPIC", rows[i].id, rows[i].unit, rows[i].sid);
		report(vtd_hw_interrupt(hw_of(&e), rows[i].wrong, msg.addr, msg.data).reason == 0x26,
		       "refused from %04x", rows[i].wrong);
		ir_faults(e.unit, rows[i].wrong, 0x26);
		vtd_irq_remap_ops.free(&e);
	}
	report(!vtd_irq_remap_ops.covers(&(struct irq_source){ .kind = IRQ_SRC_IOAPIC, .id = 9 }),
	       "an IOAPIC no scope names is not covered");
out:
	ir_down();
}

/* Firmware's table: entry 5 -> vector 0x55 at APIC 2, remapping on. */
static u64 *fw_table;

static void left_remapping_on(struct vtd_hw *hw)
{
	u64 irta;

	if (!fw_table)
		fw_table = page_alloc_va(1);	/* 512 entries: S = 8 */
	fw_table[2 * 5] = VTD_IRTE_P | FIELD_PREP(VTD_IRTE_V, 0x55ULL) |
			  FIELD_PREP(VTD_IRTE_DST_XAPIC, 2ULL);
	fw_table[2 * 5 + 1] = 0;
	irta = (u64)(uintptr_t)fw_table | 8;
	memcpy(hw->regs + VTD_IRTA_REG, &irta, 8);
	hw->irta = irta;
	hw->gsts |= VTD_GSTS_IRES | VTD_GSTS_IRTPS;
}

/*
 * Item 5 of issue 11 on the software unit: remapping found on. The driver
 * keeps it on (never IRE off), sets its own table with the present entry
 * copied to the same index, and the old message still delivers.
 */
KTEST(vtd-ir, test_vtd_ir_takeover_keeps_entries_and_remapping_on)
{
	struct vtd_unit *u;
	struct vtd_hw *hw;
	u64 addr = vtd_ir_msi_addr(5);

	if (!ir_up("", false, 0, left_remapping_on))
		goto out;
	u = vtd_units[0];
	hw = vtd_rig->hw[0];
	report(u->ir.found_on && u->ir.on && hw->ire_offs == 0,
	       "found on, kept on: IRE never cleared on the way");
	report((hw->irta & VTD_IRTA_ADDR) == u->ir.irt_pa && u->ir.entries == 512 &&
	       u->ir.inherited == 1 && vtd_irq_remap_ops.live() == 0,
	       "our 512-entry table is live with the one present entry kept (not counted as ours)");
	report(arrives(vtd_hw_interrupt(hw, 0x402c, addr, 0x55), 2, 0x55),
	       "the firmware's message still delivers 0x55 to APIC 2");
	report(vtd_ir_release_inherited(u) == 1 &&
	       vtd_hw_interrupt(hw, 0x402c, addr, 0x55).reason == 0x22,
	       "released: entry 5 is gone from the unit's cache too");
	ir_faults(u, 0x402c, 0x22);
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	ir_down();
	if (fw_table)
		page_free_va(fw_table, 1);
	fw_table = NULL;
}

/* Every allocation and wait of an entry request failed in turn: nothing left behind. */
KTEST(vtd-ir, test_vtd_ir_failure_at_every_site)
{
	struct irq_remap_entry e;
	struct irq_source s;
	struct irq_msg msg;
	long pages;
	int n, fired = 0, bad = 0;

	if (!ir_up("", false, 0, NULL))
		goto out;
	s = pci_src(EP40);
	pages = host_pages_live();
	host_poll_step_us(1000);
	for (n = 1; n < 50; n++) {
		int ret;
		bool f;

		memset(&e, 0, sizeof(e));
		failpoint_arm((unsigned long)n);
		ret = vtd_irq_remap_ops.alloc(&s, &e);
		if (!ret)
			ret = vtd_irq_remap_ops.set(&e, &(struct irq_target){ .vector = 0x41 }, &msg);
		f = failpoint_fired();
		failpoint_arm(0);
		if (e.live)
			vtd_irq_remap_ops.free(&e);
		if (!f)
			break;
		fired++;
		bad += !ret || host_pages_live() != pages || vtd_irq_remap_ops.live() != 0;
	}
	host_poll_step_us(0);
	report(n < 50 && fired >= 2 && !bad, "%d sites failed one at a time (at least 2), each "
	       "cleanly", fired);
out:
	ir_down();
}

/*
 * The start path failed at each allocation and wait in turn. Fresh: an
 * error, remapping off, no table left. Found on (a failed takeover): an
 * error and the unit as found, IRE on with the firmware's table latched and
 * its message delivering, never switched off. Past the last site it starts.
 */
KTEST(vtd-ir, test_vtd_ir_start_failure_at_every_site)
{
	for (int found = 0; found < 2; found++) {
		struct vtd_unit *u;
		struct vtd_hw *hw;
		long pages;
		int n, fired = 0, absorbed = 0, bad = 0;

		if (!ir_up("", false, 0, NULL))
			break;
		u = vtd_units[1];
		hw = vtd_rig->hw[1];
		host_poll_step_us(1000);
		for (n = 1; n < 50; n++) {
			int ret;
			bool f;

			vtd_ir_stop(u);
			if (found)
				left_remapping_on(hw);
			pages = host_pages_live();
			failpoint_arm((unsigned long)n);
			ret = vtd_ir_start(u);
			f = failpoint_fired();
			failpoint_arm(0);
			if (!f) {
				report(ret == 0 && u->ir.on, "%s: past the last site it starts",
				       found ? "found on" : "fresh");
				break;
			}
			fired++;
			if (!ret) {
				/* the CFI probe's waits: remapping on, CFI taken as not honoured */
				absorbed++;
				bad += !u->ir.on || u->ir.cfi_works || !(hw->gsts & VTD_GSTS_IRES);
				continue;
			}
			if (u->ir.irt || u->ir.on || !!(hw->gsts & VTD_GSTS_IRES) != found ||
			    (found && (hw->irta != ((u64)(uintptr_t)fw_table | 8) ||
				       !u->ir.takeover_failed ||
				       !arrives(vtd_hw_interrupt(hw, 0x402c, vtd_ir_msi_addr(5), 0x55),
						2, 0x55))) ||
			    host_pages_live() != pages) {
				report_info("site %d: ret %d table %p IRES %d IRTA %#llx pages %+ld", n,
					    ret, (void *)u->ir.irt, !!(hw->gsts & VTD_GSTS_IRES),
					    (unsigned long long)hw->irta, host_pages_live() - pages);
				bad++;
			}
		}
		host_poll_step_us(0);
		report(n < 50 && fired - absorbed >= 4 && absorbed <= 2 && !bad,
		       "%s: %d sites failed one at a time (at least 4): an error, no table kept, %s; "
		       "%d absorbed by the CFI probe (at most its 2 waits), remapping on",
		       found ? "found on" : "fresh", fired - absorbed,
		       found ? "the unit as found (IRE on, the firmware's table delivering)" :
			       "remapping off", absorbed);
		vtd_ir_release_inherited(u);
		ir_down();
	}
	if (fw_table)
		page_free_va(fw_table, 1);
	fw_table = NULL;
}
