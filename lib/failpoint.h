/* SPDX-License-Identifier: MIT */
/*
 * Fail point shared by every allocation site that opts in (core, ID tables,
 * mock driver), modelled on iommufd_should_fail(): arm it with n and the
 * n-th site passed from then on reports failure, once.
 */
#ifndef LIB_FAILPOINT_H
#define LIB_FAILPOINT_H

#include "lib/compiler.h"

/* Fail the n-th site passed from now (n >= 1); 0 disarms. Resets the counters. */
void failpoint_arm(unsigned long n);
/* Called by every fail-point site; true means "fail this allocation". */
bool failpoint_hit(void);
/* Sites passed since the last arm (counted also when disarmed). */
unsigned long failpoint_count(void);
/* Whether the armed failure has been delivered since the last arm. */
bool failpoint_fired(void);
/* Sites still to pass before the armed failure, counting it (Linux's fail-nth); 0 once fired or disarmed. */
unsigned long failpoint_remaining(void);

#endif
