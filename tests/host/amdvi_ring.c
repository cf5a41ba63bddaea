// SPDX-License-Identifier: MIT
/*
 * amdvi-cmd (hosted): the command ring against the software unit: waits
 * with their own sequence numbers, a full ring, a stuck or lossy unit,
 * illegal commands that stop the ring (real hardware) or not (QEMU).
 */
#include <pthread.h>
#include "iommu/amdvi/amdvi.h"
#include "tests/host/amdvi_model.h"
#include "tests/ktest.h"
#include "lib/errno.h"

static u64 ring_entries(struct amdvi_unit *u)
{
	return 1ULL << u->cmd_len_log2;
}

/* Bug class 46: the store target sits alone in its page. */
KTEST(amdvi-cmd, test_amdvi_ring_semaphore_own_page)
{
	struct amdvi_unit *u = model_unit_create();
	uintptr_t sem = (uintptr_t)u->sem, ring = (uintptr_t)u->cmdbuf;

	report((sem & 0xfff) == 0, "semaphore page-aligned");
	report(sem + 0x1000 <= ring || sem >= ring + (AMDVI_CMD_SIZE << u->cmd_len_log2),
	       "semaphore outside the command ring");
	report(amdvi_cmd_sync(u) == 0 && *u->sem == 1, "first wait stores sequence 1");
	report(amdvi_cmd_sync(u) == 0 && *u->sem == 2, "second wait stores sequence 2");
	model_unit_destroy(u);
}

/* Bug class 46: 4x the ring of flush + wait pairs through a slow unit. */
KTEST(amdvi-cmd, test_amdvi_ring_full_waits_for_room)
{
	struct amdvi_unit *u = model_unit_create();
	struct amdvi_model *m = model_of(u);
	u64 n = 4 * ring_entries(u), seen_bad = 0, c[2];

	m->reads_per_exec = 4;	/* the unit runs slower than the driver queues */
	u->wait_timeout_us = 1000000;	/* progress needs polls: be patient under load */
	for (u64 i = 0; i < n; i++) {
		amdvi_cmd_inv_pages(c, (u16)(i + 1), 0, 0xfff, false);
		if (amdvi_cmd_queue(u, c))
			seen_bad++;
		if (i % 1000 == 999 && (amdvi_cmd_sync(u) || *u->sem != u->sem_seq))
			seen_bad++;
	}
	report(amdvi_cmd_sync(u) == 0 && *u->sem == u->sem_seq, "last wait sees its own sequence");
	report(seen_bad == 0, "every queue and wait succeeded (%llu failed)",
	       (unsigned long long)seen_bad);
	report(u->stats.ring_full > 0, "the ring filled up and the driver waited (%llu times)",
	       (unsigned long long)u->stats.ring_full);
	report(m->max_outstanding <= ring_entries(u) - 1,
	       "never more than ring size - 1 outstanding (max %llu)",
	       (unsigned long long)m->max_outstanding);
	report(model_count(u, AMDVI_CMD_INV_IOMMU_PAGES) == (int)n,
	       "every flush executed once (%d)", model_count(u, AMDVI_CMD_INV_IOMMU_PAGES));
	for (int i = 0, want = 1; i < m->nexec && i < MODEL_EXEC_LOG; i++) {
		if (FIELD_GET(AMDVI_CMD_OPCODE, m->exec[i][0]) != AMDVI_CMD_INV_IOMMU_PAGES)
			continue;
		if (FIELD_GET(AMDVI_IP_DOMID, m->exec[i][0]) != (u64)(want++ & 0xffff)) {
			report(false, "flush %d executed out of order", want - 1);
			break;
		}
	}
	model_unit_destroy(u);
}

