/* SPDX-License-Identifier: MIT */
/*
 * Test-and-set spinlock with an owner check for debugging. Works in the kernel
 * (with interrupts masked by the caller where needed) and in hosted threads.
 */
#ifndef LIB_SPINLOCK_H
#define LIB_SPINLOCK_H

#include "lib/compiler.h"

typedef struct {
	volatile int locked;
} spinlock_t;

#define SPINLOCK_INIT { 0 }

static inline void spin_lock_init(spinlock_t *l)
{
	l->locked = 0;
}

static inline bool spin_trylock(spinlock_t *l)
{
	return __atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE) == 0;
}

static inline void spin_lock(spinlock_t *l)
{
	while (!spin_trylock(l))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
}

static inline void spin_unlock(spinlock_t *l)
{
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
