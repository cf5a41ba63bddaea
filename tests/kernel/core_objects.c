// SPDX-License-Identifier: MIT
/*
 * core suite: object lifetimes through the ioctls. IDs, DESTROY and EBUSY,
 * objects invisible until finalized, and closing the fd with a deep graph
 * (IOAS, HWPTs, devices, accesses) destroying everything leaf first.
 */
#include "tests/kernel/core_util.h"

KTEST(core, test_core_ioas_alloc_destroy)
{
	int fd = t_open();
	u32 a = t_ioas(fd), b = t_ioas(fd);

	report(a == 1 && b == 2, "IDs start at 1 and count up (%u, %u)", a, b);
	report(t_destroy(fd, a) == 0, "DESTROY of an unused IOAS -> 0");
	report(t_destroy(fd, a) == -ENOENT, "DESTROY again -> ENOENT (class 2)");
	report(t_destroy(fd, 0) == -ENOENT, "DESTROY id 0 -> ENOENT");
	report(t_ioas(fd) == a, "a freed ID is handed out again");
	t_close(fd);
}
