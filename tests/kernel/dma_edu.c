// SPDX-License-Identifier: MIT
/*
 * dma suite: QEMU edu devices DMA through whatever IOMMU drives them, using
 * only iommu.h: bytes land where mapped, unmapped and read-only IOVAs fault
 * with the right source-id, unmap leaves no stale entry, domains isolate,
 * and a DMA racing an unmap lands whole or is blocked, nothing else.
 */
#include "arch/x86/mm.h"
#include "arch/x86/pci.h"
#include "arch/x86/tsc.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "tests/kernel/dma_util.h"
#include "tests/ktest.h"

#define RW (IOMMU_READ | IOMMU_WRITE)
#define SZ_2M (2UL << 20)
#define SZ_1G (1UL << 30)
#define NEEDS (KT_NEED_IOMMU | KT_NEED_EDU)

static bool all_bytes(const u8 *p, size_t n, u8 v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

KTEST_NEEDS(dma, test_dma_edu_read_write_through_mapping, NEEDS)
{
	struct dma_edu e;
	struct dma_buf b;
	u8 *dst;

	if (dma_edu_setup(&e, &b, 1))
		return;
	dst = b.va + PAGE_SIZE;
	dma_fill(b.va, DMA_XFER, 1);
	memset(dst, 0xcc, PAGE_SIZE);
	dma_map(&e.d, DMA_IOVA_A, b.pa, PAGE_SIZE, IOMMU_READ);
	dma_map(&e.d, DMA_IOVA_B, b.pa + PAGE_SIZE, PAGE_SIZE, RW);
	report(iommu_iova_to_phys(e.d.dom, DMA_IOVA_B + 0x123) == b.pa + PAGE_SIZE + 0x123,
	       "iova_to_phys keeps the offset within the page");
	report(edu_dma_to_dev(&e.edu, DMA_IOVA_A, 0, DMA_XFER) == 0,
	       "device reads %u bytes through IOVA A", DMA_XFER);
	report(edu_dma_from_dev(&e.edu, DMA_IOVA_B, 0, DMA_XFER) == 0,
	       "device writes them back through IOVA B");
	report(dma_check(dst, DMA_XFER, 1), "the destination page holds the source bytes");
	report(all_bytes(dst + DMA_XFER, PAGE_SIZE - DMA_XFER, 0xcc),
	       "bytes past the transfer are untouched");
	report(dma_check(b.va, DMA_XFER, 1), "the read-only source is unchanged");
	dma_unmap(&e.d, DMA_IOVA_A, PAGE_SIZE);
	dma_unmap(&e.d, DMA_IOVA_B, PAGE_SIZE);
	dma_edu_teardown(&e, &b);
}

/* The fault the last expectation caught: from dev, at iova, a page fault of this access. */
static void check_fault_record(struct dma_dev *d, u64 iova, bool write)
{
	struct iommu_fault_record f;
	int n = iommu_fault_records(&f, 1);

	if (d->dev->iommu && d->dev->iommu->no_fault_log)
		return;	/* dma_fault_seen() said why */
	if (!n) {
		report(false, "a fault was recorded");
		return;
	}
	report_info("fault: %s sid %04x addr %#llx %s reason %#x (%s)",
		    f.iommu ? f.iommu->name : "?", f.source_id, (unsigned long long)f.addr,
		    f.write ? "write" : "read", f.reason, f.reason_str ? f.reason_str : "");
	report(f.source_id == d->dev->rid && f.segment == d->dev->segment,
	       "source-id is the device's requester ID %04x", d->dev->rid);
	report(f.iommu == d->dev->iommu, "logged by the unit that translates the device");
	report((f.addr >> 12) == (iova >> 12), "address is the IOVA's page");
	report(f.kind == IOMMU_FAULT_KIND_PAGE && f.write == write,
	       "a %s page fault", write ? "write" : "read");
}

KTEST_NEEDS(dma, test_dma_unmapped_iova_faults, NEEDS)
{
	struct dma_edu e;
	struct dma_buf b;

	if (dma_edu_setup(&e, &b, 1))
		return;
	/* the pages around the hole must stay as they are */
	memset(b.va, 0x5a, 2 * PAGE_SIZE);
	dma_map(&e.d, DMA_IOVA_HOLE - PAGE_SIZE, b.pa, PAGE_SIZE, RW);
	dma_map(&e.d, DMA_IOVA_HOLE + PAGE_SIZE, b.pa + PAGE_SIZE, PAGE_SIZE, RW);
	dma_expect_page_fault(&e.d, DMA_IOVA_HOLE, IOMMU_FAULT_ACCESS_WRITE);
	dma_edu_done(edu_dma_from_dev(&e.edu, DMA_IOVA_HOLE, 0, 256));
	dma_fault_seen(&e.d, "device write to an unmapped IOVA faults", true);
	check_fault_record(&e.d, DMA_IOVA_HOLE, true);
	dma_expect_page_fault(&e.d, DMA_IOVA_HOLE + 0x800, IOMMU_FAULT_ACCESS_READ);
	dma_edu_done(edu_dma_to_dev(&e.edu, DMA_IOVA_HOLE + 0x800, 0, 256));
	dma_fault_seen(&e.d, "device read from an unmapped IOVA faults", true);
	check_fault_record(&e.d, DMA_IOVA_HOLE, false);
	report(all_bytes(b.va, 2 * PAGE_SIZE, 0x5a), "the neighbouring pages are untouched");
	dma_unmap(&e.d, DMA_IOVA_HOLE - PAGE_SIZE, PAGE_SIZE);
	dma_unmap(&e.d, DMA_IOVA_HOLE + PAGE_SIZE, PAGE_SIZE);
	dma_edu_teardown(&e, &b);
}

#define RACE_ROUNDS 8

/*
 * A device writing into a page while the CPU unmaps it: the unmap comes at
 * a different moment of each transfer (the edu fires 100 ms after its
 * command). Each round ends with the write landed whole before the unmap
 * (the page holds the device's data, no fault) or blocked after it (the
 * page as it was, a fault recorded where the unit logs them); the pages
 * mapped around it never change.
 */
KTEST_NEEDS(dma, test_dma_write_racing_unmap_lands_whole_or_faults, NEEDS)
{
	const u64 iova = DMA_IOVA_C, at = iova + PAGE_SIZE + 0x100;
	int landed = 0, blocked = 0, bad = 0;
	struct dma_buf b, scratch;
	struct dma_edu e;

	if (dma_edu_open(&e, 0))
		return;
	if (dma_buf_alloc(&b, 2))
		goto out;
	if (dma_buf_alloc(&scratch, 0))
		goto out_b;
	dma_edu_load(&e, &scratch, DMA_IOVA_A, 256, 11);
	dma_buf_free(&scratch);
	for (int round = 0; round < RACE_ROUNDS; round++) {
		bool whole, untouched;
		int faults;

		memset(b.va, 0x5a, 4 * PAGE_SIZE);
		/* three mappings, so the unmap takes exactly the middle page */
		if (dma_map(&e.d, iova, b.pa, PAGE_SIZE, RW) ||
		    dma_map(&e.d, iova + PAGE_SIZE, b.pa + PAGE_SIZE, PAGE_SIZE, RW) ||
		    dma_map(&e.d, iova + 2 * PAGE_SIZE, b.pa + 2 * PAGE_SIZE, 2 * PAGE_SIZE, RW))
			break;
		dma_expect_page_fault(&e.d, at, IOMMU_FAULT_ACCESS_WRITE);
		bad += edu_dma_start(&e.edu, at, 0, 256, true) != 0;
		udelay((u64)round * 25000);
		bad += iommu_unmap(e.d.dom, iova + PAGE_SIZE, PAGE_SIZE) != PAGE_SIZE;
		bad += edu_dma_wait(&e.edu) != 0;
		faults = iommu_fault_expect_done();
		whole = dma_check(b.va + PAGE_SIZE + 0x100, 256, 11);
		untouched = all_bytes(b.va + PAGE_SIZE, PAGE_SIZE, 0x5a);
		if (whole && !faults && all_bytes(b.va + PAGE_SIZE, 0x100, 0x5a))
			landed++;
		else if (untouched && (faults || e.d.dev->iommu->no_fault_log))
			blocked++;
		else
			report_info("round %d: data %s, page %s, %d faults", round,
				    whole ? "landed" : "not landed",
				    untouched ? "untouched" : "changed", faults);
		bad += !all_bytes(b.va, PAGE_SIZE, 0x5a) ||
		       !all_bytes(b.va + 2 * PAGE_SIZE, 2 * PAGE_SIZE, 0x5a);
		dma_unmap(&e.d, iova, PAGE_SIZE);
		dma_unmap(&e.d, iova + 2 * PAGE_SIZE, 2 * PAGE_SIZE);
	}
	report(landed + blocked == RACE_ROUNDS && !bad,
	       "%d rounds: %d landed whole before the unmap, %d blocked after it, "
	       "neighbours untouched (%d other outcomes)", RACE_ROUNDS, landed, blocked,
	       RACE_ROUNDS - landed - blocked + bad);
out_b:
	dma_buf_free(&b);
out:
	dma_edu_close(&e);
}

/*
 * Map size bytes (a buffer of 2^order pages) at iova, DMA at iova + off (so
 * the IOTLB holds the translation), unmap, DMA again: it must fault and the
 * page stay as it is.
 */
static void no_stale_after_unmap(unsigned int order, u64 iova, size_t size, u64 off)
{
	struct dma_buf scratch, b;
	struct dma_edu e;
	size_t leaf;

	if (dma_edu_open(&e, 0))
		return;
	if (dma_buf_alloc(&b, order))
		goto out;
	if (dma_buf_alloc(&scratch, 0))
		goto out_b;
	dma_edu_load(&e, &scratch, DMA_IOVA_A, 256, 7);
	dma_buf_free(&scratch);
	if (dma_map(&e.d, iova, b.pa, size, RW))
		goto out_b;
	if (e.d.dom->ops->mapped_pgsize) {
		leaf = e.d.dom->ops->mapped_pgsize(e.d.dom, iova + off);
		report(leaf == size || !(e.d.dom->pgsize_bitmap & size),
		       "translated by a %zu KiB leaf", leaf >> 10);
	}
	memset(b.va + off, 0, 256);
	dma_edu_done(edu_dma_from_dev(&e.edu, iova + off, 0, 256));
	report(dma_check(b.va + off, 256, 7), "DMA at +%#llx lands (the IOTLB now caches it)",
	       (unsigned long long)off);
	memset(b.va + off, 0xee, 256);
	dma_unmap(&e.d, iova, size);
	dma_expect_page_fault(&e.d, iova + off, IOMMU_FAULT_ACCESS_WRITE);
	dma_edu_done(edu_dma_from_dev(&e.edu, iova + off, 0, 256));
	dma_fault_seen(&e.d, "the same DMA after unmap faults", false);
	report(all_bytes(b.va + off, 256, 0xee), "the page is untouched: no stale IOTLB entry");
out_b:
	dma_buf_free(&b);
out:
	dma_edu_close(&e);
}

KTEST_NEEDS(dma, test_dma_no_stale_iotlb_after_unmap_4k, NEEDS)
{
	no_stale_after_unmap(0, DMA_IOVA_B, PAGE_SIZE, 0x40);
}

KTEST_NEEDS(dma, test_dma_no_stale_iotlb_after_unmap_2m, NEEDS)
{
	no_stale_after_unmap(9, DMA_IOVA_C, SZ_2M, 0x1ff000);
}

KTEST_NEEDS(dma, test_dma_readonly_mapping_blocks_writes, NEEDS)
{
	struct dma_edu e;
	struct dma_buf b;

	if (dma_edu_setup(&e, &b, 1))
		return;
	dma_edu_load(&e, &b, DMA_IOVA_A, 512, 3);
	dma_fill(b.va, 512, 9);
	memset(b.va + PAGE_SIZE, 0, PAGE_SIZE);
	dma_map(&e.d, DMA_IOVA_B, b.pa, PAGE_SIZE, IOMMU_READ);
	dma_map(&e.d, DMA_IOVA_C, b.pa + PAGE_SIZE, PAGE_SIZE, RW);
	dma_expect_page_fault(&e.d, DMA_IOVA_B, IOMMU_FAULT_ACCESS_WRITE);
	dma_edu_done(edu_dma_from_dev(&e.edu, DMA_IOVA_B, 0, 512));
	dma_fault_seen(&e.d, "device write to a read-only mapping faults", false);
	check_fault_record(&e.d, DMA_IOVA_B, true);
	report(dma_check(b.va, 512, 9), "the read-only page keeps its bytes");
	report(edu_dma_to_dev(&e.edu, DMA_IOVA_B, 0, 512) == 0, "device read of it works");
	dma_edu_done(edu_dma_from_dev(&e.edu, DMA_IOVA_C, 0, 512));
	report(dma_check(b.va + PAGE_SIZE, 512, 9), "and returned the read-only page's bytes");
	dma_unmap(&e.d, DMA_IOVA_B, PAGE_SIZE);
	dma_unmap(&e.d, DMA_IOVA_C, PAGE_SIZE);
	dma_edu_teardown(&e, &b);
}

KTEST_NEEDS(dma, test_dma_two_domains_isolated, NEEDS | KT_NEED_TWO_EDU)
{
	struct dma_edu a, b;
	struct dma_buf buf;

	if (dma_edu_open(&a, 0))
		return;
	if (dma_edu_open(&b, 1))
		goto out_a;
	report(a.d.dom != b.d.dom, "each device has its own domain");
	if (dma_buf_alloc(&buf, 2))
		goto out_b;
	memset(buf.va, 0x11, 4 * PAGE_SIZE);
	/* the same IOVA means different pages in the two domains */
	dma_map(&a.d, DMA_IOVA_B, buf.pa, PAGE_SIZE, RW);
	dma_map(&b.d, DMA_IOVA_B, buf.pa + PAGE_SIZE, PAGE_SIZE, RW);
	dma_map(&a.d, DMA_IOVA_C, buf.pa + 2 * PAGE_SIZE, PAGE_SIZE, RW);
	dma_edu_load(&b, &(struct dma_buf){ .va = buf.va + 3 * PAGE_SIZE,
					    .pa = buf.pa + 3 * PAGE_SIZE }, DMA_IOVA_A, 256, 5);
	dma_edu_done(edu_dma_from_dev(&b.edu, DMA_IOVA_B, 0, 256));
	report(dma_check(buf.va + PAGE_SIZE, 256, 5), "device B's write lands in B's page");
	report(all_bytes(buf.va, 256, 0x11), "device A's page at the same IOVA is untouched");
	dma_expect_page_fault(&b.d, DMA_IOVA_C, IOMMU_FAULT_ACCESS_WRITE);
	dma_edu_done(edu_dma_from_dev(&b.edu, DMA_IOVA_C, 0, 256));
	dma_fault_seen(&b.d, "B's DMA to an IOVA mapped only in A faults", false);
	check_fault_record(&b.d, DMA_IOVA_C, true);
	report(all_bytes(buf.va + 2 * PAGE_SIZE, PAGE_SIZE, 0x11), "A's memory is untouched");
	dma_unmap(&a.d, DMA_IOVA_B, PAGE_SIZE);
	dma_unmap(&b.d, DMA_IOVA_B, PAGE_SIZE);
	dma_unmap(&a.d, DMA_IOVA_C, PAGE_SIZE);
	dma_buf_free(&buf);
out_b:
	dma_edu_close(&b);
out_a:
	dma_edu_close(&a);
}

static void describe_path(struct pci_dev *p, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = 0;
	for (struct pci_dev *up = p->parent; up && len < n; up = up->parent)
		len += (size_t)snprintf(buf + len, n - len, " <- %s (%s)", up->name,
					!up->cap_pcie ? "PCI bridge" : up->pcie_type == 4 ?
					"root port" : up->pcie_type == 7 ? "PCIe-to-PCI bridge" :
					"PCIe port");
}

KTEST_NEEDS(dma, test_dma_source_id_and_unit_per_topology, NEEDS)
{
	char path[160];
	int n;

	for (n = 0; n < 4 && pci_find(EDU_VENDOR, EDU_DEVICE, n); n++) {
		struct dma_edu e;
		struct pci_dev *p;

		if (dma_edu_open(&e, n))
			return;
		p = e.d.pdev;
		describe_path(p, path, sizeof(path));
		report_info("edu %s%s: requester ID %02x:%02x.%d, unit %s", p->name,
			    p->parent ? path : " on the root bus", e.d.dev->rid >> 8,
			    (e.d.dev->rid >> 3) & 31, e.d.dev->rid & 7, e.d.dev->iommu->name);
		report(e.d.dev->rid == pci_dma_source_id(p), "%s: bound with its DMA alias",
		       p->name);
		dma_expect_page_fault(&e.d, DMA_IOVA_HOLE, IOMMU_FAULT_ACCESS_WRITE);
		dma_edu_done(edu_dma_from_dev(&e.edu, DMA_IOVA_HOLE, 0, 64));
		dma_fault_seen(&e.d, "its DMA is translated (faults)", true);
		check_fault_record(&e.d, DMA_IOVA_HOLE, true);
		dma_edu_close(&e);
	}
	report_info("%d edu device(s) checked", n);
}

/* Leaf sizes chosen for size and alignment; DMA through a large leaf. */
KTEST_NEEDS(dma, test_dma_superpages_when_aligned, NEEDS)
{
	struct dma_edu e;
	struct dma_buf b;
	struct iommu_domain *d;
	size_t (*leaf)(struct iommu_domain *, dma_addr_t);
	bool high;

	if (dma_edu_open(&e, 0))
		return;
	d = e.d.dom;
	leaf = d->ops->mapped_pgsize;
	if (!leaf || !(d->pgsize_bitmap & SZ_2M)) {
		report_skip("driver reports no leaf sizes or no 2M pages");
		goto out;
	}
	high = (d->pgsize_bitmap & SZ_1G) && dma_edu_high_iova(&e);
	if (dma_buf_alloc(&b, 10))	/* 4 MiB, 4 MiB aligned */
		goto out;
	dma_map(&e.d, DMA_IOVA_C, b.pa, SZ_2M + PAGE_SIZE, RW);
	report(leaf(d, DMA_IOVA_C) == SZ_2M && leaf(d, DMA_IOVA_C + SZ_2M) == PAGE_SIZE,
	       "2M + 4K at an aligned IOVA: one 2M leaf and one 4K leaf");
	dma_map(&e.d, 0x1000000, b.pa + PAGE_SIZE, SZ_2M, RW);
	report(leaf(d, 0x1000000) == PAGE_SIZE && leaf(d, 0x11ff000) == PAGE_SIZE,
	       "2M with the physical address only 4K aligned: 4K leaves");
	dma_edu_load(&e, &b, DMA_IOVA_A, 128, 11);	/* uses b's first page as scratch */
	memset(b.va + 0x1ff000, 0, 128);
	dma_edu_done(edu_dma_from_dev(&e.edu, DMA_IOVA_C + 0x1ff000, 0, 128));
	report(dma_check(b.va + 0x1ff000, 128, 11), "DMA through the 2M leaf lands at +0x1ff000");
	dma_unmap(&e.d, DMA_IOVA_C, SZ_2M + PAGE_SIZE);
	dma_unmap(&e.d, 0x1000000, SZ_2M);
	if (d->pgsize_bitmap & SZ_1G) {
		/* 1G identity-offset window over the buffer's gigabyte */
		phys_addr_t base = ALIGN_DOWN(b.pa, SZ_1G);
		u64 iova = 4 * SZ_1G;

		if (!high) {
			report_info("edu clamps IOVAs at 4 GiB: 1G DMA part skipped");
		} else if (!dma_map(&e.d, iova, base, SZ_1G, RW)) {
			report(leaf(d, iova + 0x1234000) == SZ_1G, "1G-aligned 1G maps one 1G leaf");
			memset(b.va + PAGE_SIZE, 0, 128);
			dma_edu_done(edu_dma_from_dev(&e.edu, iova + (b.pa - base) + PAGE_SIZE, 0, 128));
			report(dma_check(b.va + PAGE_SIZE, 128, 11), "DMA through the 1G leaf lands");
			dma_unmap(&e.d, iova, SZ_1G);
		}
	}
	dma_buf_free(&b);
out:
	dma_edu_close(&e);
}

/* Many ranges mapped, some unmapped and mapped elsewhere, then DMA to several. */
KTEST_NEEDS(dma, test_dma_many_ranges, NEEDS)
{
	enum { N = 48, DMAS = 4 };
	struct dma_edu e;
	struct dma_buf b, scratch;
	u64 iova[N];
	long tables = -1;
	int bad = 0;

	if (dma_edu_open(&e, 0))
		return;
	if (dma_buf_alloc(&scratch, 0))
		goto out;
	dma_edu_load(&e, &scratch, DMA_IOVA_A, 64, 21);
	dma_buf_free(&scratch);
	if (dma_buf_alloc(&b, 7))	/* 128 pages: range i owns pages 2i, 2i + 1 */
		goto out;
	for (int i = 0; i < N; i++) {
		/* scattered, some crossing 2M boundaries */
		iova[i] = 0x2000000 + (u64)i * 0x5f000 + (i % 5) * PAGE_SIZE;
		bad += iommu_map(e.d.dom, iova[i], b.pa + 2 * i * PAGE_SIZE,
				 (1 + i % 2) * PAGE_SIZE, RW) != 0;
	}
	for (int i = 1; i < N; i += 2) {
		bad += iommu_unmap(e.d.dom, iova[i], 2 * PAGE_SIZE) != 2 * PAGE_SIZE;
		iova[i] += 0x4000000;
		bad += iommu_map(e.d.dom, iova[i], b.pa + 2 * i * PAGE_SIZE, 2 * PAGE_SIZE, RW) != 0;
	}
	report(bad == 0, "%d ranges mapped, half moved elsewhere", N);
	if (e.d.dom->ops->table_pages)
		tables = e.d.dom->ops->table_pages(e.d.dom);
	for (int i = 0; i < N; i++)
		bad += iommu_iova_to_phys(e.d.dom, iova[i] + 0x10) != b.pa + 2 * i * PAGE_SIZE + 0x10;
	report(bad == 0, "every range translates to its own pages");
	memset(b.va, 0, b.size);
	for (int k = 0; k < DMAS; k++) {
		int i = (int)(ktest_rand() % N);

		dma_edu_done(edu_dma_from_dev(&e.edu, iova[i] + 0x100, 0, 64));
		report(mem_is_zero(b.va, 2 * i * PAGE_SIZE + 0x100) &&
		       dma_check(b.va + 2 * i * PAGE_SIZE + 0x100, 64, 21) &&
		       mem_is_zero(b.va + 2 * i * PAGE_SIZE + 0x140,
				   b.size - 2 * i * PAGE_SIZE - 0x140),
		       "DMA to range %d lands in its page and nowhere else", i);
		memset(b.va + 2 * i * PAGE_SIZE + 0x100, 0, 64);
	}
	dma_expect_page_fault(&e.d, iova[1] - 0x4000000, IOMMU_FAULT_ACCESS_WRITE);
	dma_edu_done(edu_dma_from_dev(&e.edu, iova[1] - 0x4000000, 0, 64));
	dma_fault_seen(&e.d, "DMA to a range's old place faults", false);
	report(mem_is_zero(b.va, b.size), "DMA to a range's old place writes nothing");
	for (int i = 0; i < N; i++)
		bad += iommu_unmap(e.d.dom, iova[i], (1 + i % 2) * PAGE_SIZE) !=
		       (1 + i % 2) * PAGE_SIZE;
	report(bad == 0, "all ranges unmapped");
	if (tables >= 0)
		dma_remap_reuses_tables(e.d.dom, iova, N, b.pa, RW, tables);
	dma_buf_free(&b);
out:
	dma_edu_close(&e);
}

/*
 * A page of RAM above 4 GiB, read by the device through a read-only
 * mapping (the page is not ours, so it is only read) and written back into
 * our page: the IOMMU's tables carry addresses above 32 bits.
 */
KTEST_NEEDS(dma, test_dma_reads_ram_above_4g, NEEDS)
{
	phys_addr_t high = ALIGN_DOWN(mm_ram_top() - 1, PAGE_SIZE);
	struct dma_edu e;
	struct dma_buf b;

	if (mm_ram_top() <= (1ULL << 32) || !pmm_is_ram(high)) {
		report_skip("no RAM above 4 GiB (start QEMU with -m 5G)");
		return;
	}
	if (dma_edu_setup(&e, &b, 0))
		return;
	dma_map(&e.d, DMA_IOVA_A, high, PAGE_SIZE, IOMMU_READ);
	dma_map(&e.d, DMA_IOVA_B, b.pa, PAGE_SIZE, IOMMU_WRITE);
	report(iommu_iova_to_phys(e.d.dom, DMA_IOVA_A + 8) == high + 8,
	       "IOVA %#llx translates to %#llx", DMA_IOVA_A, (unsigned long long)high);
	memset(b.va, 0xa5, 256);
	dma_edu_done(edu_dma_to_dev(&e.edu, DMA_IOVA_A, 0, 256));
	dma_edu_done(edu_dma_from_dev(&e.edu, DMA_IOVA_B, 0, 256));
	report(!memcmp(b.va, phys_to_virt(high), 256),
	       "the device read the same bytes the CPU sees at %#llx", (unsigned long long)high);
	dma_unmap(&e.d, DMA_IOVA_A, PAGE_SIZE);
	dma_unmap(&e.d, DMA_IOVA_B, PAGE_SIZE);
	dma_edu_teardown(&e, &b);
}
