// SPDX-License-Identifier: MIT
/*
 * The software AMD-Vi unit behind the register hooks of struct amdvi_unit:
 * executes commands from the ring, stores COMPLETION_WAIT data, logs events,
 * remaps interrupts (spec 2.2.5) through caches, and walks the host page
 * table for a DMA (model_dma) with the A/D updates of HDSup and DTE.HAD
 * (spec 2.2.2, 2.2.7.4), which QEMU 7.2 lacks.
 */
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "tests/host/amdvi_model.h"
#include "iommu/amdvi/amdvi_caps.h"
#include "lib/errno.h"

static u64 reg(struct amdvi_model *m, u32 off)
{
	u64 v;

	memcpy(&v, m->regs + off, 8);
	return v;
}

static void set_reg(struct amdvi_model *m, u32 off, u64 v)
{
	memcpy(m->regs + off, &v, 8);
}

static void set_status(struct amdvi_model *m, u64 set, u64 clear)
{
	m->status = (m->status & ~clear) | set;
	set_reg(m, AMDVI_STATUS, m->status);
}

static u32 ring_bytes(u64 base)
{
	return AMDVI_CMD_SIZE << FIELD_GET(AMDVI_RING_LEN, base);
}

bool model_log_event(struct amdvi_unit *u, u64 w0, u64 w1)
{
	struct amdvi_model *m = u->model;
	u64 base = reg(m, AMDVI_EVTLOG_BASE);
	u32 size = ring_bytes(base);
	u32 tail = (u32)(reg(m, AMDVI_EVT_TAIL) & AMDVI_RING_PTR);
	u32 head = (u32)(reg(m, AMDVI_EVT_HEAD) & AMDVI_RING_PTR);
	u64 *slot;

	if (!(reg(m, AMDVI_CONTROL) & AMDVI_CTRL_EVTLOG_EN) ||
	    (m->status & AMDVI_STS_EVT_OVERFLOW))
		return false;
	if (((tail + AMDVI_EVT_SIZE) & (size - 1)) == head) {
		set_status(m, AMDVI_STS_EVT_OVERFLOW, 0);
		return false;
	}
	slot = (u64 *)(uintptr_t)((base & AMDVI_BASE_ADDR) + tail);
	slot[0] = w0;
	slot[1] = w1;
	set_reg(m, AMDVI_EVT_TAIL, (tail + AMDVI_EVT_SIZE) & (size - 1));
	set_status(m, AMDVI_STS_EVT_INT, 0);
	return true;
}

/* Reserved-bit checks of the commands the driver sends. */
static bool cmd_legal(const u64 c[2])
{
	switch (FIELD_GET(AMDVI_CMD_OPCODE, c[0])) {
	case AMDVI_CMD_COMPLETION_WAIT:
		return !(c[0] & GENMASK_ULL(59, 52));
	case AMDVI_CMD_INV_DEVTAB_ENTRY:
		return !(c[0] & GENMASK_ULL(59, 16)) && !c[1];
	case AMDVI_CMD_INV_IOMMU_PAGES:
		return !(c[0] & (GENMASK_ULL(31, 20) | GENMASK_ULL(59, 48))) &&
		       !(c[1] & GENMASK_ULL(11, 3));
	case AMDVI_CMD_INV_IOTLB_PAGES:
		return !(c[1] & GENMASK_ULL(11, 1));
	case AMDVI_CMD_INV_IOMMU_ALL:
		return !(c[0] & GENMASK_ULL(59, 0)) && !c[1];
	case AMDVI_CMD_INV_INTR_TABLE:
		return !(c[0] & GENMASK_ULL(59, 16)) && !c[1];
	default:
		return false;
	}
}

/* The caches an invalidation command drops (spec 2.4.2, 2.4.5, 2.4.8). */
static void cache_inval(struct amdvi_model *m, const u64 c[2])
{
	u64 op = FIELD_GET(AMDVI_CMD_OPCODE, c[0]);
	u16 devid = (u16)FIELD_GET(AMDVI_CMD_DEVID, c[0]);

	for (size_t i = 0; i < ARRAY_SIZE(m->dte_cache); i++)
		if (op == AMDVI_CMD_INV_IOMMU_ALL ||
		    (op == AMDVI_CMD_INV_DEVTAB_ENTRY && m->dte_cache[i].devid == devid))
			m->dte_cache[i].valid = false;
	for (size_t i = 0; i < ARRAY_SIZE(m->irte_cache); i++)
		if (op == AMDVI_CMD_INV_IOMMU_ALL ||
		    (op == AMDVI_CMD_INV_INTR_TABLE && m->irte_cache[i].devid == devid))
			m->irte_cache[i].valid = false;
}

