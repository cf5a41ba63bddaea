// SPDX-License-Identifier: MIT
/*
 * amdvi-cmd / amdvi-event on the live unit: COMPLETION_WAIT stores and the
 * IOMMU's MSI, a stopped ring, command errors and events (skipped where the
 * unit keeps no event log), takeover of an enabled unit, IVMD unity ranges.
 */
#include "arch/x86/acpi.h"
#include "arch/x86/pci.h"
#include "arch/x86/tsc.h"
#include "drivers/edu.h"
#include "iommu/acpi_live.h"
#include "iommu/amdvi/amdvi.h"
#include "iommu/iommu_init.h"
#include "iommu/ivrs.h"
#include "lib/alloc.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/kernel/dma_util.h"
#include "tests/ktest.h"

#define NEEDS (KT_NEED_AMDVI | KT_NEED_EDU)
#define RW (IOMMU_READ | IOMMU_WRITE)

static struct amdvi_unit *unit0(void)
{
	return amdvi_units[0];
}

/* Tests that need the event log skip (with the reason) when it does not work. */
static bool events_work(struct amdvi_unit *u)
{
	if (u->iommu.no_fault_log) {
		report_skip("%s: %s", u->name, u->iommu.no_fault_log);
		return false;
	}
	return true;
}

KTEST_NEEDS(amdvi-cmd, test_amdvi_hw_completion_wait_stores_sequence, KT_NEED_AMDVI)
{
	struct amdvi_unit *u = unit0();
	u64 seq = u->sem_seq, waits = u->stats.waits;

	for (int i = 0; i < 3 * (1 << u->cmd_len_log2) / 2; i++)
		if (amdvi_cmd_sync(u)) {
			report(false, "wait %d completes", i);
			return;
		}
	report(*u->sem == u->sem_seq && u->sem_seq == seq + 3 * (1 << u->cmd_len_log2) / 2,
	       "each wait stored its own sequence number, across ring wraps");
	report(u->stats.waits == waits + 3 * (1 << u->cmd_len_log2) / 2, "waits counted");
}

/* The IOMMU's own MSI (the event interrupt's vector), raised by a COMPLETION_WAIT. */
KTEST_NEEDS(amdvi-cmd, test_amdvi_hw_msi_from_completion_wait, KT_NEED_AMDVI)
{
	struct amdvi_unit *u = unit0();
	u64 irqs = u->stats.evt_irqs, cmd[2];

	if (u->irq_vector < 0) {
		report_skip("%s has no MSI capability", u->name);
		return;
	}
	amdvi_ctrl_update(u, AMDVI_CTRL_COMWAITINT_EN, 0);
	cmd[0] = FIELD_PREP(AMDVI_CMD_OPCODE, (u64)AMDVI_CMD_COMPLETION_WAIT) | AMDVI_CW_I;
	cmd[1] = 0;
	report(amdvi_cmd_queue(u, cmd) == 0 && amdvi_cmd_sync(u) == 0, "wait with I=1 completes");
	report(poll_timeout(u->stats.evt_irqs > irqs, 100000) == 0,
	       "the MSI arrived on vector %d", u->irq_vector);
	/* the handler writes ComWaitInt back to clear it; QEMU 7.2 ignores status writes */
	report_info("status after the handler: %#llx",
		    (unsigned long long)amdvi_readq(u, AMDVI_STATUS));
	amdvi_ctrl_update(u, 0, AMDVI_CTRL_COMWAITINT_EN);
}

/* Bug class 46 on the unit: a ring that is not fetched fills up, and submitting fails. */
KTEST_NEEDS(amdvi-cmd, test_amdvi_hw_stopped_ring_refuses_commands, KT_NEED_AMDVI)
{
	struct amdvi_unit *u = unit0();
	int queued = 0, ret = 0;
	u64 cmd[2], t0;

	amdvi_ctrl_update(u, 0, AMDVI_CTRL_CMDBUF_EN);
	amdvi_cmd_inv_all(cmd);
	t0 = time_ns();
	while (queued < 2 * (1 << u->cmd_len_log2) && !(ret = amdvi_cmd_queue(u, cmd)))
		queued++;
	report(ret == -EIO && queued == (1 << u->cmd_len_log2) - 1,
	       "ring full after %d commands: the next is refused (%d), not dropped", queued, ret);
	report(amdvi_cmd_sync(u) != 0, "a wait behind a stopped ring fails");
	report(time_ns() - t0 < 2000000000ULL, "without hanging");
	amdvi_ctrl_update(u, AMDVI_CTRL_CMDBUF_EN, 0);
	report(amdvi_cmd_sync(u) == 0 && *u->sem == u->sem_seq,
	       "restarted: the queued commands run and the next wait completes");
}

