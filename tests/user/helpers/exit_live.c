// SPDX-License-Identifier: MIT
/*
 * Ring-3 helper: two iommufd contexts, mock domains, pinned 4K and 2M memory,
 * an access fd, the edu bound and bus-mastering; then exit without closing
 * anything. Status 0 only if all of it was live.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include "iommufd_calls.h"

#define IOVA MOCK_APERTURE_START

static int fail(const char *what)
{
	perror(what);
	return 1;
}

static int map(int fd, uint32_t ioas, void *va, uint64_t len, uint64_t iova)
{
	return ioctl_ioas_map(fd, ioas, va, len, &iova, IOMMU_IOAS_MAP_FIXED_IOVA |
			      IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE);
}

/* The edu, if an IOMMU translates it: bound to fd, attached to ioas, master on. */
static int edu(int fd, unsigned int ioas)
{
	for (int i = 0; i < 64; i++) {
		struct vfio_device_bind_iommufd b = { .argsz = sizeof(b), .iommufd = fd };
		struct vfio_device_attach_iommufd_pt a = { .argsz = sizeof(a), .pt_id = ioas };
		struct vfio_region_info cfg = {
			.argsz = sizeof(cfg), .index = VFIO_PCI_CONFIG_REGION_INDEX,
		};
		struct vfio_region_info bar = { .argsz = sizeof(bar), .index = 0 };
		unsigned short id[2], cmd;
		char path[40];
		int dfd;

		snprintf(path, sizeof(path), "/dev/vfio/devices/vfio%d", i);
		dfd = open(path, O_RDWR);
		if (dfd < 0)
			continue;
		if (ioctl(dfd, VFIO_DEVICE_BIND_IOMMUFD, &b) ||
		    ioctl(dfd, VFIO_DEVICE_GET_REGION_INFO, &cfg) ||
		    pread(dfd, id, 4, (off_t)cfg.offset) != 4 || id[0] != 0x1234 || id[1] != 0x11e8) {
			close(dfd);
			continue;
		}
		if (ioctl(dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a) ||
		    ioctl(dfd, VFIO_DEVICE_GET_REGION_INFO, &bar) ||
		    mmap(NULL, bar.size, PROT_READ | PROT_WRITE, MAP_SHARED, dfd,
			 (off_t)bar.offset) == MAP_FAILED ||
		    pread(dfd, &cmd, 2, (off_t)cfg.offset + 4) != 2)
			return -1;
		cmd |= 4;	/* bus master */
		if (pwrite(dfd, &cmd, 2, (off_t)cfg.offset + 4) != 2)
			return -1;
		printf("edu is vfio%d (fd %d)\n", i, dfd);
		return 0;
	}
	printf("no edu to bind\n");
	return 0;
}

int main(void)
{
	int fd = open("/dev/iommu", O_RDWR), fd2 = open("/dev/iommu", O_RDWR), afd;
	char *small = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *huge = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	uint32_t ioas;

	if (fd < 0 || fd2 < 0 || small == MAP_FAILED || huge == MAP_FAILED)
		return fail("setup");
	memset(small, 1, 1 << 20);
	if (ioctl_ioas_alloc(fd, &ioas) || test_cmd_mock_domain(fd, ioas, NULL, NULL, NULL) ||
	    map(fd, ioas, small, 1 << 20, IOVA) || map(fd, ioas, huge, 2 << 20, IOVA + (4 << 20)))
		return fail("first context");
	if (test_cmd_create_access(fd, ioas, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, &afd))
		return fail("create access");
	if (test_cmd_access_pages(fd, afd, IOVA, 4 * 4096, small, 0, NULL))
		return fail("access pages");
	/* the second context maps the same small pages once more */
	if (ioctl_ioas_alloc(fd2, &ioas) || test_cmd_mock_domain(fd2, ioas, NULL, NULL, NULL) ||
	    map(fd2, ioas, small, 1 << 20, IOVA))
		return fail("second context");
	if (test_cmd_check_refs(fd2, small + (8 << 12), 4096, 2) ||
	    test_cmd_check_refs(fd2, huge, 2 << 20, 1))
		return fail("pins before exit");
	if (ioctl_ioas_alloc(fd2, &ioas) || edu(fd2, ioas))
		return fail("edu");
	printf("leaving fds %d, %d and access fd %d open\n", fd, fd2, afd);
	fflush(stdout);
	_exit(0);
}
