// SPDX-License-Identifier: MIT
/*
 * amdvi-encode (hosted): IVMD ranges -> the identity mappings and direct
 * reserved regions the driver installs, from a real machine's IVRS (Lenovo
 * IdeaPad Slim 3, an exclusion range for 03:00.0) and synthetic IVMDs.
 */
#include <stdlib.h>
#include "iommu/amdvi/amdvi.h"
#include "iommu/ivrs.h"
#include "tests/host/hostutil.h"
#include "tests/ktest.h"

struct got {
	int n;
	u64 start[8], len[8];
	int prot[8];
};

static void collect(void *ctx, u64 start, u64 len, int prot)
{
	struct got *g = ctx;

	if (g->n < 8) {
		g->start[g->n] = start;
		g->len[g->n] = len;
		g->prot[g->n] = prot;
	}
	g->n++;
}

KTEST(amdvi-encode, test_amdvi_ivmd_from_real_ivrs_lenovo_slim3)
{
	struct ivrs_table *t = calloc(1, sizeof(*t));
	unsigned char *buf;
	struct got g = { 0 };
	u16 gpu = 0x0300, other[2] = { 0x0301, 0x0008 };
	size_t len;

	buf = host_fixture("real/lenovo-ideapad-slim3-15abr8.ivrs.bin", &len);
	if (!buf || !t)
		goto out;
	report(ivrs_parse(buf, len, t) == 0 && t->nivmd == 1, "fixture parses with one IVMD");
	report(amdvi_ivmd_ranges(t, &gpu, 1, collect, &g) == 1 && g.start[0] == 0xccd42000 &&
	       g.len[0] == 0x26000 && g.prot[0] == (IOMMU_READ | IOMMU_WRITE),
	       "03:00.0: exclusion range [0xccd42000, 0xccd67fff] kept 1:1, RW");
	g.n = 0;
	report(amdvi_ivmd_ranges(t, other, 2, collect, &g) == 0 && g.n == 0,
	       "other devices get nothing");
out:
	free(buf);
	free(t);
}

KTEST(amdvi-encode, test_amdvi_ivmd_flags_and_alignment)
{
	struct ivrs_table t = { 0 };
	struct got g = { 0 };
	u16 ids[2] = { 0x0010, 0x0018 };

	t.nivmd = 4;
	t.ivmd[0] = (struct ivrs_ivmd){ .type = 0x21, .flags = IVRS_IVMD_UNITY | IVRS_IVMD_IR,
					.first = 0x18, .last = 0x18, .start = 0x100800,
					.end = 0x101fff };
	t.ivmd[1] = (struct ivrs_ivmd){ .type = 0x22, .flags = IVRS_IVMD_IR | IVRS_IVMD_IW,
					.first = 0, .last = 0xffff, .start = 0x200000,
					.end = 0x200fff };	/* not unity: ignored */
	t.ivmd[2] = (struct ivrs_ivmd){ .type = 0x20, .flags = IVRS_IVMD_UNITY,
					.first = 0, .last = 0xffff, .start = 0x300000,
					.end = 0x300fff };	/* no permission: nothing */
	t.ivmd[3] = (struct ivrs_ivmd){ .type = 0x22, .flags = IVRS_IVMD_UNITY | IVRS_IVMD_IW,
					.first = 0x10, .last = 0x17, .start = 0x400000,
					.end = 0x400000 };
	report(amdvi_ivmd_ranges(&t, ids, 2, collect, &g) == 2, "two ranges apply");
	report(g.start[0] == 0x100000 && g.len[0] == 0x2000 && g.prot[0] == IOMMU_READ,
	       "unaligned unity range widened to whole pages, read-only");
	report(g.start[1] == 0x400000 && g.len[1] == 0x1000 && g.prot[1] == IOMMU_WRITE,
	       "a range naming the alias applies (write-only, one byte -> one page)");
}
