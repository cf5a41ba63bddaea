// SPDX-License-Identifier: MIT
/*
 * The platform services the drivers' probe paths call, for hosted tests of
 * whole drivers (test-vtd, test-amdvi): ACPI tables, command line, PCI,
 * ioremap, interrupt vectors and MSI. Tests set them up (platform_stubs.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "boot/bootinfo.h"
#include "arch/x86/console.h"
#include "arch/x86/lapic.h"
#include "arch/x86/mm.h"
#include "iommu/acpi_live.h"
#include "tests/host/platform_stubs.h"

const struct dmar_table *host_dmar;
const struct ivrs_table *host_ivrs;
struct pci_dev *host_pci_devs;
int host_pci_ndevs;

const struct dmar_table *dmar_live(void)
{
	return host_dmar;
}

const struct ivrs_table *ivrs_live(void)
{
	return host_ivrs;
}

bool running_under_qemu(void)
{
	return false;
}

struct boot_info boot_info;

void host_set_cmdline(const char *line)
{
	snprintf(boot_info.cmdline, sizeof(boot_info.cmdline), "%s", line ? line : "");
}

/* --- PCI --- */

struct pci_dev *pci_find_bdf(u16 seg, u16 bdf)
{
	for (int i = 0; i < host_pci_ndevs; i++)
		if (host_pci_devs[i].seg == seg && pci_bdf(&host_pci_devs[i]) == bdf)
			return &host_pci_devs[i];
	return NULL;
}

static void cfg_rw(const struct pci_dev *d, u16 off, void *v, size_t n, bool write)
{
	if (!d->cfg || off + n > 4096) {
		if (!write)
			memset(v, 0xff, n);
		return;
	}
	if (write)
		memcpy((u8 *)d->cfg + off, v, n);
	else
		memcpy(v, (const u8 *)d->cfg + off, n);
}

u16 pci_read16(const struct pci_dev *d, u16 off)
{
	u16 v;

	cfg_rw(d, off, &v, 2, false);
	return v;
}

u32 pci_read32(const struct pci_dev *d, u16 off)
{
	u32 v;

	cfg_rw(d, off, &v, 4, false);
	return v;
}

void pci_write16(const struct pci_dev *d, u16 off, u16 v)
{
	cfg_rw(d, off, &v, 2, true);
}

void pci_write32(const struct pci_dev *d, u16 off, u32 v)
{
	cfg_rw(d, off, &v, 4, true);
}

int pci_msi_enable(struct pci_dev *d, u64 addr, u32 data)
{
	return d->cap_msi ? 0 : -1;
}

void pci_msi_disable(struct pci_dev *d)
{
}

/* --- MMIO windows --- */

static struct {
	phys_addr_t pa;
	void *va;
	size_t len;
} windows[16];
static int nwindows;

void host_mmio_add(phys_addr_t pa, void *va, size_t len)
{
	if (nwindows == (int)ARRAY_SIZE(windows))
		abort();
	windows[nwindows].pa = pa;
	windows[nwindows].va = va;
	windows[nwindows++].len = len;
}

void host_mmio_reset(void)
{
	nwindows = 0;
}

void *ioremap(phys_addr_t pa, size_t len)
{
	for (int i = 0; i < nwindows; i++)
		if (windows[i].pa == pa && len <= windows[i].len)
			return windows[i].va;
	return NULL;
}

/* --- interrupts --- */

static irq_handler_t vec_fn[256];
static void *vec_ctx[256];

int irq_alloc_vector(irq_handler_t fn, void *ctx)
{
	for (int v = 0x40; v < 0xf0; v++) {
		if (!vec_fn[v]) {
			vec_fn[v] = fn;
			vec_ctx[v] = ctx;
			return v;
		}
	}
	return -1;
}

void irq_unregister(int vector)
{
	vec_fn[vector] = NULL;
}

void host_msi(u32 data)
{
	if (vec_fn[data & 0xff])
		vec_fn[data & 0xff](NULL, vec_ctx[data & 0xff]);
}

u32 lapic_id(void)
{
	return 0;
}

u64 msi_addr(u32 apic_id)
{
	return 0xfee00000ULL | apic_id << 12;
}

u32 msi_data(int vector)
{
	return (u32)vector;
}

void panic(const char *fmt, ...)
{
	fprintf(stderr, "panic: %s\n", fmt);
	abort();
}
