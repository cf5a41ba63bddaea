// SPDX-License-Identifier: MIT
/*
 * AMD-Vi units: find each IOMMU from IVRS and its PCI capability, read and
 * print EFR, program device table, command ring and event log, enable
 * (taking over a unit left enabled, its interrupt tables kept), the event
 * interrupt. Spec 3.2-3.4.
 */
#include "arch/x86/console.h"
#include "arch/x86/lapic.h"
#include "arch/x86/pci.h"
#include "arch/x86/trap.h"
#include "arch/x86/tsc.h"
#include "iommu/amdvi/amdvi.h"
#include "iommu/amdvi/amdvi_caps.h"
#include "iommu/acpi_live.h"
#include "iommu/ivrs.h"
#include "lib/alloc.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "lib/warn.h"

#define STOP_TIMEOUT_US	1000000

struct amdvi_unit *amdvi_units[AMDVI_MAX_UNITS];
int amdvi_nunits;
const struct ivrs_table *amdvi_ivrs;	/* the IVRS the driver follows */
static int init_result = -EAGAIN;

struct amdvi_unit *amdvi_unit_for(u16 segment, u16 devid)
{
	const struct ivrs_unit *iu;

	if (!amdvi_ivrs)
		return NULL;
	iu = ivrs_unit_for_devid(amdvi_ivrs, segment, devid);
	for (int i = 0; iu && i < amdvi_nunits; i++)
		if (amdvi_units[i]->base == iu->base && amdvi_units[i]->segment == iu->segment)
			return amdvi_units[i];
	return NULL;
}

/* Event interrupt: note it and acknowledge; the log is read in thread context. */
static void amdvi_irq(struct trap_frame *tf, void *ctx)
{
	struct amdvi_unit *u = ctx;

	u->stats.evt_irqs++;
	u->evt_irq_pending = 1;
	amdvi_writeq(u, AMDVI_STATUS, AMDVI_STS_EVT_INT | AMDVI_STS_COMWAIT_INT);
}

static void amdvi_poll_faults(struct iommu_device *iommu)
{
	amdvi_event_poll(container_of(iommu, struct amdvi_unit, iommu));
}

/*
 * Quiesce a unit someone else left running: stop fetching commands and
 * logging. Translation (and interrupt remapping) stays on when
 * keep_translation, so the device table can be replaced under it, as
 * Linux's kdump path does; else the unit is disabled.
 */
static int unit_quiesce(struct amdvi_unit *u, bool keep_translation)
{
	u64 ctrl = amdvi_readq(u, AMDVI_CONTROL);
	int ret;

	if (!(ctrl & (AMDVI_CTRL_IOMMU_EN | AMDVI_CTRL_CMDBUF_EN | AMDVI_CTRL_EVTLOG_EN)))
		return 0;
	amdvi_ctrl_update(u, 0, AMDVI_CTRL_CMDBUF_EN | AMDVI_CTRL_EVTLOG_EN |
			  AMDVI_CTRL_EVTINT_EN | AMDVI_CTRL_COMWAITINT_EN |
			  AMDVI_CTRL_PPRLOG_EN | AMDVI_CTRL_PPRINT_EN | AMDVI_CTRL_PPR_EN |
			  AMDVI_CTRL_GALOG_EN | AMDVI_CTRL_GAINT_EN);
	ret = poll_timeout(!(amdvi_readq(u, AMDVI_STATUS) &
			     (AMDVI_STS_CMDBUF_RUN | AMDVI_STS_EVT_RUN)), STOP_TIMEOUT_US);
	if (!keep_translation)
		amdvi_ctrl_update(u, 0, AMDVI_CTRL_IOMMU_EN);
	amdvi_writeq(u, AMDVI_STATUS, AMDVI_STS_W1C);
	return ret;
}

/*
 * Every devid starts blocked, with the DTE settings IVRS gives it and the
 * interrupt table it keeps from a previous owner.
 */