/* Execute up to max commands (-1: all). */
static void run(struct amdvi_unit *u, int max)
{
	struct amdvi_model *m = u->model;
	u64 base = reg(m, AMDVI_CMDBUF_BASE);
	u32 size = ring_bytes(base);
	u32 head = (u32)(reg(m, AMDVI_CMD_HEAD) & AMDVI_RING_PTR);
	u32 tail = (u32)(reg(m, AMDVI_CMD_TAIL) & AMDVI_RING_PTR);
	u64 outstanding = ((tail - head) & (size - 1)) / AMDVI_CMD_SIZE;

	if (outstanding > m->max_outstanding)
		m->max_outstanding = outstanding;
	if (m->stuck || !(reg(m, AMDVI_CONTROL) & AMDVI_CTRL_CMDBUF_EN) ||
	    !(m->status & AMDVI_STS_CMDBUF_RUN))
		return;
	while (head != tail && max--) {
		u64 *c = (u64 *)(uintptr_t)((base & AMDVI_BASE_ADDR) + head);

		if (!cmd_legal(c)) {
			m->illegal++;
			model_log_event(u, FIELD_PREP(AMDVI_EVT_CODE,
						      (u64)AMDVI_EVT_ILLEGAL_COMMAND_ERROR),
					(base & AMDVI_BASE_ADDR) + head);
			if (m->stop_on_illegal) {
				set_status(m, 0, AMDVI_STS_CMDBUF_RUN);
				break;	/* head stays on the bad command */
			}
		} else if (FIELD_GET(AMDVI_CMD_OPCODE, c[0]) == AMDVI_CMD_COMPLETION_WAIT &&
			   (c[0] & AMDVI_CW_S) && !m->no_store) {
			*(u64 *)(uintptr_t)(c[0] & AMDVI_CW_ADDR) = c[1];
		} else {
			cache_inval(m, c);
		}
		if (m->nexec < MODEL_EXEC_LOG) {
			m->exec[m->nexec][0] = c[0];
			m->exec[m->nexec][1] = c[1];
		}
		m->nexec++;
		head = (head + AMDVI_CMD_SIZE) & (size - 1);
		set_reg(m, AMDVI_CMD_HEAD, head);
	}
}

/* The unit executes from whichever thread pokes it: one at a time. */
static DEFINE_SPINLOCK(model_lock);

static void run_locked(struct amdvi_unit *u, int max)
{
	spin_lock(&model_lock);
	run(u, max);
	spin_unlock(&model_lock);
}

void model_run(struct amdvi_unit *u)
{
	run_locked(u, -1);
}

static void on_write(struct amdvi_unit *u, u32 off, u64 v)
{
	struct amdvi_model *m = u->model;

	switch (off) {
	case AMDVI_STATUS:	/* write 1 to clear; the rest is read-only */
		set_status(m, 0, v & AMDVI_STS_W1C);
		break;
	case AMDVI_CONTROL:
		m->iommu_disables += (m->last_ctrl & AMDVI_CTRL_IOMMU_EN) && !(v & AMDVI_CTRL_IOMMU_EN);
		m->last_ctrl = v;
		set_status(m, (v & AMDVI_CTRL_EVTLOG_EN) ? AMDVI_STS_EVT_RUN : 0,
			   (v & AMDVI_CTRL_EVTLOG_EN) ? 0 : AMDVI_STS_EVT_RUN);
		/* CmdBufEn 0 -> 1 restarts fetching at the head */
		set_status(m, (v & AMDVI_CTRL_CMDBUF_EN) ? AMDVI_STS_CMDBUF_RUN : 0,
			   (v & AMDVI_CTRL_CMDBUF_EN) ? 0 : AMDVI_STS_CMDBUF_RUN);
		if (!m->reads_per_exec)
			model_run(u);
		break;
	case AMDVI_CMD_TAIL:
		if (!m->reads_per_exec)
			model_run(u);
		break;
	}
}

static void on_read(struct amdvi_unit *u, u32 off)
{
	struct amdvi_model *m = u->model;

	if ((off == AMDVI_CMD_HEAD || off == AMDVI_STATUS) && m->reads_per_exec &&
	    __atomic_add_fetch(&m->reads, 1, __ATOMIC_RELAXED) % m->reads_per_exec == 0)
		run_locked(u, 1);
}

int model_count(struct amdvi_unit *u, int op)
{
	struct amdvi_model *m = u->model;
	int n = 0;

	for (int i = 0; i < m->nexec && i < MODEL_EXEC_LOG; i++)
		n += FIELD_GET(AMDVI_CMD_OPCODE, m->exec[i][0]) == (u64)op;
	return n;
}

