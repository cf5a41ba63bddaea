// SPDX-License-Identifier: MIT
/*
 * The soak engine's DMA by the real device (soak_engine.h): reads and writes
 * through the device's IOAS, faults where the model has no mapping, memory
 * compared with the model's shadow after each.
 */
#include "tests/kernel/soak_engine.h"

static void expect_dma_fault(struct soak *s, u64 iova, bool write)
{
	struct iommu_dev *dev = s->p->real->dev;
	struct iommu_fault_match m = {
		.segment = dev->segment,
		.source_id = dev->rid,
		.addr = iova,
		.kind = s->dev[0].hwpt == NONE ? IOMMU_FAULT_KIND_ANY : IOMMU_FAULT_KIND_PAGE,
		.access = write ? IOMMU_FAULT_ACCESS_WRITE : IOMMU_FAULT_ACCESS_READ,
	};

	if (s->dev[0].hwpt == NONE)
		m.flags |= IOMMU_FAULT_MATCH_ANY_ADDR;
	iommu_fault_expect_match(&m);
}

/* After a DMA: faults as predicted (when the unit logs them), memory as the shadow. */
static void dma_settle(struct soak *s, const char *what, int want_faults)
{
	struct iommu_dev *dev = s->p->real->dev;
	bool logs = !dev->iommu || !dev->iommu->no_fault_log;
	struct iommu_fault_record f;
	int n;

	if (want_faults >= 0) {
		n = iommu_fault_expect_done();
		s->st.faults_seen += n;
		if (logs && want_faults > 0 && n < 1)
			soak_fail(s, "%s: no fault was logged", what);
	} else if (iommu_fault_drain_unexpected(&f, 1) > 0) {
		soak_fail(s, "%s: unexpected fault addr %#llx reason %#x (%s)", what,
		     (unsigned long long)f.addr, f.reason, f.reason_str ? f.reason_str : "");
	}
	for (unsigned int p = 0; p < NPOOL && !s->broken; p++) {
		if (memcmp(page_va(s, p), s->shadow + (size_t)p * PAGE_SIZE, PAGE_SIZE)) {
			u8 *a = page_va(s, p), *b = s->shadow + (size_t)p * PAGE_SIZE;
			unsigned int off = 0;

			while (a[off] == b[off])
				off++;
			soak_fail(s, "%s: pool page %u byte %u is %#x, the model says %#x", what, p,
			     off, a[off], b[off]);
		}
	}
	s->st.dmas++;
}

/* A readable slot of the device's IOAS (for loading the buffer), or NONE. */
static int readable_slot(struct soak *s)
{
	int k, cand[NSLOT], nc = 0;

	if (s->dev[0].hwpt == NONE)
		return NONE;
	k = s->hwpt[s->dev[0].hwpt].ioas;
	for (int i = 0; i < NSLOT; i++)
		if (s->slot[k][i] != NONE)
			cand[nc++] = i;
	return nc ? cand[rnd(s, nc)] : NONE;
}

/* The device reads len bytes at offset off of slot into its buffer. */
static void dma_read(struct soak *s, int slot, u32 off, u32 len)
{
	int k = device_ioas(s);
	int page = k == NONE ? NONE : slot_page(s, k, (unsigned int)slot);
	u64 iova = iova_of((unsigned int)slot) + off;
	int ret;

	soak_note(s, "DMA read %u bytes at %#llx (%s)", len, (unsigned long long)iova,
	     page == NONE ? "must fault" : "mapped");
	if (page == NONE)
		expect_dma_fault(s, iova, false);
	ret = s->p->real->dma(s->p->real->ctx, iova, len, false);
	if (ret)
		soak_fail(s, "DMA read at %#llx: error %d", (unsigned long long)iova, ret);
	if (page == NONE) {
		s->edu_len = 0;	/* what a failed read leaves in the buffer is unknown */
	} else {
		memcpy(s->edu_buf, s->shadow + (size_t)page * PAGE_SIZE + off, len);
		s->edu_len = len;
		hot_add(s, slot);
	}
	dma_settle(s, "DMA read", page == NONE ? 1 : -1);
}

/* The device writes the first len bytes of its buffer to offset off of slot. */
static void dma_write(struct soak *s, int slot, u32 off, u32 len)
{
	int k = device_ioas(s);
	int a = k == NONE ? NONE : s->slot[k][slot];
	int page = k == NONE ? NONE : slot_page(s, k, (unsigned int)slot);
	bool writable = a != NONE && s->area[a].write;
	u64 iova = iova_of((unsigned int)slot) + off;
	int ret;

	soak_note(s, "DMA write %u bytes at %#llx (%s)", len, (unsigned long long)iova,
	     page == NONE ? "must fault" : writable ? "mapped" : "read-only");
	/* a read-only page: QEMU's VT-d may refuse from its IOTLB without logging */
	if (!writable)
		expect_dma_fault(s, iova, true);
	ret = s->p->real->dma(s->p->real->ctx, iova, len, true);
	if (ret)
		soak_fail(s, "DMA write at %#llx: error %d", (unsigned long long)iova, ret);
	if (writable) {
		memcpy(s->shadow + (size_t)page * PAGE_SIZE + off, s->edu_buf, len);
		hot_add(s, slot);
	}
	dma_settle(s, "DMA write", writable ? -1 : page == NONE ? 1 : 0);
}

void op_dma(struct soak *s)
{
	int k = device_ioas(s);
	int slot = (int)rnd(s, NSLOT), r;
	u32 len = 1 + (u32)rnd(s, EDU_MAX_XFER), off;

	/* a slot just changed, one used lately, mostly one mapped now */
	if (s->probe != NONE) {
		slot = s->probe;
		s->probe = NONE;
	} else if (s->nhot && chance(s, 40)) {
		slot = s->hot[rnd(s, min(s->nhot, (unsigned int)HOT))];
	} else if (k != NONE && chance(s, 70) && (r = readable_slot(s)) != NONE) {
		slot = r;
	}
	if (chance(s, 50)) {
		if (s->edu_len < 8) {
			r = readable_slot(s);
			if (r != NONE)
				dma_read(s, r, 0, EDU_MAX_XFER);
		}
		if (s->edu_len >= 8) {
			len = min(len, s->edu_len);
			off = (u32)rnd(s, PAGE_SIZE - len + 1);
			dma_write(s, slot, off, len);
			return;
		}
	}
	off = (u32)rnd(s, PAGE_SIZE - len + 1);
	dma_read(s, slot, off, len);
}
