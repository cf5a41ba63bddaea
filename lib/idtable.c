// SPDX-License-Identifier: MIT
/*
 * ID table as a radix tree of 64-slot nodes. The tree is kept canonical
 * (no empty nodes, no needless levels) so its heap use depends only on
 * which indices are occupied. `full` bits make lowest-free search O(log n).
 */
#include "lib/idtable.h"
#include "lib/alloc.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"

#define IDTAB_SHIFT 6
#define IDTAB_SLOTS (1u << IDTAB_SHIFT)
#define ALL_FULL (~0ULL)

struct idtab_node {
	struct idtab_node *parent;
	u8 shift;		/* index bits below one slot */
	u8 offset;		/* our slot in parent */
	u16 count;		/* non-NULL slots */
	u64 full;		/* bit i: slot i has no free index */
	void *slots[IDTAB_SLOTS];
};

void idtab_init(struct idtab *t)
{
	t->root = NULL;
	t->count = 0;
}

/* Whether n's range [0, 64 << shift) includes index (n is the root). */
static bool covers(const struct idtab_node *n, unsigned long index)
{
	return n->shift + IDTAB_SHIFT >= 64 || (index >> (n->shift + IDTAB_SHIFT)) == 0;
}

static unsigned int slot_of(const struct idtab_node *n, unsigned long index)
{
	return (index >> n->shift) & (IDTAB_SLOTS - 1);
}

static struct idtab_node *node_alloc(unsigned int shift)
{
	struct idtab_node *n;

	n = failable(kzalloc(sizeof(*n)));
	if (n)
		n->shift = (u8)shift;
	return n;
}

/* Set or clear bit off of n->full and carry the change to the ancestors. */
static void set_full(struct idtab_node *n, unsigned int off, bool full)
{
	while (n) {
		bool was = n->full == ALL_FULL, now;

		if (full)
			n->full |= 1ULL << off;
		else
			n->full &= ~(1ULL << off);
		now = n->full == ALL_FULL;
		if (was == now)
			return;
		full = now;
		off = n->offset;
		n = n->parent;
	}
}

/* Drop empty nodes from n upwards, then needless root levels. */
static void prune(struct idtab *t, struct idtab_node *n)
{
	while (n && n->count == 0) {
		struct idtab_node *p = n->parent;

		if (p) {
			p->slots[n->offset] = NULL;
			p->count--;
			set_full(p, n->offset, false);
		} else {
			t->root = NULL;
		}
		kfree(n);
		n = p;
	}
	while (t->root && t->root->shift && t->root->count == 1 && t->root->slots[0]) {
		struct idtab_node *old = t->root;

		t->root = old->slots[0];
		t->root->parent = NULL;
		t->root->offset = 0;
		kfree(old);
	}
}

/* Walk to the leaf node holding index, creating nodes; NULL on -ENOMEM. */
static struct idtab_node *walk_create(struct idtab *t, unsigned long index)
{
	struct idtab_node *n;

	if (!t->root) {
		unsigned int shift = 0;

		while (shift + IDTAB_SHIFT < 64 && (index >> (shift + IDTAB_SHIFT)))
			shift += IDTAB_SHIFT;
		t->root = node_alloc(shift);
		if (!t->root)
			return NULL;
	}
	while (!covers(t->root, index)) {
		struct idtab_node *p = node_alloc(t->root->shift + IDTAB_SHIFT);

		if (!p)
			goto fail;
		p->slots[0] = t->root;
		p->count = 1;
		if (t->root->full == ALL_FULL)
			p->full = 1;
		t->root->parent = p;
		t->root->offset = 0;
		t->root = p;
	}
	for (n = t->root; n->shift; ) {
		unsigned int i = slot_of(n, index);
		struct idtab_node *c = n->slots[i];

		if (!c) {
			c = node_alloc(n->shift - IDTAB_SHIFT);
			if (!c)
				goto fail_at;
			c->parent = n;
			c->offset = (u8)i;
			n->slots[i] = c;
			n->count++;
		}
		n = c;
	}
	return n;
fail_at:
	prune(t, n);
	return NULL;
fail:
	prune(t, t->root);
	return NULL;
}

/* The leaf holding index, or NULL when that part of the tree is absent. */
static struct idtab_node *walk(const struct idtab *t, unsigned long index)
{
	struct idtab_node *n = t->root;

	if (!n || !covers(n, index))
		return NULL;
	while (n && n->shift)
		n = n->slots[slot_of(n, index)];
	return n;
}