struct amdvi_unit *model_unit_create(void)
{
	struct amdvi_unit *u = kzalloc(sizeof(*u));
	struct amdvi_model *m = kzalloc(sizeof(*m));

	if (!u || !m)
		goto err;
	m->stop_on_illegal = true;
	u->model = m;
	u->mmio = m->regs;
	u->mmio_write_hook = on_write;
	u->mmio_read_hook = on_read;
	u->name[0] = 'm';
	u->irq_vector = -1;
	spin_lock_init(&u->cmd_lock);
	spin_lock_init(&u->evt_lock);
	if (amdvi_cmd_init(u))
		goto err;
	if (amdvi_event_init(u)) {
		amdvi_cmd_fini(u);
		goto err;
	}
	u->wait_timeout_us = 20000;
	amdvi_ctrl_update(u, AMDVI_CTRL_EVTLOG_EN | AMDVI_CTRL_CMDBUF_EN | AMDVI_CTRL_IOMMU_EN, 0);
	return u;
err:
	kfree(m);
	kfree(u);
	return NULL;
}

void model_unit_destroy(struct amdvi_unit *u)
{
	if (!u)
		return;
	amdvi_event_fini(u);
	amdvi_cmd_fini(u);
	kfree(u->model);
	kfree(u);
}

/*
 * One DMA of devid to iova through the unit's DTE and host page table, as
 * the hardware walks it: 0 and *pa, or -EFAULT where it would log a fault.
 * DTE.HAD bit 7 asks for A updates, HAD 11b for D too on a write, which
 * the unit makes only with EFR.HDSup; the D bit goes into the leaf entry
 * the walk ends at (for a run of next-level-7 entries, the one indexed).
 */
int model_dma(struct amdvi_unit *u, u16 devid, u64 iova, bool write, phys_addr_t *pa)
{
	const u64 *dte = u->devtab + 4 * devid;
	int levels = (int)FIELD_GET(AMDVI_DTE0_MODE, dte[0]);
	u64 had = FIELD_GET(AMDVI_DTE0_HAD, dte[0]);
	u64 perm = write ? AMDVI_PTE_IW : AMDVI_PTE_IR;
	u64 *t = amdvi_va(dte[0] & AMDVI_DTE0_PT_ROOT);

	if (!(dte[0] & AMDVI_DTE0_V) || !(dte[0] & AMDVI_DTE0_TV) || !levels ||
	    !(dte[0] & (write ? AMDVI_DTE0_IW : AMDVI_DTE0_IR)))
		return -EFAULT;
	for (int l = levels; l >= 1; l--) {
		u64 *p = &t[(iova >> (12 + 9 * (l - 1))) & (AMDVI_PT_ENTRIES - 1)];
		u64 pte = *p, next = FIELD_GET(AMDVI_PTE_NEXT, pte), size;

		if (!(pte & AMDVI_PTE_PR) || !(pte & perm))
			return -EFAULT;
		if (next != 0 && next != AMDVI_PTE_NEXT_SIZE) {
			t = amdvi_va(pte & AMDVI_PTE_ADDR);
			continue;
		}
		size = amdvi_pte_leaf_size(pte, l);
		if (had & 1)
			pte |= AMDVI_PTE_A;
		if (write && had == 3 && amdvi_efr(u->efr, AMDVI_EFR_HDSUP))
			pte |= AMDVI_PTE_D;
		*p = pte;
		*pa = ((pte & AMDVI_PTE_ADDR) & ~(size - 1)) | (iova & (size - 1));
		return 0;
	}
	return -EFAULT;
}

/* --- interrupt remapping (spec 2.2.5) --- */

static const u64 *cached_dte(struct amdvi_model *m, u16 devid)
{
	const u64 *mem = (const u64 *)(uintptr_t)(reg(m, AMDVI_DEVTAB_BASE) & AMDVI_BASE_ADDR);
	u32 slot;

	for (size_t i = 0; i < ARRAY_SIZE(m->dte_cache); i++)
		if (m->dte_cache[i].valid && m->dte_cache[i].devid == devid)
			return m->dte_cache[i].dte;
	slot = m->cache_next++ % ARRAY_SIZE(m->dte_cache);
	m->dte_cache[slot].valid = true;
	m->dte_cache[slot].devid = devid;
	memcpy(m->dte_cache[slot].dte, mem + 4 * (size_t)devid, 32);
	return m->dte_cache[slot].dte;
}

