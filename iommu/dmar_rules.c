// SPDX-License-Identifier: MIT
/*
 * The DMAR rule table: every bound the VT-d spec (4.1, ch. 8) and Linux 6.12
 * (drivers/iommu/intel/dmar.c, iommu.c) put on a DMAR, one row each, with
 * what Linux does when it is broken. dmar.c applies them as it walks.
 */
#include "iommu/dmar_rules.h"
#include "lib/printf.h"
#include "lib/string.h"

#define CTX(ctx) ((const struct dmar_ctx *)(ctx))
#define PCI_SCOPES (BIT(DMAR_SCOPE_ENDPOINT) | BIT(DMAR_SCOPE_BRIDGE))
#define ALL_SCOPES (PCI_SCOPES | BIT(DMAR_SCOPE_IOAPIC) | BIT(DMAR_SCOPE_HPET) | \
		    BIT(DMAR_SCOPE_ACPI))

void dmar_rule_report(const void *ctx, const struct acpirule *r, const char *text)
{
	const struct dmar_ctx *c = ctx;
	char where[64] = "";

	if (r->at < DMAR_NTYPES)
		snprintf(where, sizeof(where), "subtable %d type %u @0x%x: ", c->idx, c->type, c->off);
	else if (r->at == DMAR_AT_SCOPE)
		snprintf(where, sizeof(where), "subtable %d type %u @0x%x: device scope @0x%x: ",
			 c->idx, c->type, c->off, c->scope_off);
	acpitab_log_rule(&c->t->log, r, where, text);
}

bool dmar_scope_path_bad(const u8 *p, u32 len, unsigned int *hop)
{
	for (u32 i = 0; 6 + 2 * i + 1 < len; i++)
		if (p[6 + 2 * i] > 31 || p[7 + 2 * i] > 7) {
			*hop = i;
			return true;
		}
	return false;
}

/* Where the device scopes of a structure type start (0: it has none). */
static u32 scopes_from(unsigned int type)
{
	static const u8 from[DMAR_NTYPES] = {
		[DMAR_TYPE_DRHD] = 16, [DMAR_TYPE_RMRR] = 24, [DMAR_TYPE_ATSR] = 8,
		[DMAR_TYPE_SATC] = 8, [DMAR_TYPE_SIDP] = 8,
	};

	return type < DMAR_NTYPES ? from[type] : 0;
}

/* Scopes of structure p[0, len) of the given type whose type is in mask. */
static int count_scopes(const u8 *p, u32 len, unsigned int type, u32 mask)
{
	u32 at = scopes_from(type);
	int n = 0;

	while (at && at + 2 <= len && p[at + 1] >= 2) {
		n += p[at] < 32 && (mask & BIT(p[at]));
		at += p[at + 1];
	}
	return n;
}

/* --- the table header ------------------------------------------------------ */

static bool haw_min(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "host address width %u bits cannot translate one 4 KiB page",
		 p[36] + 1);
	return p[36] + 1 < 12;
}

static bool haw_max(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "host address width %u bits is above 64", p[36] + 1);
	return p[36] + 1 > 64;
}

static bool hdr_reserved(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "reserved bytes 38..47 are not zero");
	return !acpitab_zero(p, 38, 10);
}

static bool x2apic_alone(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "X2APIC_OPT_OUT is set without INTR_REMAP");
	return (p[37] & (DMAR_X2APIC_OPT_OUT | DMAR_INTR_REMAP)) == DMAR_X2APIC_OPT_OUT;
}

/* --- structures ------------------------------------------------------------- */

static bool drhd_base0(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "DRHD register base is 0");
	return !acpitab_u64(p, 8);
}

static bool drhd_align(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	u64 base = acpitab_u64(p, 8);

	snprintf(text, n, "DRHD register base 0x%llx is not 4 KiB aligned", (unsigned long long)base);
	return base & 0xfff;
}

