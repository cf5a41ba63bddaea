// SPDX-License-Identifier: MIT
/*
 * AMD-Vi commands: encoders (pure), the command ring with bounded waits for
 * room and for COMPLETION_WAIT stores, command-error detection and restart.
 * Layouts: AMD IOMMU spec 2.4 (commands) and 3.4 (ring registers).
 */
#include "arch/x86/tsc.h"
#include "iommu/amdvi/amdvi.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"

#define CMD_LEN_LOG2		9	/* 512 commands, 8 KiB */
#define CMD_WAIT_TIMEOUT_US	1000000

static inline void cmd_set(u64 cmd[2], enum amdvi_cmd_op op, u64 w0, u64 w1)
{
	cmd[0] = w0 | FIELD_PREP(AMDVI_CMD_OPCODE, op);
	cmd[1] = w1;
}

void amdvi_cmd_completion_wait(u64 cmd[2], phys_addr_t store, u64 data)
{
	cmd_set(cmd, AMDVI_CMD_COMPLETION_WAIT, (store & AMDVI_CW_ADDR) | AMDVI_CW_S, data);
}

void amdvi_cmd_inv_devtab_entry(u64 cmd[2], u16 devid)
{
	cmd_set(cmd, AMDVI_CMD_INV_DEVTAB_ENTRY, FIELD_PREP(AMDVI_CMD_DEVID, devid), 0);
}

/*
 * The naturally aligned power-of-two block covering [start, last]: with
 * S=1 its size is 2^(13 + the number of 1 bits from bit 12 up) and the
 * address holds base | (size/2 - 1) above bit 12. A 4K block is S=0.
 * Blocks beyond 2^51 become "all pages".
 */
u64 amdvi_inv_range_addr(u64 start, u64 last, bool *s)
{
	int k = 12;

	if (last < start)
		last = start;
	while (k < 64 && (start >> k) != (last >> k))
		k++;
	if (k == 12) {
		*s = false;
		return start & AMDVI_INV_ADDR;
	}
	*s = true;
	if (k > 51)
		return AMDVI_INV_ALL_ADDR;
	return ((start & ~((1ULL << k) - 1)) | ((1ULL << (k - 1)) - 1)) & AMDVI_INV_ADDR;
}

void amdvi_cmd_inv_pages(u64 cmd[2], u16 domid, u64 start, u64 last, bool pde)
{
	bool s;
	u64 addr = amdvi_inv_range_addr(start, last, &s);

	cmd_set(cmd, AMDVI_CMD_INV_IOMMU_PAGES, FIELD_PREP(AMDVI_IP_DOMID, domid),
		addr | (s ? AMDVI_INV_S : 0) | (pde ? AMDVI_INV_PDE : 0));
}

void amdvi_cmd_inv_iotlb(u64 cmd[2], u16 devid, u16 qdep, u64 start, u64 last)
{
	bool s;
	u64 addr = amdvi_inv_range_addr(start, last, &s);

	/* QueueID carries the devid, as the spec recommends for PCIe ATS */
	cmd_set(cmd, AMDVI_CMD_INV_IOTLB_PAGES,
		FIELD_PREP(AMDVI_CMD_DEVID, devid) | FIELD_PREP(AMDVI_IT_MAXPEND, qdep) |
		FIELD_PREP(AMDVI_IT_QUEUEID, devid), addr | (s ? AMDVI_INV_S : 0));
}

void amdvi_cmd_inv_intr_table(u64 cmd[2], u16 devid)
{
	cmd_set(cmd, AMDVI_CMD_INV_INTR_TABLE, FIELD_PREP(AMDVI_CMD_DEVID, devid), 0);
}

void amdvi_cmd_inv_all(u64 cmd[2])
{
	cmd_set(cmd, AMDVI_CMD_INV_IOMMU_ALL, 0, 0);
}

void amdvi_ctrl_update(struct amdvi_unit *u, u64 set, u64 clear)
{
	u64 v = amdvi_readq(u, AMDVI_CONTROL);

	amdvi_writeq(u, AMDVI_CONTROL, (v & ~clear) | set);
}

void amdvi_trace(struct amdvi_unit *u, enum amdvi_trace_kind kind, u8 op, u32 arg)
{
	struct amdvi_trace_ent *e = &u->trace[u->trace_n++ % AMDVI_TRACE_LEN];

	e->kind = (u8)kind;
	e->op = op;
	e->arg = arg;
}

int amdvi_trace_read(struct amdvi_unit *u, struct amdvi_trace_ent *out, int max)
{
	u32 n = min(u->trace_n, (u32)AMDVI_TRACE_LEN);
	int c = 0;

	for (u32 i = u->trace_n - n; i < u->trace_n && c < max; i++)
		out[c++] = u->trace[i % AMDVI_TRACE_LEN];
	return c;
}

void amdvi_trace_clear(struct amdvi_unit *u)
{
	u->trace_n = 0;
}

