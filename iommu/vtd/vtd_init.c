// SPDX-License-Identifier: MIT
/*
 * VT-d bring-up: DMAR units to driver state (caps, AGAW, invalidation
 * method), safe takeover of a unit left enabled, translation and interrupt
 * remapping on, PCI devices claimed.
 */
#include "iommu/vtd/vtd.h"
#include "iommu/vtd/vtd_caps.h"
#include <linux/iommufd.h>
#include "iommu/acpi_live.h"
#include "arch/x86/acpi.h"
#include "boot/cmdline.h"
#include "arch/x86/console.h"
#include "arch/x86/cpu.h"
#include "arch/x86/mm.h"
#include "arch/x86/pci.h"
#include "arch/x86/tsc.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "lib/warn.h"

struct vtd_options vtd_opt = { .qi = -1, .superpages = true, .ats = true, .sm = true };
struct vtd_unit *vtd_units[VTD_MAX_UNITS];
int vtd_nunits;
const struct dmar_table *vtd_dmar;

/* --- registers --- */

int vtd_gcmd(struct vtd_unit *u, u32 set, u32 clear, u32 status, bool want)
{
	u32 cmd = ((vtd_readl(u, VTD_GSTS_REG) & VTD_GCMD_PERSIST) | set) & ~clear;

	vtd_writel(u, VTD_GCMD_REG, cmd);
	return poll_timeout(!!(vtd_readl(u, VTD_GSTS_REG) & status) == want, VTD_TIMEOUT_US);
}

static int opt_bool(const char *key, int def)
{
	char v[8];

	if (!cmdline_get(key, v, sizeof(v)))
		return def;
	return strcmp(v, "0") && strcmp(v, "off") && strcmp(v, "n");
}

void vtd_parse_options(void)
{
	vtd_opt.qi = opt_bool("vtd_qi", -1);
	vtd_opt.noncoherent = opt_bool("vtd_noncoherent", 0);
	vtd_opt.rwbf = opt_bool("vtd_rwbf", 0);
	vtd_opt.superpages = opt_bool("vtd_sp", 1);
	vtd_opt.ats = opt_bool("vtd_ats", 1);
	vtd_opt.sm = opt_bool("vtd_sm", 1);
	vtd_opt.fs = opt_bool("vtd_fs", 0);
}

int vtd_choose_inval(u32 ver, u64 ecap, int want_qi)
{
	bool qi = vtd_ecap_qi(ecap);
	bool regs = vtd_ver_major(ver) < 6;	/* VT-d 6.0 dropped register invalidation */

	if (want_qi == 0 && regs)
		return VTD_INV_REGS;
	if (qi)
		return VTD_INV_QI;
	return regs ? VTD_INV_REGS : -ENODEV;
}

/* Turn off what we do not use and cannot trust from a previous owner. */
static int vtd_quiesce(struct vtd_unit *u, u32 gsts)
{
	int ret = 0;

	/* interrupt remapping stays on: vtd_ir_start() takes its table over */
	if ((vtd_cap_plmr(u->cap) || vtd_cap_phmr(u->cap)) &&
	    (vtd_readl(u, VTD_PMEN_REG) & VTD_PMEN_PRS)) {
		vtd_writel(u, VTD_PMEN_REG, 0);
		ret = poll_timeout(!(vtd_readl(u, VTD_PMEN_REG) & VTD_PMEN_PRS), VTD_TIMEOUT_US);
	}
	if (!ret && (gsts & VTD_GSTS_QIES))
		ret = vtd_qi_disable(u);
	return ret;
}

