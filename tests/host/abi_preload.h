/* SPDX-License-Identifier: MIT */
/*
 * The abi-preload suite's fixture: a buffer like Linux's self-test one, and
 * an open /dev/iommu with an IOAS and no, one or two mock domains.
 */
#ifndef TESTS_HOST_ABI_PRELOAD_H
#define TESTS_HOST_ABI_PRELOAD_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <linux/iommufd.h>
#include "iommufd_test.h"
#include "tests/user/lib/iommufd_calls.h"
#include "tests/ktest.h"

#define PSZ 4096UL
#define MOCK_PSZ (PSZ / 2)
#define BUF_SIZE (16 * PSZ)
#define RWF (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)

/* BUF_SIZE bytes, 2 MiB aligned, shared anonymous memory. */
extern uint8_t *buffer;

struct fx {
	int fd;
	uint32_t ioas, stdev[2], hwpt[2], idev[2];
	uint64_t base;
};

/* The IOAS fixture: no, one or two mock domains, or one with a tiny batch limit. */
struct variant {
	const char *name;
	int domains;
	uint32_t limit;
};

#define NVARIANTS 4
extern const struct variant variants[NVARIANTS];

bool fx_setup(struct fx *f, const struct variant *v);
void fx_teardown(struct fx *f);

#define FOR_VARIANTS(f, v)                                                  \
	for (const struct variant *v = variants; v < variants + NVARIANTS; v++) \
		if (fx_setup(f, v))

/* An IOAS ID; 0 (which every later call rejects) if none was had. */
static inline uint32_t ioas_alloc(int fd)
{
	uint32_t id = 0;

	ioctl_ioas_alloc(fd, &id);
	return id;
}

static inline int map_fixed(int fd, uint32_t ioas, void *p, uint64_t len, uint64_t iova)
{
	return ioctl_ioas_map(fd, ioas, p, len, &iova, RWF | IOMMU_IOAS_MAP_FIXED_IOVA);
}

#endif
