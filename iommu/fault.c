// SPDX-License-Identifier: MIT
/*
 * The IOMMU-neutral fault API: drivers report decoded faults, tests declare
 * the faults they expect, and everything else counts as unexpected (the
 * test environment fails the running test). No hardware here; builds hosted.
 */
#include "iommu/iommu.h"
#include "lib/errno.h"
#include "lib/spinlock.h"
#include "lib/string.h"

#define LOG_SIZE 32
#define UNEXPECTED_KEEP 8

/*
 * Thread context only (see iommu_fault_report); several CPUs report and
 * drain, so fault_lock protects fs and owners. Lock order: a driver's own
 * fault/event lock -> fault_lock (drivers report while polling).
 */
static DEFINE_SPINLOCK(fault_lock);
static struct {
	struct iommu_fault_match exp[IOMMU_FAULT_MAX_EXPECT];
	int nexp;
	int hits;				/* records that matched exp[] */
	struct iommu_fault_record log[LOG_SIZE];
	int nlog;				/* logged since restart (may exceed LOG_SIZE) */
	struct iommu_fault_record unexp[UNEXPECTED_KEEP];
	int nunexp;				/* unexpected since the last drain */
	u64 total;
} fs;

static LIST_HEAD(owners);	/* struct iommu_fault_owner */

static bool fault_matches(const struct iommu_fault_match *m, const struct iommu_fault_record *f)
{
	if (m->kind != IOMMU_FAULT_KIND_ANY && m->kind != f->kind)
		return false;
	if (f->kind == IOMMU_FAULT_KIND_OVERFLOW)
		return m->kind == IOMMU_FAULT_KIND_OVERFLOW ||
		       (m->flags & IOMMU_FAULT_MATCH_ANY_SID);
	if (!(m->flags & IOMMU_FAULT_MATCH_ANY_SID) &&
	    (m->segment != f->segment || m->source_id != f->source_id))
		return false;
	if (!(m->flags & IOMMU_FAULT_MATCH_ANY_ADDR) && (m->addr ^ f->addr) >> 12)
		return false;
	if (m->reason && m->reason != f->reason)
		return false;
	if (m->access == IOMMU_FAULT_ACCESS_READ && f->write)
		return false;
	if (m->access == IOMMU_FAULT_ACCESS_WRITE && !f->write)
		return false;
	return true;
}

static void report_locked(const struct iommu_fault_record *f)
{
	bool expected = false;

	fs.total++;
	if (fs.nlog < LOG_SIZE)
		fs.log[fs.nlog] = *f;
	fs.nlog++;
	for (int i = 0; i < fs.nexp && !expected; i++)
		expected = fault_matches(&fs.exp[i], f);
	if (!expected && f->kind != IOMMU_FAULT_KIND_OVERFLOW) {
		struct iommu_fault_owner *o;

		list_for_each_entry(o, &owners, node) {
			if (o->segment == f->segment && o->source_id == f->source_id) {
				o->fn(o, f);
				return;
			}
		}
	}
	if (expected) {
		fs.hits++;
		return;
	}
	if (fs.nunexp < UNEXPECTED_KEEP)
		fs.unexp[fs.nunexp] = *f;
	fs.nunexp++;
}

void iommu_fault_report(const struct iommu_fault_record *f)
{
	spin_lock(&fault_lock);
	report_locked(f);
	spin_unlock(&fault_lock);
}

int iommu_fault_expect_match(const struct iommu_fault_match *m)
{
	int ret = 0;

	spin_lock(&fault_lock);
	if (fs.nexp >= IOMMU_FAULT_MAX_EXPECT) {
		ret = -ENOSPC;
	} else {
		if (fs.nexp == 0) {
			fs.hits = 0;
			fs.nlog = 0;
		}
		fs.exp[fs.nexp++] = *m;
	}
	spin_unlock(&fault_lock);
	return ret;
}

void iommu_fault_expect(u16 segment, u16 source_id, u64 addr, u32 reason)
{
	struct iommu_fault_match m = {
		.segment = segment, .source_id = source_id, .addr = addr, .reason = reason,
	};

	iommu_fault_expect_match(&m);
}

static void poll_unit(struct iommu_device *iommu, void *ctx)
{
	if (iommu->poll_faults)
		iommu->poll_faults(iommu);
}

static void poll_all(void)
{
	iommu_for_each_unit(poll_unit, NULL);
}

int iommu_fault_expect_done(void)
{
	int hits;

	poll_all();
	spin_lock(&fault_lock);
	hits = fs.hits;
	fs.nexp = 0;
	fs.hits = 0;
	spin_unlock(&fault_lock);
	return hits;
}

void iommu_fault_owner_add(struct iommu_fault_owner *o)
{
	spin_lock(&fault_lock);
	list_add_tail(&o->node, &owners);
	spin_unlock(&fault_lock);
}

void iommu_fault_owner_del(struct iommu_fault_owner *o)
{
	spin_lock(&fault_lock);
	list_del(&o->node);
	spin_unlock(&fault_lock);
}

void iommu_fault_poll(void)
{
	poll_all();
}

int iommu_fault_drain_unexpected(struct iommu_fault_record *out, int max)
{
	int n;

	poll_all();
	spin_lock(&fault_lock);
	n = fs.nunexp;
	if (out && max > 0)
		memcpy(out, fs.unexp, sizeof(*out) * (size_t)min(max, min(n, UNEXPECTED_KEEP)));
	fs.nunexp = 0;
	spin_unlock(&fault_lock);
	return n;
}

int iommu_fault_drain(void)
{
	return iommu_fault_drain_unexpected(NULL, 0);
}

int iommu_fault_records(struct iommu_fault_record *out, int max)
{
	int n;

	spin_lock(&fault_lock);
	n = fs.nlog;
	if (out && max > 0)
		memcpy(out, fs.log, sizeof(*out) * (size_t)min(max, min(n, LOG_SIZE)));
	spin_unlock(&fault_lock);
	return n;
}

int iommu_fault_expect_active(void)
{
	return fs.nexp;
}

void iommu_fault_expect_reset(void)
{
	spin_lock(&fault_lock);
	fs.nexp = 0;
	fs.hits = 0;
	spin_unlock(&fault_lock);
}

u64 iommu_fault_total(void)
{
	return READ_ONCE(fs.total);
}
