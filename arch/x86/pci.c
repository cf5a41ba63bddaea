// SPDX-License-Identifier: MIT
/*
 * PCI enumeration and configuration access. ECAM (from MCFG) when present,
 * else the 0xCF8/0xCFC mechanism. Enumeration scans the root bus and the
 * buses bridges lead to (pci=all: every bus in range) and links devices to
 * their upstream bridge by bus-number ranges.
 * Layouts: PCI Local Bus 3.0 (config header, caps), PCIe 5.0 (ext caps).
 */
#include "arch/x86/pci.h"
#include "boot/bootinfo.h"
#include "boot/cmdline.h"
#include "arch/x86/acpi.h"
#include "arch/x86/console.h"
#include "arch/x86/mm.h"
#include "arch/x86/x86.h"
#include "lib/bitmap.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/spinlock.h"
#include "lib/string.h"

struct pci_dev pci_devs[PCI_MAX_DEVS];
int pci_ndevs;

static u32 cf8_addr(const struct pci_dev *d, u16 off)
{
	return 0x80000000u | (u32)d->bus << 16 | (u32)d->dev << 11 | (u32)d->fn << 8 |
	       (off & 0xfc);
}

/* The 0xcf8 address and the 0xcfc data access are one operation across CPUs. */
static DEFINE_SPINLOCK(cf8_lock);

u32 pci_read32(const struct pci_dev *d, u16 off)
{
	unsigned long f;
	u32 v;

	if (d->ecam)
		return mmio_read32(d->cfg + off);
	if (off >= 256)
		return 0xffffffff;
	spin_lock_irqsave(&cf8_lock, f);
	outl(0xcf8, cf8_addr(d, off));
	v = inl(0xcfc);
	spin_unlock_irqrestore(&cf8_lock, f);
	return v;
}

u16 pci_read16(const struct pci_dev *d, u16 off)
{
	if (d->ecam)
		return mmio_read16(d->cfg + off);
	return (u16)(pci_read32(d, off & ~3) >> ((off & 2) * 8));
}

u8 pci_read8(const struct pci_dev *d, u16 off)
{
	if (d->ecam)
		return mmio_read8(d->cfg + off);
	return (u8)(pci_read32(d, off & ~3) >> ((off & 3) * 8));
}

void pci_write32(const struct pci_dev *d, u16 off, u32 v)
{
	unsigned long f;

	if (d->ecam) {
		mmio_write32(d->cfg + off, v);
		return;
	}
	spin_lock_irqsave(&cf8_lock, f);
	outl(0xcf8, cf8_addr(d, off));
	outl(0xcfc, v);
	spin_unlock_irqrestore(&cf8_lock, f);
}

void pci_write16(const struct pci_dev *d, u16 off, u16 v)
{
	unsigned long f;

	if (d->ecam) {
		mmio_write16(d->cfg + off, v);
		return;
	}
	spin_lock_irqsave(&cf8_lock, f);
	outl(0xcf8, cf8_addr(d, off));
	outw((u16)(0xcfc + (off & 2)), v);
	spin_unlock_irqrestore(&cf8_lock, f);
}

void pci_write8(const struct pci_dev *d, u16 off, u8 v)
{
	unsigned long f;

	if (d->ecam) {
		mmio_write8(d->cfg + off, v);
		return;
	}
	spin_lock_irqsave(&cf8_lock, f);
	outl(0xcf8, cf8_addr(d, off));
	outb((u16)(0xcfc + (off & 3)), v);
	spin_unlock_irqrestore(&cf8_lock, f);
}

static const struct ecam_region *ecam_for(u16 seg, u8 bus)
{
	for (int i = 0; i < acpi.necam; i++)
		if (acpi.ecam[i].segment == seg && bus >= acpi.ecam[i].start_bus &&
		    bus <= acpi.ecam[i].end_bus)
			return &acpi.ecam[i];
	return NULL;
}

static void probe_fn(struct pci_dev *t)
{
	const struct ecam_region *e = ecam_for(t->seg, t->bus);

	t->ecam = e != NULL;
	if (e)
		t->cfg = ioremap(e->base + ((u64)(t->bus - e->start_bus) << 20) +
				 ((u64)t->dev << 15) + ((u64)t->fn << 12), 4096);
}

