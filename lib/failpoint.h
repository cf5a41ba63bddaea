/* SPDX-License-Identifier: MIT */
/*
 * The fail point every allocation and hardware wait passes, modelled on
 * iommufd_should_fail(): arm it with n and the n-th site passed from then
 * on reports failure, once. scripts/check-failpoints keeps it everywhere.
 */
#ifndef LIB_FAILPOINT_H
#define LIB_FAILPOINT_H

#include "lib/compiler.h"

/* Fail the n-th site passed from now (n >= 1); 0 disarms. Resets the counters. */
void failpoint_arm(unsigned long n);
/*
 * Called by every fail-point site; true means "fail this allocation".
 * Disarmed, only the count (inline: a 4K map/unmap pair passes a dozen
 * sites, each a call that returned false); armed, failpoint_hit_armed(),
 * which must not be inlined: it records its caller, the site.
 */
extern unsigned long failpoint_armed_at, failpoint_passed;
bool failpoint_hit_armed(void);

static inline bool failpoint_hit(void)
{
	if (__builtin_expect(!__atomic_load_n(&failpoint_armed_at, __ATOMIC_RELAXED), 1)) {
		__atomic_add_fetch(&failpoint_passed, 1, __ATOMIC_RELAXED);
		return false;
	}
	return failpoint_hit_armed();
}
/* Sites passed since the last arm (counted also when disarmed). */
unsigned long failpoint_count(void);
/* Whether the armed failure has been delivered since the last arm. */
bool failpoint_fired(void);
/* Sites still to pass before the armed failure, counting it (Linux's fail-nth); 0 once fired or disarmed. */
unsigned long failpoint_remaining(void);
/* Code address in the function whose site failed since the last arm (0: none). */
unsigned long failpoint_fired_at(void);

/*
 * Every allocator call outside the allocators is written failable(call):
 * p = failable(kzalloc(sizeof(*p))), pa = failable(pmm_alloc(0)). The
 * armed site gives 0 (NULL) as if memory ran out. Hardware waits are
 * poll_timeout(), which passes the fail point itself (arch/x86/tsc.h).
 */
#define failable(alloc) (failpoint_hit() ? 0 : (alloc))

#endif
