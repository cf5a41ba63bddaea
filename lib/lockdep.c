// SPDX-License-Identifier: MIT
/*
 * The lock-order checker (see lockdep.h): a table of classes found through
 * a lock-free hash of their keys (every lock taken looks its class up), a
 * graph of "held A, then took B" edges as a bitmap, and a depth-first
 * search for the reverse path whenever a new edge appears. The graph has
 * its own raw lock, taken with interrupts off and never checked itself.
 */
#include "lib/lockdep.h"
#include "lib/spinlock.h"
#include "lib/warn.h"

#define MAX_CLASSES	512
#define WORDS		(MAX_CLASSES / 64)
#define NO_CLASS	0xffff
#define HASH_SLOTS	(2 * MAX_CLASSES)	/* never more than half full */

struct lock_class {
	const void *key;	/* the name, or the lock itself for an unnamed one */
	const char *name;
};

static struct lock_class classes[MAX_CLASSES];
static int nclasses;
static const void *hash_key[HASH_SLOTS];	/* published last: a reader sees hash_cls set */
static u16 hash_cls[HASH_SLOTS];
static u64 after[MAX_CLASSES][WORDS];	/* after[a] bit b: b was taken holding a */
static u64 reported[MAX_CLASSES][WORDS];
static int nedges;
static unsigned long inversions;
static volatile int graph_locked;
static bool full_noted;
bool lockdep_off;		/* lockdep=0: benchmarks, as production kernels run */

static bool test_bit(const u64 *w, int b)
{
	return __atomic_load_n(&w[b / 64], __ATOMIC_RELAXED) & (1ULL << (b % 64));
}

static void set_bit(u64 *w, int b)
{
	__atomic_fetch_or(&w[b / 64], 1ULL << (b % 64), __ATOMIC_RELAXED);
}

