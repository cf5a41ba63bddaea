// SPDX-License-Identifier: MIT
/*
 * Test helpers of core_util.h shared by both builds (the ioctls are
 * tests/user/lib/iommufd_calls.h over ioctl-sim), and the leak-check
 * counters of the core: live objects, pins, mock domains and devices,
 * broken driver contracts, core warnings, open simulated files.
 */
#include "tests/kernel/core_util.h"
#include "core/iommufd_private.h"
#include "iommu/mock/mock.h"
#include "lib/err.h"

/* tests/user/lib/iommufd_calls.h fills each struct; here through ioctl-sim. */
#define IOMMUFD_IOCTL(fd, nr, arg) t_ioctl(fd, nr, arg)
#include "tests/user/lib/iommufd_calls.h"

int t_open(void)
{
	int fd = sim_open("/dev/iommu", 2);

	if (fd < 0)
		report(false, "open /dev/iommu: %d", fd);
	return fd;
}

int t_close(int fd)
{
	return sim_close(fd);
}

long t_ioctl(int fd, unsigned int cmd, void *arg)
{
	return sim_ioctl(fd, cmd, U(arg));
}

struct iommufd_ctx *t_ctx(int fd)
{
	struct iommufd_ctx *ictx = sim_iommufd_ctx_from_fd(fd);

	if (IS_ERR(ictx))
		return NULL;
	iommufd_ctx_put(ictx);	/* the fd keeps it alive */
	return ictx;
}

struct iommu_domain *t_domain(int fd, u32 hwpt)
{
	struct iommufd_ctx *ictx = t_ctx(fd);
	struct iommufd_object *obj = ictx ? iommufd_get_object(ictx, hwpt, IOMMUFD_OBJ_HWPT_PAGING) :
					    ERR_PTR(-ENOENT);
	struct iommu_domain *d;

	if (IS_ERR(obj))
		return NULL;
	d = container_of(obj, struct iommufd_hw_pagetable, obj)->domain;
	iommufd_put_object(ictx, obj);
	return d;
}

unsigned long t_mock_entries(int fd, u32 hwpt)
{
	struct iommu_domain *d = t_domain(fd, hwpt);

	return d ? mock_domain_entries(d) : ~0UL;
}

/* Map-call runs of the mock domain over [iova, iova + len): START marks seen. */
int t_mock_runs(int fd, u32 hwpt, u64 iova, u64 len)
{
	struct iommu_domain *d = t_domain(fd, hwpt);
	int runs = 0;

	for (u64 off = 0; d && off < len; off += MOCK_PAGE_SIZE) {
		phys_addr_t pa;
		u64 flags;

		if (mock_domain_lookup(d, iova + off, &pa, &flags))
			return -1;
		runs += !!(flags & MOCK_PFN_START_IOVA);
	}
	return d ? runs : -1;
}

u32 t_ioas(int fd)
{
	u32 id = 0;
	int r = ioctl_ioas_alloc(fd, &id);

	if (r)
		report(false, "IOAS_ALLOC: %d", r);
	return r ? 0 : id;
}

int t_map(int fd, u32 ioas, const void *buf, u64 len, u64 *iova, u32 flags)
{
	if (flags & T_NO_RW)
		flags &= ~T_NO_RW;
	else if (!(flags & (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)))
		flags |= RW;
	return ioctl_ioas_map(fd, ioas, buf, len, iova, flags);
}

int t_map_fixed(int fd, u32 ioas, const void *buf, u64 len, u64 iova)
{
	return t_map(fd, ioas, buf, len, &iova, IOMMU_IOAS_MAP_FIXED_IOVA);
}

int t_copy(int fd, u32 dst, u32 src, u64 src_iova, u64 len, u64 *dst_iova, u32 flags)
{
	return ioctl_ioas_copy(fd, dst, src, src_iova, len, dst_iova, flags ? flags : RW);
}

int t_unmap(int fd, u32 ioas, u64 iova, u64 len, u64 *unmapped)
{
	return ioctl_ioas_unmap(fd, ioas, iova, len, unmapped);
}

