// SPDX-License-Identifier: MIT
/*
 * soak suite (suite=soak; not in the default run): the soak engine on the
 * mock IOMMU alone, then with an edu doing DMA through whichever IOMMU is
 * here. seed= repeats a run, loops= repeats it longer, soak_seed= one test.
 */
#include "boot/cmdline.h"
#include "arch/x86/pci.h"
#include "iommu/iommu_init.h"
#include "tests/kernel/dma_util.h"
#include "tests/kernel/soak.h"
#include "tests/ktest.h"

/* The run's next seed, or soak_seed= to repeat one failing test alone. */
static u64 soak_seed(const char *test)
{
	u64 seed = cmdline_get_u64("soak_seed", 0);

	if (!seed)
		seed = ktest_rand() | 1;
	report_info("soak seed %llu (alone: suite=soak test=%s soak_seed=%llu)",
		    (unsigned long long)seed, test, (unsigned long long)seed);
	return seed;
}

static void show(const struct soak_params *p, const struct soak_stats *st)
{
	report_info("%lu ops in %u contexts: %lu failed as the model predicted, %lu DMAs, "
		    "%lu faults logged", st->ops, p->epochs, st->failed_as_predicted, st->dmas,
		    st->faults_seen);
	report(st->ops == p->ops, "%lu of %u ops ran, each one as the model predicted", st->ops,
	       p->ops);
}

KTEST_FULL(soak, test_soak_core_mock, 0, KT_NODEFAULT)
{
	struct soak_params p = {
		.seed = soak_seed("test_soak_core_mock"), .ops = 800, .epochs = 4,
	};
	struct soak_stats st = soak_run(&p);

	show(&p, &st);
}

static int edu_soak_dma(void *ctx, u64 iova, u32 len, bool to_ram)
{
	return edu_dma(ctx, iova, 0, len, to_ram);
}

KTEST_FULL(soak, test_soak_edu_dma, KT_NEED_IOMMU | KT_NEED_EDU, KT_NODEFAULT)
{
	struct pci_dev *pdev = pci_find(EDU_VENDOR, EDU_DEVICE, 0);
	struct edu edu = { 0 };
	struct soak_dev real = { .dma = edu_soak_dma, .ctx = &edu };
	struct soak_params p = {
		.seed = soak_seed("test_soak_edu_dma"), .ops = 300, .epochs = 3,
		.dma_per_mille = 50, .real = &real,
	};
	struct soak_stats st;

	real.dev = pdev ? iommu_dev_of_pci(pdev) : NULL;
	if (!real.dev || edu_init(&edu, pdev)) {
		report(false, "edu #0 translated by an IOMMU and ready");
		return;
	}
	st = soak_run(&p);
	show(&p, &st);
	edu_fini(&edu);
}
