// SPDX-License-Identifier: MIT
/*
 * abi-preload suite, files: IOMMU_IOAS_MAP_FILE of real memfds (the pages
 * the domain maps are the ones the program's own mapping shows, pinned once
 * and let go), its errnos, a failure at each of its sites (fail-nth), and
 * IOMMU_IOAS_CHANGE_PROCESS's rule.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tests/host/abi_preload.h"

static int map_file(int fd, uint32_t ioas, int mfd, uint64_t start, uint64_t len,
		    uint64_t *iova, uint32_t flags)
{
	struct iommu_ioas_map_file cmd = {
		.size = sizeof(cmd), .flags = flags, .ioas_id = ioas, .fd = mfd,
		.start = start, .length = len, .iova = iova ? *iova : 0,
	};
	int r = (int)libc_ioctl(fd, IOMMU_IOAS_MAP_FILE, &cmd);

	if (!r && iova)
		*iova = cmd.iova;
	return r;
}

static int change_process(int fd, uint32_t reserved)
{
	struct iommu_ioas_change_process cmd = { .size = sizeof(cmd), .__reserved = reserved };

	return (int)libc_ioctl(fd, IOMMU_IOAS_CHANGE_PROCESS, &cmd);
}

/* A memfd of len bytes, mapped shared at *p (NULL: not mapped at all). */
static int memfd(size_t len, uint8_t **p)
{
	int mfd = memfd_create("abi-preload", 0);

	if (mfd < 0 || ftruncate(mfd, (off_t)len))
		return -1;
	if (p)
		*p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	return mfd;
}

KTEST(abi-preload, test_preload_map_file_pages_are_the_files)
{
	const size_t len = 8 * PSZ;
	uint64_t iova = MOCK_APERTURE_START, unaligned = MOCK_APERTURE_START + 64 * PSZ;
	uint8_t *view = NULL;
	uint32_t ioas, hwpt;
	int fd = open("/dev/iommu", O_RDWR), mfd = memfd(len, &view);

	ioas = ioas_alloc(fd);
	test_cmd_mock_domain(fd, ioas, NULL, &hwpt, NULL);
	report(mfd > 0 && view != MAP_FAILED, "a memfd, mapped shared by the program");
	report(map_file(fd, ioas, mfd, PSZ, 4 * PSZ, &iova, RWF | IOMMU_IOAS_MAP_FIXED_IOVA) == 0 &&
	       test_cmd_check_map(fd, hwpt, iova, view + PSZ, 4 * PSZ) == 0,
	       "file bytes 4K-20K: the domain maps the program's own pages of the file");
	report(test_cmd_check_refs(fd, view + PSZ, 4 * PSZ, 1) == 0 &&
	       test_cmd_check_refs(fd, view, PSZ, 0) == 0, "exactly those pages pinned once");
	report(map_file(fd, ioas, mfd, MOCK_PSZ, MOCK_PSZ, &unaligned,
			RWF | IOMMU_IOAS_MAP_FIXED_IOVA) == 0 &&
	       test_cmd_check_map(fd, hwpt, unaligned, view + MOCK_PSZ, MOCK_PSZ) == 0,
	       "a 2 KiB piece at a 2 KiB file offset (the mock's 2 KiB IOVA granule)");
	report(ioctl_ioas_unmap(fd, ioas, 0, UINT64_MAX, NULL) == 0 &&
	       test_cmd_check_refs(fd, view, len, 0) == 0, "unmapped: nothing pinned");
	munmap(view, len);
	close(mfd);
	close(fd);
}

/* A memfd the program never mapped: the library maps it, and the data is the file's. */
KTEST(abi-preload, test_preload_map_file_unmapped_memfd)
{
	uint64_t iova = MOCK_APERTURE_START;
	uint8_t data[64], back[64];
	uint32_t ioas;
	int fd = open("/dev/iommu", O_RDWR), mfd = memfd(4 * PSZ, NULL), afd = -1;

	ioas = ioas_alloc(fd);
	test_cmd_mock_domain(fd, ioas, NULL, NULL, NULL);
	memset(data, 0x5a, sizeof(data));
	report(map_file(fd, ioas, mfd, 0, 4 * PSZ, &iova, RWF | IOMMU_IOAS_MAP_FIXED_IOVA) == 0,
	       "map a memfd nobody has mapped");
	report(test_cmd_create_access(fd, ioas, 0, &afd) == 0 &&
	       test_cmd_access_rw(fd, afd, iova + PSZ + 8, data, sizeof(data),
				  MOCK_ACCESS_RW_WRITE) == 0, "write through the IOVA");
	report(pread(mfd, back, sizeof(back), PSZ + 8) == sizeof(back) &&
	       !memcmp(back, data, sizeof(data)), "the file holds what was written");
	close(afd);
	close(mfd);
	close(fd);
}

