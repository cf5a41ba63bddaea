// SPDX-License-Identifier: MIT
/*
 * abi-preload suite: a Linux-style iommufd self-test program. It knows only
 * <linux/iommufd.h>, iommufd_test.h, <linux/vfio.h>, libc (open, ioctl,
 * close, mmap) and the libc calls of tests/user/lib/iommufd_calls.h, and
 * runs unmodified under LD_PRELOAD=libiommufd-host.so. This file: the
 * fixture (abi_preload.h) and the rules every command follows.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tests/host/abi_preload.h"
#include "tests/user/lib/iommufd_cmds.h"

uint8_t *buffer;

/* 2 MiB aligned, like Linux's test buffer: automatic IOVAs keep its alignment. */
static void __attribute__((constructor)) setup_buffer(void)
{
	uint8_t *p = mmap(NULL, 4UL << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		abort();
	buffer = (uint8_t *)(((uintptr_t)p + (2UL << 20) - 1) & ~((2UL << 20) - 1));
	if (mmap(buffer, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0) != buffer)
		abort();
}

const struct variant variants[NVARIANTS] = {
	{ "no_domain", 0, 0 },
	{ "mock_domain", 1, 0 },
	{ "two_mock_domain", 2, 0 },
	{ "mock_domain_limit", 1, 16 },
};

bool fx_setup(struct fx *f, const struct variant *v)
{
	memset(f, 0, sizeof(*f));
	f->fd = open("/dev/iommu", O_RDWR);
	if (f->fd < 0) {
		report(false, "open /dev/iommu: errno %d", errno);
		return false;
	}
	f->ioas = ioas_alloc(f->fd);
	test_cmd_memory_limit(f->fd, v->limit ? v->limit : 65536);
	for (int i = 0; i < v->domains; i++) {
		if (test_cmd_mock_domain(f->fd, f->ioas, &f->stdev[i], &f->hwpt[i], &f->idev[i]))
			report(false, "MOCK_DOMAIN %d: errno %d", i, errno);
		f->base = MOCK_APERTURE_START;
	}
	report_prefix_push(v->name);
	return true;
}

/* Close, then check from a second fd that no page of buffer is still pinned. */
void fx_teardown(struct fx *f)
{
	int fd;

	test_cmd_memory_limit(f->fd, 65536);
	report(close(f->fd) == 0, "close");
	fd = open("/dev/iommu", O_RDWR);
	report(test_cmd_check_refs(fd, buffer, BUF_SIZE, 0) == 0,
	       "no page left pinned after close");
	close(fd);
	report_prefix_pop();
}

KTEST(abi-preload, test_preload_cmd_fail)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd) };
	int fd = open("/dev/iommu", O_RDWR);

	report(fd >= 0, "open(\"/dev/iommu\") gives an fd");
	report(ioctl_destroy(fd, 0) == -ENOENT, "DESTROY id 0 -> ENOENT");
	report(ioctl(fd, IOMMU_DESTROY, NULL) == -1 && errno == EFAULT, "NULL argument -> EFAULT");
	report(libc_ioctl(fd, _IO(IOMMUFD_TYPE, IOMMUFD_CMD_BASE - 1), &cmd) == -ENOTTY,
	       "ioctl below the base -> ENOTTY");
	report(close(fd) == 0, "close");
	report(ioctl(fd, IOMMU_DESTROY, &cmd) == -1 && errno == EBADF,
	       "a closed fd is the real kernel's again: EBADF");
}