u8 pci_find_cap(const struct pci_dev *d, u8 id)
{
	u8 off;

	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAPS))
		return 0;
	off = pci_read8(d, PCI_CAP_PTR) & 0xfc;
	/* 48 steps at most: a looping list in broken hardware must not hang us */
	for (int i = 0; i < 48 && off >= 0x40; i++) {
		if (pci_read8(d, off) == id)
			return off;
		off = pci_read8(d, off + 1) & 0xfc;
	}
	return 0;
}

u16 pci_find_ext_cap(const struct pci_dev *d, u16 id)
{
	if (!d->ecam || !d->cap_pcie)
		return 0;
	return pci_ext_cap_walk(d, id);
}

static void size_bars(struct pci_dev *d)
{
	int nbars = d->hdr_type == 0 ? 6 : (d->hdr_type == 1 ? 2 : 0);
	u16 cmd = pci_read16(d, PCI_COMMAND);

	/* decoding off while the BARs hold all-ones */
	pci_write16(d, PCI_COMMAND, cmd & ~(PCI_CMD_IO | PCI_CMD_MEM));
	for (int i = 0; i < nbars; i++) {
		u16 off = (u16)(PCI_BAR0 + 4 * i);
		u32 lo = pci_read32(d, off), szlo, hi = 0, szhi = 0xffffffff;
		struct pci_bar *b = &d->bar[i];

		pci_write32(d, off, 0xffffffff);
		szlo = pci_read32(d, off);
		pci_write32(d, off, lo);
		if (!szlo || szlo == 0xffffffff) {
			if (!(lo & 1) && ((lo >> 1) & 3) == 2)
				i++;	/* empty 64-bit BAR still takes two slots */
			continue;
		}
		b->io = lo & 1;
		if (b->io) {
			b->base = lo & ~3u;
			b->size = (~(szlo & ~3u) + 1) & 0xffff;
			continue;
		}
		b->is64 = ((lo >> 1) & 3) == 2;
		b->prefetch = lo & 8;
		if (b->is64 && i < 5) {
			hi = pci_read32(d, off + 4);
			pci_write32(d, off + 4, 0xffffffff);
			szhi = pci_read32(d, off + 4);
			pci_write32(d, off + 4, hi);
		}
		b->base = ((u64)hi << 32) | (lo & ~0xfu);
		b->size = ~((((u64)szhi << 32) | (szlo & ~0xfu))) + 1;
		if (!b->is64)
			b->size &= 0xffffffff;
		if (b->is64)
			i++;
	}
	pci_write16(d, PCI_COMMAND, cmd);
}

static void add_device(u16 seg, u8 bus, u8 dev, u8 fn)
{
	struct pci_dev *d;
	u32 cr;

	if (pci_ndevs >= PCI_MAX_DEVS)
		return;
	d = &pci_devs[pci_ndevs];
	memset(d, 0, sizeof(*d));
	d->seg = seg;
	d->bus = bus;
	d->dev = dev;
	d->fn = fn;
	probe_fn(d);
	d->vendor = pci_read16(d, PCI_VENDOR_ID);
	if (d->vendor == 0xffff || d->vendor == 0)
		return;
	pci_ndevs++;
	d->device = pci_read16(d, 2);
	cr = pci_read32(d, PCI_CLASS_REV);
	d->rev = cr & 0xff;
	d->progif = (cr >> 8) & 0xff;
	d->subclass = (cr >> 16) & 0xff;
	d->class = cr >> 24;
	d->hdr_type = pci_read8(d, PCI_HEADER_TYPE) & 0x7f;
	d->is_bridge = d->hdr_type == 1;
	if (d->is_bridge) {
		d->secondary = pci_read8(d, PCI_SECONDARY_BUS);
		d->subordinate = pci_read8(d, PCI_SUBORDINATE_BUS);
	}
	d->cap_msi = pci_find_cap(d, PCI_CAP_MSI);
	d->cap_msix = pci_find_cap(d, PCI_CAP_MSIX);
	d->cap_pcie = pci_find_cap(d, PCI_CAP_PCIE);
	if (d->cap_pcie)
		d->pcie_type = (pci_read16(d, d->cap_pcie + 2) >> 4) & 0xf;
	d->ecap_ats = pci_find_ext_cap(d, PCI_EXT_CAP_ATS);
	snprintf(d->name, sizeof(d->name), "%04x:%02x:%02x.%x", seg, bus, dev, fn);
	size_bars(d);
}

