// SPDX-License-Identifier: MIT
/*
 * amdvi-event (hosted): the event log against the software unit: every
 * event decoded and reported once, the ring wrapping, overflow recovered
 * so later faults are still seen (bug class 53), bad sizes refused.
 */
#include "iommu/amdvi/amdvi.h"
#include "tests/host/amdvi_model.h"
#include "tests/ktest.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"

static u64 evt(u8 code, u16 devid, u16 domid, u16 flags)
{
	return FIELD_PREP(AMDVI_EVT_CODE, (u64)code) | FIELD_PREP(AMDVI_EVT_FLAGS, (u64)flags) |
	       FIELD_PREP(AMDVI_EVT_DOMID, (u64)domid) | devid;
}

static const struct iommu_fault_match any = {
	.flags = IOMMU_FAULT_MATCH_ANY_SID | IOMMU_FAULT_MATCH_ANY_ADDR,
};

KTEST(amdvi-event, test_amdvi_event_drain_reports_each)
{
	static const struct { u8 code; u16 devid, flags; u64 addr; u8 kind; } t[] = {
		{ AMDVI_EVT_IO_PAGE_FAULT, 0x0018, AMDVI_EVF_RW, 0x200000, IOMMU_FAULT_KIND_PAGE },
		{ AMDVI_EVT_IO_PAGE_FAULT, 0x0108, AMDVI_EVF_PE | AMDVI_EVF_PR, 0x5000,
		  IOMMU_FAULT_KIND_PAGE },
		{ AMDVI_EVT_ILLEGAL_DEV_TABLE_ENTRY, 0x0020, 0, 0x40000, IOMMU_FAULT_KIND_DEVICE },
		{ AMDVI_EVT_PAGE_TAB_HARDWARE_ERROR, 0x0018, 0, 0xfff000, IOMMU_FAULT_KIND_TABLE },
		{ AMDVI_EVT_INVALID_DEVICE_REQUEST, 0x0300, AMDVI_EVF_TR, 0x1000,
		  IOMMU_FAULT_KIND_DEVICE },
	};
	struct amdvi_unit *u = model_unit_create();
	struct iommu_fault_record rec[8];
	int n, ok = 0;

	iommu_fault_expect_match(&any);
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		model_log_event(u, evt(t[i].code, t[i].devid, 3, t[i].flags), t[i].addr);
	report(amdvi_event_poll(u) == (int)ARRAY_SIZE(t), "five events read");
	report(amdvi_event_poll(u) == 0, "a second poll finds none (each read once)");
	report(iommu_fault_expect_done() == (int)ARRAY_SIZE(t), "five fault records");
	n = iommu_fault_records(rec, 8);
	for (int i = 0; i < n && i < (int)ARRAY_SIZE(t); i++)
		ok += rec[i].source_id == t[i].devid && rec[i].addr == t[i].addr &&
		      rec[i].reason == t[i].code && rec[i].kind == t[i].kind &&
		      rec[i].write == !!(t[i].flags & AMDVI_EVF_RW);
	report(ok == (int)ARRAY_SIZE(t), "devid, address, code, kind and access as logged");
	report(u->stats.events[AMDVI_EVT_IO_PAGE_FAULT] == 2, "counted per code");
	report((amdvi_readq(u, AMDVI_EVT_HEAD) & AMDVI_RING_PTR) ==
	       (amdvi_readq(u, AMDVI_EVT_TAIL) & AMDVI_RING_PTR), "head caught up with tail");
	model_unit_destroy(u);
}

KTEST(amdvi-event, test_amdvi_event_log_wraps)
{
	struct amdvi_unit *u = model_unit_create();
	int total = 0, logged = 0;

	report(amdvi_event_resize(u, 8) == 0, "log shrunk to 256 entries");
	iommu_fault_expect_match(&any);
	for (int round = 0; round < 10; round++) {
		for (int i = 0; i < 100; i++)
			logged += model_log_event(u, evt(AMDVI_EVT_IO_PAGE_FAULT, (u16)i, 1, 0),
						  (u64)(round * 100 + i) << 12);
		total += amdvi_event_poll(u);
	}
	report(logged == 1000 && total == 1000, "1000 events through a 256-entry ring, "
	       "each read once (%d/%d)", total, logged);
	report(iommu_fault_expect_done() == 1000 && u->stats.evt_overflows == 0,
	       "1000 records, no overflow");
	model_unit_destroy(u);
}

