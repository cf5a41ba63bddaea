/* SPDX-License-Identifier: MIT */
/*
 * Error pointers: a negative errno carried in a pointer, as Linux does,
 * so constructors can return either an object or why they failed.
 */
#ifndef LIB_ERR_H
#define LIB_ERR_H

#include "lib/compiler.h"

#define MAX_ERRNO 4095

static inline void *ERR_PTR(long err)
{
	return (void *)err;
}

static inline long PTR_ERR(const void *p)
{
	return (long)p;
}

static inline bool IS_ERR(const void *p)
{
	return unlikely((unsigned long)p >= (unsigned long)-MAX_ERRNO);
}

static inline bool IS_ERR_OR_NULL(const void *p)
{
	return !p || IS_ERR(p);
}

#endif
