// SPDX-License-Identifier: MIT
/*
 * abi-preload suite, VFIO part: the type1 container ioctls on the same
 * /dev/iommu fd, and IOMMU_VFIO_IOAS.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tests/host/abi_preload.h"
#include <linux/vfio.h>

KTEST(abi-preload, test_preload_vfio_without_ioas)
{
	struct vfio_iommu_type1_dma_unmap u = { .iova = MOCK_APERTURE_START, .size = PSZ };
	struct vfio_iommu_type1_dma_map m = { .iova = MOCK_APERTURE_START, .size = PSZ,
					      .vaddr = (uintptr_t)buffer };
	struct vfio_iommu_type1_info info = { .argsz = 1 };
	struct iommu_vfio_ioas vi = { .size = sizeof(vi), .op = IOMMU_VFIO_IOAS_GET };
	int fd = open("/dev/iommu", O_RDWR);
	uint32_t ioas;

	report(ioctl(fd, VFIO_GET_API_VERSION) == VFIO_API_VERSION, "API version");
	report(ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) == 1, "type1v2 supported");
	u.argsz = 1;
	report(libc_ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &u) == -EINVAL, "unmap: short argsz -> EINVAL");
	u.argsz = sizeof(u);
	u.flags = 1u << 31;
	report(libc_ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &u) == -EINVAL,
	       "unmap: unknown flag -> EINVAL");
	u.flags = 0;
	report(libc_ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &u) == -ENODEV,
	       "unmap: no container IOAS -> ENODEV");
	m.argsz = 1;
	report(libc_ioctl(fd, VFIO_IOMMU_MAP_DMA, &m) == -EINVAL, "map: short argsz -> EINVAL");
	m.argsz = sizeof(m);
	m.flags = 1u << 31;
	report(libc_ioctl(fd, VFIO_IOMMU_MAP_DMA, &m) == -EINVAL, "map: unknown flag -> EINVAL");
	m.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	report(libc_ioctl(fd, VFIO_IOMMU_MAP_DMA, &m) == -ENODEV,
	       "map: no container IOAS -> ENODEV");
	report(libc_ioctl(fd, VFIO_IOMMU_GET_INFO, &info) == -EINVAL,
	       "info: short argsz -> EINVAL");
	info.argsz = sizeof(info);
	report(libc_ioctl(fd, VFIO_IOMMU_GET_INFO, &info) == -ENODEV, "info: no IOAS -> ENODEV");
	report(ioctl(fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) == -1 && errno == ENODEV &&
	       ioctl(fd, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU) == -1 && errno == ENODEV,
	       "SET_IOMMU without an IOAS -> ENODEV");
	report(libc_ioctl(fd, IOMMU_VFIO_IOAS, &vi) == -ENODEV,
	       "VFIO_IOAS get without one -> ENODEV");
	vi.op = IOMMU_VFIO_IOAS_SET;
	report(libc_ioctl(fd, IOMMU_VFIO_IOAS, &vi) == -ENOENT, "set to id 0 -> ENOENT");
	ioas = ioas_alloc(fd);
	vi.ioas_id = ioas;
	report(libc_ioctl(fd, IOMMU_VFIO_IOAS, &vi) == 0, "set");
	vi.op = IOMMU_VFIO_IOAS_GET;
	vi.ioas_id = 0;
	report(libc_ioctl(fd, IOMMU_VFIO_IOAS, &vi) == 0 && vi.ioas_id == ioas, "get returns it");
	vi.op = IOMMU_VFIO_IOAS_CLEAR;
	report(libc_ioctl(fd, IOMMU_VFIO_IOAS, &vi) == 0, "clear");
	vi.op = IOMMU_VFIO_IOAS_GET;
	report(libc_ioctl(fd, IOMMU_VFIO_IOAS, &vi) == -ENODEV, "get after clear -> ENODEV");
	close(fd);
}

/* A VFIO "container": an IOAS with a mock device, set as the compat IOAS. */
static int vfio_setup(unsigned long type, uint32_t *ioas)
{
	int fd = open("/dev/iommu", O_RDWR);

	*ioas = ioas_alloc(fd);
	test_cmd_mock_domain(fd, *ioas, NULL, NULL, NULL);
	if (ioctl_vfio_ioas_set(fd, *ioas) || ioctl(fd, VFIO_SET_IOMMU, type))
		report(false, "VFIO container setup");
	return fd;
}

static const unsigned long vfio_types[] = { VFIO_TYPE1v2_IOMMU, VFIO_TYPE1_IOMMU };

