// SPDX-License-Identifier: MIT
/*
 * What lib/refcount.h does on misuse: a loud warning, which fails the test
 * that caused it (the runner counts warnings after every test).
 */
#include "lib/refcount.h"
#include "lib/warn.h"

void refcount_bad(refcount_t *r, const char *what)
{
	plat_warn("refcount %p: %s", (void *)r, what);
}