/* The functions on seg:bus that answer, each added to pci_devs when add. */
static int scan_bus(u16 seg, u8 bus, bool add)
{
	int n = 0;

	for (u8 dev = 0; dev < 32; dev++) {
		struct pci_dev probe = { .seg = seg, .bus = bus, .dev = dev };
		u8 nfn = 1;

		probe_fn(&probe);
		if (pci_read16(&probe, PCI_VENDOR_ID) == 0xffff)
			continue;
		if (pci_read8(&probe, PCI_HEADER_TYPE) & 0x80)
			nfn = 8;
		for (u8 fn = 0; fn < nfn; fn++) {
			u16 v;

			probe.fn = fn;
			probe_fn(&probe);
			v = pci_read16(&probe, PCI_VENDOR_ID);
			if (v == 0xffff || v == 0)
				continue;
			n++;
			if (add)
				add_device(seg, bus, dev, fn);
		}
	}
	return n;
}

/*
 * The buses of first..last that a root bus or a bridge leads to, in bus
 * order (as a scan of every bus lists them). Each absent device slot costs
 * a config read and a mapping: all 256 buses were 8192 of them, a fifth of
 * a boot under TCG. pci=all scans every bus in range, for root buses that
 * only ACPI's AML names (host bridges beside the first).
 */
static void scan_range(u16 seg, int first, int last, bool all)
{
	unsigned long want[256 / BITS_PER_LONG] = { 0 }, done[256 / BITS_PER_LONG] = { 0 };
	bool progress = true;

	for (int bus = first; bus <= last; bus++)
		if (all || bus == first)
			bitmap_set_bit(want, (size_t)bus);
	while (progress) {
		progress = false;
		for (int bus = first; bus <= last; bus++) {
			int from = pci_ndevs;

			if (!bitmap_test_bit(want, (size_t)bus) || bitmap_test_bit(done, (size_t)bus))
				continue;
			bitmap_set_bit(done, (size_t)bus);
			progress = true;
			scan_bus(seg, (u8)bus, true);
			for (int i = from; i < pci_ndevs; i++)
				if (pci_devs[i].is_bridge && pci_devs[i].secondary >= first &&
				    pci_devs[i].secondary <= last)
					bitmap_set_bit(want, pci_devs[i].secondary);
		}
	}
}

static void link_parents(void)
{
	for (int i = 0; i < pci_ndevs; i++) {
		struct pci_dev *d = &pci_devs[i], *best = NULL;

		for (int j = 0; j < pci_ndevs; j++) {
			struct pci_dev *b = &pci_devs[j];

			if (!b->is_bridge || b == d || b->seg != d->seg ||
			    d->bus < b->secondary || d->bus > b->subordinate)
				continue;
			/* the closest bridge has the narrowest bus range */
			if (!best || b->subordinate - b->secondary < best->subordinate - best->secondary)
				best = b;
		}
		d->parent = best;
	}
}

/*
 * Memory BARs the firmware left unusable. One at address 0 was never
 * assigned (qboot leaves that to the OS); one over RAM would alias it.
 * An unassigned BAR of a root-bus device gets an address in the PCI hole:
 * above everything the memory map, MCFG, MADT and the assigned BARs name
 * below 4 GiB, and below 0xfec00000 where the PC's fixed chipset range
 * (IOAPIC, HPET, IOMMU registers, LAPIC, flash) starts. Any other is
 * reported once and left alone: pci_map_bar() refuses it.
 */
#define PCI_HOLE_END	0xfec00000ULL

const char *pci_bar_firmware_problem(const struct pci_bar *b)
{
	if (!b->base)
		return "unassigned by the firmware (address 0)";
	if (b->base + b->size < b->base)
		return "runs past the end of the address space";
	for (int i = 0; i < boot_info.nmmap; i++) {
		const struct mem_region *r = &boot_info.mmap[i];

		if ((r->type == MEM_USABLE || r->type == MEM_ACPI || r->type == MEM_NVS) &&
		    b->base < r->base + r->len && r->base < b->base + b->size)
			return "overlaps RAM in the firmware's memory map";
	}
	return NULL;
}

