// SPDX-License-Identifier: MIT
/*
 * AMD-Vi event log: decode (a table of event names and fault kinds), drain
 * into the fault API, overflow recovery, the event interrupt.
 * Layouts: AMD IOMMU spec 2.5 (event formats), 3.4 (log registers).
 */
#include "arch/x86/console.h"
#include "arch/x86/tsc.h"
#include "iommu/amdvi/amdvi.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"

#define EVT_LEN_LOG2		15	/* 32768 events, 512 KiB */
#define EVT_RUN_TIMEOUT_US	1000000

/* Per event code: spec name and the neutral fault kind. */
static const struct {
	const char *name;
	u8 kind;
} evt_table[AMDVI_EVT_NR_CODES] = {
	[AMDVI_EVT_ILLEGAL_DEV_TABLE_ENTRY] = { "ILLEGAL_DEV_TABLE_ENTRY", IOMMU_FAULT_KIND_DEVICE },
	[AMDVI_EVT_IO_PAGE_FAULT] = { "IO_PAGE_FAULT", IOMMU_FAULT_KIND_PAGE },
	[AMDVI_EVT_DEV_TAB_HARDWARE_ERROR] = { "DEV_TAB_HARDWARE_ERROR", IOMMU_FAULT_KIND_TABLE },
	[AMDVI_EVT_PAGE_TAB_HARDWARE_ERROR] = { "PAGE_TAB_HARDWARE_ERROR", IOMMU_FAULT_KIND_TABLE },
	[AMDVI_EVT_ILLEGAL_COMMAND_ERROR] = { "ILLEGAL_COMMAND_ERROR", IOMMU_FAULT_KIND_OTHER },
	[AMDVI_EVT_COMMAND_HARDWARE_ERROR] = { "COMMAND_HARDWARE_ERROR", IOMMU_FAULT_KIND_OTHER },
	[AMDVI_EVT_IOTLB_INV_TIMEOUT] = { "IOTLB_INV_TIMEOUT", IOMMU_FAULT_KIND_OTHER },
	[AMDVI_EVT_INVALID_DEVICE_REQUEST] = { "INVALID_DEVICE_REQUEST", IOMMU_FAULT_KIND_DEVICE },
	[AMDVI_EVT_INVALID_PPR_REQUEST] = { "INVALID_PPR_REQUEST", IOMMU_FAULT_KIND_OTHER },
	[AMDVI_EVT_EVENT_COUNTER_ZERO] = { "EVENT_COUNTER_ZERO", IOMMU_FAULT_KIND_OTHER },
	[AMDVI_EVT_GUEST_EVENT_FAULT] = { "GUEST_EVENT_FAULT", IOMMU_FAULT_KIND_OTHER },
	[AMDVI_EVT_RMP_PAGE_FAULT] = { "RMP_PAGE_FAULT", IOMMU_FAULT_KIND_PAGE },
	[AMDVI_EVT_RMP_HARDWARE_ERROR] = { "RMP_HARDWARE_ERROR", IOMMU_FAULT_KIND_TABLE },
};

const char *amdvi_event_name(unsigned int code)
{
	if (code >= AMDVI_EVT_NR_CODES || !evt_table[code].name)
		return "UNKNOWN";
	return evt_table[code].name;
}

void amdvi_event_decode(const u64 raw[2], struct amdvi_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->raw[0] = raw[0];
	ev->raw[1] = raw[1];
	ev->code = (u8)FIELD_GET(AMDVI_EVT_CODE, raw[0]);
	ev->devid = (u16)FIELD_GET(AMDVI_EVT_DEVID, raw[0]);
	ev->domid = (u16)FIELD_GET(AMDVI_EVT_DOMID, raw[0]);
	ev->flags = (u16)FIELD_GET(AMDVI_EVT_FLAGS, raw[0]);
	ev->addr = raw[1];
	ev->name = amdvi_event_name(ev->code);
}

void amdvi_event_to_fault(struct amdvi_unit *u, const struct amdvi_event *ev,
			  struct iommu_fault_record *f)
{
	memset(f, 0, sizeof(*f));
	f->iommu = u ? &u->iommu : NULL;
	f->segment = u ? u->segment : 0;
	f->source_id = ev->devid;
	f->addr = ev->addr;
	f->reason = ev->code;
	f->write = ev->flags & AMDVI_EVF_RW;
	f->reason_str = ev->name;
	f->kind = ev->code < AMDVI_EVT_NR_CODES && evt_table[ev->code].name ?
		  evt_table[ev->code].kind : IOMMU_FAULT_KIND_OTHER;
	if (ev->code == AMDVI_EVT_IO_PAGE_FAULT && (ev->flags & AMDVI_EVF_GN))
		f->pasid = ev->domid;
	if (ev->code == AMDVI_EVT_IO_PAGE_FAULT && (ev->flags & AMDVI_EVF_I)) {
		/* a blocked interrupt: addr is the MSI address, RW means nothing */
		f->kind = IOMMU_FAULT_KIND_INTR;
		f->write = false;
	}
}