int vtd_unit_start(struct vtd_unit *u)
{
	u32 gsts = vtd_readl(u, VTD_GSTS_REG);
	int ret;

	u->took_over = gsts & VTD_GSTS_TES;
	if (gsts & (VTD_GSTS_TES | VTD_GSTS_QIES | VTD_GSTS_IRES))
		printk("# vtd: %s found enabled (GSTS %#x): taking over, translation stays on\n",
		       u->name, gsts);
	ret = vtd_quiesce(u, gsts);
	if (!ret && (gsts & VTD_GSTS_TES) &&
	    FIELD_GET(VTD_RTADDR_TTM, vtd_readq(u, VTD_RTADDR_REG)) != (u->sm ? 1 : 0)) {
		/* RTADDR.TTM may change only with translation off (11.4.5; Linux's kdump path) */
		printk("# vtd: %s: its root table is in %s mode: translation off to switch to %s\n",
		       u->name, u->sm ? "legacy" : "scalable", u->sm ? "scalable" : "legacy");
		ret = vtd_gcmd(u, 0, VTD_GCMD_TE, VTD_GSTS_TES, false);
	}
	if (ret)
		return ret;
	/* with TE kept on, DMA is blocked by the empty table, never untranslated */
	vtd_writeq(u, VTD_RTADDR_REG, u->root_pa | FIELD_PREP(VTD_RTADDR_TTM, u->sm ? 1 : 0));
	ret = vtd_gcmd(u, VTD_GCMD_SRTP, 0, VTD_GSTS_RTPS, true);
	if (!ret && u->inv == VTD_INV_QI)
		ret = vtd_qi_enable(u);
	if (!ret)
		ret = vtd_flush_all(u);
	if (!ret)
		ret = vtd_flush_write_buffer(u);
	if (!ret && !(vtd_readl(u, VTD_GSTS_REG) & VTD_GSTS_TES))
		ret = vtd_gcmd(u, VTD_GCMD_TE, 0, VTD_GSTS_TES, true);
	return ret;
}

/*
 * A unit kept for interrupt remapping only (vtd_unit.ir_only): translation
 * off as Linux leaves an ignored DRHD, PMRs off, our queue, our IRT.
 */
static int vtd_ir_only_start(struct vtd_unit *u)
{
	u32 gsts = vtd_readl(u, VTD_GSTS_REG);
	int ret = vtd_quiesce(u, gsts);

	if (!ret && (gsts & VTD_GSTS_TES))
		ret = vtd_gcmd(u, 0, VTD_GCMD_TE, VTD_GSTS_TES, false);
	if (!ret)
		ret = vtd_qi_enable(u);
	if (ret)
		return ret;
	if (vtd_fault_init(u))
		printk("# vtd: %s: no fault interrupt vector, faults are polled only\n", u->name);
	ret = vtd_ir_start(u);
	if (ret == -EOPNOTSUPP) {
		/* nothing of the unit would be used: leave it as it was */
		vtd_fault_fini(u);
		if (!vtd_qi_disable(u))
			vtd_qi_free(u);
	}
	return ret;
}

/*
 * Undo a failed start: translation and the queue off again, as the unit
 * was before us. 0 when GSTS confirms both are off, so it walks none of
 * our tables or queue any more; never for a unit found translating.
 */
static int vtd_unit_stop(struct vtd_unit *u)
{
	if (u->took_over)
		return -EBUSY;
	if ((vtd_readl(u, VTD_GSTS_REG) & VTD_GSTS_TES) &&
	    vtd_gcmd(u, 0, VTD_GCMD_TE, VTD_GSTS_TES, false))
		return -ETIMEDOUT;
	if (vtd_qi_disable(u))
		return -ETIMEDOUT;
	return vtd_readl(u, VTD_GSTS_REG) & (VTD_GSTS_TES | VTD_GSTS_QIES) ? -EBUSY : 0;
}

static void vtd_print_caps(struct vtd_unit *u)
{
	struct regfield_warnings w = { .n = 0 };
	char buf[256];

	printk("# vtd: %s at %#llx ver %u.%u cap %#llx ecap %#llx\n", u->name,
	       (unsigned long long)u->base, vtd_ver_major(u->ver), vtd_ver_minor(u->ver),
	       (unsigned long long)u->cap, (unsigned long long)u->ecap);
	vtd_cap_summary(u->cap, buf, sizeof(buf));
	printk("# vtd: %s CAP %s\n", u->name, buf);
	vtd_ecap_summary(u->ecap, buf, sizeof(buf));
	printk("# vtd: %s ECAP %s\n", u->name, buf);
	vtd_caps_check(u->cap, u->ecap, u->ver, &w);
	for (int i = 0; i < w.n; i++)
		printk("# vtd: %s warning: %s\n", u->name, w.msg[i]);
	if (u->ir_only) {
		printk("# vtd: %s\n", u->no_dma);
		return;
	}
	printk("# vtd: %s uses %d-level tables (%u-bit MGAW), %s invalidation, %s, %s%s\n",
	       u->name, u->levels, u->mgaw, u->inv == VTD_INV_QI ? "queued" : "register",
	       u->coherent && u->pt_coherent ? "coherent" : !u->coherent && !u->pt_coherent ?
	       "clflush table writes" : u->coherent ? "clflush page-table writes (SMPWCS=0)" :
	       "clflush root/context/PASID writes (C=0)", u->cm ? "caching mode, " : "",
	       u->rwbf ? "write-buffer flush" : "no write-buffer flush");
	if (u->sm)
		printk("# vtd: %s in scalable mode: PASID tables (%u-bit PASIDs), 256-bit "
		       "descriptors; second stage %s, first stage %s, nesting %s, dirty bits %s\n",
		       u->name, u->pasid_bits, u->ss ? "yes" : "no", u->fs ? "yes" : "no",
		       u->nest ? "yes" : "no", u->ssads ? "yes" : "no");
	else
		printk("# vtd: %s in legacy mode%s\n", u->name,
		       vtd_ecap_smts(u->ecap) ? " (scalable mode offered; vtd_sm=off)" : "");
}

