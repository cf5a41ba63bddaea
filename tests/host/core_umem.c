// SPDX-License-Identifier: MIT
/*
 * core suite, hosted only: the two ways arch/host/umem.c copies user
 * memory (a process_vm_readv/writev per copy, or a plain copy whose fault
 * its handler catches, which the fuzz targets use) give the same results
 * on good, unmapped, read-only, non-canonical and past-end-of-file
 * pointers; and a fault outside a copy still kills the program.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>
#include "arch/host/host.h"
#include "tests/kernel/core_util.h"

#define PG PAGE_SIZE

/* What each pointer gives: 0 or -EFAULT, one bit per check (1: EFAULT). */
static unsigned int copy_results(u8 *rw, u8 *ro, u64 hole, u8 *past_eof)
{
	u8 buf[64], back[64];
	phys_addr_t pa;
	unsigned int bits = 0;
	int i = 0;

	memset(buf, 0x5a, sizeof(buf));
	bits |= !!copy_to_user(U(rw) + 100, buf, sizeof(buf)) << i++;
	bits |= !!copy_from_user(back, U(rw) + 100, sizeof(back)) << i++;
	bits |= !!memcmp(back, buf, sizeof(buf)) << i++;
	bits |= !!copy_from_user(back, hole, 8) << i++;
	bits |= !!copy_to_user(hole, buf, 8) << i++;
	bits |= !!copy_from_user(back, U(rw) + PG - 8, 16) << i++;	/* runs into the hole */
	bits |= !!copy_from_user(back, U(ro), 8) << i++;
	bits |= !!copy_to_user(U(ro), buf, 8) << i++;
	bits |= (ro[0] != 0) << i++;
	bits |= !!copy_from_user(back, 0x8000000000000000ULL, 8) << i++;
	bits |= !!copy_from_user(back, 8, 8) << i++;
	bits |= !!copy_from_user(back, U(past_eof), 8) << i++;		/* SIGBUS */
	bits |= !!copy_to_user(U(past_eof), buf, 8) << i++;
	bits |= !!plat_pin_user_pages(NULL, hole, 1, false, &pa) << i++;
	bits |= !!plat_pin_user_pages(NULL, U(ro), 1, true, &pa) << i++;
	return bits;
}

KTEST(core, test_core_user_copy_fast_same_efaults)
{
	/* one read-write page, then the hole just after it */
	u8 *rw = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	u8 *ro = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = memfd_create("core-umem", MFD_CLOEXEC);
	u8 *past_eof = fd >= 0 ? mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) :
				 MAP_FAILED;
	/* copy results: EFAULT for every bad pointer, none for the good ones */
	const unsigned int want = 0x7eb8;
	unsigned int slow, fast;

	if (rw == MAP_FAILED || ro == MAP_FAILED || past_eof == MAP_FAILED) {
		report(false, "test mappings");
		return;
	}
	munmap(rw + PG, PG);
	slow = copy_results(rw, ro, U(rw) + PG, past_eof);
	host_user_copy_fast(true);
	fast = copy_results(rw, ro, U(rw) + PG, past_eof);
	host_user_copy_fast(false);
	report(slow == want, "process_vm_readv copies: EFAULT exactly where expected (%#x, %#x)",
	       slow, want);
	report(fast == want, "caught-fault copies: EFAULT exactly where expected (%#x, %#x)",
	       fast, want);
	munmap(rw, PG);
	munmap(ro, PG);
	munmap(past_eof, PG);
	close(fd);
}

KTEST(core, test_core_user_copy_fast_real_fault_still_kills)
{
	int status = 0;
	pid_t pid;

	host_user_copy_fast(true);
	pid = fork();
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 2);	/* the sanitizer's report of the crash is expected */
		*(volatile int *)(uintptr_t)8 = 1;
		_exit(0);
	}
	host_user_copy_fast(false);
	report(pid > 0 && waitpid(pid, &status, 0) == pid, "fork and wait");
	report(!(WIFEXITED(status) && WEXITSTATUS(status) == 0),
	       "a store to address 8 outside a copy still kills (status %#x)", status);
}