/* start, or the end of [base, base + len) when that range reaches past start inside the hole */
static u64 hole_raise(u64 start, u64 base, u64 len)
{
	return base < PCI_HOLE_END && base + len > start ? base + len : start;
}

static u64 pci_hole_start(void)
{
	u64 s = 1ULL << 20;

	for (int i = 0; i < boot_info.nmmap; i++)
		s = hole_raise(s, boot_info.mmap[i].base, boot_info.mmap[i].len);
	for (int i = 0; i < acpi.necam; i++)
		s = hole_raise(s, acpi.ecam[i].base,
			       (u64)(acpi.ecam[i].end_bus - acpi.ecam[i].start_bus + 1) << 20);
	for (int i = 0; i < acpi.nioapics; i++)
		s = hole_raise(s, acpi.ioapics[i].addr, PAGE_SIZE);
	s = hole_raise(s, acpi.madt.lapic_addr, PAGE_SIZE);
	for (int i = 0; i < pci_ndevs; i++)
		for (int k = 0; k < 6; k++) {
			const struct pci_bar *b = &pci_devs[i].bar[k];

			if (b->size && !b->io && !b->bad)
				s = hole_raise(s, b->base, b->size);
		}
	return s;
}

/* Give BAR i of root-bus device d the hole's next aligned range; false if it has none. */
static bool assign_bar(struct pci_dev *d, int i, u64 *next)
{
	struct pci_bar *b = &d->bar[i];
	u16 off = (u16)(PCI_BAR0 + 4 * i), cmd;
	u64 at;

	if (d->parent || d->bus || !is_power_of_2(b->size))
		return false;	/* behind a bridge: its window would need programming too */
	at = ALIGN(*next, b->size);
	if (at + b->size > PCI_HOLE_END)
		return false;
	cmd = pci_read16(d, PCI_COMMAND);
	pci_write16(d, PCI_COMMAND, cmd & ~PCI_CMD_MEM);
	pci_write32(d, off, (u32)at);
	if (b->is64)
		pci_write32(d, off + 4, 0);
	pci_write16(d, PCI_COMMAND, cmd);
	if ((pci_read32(d, off) & ~0xfu) != (u32)at)
		return false;
	b->base = at;
	*next = at + b->size;
	return true;
}

static void check_bars(void)
{
	u64 next;

	for (int i = 0; i < pci_ndevs; i++)
		for (int k = 0; k < 6; k++) {
			struct pci_bar *b = &pci_devs[i].bar[k];

			if (b->size && !b->io)
				b->bad = pci_bar_firmware_problem(b);
		}
	next = pci_hole_start();
	for (int i = 0; i < pci_ndevs; i++)
		for (int k = 0; k < 6; k++) {
			struct pci_dev *d = &pci_devs[i];
			struct pci_bar *b = &d->bar[k];

			if (!b->bad)
				continue;
			if (!b->base && assign_bar(d, k, &next)) {
				b->bad = NULL;
				printk("# pci: %s BAR%d unassigned by the firmware: given %#llx-%#llx\n",
				       d->name, k, (unsigned long long)b->base,
				       (unsigned long long)(b->base + b->size - 1));
			} else {
				printk("# pci: %s BAR%d not used: %s\n", d->name, k, b->bad);
			}
		}
}

void pci_init(void)
{
	char v[8] = "";
	bool all;

	all = cmdline_get("pci", v, sizeof(v)) && !strcmp(v, "all");
	if (acpi.necam) {
		for (int i = 0; i < acpi.necam; i++)
			scan_range(acpi.ecam[i].segment, acpi.ecam[i].start_bus,
				   acpi.ecam[i].end_bus, all);
	} else {
		scan_range(0, 0, 255, all);
	}
	link_parents();
	check_bars();
}

int pci_count_every_bus(void)
{
	int n = 0;

	for (int i = 0; i < acpi.necam; i++)
		for (int bus = acpi.ecam[i].start_bus; bus <= acpi.ecam[i].end_bus; bus++)
			n += scan_bus(acpi.ecam[i].segment, (u8)bus, false);
	for (int bus = 0; !acpi.necam && bus < 256; bus++)
		n += scan_bus(0, (u8)bus, false);
	return n;
}

struct pci_dev *pci_find(u16 vendor, u16 device, int n)
{
	for (int i = 0; i < pci_ndevs; i++) {
		struct pci_dev *d = &pci_devs[i];

		if ((vendor == 0xffff || d->vendor == vendor) &&
		    (device == 0xffff || d->device == device) && n-- == 0)
			return d;
	}
	return NULL;
}