static const u64 *cached_irte(struct amdvi_model *m, u16 devid, u16 index, u64 table, bool ga)
{
	u32 slot;

	for (size_t i = 0; i < ARRAY_SIZE(m->irte_cache); i++)
		if (m->irte_cache[i].valid && m->irte_cache[i].devid == devid &&
		    m->irte_cache[i].index == index)
			return m->irte_cache[i].raw;
	slot = m->cache_next++ % ARRAY_SIZE(m->irte_cache);
	m->irte_cache[slot].valid = true;
	m->irte_cache[slot].devid = devid;
	m->irte_cache[slot].index = index;
	if (ga) {
		memcpy(m->irte_cache[slot].raw, (const u64 *)(uintptr_t)table + 2 * index, 16);
	} else {
		m->irte_cache[slot].raw[0] = ((const u32 *)(uintptr_t)table)[index];
		m->irte_cache[slot].raw[1] = 0;
	}
	return m->irte_cache[slot].raw;
}

/* Target abort; an IO_PAGE_FAULT with I=1 unless suppressed. */
static struct model_intr blocked(struct amdvi_unit *u, u16 devid, const u64 *dte, u64 addr,
				 u16 flags, bool suppress)
{
	struct amdvi_model *m = u->model;
	struct model_intr r = { .delivered = false };

	if (suppress || (dte && (dte[1] & AMDVI_DTE1_SA)))
		return r;
	r.flags = flags | AMDVI_EVF_I;
	m->intr_events++;
	model_log_event(u, FIELD_PREP(AMDVI_EVT_CODE, (u64)AMDVI_EVT_IO_PAGE_FAULT) |
			FIELD_PREP(AMDVI_EVT_FLAGS, (u64)r.flags) |
			FIELD_PREP(AMDVI_EVT_DOMID, dte ? dte[1] & AMDVI_DTE1_DOMID : 0) | devid, addr);
	return r;
}

struct model_intr model_interrupt(struct amdvi_unit *u, u16 devid, u64 addr, u32 data)
{
	struct amdvi_model *m = u->model;
	u64 ctrl = reg(m, AMDVI_CONTROL);
	struct model_intr r = { .delivered = true, .vector = (u8)data,
				.dest = (u32)((addr >> 12) & 0xff) };
	bool ga = ctrl & AMDVI_CTRL_GA_EN, xt = ctrl & AMDVI_CTRL_XT_EN;
	const u64 *dte, *e;
	u32 index = data & AMDVI_MSI_INDEX, len;

	if (!(ctrl & AMDVI_CTRL_IOMMU_EN))
		return r;			/* untranslated: as sent */
	dte = cached_dte(m, devid);
	if (!(dte[0] & AMDVI_DTE0_V) || !(dte[2] & AMDVI_DTE2_IV))
		return r;			/* no interrupt map: as sent */
	if ((data >> 8 & 7) > 1)
		return blocked(u, devid, dte, addr, 0, true);	/* NMI/INIT/...: no pass bits here */
	switch (FIELD_GET(AMDVI_DTE2_INTCTL, dte[2])) {
	case AMDVI_INTCTL_PASS:
		return r;
	case AMDVI_INTCTL_REMAP:
		break;
	default:				/* abort, or reserved */
		return blocked(u, devid, dte, addr, 0, false);
	}
	len = 1u << FIELD_GET(AMDVI_DTE2_INTTABLEN, dte[2]);
	if (index >= len)
		return blocked(u, devid, dte, addr, 0, false);
	e = cached_irte(m, devid, (u16)index, dte[2] & AMDVI_DTE2_INTTAB, ga);
	if (!(e[0] & AMDVI_IRTE_REMAPEN))
		return blocked(u, devid, dte, addr, 0, e[0] & AMDVI_IRTE_SUPIOPF);
	if ((e[0] & AMDVI_IRTE_GUEST) || FIELD_GET(AMDVI_IRTE_INTTYPE, e[0]) > 1 ||
	    (!ga && (e[0] & AMDVI_IRTE_RSVD)) ||
	    (ga && ((e[0] & AMDVI_GA_RSVD_LO) || (e[1] & AMDVI_GA_RSVD_HI))))
		return blocked(u, devid, dte, addr, AMDVI_EVF_RZ, false);
	if (!ga) {
		r.vector = (u8)FIELD_GET(AMDVI_IRTE_VECTOR, e[0]);
		r.dest = (u32)FIELD_GET(AMDVI_IRTE_DEST, e[0]);
		return r;
	}
	r.vector = (u8)FIELD_GET(AMDVI_GA_VECTOR, e[1]);
	r.dest = (u32)(FIELD_GET(AMDVI_GA_DEST_LO, e[0]) | FIELD_GET(AMDVI_GA_DEST_HI, e[1]) << 24);
	if (!xt && r.dest > 0xff)
		return blocked(u, devid, dte, addr, AMDVI_EVF_RZ, false);	/* 8 bits without XTEn */
	return r;
}
