// SPDX-License-Identifier: MIT
/*
 * The IOMMU part of the bring-up report: every unit DMAR and IVRS describe
 * with its registers as the firmware left them (read before a driver
 * starts), every PCI function with the unit that translates it, the ranges.
 */
#include "arch/x86/mm.h"
#include "arch/x86/pci.h"
#include "arch/x86/x86.h"
#include "iommu/acpi_json.h"
#include "iommu/acpi_live.h"
#include "iommu/amdvi/amdvi_caps.h"
#include "iommu/amdvi/amdvi_regs.h"
#include "iommu/bringup.h"
#include "iommu/regfield.h"
#include "iommu/vtd/vtd.h"
#include "iommu/vtd/vtd_caps.h"
#include "iommu/vtd/vtd_regs.h"
#include "lib/json.h"
#include "lib/printf.h"

#define VTD_MAP_MAX	0x10000	/* registers we read: FRO tops out near 16K */
#define FAULTS_SHOWN	8	/* pending fault records listed per unit */

/* A unit's registers as found, before any driver wrote to them. */
struct fw_regs {
	bool read;		/* mapped and read (the table said the unit is usable) */
	bool answers;		/* the values look like an IOMMU, not a hole */
	u32 ver;		/* VT-d VER */
	u64 cap, ecap;		/* VT-d CAP/ECAP, AMD-Vi EFR/EFR2 */
	u32 gsts, fsts, pmen, plmbase, plmlimit;	/* VT-d */
	u64 phmbase, phmlimit;
	u64 ctrl, status, excl_base, excl_limit;	/* AMD-Vi */
	u16 npending;		/* VT-d fault records with F set */
	u64 fault[FAULTS_SHOWN][2];
};

static struct fw_regs vtd_fw[DMAR_MAX_UNITS];
static struct fw_regs amd_fw[IVRS_MAX_UNITS];

/* GSTS, FSTS and AMD-Vi control/status as named facts (regfield_json rows). */
static const struct regfield vtd_gsts_rows[] = {
	RF_ROW_FLAG("TES", 31, "translation", "DMA remapping enabled"),
	RF_ROW_FLAG("QIES", 26, "queued_invalidation", "invalidation queue enabled"),
	RF_ROW_FLAG("IRES", 25, "interrupt_remapping", "interrupt remapping enabled"),
	RF_ROW_FLAG("RTPS", 30, "root_table_set", "a root table pointer was set"),
	RF_ROW_FLAG("IRTPS", 24, "irt_set", "an interrupt remapping table pointer was set"),
	RF_ROW_FLAG("CFIS", 23, "compat_interrupts", "compatibility-format interrupts pass"),
	RF_ROW_FLAG("FLS", 29, "fault_log", "advanced fault log pointer set"),
	RF_ROW_FLAG("AFLS", 28, "advanced_fault_log", "advanced fault logging enabled"),
	RF_ROW_FLAG("WBFS", 27, "write_buffer_flushing", "a write-buffer flush is running"),
};

static const struct regfield vtd_fsts_rows[] = {
	RF_ROW_FLAG("PFO", 0, "primary_overflow", "fault records overflowed"),
	RF_ROW_FLAG("PPF", 1, "primary_pending", "a fault record holds a fault"),
	RF_ROW_FLAG("AFO", 2, "advanced_overflow", "advanced fault log overflowed"),
	RF_ROW_FLAG("APF", 3, "advanced_pending", "advanced fault pending"),
	RF_ROW_FLAG("IQE", 4, "queue_error", "invalidation queue error"),
	RF_ROW_FLAG("ICE", 5, "completion_error", "invalidation completion error"),
	RF_ROW_FLAG("ITE", 6, "timeout_error", "invalidation time-out"),
	RF_ROW_NUM("FRI", 15, 8, RF_X_NONE, "record_index", "first fault record to read"),
};

static const struct regfield amd_ctrl_rows[] = {
	RF_ROW_FLAG("IommuEn", 0, "translation", "the IOMMU translates"),
	RF_ROW_FLAG("CmdBufEn", 12, "queued_invalidation", "the command buffer runs"),
	RF_ROW_FLAG("EventLogEn", 2, "event_log", "the event log is on"),
	RF_ROW_FLAG("EventIntEn", 3, "event_interrupt", "event log interrupts"),
	RF_ROW_FLAG("PPREn", 15, "ppr", "peripheral page requests"),
	RF_ROW_FLAG("GTEn", 16, "guest_translation", "guest translation"),
	RF_ROW_FLAG("GAEn", 17, "guest_apic", "guest virtual APIC (128-bit IRTEs)"),
	RF_ROW_FLAG("XTEn", 50, "x2apic", "x2APIC interrupt destinations"),
	RF_ROW_FLAG("IntCapXTEn", 51, "x2apic_own_interrupts", "x2APIC for the IOMMU's own interrupts"),
};