static void devtab_fill(struct amdvi_unit *u)
{
	u64 bits[4], dte[4];

	for (u32 id = 0; id < AMDVI_DEVTAB_ENTRIES; id++) {
		struct ivrs_dev d;
		u64 *e = amdvi_dte_ptr(u, (u16)id);

		if (amdvi_ivrs && !ivrs_lookup(amdvi_ivrs, u->segment, (u16)id, &d) &&
		    d.unit->base == u->base)
			amdvi_dte_ivrs_bits(d.dte, bits);
		else
			memset(bits, 0, sizeof(bits));
		amdvi_dte_blocked(dte, bits);
		dte[2] |= amdvi_ir_dte2(u, (u16)id);
		memcpy(e, dte, sizeof(dte));
	}
}

static void unit_setup_irq(struct amdvi_unit *u)
{
	if (u->irq_vector < 0 && u->pdev && u->pdev->cap_msi) {
		int v = irq_alloc_vector(amdvi_irq, u);

		if (v >= 0 && !pci_msi_enable(u->pdev, msi_addr(lapic_id()), msi_data(v)))
			u->irq_vector = v;
		else if (v >= 0)
			irq_unregister(v);
	}
}

int amdvi_unit_enable(struct amdvi_unit *u)
{
	u64 ctrl = FIELD_PREP(AMDVI_CTRL_INV_TIMEOUT, AMDVI_INV_TIMEOUT_1S);
	u64 found = amdvi_readq(u, AMDVI_CONTROL), found_dt = amdvi_readq(u, AMDVI_DEVTAB_BASE);
	bool live = found & AMDVI_CTRL_IOMMU_EN;
	int ret;

	if (live) {
		u->taken_over = true;
		printk("# %s: found enabled (control %#llx): taking over, translation stays on\n",
		       u->name, (unsigned long long)found);
	}
	ret = unit_quiesce(u, live);
	if (ret) {
		/* its rings may still run: never point it at ours (the caller warns) */
		printk("# %s: did not stop within %d us\n", u->name, STOP_TIMEOUT_US);
		goto err;
	}
	if ((!u->devtab && (ret = amdvi_devtab_alloc(u))) ||
	    (!u->cmdbuf && (ret = amdvi_cmd_init(u))) ||
	    (!u->evtlog && (ret = amdvi_event_init(u))))
		goto err;
	ctrl |= amdvi_ir_init(u, found, found_dt);
	if (u->ir_takeover_failed) {
		ret = -ENOMEM;	/* before our device table: the one found stays live */
		goto err;
	}
	devtab_fill(u);
	/* the table is whole before the unit sees it (it may be translating) */
	amdvi_devtab_install(u);
	amdvi_writeq(u, AMDVI_EXCL_BASE, 0);
	amdvi_writeq(u, AMDVI_EXCL_LIMIT, 0);
	unit_setup_irq(u);
	if (u->irq_vector >= 0)
		ctrl |= AMDVI_CTRL_EVTINT_EN;
	ctrl |= u->ivhd_ctrl;
	amdvi_ctrl_update(u, ctrl, AMDVI_CTRL_INV_TIMEOUT | AMDVI_CTRL_HTTUN_EN |
			  AMDVI_CTRL_PASSPW | AMDVI_CTRL_RESPASSPW | AMDVI_CTRL_ISOC |
			  AMDVI_CTRL_COHERENT | AMDVI_CTRL_GA_EN | AMDVI_CTRL_XT_EN);
	amdvi_ctrl_update(u, AMDVI_CTRL_EVTLOG_EN, 0);
	amdvi_ctrl_update(u, AMDVI_CTRL_CMDBUF_EN, 0);
	amdvi_ctrl_update(u, AMDVI_CTRL_IOMMU_EN, 0);
	u->enabled = true;
	/* nothing cached from before (a previous owner, or reset state) survives */
	ret = amdvi_flush_all(u);
	if (ret) {
		printk("# %s: initial flush failed: %d\n", u->name, ret);
		goto err_disable;
	}
	if (running_under_qemu() && !(u->quirks & AMDVI_QUIRK_NO_EVENTS))
		amdvi_event_probe(u);
	return 0;
err_disable:
	if (live) {
		/* a failed takeover: the previous owner's device table and unit back on */
		unit_quiesce(u, true);
		amdvi_writeq(u, AMDVI_DEVTAB_BASE, found_dt);
		amdvi_writeq(u, AMDVI_CONTROL, found & ~(AMDVI_CTRL_CMDBUF_EN | AMDVI_CTRL_EVTLOG_EN |
							 AMDVI_CTRL_EVTINT_EN |
							 AMDVI_CTRL_COMWAITINT_EN));
		printk("# %s: takeover failed (%d): the device table found is live again\n",
		       u->name, ret);
	} else {
		unit_quiesce(u, false);
	}
	u->enabled = false;
err:
	amdvi_ir_fini(u);
	amdvi_event_fini(u);
	amdvi_cmd_fini(u);
	amdvi_devtab_fini(u);
	return ret;
}

