// SPDX-License-Identifier: MIT
/*
 * vtd-qi suite: the invalidation queue (sequence numbers in wait status,
 * ring wrap, recovery from a queue error at any batch position) and the
 * register-based method when it is chosen instead (vtd_qi=off).
 */
#include "arch/x86/mm.h"
#include "arch/x86/tsc.h"
#include "iommu/vtd/vtd.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/kernel/vtd_util.h"
#include "tests/ktest.h"

#define RW (IOMMU_READ | IOMMU_WRITE)

/* The first unit using the queue, or NULL (with a skip). */
static struct vtd_unit *qi_unit(void)
{
	for (int i = 0; i < vtd_nunits; i++)
		if (vtd_units[i]->inv == VTD_INV_QI)
			return vtd_units[i];
	report_skip("no unit uses queued invalidation (vtd_qi=off or no ECAP.QI)");
	return NULL;
}

static u32 iq_index(struct vtd_unit *u, u32 reg)
{
	return (u32)FIELD_GET(VTD_IQ_INDEX, vtd_readq(u, reg));
}

/* A harmless descriptor: context-cache invalidation of device ff:1f.7. */
static struct vtd_desc harmless(void)
{
	struct vtd_batch b = { .n = 0 };

	vtd_batch_cc(&b, VTD_GRAN_DEVICE, 0, 0xffff);
	return b.d[0];
}

KTEST_NEEDS(vtd-qi, test_vtd_qi_wait_status_unique_per_submission, KT_NEED_VTD)
{
	struct vtd_unit *u = qi_unit();
	struct vtd_desc d[8];
	int bad_ret = 0, bad_seq = 0, bad_idle = 0, slots = 0, n = 0;

	if (!u)
		return;
	for (int i = 0; i < 8; i++)
		d[i] = harmless();
	/* about four trips round the ring, batches of 1..8 descriptors plus a wait */
	while (slots < 4 * (int)VTD_QI_SIZE) {
		int k = 1 + n % 8;
		u32 before = u->qi.seq;

		bad_ret += vtd_qi_submit(u, d, k) != 0;
		bad_seq += u->qi.seq != (before + 1 ? before + 1 : 1) || *u->qi.status != u->qi.seq;
		bad_idle += iq_index(u, VTD_IQH_REG) != iq_index(u, VTD_IQT_REG);
		slots += k + 1;
		n++;
	}
	report(bad_ret == 0, "%d submissions (%d slots, ring of %u) all complete", n, slots,
	       VTD_QI_SIZE);
	report(bad_seq == 0, "each wait wrote its own new sequence number");
	report(bad_idle == 0, "the queue is idle (head == tail) after each");
}

KTEST_NEEDS(vtd-qi, test_vtd_qi_error_at_any_batch_position_recovers, KT_NEED_VTD)
{
	struct vtd_unit *u = qi_unit();
	struct vtd_desc d[8];
	int bad = 0;

	if (!u)
		return;
	for (int pos = 0; pos < 8; pos++) {
		u64 t0 = time_ns();
		int ret;

		for (int i = 0; i < 8; i++)
			d[i] = harmless();
		d[pos].lo = 0xf;	/* no such descriptor type */
		d[pos].hi = 0;
		/* -EIO, not -ETIMEDOUT: neither the wait nor the recovery timed out */
		ret = vtd_qi_submit(u, d, 8);
		bad += ret != -EIO;
		/* not the time-out waited out (1 s): half of it leaves room for a loaded host */
		bad += (time_ns() - t0) > VTD_TIMEOUT_US * 1000ULL / 2;
		bad += !!(vtd_readl(u, VTD_FSTS_REG) & VTD_FSTS_IQE);
		bad += iq_index(u, VTD_IQH_REG) != iq_index(u, VTD_IQT_REG);
		bad += vtd_qi_submit(u, d, pos) != 0;	/* the good ones before it */
		if (bad)
			report_info("bad descriptor at %d: submit %d, FSTS %#x", pos, ret,
				    vtd_readl(u, VTD_FSTS_REG));
	}
	report(bad == 0, "a bad descriptor at each of 8 positions: -EIO at once, IQE cleared, "
	       "queue drained and usable");
}

/*
 * Two bad descriptors in one batch: recovering from the first must not let
 * the hardware stop again on the second with nobody waiting for it (the
 * next, good, submission would then inherit the error).
 */
