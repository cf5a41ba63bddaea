// SPDX-License-Identifier: MIT
/*
 * arch/x86/pci.h hosted: the functions a test puts in host_pci_devs, with
 * config space in memory (reads of absent space give all ones).
 */
#include <string.h>
#include "arch/host/host.h"
#include "arch/x86/pci.h"

struct pci_dev *host_pci_devs;
int host_pci_ndevs;

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

/* The extended capability list of the in-memory config space, as the kernel walks it. */
u16 pci_find_ext_cap(const struct pci_dev *d, u16 id)
{
	return pci_ext_cap_walk(d, id);
}