static bool drhd_empty(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "DRHD at 0x%llx has neither INCLUDE_PCI_ALL nor device scopes: it translates nothing",
		 (unsigned long long)acpitab_u64(p, 8));
	return !(p[4] & DMAR_DRHD_INCLUDE_PCI_ALL) && !count_scopes(p, len, 0, ALL_SCOPES);
}

static bool drhd_all_pci(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "INCLUDE_PCI_ALL DRHD also lists PCI device scopes; they change nothing");
	return (p[4] & DMAR_DRHD_INCLUDE_PCI_ALL) && count_scopes(p, len, 0, PCI_SCOPES);
}

static bool rmrr_empty(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "RMRR is empty (base and end address are 0); rejected");
	return dmar_rmrr_empty(acpitab_u64(p, 8), acpitab_u64(p, 16));
}

static bool rmrr_inverted(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "RMRR [0x%llx, 0x%llx] ends before it starts; rejected",
		 (unsigned long long)acpitab_u64(p, 8), (unsigned long long)acpitab_u64(p, 16));
	return dmar_rmrr_inverted(acpitab_u64(p, 8), acpitab_u64(p, 16));
}

static bool rmrr_unaligned(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	u64 base = acpitab_u64(p, 8), end = acpitab_u64(p, 16);

	snprintf(text, n, "RMRR [0x%llx, 0x%llx] is not 4 KiB aligned (base and end + 1 must be); rejected",
		 (unsigned long long)base, (unsigned long long)end);
	return !dmar_rmrr_empty(base, end) && !dmar_rmrr_inverted(base, end) &&
	       dmar_rmrr_unaligned(base, end);
}

static bool rmrr_above_haw(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	unsigned int haw = CTX(ctx)->t->haw;
	u64 end = acpitab_u64(p, 16);

	snprintf(text, n, "RMRR end 0x%llx is above the %u-bit host address width",
		 (unsigned long long)end, haw);
	return haw >= 12 && haw < 64 && (end >> haw);
}

static bool rmrr_no_device(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "RMRR [0x%llx, 0x%llx] names no device",
		 (unsigned long long)acpitab_u64(p, 8), (unsigned long long)acpitab_u64(p, 16));
	return !count_scopes(p, len, DMAR_TYPE_RMRR, ALL_SCOPES);
}

static bool atsr_all_and_scopes(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "ATSR has ALL_PORTS and device scopes too; the scopes change nothing");
	return (p[4] & DMAR_ATSR_ALL_PORTS) && count_scopes(p, len, DMAR_TYPE_ATSR, ALL_SCOPES);
}

static bool atsr_nothing(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "ATSR has neither ALL_PORTS nor root ports: it allows ATS nowhere");
	return !(p[4] & DMAR_ATSR_ALL_PORTS) && !count_scopes(p, len, DMAR_TYPE_ATSR, ALL_SCOPES);
}

static bool rhsa_length(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "RHSA length %u is not 20", len);
	return len != 20;
}

static bool andd_unterminated(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "ANDD object name is not NUL-terminated within the structure");
	return !memchr(p + 8, 0, len - 8);
}

static bool andd_empty(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "ANDD for ACPI device %u has an empty object name", p[7]);
	return len == 8 || !p[8];
}

static bool satc_empty(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "SATC names no device");
	return !count_scopes(p, len, DMAR_TYPE_SATC, ALL_SCOPES);
}

/* --- device scopes (p: the scope; the structure is CTX(ctx)->type) --------- */

static bool scope_unknown(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "unknown type %u; skipped", p[0]);
	return !p[0] || p[0] >= DMAR_SCOPE_NTYPES;
}

static bool scope_path(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	unsigned int hop = 0;
	bool bad = dmar_scope_path_bad(p, len, &hop);

	snprintf(text, n, "path entry %u is device %u function %u (max 31.7); scope skipped",
		 hop, p[6 + 2 * hop], p[7 + 2 * hop]);
	return bad;
}

static bool scope_pci_enum(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "a %s scope has enumeration ID %u", dmar_scope_type_name(p[0]), p[4]);
	return (p[0] == DMAR_SCOPE_ENDPOINT || p[0] == DMAR_SCOPE_BRIDGE) && p[4];
}

