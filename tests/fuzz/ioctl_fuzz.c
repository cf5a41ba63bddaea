// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the /dev/iommu ioctl ABI (hosted core + mock, ioctl-sim):
 * an input is a sequence of ioctls on one context; afterwards nothing may
 * be left: no objects, pins, charges, files, mock domains, warnings, heap.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include "core/iommufd.h"
#include "lib/platform.h"
#include <linux/iommufd.h>
#include <iommufd_test.h>
#include <linux/vfio.h>
#include "iommu/mock/mock.h"
#include "ioctl-sim/sim.h"
#include "arch/host/host.h"
#include "lib/alloc.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "tests/user/lib/iommufd_cmds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input format, repeated up to MAX_CALLS times:
 *   sel  which ioctl (picks below; past twice their count: a number nobody knows)
 *   mode bits 0-1: size field = the struct's (0, 1), + 8*bits 2-3 with a
 *        zero tail (2), or raw from the bytes (3); bit 4: tail not zero;
 *        bit 5: the argument is a bad pointer
 *   nfix then nfix times (pos, kind, arg): overwrite the field at 4*pos
 *        with a pointer into the buffer, an ID seen so far, an IOVA, ...
 *   the struct's bytes (zero past the input's end)
 */
#define MAX_CALLS	48
#define MAX_IDS		32
#define NPAGES		16		/* the fuzz-owned user buffer */
/*
 * Hosted, "user memory" is the whole process, ASan's terabytes of shadow
 * included: reading it makes it resident. Pins stop at a memlock limit as
 * in Linux; the self-test ops that walk user pages get short lengths.
 */
#define MEMLOCK_PAGES	1024
#define CHECK_MAX	(64 * PAGE_SIZE)
/*
 * The same for a length the core writes to user memory in full: a pointer
 * fixup (kind 7) can aim into ASan's shadow, where IOMMU_GET_HW_INFO's
 * zero fill of data_len (up to 4 GiB) made gigabytes resident in one call.
 */
#define USER_WRITE_MAX	(CHECK_MAX + PAGE_SIZE)
/*
 * No input may raise the process's resident high-water mark by more than
 * this: pins stop at MEMLOCK_PAGES and the calls that write or copy user
 * memory are bounded by USER_WRITE_MAX, so a jump means unbounded work.
 * Caught here, the input is kept; make fuzz-run's own resident limit (which
 * also catches growth inside a call that never returns) would only stop it.
 */
#define RSS_JUMP_KB	(128 * 1024)

/* The VFIO type1 ioctls on the same fd (size 0: the argument is a number). */
static const struct iommufd_cmd vfio_cmds[] = {
	{ "VFIO_GET_API_VERSION", VFIO_GET_API_VERSION, 0, 0 },
	{ "VFIO_CHECK_EXTENSION", VFIO_CHECK_EXTENSION, 0, 0 },
	{ "VFIO_SET_IOMMU", VFIO_SET_IOMMU, 0, 0 },
	{ "VFIO_IOMMU_GET_INFO", VFIO_IOMMU_GET_INFO, sizeof(struct vfio_iommu_type1_info), 0 },
	{ "VFIO_IOMMU_MAP_DMA", VFIO_IOMMU_MAP_DMA, sizeof(struct vfio_iommu_type1_dma_map), 0 },
	{ "VFIO_IOMMU_UNMAP_DMA", VFIO_IOMMU_UNMAP_DMA,
	  sizeof(struct vfio_iommu_type1_dma_unmap), 0 },
};

/*
 * What an input's selector byte picks: iommufd_cmds[] in its order with MAP
 * and TEST_CMD twice (they reach furthest), then vfio_cmds[]. The corpus was
 * found with this order: keep it.
 */
static const unsigned int picks[] = {
	IOMMU_DESTROY, IOMMU_IOAS_ALLOC, IOMMU_IOAS_ALLOW_IOVAS, IOMMU_IOAS_COPY,
	IOMMU_IOAS_IOVA_RANGES, IOMMU_IOAS_MAP, IOMMU_IOAS_MAP, IOMMU_IOAS_UNMAP, IOMMU_OPTION,
	IOMMU_VFIO_IOAS, IOMMU_HWPT_ALLOC, IOMMU_GET_HW_INFO, IOMMU_TEST_CMD, IOMMU_TEST_CMD,
	VFIO_GET_API_VERSION, VFIO_CHECK_EXTENSION, VFIO_SET_IOMMU, VFIO_IOMMU_GET_INFO,
	VFIO_IOMMU_MAP_DMA, VFIO_IOMMU_UNMAP_DMA,
	/* the 6.7-6.12 ioctls, after the corpus's order */
	IOMMU_HWPT_SET_DIRTY_TRACKING, IOMMU_HWPT_GET_DIRTY_BITMAP, IOMMU_HWPT_INVALIDATE,
	IOMMU_FAULT_QUEUE_ALLOC, IOMMU_IOAS_MAP_FILE, IOMMU_IOAS_CHANGE_PROCESS,
};

