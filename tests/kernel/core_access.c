// SPDX-License-Identifier: MIT
/*
 * core suite: accesses. Pins shared with domains (class 16), copies
 * through IOVA (class 19), unmap waiting on accesses and refusing when an
 * access will not unpin (class 21), replace keeping IDs straight (class 6).
 */
#include "tests/kernel/core_util.h"
#include "core/iommufd_private.h"

#define PG PAGE_SIZE
#define BASE MOCK_APERTURE_START

/* Class 16: at every step each page's pin count equals a shadow count. */
KTEST(core, test_core_access_and_domain_share_pins)
{
	u8 *buf = t_buf(8 * PG);
	int fd = t_open(), afd, bad = 0;
	u32 ioas = t_ioas(fd), stdev, hwpt, pin;

	t_mock_domain(fd, ioas, &stdev, &hwpt, NULL);
	t_map_fixed(fd, ioas, buf, 8 * PG, BASE);
	t_create_access(fd, ioas, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, &afd);
	bad += t_access_pages(fd, afd, BASE + 2 * PG, 3 * PG, buf + 2 * PG, 0, &pin);
	report(!bad && t_check_refs(fd, buf, 8 * PG, 1) == 0,
	       "domain and access share one pin per page");
	report(t_destroy(fd, stdev) == 0 && t_check_refs(fd, buf + 2 * PG, 3 * PG, 1) == 0 &&
	       t_check_refs(fd, buf, 2 * PG, 0) == 0 && t_check_refs(fd, buf + 5 * PG, 3 * PG, 0) == 0,
	       "domain gone: only the access's pages stay pinned");
	report(t_unmap(fd, ioas, BASE, 8 * PG, NULL) == 0 && t_check_refs(fd, buf, 8 * PG, 0) == 0,
	       "unmap makes the access unpin; nothing pinned");
	report(t_destroy_access_pages(fd, afd, pin) == -ENOENT, "its pin item is gone");
	t_close(afd);
	t_close(fd);
	t_buf_free(buf, 8 * PG);
}

/* Class 19: every rw path returns a defined status. */
KTEST(core, test_core_access_rw_status)
{
	u8 *buf = t_buf(4 * PG), *tmp = t_buf(4 * PG);
	int fd = t_open(), afd;
	u32 ioas = t_ioas(fd);

	t_create_access(fd, ioas, 0, &afd);
	report(t_access_rw(fd, afd, 0x100000, tmp, 16, 0) == -ENOENT, "nothing mapped -> ENOENT");
	t_map_fixed(fd, ioas, buf, 2 * PG, 0x100000);
	t_map_fixed(fd, ioas, buf + 2 * PG, 2 * PG, 0x100000 + 2 * PG);
	report(t_access_rw(fd, afd, 0x100000, tmp, 0, 0) == -EINVAL, "length 0 -> EINVAL");
	report(t_access_rw(fd, afd, ~0UL - 7, tmp, 16, 0) == -EOVERFLOW, "wrapping -> EOVERFLOW");
	for (int i = 0; i < 4 * (int)PG; i++)
		buf[i] = (u8)(i * 7);
	report(t_access_rw(fd, afd, 0x100000 + PG, tmp, 2 * PG, 0) == 0 &&
	       !memcmp(tmp, buf + PG, 2 * PG), "a read across two areas returns their bytes");
	memset(tmp, 0x5a, PG);
	report(t_access_rw(fd, afd, 0x100000 + 2 * PG - 8, tmp, 16,
			   MOCK_ACCESS_RW_WRITE | MOCK_ACCESS_RW_SLOW_PATH) == 0 &&
	       buf[2 * PG - 8] == 0x5a && buf[2 * PG + 7] == 0x5a && buf[2 * PG + 8] != 0x5a,
	       "a slow-path write across the area edge lands exactly");
	report(t_access_rw(fd, afd, 0x100000 + 4 * PG - 8, tmp, 16, 0) == -ENOENT,
	       "running off the last area -> ENOENT");
	t_unmap(fd, ioas, 0, U64_MAX, NULL);
	t_map(fd, ioas, buf, PG, &(u64){ 0x200000 }, IOMMU_IOAS_MAP_FIXED_IOVA |
	      IOMMU_IOAS_MAP_READABLE);
	report(t_access_rw(fd, afd, 0x200000, tmp, 8, MOCK_ACCESS_RW_WRITE) == -EPERM,
	       "write through a read-only area -> EPERM");
	report(t_access_rw(fd, afd, 0x200000, (void *)(uintptr_t)t_unmapped(PG), 8, 0) == -EFAULT,
	       "bad user buffer -> EFAULT");
	t_close(afd);
	t_close(fd);
	t_buf_free(buf, 4 * PG);
	t_buf_free(tmp, 4 * PG);
}