void amdvi_unit_shutdown(struct amdvi_unit *u)
{
	if (u->enabled)
		amdvi_event_poll(u);
	unit_quiesce(u, false);
	u->enabled = false;
	amdvi_ir_fini(u);
	if (u->irq_vector >= 0) {
		pci_msi_disable(u->pdev);
		irq_unregister(u->irq_vector);
		u->irq_vector = -1;
	}
	amdvi_event_fini(u);
	amdvi_cmd_fini(u);
	amdvi_devtab_fini(u);
}

/* Capability block: check it and compare its base with IVRS's. */
static void unit_read_cap(struct amdvi_unit *u)
{
	u64 cap_base;

	u->pdev = pci_find_bdf(u->segment, u->devid);
	if (!u->pdev || !u->cap_off) {
		printk("# %s: no PCI function %02x:%02x.%x for the IOMMU\n", u->name,
		       u->devid >> 8, (u->devid >> 3) & 0x1f, u->devid & 7);
		return;
	}
	u->cap_hdr = pci_read32(u->pdev, u->cap_off + AMDVI_CAP_HDR);
	if ((u->cap_hdr & 0xff) != AMDVI_CAP_ID)
		printk("# %s: no IOMMU capability at %#x (header %#x)\n", u->name,
		       u->cap_off, u->cap_hdr);
	cap_base = (u64)pci_read32(u->pdev, u->cap_off + AMDVI_CAP_BAR_HI) << 32 |
		   (pci_read32(u->pdev, u->cap_off + AMDVI_CAP_BAR_LO) & AMDVI_CAP_BAR_LO_ADDR);
	u->misc0 = pci_read32(u->pdev, u->cap_off + AMDVI_CAP_MISC0);
	if (cap_base != u->base)
		printk("# %s: capability base %#llx differs from IVRS %#llx; using IVRS\n",
		       u->name, (unsigned long long)cap_base, (unsigned long long)u->base);
}

static void unit_print(struct amdvi_unit *u, const struct ivrs_unit *iu)
{
	char buf[256];

	printk("# %s: %02x:%02x.%x at %#llx, IVHD %02xh, EFR %#llx EFR2 %#llx, %u levels, "
	       "%u-bit IOVA%s\n", u->name, u->devid >> 8, (u->devid >> 3) & 0x1f,
	       u->devid & 7, (unsigned long long)u->base, iu->type,
	       (unsigned long long)u->efr, (unsigned long long)u->efr2, u->max_levels,
	       u->va_bits, running_under_qemu() ? " (under QEMU)" : "");
	amdvi_efr_summary(u->efr, buf, sizeof(buf));
	printk("# %s: EFR: %s\n", u->name, buf);
	if (iu->efr_valid && iu->efr != u->efr)
		printk("# %s: IVHD EFR image %#llx differs from the register\n", u->name,
		       (unsigned long long)iu->efr);
}

static struct amdvi_unit *unit_probe(const struct ivrs_unit *iu, int idx)
{
	struct amdvi_unit *u = failable(kzalloc(sizeof(*u)));
	unsigned int va;

