// SPDX-License-Identifier: MIT
/*
 * amdvi-cmd / amdvi-event on the live unit: COMPLETION_WAIT stores and the
 * IOMMU's MSI, a stopped ring, command errors and events (skipped where the
 * unit keeps no event log), takeover of an enabled unit, IVMD unity ranges.
 */
#include "arch/x86/acpi.h"
#include "arch/x86/pci.h"
#include "arch/x86/tsc.h"
#include "testdev/edu.h"
#include "iommu/acpi_live.h"
#include "iommu/amdvi/amdvi.h"
#include "iommu/iommu_init.h"
#include "iommu/ivrs.h"
#include "lib/alloc.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/kernel/core_util.h"
#include "tests/kernel/dma_util.h"
#include "tests/ktest.h"

#define NEEDS (KT_NEED_AMDVI | KT_NEED_EDU)

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
	report(poll_timeout(u->stats.evt_irqs > irqs, 5000000) == 0,
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
	u64 cmd[2], timeouts = u->stats.wait_timeouts;

	amdvi_ctrl_update(u, 0, AMDVI_CTRL_CMDBUF_EN);
	amdvi_cmd_inv_all(cmd);
	while (queued < 2 * (1 << u->cmd_len_log2) && !(ret = amdvi_cmd_queue(u, cmd)))
		queued++;
	report(ret == -EIO && queued == (1 << u->cmd_len_log2) - 1,
	       "ring full after %d commands: the next is refused (%d), not dropped", queued, ret);
	report(amdvi_cmd_sync(u) != 0, "a wait behind a stopped ring fails");
	report(u->stats.wait_timeouts == timeouts,
	       "both saw the ring stopped: neither waited for the time-out");
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
	dma_edu_done(edu_dma_from_dev(&e.edu, DMA_IOVA_HOLE, 0, 64));
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
	int queued = 0;

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
		queued += !amdvi_cmd_queue(u, cmd);
		/* processed (a wait behind it completes) or the ring stopped on it */
		amdvi_cmd_barrier(u, NULL);
		amdvi_cmd_recover(u);
	}
	spin_unlock_irqrestore(&u->evt_lock, flags);
	report(queued == 300, "300 illegal commands queued (%d)", queued);
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
			dma_edu_done(edu_dma_from_dev(&e.edu, DMA_IOVA_B, 0, 64));
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
 * QEMU's IVRS has no IVMD: this test adds one for the edu to a copy of the
 * live IVRS (a fixture; the driver is pointed at it) over memory the test
 * owns. Attach through the core maps it 1:1 before the device DMAs, the
 * IOAS reserves it, a user map over it fails, and the device reaches it.
 */
KTEST_NEEDS(amdvi, test_amdvi_unity_range_from_fixture_ivmd, NEEDS)
{
	const struct ivrs_table *live = amdvi_ivrs;
	struct ivrs_table *t = kzalloc(sizeof(*t));
	struct iommu_iova_range r[8];
	struct iommufd_device *idev;
	struct iommu_dev *dev;
	struct dma_buf b, s;
	struct dma_edu e;
	u32 dev_id, ioas, pt, num = 8;
	bool hole = false;
	void *raw = NULL;
	size_t size;
	u8 *ubuf;
	int fd, ret;

	if (!t || dma_buf_alloc(&b, 4)) {	/* 64 KiB */
		report(false, "memory for the unity range");
		goto out_t;
	}
	if (dma_edu_open_high(&e, 0))
		goto out_b;
	if (dma_buf_alloc(&s, 0))
		goto out_e;
	dma_edu_load(&e, &s, DMA_IOVA_A, 64, 17);	/* the edu buffer holds pattern 17 */
	dma_buf_free(&s);
	dma_edu_close(&e);
	dev = iommu_dev_of_pci(pci_find(EDU_VENDOR, EDU_DEVICE, 0));
	raw = ivrs_with_ivmd(dev->rid, b.pa, 0x10000, IVRS_IVMD_UNITY | IVRS_IVMD_IR |
			     IVRS_IVMD_IW, &size);
	report(raw && ivrs_parse(raw, size, t) == 0 && t->nivmd == 1,
	       "the live IVRS plus one IVMD for %s parses", dev->name);
	if (!t->valid)
		goto out_b;
	amdvi_ivrs = t;
	fd = t_open();
	iommufd_ctx_get(t_ctx(fd));
	idev = iommufd_device_bind(t_ctx(fd), dev, &dev_id);
	ioas = pt = t_ioas(fd);
	report(iommufd_device_attach(idev, &pt) == 0, "edu attached to an IOAS through the core");
	report(iommu_iova_to_phys(dev->domain, b.pa + 0x1234) == b.pa + 0x1234,
	       "the unity range is identity-mapped in its HWPT");
	t_ranges(fd, ioas, r, &num, NULL);
	for (u32 i = 0; i + 1 < num; i++)
		hole |= r[i].last < b.pa && r[i + 1].start > b.pa + 0xffff;
	report(hole, "the IOAS's usable ranges leave the unity range out");
	ubuf = t_buf(PAGE_SIZE);
	ret = t_map_fixed(fd, ioas, ubuf, PAGE_SIZE, b.pa);
	report(ret == -EINVAL, "IOAS_MAP over the unity range is refused (%d)", ret);
	memset(b.va, 0, 0x10000);
	e.edu.pdev = dev->bus_priv;
	if (!edu_init(&e.edu, dev->bus_priv)) {
		e.edu.dma_mask = ~0ULL;
		dma_edu_done(edu_dma_from_dev(&e.edu, b.pa + 0x8000, 0, 64));
		report(dma_check(b.va + 0x8000, 64, 17) && mem_is_zero(b.va, 0x8000),
		       "the device reaches the unity range 1:1");
		edu_fini(&e.edu);
	}
	iommufd_device_detach(idev);
	iommufd_device_unbind(idev);
	iommufd_ctx_put(t_ctx(fd));
	t_close(fd);
	t_buf_free(ubuf, PAGE_SIZE);
	amdvi_ivrs = live;
	goto out_b;
out_e:
	dma_edu_close(&e);
out_b:
	dma_buf_free(&b);
out_t:
	kfree(raw);
	kfree(t);
}