static bool scope_irq_outside_drhd(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	unsigned int type = CTX(ctx)->type;

	snprintf(text, n, "an %s scope in a %s", dmar_scope_type_name(p[0]), dmar_type_name(type));
	return (p[0] == DMAR_SCOPE_IOAPIC || p[0] == DMAR_SCOPE_HPET) && type != DMAR_TYPE_DRHD;
}

static bool scope_atsr_bridge(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "ATSR scope is a %s, not a root port (bridge)", dmar_scope_type_name(p[0]));
	return CTX(ctx)->type == DMAR_TYPE_ATSR && p[0] != DMAR_SCOPE_BRIDGE;
}

static bool scope_satc_endpoint(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "SATC scope is a %s, not a PCI endpoint", dmar_scope_type_name(p[0]));
	return CTX(ctx)->type == DMAR_TYPE_SATC && p[0] != DMAR_SCOPE_ENDPOINT;
}

/* --- the whole table, after the walk --------------------------------------- */

static bool no_drhd(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "no DRHD: the table describes no remapping unit");
	return !CTX(ctx)->t->count[DMAR_TYPE_DRHD];
}

static bool out_of_order(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	const struct dmar_ctx *c = ctx;

	snprintf(text, n, "structure %d (%s) comes after a %s: types are not in ascending order",
		 c->order_idx, dmar_type_name(c->order_type), dmar_type_name(c->order_after));
	return c->order_idx >= 0;
}

/* Two units: a pair broken by fn is named in text; true when one is. */
static bool unit_pairs(const struct dmar_table *t, char *text, size_t n,
		       bool (*fn)(const struct dmar_unit *a, const struct dmar_unit *b),
		       const char *fmt)
{
	for (int i = 0; i < t->nunits; i++)
		for (int j = i + 1; j < t->nunits; j++)
			if (fn(&t->units[i], &t->units[j])) {
				snprintf(text, n, fmt, i, (unsigned long long)t->units[i].base, j,
					 (unsigned long long)t->units[j].base, t->units[i].segment);
				return true;
			}
	return false;
}

static bool both_all(const struct dmar_unit *a, const struct dmar_unit *b)
{
	return a->include_all && b->include_all && a->segment == b->segment;
}

static bool same_unit(const struct dmar_unit *a, const struct dmar_unit *b)
{
	return a->segment == b->segment && a->base == b->base;
}

static bool overlapping(const struct dmar_unit *a, const struct dmar_unit *b)
{
	return a->usable && b->usable && a->base != b->base &&
	       a->base < b->base + b->reg_size && b->base < a->base + a->reg_size;
}

/* An INCLUDE_PCI_ALL unit followed by another unit of its segment. */
static bool all_before_other(const struct dmar_unit *a, const struct dmar_unit *b)
{
	return a->include_all && a->segment == b->segment;
}

static bool drhd_all_twice(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	return unit_pairs(CTX(ctx)->t, text, n, both_all,
			  "DRHD %d (0x%llx) and DRHD %d (0x%llx) both have INCLUDE_PCI_ALL for segment %u; the first is used");
}

static bool drhd_twice(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	return unit_pairs(CTX(ctx)->t, text, n, same_unit,
			  "DRHD %d (0x%llx) is repeated by DRHD %d (0x%llx) in segment %u");
}

static bool drhd_overlap(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	return unit_pairs(CTX(ctx)->t, text, n, overlapping,
			  "DRHD %d registers at 0x%llx overlap DRHD %d at 0x%llx (segment %u)");
}

static bool drhd_all_not_last(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	return unit_pairs(CTX(ctx)->t, text, n, all_before_other,
			  "INCLUDE_PCI_ALL DRHD %d (0x%llx) comes before DRHD %d (0x%llx) of segment %u");
}

