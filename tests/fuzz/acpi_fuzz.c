// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the DMAR and IVRS parsers and the cap decoders: any bytes,
 * parsed as both tables (raw, and with length and checksum made right so the
 * walkers see them), then looked up. Built by `make fuzz` with libFuzzer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "iommu/amdvi/amdvi_caps.h"
#include "iommu/dmar.h"
#include "iommu/ivrs.h"
#include "iommu/vtd/vtd_caps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dmar_table dmar;
static struct ivrs_table ivrs;

/* A broken invariant is a parser bug: crash so the fuzzer keeps the input. */
static void must(bool cond)
{
	if (!cond)
		abort();
}

static void fix_length_and_checksum(uint8_t *b, size_t size)
{
	uint8_t sum = 0;

	if (size < 36)
		return;
	b[4] = (uint8_t)size;
	b[5] = (uint8_t)(size >> 8);
	b[6] = (uint8_t)(size >> 16);
	b[7] = (uint8_t)(size >> 24);
	b[9] = 0;
	for (size_t i = 0; i < size; i++)
		sum = (uint8_t)(sum + b[i]);
	b[9] = (uint8_t)(0x100 - sum);
}

/* Every rule-tagged message names a rule of the table, at that rule's level. */
static void check_rule_messages(const struct acpitab_log *log, const struct acpirule *rules, int n)
{
	for (int i = 0; i < log->n; i++) {
		const struct acpirule *r = log->msg[i].rule ?
					   acpirule_find(rules, n, log->msg[i].rule) : NULL;

		must(!log->msg[i].rule || (r && r->level == log->msg[i].level &&
					   strstr(log->msg[i].text, r->id)));
	}
}

static void query_dmar(const uint8_t *data, size_t size)
{
	struct dmar_dev_path p = { .nhops = 1 };
	u16 sid;

	must(dmar.valid == (dmar.log.nerr == 0) && dmar.nscopes <= DMAR_MAX_SCOPES);
	check_rule_messages(&dmar.log, dmar_rules, dmar_nrules);
	for (int i = 0; i < dmar.nunits; i++)
		must(dmar.units[i].first_scope + dmar.units[i].nscopes <= dmar.nscopes);
	for (int i = 0; i < dmar.nrmrr; i++)
		must(dmar.rmrr[i].base <= dmar.rmrr[i].end);
	for (size_t i = 0; i + 1 < size && i < 64; i += 2) {
		p.hop[0].bus = data[i];
		p.hop[0].devfn = data[i + 1];
		dmar_unit_for_dev(&dmar, &p);
		dmar_ats_supported(&dmar, &p);
		dmar_satc_for_dev(&dmar, &p);
		dmar_unit_for_special(&dmar, DMAR_SCOPE_IOAPIC, data[i], &sid);
	}
	for (int i = 0; i < dmar.nscopes; i++) {
		char s[64];

		must(dmar_scope_str(&dmar.scopes[i], s, sizeof(s)) > 0);
	}
}

static void query_ivrs(const uint8_t *data, size_t size)
{
	struct ivrs_dev d;

	must(ivrs.valid == (ivrs.log.nerr == 0) && ivrs.nranges <= IVRS_MAX_RANGES);
	check_rule_messages(&ivrs.log, ivrs_rules, ivrs_nrules);
	for (int i = 0; i < ivrs.nranges; i++)
		must(ivrs.ranges[i].first <= ivrs.ranges[i].last &&
		     ivrs.ranges[i].unit < ivrs.nunits);
	for (size_t i = 0; i + 1 < size && i < 64; i += 2) {
		u16 devid = (u16)(data[i] | data[i + 1] << 8);

		if (!ivrs_lookup(&ivrs, 0, devid, &d))
			must(d.unit >= ivrs.units && d.unit < ivrs.units + ivrs.nunits);
		ivrs_find_special(&ivrs, IVRS_SPECIAL_IOAPIC, data[i]);
	}
}

static void caps(const uint8_t *data, size_t size)
{
	struct regfield_warnings w = { 0 };
	u64 v[2] = { 0, 0 };
	char s[512];

	memcpy(v, data, size < sizeof(v) ? size : sizeof(v));
	vtd_caps_check(v[0], v[1], (u32)v[1], &w);
	vtd_cap_pick_levels(v[0], (unsigned int)(v[1] & 0x7f));
	vtd_cap_pgsize_bitmap(v[0]);
	vtd_cap_summary(v[0], s, sizeof(s));
	vtd_ecap_summary(v[1], s, sizeof(s));
	w.n = 0;
	amdvi_caps_check(v[0], v[1], &w);
	amdvi_efr_linux_words(v[0], s, sizeof(s));
	amdvi_efr_summary(v[0], s, sizeof(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *b = malloc(size ? size : 1);

	if (!b)
		return 0;
	for (int pass = 0; pass < 4; pass++) {
		memcpy(b, data, size);
		if (size >= 4)
			memcpy(b, pass & 1 ? "IVRS" : "DMAR", 4);
		if (pass & 2)
			fix_length_and_checksum(b, size);
		if (pass & 1) {
			ivrs_parse(b, size, &ivrs);
			query_ivrs(data, size);
		} else {
			dmar_parse(b, size, &dmar);
			query_dmar(data, size);
		}
	}
	caps(data, size);
	free(b);
	return 0;
}