/* A hung unit: a full ring is an error, never "submitted", and never a hang. */
KTEST(amdvi-cmd, test_amdvi_ring_stuck_unit_times_out)
{
	struct amdvi_unit *u = model_unit_create();
	struct amdvi_model *m = model_of(u);
	u64 c[2], t0;
	int ret = 0, queued = 0;

	m->stuck = true;
	amdvi_cmd_inv_all(c);
	t0 = ktest_env_ns();
	while (queued < 2 * (int)ring_entries(u) && !(ret = amdvi_cmd_queue(u, c)))
		queued++;
	report(ret == -ETIMEDOUT, "queue into a full ring -> ETIMEDOUT (%d)", ret);
	report(queued == (int)ring_entries(u) - 1, "ring held %d commands (size - 1)", queued);
	report(amdvi_cmd_sync(u) == -ETIMEDOUT && u->stats.wait_timeouts == 1,
	       "a wait behind them times out and is counted");
	/* returning at all is the bound; the figure only says how long */
	report_info("both returned after %llu ms",
		    (unsigned long long)((ktest_env_ns() - t0) / 1000000));
	m->stuck = false;
	model_run(u);
	report(amdvi_cmd_sync(u) == 0, "the unit recovers: the next wait completes");
	model_unit_destroy(u);
}

KTEST(amdvi-cmd, test_amdvi_ring_lost_store_times_out)
{
	struct amdvi_unit *u = model_unit_create();

	model_of(u)->no_store = true;
	report(amdvi_cmd_sync(u) == -ETIMEDOUT, "a wait whose store never lands -> ETIMEDOUT");
	model_of(u)->no_store = false;
	report(amdvi_cmd_sync(u) == 0 && *u->sem == 2, "the next wait sees sequence 2");
	model_unit_destroy(u);
}

/* Real hardware stops at an illegal command; the driver reports, skips it, restarts. */
KTEST(amdvi-cmd, test_amdvi_ring_illegal_command_stops_and_recovers)
{
	struct amdvi_unit *u = model_unit_create();
	struct iommu_fault_match m = {
		.kind = IOMMU_FAULT_KIND_OTHER, .reason = AMDVI_EVT_ILLEGAL_COMMAND_ERROR,
		.flags = IOMMU_FAULT_MATCH_ANY_SID | IOMMU_FAULT_MATCH_ANY_ADDR,
	};
	struct iommu_fault_record rec;
	u64 c[2];
	u32 bad_at = u->cmd_tail;

	iommu_fault_expect_match(&m);
	amdvi_cmd_inv_devtab_entry(c, 0x10);
	c[1] = 1;	/* reserved bit */
	report(amdvi_cmd_queue(u, c) == 0, "illegal command queued");
	report(!(amdvi_readq(u, AMDVI_STATUS) & AMDVI_STS_CMDBUF_RUN), "the unit stopped");
	report(amdvi_cmd_sync(u) == -EIO, "the wait behind it reports -EIO");
	report(iommu_fault_expect_done() == 1, "one ILLEGAL_COMMAND_ERROR event reported");
	report(iommu_fault_records(&rec, 1) >= 1 &&
	       rec.addr == amdvi_pa(u->cmdbuf) + bad_at, "event names the bad command's address");
	report(u->stats.cmd_errors == 1, "counted as a command error");
	report(amdvi_readq(u, AMDVI_STATUS) & AMDVI_STS_CMDBUF_RUN, "ring restarted");
	report(amdvi_cmd_sync(u) == 0 && *u->sem == u->sem_seq, "later waits complete");
	report(model_count(u, AMDVI_CMD_INV_DEVTAB_ENTRY) == 0,
	       "the bad command was replaced, never executed");
	model_unit_destroy(u);
}

/* A unit that logs the error and goes on (QEMU's way) is caught too. */
KTEST(amdvi-cmd, test_amdvi_ring_illegal_command_logged_only)
{
	struct amdvi_unit *u = model_unit_create();
	struct iommu_fault_match m = {
		.reason = AMDVI_EVT_ILLEGAL_COMMAND_ERROR,
		.flags = IOMMU_FAULT_MATCH_ANY_SID | IOMMU_FAULT_MATCH_ANY_ADDR,
	};
	u64 c[2] = { FIELD_PREP(AMDVI_CMD_OPCODE, 0xfULL), 0 };	/* no such opcode */

	model_of(u)->stop_on_illegal = false;
	iommu_fault_expect_match(&m);
	report(amdvi_cmd_run(u, c) == -EIO, "unknown opcode -> -EIO from its wait");
	report(iommu_fault_expect_done() == 1, "the event was reported");
	report(amdvi_cmd_sync(u) == 0, "next wait is clean");
	model_unit_destroy(u);
}