static bool rmrr_no_unit(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	const struct dmar_table *t = CTX(ctx)->t;

	for (int i = 0; i < t->nrmrr; i++) {
		bool found = false;

		for (int k = 0; k < t->nunits; k++)
			found |= t->units[k].segment == t->rmrr[i].segment;
		if (!found) {
			snprintf(text, n, "RMRR [0x%llx, 0x%llx] is for segment %u, which no DRHD covers",
				 (unsigned long long)t->rmrr[i].base,
				 (unsigned long long)t->rmrr[i].end, t->rmrr[i].segment);
			return true;
		}
	}
	return false;
}

static bool rmrr_overlap(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	const struct dmar_table *t = CTX(ctx)->t;

	for (int i = 0; i < t->nrmrr; i++)
		for (int j = i + 1; j < t->nrmrr; j++) {
			const struct dmar_rmrr *a = &t->rmrr[i], *b = &t->rmrr[j];

			if (a->segment != b->segment || a->base > b->end || b->base > a->end ||
			    (a->base == b->base && a->end == b->end))
				continue;	/* apart, or the same region for other devices */
			snprintf(text, n, "RMRR [0x%llx, 0x%llx] overlaps RMRR [0x%llx, 0x%llx]",
				 (unsigned long long)a->base, (unsigned long long)a->end,
				 (unsigned long long)b->base, (unsigned long long)b->end);
			return true;
		}
	return false;
}

static bool rhsa_no_unit(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	const struct dmar_table *t = CTX(ctx)->t;

	for (int i = 0; i < t->nrhsa; i++) {
		bool found = false;

		for (int k = 0; k < t->nunits; k++)
			found |= t->units[k].base == t->rhsa[i].base;
		if (!found) {
			snprintf(text, n, "RHSA %d names register base 0x%llx, which no DRHD has",
				 i, (unsigned long long)t->rhsa[i].base);
			return true;
		}
	}
	return false;
}

/* Is ACPI device dev named by an ACPI scope (in any structure)? */
static bool acpi_scoped(const struct dmar_table *t, u8 dev)
{
	for (int i = 0; i < t->nscopes; i++)
		if (t->scopes[i].type == DMAR_SCOPE_ACPI && t->scopes[i].enum_id == dev)
			return true;
	return false;
}

static bool andd_unscoped(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	const struct dmar_table *t = CTX(ctx)->t;

	for (int i = 0; i < t->nandd; i++)
		if (!acpi_scoped(t, t->andd[i].acpi_dev)) {
			snprintf(text, n, "ANDD %s (ACPI device %u) is in no device scope",
				 t->andd[i].name, t->andd[i].acpi_dev);
			return true;
		}
	return false;
}

static bool andd_twice(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	const struct dmar_table *t = CTX(ctx)->t;

	for (int i = 0; i < t->nandd; i++)
		for (int j = i + 1; j < t->nandd; j++)
			if (t->andd[i].acpi_dev == t->andd[j].acpi_dev) {
				snprintf(text, n, "ACPI device %u is declared by two ANDDs (%s, %s)",
					 t->andd[i].acpi_dev, t->andd[i].name, t->andd[j].name);
				return true;
			}
	return false;
}

static bool acpi_scope_no_andd(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	const struct dmar_table *t = CTX(ctx)->t;

	for (int i = 0; i < t->nscopes; i++) {
		bool found = false;

		if (t->scopes[i].type != DMAR_SCOPE_ACPI)
			continue;
		for (int k = 0; k < t->nandd; k++)
			found |= t->andd[k].acpi_dev == t->scopes[i].enum_id;
		if (!found) {
			snprintf(text, n, "ACPI namespace device %u has a scope but no ANDD names it",
				 t->scopes[i].enum_id);
			return true;
		}
	}
	return false;
}