static const struct regfield amd_status_rows[] = {
	RF_ROW_FLAG("EventOverflow", 0, "event_overflow", "the event log overflowed"),
	RF_ROW_FLAG("EventLogInt", 1, "event_pending", "an event was logged"),
	RF_ROW_FLAG("ComWaitInt", 2, "completion_wait", "a completion wait finished"),
	RF_ROW_FLAG("EventLogRun", 3, "event_log_running", "the event log runs"),
	RF_ROW_FLAG("CmdBufRun", 4, "command_buffer_running", "the command buffer runs"),
};

#define ROWS(r) { #r, r, (int)ARRAY_SIZE(r) }
static const struct regfield_reg vtd_gsts_reg = ROWS(vtd_gsts_rows);
static const struct regfield_reg vtd_fsts_reg = ROWS(vtd_fsts_rows);
static const struct regfield_reg amd_ctrl_reg = ROWS(amd_ctrl_rows);
static const struct regfield_reg amd_status_reg = ROWS(amd_status_rows);

static bool hole(u64 v, u64 ones)
{
	return v == 0 || v == ones;
}

static void read_vtd(const struct dmar_unit *u, struct fw_regs *r)
{
	size_t len = min_t(u64, u->reg_size, VTD_MAP_MAX);
	volatile u8 *m = ioremap(u->base, len);
	u32 fro, nfr;

	r->read = true;
	r->ver = mmio_read32(m + VTD_VER_REG);
	r->cap = mmio_read64(m + VTD_CAP_REG);
	r->ecap = mmio_read64(m + VTD_ECAP_REG);
	r->answers = !hole(r->ver, 0xffffffff) && !hole(r->cap, ~0ULL);
	if (!r->answers)
		return;
	r->gsts = mmio_read32(m + VTD_GSTS_REG);
	r->fsts = mmio_read32(m + VTD_FSTS_REG);
	r->pmen = mmio_read32(m + VTD_PMEN_REG);
	r->plmbase = mmio_read32(m + VTD_PLMBASE_REG);
	r->plmlimit = mmio_read32(m + VTD_PLMLIMIT_REG);
	r->phmbase = mmio_read64(m + VTD_PHMBASE_REG);
	r->phmlimit = mmio_read64(m + VTD_PHMLIMIT_REG);
	fro = vtd_cap_fro(r->cap);
	nfr = vtd_cap_nfr(r->cap);
	for (u32 i = 0; i < nfr && fro + VTD_FRCD_SIZE * (i + 1) <= len; i++) {
		u64 lo = mmio_read64(m + fro + VTD_FRCD_SIZE * i);
		u64 hi = mmio_read64(m + fro + VTD_FRCD_SIZE * i + 8);

		if (!(hi & VTD_FRCD_F))
			continue;
		if (r->npending < FAULTS_SHOWN) {
			r->fault[r->npending][0] = lo;
			r->fault[r->npending][1] = hi;
		}
		r->npending++;
	}
}

static void read_amdvi(const struct ivrs_unit *u, struct fw_regs *r)
{
	volatile u8 *m = ioremap(u->base, AMDVI_MMIO_SIZE);

	r->read = true;
	r->ctrl = mmio_read64(m + AMDVI_CONTROL);
	r->excl_base = mmio_read64(m + AMDVI_EXCL_BASE);
	r->excl_limit = mmio_read64(m + AMDVI_EXCL_LIMIT);
	r->cap = mmio_read64(m + AMDVI_EFR);
	r->ecap = mmio_read64(m + AMDVI_EFR2);
	r->status = mmio_read64(m + AMDVI_STATUS);
	r->answers = !(r->ctrl == ~0ULL || r->cap == ~0ULL || r->status == ~0ULL) &&
		     (r->ctrl || r->cap || r->status);
}

void iommu_bringup_snapshot(void)
{
	const struct dmar_table *d = dmar_live();
	const struct ivrs_table *v = ivrs_live();

	for (int i = 0; d && i < d->nunits; i++)
		if (d->units[i].usable)
			read_vtd(&d->units[i], &vtd_fw[i]);
	for (int i = 0; v && i < v->nunits; i++)
		if (v->units[i].usable)
			read_amdvi(&v->units[i], &amd_fw[i]);
}