/* Scalable-mode choices: whether to use it, and what it offers. */
static void vtd_unit_sm_caps(struct vtd_unit *u)
{
	u->sm = vtd_ecap_smts(u->ecap) && vtd_opt.sm && u->inv == VTD_INV_QI;
	u->ss = vtd_ecap(u->ecap, VTD_ECAP_SLTS);
	u->fs = vtd_ecap(u->ecap, VTD_ECAP_FLTS);
	u->nest = vtd_ecap(u->ecap, VTD_ECAP_NEST) && u->ss && u->fs;
	u->ssads = vtd_ecap(u->ecap, VTD_ECAP_SLADS) && u->ss;
	u->pasid_bits = vtd_ecap(u->ecap, VTD_ECAP_PASID) ?
			min((unsigned int)vtd_ecap(u->ecap, VTD_ECAP_PSS) + 1,
			    (unsigned int)VTD_PASID_MAX_BITS) : 0;
	u->fs_pgsizes = BIT(12) | BIT(21) | (vtd_cap(u->cap, VTD_CAP_FL1GP) ? BIT(30) : 0);
	if (!vtd_opt.superpages)
		u->fs_pgsizes = BIT(12);
	/* 5 levels only where the address width needs more than 4 give (47 bits) */
	u->fs_levels = vtd_cap(u->cap, VTD_CAP_FL5LP) && u->mgaw > 48 ? 5 : 4;
	/* a unit that cannot translate second stage gets first-stage domains */
	if (u->sm && !u->ss && !u->fs)
		u->sm = false;
	u->pt_coherent = (u->sm ? vtd_ecap(u->ecap, VTD_ECAP_SMPWCS) :
			  vtd_ecap_coherent(u->ecap)) && !vtd_opt.noncoherent;
}

