// SPDX-License-Identifier: MIT
/*
 * IOMMU bring-up in the kernel: the driver the ACPI tables describe (DMAR:
 * VT-d, IVRS: AMD-Vi) or the one iommu= names, then every PCI function
 * bound as an iommu_dev to the unit that translates it (or to none).
 */
#include "iommu/iommu_init.h"
#include "iommu/iommu.h"
#include "iommu/acpi_live.h"
#include "iommu/bringup.h"
#include "arch/x86/acpi.h"
#include "boot/cmdline.h"
#include "arch/x86/console.h"
#include "arch/x86/pci.h"
#include "lib/alloc.h"
#include "lib/failpoint.h"
#include "lib/string.h"
#include "lib/warn.h"

static const struct iommu_driver_entry {
	const char *name;	/* iommu= value */
	const char *sig;	/* ACPI table that describes its units */
	int (*init)(void);	/* NULL when the driver is not built in */
} iommu_drivers[] = {
	{ "vtd", "DMAR", vtd_init },
	{ "amdvi", "IVRS", amdvi_init },
};

static const char *active;

const char *iommu_driver_name(void)
{
	return active;
}

static void start_driver(void)
{
	char want[16] = "auto";

	cmdline_get("iommu", want, sizeof(want));
	if (!strcmp(want, "off")) {
		printk("# iommu: off (iommu=off)\n");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(iommu_drivers); i++) {
		const struct iommu_driver_entry *d = &iommu_drivers[i];
		int ret;

		if (strcmp(want, "auto") && strcmp(want, d->name))
			continue;
		if (!d->init || !acpi_find(d->sig, 0)) {
			if (strcmp(want, "auto"))
				printk("# iommu: iommu=%s but %s\n", want,
				       d->init ? "no table describes it" : "the driver is not built in");
			continue;
		}
		ret = d->init();
		if (!ret) {
			active = d->name;
			printk("# iommu: %s driver started\n", d->name);
			return;
		}
		plat_warn("iommu: %s driver not started (%d)", d->name, ret);
	}
	printk("# iommu: no hardware IOMMU driver running\n");
}

struct probe_ctx {
	struct iommu_dev *dev;
	bool claimed;
};

static void probe_unit(struct iommu_device *iommu, void *p)
{
	struct probe_ctx *c = p;

	if (!c->claimed && iommu->ops && iommu->ops->probe_device)
		c->claimed = iommu->ops->probe_device(c->dev) == 0;
}

/* Every PCI function except bridges becomes an iommu_dev, claimed by a unit or not. */
static void bind_pci(void)
{
	int claimed = 0, n = 0;

	for (int i = 0; i < pci_ndevs; i++) {
		struct pci_dev *pdev = &pci_devs[i];
		struct probe_ctx c = { 0 };

		if (pdev->is_bridge)
			continue;
		c.dev = failable(kzalloc(sizeof(*c.dev)));
		if (!c.dev) {
			plat_warn("iommu: no memory for %s: not bound", pdev->name);
			continue;
		}
		c.dev->name = pdev->name;
		c.dev->segment = pdev->seg;
		c.dev->rid = pci_dma_source_id(pdev);
		c.dev->bus_priv = pdev;
		c.dev->dma_mask = ~0ULL;
		iommu_for_each_unit(probe_unit, &c);
		pdev->iommu_priv = c.dev;
		iommu_dev_register(c.dev);
		claimed += c.claimed;
		n++;
	}
	if (active)
		printk("# iommu: %d of %d PCI functions translated\n", claimed, n);
	if (active && iommu_no_dma_reason())
		printk("# iommu: no DMA translation (%s)\n", iommu_no_dma_reason());
}

struct iommu_dev *iommu_dev_of_pci(struct pci_dev *pdev)
{
	return pdev ? pdev->iommu_priv : NULL;
}

void iommu_init(void)
{
	iommu_acpi_init();	/* DMAR/IVRS parsed once, summary printed */
	iommu_bringup_snapshot();	/* registers as the firmware left them */
	start_driver();
	bind_pci();
}
