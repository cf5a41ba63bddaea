// SPDX-License-Identifier: MIT
/*
 * VT-d queued invalidation: the descriptor ring (128-bit descriptors, or
 * 256-bit in scalable mode), submission with a wait descriptor per batch,
 * bounded completion polling, IQE/ITE/ICE recovery. No page-table code
 * here. Layouts: VT-d spec 4.1 ch. 6.5.2, 11.4.9.
 */
#include "iommu/vtd/vtd.h"
#include "arch/x86/console.h"
#include "arch/x86/mm.h"
#include "arch/x86/tsc.h"
#include "lib/errno.h"
#include "lib/failpoint.h"

/*
 * IQH/IQT hold the byte offset of a descriptor (bits 18:4): index << 4, or
 * index << 5 for 256-bit descriptors (where bit 4 must stay 0).
 */
static unsigned int qi_shift(const struct vtd_unit *u)
{
	return u->qi.dw ? 5 : 4;
}

static u32 qi_head(struct vtd_unit *u)
{
	return (u32)((vtd_readq(u, VTD_IQH_REG) & VTD_IQ_INDEX) >> qi_shift(u));
}

/* Free slots as far as head_seen tells, keeping one empty so head == tail means idle. */
static u32 qi_room(const struct vtd_unit *u)
{
	return (u->qi.head_seen - u->qi.tail - 1) & (u->qi.size - 1);
}

/* The same with IQH read again. */
static u32 qi_free_slots(struct vtd_unit *u)
{
	u->qi.head_seen = qi_head(u);
	return qi_room(u);
}

/* Slot i of the ring: two qwords, or four with 256-bit descriptors. */
static u64 *qi_slot(struct vtd_unit *u, u32 i)
{
	return u->qi.ring + (size_t)i * (u->qi.dw ? 4 : 2);
}

/*
 * Queued invalidation on, with 256-bit descriptors when the unit runs in
 * scalable mode (u->sm): they carry the PASID-granular invalidations and
 * every other descriptor (context cache, IOTLB, IEC, wait) in the low half.
 */
int vtd_qi_enable(struct vtd_unit *u)
{
	struct vtd_qi *q = &u->qi;

	if (!q->ring) {
		q->ring = failable(page_alloc_va(0));
		q->status = failable(page_alloc_va(0));
		if (!q->ring || !q->status) {
			vtd_qi_free(u);
			return -ENOMEM;
		}
		q->ring_pa = virt_to_phys(q->ring);
		q->status_pa = virt_to_phys((void *)q->status);
	}
	q->dw = u->sm;
	q->size = q->dw ? VTD_QI_SIZE / 2 : VTD_QI_SIZE;
	q->tail = 0;
	q->head_seen = 0;
	vtd_writeq(u, VTD_IQT_REG, 0);
	vtd_writeq(u, VTD_IQA_REG, q->ring_pa | VTD_QI_QS | (q->dw ? VTD_IQA_DW : 0));
	return vtd_gcmd(u, VTD_GCMD_QIE, 0, VTD_GSTS_QIES, true);
}

int vtd_qi_disable(struct vtd_unit *u)
{
	if (!(vtd_readl(u, VTD_GSTS_REG) & VTD_GSTS_QIES))
		return 0;
	/* IQH and IQT hold byte offsets: equal in either descriptor width */
	if (poll_timeout((vtd_readq(u, VTD_IQH_REG) & VTD_IQ_INDEX) ==
			 (vtd_readq(u, VTD_IQT_REG) & VTD_IQ_INDEX), VTD_TIMEOUT_US))
		return -ETIMEDOUT;
	return vtd_gcmd(u, 0, VTD_GCMD_QIE, VTD_GSTS_QIES, false);
}

void vtd_qi_free(struct vtd_unit *u)
{
	if (u->qi.ring)
		page_free_va(u->qi.ring, 0);
	if (u->qi.status)
		page_free_va((void *)u->qi.status, 0);
	u->qi.ring = NULL;
	u->qi.status = NULL;
}

