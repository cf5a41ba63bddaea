/* SPDX-License-Identifier: MIT */
/*
 * The kernel's clock as a function of the TSC, shared by the kernel
 * (time_ns(), arch/x86/tsc.c) and the ring-3 libc, which the kernel hands
 * the clock's base and scale at exec (auxiliary vector) so that
 * clock_gettime needs no system call, as Linux's vDSO.
 */
#ifndef LIB_TSCLOCK_H
#define LIB_TSCLOCK_H

#include "lib/types.h"

/* auxiliary vector key (ours; other programs ignore it): { TSC base, ns per tick << 32 } */
#define AT_TESTOS_CLOCK 0x7e570001

static inline u64 tsclock_ns(u64 tsc, u64 base, u64 mult)
{
	return (u64)(((unsigned __int128)(tsc - base) * mult) >> 32);
}

#endif
