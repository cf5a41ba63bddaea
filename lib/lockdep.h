/* SPDX-License-Identifier: MIT */
/*
 * Lock-order checker for test builds: every spinlock, plat_mutex and
 * plat_rwsem acquisition is checked against the locks the running context
 * (CPU in the kernel, thread hosted) already holds. Locks belong to classes
 * (the name given at init; a lock never initialized is a class of its own).
 * The first time class B is taken while holding A after A was (directly or
 * through others) taken while holding B, plat_warn() reports the inversion,
 * which fails the running test. Taking a lock this context already holds
 * is reported the same way. Same-class nesting of two instances is allowed.
 * Each held lock is recorded as taken shared (an rwsem's readers) or not,
 * so code that changes what a lock guards can assert it holds it for writing.
 */
#ifndef LIB_LOCKDEP_H
#define LIB_LOCKDEP_H

#include "lib/compiler.h"

#ifndef CONFIG_LOCKDEP
#define CONFIG_LOCKDEP CONFIG_DEBUG
#endif

#define LOCKDEP_DEPTH 24	/* locks one context may hold at once */

/* What one context (CPU or thread) holds, innermost last. */
struct lockdep_ctx {
	const void *lock[LOCKDEP_DEPTH];
	u16 cls[LOCKDEP_DEPTH];
	bool shared[LOCKDEP_DEPTH];	/* taken for reading */
	int depth;		/* may exceed LOCKDEP_DEPTH: the rest is not tracked */
};

/*
 * Called before waiting for lock (key: its class name, NULL for a class of
 * its own): checks the order, then records lock as held. check false: a
 * trylock, which cannot deadlock, is only recorded.
 */
static inline void lockdep_acquire(const void *lock, const char *name, bool check);
/* The same for a reader of an rwsem: held shared. */
static inline void lockdep_acquire_read(const void *lock, const char *name);
static inline void lockdep_release(const void *lock);
/*
 * Stop checking for good (the kernel's lockdep=0, at boot before any lock
 * is held): 20% of a 4K map/unmap pair's instructions are lockdep's.
 */
void lockdep_disable(void);
/*
 * Warn (failing the running test) unless this context holds lock; for
 * _write, holds it exclusively (a reader where a writer is needed).
 * Nothing is checked beyond LOCKDEP_DEPTH held locks or without CONFIG_LOCKDEP.
 */
#define lockdep_assert_held(l) lockdep_check_held(l, false, __func__)
#define lockdep_assert_held_write(l) lockdep_check_held(l, true, __func__)
static inline void lockdep_check_held(const void *lock, bool write, const char *where);
/* Inversions (and recursive acquisitions) reported since start. */
unsigned long lockdep_inversions(void);
/* Held-lock depth of this context; trap recovery puts it back. */
int lockdep_depth(void);
void lockdep_set_depth(int depth);
/* Classes known, and order edges recorded (for the boot log and tests). */
int lockdep_classes(void);
int lockdep_edges(void);

/* Every recorded order "held, then took" (class names). */
void lockdep_for_each_edge(void (*fn)(const char *held, const char *then, void *ctx), void *ctx);

/* The seam: this context's record (arch/x86: per CPU; arch/host: per thread). */
struct lockdep_ctx *arch_lockdep_ctx(void);

/*
 * With lockdep=0 the calls above cost nothing but this test: every lock of a
 * 4K map/unmap pair went through a call that returned at once (make profile:
 * the lockdep functions had 5% of the pair's samples with checking off).
 */
extern bool lockdep_off;
void lockdep_acquire_on(const void *lock, const char *name, bool check);
void lockdep_acquire_read_on(const void *lock, const char *name);
void lockdep_release_on(const void *lock);
void lockdep_check_held_on(const void *lock, bool write, const char *where);

static inline bool lockdep_checking(void)
{
	return CONFIG_LOCKDEP && !__atomic_load_n(&lockdep_off, __ATOMIC_RELAXED);
}

static inline void lockdep_acquire(const void *lock, const char *name, bool check)
{
	if (lockdep_checking())
		lockdep_acquire_on(lock, name, check);
}

static inline void lockdep_acquire_read(const void *lock, const char *name)
{
	if (lockdep_checking())
		lockdep_acquire_read_on(lock, name);
}

static inline void lockdep_release(const void *lock)
{
	if (lockdep_checking())
		lockdep_release_on(lock);
}

static inline void lockdep_check_held(const void *lock, bool write, const char *where)
{
	if (lockdep_checking())
		lockdep_check_held_on(lock, write, where);
}

#endif