	if (!u)
		return NULL;
	u->index = idx;
	snprintf(u->name, sizeof(u->name), "amdvi%u", (u8)idx);
	u->segment = iu->segment;
	u->devid = iu->devid;
	u->cap_off = iu->cap_offset;
	u->base = iu->base;
	u->coherent = iu->flags & IVRS_IVHD_COHERENT;
	/* firmware's choices for the link (spec 5.2.2.2, IVHD flags) */
	u->ivhd_ctrl = (iu->flags & IVRS_IVHD_HTTUNEN ? AMDVI_CTRL_HTTUN_EN : 0) |
		       (iu->flags & IVRS_IVHD_PASSPW ? AMDVI_CTRL_PASSPW : 0) |
		       (iu->flags & IVRS_IVHD_RESPASSPW ? AMDVI_CTRL_RESPASSPW : 0) |
		       (iu->flags & IVRS_IVHD_ISOC ? AMDVI_CTRL_ISOC : 0) |
		       (u->coherent ? AMDVI_CTRL_COHERENT : 0);
	u->irq_vector = -1;
	spin_lock_init(&u->cmd_lock);
	spin_lock_init(&u->evt_lock);
	INIT_LIST_HEAD(&u->irts);
	spin_lock_init(&u->quarantine_lock);
	INIT_LIST_HEAD(&u->quarantine);
	INIT_LIST_HEAD(&u->zombies);
	unit_read_cap(u);
	u->mmio = ioremap(u->base, AMDVI_MMIO_SIZE);
	if (!u->mmio) {
		kfree(u);
		return NULL;
	}
	/* the register when the capability says it exists, else IVHD's image */
	u->efr = (u->cap_hdr & AMDVI_CAP_HDR_EFRSUP) ? amdvi_readq(u, AMDVI_EFR) : iu->efr;
	u->efr2 = (u->cap_hdr & AMDVI_CAP_HDR_EFRSUP) ? amdvi_readq(u, AMDVI_EFR2) : iu->efr2;
	u->ia = amdvi_efr_ia(u->efr);
	u->np_cache = u->cap_hdr & AMDVI_CAP_HDR_NPCACHE;
	u->max_levels = amdvi_efr_max_levels(u->efr);
	va = (unsigned int)FIELD_GET(IVRS_IVINFO_VASIZE, amdvi_ivrs->ivinfo);
	if (!va)
		va = (unsigned int)FIELD_GET(AMDVI_MISC0_VASIZE, u->misc0);
	u->va_bits = va ? min(va, 64u) : 48;
	/* QEMU's amd-iommu (its fixed EFR under QEMU): see AMDVI_QUIRK_BUS0_DEVID */
	if (running_under_qemu() && u->efr == 0x29d3)
		u->quirks |= AMDVI_QUIRK_BUS0_DEVID;
	u->iommu.name = u->name;
	u->iommu.ops = &amdvi_ops;
	u->iommu.poll_faults = amdvi_poll_faults;
	unit_print(u, iu);
	return u;
}

/* The firmware's IVRS, parsed once by iommu/acpi_live.c; used only when valid. */
static int use_ivrs(void)
{
	const struct ivrs_table *t = ivrs_live();

	if (!t)
		return -ENODEV;
	if (!t->valid) {
		printk("# amdvi: IVRS rejected; AMD-Vi stays off\n");
		return -EINVAL;
	}
	amdvi_ivrs = t;
	return 0;
}

int amdvi_init(void)
{
	int ret;

	if (init_result != -EAGAIN)
		return init_result;
	ret = use_ivrs();
	if (ret) {
		init_result = ret;
		return init_result;
	}
	for (int i = 0; i < amdvi_ivrs->nunits && amdvi_nunits < AMDVI_MAX_UNITS; i++) {
		const struct ivrs_unit *iu = &amdvi_ivrs->units[i];
		struct amdvi_unit *u;

		if (!iu->usable)
			continue;
		u = unit_probe(iu, amdvi_nunits);
		if (!u)
			continue;
		ret = amdvi_unit_enable(u);
		if (ret) {
			plat_warn("%s: not enabled: %d", u->name, ret);
			kfree(u);
			continue;
		}
		amdvi_units[amdvi_nunits++] = u;
		iommu_device_register(&u->iommu);
	}
	init_result = amdvi_nunits ? 0 : -ENODEV;
	for (int i = 0; i < amdvi_nunits; i++)
		if (amdvi_units[i]->ir_on)
			irq_remap_register(&amdvi_irq_remap_ops);
	return init_result;
}
