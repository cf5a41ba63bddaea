// SPDX-License-Identifier: MIT
/*
 * Test helpers of core_util.h shared by both builds, and the leak-check
 * counters of the core: live objects, pins, mock domains and devices,
 * broken driver contracts, core warnings, open simulated files.
 */
#include "tests/kernel/core_util.h"
#include "core/iommufd_private.h"
#include "iommu/mock/mock.h"
#include "lib/err.h"

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
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	long r = t_ioctl(fd, IOMMU_IOAS_ALLOC, &cmd);

	if (r)
		report(false, "IOAS_ALLOC: %ld", r);
	return r ? 0 : cmd.out_ioas_id;
}

int t_map(int fd, u32 ioas, const void *buf, u64 len, u64 *iova, u32 flags)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd), .flags = flags, .ioas_id = ioas,
		.user_va = U(buf), .length = len, .iova = iova ? *iova : 0,
	};
	long r;

	if (flags & T_NO_RW)
		cmd.flags = flags & ~T_NO_RW;
	else if (!(flags & (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)))
		cmd.flags |= RW;
	r = t_ioctl(fd, IOMMU_IOAS_MAP, &cmd);
	if (!r && iova)
		*iova = cmd.iova;
	return (int)r;
}

int t_map_fixed(int fd, u32 ioas, const void *buf, u64 len, u64 iova)
{
	return t_map(fd, ioas, buf, len, &iova, IOMMU_IOAS_MAP_FIXED_IOVA);
}

int t_unmap(int fd, u32 ioas, u64 iova, u64 len, u64 *unmapped)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd), .ioas_id = ioas, .iova = iova, .length = len,
	};
	long r = t_ioctl(fd, IOMMU_IOAS_UNMAP, &cmd);

	if (!r && unmapped)
		*unmapped = cmd.length;
	return (int)r;
}

int t_copy(int fd, u32 dst, u32 src, u64 src_iova, u64 len, u64 *dst_iova, u32 flags)
{
	struct iommu_ioas_copy cmd = {
		.size = sizeof(cmd), .flags = flags ? flags : RW, .dst_ioas_id = dst,
		.src_ioas_id = src, .length = len, .dst_iova = *dst_iova, .src_iova = src_iova,
	};
	long r = t_ioctl(fd, IOMMU_IOAS_COPY, &cmd);

	if (!r)
		*dst_iova = cmd.dst_iova;
	return (int)r;
}

int t_destroy(int fd, u32 id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return (int)t_ioctl(fd, IOMMU_DESTROY, &cmd);
}

int t_ranges(int fd, u32 ioas, struct iommu_iova_range *r, u32 *num, u64 *align)
{
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd), .ioas_id = ioas, .num_iovas = *num, .allowed_iovas = U(r),
	};
	long ret = t_ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &cmd);

	if (!ret || ret == -EMSGSIZE) {
		*num = cmd.num_iovas;
		if (align)
			*align = cmd.out_iova_alignment;
	}
	return (int)ret;
}

int t_allow(int fd, u32 ioas, const struct iommu_iova_range *r, u32 num)
{
	struct iommu_ioas_allow_iovas cmd = {
		.size = sizeof(cmd), .ioas_id = ioas, .num_iovas = num, .allowed_iovas = U(r),
	};

	return (int)t_ioctl(fd, IOMMU_IOAS_ALLOW_IOVAS, &cmd);
}

int t_option(int fd, u32 option, u16 op, u32 object, u64 *val)
{
	struct iommu_option cmd = {
		.size = sizeof(cmd), .option_id = option, .op = op, .object_id = object,
		.val64 = *val,
	};
	long r = t_ioctl(fd, IOMMU_OPTION, &cmd);

	if (!r)
		*val = cmd.val64;
	return (int)r;
}

static long test_cmd(int fd, struct iommu_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	return t_ioctl(fd, IOMMU_TEST_CMD, cmd);
}

int t_mock_domain_flags(int fd, u32 pt, u32 dev_flags, u32 *stdev, u32 *hwpt, u32 *idev)
{
	struct iommu_test_cmd cmd = {
		.op = dev_flags ? IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS : IOMMU_TEST_OP_MOCK_DOMAIN,
		.id = pt, .mock_domain_flags = { .dev_flags = dev_flags },
	};
	long r = test_cmd(fd, &cmd);

	if (!r) {
		if (stdev)
			*stdev = cmd.mock_domain.out_stdev_id;
		if (hwpt)
			*hwpt = cmd.mock_domain.out_hwpt_id;
		if (idev)
			*idev = cmd.mock_domain.out_idev_id;
	}
	return (int)r;
}

int t_mock_domain(int fd, u32 pt, u32 *stdev, u32 *hwpt, u32 *idev)
{
	return t_mock_domain_flags(fd, pt, 0, stdev, hwpt, idev);
}

int t_replace(int fd, u32 stdev, u32 *pt)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, .id = stdev,
		.mock_domain_replace = { .pt_id = *pt },
	};
	long r = test_cmd(fd, &cmd);

	if (!r)
		*pt = cmd.mock_domain_replace.pt_id;
	return (int)r;
}

int t_check_map(int fd, u32 hwpt, u64 iova, const void *buf, u64 len)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MD_CHECK_MAP, .id = hwpt,
		.check_map = { .iova = iova, .length = len, .uptr = U(buf) },
	};

	return (int)test_cmd(fd, &cmd);
}

int t_check_refs(int fd, const void *buf, u64 len, u32 refs)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MD_CHECK_REFS,
		.check_refs = { .length = len, .uptr = U(buf), .refs = refs },
	};

	return (int)test_cmd(fd, &cmd);
}

int t_add_reserved(int fd, u32 ioas, u64 start, u64 len)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ADD_RESERVED, .id = ioas,
		.add_reserved = { .start = start, .length = len },
	};

	return (int)test_cmd(fd, &cmd);
}

int t_create_access(int fd, u32 ioas, u32 flags, int *afd)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_CREATE_ACCESS, .id = ioas, .create_access = { .flags = flags },
	};
	long r = test_cmd(fd, &cmd);

	if (!r)
		*afd = (int)cmd.create_access.out_access_fd;
	return (int)r;
}

int t_access_pages(int fd, int afd, u64 iova, u64 len, const void *uptr, u32 flags, u32 *id)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ACCESS_PAGES, .id = (u32)afd,
		.access_pages = { .flags = flags, .iova = iova, .length = len, .uptr = U(uptr) },
	};
	long r = test_cmd(fd, &cmd);

	if (!r && id)
		*id = cmd.access_pages.out_access_pages_id;
	return (int)r;
}

int t_destroy_access_pages(int fd, int afd, u32 id)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_DESTROY_ACCESS_PAGES, .id = (u32)afd,
		.destroy_access_pages = { .access_pages_id = id },
	};

	return (int)test_cmd(fd, &cmd);
}

int t_access_rw(int fd, int afd, u64 iova, void *buf, u64 len, u32 flags)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ACCESS_RW, .id = (u32)afd,
		.access_rw = { .iova = iova, .length = len, .uptr = U(buf), .flags = flags },
	};

	return (int)test_cmd(fd, &cmd);
}

int t_access_replace(int fd, int afd, u32 ioas)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ACCESS_REPLACE_IOAS, .id = (u32)afd,
		.access_replace_ioas = { .ioas_id = ioas },
	};

	return (int)test_cmd(fd, &cmd);
}

int t_memory_limit(int fd, u32 limit)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT, .memory_limit = { .limit = limit },
	};

	return (int)test_cmd(fd, &cmd);
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