/* The domain ID or devid a command names, for the trace. */
static u32 cmd_arg(const u64 cmd[2])
{
	switch (FIELD_GET(AMDVI_CMD_OPCODE, cmd[0])) {
	case AMDVI_CMD_INV_IOMMU_PAGES:
		return (u32)FIELD_GET(AMDVI_IP_DOMID, cmd[0]);
	case AMDVI_CMD_INV_DEVTAB_ENTRY:
	case AMDVI_CMD_INV_IOTLB_PAGES:
	case AMDVI_CMD_INV_INTR_TABLE:
		return (u32)FIELD_GET(AMDVI_CMD_DEVID, cmd[0]);
	default:
		return 0;
	}
}

static inline u32 ring_size(struct amdvi_unit *u)
{
	return AMDVI_CMD_SIZE << u->cmd_len_log2;
}

/* Bytes free in the ring; one slot always stays empty (head == tail is empty). */
static u32 ring_free(struct amdvi_unit *u)
{
	u32 head = (u32)(amdvi_readq(u, AMDVI_CMD_HEAD) & AMDVI_RING_PTR);
	u32 used = (u->cmd_tail - head) & (ring_size(u) - 1);

	return ring_size(u) - used - AMDVI_CMD_SIZE;
}

static bool cmd_stopped(struct amdvi_unit *u)
{
	return !(amdvi_readq(u, AMDVI_STATUS) & AMDVI_STS_CMDBUF_RUN);
}

/* Caller holds cmd_lock. */
static int queue_locked(struct amdvi_unit *u, const u64 cmd[2])
{
	u64 *slot;
	int ret = 0;

	if (ring_free(u) < AMDVI_CMD_SIZE) {
		u->stats.ring_full++;
		ret = poll_timeout(ring_free(u) >= AMDVI_CMD_SIZE || cmd_stopped(u),
				   u->wait_timeout_us);
		if (ret)
			return ret;	/* never "submitted" into a full ring */
		if (ring_free(u) < AMDVI_CMD_SIZE)
			return -EIO;	/* the IOMMU stopped on an earlier command */
	}
	slot = (u64 *)(u->cmdbuf + u->cmd_tail);
	slot[0] = cmd[0];
	slot[1] = cmd[1];
	u->cmd_tail = (u->cmd_tail + AMDVI_CMD_SIZE) & (ring_size(u) - 1);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* command visible before the tail */
	amdvi_writeq(u, AMDVI_CMD_TAIL, u->cmd_tail);
	u->stats.cmds[FIELD_GET(AMDVI_CMD_OPCODE, cmd[0])]++;
	amdvi_trace(u, AMDVI_TR_CMD, (u8)FIELD_GET(AMDVI_CMD_OPCODE, cmd[0]), cmd_arg(cmd));
	return ret;
}

int amdvi_cmd_queue(struct amdvi_unit *u, const u64 cmd[2])
{
	unsigned long flags;
	int ret;

	if (failpoint_hit())
		return -ETIMEDOUT;	/* as if the ring stayed full */
	spin_lock_irqsave(&u->cmd_lock, flags);
	ret = queue_locked(u, cmd);
	spin_unlock_irqrestore(&u->cmd_lock, flags);
	return ret;
}

/* Events pending in the log (a command error shows up there). */
static bool events_pending(struct amdvi_unit *u)
{
	return u->evtlog && (amdvi_readq(u, AMDVI_EVT_HEAD) & AMDVI_RING_PTR) !=
			    (amdvi_readq(u, AMDVI_EVT_TAIL) & AMDVI_RING_PTR);
}

/*
 * Every command queued before is done once the IOMMU stores our sequence
 * number. A stopped ring (illegal command on real hardware) or a command
 * error event seen meanwhile (QEMU logs and goes on) gives -EIO.
 */
int amdvi_cmd_barrier(struct amdvi_unit *u, u64 *seqp)
{
	u64 cmd[2], seq;
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&u->cmd_lock, flags);
	seq = ++u->sem_seq;
	amdvi_cmd_completion_wait(cmd, amdvi_pa((const void *)u->sem), seq);
	ret = queue_locked(u, cmd);
	spin_unlock_irqrestore(&u->cmd_lock, flags);
	if (!ret)
		ret = poll_timeout(READ_ONCE(*u->sem) >= seq || cmd_stopped(u),
				   u->wait_timeout_us);
	if (!ret && READ_ONCE(*u->sem) < seq)
		ret = -EIO;
	if (seqp)
		*seqp = seq;
	return ret;
}

int amdvi_cmd_sync(struct amdvi_unit *u)
{
	u64 seq, errors = u->stats.cmd_errors;
	unsigned long flags;
	int ret;

	ret = amdvi_cmd_barrier(u, &seq);
	if (ret == -ETIMEDOUT)
		__atomic_add_fetch(&u->stats.wait_timeouts, 1, __ATOMIC_RELAXED);
	if (events_pending(u))
		amdvi_event_poll(u);	/* counts command errors into stats */
	if (u->stats.cmd_errors != errors || (ret && cmd_stopped(u))) {
		amdvi_cmd_recover(u);
		if (!ret || ret == -ETIMEDOUT)
			ret = -EIO;
	}
	if (!ret) {
		spin_lock_irqsave(&u->cmd_lock, flags);
		u->stats.waits++;
		amdvi_trace(u, AMDVI_TR_WAIT, 0, (u32)seq);
		spin_unlock_irqrestore(&u->cmd_lock, flags);
	}
	return ret;
}

