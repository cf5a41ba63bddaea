/* SPDX-License-Identifier: MIT */
/*
 * Hosted memory model for the VT-d page-table code: table pages with a CPU
 * view and a memory view that only cache flushes update, so tests can walk
 * the tables as a non-coherent IOMMU would see them.
 */
#ifndef TESTS_HOST_VTD_MODEL_H
#define TESTS_HOST_VTD_MODEL_H

#include "iommu/vtd/vtd_pgtable.h"

/* Fake physical addresses of table pages start here. */
#define MODEL_PA_BASE	0x100000000ULL

void model_reset(void);
/* Table pages currently allocated. */
long model_pages(void);
/* Fail the n-th table allocation from now (1 = next); 0 disarms. */
void model_fail_nth(int n);
/* Cache lines written back since reset. */
long model_flushed_lines(void);
/* Lines whose CPU view differs from memory (stores never written back). */
long model_dirty_lines(void);
/*
 * Walk pt as the hardware would, through memory only: leaf pte, 0 when not
 * mapped, MODEL_WALK_BAD when the walk reached a page that is not a table.
 */
#define MODEL_WALK_BAD (~0ULL)
u64 model_hw_lookup(const struct vtd_pgtable *pt, u64 iova, size_t *pgsize);
/*
 * The qword at pa as a walker reads it: a table page's memory view (or,
 * for a coherent walker, what the CPU wrote), NULL for a model address
 * that is not an allocated table page (freed, or never one), else host
 * memory (root, context and PASID tables are pointers).
 */
u64 *model_mem(phys_addr_t pa, bool coherent);
/* A walker's atomic update of the qword at pa (A/D bits): memory and the CPU's view. */
void model_mem_or(phys_addr_t pa, u64 bits);
/*
 * The trace sequence number (vtd_trace_seq) at the last write-back of the
 * cache line holding p since model_reset, or -1 when none: every line
 * written back, table pages or not (root, context and PASID tables).
 */
long model_flush_seq(const void *p);
/* Whether the last write-backs of [p, p + len) hold what the CPU sees there now. */
bool model_flushed_as_is(const void *p, size_t len);

#endif