/* The table entry of a pick. */
static const struct iommufd_cmd *cmd_of(unsigned int nr)
{
	for (size_t i = 0; i < IOMMUFD_NCMDS; i++)
		if (iommufd_cmds[i].nr == nr)
			return &iommufd_cmds[i];
	for (size_t i = 0; i < ARRAY_SIZE(vfio_cmds); i++)
		if (vfio_cmds[i].nr == nr)
			return &vfio_cmds[i];
	abort();
}

struct input {
	const uint8_t *p;
	size_t left;
};

static uint8_t byte(struct input *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static struct {
	uint8_t *buf, *ro, *hole;	/* NPAGES read-write, one read-only, one unmapped */
	uint32_t ids[MAX_IDS];
	int nids;
	int files[MAX_CALLS];		/* access fds to close */
	int nfiles;
	bool trace;			/* IOCTL_FUZZ_TRACE=1: print every call */
} F;

/* A broken invariant: print what and crash, so the fuzzer keeps the input. */
static void must(bool cond, const char *what, long a, long b)
{
	if (cond)
		return;
	fprintf(stderr, "ioctl_fuzz: %s (%ld, %ld)\n", what, a, b);
	abort();
}

static void setup(void)
{
	uint8_t *m = mmap(NULL, (NPAGES + 2) * PAGE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	must(m != MAP_FAILED, "mmap of the fuzz buffer", 0, 0);
	F.buf = m;
	F.ro = m + NPAGES * PAGE_SIZE;
	F.hole = F.ro + PAGE_SIZE;
	mprotect(F.ro, PAGE_SIZE, PROT_READ);
	munmap(F.hole, PAGE_SIZE);
	F.trace = getenv("IOCTL_FUZZ_TRACE") != NULL;
}

static void put64(uint8_t *s, unsigned int pos, uint64_t v)
{
	memcpy(s + pos, &v, sizeof(v));
}

/* One fixup of the field at pos: the values that reach deep into the handlers. */
static void fixup(uint8_t *s, unsigned int size, uint8_t pos, uint8_t kind, uint8_t arg)
{
	unsigned int at = (pos % (size / 4)) * 4;
	uint32_t id = F.nids ? F.ids[arg % F.nids] : arg % 4;
	bool wide = at + 8 <= size;

	switch (kind % 8) {
	case 0:	/* a page of the buffer, sometimes not page-aligned */
		if (wide)
			put64(s, at, (uint64_t)(uintptr_t)(F.buf + (arg % NPAGES) * PAGE_SIZE +
							   (arg & 0x80 ? 0x800 : 0)));
		break;
	case 1:
		if (wide)
			put64(s, at, (uint64_t)(uintptr_t)(arg & 1 ? F.ro : F.hole));
		break;
	case 2:
		memcpy(s + at, &id, sizeof(id));
		break;
	case 3:	/* an IOVA in the mock aperture */
		if (wide)
			put64(s, at, MOCK_APERTURE_START + (uint64_t)arg * MOCK_IO_PAGE_SIZE);
		break;
	case 4:	/* a length in pages */
		if (wide)
			put64(s, at, (uint64_t)(arg % (NPAGES + 2)) * (arg & 0x80 ? 2048 : PAGE_SIZE));
		break;
	case 5:
		s[at] = arg;
		memset(s + at + 1, 0, 3);
		break;
	case 6:	/* the top of the address space */
		if (wide)
			put64(s, at, UINT64_MAX - arg);
		break;
	default:
		if (wide)
			put64(s, at, (uint64_t)arg << (arg % 48));
		break;
	}
}

static bool is_errno(long r)
{
	return r >= -133 && r < 0;
}

static void remember(uint32_t id)
{
	if (F.nids < MAX_IDS)
		F.ids[F.nids++] = id;
	else
		F.ids[id % MAX_IDS] = id;
}

/*
 * One ioctl. *digest is the context's state before it (nothing changes it
 * between calls), and after it on return: one digest per call.
 */
static void one_call(int fd, struct iommufd_ctx *ictx, struct input *in, u64 *digest)
{
	static union {
		uint8_t b[256];
		uint64_t q[32];
		struct iommu_ioas_alloc alloc;
		struct iommu_vfio_ioas vfio_ioas;
		struct iommu_hwpt_alloc hwpt;
		struct iommu_fault_alloc fault;
		struct iommu_hw_info hw_info;
		struct iommu_test_cmd test;
	} s;
	uint8_t sel = byte(in), mode = byte(in), nfix = byte(in) % 8, fix[8][3];
	const struct iommufd_cmd *t = cmd_of(picks[sel % ARRAY_SIZE(picks)]);
	unsigned int nr = t->nr, size = t->size, user = size;
	uint64_t arg = (uint64_t)(uintptr_t)&s, before = *digest;
	long r;

	for (int i = 0; i < nfix; i++)
		for (int j = 0; j < 3; j++)
			fix[i][j] = byte(in);
	memset(&s, 0, sizeof(s));
	for (unsigned int i = 0; i < (size ? size : 8); i++)
		s.b[i] = byte(in);
	if (sel >= 2 * ARRAY_SIZE(picks))
		nr ^= 1u << (sel % 32);		/* a number nobody knows */
	if (!size) {
		arg = s.b[0] % 8;
	} else {
		for (int i = 0; i < nfix; i++)
			fixup(s.b, size, fix[i][0], fix[i][1], fix[i][2]);
		if (nr == IOMMU_GET_HW_INFO)
			s.hw_info.data_len %= USER_WRITE_MAX;
		if (nr == IOMMU_TEST_CMD) {
			/* the memory limit is global: it would outlive the input */
			s.test.op %= IOMMU_TEST_OP_TRIGGER_IOPF + 2;
			if (s.test.op == IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT)
				s.test.op = IOMMU_TEST_OP_MOCK_DOMAIN;
			if (s.test.op == IOMMU_TEST_OP_MD_CHECK_REFS)
				s.test.check_refs.length %= CHECK_MAX + PAGE_SIZE;
			if (s.test.op == IOMMU_TEST_OP_MD_CHECK_MAP)
				s.test.check_map.length %= CHECK_MAX + PAGE_SIZE;
			if (s.test.op == IOMMU_TEST_OP_ACCESS_RW)
				s.test.access_rw.length %= USER_WRITE_MAX;
		}
		switch (mode & 3) {
		case 2:
			user = size + 8 * ((mode >> 2) & 3);
			if (mode & 0x10)
				s.b[user - 1] = 1;
			break;
		case 3:
			memcpy(&user, s.b, sizeof(user));
			user = user > sizeof(s) ? sizeof(s) : user;
			break;
		}
		if (nr < VFIO_GET_API_VERSION || nr > VFIO_IOMMU_UNMAP_DMA)
			memcpy(s.b, &user, sizeof(user));	/* iommufd's size field */
		if (mode & 0x20)
			arg = (uint64_t)(uintptr_t)(mode & 0x40 ? F.hole : F.ro);
	}
	r = sim_ioctl(fd, nr, arg);
	*digest = iommufd_test_digest(ictx);
	if (F.trace)
		fprintf(stderr, "ioctl_fuzz: ioctl %#x size %u op %u -> %ld\n", nr, user,
			nr == IOMMU_TEST_CMD ? s.test.op : 0, r);
	must(r >= 0 ? nr == VFIO_GET_API_VERSION || nr == VFIO_CHECK_EXTENSION || !r :
		      is_errno(r), "an ioctl returned neither 0 nor -errno", (long)nr, r);
	/*
	 * an unmap may fail after a partial change, as Linux's does (a flipped
	 * number too); and as on Linux a reply that cannot be written back is
	 * EFAULT after the work
	 */
	if (r < 0 && r != -EFAULT && nr != IOMMU_IOAS_UNMAP && nr != VFIO_IOMMU_UNMAP_DMA)
		must(*digest == before, "a failed ioctl changed the state",
		     (long)nr, r);
	/* a fault queue's fd holds the context: close it with the others */
	if (!r && nr == IOMMU_FAULT_QUEUE_ALLOC && F.nfiles < MAX_CALLS)
		F.files[F.nfiles++] = (int)s.fault.out_fault_fd;
	if (r || !size)
		return;
	/* the IDs a call hands out (flipped numbers too: by the struct that was filled) */
	switch (t->nr) {
	case IOMMU_IOAS_ALLOC:
		remember(s.alloc.out_ioas_id);
		break;
	case IOMMU_VFIO_IOAS:
		remember(s.vfio_ioas.ioas_id);
		break;
	case IOMMU_HWPT_ALLOC:
		remember(s.hwpt.out_hwpt_id);
		break;
	case IOMMU_FAULT_QUEUE_ALLOC:
		remember(s.fault.out_fault_id);
		break;
	}
	if (nr != IOMMU_TEST_CMD)
		return;
	switch (s.test.op) {
	case IOMMU_TEST_OP_MOCK_DOMAIN:
	case IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS:
		remember(s.test.mock_domain.out_stdev_id);
		remember(s.test.mock_domain.out_hwpt_id);
		remember(s.test.mock_domain.out_idev_id);
		break;
	case IOMMU_TEST_OP_CREATE_ACCESS:
		remember(s.test.create_access.out_access_fd);
		if (F.nfiles < MAX_CALLS)
			F.files[F.nfiles++] = (int)s.test.create_access.out_access_fd;
		break;
	case IOMMU_TEST_OP_ACCESS_PAGES:
		remember(s.test.access_pages.out_access_pages_id);
		break;
	}
}

struct counts {
	long objects, pins, charged, files, mock_doms, mock_devs, violations, warnings, heap;
	long rss_kb;
};

/* The resident high-water mark in KiB. */
static long max_rss_kb(void)
{
	struct rusage ru;

	must(getrusage(RUSAGE_SELF, &ru) == 0, "getrusage", 0, 0);
	return ru.ru_maxrss;
}

static void counts(struct counts *c)
{
	struct iommufd_account *a = iommufd_account_get(IOMMUFD_ACCOUNT_USER);

	c->charged = (long)iommufd_account_charged(a);
	iommufd_account_put(a);
	c->objects = iommufd_live_objects();
	c->pins = iommufd_pinned_pages();
	c->files = sim_live_files();
	c->mock_doms = mock_live_domains();
	c->mock_devs = mock_live_devs();
	c->violations = mock_violations();
	c->warnings = (long)plat_warn_count();
	c->heap = (long)kmalloc_live();
	c->rss_kb = max_rss_kb();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct counts before, after;
	struct iommufd_ctx *ictx;
	u64 digest;
	int fd;

	if (!F.buf)
		setup();
	host_user_copy_fast(true);
	counts(&before);
	iommufd_set_memlock_limit(MEMLOCK_PAGES);
	F.nids = F.nfiles = 0;
	fd = sim_open("/dev/iommu", 2);
	must(fd >= 0, "open /dev/iommu", fd, 0);
	ictx = sim_iommufd_ctx_from_fd(fd);
	must(!IS_ERR(ictx), "the fd's context", 0, 0);
	iommufd_ctx_put(ictx);	/* the fd keeps it */
	digest = iommufd_test_digest(ictx);
	for (int i = 0; i < MAX_CALLS && in.left; i++)
		one_call(fd, ictx, &in, &digest);
	for (int i = 0; i < F.nfiles; i++)
		sim_close(F.files[i]);
	must(sim_close(fd) == 0, "close /dev/iommu", 0, 0);
	iommufd_set_memlock_limit(ULONG_MAX);
	counts(&after);
	must(after.objects == before.objects, "live objects after close", before.objects,
	     after.objects);
	must(after.pins == before.pins, "pinned pages after close", before.pins, after.pins);
	must(after.charged == before.charged, "charged pages after close", before.charged,
	     after.charged);
	must(after.files == before.files, "open files after close", before.files, after.files);
	must(after.mock_doms == before.mock_doms && after.mock_devs == before.mock_devs,
	     "mock domains and devices after close", after.mock_doms, after.mock_devs);
	must(after.violations == before.violations, "mock driver contract violations",
	     before.violations, after.violations);
	must(after.warnings == before.warnings, "core warnings", before.warnings,
	     after.warnings);
	must(after.heap == before.heap, "heap objects after close", before.heap, after.heap);
	must(after.rss_kb - before.rss_kb <= RSS_JUMP_KB, "resident KiB grew by one input",
	     before.rss_kb, after.rss_kb);
	host_user_copy_fast(false);	/* the corpus replay shares test-core with other suites */
	return 0;
}
