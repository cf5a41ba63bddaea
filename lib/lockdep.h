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
void lockdep_acquire(const void *lock, const char *name, bool check);
/* The same for a reader of an rwsem: held shared. */
void lockdep_acquire_read(const void *lock, const char *name);
void lockdep_release(const void *lock);
/*
 * Warn (failing the running test) unless this context holds lock; for
 * _write, holds it exclusively (a reader where a writer is needed).
 * Nothing is checked beyond LOCKDEP_DEPTH held locks or without CONFIG_LOCKDEP.
 */
#define lockdep_assert_held(l) lockdep_check_held(l, false, __func__)
#define lockdep_assert_held_write(l) lockdep_check_held(l, true, __func__)
void lockdep_check_held(const void *lock, bool write, const char *where);
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

#endif