KTEST(abi-preload, test_preload_vfio_get_info)
{
	uint8_t *buf = malloc(4096);
	struct vfio_iommu_type1_info *info = (void *)buf;

	for (size_t t = 0; t < ARRAY_SIZE(vfio_types); t++) {
		struct iommu_option o = { .size = sizeof(o), .option_id = IOMMU_OPTION_HUGE_PAGES,
					  .op = IOMMU_OPTION_OP_GET };
		uint32_t ioas, full;
		int fd = vfio_setup(vfio_types[t], &ioas), bad = 0;

		o.object_id = ioas;
		report(libc_ioctl(fd, IOMMU_OPTION, &o) == 0 && o.val64 == (t == 0),
		       "type1 turns huge pages off, type1v2 keeps them");
		memset(buf, 0xa5, 4096);
		*info = (struct vfio_iommu_type1_info){ .argsz = sizeof(*info) };
		report(ioctl(fd, VFIO_IOMMU_GET_INFO, info) == 0 &&
		       info->flags == (VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS) &&
		       info->cap_offset == 0 && info->argsz > sizeof(*info) && info->iova_pgsizes,
		       "short argsz: no caps, real size reported");
		full = info->argsz;
		for (uint32_t sz = offsetof(struct vfio_iommu_type1_info, cap_offset); sz <= full;
		     sz++) {
			memset(buf, 0xa5, 4096);
			memset(buf, 0, sz < sizeof(*info) ? sz : sizeof(*info));
			info->argsz = sz;
			bad += ioctl(fd, VFIO_IOMMU_GET_INFO, info) != 0;
			for (uint32_t i = sz; i < 4096; i++)
				bad += buf[i] != 0xa5;	/* never past argsz (class 25) */
			if (sz == full) {
				uint32_t off = info->cap_offset;
				int caps = 0;

				bad += off != sizeof(*info);
				/* caps need not be 8-byte aligned (as on Linux): copy them out */
				while (caps++ < 4) {
					struct vfio_info_cap_header h;

					memcpy(&h, buf + off, sizeof(h));
					if (h.id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
						struct vfio_iommu_type1_info_cap_iova_range r;
						struct vfio_iova_range r0;

						memcpy(&r, buf + off, sizeof(r));
						memcpy(&r0, buf + off + sizeof(r), sizeof(r0));
						bad += r.nr_iovas != 1 || r0.start != MOCK_APERTURE_START ||
						       r0.end != MOCK_APERTURE_LAST;
					} else {
						bad += h.id != VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL;
					}
					if (!h.next)
						break;
					off = h.next;
				}
				bad += caps != 2;
			}
		}
		report(!bad, "every argsz: nothing written past it, full size has both caps");
		close(fd);
	}
	free(buf);
}

KTEST(abi-preload, test_preload_vfio_map_unmap)
{
	for (size_t t = 0; t < ARRAY_SIZE(vfio_types); t++) {
		struct vfio_iommu_type1_dma_map m = {
			.argsz = sizeof(m), .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
			.vaddr = (uintptr_t)buffer, .size = BUF_SIZE, .iova = MOCK_APERTURE_START };
		struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u), .size = BUF_SIZE,
							.iova = MOCK_APERTURE_START };
		uint64_t order[16];
		uint32_t ioas;
		int fd = vfio_setup(vfio_types[t], &ioas), bad = 0;

		report(ioctl(fd, VFIO_IOMMU_MAP_DMA, &m) == 0 &&
		       ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &u) == 0 && u.size == BUF_SIZE,
		       "map and unmap; size returns the bytes");
		ioctl(fd, VFIO_IOMMU_MAP_DMA, &m);
		u.flags = VFIO_DMA_UNMAP_FLAG_ALL;
		report(libc_ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &u) == -EINVAL,
		       "UNMAP_ALL with a range -> EINVAL");
		u.iova = u.size = 0;
		report(ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &u) == 0 && u.size == BUF_SIZE, "UNMAP_ALL");
		/* one big map cut into 16 pieces: type1 may, type1v2 may not */
		ioctl(fd, VFIO_IOMMU_MAP_DMA, &m);
		for (int i = 0; i < 16; i++)
			order[i] = MOCK_APERTURE_START + (uint64_t)((i * 7) % 16) * PSZ;
		u.flags = 0;
		for (int i = 0; i < 16; i++) {
			u.iova = order[i];
			u.size = PSZ;
			bad += libc_ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &u) != (t == 1 ? 0 : -ENOENT);
		}
		report(!bad, "%s cuts a mapping: %s", t ? "type1" : "type1v2",
		       t ? "each piece unmaps" : "ENOENT");
		close(fd);
	}
}
