// SPDX-License-Identifier: MIT
/*
 * The IOMMU layer's part of the kernel test environment: which hardware
 * IOMMU and DMA devices are here, and after every test the fault drain
 * (an unexpected fault or a forgotten expectation fails that test).
 */
#include "arch/x86/console.h"
#include "arch/x86/pci.h"
#include "iommu/iommu.h"
#include "iommu/iommu_init.h"
#include "lib/string.h"
#include "tests/kernel/env.h"

#define SHOW_MAX 4

static bool has_class(u8 cls, u8 sub, u8 progif)
{
	for (int i = 0; i < pci_ndevs; i++)
		if (pci_devs[i].class == cls && pci_devs[i].subclass == sub &&
		    pci_devs[i].progif == progif)
			return true;
	return false;
}

static bool driver_is(const char *name)
{
	const char *drv = iommu_driver_name();

	return drv && !strcmp(drv, name);
}

static bool iommu_env_has(unsigned int need, const char **why)
{
	switch (need) {
	case KT_NEED_IOMMU:
		*why = iommu_driver_name() && iommu_no_dma_reason() ? iommu_no_dma_reason() :
		       "no hardware IOMMU driver is running";
		return iommu_driver_name() != NULL && !iommu_no_dma_reason();
	case KT_NEED_VTD:
		*why = "Intel VT-d is not the active IOMMU";
		return driver_is("vtd");
	case KT_NEED_AMDVI:
		*why = "AMD-Vi is not the active IOMMU";
		return driver_is("amdvi");
	case KT_NEED_NVME:
		*why = "start QEMU with -device nvme";
		return has_class(0x01, 0x08, 0x02);
	case KT_NEED_AHCI:
		*why = "no AHCI controller";
		return has_class(0x01, 0x06, 0x01);
	}
	return false;
}

static void show_fault(const char *what, const struct iommu_fault_record *f)
{
	report(false, "%s IOMMU fault: %s sid %02x:%02x.%d addr %#llx %s reason %#x (%s)", what,
	       f->iommu ? f->iommu->name : "?", f->source_id >> 8, (f->source_id >> 3) & 31,
	       f->source_id & 7, (unsigned long long)f->addr, f->write ? "write" : "read",
	       f->reason, f->reason_str ? f->reason_str : "");
}

static void iommu_env_after_test(const struct ktest *t)
{
	struct iommu_fault_record f[SHOW_MAX];
	int active = iommu_fault_expect_active(), n;

	if (active) {
		report(false, "%d fault expectation(s) left active (no iommu_fault_expect_done)",
		       active);
		iommu_fault_expect_reset();
	}
	n = iommu_fault_drain_unexpected(f, SHOW_MAX);
	for (int i = 0; i < n && i < SHOW_MAX; i++)
		show_fault("unexpected", &f[i]);
	if (n > SHOW_MAX)
		report(false, "... and %d more unexpected faults", n - SHOW_MAX);
}

static struct env_hook iommu_hook = {
	.has = iommu_env_has,
	.after_test = iommu_env_after_test,
};

void iommu_test_env_init(void)
{
	struct iommu_fault_record f[SHOW_MAX];
	int n = iommu_fault_drain_unexpected(f, SHOW_MAX);

	for (int i = 0; i < n && i < SHOW_MAX; i++)
		printk("# iommu: fault before the tests: sid %04x addr %#llx reason %#x (%s)\n",
		       f[i].source_id, (unsigned long long)f[i].addr, f[i].reason,
		       f[i].reason_str ? f[i].reason_str : "");
	env_add_hook(&iommu_hook);
}