static unsigned long graph_lock(void)
{
	unsigned long f = arch_irq_save();

	while (__atomic_exchange_n(&graph_locked, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
	return f;
}

static void graph_unlock(unsigned long f)
{
	__atomic_store_n(&graph_locked, 0, __ATOMIC_RELEASE);
	arch_irq_restore(f);
}

static unsigned int hash_slot(const void *key)
{
	u64 k = (u64)(uintptr_t)key;

	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (unsigned int)(k & (HASH_SLOTS - 1));
}

/* The class of key from the hash, NO_CLASS when it has none yet; no lock. */
static u16 hash_find(const void *key)
{
	for (unsigned int i = hash_slot(key);; i = (i + 1) & (HASH_SLOTS - 1)) {
		const void *k = __atomic_load_n(&hash_key[i], __ATOMIC_ACQUIRE);

		if (k == key)
			return hash_cls[i];
		if (!k)
			return NO_CLASS;
	}
}

/* The class of key, made on first sight; NO_CLASS when the table is full. */
static u16 class_of(const void *key, const char *name)
{
	unsigned long f;
	unsigned int i;
	u16 c = hash_find(key);

	if (c != NO_CLASS)
		return c;
	f = graph_lock();
	c = hash_find(key);	/* another context may have made it meanwhile */
	if (c == NO_CLASS && nclasses < MAX_CLASSES) {
		classes[nclasses].key = key;
		classes[nclasses].name = name;
		c = (u16)nclasses;
		for (i = hash_slot(key); hash_key[i]; i = (i + 1) & (HASH_SLOTS - 1))
			;
		hash_cls[i] = c;
		__atomic_store_n(&hash_key[i], key, __ATOMIC_RELEASE);
		__atomic_store_n(&nclasses, nclasses + 1, __ATOMIC_RELEASE);
	}
	graph_unlock(f);
	return c;
}

/* Is there a path from -> ... -> to in the graph? (graph lock held) */
static bool reaches(u16 from, u16 to)
{
	u64 seen[WORDS] = { 0 };
	u16 stack[MAX_CLASSES];
	int sp = 0;

	stack[sp++] = from;
	set_bit(seen, from);
	while (sp) {
		u16 a = stack[--sp];

		if (a == to)
			return true;
		for (int w = 0; w < WORDS; w++) {
			u64 bits = after[a][w] & ~seen[w];

			while (bits) {
				int b = w * 64 + __builtin_ctzll(bits);

				bits &= bits - 1;
				seen[w] |= 1ULL << (b % 64);
				stack[sp++] = (u16)b;
			}
		}
	}
	return false;
}

static const char *cname(u16 c, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	unsigned long k;

	if (classes[c].name)
		return classes[c].name;
	k = (unsigned long)classes[c].key;	/* unnamed: the lock's address */
	buf[0] = 'l';
	buf[1] = '@';
	for (int i = 0; i < 16; i++)
		buf[2 + i] = hex[(k >> (60 - 4 * i)) & 15];
	buf[18] = 0;
	return buf;
}

/* Record held -> c; on a reverse path, report once per pair. */
static void add_edge(u16 held, u16 c)
{
	char b1[20], b2[20];
	unsigned long f;
	bool bad = false;

	f = graph_lock();
	if (!test_bit(after[held], c)) {
		if (reaches(c, held)) {
			if (!test_bit(reported[held], c)) {
				set_bit(reported[held], c);
				bad = true;
			}
		} else {
			set_bit(after[held], c);
			nedges++;
		}
	}
	graph_unlock(f);
	if (bad) {
		__atomic_fetch_add(&inversions, 1, __ATOMIC_RELAXED);
		plat_warn("lock order inversion: taking %s while holding %s, but %s was taken before %s elsewhere",
			  cname(c, b1), cname(held, b2), cname(c, b1), cname(held, b2));
	}
}

void lockdep_disable(void)
{
	__atomic_store_n(&lockdep_off, true, __ATOMIC_RELAXED);
}

static void acquire(const void *lock, const char *name, bool check, bool shared)
{
	struct lockdep_ctx *ctx;
	u16 c;

	if (!CONFIG_LOCKDEP || __atomic_load_n(&lockdep_off, __ATOMIC_RELAXED))
		return;
	ctx = arch_lockdep_ctx();
	if (!ctx)
		return;
	c = class_of(name ? (const void *)name : lock, name);
	if (c == NO_CLASS && !__atomic_exchange_n(&full_noted, true, __ATOMIC_RELAXED))
		plat_warn("lockdep: more than %d lock classes; new ones are not checked", MAX_CLASSES);
	for (int i = 0; check && c != NO_CLASS && i < ctx->depth && i < LOCKDEP_DEPTH; i++) {
		if (ctx->lock[i] == lock) {
			char b[20];

			__atomic_fetch_add(&inversions, 1, __ATOMIC_RELAXED);
			plat_warn("lock recursion: %s taken again by the context holding it",
				  cname(c, b));
		} else if (ctx->cls[i] != c && ctx->cls[i] != NO_CLASS &&
			   !test_bit(after[ctx->cls[i]], c)) {
			add_edge(ctx->cls[i], c);
		}
	}
	if (ctx->depth < LOCKDEP_DEPTH) {
		ctx->lock[ctx->depth] = lock;
		ctx->cls[ctx->depth] = c;
		ctx->shared[ctx->depth] = shared;
	}
	ctx->depth++;
}

void lockdep_acquire_on(const void *lock, const char *name, bool check)
{
	acquire(lock, name, check, false);
}

void lockdep_acquire_read_on(const void *lock, const char *name)
{
	acquire(lock, name, true, true);
}

void lockdep_release_on(const void *lock)
{
	struct lockdep_ctx *ctx;
	int top;

	if (!CONFIG_LOCKDEP || __atomic_load_n(&lockdep_off, __ATOMIC_RELAXED))
		return;
	ctx = arch_lockdep_ctx();
	if (!ctx || ctx->depth <= 0)
		return;
	top = min(ctx->depth, LOCKDEP_DEPTH) - 1;
	/* usually the innermost; out-of-order releases close the gap */
	for (int i = top; i >= 0; i--) {
		if (ctx->lock[i] != lock)
			continue;
		for (int j = i; j < top; j++) {
			ctx->lock[j] = ctx->lock[j + 1];
			ctx->cls[j] = ctx->cls[j + 1];
			ctx->shared[j] = ctx->shared[j + 1];
		}
		ctx->depth--;
		return;
	}
	if (ctx->depth > LOCKDEP_DEPTH)
		ctx->depth--;	/* one of the untracked deeper ones */
}

void lockdep_check_held_on(const void *lock, bool write, const char *where)
{
	struct lockdep_ctx *ctx = CONFIG_LOCKDEP ? arch_lockdep_ctx() : NULL;
	char b[20];
	int i;

	if (!ctx || ctx->depth > LOCKDEP_DEPTH || __atomic_load_n(&lockdep_off, __ATOMIC_RELAXED))
		return;		/* not checked, or not all tracked */
	for (i = ctx->depth - 1; i >= 0 && ctx->lock[i] != lock; i--)
		;
	if (i < 0)
		plat_warn("%s: lock %p is not held", where, lock);
	else if (write && ctx->shared[i])
		plat_warn("%s: %s is held for reading where writing is needed", where,
			  ctx->cls[i] == NO_CLASS ? "a lock" : cname(ctx->cls[i], b));
}

unsigned long lockdep_inversions(void)
{
	return __atomic_load_n(&inversions, __ATOMIC_RELAXED);
}

int lockdep_depth(void)
{
	struct lockdep_ctx *ctx = CONFIG_LOCKDEP ? arch_lockdep_ctx() : NULL;

	return ctx ? ctx->depth : 0;
}

void lockdep_set_depth(int depth)
{
	struct lockdep_ctx *ctx = CONFIG_LOCKDEP ? arch_lockdep_ctx() : NULL;

	if (ctx && depth >= 0 && depth <= ctx->depth)
		ctx->depth = depth;
}

int lockdep_classes(void)
{
	return __atomic_load_n(&nclasses, __ATOMIC_RELAXED);
}

int lockdep_edges(void)
{
	return __atomic_load_n(&nedges, __ATOMIC_RELAXED);
}

void lockdep_for_each_edge(void (*fn)(const char *held, const char *then, void *ctx), void *ctx)
{
	int n = lockdep_classes();
	char b1[20], b2[20];

	for (int a = 0; a < n; a++)
		for (int b = 0; b < n; b++)
			if (test_bit(after[a], b))
				fn(cname((u16)a, b1), cname((u16)b, b2), ctx);
}