void *idtab_load(const struct idtab *t, unsigned long index)
{
	struct idtab_node *n = walk(t, index);
	void *e = n ? n->slots[slot_of(n, index)] : NULL;

	return e == IDTAB_ZERO ? NULL : e;
}

void *idtab_erase(struct idtab *t, unsigned long index)
{
	struct idtab_node *n = walk(t, index);
	unsigned int i;
	void *old;

	if (!n)
		return NULL;
	i = slot_of(n, index);
	old = n->slots[i];
	if (!old)
		return NULL;
	n->slots[i] = NULL;
	n->count--;
	t->count--;
	set_full(n, i, false);
	prune(t, n);
	return old;
}

int idtab_store(struct idtab *t, unsigned long index, void *entry, void **old)
{
	struct idtab_node *n;
	unsigned int i;
	void *prev;

	if (!entry) {
		prev = idtab_erase(t, index);
		if (old)
			*old = prev;
		return 0;
	}
	n = walk_create(t, index);
	if (!n)
		return -ENOMEM;
	i = slot_of(n, index);
	prev = n->slots[i];
	n->slots[i] = entry;
	if (!prev) {
		n->count++;
		t->count++;
		set_full(n, i, true);
	}
	if (old)
		*old = prev;
	return 0;
}

/* Lowest free index >= from inside n's subtree; false if none. */
static bool free_in(const struct idtab_node *n, unsigned long from, unsigned long *out)
{
	unsigned int first = slot_of(n, from);
	unsigned long base = n->shift + IDTAB_SHIFT >= 64 ? 0 :
		from & ~((1UL << (n->shift + IDTAB_SHIFT)) - 1);

	for (unsigned int i = first; i < IDTAB_SLOTS; i++) {
		unsigned long lo = i == first ? from : base + ((unsigned long)i << n->shift);
		const struct idtab_node *c = n->slots[i];

		if (!c) {
			*out = lo;
			return true;
		}
		if (!n->shift || (n->full & (1ULL << i)))
			continue;
		if (free_in(c, lo, out))
			return true;
	}
	return false;
}

int idtab_alloc(struct idtab *t, void *entry, unsigned long min, unsigned long max,
		unsigned long *index)
{
	unsigned long idx = min;
	int ret;

	if (min > max || !entry)
		return -EINVAL;
	if (t->root && covers(t->root, min) && !free_in(t->root, min, &idx)) {
		if (t->root->shift + IDTAB_SHIFT >= 64)
			return -EBUSY;
		idx = 1UL << (t->root->shift + IDTAB_SHIFT);
	}
	if (idx > max || idx < min)
		return -EBUSY;
	ret = idtab_store(t, idx, entry, NULL);
	if (ret)
		return ret;
	*index = idx;
	return 0;
}

/* First visible entry at >= from inside n's subtree. */
static void *find_in(const struct idtab_node *n, unsigned long from, unsigned long *out)
{
	unsigned int first = slot_of(n, from);
	unsigned long base = n->shift + IDTAB_SHIFT >= 64 ? 0 :
		from & ~((1UL << (n->shift + IDTAB_SHIFT)) - 1);

	for (unsigned int i = first; i < IDTAB_SLOTS; i++) {
		unsigned long lo = i == first ? from : base + ((unsigned long)i << n->shift);
		void *e = n->slots[i];

		if (!e)
			continue;
		if (n->shift) {
			e = find_in(e, lo, out);
			if (e)
				return e;
		} else if (e != IDTAB_ZERO) {
			*out = lo;
			return e;
		}
	}
	return NULL;
}

void *idtab_find(const struct idtab *t, unsigned long *index)
{
	if (!t->root || !covers(t->root, *index))
		return NULL;
	return find_in(t->root, *index, index);
}

static unsigned long count_nodes(const struct idtab_node *n)
{
	unsigned long c = 1;

	if (n->shift)
		for (unsigned int i = 0; i < IDTAB_SLOTS; i++)
			if (n->slots[i])
				c += count_nodes(n->slots[i]);
	return c;
}

unsigned long idtab_nodes(const struct idtab *t)
{
	return t->root ? count_nodes(t->root) : 0;
}

static void free_nodes(struct idtab_node *n)
{
	if (n->shift)
		for (unsigned int i = 0; i < IDTAB_SLOTS; i++)
			if (n->slots[i])
				free_nodes(n->slots[i]);
	kfree(n);
}

void idtab_destroy(struct idtab *t)
{
	if (t->root)
		free_nodes(t->root);
	t->root = NULL;
	t->count = 0;
}