KTEST_NEEDS(vtd-qi, test_vtd_qi_two_errors_in_one_batch_recover, KT_NEED_VTD)
{
	struct vtd_unit *u = qi_unit();
	struct vtd_desc d[8];
	int bad = 0, n = 0;

	if (!u)
		return;
	for (int p1 = 0; p1 < 8; p1++) {
		for (int p2 = p1 + 1; p2 < 8; p2++, n++) {
			int ret, next;

			for (int i = 0; i < 8; i++)
				d[i] = harmless();
			d[p1].lo = d[p2].lo = 0xf;
			d[p1].hi = d[p2].hi = 0;
			ret = vtd_qi_submit(u, d, 8);
			next = vtd_qi_submit(u, d, p1);
			if (ret != -EIO || next != 0 ||
			    (vtd_readl(u, VTD_FSTS_REG) & VTD_FSTS_IQE) ||
			    iq_index(u, VTD_IQH_REG) != iq_index(u, VTD_IQT_REG)) {
				bad++;
				report_info("bad at %d and %d: submit %d, next %d, FSTS %#x", p1,
					    p2, ret, next, vtd_readl(u, VTD_FSTS_REG));
			}
		}
	}
	report(bad == 0, "%d batches with two bad descriptors: each -EIO, then the queue "
	       "is idle, error-free and the next submission succeeds", n);
}

KTEST_NEEDS(vtd-qi, test_vtd_queued_mode_uses_no_registers, KT_NEED_VTD | KT_NEED_EDU)
{
	struct vtd_unit *u;
	struct dma_edu e;
	u64 regs, waits;

	if (dma_edu_open(&e, 0))
		return;
	u = vtd_unit_of(&e.d);
	if (u->inv != VTD_INV_QI) {
		report_skip("%s uses register invalidation", u->name);
		goto out;
	}
	regs = u->st.reg_inv;
	waits = u->st.waits;
	iommu_map(e.d.dom, DMA_IOVA_B, 0x100000, PAGE_SIZE, RW);
	iommu_unmap(e.d.dom, DMA_IOVA_B, PAGE_SIZE);
	report(u->st.reg_inv == regs && u->st.waits > waits,
	       "map and unmap: descriptors only, no CCMD/IOTLB register use");
	report(!(vtd_readq(u, VTD_CCMD_REG) & VTD_CCMD_ICC) &&
	       !(vtd_readq(u, u->iro + VTD_IOTLB_OFF) & VTD_IOTLB_IVT),
	       "the register interfaces are idle");
out:
	dma_edu_close(&e);
}

KTEST_NEEDS(vtd-qi, test_vtd_register_invalidation_mode, KT_NEED_VTD | KT_NEED_EDU)
{
	struct vtd_unit *u;
	struct dma_edu e;
	struct dma_buf b;
	u64 regs, psi;

	if (dma_edu_open(&e, 0))
		return;
	u = vtd_unit_of(&e.d);
	if (u->inv != VTD_INV_REGS) {
		report_skip("%s uses queued invalidation; boot with vtd_qi=off", u->name);
		goto out;
	}
	report(!(vtd_readl(u, VTD_GSTS_REG) & VTD_GSTS_QIES), "the queue is off");
	if (dma_buf_alloc(&b, 0))
		goto out;
	dma_edu_load(&e, &b, DMA_IOVA_A, 64, 81);
	dma_map(&e.d, DMA_IOVA_B, b.pa, PAGE_SIZE, RW);
	dma_edu_done(edu_dma_from_dev(&e.edu, DMA_IOVA_B, 0, 64));
	regs = u->st.reg_inv;
	psi = u->st.iotlb_psi;
	dma_unmap(&e.d, DMA_IOVA_B, PAGE_SIZE);
	report(u->st.reg_inv == regs + 1 && u->st.iotlb_psi == psi + (u->psi ? 1 : 0),
	       "unmap: one invalidation through the IOTLB registers");
	report(!(vtd_readq(u, u->iro + VTD_IOTLB_OFF) & VTD_IOTLB_IVT) &&
	       FIELD_GET(VTD_IOTLB_IAIG, vtd_readq(u, u->iro + VTD_IOTLB_OFF)),
	       "it completed and was performed (IAIG %llu)",
	       (unsigned long long)FIELD_GET(VTD_IOTLB_IAIG, vtd_readq(u, u->iro + VTD_IOTLB_OFF)));
	memset(b.va, 0, 64);
	dma_expect_page_fault(&e.d, DMA_IOVA_B, IOMMU_FAULT_ACCESS_WRITE);
	dma_edu_done(edu_dma_from_dev(&e.edu, DMA_IOVA_B, 0, 64));
	report(iommu_fault_expect_done() >= 1 && mem_is_zero(b.va, 64),
	       "after it the device cannot reach the page");
	dma_buf_free(&b);
out:
	dma_edu_close(&e);
}
