// SPDX-License-Identifier: MIT
/*
 * VT-d suite helpers (see vtd_util.h): unit, context entry, counters and
 * trace matching for the ordering rules the driver must keep.
 */
#include "tests/kernel/vtd_util.h"
#include "lib/string.h"
#include "tests/ktest.h"

struct vtd_unit *vtd_unit_of(struct dma_dev *d)
{
	return ((struct vtd_dev *)d->dev->iommu_priv)->unit;
}

u64 *vtd_dev_ctx(struct dma_dev *d)
{
	struct vtd_dev *vd = d->dev->iommu_priv;

	return vtd_ctx_entry(vd->unit, vd->bus, vd->devfn);
}

bool vtd_dev_xlate(struct dma_dev *d, struct vtd_xlate *x)
{
	struct vtd_dev *vd = d->dev->iommu_priv;
	u64 *ce = vtd_dev_ctx(d), *pe;

	memset(x, 0, sizeof(*x));
	if (!ce || !(ce[0] & VTD_CTX_P))
		return false;
	if (!vd->unit->sm) {
		u64 tt = FIELD_GET(VTD_CTX_TT, ce[0]);

		x->present = true;
		x->pgtt = tt == VTD_TT_PASS_THROUGH ? VTD_PGTT_PT : VTD_PGTT_SS;
		x->devtlb = tt == VTD_TT_DEV_IOTLB;
		x->did = (u16)FIELD_GET(VTD_CTX_DID, ce[1]);
		x->ss_ptr = ce[0] & VTD_CTX_SLPTPTR;
		x->ss_levels = (int)FIELD_GET(VTD_CTX_AW, ce[1]) + 2;
		return true;
	}
	x->devtlb = ce[0] & VTD_SMCTX_DTE;
	pe = vtd_pasid_entry(ce, (u32)FIELD_GET(VTD_SMCTX_RID_PASID, ce[1]));
	if (!pe || !(pe[0] & VTD_PE_P))
		return false;
	x->present = true;
	x->pgtt = (int)FIELD_GET(VTD_PE_PGTT, pe[0]);
	x->did = (u16)FIELD_GET(VTD_PE_DID, pe[1]);
	x->ss_ptr = pe[0] & VTD_PE_SSPTPTR;
	x->ss_levels = (int)FIELD_GET(VTD_PE_AW, pe[0]) + 2;
	x->fs_ptr = pe[2] & VTD_PE_FSPTPTR;
	return true;
}

int vtd_ev_set(const struct vtd_unit *u)
{
	return u->sm ? VTD_EV_PE_SET : VTD_EV_CTX_SET;
}

int vtd_want_rid_clear(const struct vtd_unit *u, u16 did, u16 sid, struct vtd_ev_want *w)
{
	if (u->sm) {
		w[0] = (struct vtd_ev_want)EVW(VTD_EV_PE_CLEAR, -1, did, sid);
		w[1] = (struct vtd_ev_want)EVW(VTD_EV_PC, VTD_PC_PASID_SEL, did, -1);
	} else {
		w[0] = (struct vtd_ev_want)EVW(VTD_EV_CTX_CLEAR, -1, did, sid);
		w[1] = (struct vtd_ev_want)EVW(VTD_EV_CC, VTD_GRAN_DEVICE, did, sid);
	}
	w[2] = (struct vtd_ev_want)EVW(VTD_EV_IOTLB, VTD_GRAN_DOMAIN, did, -1);
	w[3] = (struct vtd_ev_want)EVW(VTD_EV_WAIT, -1, -1, -1);
	return 4;
}

u64 vtd_iotlb_flushes(struct vtd_unit *u)
{
	return u->st.iotlb_global + u->st.iotlb_dsi + u->st.iotlb_psi;
}

static bool ev_matches(const struct vtd_ev_want *w, const struct vtd_ev_rec *r)
{
	return w->ev == r->ev && (w->gran < 0 || w->gran == r->gran) &&
	       (w->did < 0 || w->did == r->did) && (w->sid < 0 || w->sid == r->sid);
}

static const char *const ev_names[VTD_EV_NEV] = {
	[VTD_EV_CTX_CLEAR] = "ctx-clear", [VTD_EV_CTX_SET] = "ctx-set", [VTD_EV_CC] = "cc",
	[VTD_EV_IOTLB] = "iotlb", [VTD_EV_DEVTLB] = "devtlb", [VTD_EV_WAIT] = "wait",
	[VTD_EV_WBF] = "wbf", [VTD_EV_TABLE_FREE] = "table-free", [VTD_EV_IEC] = "iec",
	[VTD_EV_IRTE] = "irte", [VTD_EV_PC] = "pasid-cache", [VTD_EV_PIOTLB] = "p-iotlb",
	[VTD_EV_PDEVTLB] = "p-devtlb", [VTD_EV_PE_CLEAR] = "pasid-clear",
	[VTD_EV_PE_SET] = "pasid-set", [VTD_EV_PE_CHANGE] = "pasid-change",
};

const char *vtd_ev_name(int ev)
{
	return ev >= 0 && ev < VTD_EV_NEV && ev_names[ev] ? ev_names[ev] : "?";
}

bool vtd_trace_expect(u32 from, const struct vtd_ev_want *want, int n)
{
	struct vtd_ev_rec ev[64];
	int got = vtd_trace_since(from, ev, 64), k = 0;

	for (int i = 0; i < got && k < n; i++)
		if (ev_matches(&want[k], &ev[i]))
			k++;
	if (k == n)
		return true;
	report_info("trace: wanted event %d (%s) not found in order; saw:", k,
		    vtd_ev_name(want[k].ev));
	for (int i = 0; i < got; i++)
		report_info("  %s gran %u did %u sid %04x pasid %u addr %#llx am %u",
			    vtd_ev_name(ev[i].ev), ev[i].gran, ev[i].did, ev[i].sid, ev[i].pasid,
			    (unsigned long long)ev[i].addr, ev[i].am);
	return false;
}