/* The same IOAPIC/HPET, or the same PCI scope, under two units. */
static bool scope_twice(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	const struct dmar_table *t = CTX(ctx)->t;

	for (int ua = 0; ua < t->nunits; ua++)
		for (int ub = ua + 1; ub < t->nunits; ub++) {
			const struct dmar_unit *a = &t->units[ua], *b = &t->units[ub];

			for (int i = 0; i < a->nscopes && a->segment == b->segment; i++)
				for (int j = 0; j < b->nscopes; j++) {
					const struct dmar_scope *x = dmar_scope_at(t, a->first_scope, i);
					const struct dmar_scope *y = dmar_scope_at(t, b->first_scope, j);
					bool irq = x->type == DMAR_SCOPE_IOAPIC || x->type == DMAR_SCOPE_HPET;
					char s[64];

					if (x->type != y->type ||
					    (irq ? x->enum_id != y->enum_id :
					     x->bus != y->bus || x->nhops != y->nhops ||
					     memcmp(x->path, y->path, x->nhops)))
						continue;
					dmar_scope_str(x, s, sizeof(s));
					snprintf(text, n, "%s is in the scope of DRHD %d and DRHD %d",
						 s, ua, ub);
					return true;
				}
		}
	return false;
}

#define E ACPITAB_ERR
#define W ACPITAB_WARN