KTEST(amdvi-cmd, test_amdvi_ring_wraps_in_order)
{
	struct amdvi_unit *u = model_unit_create();
	struct amdvi_model *m = model_of(u);
	int bad = 0;

	for (int i = 0; i < 3 * (int)ring_entries(u); i++) {
		u64 c[2];

		amdvi_cmd_inv_devtab_entry(c, (u16)i);
		bad += amdvi_cmd_run(u, c) != 0;
	}
	report(bad == 0, "%d command + wait pairs over three wraps", 3 * (int)ring_entries(u));
	for (int i = 0, want = 0; i < m->nexec && i < MODEL_EXEC_LOG; i++) {
		if (FIELD_GET(AMDVI_CMD_OPCODE, m->exec[i][0]) != AMDVI_CMD_INV_DEVTAB_ENTRY)
			continue;
		if (FIELD_GET(AMDVI_CMD_DEVID, m->exec[i][0]) != (u64)want++) {
			bad++;
			break;
		}
	}
	report(bad == 0, "executed in submission order");
	report(u->stats.cmds[AMDVI_CMD_INV_DEVTAB_ENTRY] == 3 * ring_entries(u) &&
	       u->stats.waits == 3 * ring_entries(u), "per-opcode counters match");
	model_unit_destroy(u);
}

/* Without INVALIDATE_IOMMU_ALL every DTE and every domain is flushed instead. */
KTEST(amdvi-cmd, test_amdvi_ring_flush_all_fallback)
{
	struct amdvi_unit *u = model_unit_create();

	u->ia = true;
	report(amdvi_flush_all(u) == 0 && u->stats.cmds[AMDVI_CMD_INV_IOMMU_ALL] == 1,
	       "IASup: one INVALIDATE_IOMMU_ALL");
	u->ia = false;
	report(amdvi_flush_all(u) == 0, "no IASup: flush completes");
	report(u->stats.cmds[AMDVI_CMD_INV_DEVTAB_ENTRY] == 65536 &&
	       u->stats.cmds[AMDVI_CMD_INV_IOMMU_PAGES] == 65536 &&
	       u->stats.cmds[AMDVI_CMD_INV_INTR_TABLE] == 65536 &&
	       u->stats.cmds[AMDVI_CMD_INV_IOMMU_ALL] == 1,
	       "65536 DTE, 65536 domain and 65536 interrupt table flushes instead");
	model_unit_destroy(u);
}

struct pair_ctx {
	struct amdvi_unit *u;
	int n, bad, id;
};

static void *flush_pairs(void *p)
{
	struct pair_ctx *c = p;

	for (int i = 0; i < c->n; i++) {
		u64 cmd[2];

		amdvi_cmd_inv_pages(cmd, (u16)c->id, (u64)i << 12, ((u64)i << 12) | 0xfff, false);
		if (amdvi_cmd_queue(c->u, cmd) || amdvi_cmd_sync(c->u))
			c->bad++;
	}
	return NULL;
}

/* Bug class 46: four threads, 4x the ring of flush + wait pairs, a slow unit. */
KTEST(amdvi-cmd, test_amdvi_ring_four_threads)
{
	struct amdvi_unit *u = model_unit_create();
	struct pair_ctx c[4];
	pthread_t t[4];
	int bad = 0, per = (int)ring_entries(u);

	model_of(u)->reads_per_exec = 3;
	u->wait_timeout_us = 1000000;
	for (int i = 0; i < 4; i++) {
		c[i] = (struct pair_ctx){ .u = u, .n = per, .id = i + 1 };
		pthread_create(&t[i], NULL, flush_pairs, &c[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		bad += c[i].bad;
	}
	report(bad == 0, "%d queue + wait pairs from 4 threads all completed (%d failed)",
	       4 * per, bad);
	report(u->stats.cmds[AMDVI_CMD_INV_IOMMU_PAGES] == 4ULL * per &&
	       u->stats.waits == 4ULL * per && *u->sem == u->sem_seq,
	       "every command counted, the last sequence stored");
	report(model_of(u)->max_outstanding <= ring_entries(u) - 1,
	       "the ring never overran (max %llu outstanding)",
	       (unsigned long long)model_of(u)->max_outstanding);
	model_unit_destroy(u);
}