static int unpin_calls;

/* An access that ignores unmap requests (class 21). */
static void stubborn_unmap(void *data, unsigned long iova, unsigned long length)
{
	unpin_calls++;
}

static const struct iommufd_access_ops stubborn_ops = {
	.needs_pin_pages = 1,
	.unmap = stubborn_unmap,
};

KTEST(core, test_core_unmap_refused_while_access_pins)
{
	u8 *buf = t_buf(4 * PG);
	int fd = t_open();
	struct iommufd_ctx *ictx = t_ctx(fd);
	u32 ioas = t_ioas(fd), id;
	struct iommufd_access *access;
	phys_addr_t pas[2];

	t_map_fixed(fd, ioas, buf, 4 * PG, 0x100000);
	access = iommufd_access_create(ictx, &stubborn_ops, NULL, &id);
	report(!IS_ERR(access) && iommufd_access_attach(access, ioas) == 0, "access attached");
	report(iommufd_access_pin_pages(access, 0x100000 + PG, 2 * PG, pas, 0) == 0 &&
	       t_check_refs(fd, buf + PG, 2 * PG, 1) == 0, "it pins two pages");
	unpin_calls = 0;
	report(t_unmap(fd, ioas, 0x100000, 4 * PG, NULL) == -EDEADLK && unpin_calls == 1,
	       "unmap asks once, the access does not unpin: EDEADLK");
	report(t_check_refs(fd, buf + PG, 2 * PG, 1) == 0, "pages stay pinned, nothing freed under the pin");
	report(iommufd_access_rw(access, 0x100000, pas, 8, 0) == 0, "the area still works");
	iommufd_access_unpin_pages(access, 0x100000 + PG, 2 * PG);
	report(t_unmap(fd, ioas, 0x100000, 4 * PG, NULL) == 0, "after unpinning, unmap works");
	iommufd_access_destroy(access);
	t_close(fd);
	t_buf_free(buf, 4 * PG);
}

/* Class 6: three accesses, the middle one moves; each leaves by its own ID. */
KTEST(core, test_core_access_replace_keeps_list_ids)
{
	u8 *buf = t_buf(2 * PG);
	int fd = t_open(), afd[3], bad = 0;
	u32 a = t_ioas(fd), b = t_ioas(fd), pin;
	u64 iova = 0x100000;

	t_map_fixed(fd, a, buf, 2 * PG, iova);
	t_map_fixed(fd, b, buf, 2 * PG, iova);
	for (int i = 0; i < 3; i++)
		bad += t_create_access(fd, a, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, &afd[i]);
	bad += t_access_pages(fd, afd[1], iova, PG, buf, 0, &pin);
	report(!bad && t_check_refs(fd, buf, PG, 1) == 0, "three accesses on A, one pins");
	report(t_access_replace(fd, afd[1], b) == 0, "move the middle one to B");
	report(t_check_refs(fd, buf, PG, 0) == 0, "its pin on A was dropped by the move");
	report(t_access_pages(fd, afd[1], iova, PG, buf, 0, &pin) == 0 &&
	       t_check_refs(fd, buf, PG, 1) == 0, "and it pins on B");
	report(t_destroy(fd, a) == -EBUSY, "A still has two accesses");
	for (int i = 2; i >= 0; i--)
		t_close(afd[i]);
	report(t_destroy(fd, a) == 0 && t_destroy(fd, b) == 0,
	       "closed in reverse, every access left its own IOAS (no warning)");
	t_close(fd);
	t_buf_free(buf, 2 * PG);
}

