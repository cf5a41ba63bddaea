/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the core, abi and fault-inject suites, in the kernel and
 * hosted: /dev/iommu through the syscall stub, user buffers, and the
 * ioctls and self-test ops of tests/user/lib/iommufd_calls.h (0 or -errno).
 */
#ifndef TESTS_KERNEL_CORE_UTIL_H
#define TESTS_KERNEL_CORE_UTIL_H

#include "core/iommufd.h"
#include "lib/platform.h"
#include <linux/iommufd.h>
#include <iommufd_test.h>
#include <linux/vfio.h>
#include "ioctl-sim/sim.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/ktest.h"

#define U(p) ((u64)(uintptr_t)(p))
#define MOCK_PAGE_SIZE 2048UL
#define RW (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
/* t_map flag: send flags as given even without READABLE/WRITEABLE. */
#define T_NO_RW 0x80000000u

/* --- provided per environment (tests/kernel/core_env.c, tests/host/core_env.c) --- */
/* len bytes of page-aligned, zeroed user memory that can be pinned. */
void *t_buf(size_t len);
void t_buf_free(void *p, size_t len);
/* len bytes of user address space that no copy or pin may touch. */
u64 t_unmapped(size_t len);

/* --- common --- */
int t_open(void);
int t_close(int fd);
long t_ioctl(int fd, unsigned int cmd, void *arg);
struct iommufd_ctx *t_ctx(int fd);
/* The domain of HWPT hwpt (no reference kept), its mock entries and map runs. */
struct iommu_domain *t_domain(int fd, u32 hwpt);
unsigned long t_mock_entries(int fd, u32 hwpt);
int t_mock_runs(int fd, u32 hwpt, u64 iova, u64 len);

/* An IOAS (0, and a failed report, if none can be had). */
u32 t_ioas(int fd);
/* Map with READABLE | WRITEABLE added unless flags has one (or T_NO_RW). */
int t_map(int fd, u32 ioas, const void *buf, u64 len, u64 *iova, u32 flags);
int t_map_fixed(int fd, u32 ioas, const void *buf, u64 len, u64 iova);
/* Copy with READABLE | WRITEABLE when flags is 0. */
int t_copy(int fd, u32 dst, u32 src, u64 src_iova, u64 len, u64 *dst_iova, u32 flags);

/* The other ioctls and self-test ops, as tests/user/lib/iommufd_calls.h has them. */
int t_unmap(int fd, u32 ioas, u64 iova, u64 len, u64 *unmapped);
int t_destroy(int fd, u32 id);
int t_ranges(int fd, u32 ioas, struct iommu_iova_range *r, u32 *num, u64 *align);
int t_allow(int fd, u32 ioas, const struct iommu_iova_range *r, u32 num);
int t_option(int fd, u32 option, u16 op, u32 object, u64 *val);
int t_hwpt_alloc(int fd, u32 idev, u32 pt, u32 flags, u32 *id);
int t_vfio_ioas_set(int fd, u32 ioas);

int t_mock_domain(int fd, u32 pt, u32 *stdev, u32 *hwpt, u32 *idev);
int t_mock_domain_flags(int fd, u32 pt, u32 dev_flags, u32 *stdev, u32 *hwpt, u32 *idev);
int t_replace(int fd, u32 stdev, u32 *pt);
int t_check_map(int fd, u32 hwpt, u64 iova, const void *buf, u64 len);
int t_check_refs(int fd, const void *buf, u64 len, u32 refs);
int t_add_reserved(int fd, u32 ioas, u64 start, u64 len);
int t_create_access(int fd, u32 ioas, u32 flags, int *afd);
int t_access_pages(int fd, int afd, u64 iova, u64 len, const void *uptr, u32 flags, u32 *id);
int t_destroy_access_pages(int fd, int afd, u32 id);
int t_access_rw(int fd, int afd, u64 iova, void *buf, u64 len, u32 flags);
int t_access_replace(int fd, int afd, u32 ioas);
int t_memory_limit(int fd, u32 limit);

/* Pins charged to the current per-user account. */
unsigned long t_charged(void);

#endif