static inline u32 log_size(struct amdvi_unit *u)
{
	return AMDVI_EVT_SIZE << u->evt_len_log2;
}

static void log_one(struct amdvi_unit *u, const struct amdvi_event *ev)
{
	struct iommu_fault_record f;

	u->stats.events[ev->code & (AMDVI_EVT_NR_CODES - 1)]++;
	if (ev->code == AMDVI_EVT_ILLEGAL_COMMAND_ERROR ||
	    ev->code == AMDVI_EVT_COMMAND_HARDWARE_ERROR)
		u->stats.cmd_errors++;
	u->history[u->history_n++ % ARRAY_SIZE(u->history)] = *ev;
	printk("# %s: %s devid %02x:%02x.%x domain %#x flags %#x addr %#llx\n",
	       u->name, ev->name, ev->devid >> 8, (ev->devid >> 3) & 0x1f, ev->devid & 7,
	       ev->domid, ev->flags, (unsigned long long)ev->addr);
	amdvi_event_to_fault(u, ev, &f);
	iommu_fault_report(&f);
}

/*
 * Overflow: events were dropped. Tell the fault API (a lost fault must
 * fail the test that was running), then restart the log empty.
 */
static void overflow_recover(struct amdvi_unit *u)
{
	struct iommu_fault_record f = {
		.iommu = &u->iommu, .segment = u->segment,
		.kind = IOMMU_FAULT_KIND_OVERFLOW, .reason_str = "EVENT_LOG_OVERFLOW",
	};

	u->stats.evt_overflows++;
	printk("# %s: event log overflow, events were lost; restarting the log\n", u->name);
	iommu_fault_report(&f);
	amdvi_ctrl_update(u, 0, AMDVI_CTRL_EVTLOG_EN);
	if (poll_timeout(!(amdvi_readq(u, AMDVI_STATUS) & AMDVI_STS_EVT_RUN),
			 EVT_RUN_TIMEOUT_US))
		printk("# %s: event log did not stop\n", u->name);
	amdvi_writeq(u, AMDVI_EVT_HEAD, 0);
	amdvi_writeq(u, AMDVI_EVT_TAIL, 0);
	amdvi_writeq(u, AMDVI_STATUS, AMDVI_STS_EVT_OVERFLOW);
	amdvi_ctrl_update(u, AMDVI_CTRL_EVTLOG_EN, 0);
}

int amdvi_event_poll(struct amdvi_unit *u)
{
	unsigned long flags;
	u32 head, tail, mask;
	int n = 0;

	if (!u->evtlog)
		return 0;
	spin_lock_irqsave(&u->evt_lock, flags);
	mask = log_size(u) - 1;
	u->evt_irq_pending = 0;
	amdvi_writeq(u, AMDVI_STATUS, AMDVI_STS_EVT_INT | AMDVI_STS_COMWAIT_INT);
	head = (u32)(amdvi_readq(u, AMDVI_EVT_HEAD) & AMDVI_RING_PTR);
	tail = (u32)(amdvi_readq(u, AMDVI_EVT_TAIL) & AMDVI_RING_PTR);
	while (head != tail && n <= (int)mask / AMDVI_EVT_SIZE) {
		u64 *e = (u64 *)(u->evtlog + head);
		struct amdvi_event ev;

		amdvi_event_decode(e, &ev);
		e[0] = e[1] = 0;
		head = (head + AMDVI_EVT_SIZE) & mask;
		amdvi_writeq(u, AMDVI_EVT_HEAD, head);
		log_one(u, &ev);
		n++;
		if (head == tail)
			tail = (u32)(amdvi_readq(u, AMDVI_EVT_TAIL) & AMDVI_RING_PTR);
	}
	if (amdvi_readq(u, AMDVI_STATUS) & AMDVI_STS_EVT_OVERFLOW)
		overflow_recover(u);
	spin_unlock_irqrestore(&u->evt_lock, flags);
	return n;
}

int amdvi_event_history(struct amdvi_unit *u, struct amdvi_event *out, int max)
{
	u32 total = u->history_n, keep = ARRAY_SIZE(u->history);
	u32 n = total < keep ? total : keep;
	int c = 0;

	for (u32 i = total - n; i < total && c < max; i++)
		out[c++] = u->history[i % keep];
	return c;
}

