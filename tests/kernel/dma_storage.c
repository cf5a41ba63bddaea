// SPDX-License-Identifier: MIT
/*
 * dma suite, storage part: NVMe Identify Controller and AHCI IDENTIFY
 * DEVICE into buffers mapped through the IOMMU (any driver), and the fault
 * when the data buffer is not mapped.
 */
#include "arch/x86/mm.h"
#include "arch/x86/pci.h"
#include "testdev/ahci.h"
#include "testdev/nvme.h"
#include "lib/string.h"
#include "tests/kernel/dma_util.h"
#include "tests/ktest.h"

#define IOVA_DATA	0x20000ULL	/* identify data */
#define IOVA_UNMAPPED	0x30000ULL

/* Copy a space-padded identify string, trimmed; swap: ATA's byte-swapped words. */
static void id_string(char *out, const u8 *in, size_t n, bool swap)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++)
		out[i] = (char)in[swap ? i ^ 1 : i];
	for (size_t i = 0; i < n; i++)
		if (out[i] != ' ' && out[i] != 0)
			len = i + 1;
	out[len] = 0;
}

static bool printable(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

KTEST_NEEDS(dma, test_dma_nvme_identify_controller, KT_NEED_IOMMU | KT_NEED_NVME)
{
	struct pci_dev *p = dma_find_class(NVME_CLASS);
	struct nvme_ctrl c;
	struct dma_dev d;
	struct dma_buf b;
	char sn[21], mn[41];
	u8 *id;
	int ret;

	if (dma_dev_open(&d, p))
		return;
	if (dma_buf_alloc(&b, 2))
		goto out;
	id = b.va + 2 * PAGE_SIZE;
	dma_map(&d, IOVA_DATA, b.pa + 2 * PAGE_SIZE, PAGE_SIZE, IOMMU_WRITE);
	if (dma_nvme_up(&c, &d, &b))
		goto unmap_data;
	ret = nvme_identify(&c, NVME_CNS_CTRL, 0, IOVA_DATA);
	report(ret == 0, "Identify Controller completes (%d, status %#x)", ret, c.last_status);
	id_string(sn, id + 4, 20, false);
	id_string(mn, id + 24, 40, false);
	report_info("NVMe identify: VID %04x SN '%s' MN '%s'", *(u16 *)id, sn, mn);
	report(*(u16 *)id == p->vendor, "identify data holds the PCI vendor ID %04x", p->vendor);
	report(printable(sn) && printable(mn), "serial and model are text");
	dma_expect_page_fault(&d, IOVA_UNMAPPED, IOMMU_FAULT_ACCESS_WRITE);
	ret = nvme_identify(&c, NVME_CNS_CTRL, 0, IOVA_UNMAPPED);
	dma_fault_seen(&d, "Identify into an unmapped IOVA faults", false);
	/* QEMU 7.2 completes it with success: the fault is the only evidence */
	report_info("the command returned %d, status %#x", ret, c.last_status);
	dma_nvme_down(&c, &d);
unmap_data:
	dma_unmap(&d, IOVA_DATA, PAGE_SIZE);
	dma_buf_free(&b);
out:
	dma_dev_close(&d);
}

/*
 * Many ranges mapped, half moved elsewhere, then a DMA into every one of
 * them (the edu's 100 ms transfers allow only a sample in
 * test_dma_many_ranges; an NVMe Identify takes microseconds).
 */
KTEST_NEEDS(dma, test_dma_nvme_identify_into_each_of_many_ranges, KT_NEED_IOMMU | KT_NEED_NVME)
{
	enum { N = 32 };
	struct pci_dev *p = dma_find_class(NVME_CLASS);
	struct nvme_ctrl c;
	struct dma_dev d;
	struct dma_buf q, b;
	u64 iova[N];
	long tables = -1;
	int bad = 0, landed = 0;

	if (dma_dev_open(&d, p))
		return;
	if (dma_buf_alloc(&q, 1))
		goto out;
	if (dma_buf_alloc(&b, 6))	/* 64 pages: range i owns pages 2i, 2i + 1 */
		goto out_q;
	if (dma_nvme_up(&c, &d, &q))
		goto free;
	for (int i = 0; i < N; i++) {
		/* scattered, some crossing 2M boundaries */
		iova[i] = 0x2000000 + (u64)i * 0x5f000 + (i % 5) * PAGE_SIZE;
		bad += iommu_map(d.dom, iova[i], b.pa + 2 * i * PAGE_SIZE,
				 (1 + i % 2) * PAGE_SIZE, IOMMU_WRITE) != 0;
	}
	for (int i = 1; i < N; i += 2) {
		bad += iommu_unmap(d.dom, iova[i], 2 * PAGE_SIZE) != 2 * PAGE_SIZE;
		iova[i] += 0x4000000;
		bad += iommu_map(d.dom, iova[i], b.pa + 2 * i * PAGE_SIZE, 2 * PAGE_SIZE,
				 IOMMU_WRITE) != 0;
	}
	report(bad == 0, "%d ranges mapped, half moved elsewhere", N);
	if (d.dom->ops->table_pages)
		tables = d.dom->ops->table_pages(d.dom);
	memset(b.va, 0, b.size);
	for (int i = 0; i < N; i++)
		bad += nvme_identify(&c, NVME_CNS_CTRL, 0, iova[i] + (i % 2) * PAGE_SIZE) != 0;
	for (int i = 0; i < N; i++) {
		u8 *pg = b.va + (2 * i + i % 2) * PAGE_SIZE;

		landed += *(u16 *)pg == p->vendor;
		bad += !mem_is_zero(b.va + (2 * i + 1 - i % 2) * PAGE_SIZE, PAGE_SIZE);
	}
	report(bad == 0 && landed == N, "Identify into each of the %d ranges lands in its own "
	       "page and nowhere else (%d landed)", N, landed);
	memset(b.va, 0, b.size);
	dma_expect_page_fault(&d, iova[1] - 0x4000000, IOMMU_FAULT_ACCESS_WRITE);
	nvme_identify(&c, NVME_CNS_CTRL, 0, iova[1] - 0x4000000);
	dma_fault_seen(&d, "Identify into a range's old place faults", false);
	report(mem_is_zero(b.va, b.size), "and writes nothing");
	for (int i = 0; i < N; i++)
		bad += iommu_unmap(d.dom, iova[i], (1 + i % 2) * PAGE_SIZE) !=
		       (1 + i % 2) * PAGE_SIZE;
	report(bad == 0, "all ranges unmapped");
	if (tables >= 0)
		dma_remap_reuses_tables(d.dom, iova, N, b.pa, IOMMU_WRITE, tables);
	dma_nvme_down(&c, &d);
free:
	dma_buf_free(&b);
out_q:
	dma_buf_free(&q);
out:
	dma_dev_close(&d);
}

KTEST_NEEDS(dma, test_dma_ahci_identify_device, KT_NEED_IOMMU | KT_NEED_AHCI)
{
	struct pci_dev *p = dma_find_class(AHCI_CLASS);
	struct ahci a;
	struct dma_dev d;
	struct dma_buf b;
	char model[41];
	u8 *id;
	int ret;

	if (ahci_init(&a, p)) {
		report_skip("no device on the AHCI controller %s (add -device ide-hd)", p->name);
		return;
	}
	if (dma_dev_open(&d, p))
		return;
	if (dma_buf_alloc(&b, 1))
		goto out;
	id = b.va + PAGE_SIZE;
	memset(id, 0, AHCI_IDENTIFY_BYTES);
	dma_map(&d, DMA_IOVA_QUEUES, b.pa, PAGE_SIZE, IOMMU_READ | IOMMU_WRITE);
	dma_map(&d, IOVA_DATA, b.pa + PAGE_SIZE, PAGE_SIZE, IOMMU_WRITE);
	ret = ahci_port_start(&a, b.va, DMA_IOVA_QUEUES);
	report(ret == 0, "AHCI port %d started with its lists at an IOVA (%d)", a.port, ret);
	ret = ret ? ret : ahci_identify(&a, IOVA_DATA);
	report(ret == 0, "IDENTIFY %sDEVICE completes (%d, TFD %#x)", a.atapi ? "PACKET " : "",
	       ret, a.last_tfd);
	id_string(model, id + 54, 40, true);	/* words 27-46 */
	report_info("ATA identify: model '%s'", model);
	/* word 0 bit 15: 0 ATA, 1 ATAPI */
	report(!!(id[1] & 0x80) == a.atapi && printable(model),
	       "identify data names an %s device with a model", a.atapi ? "ATAPI" : "ATA");
	if (!ret) {
		dma_expect_page_fault(&d, IOVA_UNMAPPED, IOMMU_FAULT_ACCESS_WRITE);
		ahci_identify(&a, IOVA_UNMAPPED);
		dma_fault_seen(&d, "IDENTIFY into an unmapped IOVA faults", false);
	}
	report(ahci_port_stop(&a) == 0, "the port's engines stopped before its memory is unmapped");
	dma_unmap(&d, DMA_IOVA_QUEUES, PAGE_SIZE);
	dma_unmap(&d, IOVA_DATA, PAGE_SIZE);
	dma_buf_free(&b);
out:
	dma_dev_close(&d);
}