KTEST(core, test_core_access_pin_errnos)
{
	u8 *buf = t_buf(4 * PG);
	int fd = t_open(), afd, plain, none;
	u32 ioas = t_ioas(fd), pin;
	u64 iova = 0x100000;

	t_create_access(fd, ioas, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, &afd);
	t_create_access(fd, ioas, 0, &plain);
	report(t_access_pages(fd, afd, iova, PG, buf, 0, &pin) == -ENOENT, "nothing mapped -> ENOENT");
	report(t_map_fixed(fd, ioas, buf + MOCK_PAGE_SIZE, PG, iova + PG) == -EINVAL,
	       "a pinning access makes the IOAS PAGE_SIZE aligned");
	t_map(fd, ioas, buf, PG, &iova, IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE);
	report(t_access_pages(fd, afd, iova, PG, buf, MOCK_FLAGS_ACCESS_WRITE, &pin) == -EPERM,
	       "write pin of a read-only area -> EPERM");
	report(t_access_pages(fd, afd, iova, PG, buf + PG, 0, &pin) == -EBADE,
	       "pages that are not the user's -> EBADE");
	report(t_access_pages(fd, plain, iova, PG, buf, 0, &pin) == -EOPNOTSUPP,
	       "an access made without NEEDS_PIN_PAGES cannot pin");
	report(t_access_pages(fd, fd, iova, PG, buf, 0, &pin) == -EBADFD,
	       "the iommufd is not an access fd -> EBADFD");
	report(t_destroy_access_pages(fd, afd, 42) == -ENOENT, "no such pin -> ENOENT");
	report(t_create_access(fd, ioas, 2, &none) == -EOPNOTSUPP && none == -1,
	       "unknown flag -> EOPNOTSUPP, no fd");
	report(t_create_access(fd, 99, 0, &none) == -ENOENT && none == -1, "no such IOAS -> ENOENT, no fd");
	t_close(plain);
	t_close(afd);
	t_close(fd);
	t_buf_free(buf, 4 * PG);
}

/*
 * Classes 14/15 (pin bookkeeping across batch edges): pins kept in
 * 511-page chunks; random access pins over a 600-page area with a domain
 * coming and going, every page's pin count compared to a shadow model.
 */
KTEST(core, test_core_pin_chunks_vs_shadow)
{
	enum { N = 600 };
	static u8 users[N];	/* access pins per page in the model */
	u8 *buf = t_buf(N * PG);
	int fd = t_open(), afd, bad = 0, np = 0;
	u32 ioas = t_ioas(fd), stdev = 0, hwpt, ids[16];
	u64 first[16], len[16];

	memset(users, 0, sizeof(users));
	t_map_fixed(fd, ioas, buf, N * PG, BASE);
	t_create_access(fd, ioas, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, &afd);
	for (int step = 0; step < 120; step++) {
		int op = (int)(ktest_rand() % 3);

		if (op == 0 && np < 16) {
			first[np] = 480 + ktest_rand() % 60;	/* straddles the chunk edge at page 511 */
			len[np] = 1 + ktest_rand() % 40;
			if (!t_access_pages(fd, afd, BASE + first[np] * PG, len[np] * PG,
					    buf + first[np] * PG, 0, &ids[np])) {
				for (u64 p = first[np]; p < first[np] + len[np]; p++)
					users[p]++;
				np++;
			} else {
				bad++;
			}
		} else if (op == 1 && np) {
			int k = (int)(ktest_rand() % np);

			bad += t_destroy_access_pages(fd, afd, ids[k]) != 0;
			for (u64 p = first[k]; p < first[k] + len[k]; p++)
				users[p]--;
			np--;
			ids[k] = ids[np];
			first[k] = first[np];
			len[k] = len[np];
		} else if (op == 2) {
			if (stdev)
				bad += t_destroy(fd, stdev), stdev = 0;
			else
				bad += t_mock_domain(fd, ioas, &stdev, &hwpt, NULL);
		}
		for (int p = 470; p < 560; p++)
			bad += t_check_refs(fd, buf + p * PG, PG, (stdev || users[p]) ? 1 : 0) != 0;
	}
	report(!bad, "120 random pin/unpin/attach/detach steps: every page pinned exactly when used");
	t_close(afd);
	t_close(fd);
	report(iommufd_pinned_pages() == 0, "nothing pinned at the end");
	t_buf_free(buf, N * PG);
}