/* Bug class 53: after an overflow the log restarts and later faults are seen. */
KTEST(amdvi-event, test_amdvi_event_overflow_recovers)
{
	struct amdvi_unit *u = model_unit_create();
	struct iommu_fault_match ovf = { .kind = IOMMU_FAULT_KIND_OVERFLOW };
	struct iommu_fault_match late = { .source_id = 0x77, .addr = 0xabc000,
					  .reason = AMDVI_EVT_IO_PAGE_FAULT };
	int logged = 0;

	report(amdvi_event_resize(u, 8) == 0, "log shrunk to 256 entries");
	iommu_fault_expect_match(&any);
	iommu_fault_expect_match(&ovf);
	for (int i = 0; i < 300; i++)
		logged += model_log_event(u, evt(AMDVI_EVT_IO_PAGE_FAULT, 0x18, 1, 0), 0x1000);
	report(logged == 255 && (amdvi_readq(u, AMDVI_STATUS) & AMDVI_STS_EVT_OVERFLOW),
	       "255 logged, then the unit overflowed");
	report(amdvi_event_poll(u) == 255, "the 255 are read");
	report(u->stats.evt_overflows == 1, "overflow seen and counted");
	report(!(amdvi_readq(u, AMDVI_STATUS) & AMDVI_STS_EVT_OVERFLOW) &&
	       (amdvi_readq(u, AMDVI_CONTROL) & AMDVI_CTRL_EVTLOG_EN) &&
	       !(amdvi_readq(u, AMDVI_EVT_HEAD) & AMDVI_RING_PTR) &&
	       !(amdvi_readq(u, AMDVI_EVT_TAIL) & AMDVI_RING_PTR),
	       "overflow cleared, log re-enabled, head = tail = 0");
	report(iommu_fault_expect_done() == 256, "255 faults + one OVERFLOW record reported");
	iommu_fault_expect_match(&late);
	report(model_log_event(u, evt(AMDVI_EVT_IO_PAGE_FAULT, 0x77, 1, 0), 0xabc000),
	       "a fault after recovery is logged");
	report(amdvi_event_poll(u) == 1 && iommu_fault_expect_done() == 1,
	       "...and reported with its devid and address");
	model_unit_destroy(u);
}

/* An overflow no test expected fails the running test: it is never silent. */
KTEST(amdvi-event, test_amdvi_event_overflow_is_unexpected_by_default)
{
	struct amdvi_unit *u = model_unit_create();
	struct iommu_fault_match pages = {
		.kind = IOMMU_FAULT_KIND_PAGE,
		.flags = IOMMU_FAULT_MATCH_ANY_SID | IOMMU_FAULT_MATCH_ANY_ADDR,
	};
	struct iommu_fault_record f;

	iommu_fault_drain();
	report(amdvi_event_resize(u, 8) == 0, "log shrunk to 256 entries");
	iommu_fault_expect_match(&pages);	/* the page faults, not the overflow */
	for (int i = 0; i < 260; i++)
		model_log_event(u, evt(AMDVI_EVT_IO_PAGE_FAULT, 0x18, 1, 0), 0x1000);
	amdvi_event_poll(u);
	iommu_fault_expect_done();
	report(iommu_fault_drain_unexpected(&f, 1) == 1 && f.kind == IOMMU_FAULT_KIND_OVERFLOW,
	       "the overflow is left over as an unexpected fault");
	model_unit_destroy(u);
}

/* A log that does not stop keeps its size: its base may not change while it runs. */
KTEST(amdvi-event, test_amdvi_event_resize_when_the_log_does_not_stop)
{
	struct amdvi_unit *u = model_unit_create();
	u64 base = amdvi_readq(u, AMDVI_EVTLOG_BASE);
	int ret;

	failpoint_arm(1);	/* the wait for EVT_RUN to clear: the only site */
	ret = amdvi_event_resize(u, 8);
	report(ret == -ETIMEDOUT && failpoint_fired(), "-ETIMEDOUT (got %d)", ret);
	failpoint_arm(0);
	report(u->evt_len_log2 == 15 && amdvi_readq(u, AMDVI_EVTLOG_BASE) == base,
	       "size and base register unchanged");
	report(amdvi_readq(u, AMDVI_CONTROL) & AMDVI_CTRL_EVTLOG_EN, "the log is enabled again");
	report(amdvi_event_resize(u, 8) == 0, "a later resize works");
	model_unit_destroy(u);
}

KTEST(amdvi-event, test_amdvi_event_resize_rejects_bad_sizes)
{
	struct amdvi_unit *u = model_unit_create();

	report(amdvi_event_resize(u, 7) == -EINVAL, "below 256 entries -> EINVAL");
	report(amdvi_event_resize(u, 16) == -EINVAL, "beyond the allocation -> EINVAL");
	report(u->evt_len_log2 == 15, "size unchanged");
	report(amdvi_event_resize(u, 9) == 0 &&
	       FIELD_GET(AMDVI_RING_LEN, amdvi_readq(u, AMDVI_EVTLOG_BASE)) == 9,
	       "512 entries programmed into the base register");
	model_unit_destroy(u);
}

/* A code the spec reserves is still reported, never dropped. */
KTEST(amdvi-event, test_amdvi_event_unknown_code_reported)
{
	struct amdvi_unit *u = model_unit_create();
	struct iommu_fault_record rec;

	iommu_fault_expect_match(&any);
	model_log_event(u, evt(0xf, 0x42, 0, 0), 0x1234000);
	report(amdvi_event_poll(u) == 1 && iommu_fault_expect_done() == 1, "reported");
	report(iommu_fault_records(&rec, 1) == 1 && rec.kind == IOMMU_FAULT_KIND_OTHER &&
	       rec.reason == 0xf && !strcmp(rec.reason_str, "UNKNOWN"),
	       "as UNKNOWN, kind OTHER, code 0xf kept");
	model_unit_destroy(u);
}
