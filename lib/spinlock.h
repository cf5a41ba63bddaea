/* SPDX-License-Identifier: MIT */
/*
 * Test-and-set spinlock, checked by the lock-order checker (lib/lockdep.h)
 * in test builds. Works in the kernel (with interrupts masked by the caller
 * where needed) and in hosted threads.
 */
#ifndef LIB_SPINLOCK_H
#define LIB_SPINLOCK_H

#include "lib/compiler.h"
#include "lib/lockdep.h"

typedef struct {
	volatile int locked;
	const char *name;	/* lock class for the checker; NULL: this lock alone */
} spinlock_t;

/* A static lock: a class of its own (named after the variable by DEFINE_SPINLOCK). */
#define SPINLOCK_INIT { 0, NULL }
#define DEFINE_SPINLOCK(x) spinlock_t x = { 0, #x }

#define __LOCK_STR(x) #x
#define LOCK_STR(x) __LOCK_STR(x)
/* The class of a lock initialized at runtime: where, and what. */
#define LOCK_CLASS(l) #l " (" __FILE__ ":" LOCK_STR(__LINE__) ")"

#define spin_lock_init(l) spin_lock_init_class(l, LOCK_CLASS(l))

static inline void spin_lock_init_class(spinlock_t *l, const char *name)
{
	l->locked = 0;
	l->name = name;
}

static inline bool spin_trylock(spinlock_t *l)
{
	bool ok = __atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE) == 0;

	if (ok)
		lockdep_acquire(l, l->name, false);
	return ok;
}

static inline void spin_lock(spinlock_t *l)
{
	lockdep_acquire(l, l->name, true);
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
}

static inline void spin_unlock(spinlock_t *l)
{
	lockdep_release(l);
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED) != 0;
}

/*
 * Locks also taken from interrupt handlers must be held with interrupts off,
 * or a handler spinning on a lock its CPU already holds never returns.
 * The kernel implements these with pushf/cli; hosted code needs none.
 */
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);

#define spin_lock_irqsave(l, flags)          \
	do {                                 \
		(flags) = arch_irq_save();   \
		spin_lock(l);                \
	} while (0)

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	spin_unlock(l);
	arch_irq_restore(flags);
}

#endif
