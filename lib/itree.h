/* SPDX-License-Identifier: MIT */
/*
 * Augmented red-black interval tree over inclusive u64 ranges [start, last]
 * with O(log n) overlap search, plus span iteration (holes and used runs)
 * over one or several trees at once. Callers do their own locking.
 */
#ifndef LIB_ITREE_H
#define LIB_ITREE_H

#include "lib/compiler.h"

/* Embed in the object; set start and last before itree_insert(). */
struct itree_node {
	struct itree_node *parent, *left, *right;
	u64 start, last;	/* inclusive range, start <= last */
	u64 subtree_last;	/* private: largest last in this subtree */
	bool red;		/* private */
};

struct itree_root {
	struct itree_node *root;
	struct itree_node *leftmost;	/* private: the lowest start, kept by insert and remove */
};

#define ITREE_ROOT_INIT { NULL, NULL }

static inline void itree_init(struct itree_root *r)
{
	r->root = NULL;
	r->leftmost = NULL;
}

static inline bool itree_empty(const struct itree_root *r)
{
	return r->root == NULL;
}

/* Nodes looked at by inserts and searches since start (benchmarks; not atomic). */
extern unsigned long itree_visits;

/* Add n (equal starts are allowed; overlaps are the caller's business). */
void itree_insert(struct itree_root *r, struct itree_node *n);

/* Where a node would go: itree_find_slot()'s answer for itree_insert_at(). */
struct itree_slot {
	struct itree_node *parent, **link;
	bool leftmost;		/* it goes below every node */
};

/*
 * For a tree whose nodes never overlap: whether [start, last] is free, in
 * one walk down (the only nodes it could meet are its neighbours in start
 * order, which the walk passes), and if so where a node for it goes.
 * itree_insert_at() links it there, without a second walk, provided the
 * tree did not change in between. A range above or below every node is
 * free at once, without the walk (itree_insert_at() then links it below
 * the rightmost or the leftmost node: areas mapped at rising or falling
 * addresses).
 */
bool itree_find_slot(const struct itree_root *r, u64 start, u64 last, struct itree_slot *slot);
void itree_insert_at(struct itree_root *r, struct itree_node *n, const struct itree_slot *slot);
void itree_remove(struct itree_root *r, struct itree_node *n);

/* The node with the lowest start that overlaps [start, last], or NULL. */
struct itree_node *itree_iter_first(const struct itree_root *r, u64 start, u64 last);
/* The next node after n (in start order) that overlaps [start, last]. */
struct itree_node *itree_iter_next(const struct itree_node *n, u64 start, u64 last);

/* In-order neighbours and ends (no range filter). */
struct itree_node *itree_first(const struct itree_root *r);
struct itree_node *itree_next(const struct itree_node *n);

#define itree_for_each(n, r, s, l) \
	for (n = itree_iter_first(r, s, l); n; n = itree_iter_next(n, s, l))

/*
 * Check every invariant (order, colours, black height, subtree_last,
 * parent links). Returns the node count, or -1 when the tree is broken.
 */
long itree_check(const struct itree_root *r);

#define ITREE_SPAN_MAX_ROOTS 3

/*
 * Walks [first, last] as alternating spans: a used span is a maximal run of
 * addresses covered by some node of any of the trees (overlapping and
 * adjacent nodes merge), a hole is a maximal run covered by none.
 */
struct itree_span {
	bool is_hole;		/* result: this span is a hole */
	u64 start, last;	/* result: the span, inclusive */
	bool done;		/* no more spans */
	/* private */
	const struct itree_root *roots[ITREE_SPAN_MAX_ROOTS];
	int nroots;
	u64 pos, end;
	bool exhausted;
};

void itree_span_first(struct itree_span *s, const struct itree_root *const *roots,
		      int nroots, u64 first, u64 last);
void itree_span_next(struct itree_span *s);

#define itree_for_each_span(s, roots, nroots, first, last)              \
	for (itree_span_first(s, roots, nroots, first, last); !(s)->done; \
	     itree_span_next(s))

#endif