int t_destroy(int fd, u32 id)
{
	return ioctl_destroy(fd, id);
}

int t_ranges(int fd, u32 ioas, struct iommu_iova_range *r, u32 *num, u64 *align)
{
	return ioctl_ioas_iova_ranges(fd, ioas, r, num, align);
}

int t_allow(int fd, u32 ioas, const struct iommu_iova_range *r, u32 num)
{
	return ioctl_ioas_allow_iovas(fd, ioas, r, num);
}

int t_option(int fd, u32 option, u16 op, u32 object, u64 *val)
{
	return ioctl_option(fd, option, op, object, val);
}

int t_hwpt_alloc(int fd, u32 idev, u32 pt, u32 flags, u32 *id)
{
	return ioctl_hwpt_alloc(fd, idev, pt, flags, id);
}

int t_vfio_ioas_set(int fd, u32 ioas)
{
	return ioctl_vfio_ioas_set(fd, ioas);
}

int t_mock_domain(int fd, u32 pt, u32 *stdev, u32 *hwpt, u32 *idev)
{
	return test_cmd_mock_domain(fd, pt, stdev, hwpt, idev);
}

int t_mock_domain_flags(int fd, u32 pt, u32 dev_flags, u32 *stdev, u32 *hwpt, u32 *idev)
{
	return test_cmd_mock_domain_flags(fd, pt, dev_flags, stdev, hwpt, idev);
}

int t_replace(int fd, u32 stdev, u32 *pt)
{
	return test_cmd_mock_domain_replace(fd, stdev, pt);
}

int t_check_map(int fd, u32 hwpt, u64 iova, const void *buf, u64 len)
{
	return test_cmd_check_map(fd, hwpt, iova, buf, len);
}

int t_check_refs(int fd, const void *buf, u64 len, u32 refs)
{
	return test_cmd_check_refs(fd, buf, len, refs);
}

int t_add_reserved(int fd, u32 ioas, u64 start, u64 len)
{
	return test_cmd_add_reserved(fd, ioas, start, len);
}

int t_create_access(int fd, u32 ioas, u32 flags, int *afd)
{
	return test_cmd_create_access(fd, ioas, flags, afd);
}

int t_access_pages(int fd, int afd, u64 iova, u64 len, const void *uptr, u32 flags, u32 *id)
{
	return test_cmd_access_pages(fd, afd, iova, len, uptr, flags, id);
}

int t_destroy_access_pages(int fd, int afd, u32 id)
{
	return test_cmd_destroy_access_pages(fd, afd, id);
}

int t_access_rw(int fd, int afd, u64 iova, void *buf, u64 len, u32 flags)
{
	return test_cmd_access_rw(fd, afd, iova, buf, len, flags);
}

int t_access_replace(int fd, int afd, u32 ioas)
{
	return test_cmd_access_replace_ioas(fd, afd, ioas);
}

int t_memory_limit(int fd, u32 limit)
{
	return test_cmd_memory_limit(fd, limit);
}

unsigned long t_charged(void)
{
	struct iommufd_account *a = iommufd_account_get(IOMMUFD_ACCOUNT_USER);
	unsigned long n = iommufd_account_charged(a);

	iommufd_account_put(a);
	return n;
}

static long count_objects(void)
{
	return iommufd_live_objects();
}

static long count_pins(void)
{
	return iommufd_pinned_pages();
}

static long count_mock_domains(void)
{
	return mock_live_domains();
}

static long count_mock_devs(void)
{
	return mock_live_devs();
}

static long count_mock_violations(void)
{
	return mock_violations();
}

static long count_files(void)
{
	return sim_live_files();
}

static long count_charged(void)
{
	return (long)t_charged();
}

KTEST_COUNTER(iommufd_objects, count_objects);
KTEST_COUNTER(iommufd_pinned_pages, count_pins);
KTEST_COUNTER(iommufd_charged_pages, count_charged);
KTEST_COUNTER(mock_domains, count_mock_domains);
KTEST_COUNTER(mock_devices, count_mock_devs);
KTEST_COUNTER(mock_contract_violations, count_mock_violations);
KTEST_COUNTER(sim_open_files, count_files);