int amdvi_cmd_run(struct amdvi_unit *u, const u64 cmd[2])
{
	int ret = amdvi_cmd_queue(u, cmd);

	return ret ? ret : amdvi_cmd_sync(u);
}

int amdvi_flush_devtab_entry(struct amdvi_unit *u, u16 devid)
{
	u64 cmd[2];

	amdvi_cmd_inv_devtab_entry(cmd, devid);
	return amdvi_cmd_run(u, cmd);
}

int amdvi_flush_pages(struct amdvi_unit *u, u16 domid, u64 start, u64 last, bool pde)
{
	u64 cmd[2];

	amdvi_cmd_inv_pages(cmd, domid, start, last, pde);
	return amdvi_cmd_run(u, cmd);
}

/*
 * Without INVALIDATE_IOMMU_ALL: every device table entry, every domain
 * ID's pages and every interrupt table, queued back to back (the ring
 * waits for room as needed).
 */
int amdvi_flush_all(struct amdvi_unit *u)
{
	u64 cmd[2];
	int ret = 0;

	if (u->ia) {
		amdvi_cmd_inv_all(cmd);
		return amdvi_cmd_run(u, cmd);
	}
	for (u32 id = 0; id < AMDVI_DEVTAB_ENTRIES && !ret; id++) {
		amdvi_cmd_inv_devtab_entry(cmd, (u16)id);
		ret = amdvi_cmd_queue(u, cmd);
	}
	for (u32 id = 0; id < AMDVI_DEVTAB_ENTRIES && !ret; id++) {
		amdvi_cmd_inv_pages(cmd, (u16)id, 0, ~0ULL, true);
		ret = amdvi_cmd_queue(u, cmd);
	}
	for (u32 id = 0; id < AMDVI_DEVTAB_ENTRIES && !ret; id++) {
		amdvi_cmd_inv_intr_table(cmd, (u16)id);
		ret = amdvi_cmd_queue(u, cmd);
	}
	return ret ? ret : amdvi_cmd_sync(u);
}

/*
 * The IOMMU stopped at the command the head points to: overwrite it with a
 * harmless COMPLETION_WAIT (no store, no interrupt) and restart fetching.
 */
void amdvi_cmd_recover(struct amdvi_unit *u)
{
	unsigned long flags;
	u32 head;
	u64 *slot;

	spin_lock_irqsave(&u->cmd_lock, flags);
	if (cmd_stopped(u) && (amdvi_readq(u, AMDVI_CONTROL) & AMDVI_CTRL_CMDBUF_EN)) {
		head = (u32)(amdvi_readq(u, AMDVI_CMD_HEAD) & AMDVI_RING_PTR);
		slot = (u64 *)(u->cmdbuf + head);
		slot[0] = FIELD_PREP(AMDVI_CMD_OPCODE, AMDVI_CMD_COMPLETION_WAIT);
		slot[1] = 0;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		amdvi_ctrl_update(u, 0, AMDVI_CTRL_CMDBUF_EN);
		amdvi_ctrl_update(u, AMDVI_CTRL_CMDBUF_EN, 0);
	}
	spin_unlock_irqrestore(&u->cmd_lock, flags);
}

/* Page order of a ring of 2^len_log2 16-byte entries (command or event). */
unsigned int amdvi_ring_order(unsigned int len_log2)
{
	return len_log2 + 4 > PAGE_SHIFT ? len_log2 + 4 - PAGE_SHIFT : 0;
}

int amdvi_cmd_init(struct amdvi_unit *u)
{
	unsigned int order = amdvi_ring_order(CMD_LEN_LOG2);

	u->cmd_len_log2 = CMD_LEN_LOG2;
	u->wait_timeout_us = CMD_WAIT_TIMEOUT_US;
	u->cmdbuf = failable(page_alloc_va(order));
	/* the store target gets a page of its own: nothing else shares it */
	u->sem = failable(page_alloc_va(0));
	if (!u->cmdbuf || !u->sem) {
		amdvi_cmd_fini(u);
		return -ENOMEM;
	}
	memset(u->cmdbuf, 0, PAGE_SIZE << order);
	memset((void *)u->sem, 0, PAGE_SIZE);
	u->sem_seq = 0;
	u->cmd_tail = 0;
	amdvi_writeq(u, AMDVI_CMDBUF_BASE, amdvi_pa(u->cmdbuf) |
		     FIELD_PREP(AMDVI_RING_LEN, (u64)u->cmd_len_log2));
	amdvi_writeq(u, AMDVI_CMD_HEAD, 0);
	amdvi_writeq(u, AMDVI_CMD_TAIL, 0);
	return 0;
}

void amdvi_cmd_fini(struct amdvi_unit *u)
{
	page_free_va(u->cmdbuf, amdvi_ring_order(u->cmd_len_log2));
	page_free_va((void *)u->sem, 0);
	u->cmdbuf = NULL;
	u->sem = NULL;
}