static void qi_write(struct vtd_unit *u, u32 i, const struct vtd_desc *d)
{
	u64 *p = qi_slot(u, i);

	p[0] = d->lo;
	p[1] = d->hi;
	if (u->qi.dw)
		p[2] = p[3] = 0;
}

static void qi_put(struct vtd_unit *u, const struct vtd_desc *d)
{
	qi_write(u, u->qi.tail, d);
	u->qi.tail = (u->qi.tail + 1) & (u->qi.size - 1);
}

static void qi_kick(struct vtd_unit *u)
{
	mfence();	/* descriptors are in memory before the tail moves */
	vtd_writeq(u, VTD_IQT_REG, (u64)u->qi.tail << qi_shift(u));
}

/*
 * An IQE stopped the queue at IQH, inside the batch just submitted: every
 * slot from there up to the batch's wait descriptor gets a copy of that
 * wait, so nothing else of the batch can stop the queue again (a second
 * bad descriptor would otherwise raise an IQE nobody waits for, and the
 * next submission would inherit it). Then the error is cleared and the
 * queue restarted; writing IQT again restarts implementations (QEMU) that
 * fetch only on a tail write.
 */
static void qi_recover_iqe(struct vtd_unit *u, const struct vtd_desc *wait)
{
	u32 bad = qi_head(u), last = (u->qi.tail - 1) & (u->qi.size - 1);

	printk("vtd: %s: invalidation queue error at descriptor %u (%#llx %#llx)\n", u->name,
	       bad, (unsigned long long)qi_slot(u, bad)[0], (unsigned long long)qi_slot(u, bad)[1]);
	for (u32 i = bad, n = 0; i != last && n < u->qi.size; i = (i + 1) & (u->qi.size - 1), n++)
		qi_write(u, i, wait);
	mfence();
	vtd_writel(u, VTD_FSTS_REG, VTD_FSTS_IQE);
	qi_kick(u);
}

int vtd_qi_submit(struct vtd_unit *u, const struct vtd_desc *d, int n)
{
	struct vtd_qi *q = &u->qi;
	struct vtd_desc wait;
	u32 fsts, seq;
	int ret;

	if (n < 0 || n + 1 >= (int)q->size || !q->ring)
		return -EINVAL;
	/* every wait we saw complete freed the ring up to it: IQH is read only when that is not enough */
	if (qi_room(u) < (u32)n + 1 && poll_timeout(qi_free_slots(u) >= (u32)n + 1, VTD_TIMEOUT_US))
		return -ETIMEDOUT;
	seq = ++q->seq ? q->seq : ++q->seq;	/* 0 is what a fresh status page holds */
	wait.lo = VTD_DESC_WAIT | VTD_WAIT_SW | FIELD_PREP(VTD_WAIT_SDATA, seq);
	wait.hi = q->status_pa;
	for (int i = 0; i < n; i++)
		qi_put(u, &d[i]);
	qi_put(u, &wait);
	qi_kick(u);
	ret = poll_timeout(*q->status == seq ||
			   (vtd_readl(u, VTD_FSTS_REG) & (VTD_FSTS_IQE | VTD_FSTS_ITE | VTD_FSTS_ICE)),
			   VTD_TIMEOUT_US);
	if (ret)
		return ret;
	if (*q->status == seq) {
		q->head_seen = q->tail;	/* the unit fetched everything up to our wait */
		return 0;
	}
	fsts = vtd_readl(u, VTD_FSTS_REG);
	if (fsts & VTD_FSTS_IQE) {
		qi_recover_iqe(u, &wait);
		/* the batch is over when the queue has fetched all of it */
		if (poll_timeout(*q->status == seq && qi_head(u) == q->tail, VTD_TIMEOUT_US))
			return -ETIMEDOUT;
		return -EIO;
	}
	if (fsts & (VTD_FSTS_ITE | VTD_FSTS_ICE)) {
		/* device-TLB time-out or bad completion: the waits behind it were aborted */
		vtd_writel(u, VTD_FSTS_REG, fsts & (VTD_FSTS_ITE | VTD_FSTS_ICE));
		return fsts & VTD_FSTS_ITE ? -ETIMEDOUT : -EIO;
	}
	return -EIO;
}