static void vtd_faults_json(struct json *j, const struct fw_regs *r)
{
	json_ku64(j, "records_pending", r->npending);
	json_key(j, "records");
	json_arr(j);
	for (int i = 0; i < r->npending && i < FAULTS_SHOWN; i++) {
		u64 lo = r->fault[i][0], hi = r->fault[i][1];
		u32 reason = (u32)FIELD_GET(VTD_FRCD_FR, hi);
		char sid[16];

		ivrs_devid_str((u16)FIELD_GET(VTD_FRCD_SID, hi), sid, sizeof(sid));
		json_obj(j);
		json_kstr(j, "source_id", sid);
		json_ku64(j, "reason", reason);
		json_kstr(j, "reason_text", vtd_fault_reason_str(reason));
		json_ku64(j, "address", lo & VTD_FRCD_FI);
		json_kbool(j, "write", !(hi & VTD_FRCD_T));
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void vtd_pmr_json(struct json *j, const struct fw_regs *r)
{
	json_key(j, "pmr");
	if (!vtd_cap_plmr(r->cap) && !vtd_cap_phmr(r->cap)) {
		json_null(j);
		return;
	}
	json_obj(j);
	json_kbool(j, "enabled", r->pmen & VTD_PMEN_EPM);
	json_kbool(j, "protected", r->pmen & VTD_PMEN_PRS);
	if (vtd_cap_plmr(r->cap)) {
		json_ku64(j, "low_base", r->plmbase);
		json_ku64(j, "low_limit", r->plmlimit);
	}
	if (vtd_cap_phmr(r->cap)) {
		json_ku64(j, "high_base", r->phmbase);
		json_ku64(j, "high_limit", r->phmlimit);
	}
	json_obj_end(j);
}

static void vtd_unit_json(struct json *j, const struct dmar_table *t, int i)
{
	const struct fw_regs *r = &vtd_fw[i];
	char ver[8];

	json_obj(j);
	json_kstr(j, "kind", "vtd");
	snprintf(ver, sizeof(ver), "dmar%d", i);
	json_kstr(j, "name", ver);
	dmar_unit_json(j, t, &t->units[i]);
	json_kbool(j, "registers_read", r->read);
	json_kbool(j, "registers_answer", r->answers);
	if (r->answers) {
		snprintf(ver, sizeof(ver), "%u.%u", vtd_ver_major(r->ver), vtd_ver_minor(r->ver));
		json_kstr(j, "version", ver);
		json_ku64(j, "cap", r->cap);
		json_ku64(j, "ecap", r->ecap);
		json_key(j, "cap_decoded");
		json_obj(j);
		regfield_json(j, &vtd_cap_reg, r->cap, true);
		json_obj_end(j);
		json_key(j, "ecap_decoded");
		json_obj(j);
		regfield_json(j, &vtd_ecap_reg, r->ecap, true);
		json_obj_end(j);
		json_key(j, "firmware_state");
		json_obj(j);
		regfield_json(j, &vtd_gsts_reg, r->gsts, true);
		json_key(j, "fault_status");
		json_obj(j);
		regfield_json(j, &vtd_fsts_reg, r->fsts, true);
		vtd_faults_json(j, r);
		json_obj_end(j);
		vtd_pmr_json(j, r);
		json_obj_end(j);
	}
	json_obj_end(j);
}

static void amdvi_unit_json(struct json *j, const struct ivrs_table *t, int i)
{
	const struct fw_regs *r = &amd_fw[i];
	char name[12];

	json_obj(j);
	json_kstr(j, "kind", "amdvi");
	snprintf(name, sizeof(name), "amdvi%d", i);
	json_kstr(j, "name", name);
	ivrs_unit_json(j, t, &t->units[i]);
	json_kbool(j, "registers_read", r->read);
	json_kbool(j, "registers_answer", r->answers);
	if (r->answers) {
		json_ku64(j, "efr_mmio", r->cap);
		json_ku64(j, "efr2_mmio", r->ecap);
		json_key(j, "efr_decoded");
		json_obj(j);
		regfield_json(j, &amdvi_efr_reg, r->cap, true);
		json_obj_end(j);
		json_key(j, "efr2_decoded");
		json_obj(j);
		regfield_json(j, &amdvi_efr2_reg, r->ecap, true);
		json_obj_end(j);
		json_key(j, "firmware_state");
		json_obj(j);
		regfield_json(j, &amd_ctrl_reg, r->ctrl, true);
		/* AMD-Vi remaps interrupts per device (DTE.IV): no global switch */
		json_key(j, "interrupt_remapping");
		json_null(j);
		json_key(j, "fault_status");
		json_obj(j);
		regfield_json(j, &amd_status_reg, r->status, true);
		json_obj_end(j);
		json_key(j, "pmr");
		json_null(j);
		json_key(j, "exclusion");
		json_obj(j);
		json_kbool(j, "enabled", r->excl_base & 1);
		json_kbool(j, "allow_all", r->excl_base & 2);
		json_ku64(j, "base", r->excl_base & ~0xfffULL);
		json_ku64(j, "limit", r->excl_limit | 0xfff);
		json_obj_end(j);
		json_obj_end(j);
	}
	json_obj_end(j);
}

void iommu_bringup_units(struct json *j)
{
	const struct dmar_table *d = dmar_live();
	const struct ivrs_table *v = ivrs_live();

	json_arr(j);
	for (int i = 0; d && i < d->nunits; i++)
		vtd_unit_json(j, d, i);
	for (int i = 0; v && i < v->nunits; i++)
		amdvi_unit_json(j, v, i);
	json_arr_end(j);
}

/* The unit that translates d's DMA ("dmar0", "amdvi1"), or NULL. */
static const char *unit_of(const struct pci_dev *d, char *buf, size_t n)
{
	const struct dmar_table *t = dmar_live();
	const struct ivrs_table *v = ivrs_live();
	const struct dmar_unit *du = t && t->valid ? dmar_unit_of(d) : NULL;
	const struct ivrs_unit *vu;

	if (du) {
		snprintf(buf, n, "dmar%u", du->index);
		return buf;
	}
	vu = v && v->valid ? ivrs_unit_for_devid(v, d->seg, pci_dma_source_id(d)) : NULL;
	if (vu) {
		snprintf(buf, n, "amdvi%u", vu->index);
		return buf;
	}
	return NULL;
}

void iommu_bringup_pci(struct json *j)
{
	json_arr(j);
	for (int i = 0; i < pci_ndevs; i++) {
		const struct pci_dev *d = &pci_devs[i];
		char s[24], unit[12];
		const char *u = unit_of(d, unit, sizeof(unit));

		json_obj(j);
		json_kstr(j, "bdf", d->name);
		snprintf(s, sizeof(s), "%04x:%04x", d->vendor, d->device);
		json_kstr(j, "id", s);
		snprintf(s, sizeof(s), "%02x%02x%02x", d->class, d->subclass, d->progif);
		json_kstr(j, "class", s);
		json_kbool(j, "bridge", d->is_bridge);
		ivrs_devid_str(pci_dma_source_id(d), s, sizeof(s));
		json_kstr(j, "source_id", s);
		json_key(j, "unit");
		if (u)
			json_str(j, u);
		else
			json_null(j);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* RMRR, ATSR, SATC and IVMD entries with iommu-acpi's members, each with its "kind". */
void iommu_bringup_ranges(struct json *j)
{
	const struct dmar_table *t = dmar_live();
	const struct ivrs_table *v = ivrs_live();

	json_arr(j);
	for (int i = 0; t && i < t->nrmrr; i++) {
		json_obj(j);
		dmar_rmrr_json(j, t, &t->rmrr[i]);
		json_obj_end(j);
	}
	for (int i = 0; t && i < t->natsr; i++) {
		json_obj(j);
		json_kstr(j, "kind", "atsr");
		dmar_scoped_json(j, t, &t->atsr[i], "all_ports");
		json_obj_end(j);
	}
	for (int i = 0; t && i < t->nsatc; i++) {
		json_obj(j);
		json_kstr(j, "kind", "satc");
		dmar_scoped_json(j, t, &t->satc[i], "atc_required");
		json_obj_end(j);
	}
	for (int i = 0; v && i < v->nivmd; i++) {
		json_obj(j);
		ivrs_ivmd_json(j, &v->ivmd[i]);
		json_obj_end(j);
	}
	json_arr_end(j);
}

void iommu_bringup_tables(struct json *j)
{
	const struct dmar_table *t = dmar_live();
	const struct ivrs_table *v = ivrs_live();

	json_obj(j);
	json_key(j, "dmar");
	if (t) {
		json_obj(j);
		dmar_json(j, t);
		json_obj_end(j);
	} else {
		json_null(j);
	}
	json_key(j, "ivrs");
	if (v) {
		json_obj(j);
		ivrs_json(j, v);
		json_obj_end(j);
	} else {
		json_null(j);
	}
	json_obj_end(j);
}
