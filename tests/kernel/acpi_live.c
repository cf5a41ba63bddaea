// SPDX-License-Identifier: MIT
/*
 * acpi suite (kernel): this machine's DMAR/IVRS parse, name devices that
 * pci_init() really found, and their units' capability registers decode
 * cleanly. No table (no IOMMU) -> each test is skipped with the reason.
 */
#include "arch/x86/mm.h"
#include "arch/x86/x86.h"
#include "iommu/acpi_live.h"
#include "iommu/amdvi/amdvi_caps.h"
#include "iommu/vtd/vtd_caps.h"
#include "lib/string.h"
#include "tests/ktest.h"

/* Register offsets read here (read-only, no side effects). */
#define VTD_VER_OFF	0x00	/* VT-d 11.4.1 */
#define VTD_CAP_OFF	0x08	/* VT-d 11.4.2 */
#define VTD_ECAP_OFF	0x10	/* VT-d 11.4.3 */
#define AMDVI_EFR_OFF	0x30	/* AMD IOMMU MMIO 0030h */

static const struct dmar_table *need_dmar(void)
{
	const struct dmar_table *t = dmar_live();

	if (!t)
		report_skip("no DMAR table: no Intel IOMMU (QEMU: -device intel-iommu)");
	return t;
}

static const struct ivrs_table *need_ivrs(void)
{
	const struct ivrs_table *t = ivrs_live();

	if (!t)
		report_skip("no IVRS table: no AMD IOMMU (QEMU: -device amd-iommu)");
	return t;
}

/* QEMU's tables say BOCHS; its layout is known, real machines' are not. */
static bool is_qemu(const struct acpitab_hdr *h)
{
	return !strcmp(h->oem_id, "BOCHS");
}

KTEST(acpi, test_acpi_live_dmar_valid)
{
	const struct dmar_table *t = need_dmar();

	if (!t)
		return;
	report(t->valid, "the firmware's DMAR is valid (%s)",
	       t->log.nerr ? acpitab_msg_at(&t->log, ACPITAB_ERR, 0) : "no error");
	report(t->nunits >= 1, "it describes %u remapping unit(s)", t->nunits);
	if (is_qemu(&t->hdr)) {
		report(t->nunits == 1 && t->units[0].base == 0xfed90000 && t->units[0].usable,
		       "QEMU: one DRHD at 0xfed90000");
		report(t->haw == 39 || t->haw == 48, "QEMU: HAW %u is aw-bits (39 or 48)", t->haw);
		report(t->log.nwarn == 0, "QEMU's table gives no warning");
	}
}

/* Every PCI scope resolves to a device pci_init() found; every device has a unit. */
KTEST(acpi, test_acpi_live_dmar_scopes_name_present_devices)
{
	const struct dmar_table *t = need_dmar();
	int covered = 0;

	if (!t)
		return;
	for (int i = 0; i < t->nscopes; i++) {
		const struct dmar_scope *s = &t->scopes[i];
		struct pci_dev *d;
		char text[48];

		if (s->type != DMAR_SCOPE_ENDPOINT && s->type != DMAR_SCOPE_BRIDGE)
			continue;
		dmar_scope_str(s, text, sizeof(text));
		d = dmar_scope_dev(s, 0);
		report(d != NULL, "scope %s names a present device%s%s", text, d ? " " : "",
		       d ? d->name : "");
		if (d && s->type == DMAR_SCOPE_BRIDGE)
			report(d->is_bridge, "bridge scope %s names a bridge", text);
	}
	for (int i = 0; i < pci_ndevs; i++) {
		const struct dmar_unit *u = dmar_unit_of(&pci_devs[i]);

		covered += u != NULL;
		if (!u)
			report_info("%s (%04x:%04x) is in no DRHD scope", pci_devs[i].name,
				    pci_devs[i].vendor, pci_devs[i].device);
	}
	report(covered == pci_ndevs, "every PCI device has a translating unit (%d of %d)",
	       covered, pci_ndevs);
}