/* Decode what the driver decides from CAP/ECAP/VER; -ENODEV if unusable. */
static int vtd_unit_caps(struct vtd_unit *u)
{
	int inv;

	u->ver = vtd_readl(u, VTD_VER_REG);
	u->cap = vtd_readq(u, VTD_CAP_REG);
	u->ecap = vtd_readq(u, VTD_ECAP_REG);
	if (u->cap == ~0ULL || u->ecap == ~0ULL)
		return -ENODEV;	/* nothing answers at this address */
	u->level_mask = vtd_cap_levels(u->cap);
	u->mgaw = vtd_cap_mgaw(u->cap);
	u->levels = vtd_cap_pick_levels(u->cap, u->mgaw);
	u->pgsizes = BIT(12) | (vtd_opt.superpages ? vtd_cap_pgsize_bitmap(u->cap) : 0);
	u->pgsizes &= BIT(12) | BIT(21) | BIT(30);
	u->coherent = vtd_ecap_coherent(u->ecap) && !vtd_opt.noncoherent;
	u->rwbf = vtd_cap_rwbf(u->cap) || vtd_opt.rwbf;
	u->cm = vtd_cap_cm(u->cap);
	u->psi = vtd_cap_psi(u->cap);
	u->mamv = vtd_cap_mamv(u->cap);
	u->drain_r = vtd_cap(u->cap, VTD_CAP_DRD);
	u->drain_w = vtd_cap(u->cap, VTD_CAP_DWD);
	u->fro = vtd_cap_fro(u->cap);
	u->nfr = vtd_cap_nfr(u->cap);
	u->iro = vtd_ecap_iro(u->ecap);
	/* scalable mode invalidates PASID caches: only the queue can */
	inv = vtd_choose_inval(u->ver, u->ecap,
			       vtd_ecap_smts(u->ecap) && vtd_opt.sm && vtd_ecap_qi(u->ecap) ?
			       1 : vtd_opt.qi);
	if (inv < 0)
		return -ENODEV;
	u->inv = (enum vtd_inv_mode)inv;
	if (u->levels < 0) {
		/* Linux's alloc_iommu: no address width, no DMA translation */
		if (!vtd_ecap_ir(u->ecap) || u->inv != VTD_INV_QI)
			return -ENODEV;	/* and nothing else to use it for */
		u->ir_only = true;
		snprintf(u->no_dma, sizeof(u->no_dma),
			 "%s: CAP.SAGAW %#llx offers no table depth: interrupt remapping only, "
			 "no DMA translation",
			 u->name, (unsigned long long)vtd_cap(u->cap, VTD_CAP_SAGAW));
	}
	if (vtd_opt.qi == 0 && u->inv == VTD_INV_QI)
		printk("# vtd: %s: %s; using the queue\n", u->name,
		       vtd_ver_major(u->ver) >= 6 ? "VT-d 6.x has no register invalidation" :
		       "scalable mode invalidates through the queue only");
	vtd_unit_sm_caps(u);
	u->sm = u->sm && !u->ir_only;	/* no root table, 128-bit descriptors */
	u->qemu_pt_quirk = u->sm && running_under_qemu();
	u->qemu_svt_bus_quirk = running_under_qemu();
	return 0;
}

static int vtd_unit_probe(const struct dmar_unit *du)
{
	struct vtd_unit *u;
	u64 window;
	int ret;

	if (vtd_nunits >= VTD_MAX_UNITS)
		return -ENOSPC;
	u = failable(kzalloc(sizeof(*u)));
	if (!u) {
		plat_warn("vtd: DRHD %u at %#llx not used (%d)", du->index,
			  (unsigned long long)du->base, -ENOMEM);
		return -ENOMEM;
	}
	spin_lock_init(&u->inv_lock);
	u->idx = vtd_nunits;
	u->drhd = du;
	u->base = du->base;
	u->segment = du->segment;
	snprintf(u->name, sizeof(u->name), "dmar%u", du->index);
	window = max(du->reg_size, (u64)PAGE_SIZE);
	u->regs = ioremap(du->base, window);
	ret = u->regs ? vtd_unit_caps(u) : -ENOMEM;
	if (!ret && (u->fro + (u64)u->nfr * VTD_FRCD_SIZE > window || u->iro + 16 > window)) {
		/* odd CAP/ECAP values must not send the driver outside the mapping */
		printk("# vtd: %s: fault records at %#x (x%u) or IOTLB registers at %#x lie "
		       "outside its %#llx-byte register window\n", u->name, u->fro, u->nfr,
		       u->iro, (unsigned long long)window);
		ret = -ENODEV;
	}
	if (!ret) {
		vtd_print_caps(u);
		ret = u->ir_only ? vtd_ir_only_start(u) : vtd_ctx_init(u);
	}
	if (ret == -EOPNOTSUPP && u->ir_only)
		printk("# vtd: %s: interrupt remapping unavailable or off: nothing to use\n",
		       u->name);
	if (ret && u->ir_only && ret == -EOPNOTSUPP) {
		/* an IR-only unit with remapping off: left as found, nothing wrong */
		printk("# vtd: %s at %#llx not used (%d)\n", u->name,
		       (unsigned long long)du->base, ret);
		vtd_ctx_fini(u);
		kfree(u);
		return ret;
	}
	if (ret && !u->ir_only) {
		plat_warn("vtd: %s at %#llx not used (%d)", u->name,
			  (unsigned long long)du->base, ret);
		vtd_ctx_fini(u);
		kfree(u);
		return ret;
	}
	if (!u->ir_only) {
		ret = vtd_unit_start(u);
		if (ret && !vtd_unit_stop(u)) {
			plat_warn("vtd: %s failed to start (%d), stopped again", u->name, ret);
			vtd_qi_free(u);
			vtd_ctx_fini(u);
			kfree(u);
			return ret;
		}
	}
	if (ret) {
		/* the unit may point at our tables still: keep them, never reuse them */
		plat_warn("vtd: %s failed to start (%d) and did not stop; its tables stay "
			  "allocated", u->name, ret);
		return ret;
	}
	if (!u->ir_only && vtd_fault_init(u))
		printk("# vtd: %s: no fault interrupt vector, faults are polled only\n", u->name);
	ret = u->ir_only ? 0 : vtd_ir_start(u);
	if (ret && ret != -EOPNOTSUPP)
		printk("# vtd: %s: interrupt remapping off (%d)\n", u->name, ret);
	u->iommu.no_dma = u->ir_only ? u->no_dma : NULL;
	if (running_under_qemu())
		u->iommu.no_intr_fault_log =
			"QEMU 7.2 drops a blocked interrupt without a fault record";
	u->iommu.name = u->name;
	u->iommu.ops = &vtd_iommu_ops;
	u->iommu.poll_faults = vtd_poll_faults;
	vtd_units[vtd_nunits++] = u;
	iommu_device_register(&u->iommu);
	return 0;
}