struct pci_dev *pci_find_bdf(u16 seg, u16 bdf)
{
	for (int i = 0; i < pci_ndevs; i++)
		if (pci_devs[i].seg == seg && pci_bdf(&pci_devs[i]) == bdf)
			return &pci_devs[i];
	return NULL;
}

void pci_set_master(struct pci_dev *d, bool on)
{
	u16 cmd = pci_read16(d, PCI_COMMAND);

	cmd = on ? (cmd | PCI_CMD_MASTER) : (cmd & ~PCI_CMD_MASTER);
	pci_write16(d, PCI_COMMAND, cmd);
}

void pci_enable_mem(struct pci_dev *d)
{
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | PCI_CMD_MEM);
}

const char *pci_bar_problem(const struct pci_dev *d, int bar)
{
	if (bar < 0 || bar > 5 || !d->bar[bar].size)
		return "no such BAR";
	if (d->bar[bar].io)
		return "an I/O BAR";
	return d->bar[bar].bad;
}

void *pci_map_bar(struct pci_dev *d, int bar)
{
	if (pci_bar_problem(d, bar))
		return NULL;
	pci_enable_mem(d);
	return ioremap(d->bar[bar].base, d->bar[bar].size);
}

/*
 * MSI capability (PCI 3.0 6.8.1): control at +2 (enable bit 0, 64-bit bit
 * 7, per-vector mask bit 8), address at +4 (high dword at +8 when 64-bit),
 * then data, then the mask bits when per-vector masking is there.
 */
static u16 msi_data_off(const struct pci_dev *d, u16 ctrl)
{
	return (u16)(d->cap_msi + ((ctrl & PCI_MSI_64BIT) ? 12 : 8));
}

static void msi_write_msg(struct pci_dev *d, u16 ctrl, u64 addr, u32 data)
{
	pci_write32(d, d->cap_msi + 4, (u32)addr);
	if (ctrl & PCI_MSI_64BIT)
		pci_write32(d, d->cap_msi + 8, (u32)(addr >> 32));
	pci_write16(d, msi_data_off(d, ctrl), (u16)data);
}

int pci_msi_enable(struct pci_dev *d, u64 addr, u32 data)
{
	u8 c = d->cap_msi;
	u16 ctrl;

	if (!c)
		return -ENODEV;
	ctrl = pci_read16(d, c + 2);
	/* a new message is never sent half written: off while it changes */
	pci_write16(d, c + 2, ctrl & ~PCI_MSI_ENABLE);
	msi_write_msg(d, ctrl, addr, data);
	if (ctrl & PCI_MSI_PVM)
		pci_write32(d, msi_data_off(d, ctrl) + 4, 0);	/* vector 0 unmasked */
	ctrl &= ~(7u << 4);	/* one vector */
	pci_write16(d, c + 2, ctrl | PCI_MSI_ENABLE);
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | PCI_CMD_INTX_DISABLE);
	return 0;
}

void pci_msi_disable(struct pci_dev *d)
{
	if (d->cap_msi)
		pci_write16(d, d->cap_msi + 2, pci_read16(d, d->cap_msi + 2) & ~PCI_MSI_ENABLE);
}

int pci_msi_mask(struct pci_dev *d, bool masked)
{
	u16 ctrl;

	if (!d->cap_msi)
		return -ENODEV;
	ctrl = pci_read16(d, d->cap_msi + 2);
	if (!(ctrl & PCI_MSI_PVM))
		return -EOPNOTSUPP;
	pci_write32(d, msi_data_off(d, ctrl) + 4, masked ? 1 : 0);
	return 0;
}

bool pci_msi_read(const struct pci_dev *d, u64 *addr, u32 *data)
{
	u16 ctrl;

	if (!d->cap_msi)
		return false;
	ctrl = pci_read16(d, d->cap_msi + 2);
	*addr = pci_read32(d, d->cap_msi + 4);
	if (ctrl & PCI_MSI_64BIT)
		*addr |= (u64)pci_read32(d, d->cap_msi + 8) << 32;
	*data = pci_read16(d, msi_data_off(d, ctrl));
	return ctrl & PCI_MSI_ENABLE;
}