const struct acpirule dmar_rules[] = {
	/* the header (8.1) */
	RULE_CHECK("dmar.haw.min", DMAR_AT_TABLE, E, haw_min,
		   "host address width below 12 bits", "Linux rejects the table (Invalid DMAR haw)"),
	RULE_CHECK("dmar.haw.max", DMAR_AT_TABLE, W, haw_max,
		   "host address width above 64 bits", "VT-d 8.1: at most 64; Linux does not check"),
	RULE_FIELD("dmar.flags.rsvd", DMAR_AT_TABLE, ACPIRULE_RSVD, W, 37, 1, 0xf8, "DMAR flags",
		   "VT-d 8.1: bits 7:3 are reserved"),
	RULE_CHECK("dmar.hdr.rsvd", DMAR_AT_TABLE, W, hdr_reserved,
		   "header bytes 38..47 not zero", "VT-d 8.1"),
	RULE_CHECK("dmar.flags.x2apic", DMAR_AT_TABLE, W, x2apic_alone,
		   "X2APIC_OPT_OUT without INTR_REMAP",
		   "VT-d 8.1: the opt-out is valid only with INTR_REMAP"),
	/* DRHD (8.3) */
	RULE_FIELD("dmar.drhd.flags", DMAR_TYPE_DRHD, ACPIRULE_RSVD, W, 4, 1, 0xfe, "DRHD flags",
		   "VT-d 8.3: bits 7:1 are reserved"),
	RULE_FIELD("dmar.drhd.size", DMAR_TYPE_DRHD, ACPIRULE_RSVD, W, 5, 1, 0xf0, "DRHD size",
		   "VT-d 8.3: bits 7:4 are reserved"),
	RULE_CHECK("dmar.drhd.base0", DMAR_TYPE_DRHD, W, drhd_base0,
		   "DRHD register base 0",
		   "a firmware bug of real Lenovo tables; unit not usable (Linux ignores the whole DMAR)"),
	RULE_CHECK("dmar.drhd.align", DMAR_TYPE_DRHD, W, drhd_align,
		   "DRHD register base not 4 KiB aligned", "unit not usable (VT-d 8.3)"),
	RULE_CHECK("dmar.drhd.empty", DMAR_TYPE_DRHD, W, drhd_empty,
		   "DRHD with neither INCLUDE_PCI_ALL nor scopes", NULL),
	RULE_CHECK("dmar.drhd.all_pci", DMAR_TYPE_DRHD, W, drhd_all_pci,
		   "INCLUDE_PCI_ALL DRHD with PCI scopes",
		   "VT-d 8.3: such a DRHD lists only IOAPIC, HPET and ACPI devices"),
	RULE_CHECK("dmar.drhd.all_last", DMAR_AT_END, W, drhd_all_not_last,
		   "INCLUDE_PCI_ALL DRHD before another of its segment",
		   "VT-d 8.3: it must follow every other DRHD of its segment (Linux moves it last)"),
	RULE_CHECK("dmar.drhd.all_twice", DMAR_AT_END, W, drhd_all_twice,
		   "two INCLUDE_PCI_ALL DRHDs in a segment", NULL),
	RULE_CHECK("dmar.drhd.twice", DMAR_AT_END, W, drhd_twice,
		   "the same DRHD twice", "Linux keeps the first"),
	RULE_CHECK("dmar.drhd.overlap", DMAR_AT_END, W, drhd_overlap,
		   "DRHD register windows overlap", NULL),
	RULE_CHECK("dmar.drhd.none", DMAR_AT_END, E, no_drhd,
		   "no DRHD", NULL),
	RULE_CHECK("dmar.order", DMAR_AT_END, W, out_of_order,
		   "structures out of type order", "VT-d 8.1: structures are reported in type order"),
	/* device scopes (8.3.1) */
	RULE_CHECK("dmar.scope.type", DMAR_AT_SCOPE, W, scope_unknown,
		   "device scope of unknown type", "Linux: Unsupported device scope"),
	RULE_FIELD("dmar.scope.rsvd", DMAR_AT_SCOPE, ACPIRULE_RSVD, W, 3, 1, 0xff, "reserved byte 3",
		   "VT-d 8.3.1"),
	RULE_CHECK("dmar.scope.path", DMAR_AT_SCOPE, W, scope_path,
		   "scope path device > 31 or function > 7", "PCI has 32 devices of 8 functions"),
	RULE_CHECK("dmar.scope.enum", DMAR_AT_SCOPE, W, scope_pci_enum,
		   "PCI scope with an enumeration ID", "VT-d 8.3.1: reserved for PCI scopes"),
	RULE_CHECK("dmar.scope.irq_place", DMAR_AT_SCOPE, W, scope_irq_outside_drhd,
		   "IOAPIC/HPET scope outside a DRHD",
		   "VT-d 8.3.1: IOAPIC and HPET scopes belong to DRHDs"),
	RULE_CHECK("dmar.scope.atsr", DMAR_AT_SCOPE, W, scope_atsr_bridge,
		   "ATSR scope that is not a bridge", "VT-d 8.5: ATSR scopes are root ports"),
	RULE_CHECK("dmar.scope.satc", DMAR_AT_SCOPE, W, scope_satc_endpoint,
		   "SATC scope that is not an endpoint", "VT-d 8.8: SATC scopes are SoC endpoints"),
	RULE_CHECK("dmar.scope.twice", DMAR_AT_END, W, scope_twice,
		   "a device in the scope of two DRHDs", "the first DRHD is used"),
	/* RMRR (8.4) */
	RULE_FIELD("dmar.rmrr.rsvd", DMAR_TYPE_RMRR, ACPIRULE_RSVD, W, 4, 2, 0xffff,
		   "RMRR reserved bytes 4..5", "VT-d 8.4"),
	RULE_CHECK("dmar.rmrr.empty", DMAR_TYPE_RMRR, W, rmrr_empty,
		   "RMRR base and end 0", "Linux warns (bad RMRR) and maps it anyway"),
	RULE_CHECK("dmar.rmrr.inverted", DMAR_TYPE_RMRR, W, rmrr_inverted,
		   "RMRR end below its base", "Linux warns (bad RMRR) and maps it anyway"),
	RULE_CHECK("dmar.rmrr.align", DMAR_TYPE_RMRR, W, rmrr_unaligned,
		   "RMRR base or end + 1 not 4 KiB aligned",
		   "Linux warns (bad RMRR) and maps it anyway"),
	RULE_CHECK("dmar.rmrr.haw", DMAR_TYPE_RMRR, W, rmrr_above_haw,
		   "RMRR above the host address width", "no device can reach it (VT-d 8.1, 8.4)"),
	RULE_CHECK("dmar.rmrr.nodev", DMAR_TYPE_RMRR, W, rmrr_no_device,
		   "RMRR without device scopes", NULL),
	RULE_CHECK("dmar.rmrr.segment", DMAR_AT_END, W, rmrr_no_unit,
		   "RMRR for a segment without DRHD", NULL),
	RULE_CHECK("dmar.rmrr.overlap", DMAR_AT_END, W, rmrr_overlap,
		   "RMRRs overlap", NULL),
	/* ATSR (8.5) */
	RULE_FIELD("dmar.atsr.flags", DMAR_TYPE_ATSR, ACPIRULE_RSVD, W, 4, 1, 0xfe, "ATSR flags",
		   "VT-d 8.5: bits 7:1 are reserved"),
	RULE_FIELD("dmar.atsr.rsvd", DMAR_TYPE_ATSR, ACPIRULE_RSVD, W, 5, 1, 0xff,
		   "ATSR reserved byte 5", "VT-d 8.5"),
	RULE_CHECK("dmar.atsr.all_ports", DMAR_TYPE_ATSR, W, atsr_all_and_scopes,
		   "ATSR with ALL_PORTS and scopes", "Linux ignores them"),
	RULE_CHECK("dmar.atsr.nothing", DMAR_TYPE_ATSR, W, atsr_nothing,
		   "ATSR with neither ALL_PORTS nor scopes", NULL),
	/* RHSA (8.6) */
	RULE_FIELD("dmar.rhsa.rsvd", DMAR_TYPE_RHSA, ACPIRULE_RSVD, W, 4, 4, 0xffffffff,
		   "RHSA reserved bytes 4..7", "VT-d 8.6"),
	RULE_CHECK("dmar.rhsa.length", DMAR_TYPE_RHSA, W, rhsa_length,
		   "RHSA length not 20", "VT-d 8.6: the structure is 20 bytes"),
	RULE_CHECK("dmar.rhsa.unit", DMAR_AT_END, W, rhsa_no_unit,
		   "RHSA for a base no DRHD has", "Linux warns (FW_BUG) and ignores it"),
	/* ANDD (8.7) */
	RULE_FIELD("dmar.andd.rsvd", DMAR_TYPE_ANDD, ACPIRULE_RSVD, W, 4, 3, 0xffffff,
		   "ANDD reserved bytes 4..6", "VT-d 8.7"),
	RULE_CHECK("dmar.andd.nul", DMAR_TYPE_ANDD, E, andd_unterminated,
		   "ANDD name not NUL-terminated",
		   "Linux rejects the table (ANDD object name is not NUL-terminated)"),
	RULE_CHECK("dmar.andd.empty", DMAR_TYPE_ANDD, W, andd_empty,
		   "ANDD with an empty name", NULL),
	RULE_CHECK("dmar.andd.twice", DMAR_AT_END, W, andd_twice,
		   "two ANDDs for one ACPI device", NULL),
	RULE_CHECK("dmar.andd.unscoped", DMAR_AT_END, W, andd_unscoped,
		   "ANDD device in no scope", "Linux: No IOMMU scope found for ANDD enumeration ID"),
	RULE_CHECK("dmar.acpi.no_andd", DMAR_AT_END, W, acpi_scope_no_andd,
		   "ACPI scope without an ANDD", NULL),
	/* SATC (8.8) and SIDP */
	RULE_FIELD("dmar.satc.flags", DMAR_TYPE_SATC, ACPIRULE_RSVD, W, 4, 1, 0xfe, "SATC flags",
		   "VT-d 8.8: bits 7:1 are reserved"),
	RULE_FIELD("dmar.satc.rsvd", DMAR_TYPE_SATC, ACPIRULE_RSVD, W, 5, 1, 0xff,
		   "SATC reserved byte 5", "VT-d 8.8"),
	RULE_CHECK("dmar.satc.nodev", DMAR_TYPE_SATC, W, satc_empty,
		   "SATC without device scopes", NULL),
	RULE_FIELD("dmar.sidp.rsvd", DMAR_TYPE_SIDP, ACPIRULE_RSVD, W, 4, 2, 0xffff,
		   "SIDP reserved bytes 4..5", "VT-d 4.1 8.9"),
};

const int dmar_nrules = ARRAY_SIZE(dmar_rules);
