/* SPDX-License-Identifier: MIT */
/* inttypes.h for ring-3 test programs: printf formats of the x86-64 sizes. */
#ifndef _INTTYPES_H
#define _INTTYPES_H

#include <stdint.h>

#define PRId32	"d"
#define PRIu32	"u"
#define PRIx32	"x"
#define PRId64	"ld"
#define PRIu64	"lu"
#define PRIx64	"lx"
#define PRIX64	"lX"

#endif