KTEST_NEEDS(amdvi-cmd, test_amdvi_hw_illegal_command_reported, KT_NEED_AMDVI)
{
	struct iommu_fault_match m = {
		.reason = AMDVI_EVT_ILLEGAL_COMMAND_ERROR,
		.flags = IOMMU_FAULT_MATCH_ANY_SID | IOMMU_FAULT_MATCH_ANY_ADDR,
	};
	struct amdvi_unit *u = unit0();
	u64 cmd[2], errors = u->stats.cmd_errors;

	if (!events_work(u))
		return;
	iommu_fault_expect_match(&m);
	amdvi_cmd_inv_devtab_entry(cmd, 0);
	cmd[1] = 1;	/* reserved */
	report(amdvi_cmd_run(u, cmd) == -EIO, "the wait behind an illegal command -> -EIO");
	report(iommu_fault_expect_done() == 1, "ILLEGAL_COMMAND_ERROR reported");
	report(u->stats.cmd_errors == errors + 1, "counted");
	report(amdvi_cmd_sync(u) == 0, "the ring runs again");
}

/* A DTE that grants no access makes the walk fail at the top: IO_PAGE_FAULT. */
KTEST_NEEDS(amdvi-event, test_amdvi_hw_io_page_fault_event, NEEDS)
{
	struct dma_edu e;
	struct amdvi_dev *ad;
	struct iommu_fault_record f;
	u64 dte[4];

	if (!events_work(unit0()) || dma_edu_open(&e, 0))
		return;
	ad = e.d.dev->iommu_priv;
	memcpy(dte, amdvi_dte_ptr(ad->unit, ad->devid), sizeof(dte));
	dte[0] &= ~(AMDVI_DTE0_IR | AMDVI_DTE0_IW);
	amdvi_dte_set(ad->unit, ad->devid, dte);
	dma_expect_page_fault(&e.d, DMA_IOVA_HOLE, IOMMU_FAULT_ACCESS_WRITE);
	edu_dma_from_dev(&e.edu, DMA_IOVA_HOLE, 0, 64);
	report(iommu_fault_expect_done() >= 1, "IO_PAGE_FAULT reported");
	report(iommu_fault_records(&f, 1) >= 1 && f.reason == AMDVI_EVT_IO_PAGE_FAULT &&
	       f.source_id == ad->devid && (f.addr >> 12) == (DMA_IOVA_HOLE >> 12) && f.write,
	       "devid %04x, address, write access as logged", ad->devid);
	iommu_attach_device(amdvi_ops.blocked_domain, e.d.dev);
	iommu_attach_device(e.d.dom, e.d.dev);
	dma_edu_close(&e);
}

/* Bug class 53 on the unit: flood a small log with illegal commands, recover. */
KTEST_NEEDS(amdvi-event, test_amdvi_hw_event_log_overflow_recovers, KT_NEED_AMDVI)
{
	struct iommu_fault_match cmd_err = {
		.reason = AMDVI_EVT_ILLEGAL_COMMAND_ERROR,
		.flags = IOMMU_FAULT_MATCH_ANY_SID | IOMMU_FAULT_MATCH_ANY_ADDR,
	};
	struct iommu_fault_match ovf = { .kind = IOMMU_FAULT_KIND_OVERFLOW };
	struct amdvi_unit *u = unit0();
	u64 ovfs = u->stats.evt_overflows, cmd[2];
	unsigned long flags;
	unsigned int len = u->evt_len_log2;

	if (!events_work(u))
		return;
	amdvi_event_resize(u, AMDVI_RING_LEN_MIN);
	iommu_fault_expect_match(&cmd_err);
	iommu_fault_expect_match(&ovf);
	/* hold the log: the driver must not drain it while we flood */
	spin_lock_irqsave(&u->evt_lock, flags);
	for (int i = 0; i < 300; i++) {
		amdvi_cmd_inv_devtab_entry(cmd, 0);
		cmd[1] = 1;
		amdvi_cmd_queue(u, cmd);
		/* real hardware stops on it: wait for that, then step over it */
		poll_timeout(!(amdvi_readq(u, AMDVI_STATUS) & AMDVI_STS_CMDBUF_RUN), 10000);
		amdvi_cmd_recover(u);
	}
	spin_unlock_irqrestore(&u->evt_lock, flags);
	report(amdvi_readq(u, AMDVI_STATUS) & AMDVI_STS_EVT_OVERFLOW, "the log overflowed");
	amdvi_event_poll(u);
	report(u->stats.evt_overflows == ovfs + 1, "overflow recovered once");
	report(iommu_fault_expect_done() >= 256, "the logged errors and the overflow reported");
	iommu_fault_expect_match(&cmd_err);
	amdvi_cmd_inv_devtab_entry(cmd, 0);
	cmd[1] = 1;
	amdvi_cmd_run(u, cmd);
	report(iommu_fault_expect_done() == 1, "an error after recovery is still reported");
	amdvi_event_resize(u, len);
}