KTEST(abi-preload, test_preload_map_file_errnos)
{
	uint64_t iova = MOCK_APERTURE_START;
	uint32_t ioas;
	int fd = open("/dev/iommu", O_RDWR), mfd = memfd(4 * PSZ, NULL), ro, nul;
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	ro = open(path, O_RDONLY);
	nul = open("/dev/null", O_RDWR);
	ioas = ioas_alloc(fd);
	test_cmd_mock_domain(fd, ioas, NULL, NULL, NULL);
	report(map_file(fd, ioas, mfd, 0, PSZ, &iova, RWF | 8) == -EOPNOTSUPP, "unknown flag");
	report(map_file(fd, ioas, mfd, 0, UINT64_MAX, &iova, RWF) == -EOVERFLOW,
	       "length >= ULONG_MAX -> EOVERFLOW");
	report(map_file(fd, ioas, mfd, 0, PSZ, &iova, 0) == -EINVAL, "neither read nor write");
	report(map_file(fd, 999, mfd, 0, PSZ, &iova, RWF) == -ENOENT, "no such IOAS");
	report(map_file(fd, ioas, 12345, 0, PSZ, &iova, RWF) == -EBADF, "no such fd -> EBADF");
	report(map_file(fd, ioas, nul, 0, PSZ, &iova, RWF) == -EINVAL, "not a file -> EINVAL");
	report(map_file(fd, ioas, mfd, 0, 4 * PSZ + 1, &iova, RWF) == -EINVAL,
	       "past the end of the file -> EINVAL");
	report(map_file(fd, ioas, mfd, UINT64_MAX - PSZ, 2 * PSZ, &iova, RWF) == -EOVERFLOW,
	       "start + length past 2^64 -> EOVERFLOW");
	report(map_file(fd, ioas, ro, 0, PSZ, &iova, RWF) == -EPERM,
	       "writable mapping of a read-only fd -> EPERM");
	report(map_file(fd, ioas, ro, 0, PSZ, &iova, IOMMU_IOAS_MAP_READABLE) == 0,
	       "read-only mapping of it works");
	report(ftruncate(mfd, 0) == 0 && map_file(fd, ioas, mfd, 0, PSZ, &iova, RWF) == -EINVAL,
	       "after truncation to 0 -> EINVAL");
	close(nul);
	close(ro);
	close(mfd);
	close(fd);
}

KTEST(abi-preload, test_preload_change_process_rule)
{
	uint64_t iova = 0;
	uint32_t ioas;
	int fd = open("/dev/iommu", O_RDWR), mfd = memfd(4 * PSZ, NULL);

	report(change_process(fd, 0) == 0, "no IOAS: nothing to move");
	report(change_process(fd, 1) == -EOPNOTSUPP, "__reserved -> EOPNOTSUPP");
	ioas = ioas_alloc(fd);
	report(map_file(fd, ioas, mfd, 0, 4 * PSZ, &iova, RWF) == 0 && change_process(fd, 0) == 0,
	       "only file maps: allowed");
	report(ioctl_ioas_map(fd, ioas_alloc(fd), buffer, PSZ, NULL, RWF) == 0 &&
	       change_process(fd, 0) == -EINVAL, "a user-memory map in another IOAS -> EINVAL");
	close(mfd);
	close(fd);
}

/* Linux's fail-nth of this thread, armed with n (0 disarms); whether it fired since. */
static int fail_nth_fd = -1;

static void fail_nth(unsigned long n)
{
	char path[64], val[24];

	if (fail_nth_fd < 0) {
		snprintf(path, sizeof(path), "/proc/self/task/%d/fail-nth", gettid());
		fail_nth_fd = open(path, O_RDWR);
	}
	snprintf(val, sizeof(val), "%lu", n);
	pwrite(fail_nth_fd, val, strlen(val), 0);
}

static bool fail_nth_fired(void)
{
	char buf[24] = "";

	return pread(fail_nth_fd, buf, sizeof(buf) - 1, 0) > 0 && !strcmp(buf, "0\n");
}

/*
 * IOMMU_IOAS_MAP_FILE failed at each site in turn (the file view, areas,
 * pages, the domain's tables), of a memfd the program maps and of one it
 * does not: ENOMEM, nothing pinned or mapped; past the last site it maps.
 */
KTEST(abi-preload, test_preload_map_file_failure_at_every_site)
{
	const size_t len = 4 * PSZ;

	for (int mapped = 0; mapped < 2; mapped++) {
		uint8_t *view = NULL;
		int fd = open("/dev/iommu", O_RDWR), mfd = memfd(len, mapped ? &view : NULL);
		int sites = 0, bad = 0, clean = -1;
		uint32_t ioas = ioas_alloc(fd), hwpt;

		test_cmd_mock_domain(fd, ioas, NULL, &hwpt, NULL);
		for (unsigned long n = 1; n < 200 && clean < 0; n++) {
			uint64_t iova = MOCK_APERTURE_START, unmapped = 0;
			int ret;

			fail_nth(n);
			ret = map_file(fd, ioas, mfd, 0, len, &iova, RWF | IOMMU_IOAS_MAP_FIXED_IOVA);
			if (!fail_nth_fired()) {
				fail_nth(0);
				clean = ret == 0 && (!view || test_cmd_check_map(fd, hwpt, iova, view,
										  len) == 0);
				break;
			}
			fail_nth(0);
			sites++;
			/* nothing mapped: unmapping everything finds nothing */
			ioctl_ioas_unmap(fd, ioas, 0, UINT64_MAX, &unmapped);
			bad += ret != -ENOMEM || unmapped ||
			       (view && test_cmd_check_refs(fd, view, len, 0));
		}
		report(clean == 1, "%s memfd: with nothing injected it maps",
		       mapped ? "a mapped" : "an unmapped");
		/* file view, pages (the area inside), batch, tables, the pages a pin keeps alive (alias) */
		report(sites >= 9 && !bad, "%s memfd: %d sites failed one at a time (at least 9): "
		       "ENOMEM, nothing mapped or pinned", mapped ? "a mapped" : "an unmapped", sites);
		if (view)
			munmap(view, len);
		close(mfd);
		close(fd);
	}
}