struct vtd_unit *vtd_unit_of_drhd(const struct dmar_unit *du)
{
	for (int i = 0; du && i < vtd_nunits; i++)
		if (vtd_units[i]->drhd == du)
			return vtd_units[i];
	return NULL;
}

/* Enable ATS on a device the DMAR allows it for (needs ECAP.DT and the queue). */
static void vtd_enable_ats(struct vtd_dev *vd)
{
	struct pci_dev *pdev = vd->pdev;
	u16 cap = pdev->ecap_ats;
	u8 qdep;

	if (!vtd_opt.ats || !cap || !vtd_ecap_dt(vd->unit->ecap) || vd->unit->inv != VTD_INV_QI ||
	    !dmar_ats_supported(vtd_dmar, &vd->path))
		return;
	qdep = pci_read16(pdev, cap + 4) & 0x1f;
	pci_write16(pdev, cap + 6, 1u << 15);	/* enable, smallest translation unit 4K */
	vd->ats = true;
	vd->ats_qdep = qdep;
	/* no virtual functions here: a device is its own PF (reserved, 0, without DIT) */
	vd->pfsid = vtd_ecap(vd->unit->ecap, VTD_ECAP_DIT) ? vtd_dev_sid(vd) : 0;
}

/*
 * PASIDs for a device with a PCIe PASID capability (ID 0x1b) on a unit
 * in scalable mode with ECAP.PASID: as wide as both allow, enabled in the
 * capability (execute and privileged requests stay off).
 */
static void vtd_enable_pasid(struct vtd_dev *vd)
{
	u16 cap = vd->unit->sm && vd->unit->pasid_bits ? pci_find_ext_cap(vd->pdev, 0x1b) : 0;
	unsigned int width;

	if (!cap)
		return;
	width = (pci_read16(vd->pdev, cap + 4) >> 8) & 0x1f;
	vd->pasid_bits = min(width, vd->unit->pasid_bits);
	if (vd->pasid_bits)
		pci_write16(vd->pdev, cap + 6, 1);
}

static int vtd_probe_device(struct iommu_dev *dev)
{
	struct pci_dev *pdev = dev->bus_priv;
	struct dmar_dev_path path;
	struct vtd_unit *u;
	struct vtd_dev *vd;

	if (!pdev || dmar_dev_path(pdev, &path))
		return -ENODEV;
	u = vtd_unit_of_drhd(dmar_unit_for_dev(vtd_dmar, &path));
	if (!u || u->ir_only)
		return -ENODEV;	/* IR-only: its DMA goes untranslated, as Linux's dummy */
	vd = failable(kzalloc(sizeof(*vd)));
	/* context tables live as long as the unit: made here, not by a test's attach */
	if (!vd || vtd_ctx_table(u, (u8)(dev->rid >> 8))) {
		kfree(vd);
		return -ENOMEM;
	}
	vd->dev = dev;
	vd->pdev = pdev;
	vd->unit = u;
	vd->bus = (u8)(dev->rid >> 8);
	vd->devfn = (u8)dev->rid;
	vd->path = path;
	vd->rid.vd = vd;
	INIT_LIST_HEAD(&vd->rid.dom_node);
	INIT_LIST_HEAD(&vd->pasids);
	vtd_enable_ats(vd);
	vtd_enable_pasid(vd);
	dev->max_pasids = vd->pasid_bits ? 1u << vd->pasid_bits : 0;
	dev->ops = &vtd_iommu_ops;
	dev->iommu = &u->iommu;
	dev->iommu_priv = vd;
	dev->domain = &vtd_blocked_domain.domain;	/* no context entry yet */
	return 0;
}