KTEST(acpi, test_acpi_live_dmar_unit_registers_decode)
{
	const struct dmar_table *t = need_dmar();

	for (int i = 0; t && i < t->nunits; i++) {
		const struct dmar_unit *u = &t->units[i];
		struct regfield_warnings w = { 0 };
		volatile u8 *regs;
		char s[320];
		u64 cap, ecap;
		u32 ver;

		if (!u->usable)
			continue;
		regs = ioremap(u->base, 4096);
		ver = mmio_read32(regs + VTD_VER_OFF);
		cap = mmio_read64(regs + VTD_CAP_OFF);
		ecap = mmio_read64(regs + VTD_ECAP_OFF);
		report_info("dmar%d ver %u:%u cap 0x%llx ecap 0x%llx", i, vtd_ver_major(ver),
			    vtd_ver_minor(ver), (unsigned long long)cap, (unsigned long long)ecap);
		vtd_cap_summary(cap, s, sizeof(s));
		report_info("  CAP %s", s);
		vtd_ecap_summary(ecap, s, sizeof(s));
		report_info("  ECAP %s", s);
		vtd_caps_check(cap, ecap, ver, &w);
		report(w.n == 0, "dmar%d: CAP/ECAP decode without warnings (%s)", i,
		       w.n ? w.msg[0] : "none");
		report(vtd_cap_pick_levels(cap, vtd_cap_mgaw(cap)) >= 3,
		       "dmar%d: SAGAW 0x%llx offers a usable depth", i,
		       (unsigned long long)regfield_raw(&vtd_cap_fields[VTD_CAP_SAGAW], cap));
		if (is_qemu(&t->hdr)) {
			unsigned int mgaw = vtd_cap_mgaw(cap);

			report(mgaw == t->haw, "QEMU: MGAW %u == DMAR HAW %u (both aw-bits)",
			       mgaw, t->haw);
			report(vtd_cap_pick_levels(cap, mgaw) == (mgaw > 39 ? 4 : 3),
			       "QEMU: aw-bits %u -> %d-level tables", mgaw, mgaw > 39 ? 4 : 3);
		}
	}
}

KTEST(acpi, test_acpi_live_ivrs_valid)
{
	const struct ivrs_table *t = need_ivrs();

	if (!t)
		return;
	report(t->valid, "the firmware's IVRS is valid (%s)",
	       t->log.nerr ? acpitab_msg_at(&t->log, ACPITAB_ERR, 0) : "no error");
	report(t->nunits >= 1, "it describes %u IOMMU(s)", t->nunits);
	for (int i = 0; i < t->nunits; i++) {
		const struct ivrs_unit *u = &t->units[i];
		struct pci_dev *d = pci_find_bdf(u->segment, u->devid);

		report(d != NULL, "iommu%d: its PCI function %02x:%02x.%u is present", i,
		       u->devid >> 8, (u->devid >> 3) & 0x1f, u->devid & 7);
		if (d)
			report(d->class == 0x08 && d->subclass == 0x06,
			       "iommu%d: that function is an IOMMU (class 08:06, got %02x:%02x)",
			       i, d->class, d->subclass);
	}
	if (is_qemu(&t->hdr))
		report(t->nunits == 1 && t->units[0].base == 0xfed80000 && t->units[0].usable &&
		       t->nivhd[0] == 1, "QEMU: one IVHD 10h at 0xfed80000");
}

KTEST(acpi, test_acpi_live_ivrs_devices_and_efr)
{
	const struct ivrs_table *t = need_ivrs();
	int covered = 0;

	if (!t)
		return;
	for (int i = 0; i < pci_ndevs; i++) {
		struct ivrs_dev dev;

		if (!ivrs_lookup(t, pci_devs[i].seg, pci_bdf(&pci_devs[i]), &dev))
			covered++;
		else
			report_info("%s (%04x:%04x) is in no IVHD", pci_devs[i].name,
				    pci_devs[i].vendor, pci_devs[i].device);
	}
	report(covered == pci_ndevs, "every PCI device is handled by an IOMMU (%d of %d)",
	       covered, pci_ndevs);
	for (int i = 0; i < t->nunits; i++) {
		const struct ivrs_unit *u = &t->units[i];
		struct regfield_warnings w = { 0 };
		char s[320];
		u64 efr;

		if (!u->usable)
			continue;
		efr = mmio_read64((volatile u8 *)ioremap(u->base, 16384) + AMDVI_EFR_OFF);
		amdvi_efr_summary(efr, s, sizeof(s));
		report_info("iommu%d EFR 0x%llx: %s", i, (unsigned long long)efr, s);
		amdvi_caps_check(efr, 0, &w);
		report(w.n == 0, "iommu%d: EFR decodes without warnings (%s)", i, w.n ? w.msg[0] : "none");
		if (u->efr_valid)
			report(u->efr == efr, "iommu%d: the IVHD's EFR image matches the register", i);
	}
}
