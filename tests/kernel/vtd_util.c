// SPDX-License-Identifier: MIT
/*
 * VT-d suite helpers (see vtd_util.h): unit, context entry, counters and
 * trace matching for the ordering rules the driver must keep.
 */
#include "tests/kernel/vtd_util.h"
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

u64 vtd_iotlb_flushes(struct vtd_unit *u)
{
	return u->st.iotlb_global + u->st.iotlb_dsi + u->st.iotlb_psi;
}

static bool ev_matches(const struct vtd_ev_want *w, const struct vtd_ev_rec *r)
{
	return w->ev == r->ev && (w->gran < 0 || w->gran == r->gran) &&
	       (w->did < 0 || w->did == r->did) && (w->sid < 0 || w->sid == r->sid);
}

static const char *const ev_names[] = {
	[VTD_EV_CTX_CLEAR] = "ctx-clear", [VTD_EV_CTX_SET] = "ctx-set", [VTD_EV_CC] = "cc",
	[VTD_EV_IOTLB] = "iotlb", [VTD_EV_DEVTLB] = "devtlb", [VTD_EV_WAIT] = "wait",
	[VTD_EV_WBF] = "wbf", [VTD_EV_TABLE_FREE] = "table-free",
};

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
		    ev_names[want[k].ev]);
	for (int i = 0; i < got; i++)
		report_info("  %s gran %u did %u sid %04x addr %#llx am %u", ev_names[ev[i].ev],
			    ev[i].gran, ev[i].did, ev[i].sid, (unsigned long long)ev[i].addr,
			    ev[i].am);
	return false;
}
