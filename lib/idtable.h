/* SPDX-License-Identifier: MIT */
/*
 * ID table: a sparse array from unsigned long index to pointer (an xarray
 * in miniature), with lowest-free ID allocation and reserved slots.
 * No locking inside; node allocations pass the fail point (lib/failpoint.h).
 */
#ifndef LIB_IDTABLE_H
#define LIB_IDTABLE_H

#include "lib/compiler.h"

/*
 * A reserved slot: it is occupied (ID allocation skips it) but loads and
 * iteration see NULL. Objects sit here until they are made visible.
 */
#define IDTAB_ZERO ((void *)4)

struct idtab_node;

struct idtab {
	struct idtab_node *root;
	unsigned long count;	/* occupied slots, reserved ones included */
};

#define IDTAB_INIT { NULL, 0 }

void idtab_init(struct idtab *t);
/* Free the table's own nodes (not the entries). */
void idtab_destroy(struct idtab *t);

static inline bool idtab_empty(const struct idtab *t)
{
	return t->count == 0;
}

/* The entry at index, NULL when empty or reserved. */
void *idtab_load(const struct idtab *t, unsigned long index);
/*
 * Store entry (NULL erases, IDTAB_ZERO reserves) at index. Returns 0 or
 * -ENOMEM, in which case the table is unchanged; *old gets the previous
 * raw entry when old is not NULL.
 */
int idtab_store(struct idtab *t, unsigned long index, void *entry, void **old);
/* Erase index; returns the previous raw entry (NULL when it was empty). */
void *idtab_erase(struct idtab *t, unsigned long index);
/*
 * Store entry at the lowest free index in [min, max] and return it in
 * *index. -EBUSY when every index in the range is taken, -ENOMEM.
 */
int idtab_alloc(struct idtab *t, void *entry, unsigned long min, unsigned long max,
		unsigned long *index);
/*
 * First visible entry at an index >= *index (reserved slots skipped);
 * *index is set to its index. NULL when there is none.
 */
void *idtab_find(const struct idtab *t, unsigned long *index);
/* Heap nodes in use (for tests of the canonical shape). */
unsigned long idtab_nodes(const struct idtab *t);

#define idtab_for_each(t, idx, e) \
	for (idx = 0; (e = idtab_find(t, &idx)) != NULL; idx++)

#endif