/*
 * Bug class 45 for AMD-Vi: a unit left running with someone else's device
 * table and rings. The driver stops it, installs its own, flushes, enables.
 */
KTEST_NEEDS(amdvi, test_amdvi_takeover_of_enabled_unit, NEEDS)
{
	struct amdvi_unit *u = unit0();
	void *dt = page_alloc_va(9), *cb = page_alloc_va(1), *el = page_alloc_va(1);
	struct dma_edu e;
	struct dma_buf b;

	if (!dt || !cb || !el) {
		report(false, "foreign tables allocated");
		goto out;
	}
	/* the "previous kernel": pass-through for everyone, its own rings */
	for (u32 id = 0; id < AMDVI_DEVTAB_ENTRIES; id++)
		amdvi_dte_identity((u64 *)dt + 4 * id, NULL);
	amdvi_unit_shutdown(u);
	amdvi_writeq(u, AMDVI_DEVTAB_BASE, amdvi_pa(dt) | 0x1ff);
	amdvi_writeq(u, AMDVI_CMDBUF_BASE, amdvi_pa(cb) | FIELD_PREP(AMDVI_RING_LEN, 9ULL));
	amdvi_writeq(u, AMDVI_EVTLOG_BASE, amdvi_pa(el) | FIELD_PREP(AMDVI_RING_LEN, 9ULL));
	amdvi_writeq(u, AMDVI_CMD_HEAD, 0x40);
	amdvi_writeq(u, AMDVI_CMD_TAIL, 0x40);
	amdvi_ctrl_update(u, AMDVI_CTRL_IOMMU_EN | AMDVI_CTRL_CMDBUF_EN | AMDVI_CTRL_EVTLOG_EN, 0);
	u->taken_over = false;
	report(amdvi_unit_enable(u) == 0, "the driver brings the unit up again");
	report(u->taken_over, "it saw the unit enabled");
	report((amdvi_readq(u, AMDVI_DEVTAB_BASE) & AMDVI_BASE_ADDR) == amdvi_pa(u->devtab) &&
	       amdvi_pa(u->devtab) != amdvi_pa(dt), "its own device table is installed");
	report(amdvi_readq(u, AMDVI_CMD_HEAD) == amdvi_readq(u, AMDVI_CMD_TAIL) &&
	       amdvi_cmd_sync(u) == 0, "its own ring runs");
	if (!dma_edu_open(&e, 0)) {
		if (!dma_buf_alloc(&b, 0)) {
			dma_edu_load(&e, &b, DMA_IOVA_A, 64, 13);
			memset(b.va, 0, PAGE_SIZE);
			dma_map(&e.d, DMA_IOVA_B, b.pa, PAGE_SIZE, RW);
			edu_dma_from_dev(&e.edu, DMA_IOVA_B, 0, 64);
			report(dma_check(b.va, 64, 13), "DMA is translated through the new tables");
			dma_unmap(&e.d, DMA_IOVA_B, PAGE_SIZE);
			dma_buf_free(&b);
		}
		dma_edu_close(&e);
	}
out:
	page_free_va(dt, 9);
	page_free_va(cb, 1);
	page_free_va(el, 1);
}