static void vtd_get_resv_regions(struct iommu_dev *dev, struct list_head *head)
{
	struct vtd_dev *vd = dev->iommu_priv;
	struct iommu_resv_region *r = failable(kzalloc(sizeof(*r)));

	if (r) {
		r->start = 0xfee00000;
		r->length = 0x100000;
		r->prot = IOMMU_WRITE;
		r->type = IOMMU_RESV_MSI;
		list_add_tail(&r->list, head);
	}
	if (vd)
		vtd_rmrr_resv(vtd_dmar, &vd->path, head);
}

/*
 * IOMMU_GET_HW_INFO: Linux's struct iommu_hw_info_vtd, with the erratum
 * flag Linux 6.12 sets on every unit (read-only mappings in a nested
 * parent may not be honoured on affected parts).
 */
static int vtd_hw_info(struct iommu_dev *dev, void *data, u32 *length, u32 *type)
{
	struct vtd_dev *vd = dev->iommu_priv;
	struct iommu_hw_info_vtd info = {
		.flags = IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17,
		.cap_reg = vd->unit->cap, .ecap_reg = vd->unit->ecap,
	};

	if (*type != IOMMU_HW_INFO_TYPE_DEFAULT && *type != IOMMU_HW_INFO_TYPE_INTEL_VTD)
		return -EOPNOTSUPP;
	memcpy(data, &info, min(*length, (u32)sizeof(info)));
	*length = sizeof(info);
	*type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
	return 0;
}

/*
 * As Linux's intel_iommu_capable: DMA through VT-d is coherent with the CPU
 * caches on x86 (snoop control, ECAP.SC, only adds forcing No-Snoop off).
 */
static bool vtd_capable(struct iommu_dev *dev, int cap)
{
	struct vtd_dev *vd = dev->iommu_priv;

	if (!vd)
		return false;
	if (cap == IOMMU_CAP_DIRTY_TRACKING)
		return vd->unit->sm && vd->unit->ssads;
	return cap == IOMMU_CAP_CACHE_COHERENCY;
}

struct iommu_ops vtd_iommu_ops = {
	.name = "vtd",
	.domain_alloc_paging = vtd_domain_alloc_paging,
	.domain_alloc_user = vtd_domain_alloc_user,
	.remove_dev_pasid = vtd_remove_dev_pasid,
	.blocked_domain = &vtd_blocked_domain.domain,
	.hw_info = vtd_hw_info,
	.get_resv_regions = vtd_get_resv_regions,
	.capable = vtd_capable,
	.probe_device = vtd_probe_device,
};

/*
 * Start every usable unit of this machine's DMAR. Returns 0 when at least
 * one unit is in use (translating, or remapping interrupts only), -ENODEV without DMAR or units, -EINVAL for a rejected
 * table (acpi_live printed why).
 */
int vtd_init(void)
{
	const struct dmar_table *t = dmar_live();

	if (!t)
		return -ENODEV;
	vtd_parse_options();
	if (!t->valid) {
		printk("# vtd: DMAR rejected, DMA remapping stays off\n");
		return -EINVAL;
	}
	vtd_dmar = t;
	for (int i = 0; i < t->nunits; i++) {
		if (t->units[i].usable)
			vtd_unit_probe(&t->units[i]);
		else
			printk("# vtd: DRHD %d (base %#llx) unusable, skipped\n", i,
			       (unsigned long long)t->units[i].base);
	}
	if (!vtd_nunits)
		return -ENODEV;
	for (int i = 0; i < vtd_nunits; i++)
		if (vtd_units[i]->ir.on)
			irq_remap_register(&vtd_irq_remap_ops);
	vtd_iommu_ops.identity_domain = &vtd_identity_domain.domain;
	for (int i = 0; i < vtd_nunits; i++)
		if (!vtd_units[i]->ir_only && !vtd_ecap_pt(vtd_units[i]->ecap))
			vtd_iommu_ops.identity_domain = NULL;	/* pass-through needs ECAP.PT */
	return 0;
}