/* Program base, length and pointers with the log stopped. Caller holds evt_lock. */
static void log_program(struct amdvi_unit *u)
{
	amdvi_writeq(u, AMDVI_EVTLOG_BASE, amdvi_pa(u->evtlog) |
		     FIELD_PREP(AMDVI_RING_LEN, (u64)u->evt_len_log2));
	amdvi_writeq(u, AMDVI_EVT_HEAD, 0);
	amdvi_writeq(u, AMDVI_EVT_TAIL, 0);
	amdvi_writeq(u, AMDVI_STATUS, AMDVI_STS_EVT_OVERFLOW | AMDVI_STS_EVT_INT);
}

int amdvi_event_resize(struct amdvi_unit *u, unsigned int len_log2)
{
	unsigned long flags;
	bool on;

	if (len_log2 < AMDVI_RING_LEN_MIN || len_log2 > u->evt_alloc_log2)
		return -EINVAL;
	amdvi_event_poll(u);
	spin_lock_irqsave(&u->evt_lock, flags);
	on = amdvi_readq(u, AMDVI_CONTROL) & AMDVI_CTRL_EVTLOG_EN;
	amdvi_ctrl_update(u, 0, AMDVI_CTRL_EVTLOG_EN);
	/* the base may not change under a log that still runs: keep the old size */
	if (poll_timeout(!(amdvi_readq(u, AMDVI_STATUS) & AMDVI_STS_EVT_RUN),
			 EVT_RUN_TIMEOUT_US)) {
		if (on)
			amdvi_ctrl_update(u, AMDVI_CTRL_EVTLOG_EN, 0);
		spin_unlock_irqrestore(&u->evt_lock, flags);
		printk("# %s: event log did not stop; size unchanged\n", u->name);
		return -ETIMEDOUT;
	}
	u->evt_len_log2 = len_log2;
	memset(u->evtlog, 0, PAGE_SIZE << amdvi_ring_order(u->evt_alloc_log2));
	log_program(u);
	if (on)
		amdvi_ctrl_update(u, AMDVI_CTRL_EVTLOG_EN, 0);
	spin_unlock_irqrestore(&u->evt_lock, flags);
	return 0;
}

/*
 * Does this IOMMU write its event log? An illegal command must log
 * ILLEGAL_COMMAND_ERROR; the completion wait behind it (or the ring
 * stopping at it) says the command was processed, so no time is guessed.
 * scripts/qemu.cfg states per QEMU version what this must find.
 */
void amdvi_event_probe(struct amdvi_unit *u)
{
	u64 cmd[2], errors = u->stats.cmd_errors;
	unsigned long flags;
	bool logged;
	int ret;

	/* INVALIDATE_DEVTAB_ENTRY with a reserved bit set in word 1 */
	amdvi_cmd_inv_devtab_entry(cmd, 0);
	cmd[1] = 1;
	ret = amdvi_cmd_queue(u, cmd);
	if (!ret)
		ret = amdvi_cmd_barrier(u, NULL);
	logged = (amdvi_readq(u, AMDVI_EVT_TAIL) & AMDVI_RING_PTR) !=
		 (amdvi_readq(u, AMDVI_EVT_HEAD) & AMDVI_RING_PTR);
	if (logged) {
		printk("# %s: event log probe: works (an illegal command was logged)\n",
		       u->name);
	} else {
		u->quirks |= AMDVI_QUIRK_NO_EVENTS;
		u->iommu.no_fault_log = "its event log stays empty (QEMU 7.2 amd-iommu "
					"never writes it: an illegal command logged nothing)";
		printk("# %s: event log probe: broken (an illegal command logged nothing%s); "
		       "fault tests will skip\n", u->name,
		       ret == -ETIMEDOUT ? ", and the command ring did not answer" : "");
	}
	/* consume what the probe caused without reporting it */
	spin_lock_irqsave(&u->evt_lock, flags);
	amdvi_writeq(u, AMDVI_EVT_HEAD, amdvi_readq(u, AMDVI_EVT_TAIL) & AMDVI_RING_PTR);
	spin_unlock_irqrestore(&u->evt_lock, flags);
	amdvi_cmd_recover(u);
	u->stats.cmd_errors = errors;
}

int amdvi_event_init(struct amdvi_unit *u)
{
	u->evt_alloc_log2 = EVT_LEN_LOG2;
	u->evt_len_log2 = EVT_LEN_LOG2;
	u->evtlog = failable(page_alloc_va(amdvi_ring_order(EVT_LEN_LOG2)));
	if (!u->evtlog)
		return -ENOMEM;
	memset(u->evtlog, 0, PAGE_SIZE << amdvi_ring_order(EVT_LEN_LOG2));
	log_program(u);
	return 0;
}

void amdvi_event_fini(struct amdvi_unit *u)
{
	page_free_va(u->evtlog, amdvi_ring_order(u->evt_alloc_log2));
	u->evtlog = NULL;
}