/* Append an IVMD (type 21h, one device) to a copy of this machine's IVRS. */
static void *ivrs_with_ivmd(u16 devid, u64 start, u64 len, u8 flags, size_t *size)
{
	const struct acpi_header *h = acpi_find("IVRS", 0);
	u8 *t, sum = 0;

	if (!h)
		return NULL;
	*size = h->length + 32;
	t = kzalloc(*size);
	if (!t)
		return NULL;
	memcpy(t, h, h->length);
	t[h->length] = 0x21;
	t[h->length + 1] = flags;
	t[h->length + 2] = 32;		/* length */
	t[h->length + 4] = (u8)devid;
	t[h->length + 5] = (u8)(devid >> 8);
	memcpy(t + h->length + 16, &start, 8);
	memcpy(t + h->length + 24, &len, 8);
	((struct acpi_header *)t)->length = (u32)*size;
	((struct acpi_header *)t)->checksum = 0;
	for (size_t i = 0; i < *size; i++)
		sum += t[i];
	((struct acpi_header *)t)->checksum = (u8)-sum;
	return t;
}

/*
 * QEMU's IVRS has no IVMD: this test adds one for the edu (a fixture) and
 * checks the unity range is identity-mapped in any domain the device
 * joins, reported as a direct reserved region, and reachable by DMA.
 */
KTEST_NEEDS(amdvi, test_amdvi_unity_range_from_fixture_ivmd, NEEDS)
{
	const struct ivrs_table *live = amdvi_ivrs;
	struct ivrs_table *t = kzalloc(sizeof(*t));
	struct iommu_resv_region *r;
	struct dma_buf b, s;
	struct dma_edu e;
	struct iommu_dev *dev;
	LIST_HEAD(head);
	bool direct = false;
	size_t size;
	void *raw = NULL;

	if (!t || dma_buf_alloc(&b, 1)) {
		report(false, "buffers");
		goto out_t;
	}
	dev = iommu_dev_of_pci(pci_find(EDU_VENDOR, EDU_DEVICE, 0));
	raw = ivrs_with_ivmd(dev->rid, b.pa, 2 * PAGE_SIZE, IVRS_IVMD_UNITY | IVRS_IVMD_IR |
			     IVRS_IVMD_IW, &size);
	report(raw && ivrs_parse(raw, size, t) == 0 && t->nivmd == 1,
	       "fixture IVRS with one IVMD parses");
	if (!t->valid)
		goto out_b;
	amdvi_ivrs = t;
	amdvi_release_device(dev);
	report(amdvi_probe_device(dev) == 0, "edu probed under the fixture IVRS");
	if (dma_edu_open(&e, 0))
		goto out_restore;
	if (!dma_edu_high_iova(&e)) {
		report_skip("edu clamps DMA addresses: start QEMU with its dma_mask at 64 bits");
		goto out_close;
	}
	report(iommu_iova_to_phys(e.d.dom, b.pa) == b.pa &&
	       iommu_iova_to_phys(e.d.dom, b.pa + PAGE_SIZE + 8) == b.pa + PAGE_SIZE + 8,
	       "the unity range is identity-mapped in the new domain");
	iommu_get_resv_regions(e.d.dev, &head);
	list_for_each_entry(r, &head, list)
		direct |= r->type == IOMMU_RESV_DIRECT && r->start == b.pa &&
			  r->length == 2 * PAGE_SIZE && r->prot == RW;
	iommu_put_resv_regions(&head);
	report(direct, "reported as a direct reserved region [%#llx, +8K) RW",
	       (unsigned long long)b.pa);
	if (!dma_buf_alloc(&s, 0)) {
		dma_edu_load(&e, &s, DMA_IOVA_A, 64, 17);
		memset(b.va, 0, 2 * PAGE_SIZE);
		edu_dma_from_dev(&e.edu, b.pa + PAGE_SIZE, 0, 64);
		report(dma_check(b.va + PAGE_SIZE, 64, 17), "DMA to the unity IOVA lands at the "
		       "same physical address");
		dma_buf_free(&s);
	}
out_close:
	dma_edu_close(&e);
out_restore:
	amdvi_release_device(dev);
	amdvi_ivrs = live;
	amdvi_probe_device(dev);
out_b:
	dma_buf_free(&b);
out_t:
	kfree(raw);
	kfree(t);
}