/* The cmd_length rule for one ioctl: short, long with junk, long with zeros. */
static void length_rule(int fd, const struct iommufd_cmd *cmd)
{
	struct {
		uint8_t cmd[128];
		uint8_t extra;
	} __attribute__((packed)) c;
	int e_exact, e_zero;

	memset(&c, 0, sizeof(c));
	*(uint32_t *)c.cmd = cmd->min - 1;
	c.cmd[cmd->size] = 0xff;
	report(libc_ioctl(fd, cmd->nr, &c) == -EINVAL, "%s: size below the minimum -> EINVAL",
	       cmd->name);
	*(uint32_t *)c.cmd = cmd->size + 1;
	report(libc_ioctl(fd, cmd->nr, &c) == -E2BIG, "%s: nonzero byte past the struct -> E2BIG",
	       cmd->name);
	memset(&c, 0, sizeof(c));
	*(uint32_t *)c.cmd = cmd->size;
	e_exact = libc_ioctl(fd, cmd->nr, &c);
	if (!e_exact && iommufd_cmd_out_fd(cmd->nr, c.cmd) >= 0)
		close(iommufd_cmd_out_fd(cmd->nr, c.cmd));
	memset(&c, 0, sizeof(c));
	*(uint32_t *)c.cmd = cmd->size + 1;
	e_zero = libc_ioctl(fd, cmd->nr, &c);
	if (!e_zero && iommufd_cmd_out_fd(cmd->nr, c.cmd) >= 0)
		close(iommufd_cmd_out_fd(cmd->nr, c.cmd));
	report(e_exact == e_zero, "%s: zero-padded longer struct = exact size (%d, %d)", cmd->name,
	       e_exact, e_zero);
}

/* Every ioctl but the self-test command (the kernel abi suite covers that one). */
KTEST(abi-preload, test_preload_cmd_length)
{
	int fd = open("/dev/iommu", O_RDWR);

	for (size_t i = 0; i < IOMMUFD_NCMDS; i++)
		if (iommufd_cmds[i].nr != IOMMU_TEST_CMD)
			length_rule(fd, &iommufd_cmds[i]);
	close(fd);
}

KTEST(abi-preload, test_preload_cmd_ex_fail)
{
	struct {
		struct iommu_destroy cmd;
		uint64_t future;
	} c = { .cmd = { .size = sizeof(c) } };
	int fd = open("/dev/iommu", O_RDWR);

	report(libc_ioctl(fd, IOMMU_DESTROY, &c) == -ENOENT,
	       "longer zero-padded command -> ENOENT");
	c.future = 1;
	report(libc_ioctl(fd, IOMMU_DESTROY, &c) == -E2BIG, "future field set -> E2BIG");
	c.cmd.size = sizeof(c.cmd);
	report(libc_ioctl(fd, IOMMU_DESTROY, &c) == -ENOENT, "original size still works -> ENOENT");
	c.cmd.size = sizeof(c.cmd) - 1;
	report(libc_ioctl(fd, IOMMU_DESTROY, &c) == -EINVAL, "short command -> EINVAL");
	close(fd);
}

KTEST(abi-preload, test_preload_global_options)
{
	struct iommu_option c = { .size = sizeof(c), .option_id = IOMMU_OPTION_RLIMIT_MODE,
				  .op = IOMMU_OPTION_OP_GET, .val64 = 1 };
	int fd = open("/dev/iommu", O_RDWR);

	report(libc_ioctl(fd, IOMMU_OPTION, &c) == 0 && c.val64 == 0,
	       "RLIMIT_MODE starts per-user");
	c.op = IOMMU_OPTION_OP_SET;
	c.val64 = 1;
	report(libc_ioctl(fd, IOMMU_OPTION, &c) == 0, "set per-process");
	c.val64 = 2;
	report(libc_ioctl(fd, IOMMU_OPTION, &c) == -EINVAL, "value 2 -> EINVAL");
	c.op = IOMMU_OPTION_OP_GET;
	report(libc_ioctl(fd, IOMMU_OPTION, &c) == 0 && c.val64 == 1, "reads back 1");
	c.op = IOMMU_OPTION_OP_SET;
	c.val64 = 0;
	report(libc_ioctl(fd, IOMMU_OPTION, &c) == 0, "back to per-user");
	c.op = IOMMU_OPTION_OP_GET;
	c.option_id = IOMMU_OPTION_HUGE_PAGES;
	report(libc_ioctl(fd, IOMMU_OPTION, &c) == -ENOENT, "HUGE_PAGES of object 0 -> ENOENT");
	c.op = IOMMU_OPTION_OP_SET;
	report(libc_ioctl(fd, IOMMU_OPTION, &c) == -ENOENT, "set on object 0 -> ENOENT");
	ioas_alloc(fd);
	c.option_id = IOMMU_OPTION_RLIMIT_MODE;
	c.val64 = 1;
	report(libc_ioctl(fd, IOMMU_OPTION, &c) == -EBUSY, "mode change with objects -> EBUSY");
	close(fd);
}