/*
 * MSI-X capability (PCI 3.0 6.8.2): control at +2 (table size - 1 in
 * 10:0, function mask bit 14, enable bit 15), table BIR/offset at +4;
 * 16-byte table entries: address low, high, data, vector control (mask).
 */
#define MSIX_CTRL_SIZE		0x07ff
#define MSIX_CTRL_MASKALL	BIT(14)
#define MSIX_CTRL_ENABLE	BIT(15)
#define MSIX_ENTRY_SIZE		16
#define MSIX_ENTRY_CTRL		12

int pci_msix_enable(struct pci_dev *d)
{
	u16 ctrl;
	u32 tbl;
	int bir;

	if (!d->cap_msix)
		return -ENODEV;
	ctrl = pci_read16(d, d->cap_msix + 2);
	tbl = pci_read32(d, d->cap_msix + 4);
	bir = (int)(tbl & 7);
	d->msix_n = (u16)((ctrl & MSIX_CTRL_SIZE) + 1);
	if (!d->msix_table) {
		if (pci_bar_problem(d, bir) ||
		    (tbl & ~7u) + (u64)d->msix_n * MSIX_ENTRY_SIZE > d->bar[bir].size)
			return -EINVAL;	/* a table outside its BAR is not touched */
		pci_enable_mem(d);
		d->msix_table = ioremap(d->bar[bir].base + (tbl & ~7u),
					(size_t)d->msix_n * MSIX_ENTRY_SIZE);
		if (!d->msix_table)
			return -ENOMEM;
	}
	/* every vector masked, then enable under the function mask */
	pci_write16(d, d->cap_msix + 2, ctrl | MSIX_CTRL_MASKALL);
	for (u16 i = 0; i < d->msix_n; i++)
		mmio_write32(d->msix_table + i * MSIX_ENTRY_SIZE + MSIX_ENTRY_CTRL, 1);
	pci_write16(d, d->cap_msix + 2, ctrl | MSIX_CTRL_MASKALL | MSIX_CTRL_ENABLE);
	pci_write16(d, d->cap_msix + 2, (ctrl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_MASKALL);
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | PCI_CMD_INTX_DISABLE);
	return d->msix_n;
}

int pci_msix_mask(struct pci_dev *d, u16 entry, bool masked)
{
	if (!d->msix_table || entry >= d->msix_n)
		return -EINVAL;
	mmio_write32(d->msix_table + entry * MSIX_ENTRY_SIZE + MSIX_ENTRY_CTRL, masked ? 1 : 0);
	return 0;
}

int pci_msix_set(struct pci_dev *d, u16 entry, u64 addr, u32 data)
{
	volatile u8 *e;

	if (!d->msix_table || entry >= d->msix_n)
		return -EINVAL;
	e = d->msix_table + entry * MSIX_ENTRY_SIZE;
	mmio_write32(e + MSIX_ENTRY_CTRL, 1);	/* masked while it changes */
	mmio_write32(e, (u32)addr);
	mmio_write32(e + 4, (u32)(addr >> 32));
	mmio_write32(e + 8, data);
	mmio_write32(e + MSIX_ENTRY_CTRL, 0);
	return 0;
}

void pci_msix_disable(struct pci_dev *d)
{
	if (!d->cap_msix)
		return;
	for (u16 i = 0; d->msix_table && i < d->msix_n; i++)
		mmio_write32(d->msix_table + i * MSIX_ENTRY_SIZE + MSIX_ENTRY_CTRL, 1);
	pci_write16(d, d->cap_msix + 2, pci_read16(d, d->cap_msix + 2) & ~MSIX_CTRL_ENABLE);
}

u16 pci_dma_source_id(const struct pci_dev *d)
{
	u16 rid = pci_bdf(d);

	/*
	 * Walk up: a PCIe-to-PCI bridge takes ownership with (secondary bus, 00.0);
	 * a conventional bridge forwards with its own ID; PCIe ports keep the ID.
	 * The alias nearest the root is what the IOMMU sees.
	 */
	for (const struct pci_dev *p = d->parent; p; p = p->parent) {
		if (!p->cap_pcie)
			rid = pci_bdf(p);
		else if (p->pcie_type == 7)	/* PCI Express to PCI/PCI-X bridge */
			rid = (u16)(p->secondary << 8);
	}
	return rid;
}
