// SPDX-License-Identifier: MIT
/*
 * lib suite: the interval tree against a plain array model (random inserts,
 * removes and overlap queries), span iteration over holes and used runs of
 * one to three trees, and ranges that touch 0 and UINT64_MAX.
 */
#include "lib/itree.h"
#include "lib/string.h"
#include "tests/ktest.h"

#define NNODES 600
#define SPACE 4096		/* small address space for brute-force spans */

static struct itree_node nodes[NNODES];
static bool in_tree[NNODES];

/* Take node i out of r when it is in (one fewer live): whether it was. */
static bool take_out(struct itree_root *r, int i, int *live)
{
	if (!in_tree[i])
		return false;
	itree_remove(r, &nodes[i]);
	in_tree[i] = false;
	(*live)--;
	return true;
}

/* Take out every node of the first n still in r: whether r is empty then. */
static bool empty_out(struct itree_root *r, int n)
{
	int live = 0;

	for (int i = 0; i < n; i++)
		take_out(r, i, &live);
	return itree_empty(r) && itree_first(r) == NULL;
}

static void random_range(struct itree_node *n, u64 space, u64 maxlen)
{
	n->start = ktest_rand() % space;
	n->last = n->start + ktest_rand() % maxlen;
	if (n->last >= space)
		n->last = space - 1;
}

/* Compare a query against the model: same set, lowest start first, ordered. */
static bool query_matches(struct itree_root *r, u64 s, u64 l)
{
	struct itree_node *n;
	int expect = 0, seen = 0;
	u64 prev = 0;

	for (int i = 0; i < NNODES; i++)
		if (in_tree[i] && nodes[i].start <= l && nodes[i].last >= s)
			expect++;
	itree_for_each(n, r, s, l) {
		int i = (int)(n - nodes);

		if (i < 0 || i >= NNODES || !in_tree[i] || n->start > l || n->last < s)
			return false;
		if (seen && n->start < prev)
			return false;
		prev = n->start;
		seen++;
	}
	return seen == expect;
}

KTEST(lib, test_lib_itree_random_vs_model)
{
	struct itree_root r = ITREE_ROOT_INIT;
	int live = 0, bad_shape = 0, bad_query = 0;

	memset(in_tree, 0, sizeof(in_tree));
	for (int op = 0; op < 6000; op++) {
		int i = (int)(ktest_rand() % NNODES);

		if (!take_out(&r, i, &live)) {
			random_range(&nodes[i], 1ULL << 40, 1ULL << (ktest_rand() % 36));
			itree_insert(&r, &nodes[i]);
			in_tree[i] = true;
			live++;
		}
		if (op % 97 == 0 && itree_check(&r) != live)
			bad_shape++;
		if (op % 13 == 0) {
			struct itree_node q;

			random_range(&q, 1ULL << 40, 1ULL << (ktest_rand() % 38));
			bad_query += !query_matches(&r, q.start, q.last);
		}
	}
	report(bad_shape == 0, "red-black and subtree_last invariants hold after every step");
	report(bad_query == 0, "overlap queries return exactly the model's ranges in start order");
	report(itree_check(&r) == live, "node count matches the model (%d)", live);
	report(empty_out(&r, NNODES), "removing every node empties the tree");
}

/*
 * itree_find_slot() on a tree of disjoint ranges answers what an overlap
 * query answers, and itree_insert_at() at its slot keeps every invariant:
 * in a sparse space and in a dense one (256 addresses), where ranges
 * ending at the lowest start or starting at the highest end are common.
 */
static void slot_vs_query(u64 space, unsigned int maxbits, int *bad_answer, int *bad_shape,
			  int *live)
{
	struct itree_root r = ITREE_ROOT_INIT;

	memset(in_tree, 0, sizeof(in_tree));
	*live = 0;
	for (int op = 0; op < 6000; op++) {
		int i = (int)(ktest_rand() % NNODES);
		struct itree_slot slot;
		bool free;

		if (take_out(&r, i, live))
			continue;
		random_range(&nodes[i], space, 1ULL << (ktest_rand() % maxbits));
		free = itree_find_slot(&r, nodes[i].start, nodes[i].last, &slot);
		*bad_answer += free != !itree_iter_first(&r, nodes[i].start, nodes[i].last);
		if (!free)
			continue;
		itree_insert_at(&r, &nodes[i], &slot);
		in_tree[i] = true;
		(*live)++;
		if (op % 97 == 0 && itree_check(&r) != *live)
			(*bad_shape)++;
	}
	*bad_shape += itree_check(&r) != *live;
	*bad_shape += !empty_out(&r, NNODES);
}

KTEST(lib, test_lib_itree_slot_vs_query)
{
	int bad_answer = 0, bad_shape = 0, sparse, dense;

	slot_vs_query(1ULL << 24, 16, &bad_answer, &bad_shape, &sparse);
	slot_vs_query(256, 3, &bad_answer, &bad_shape, &dense);
	report(bad_answer == 0, "free exactly when no node overlaps (%d wrong)", bad_answer);
	report(bad_shape == 0 && sparse > 100 && dense > 20,
	       "inserting at the slot keeps the invariants, empty at the end (%d, %d nodes)",
	       sparse, dense);
}

/*
 * Ranges mapped at rising addresses (the 256-maps benchmark) or falling
 * ones (a probe below every area, an allocator filling top-down) are free
 * at once and linked below the rightmost or the leftmost node without a
 * walk: every invariant (the cached leftmost node too) holds after each,
 * with removals of random older nodes in between.
 */
static void rise_or_fall(bool rise, int *refused, int *bad_shape, int *live)
{
	struct itree_root r = ITREE_ROOT_INIT;
	u64 next = rise ? 0x1000 : 1ULL << 40;

	memset(in_tree, 0, sizeof(in_tree));
	*live = 0;
	for (int i = 0; i < NNODES; i++) {
		u64 len = 1 + ktest_rand() % 0x3000, gap = (ktest_rand() % 2) * 0x1000;
		struct itree_slot slot;

		nodes[i].start = rise ? next : next - len;
		nodes[i].last = nodes[i].start + len - 1;
		next = rise ? nodes[i].last + 1 + gap : nodes[i].start - gap;
		if (!itree_find_slot(&r, nodes[i].start, nodes[i].last, &slot)) {
			(*refused)++;
			continue;
		}
		itree_insert_at(&r, &nodes[i], &slot);
		in_tree[i] = true;
		(*live)++;
		if (ktest_rand() % 4 == 0) {
			int k = (int)(ktest_rand() % (unsigned)(i + 1));

			take_out(&r, k, live);
		}
		*bad_shape += itree_check(&r) != *live;
	}
	*bad_shape += !empty_out(&r, NNODES);
}

KTEST(lib, test_lib_itree_rising_and_falling_inserts)
{
	int refused = 0, bad = 0, live_up, live_down;

	rise_or_fall(true, &refused, &bad, &live_up);
	rise_or_fall(false, &refused, &bad, &live_down);
	report(refused == 0, "every rising and falling range is free (%d refused)", refused);
	report(bad == 0 && live_up > NNODES / 2 && live_down > NNODES / 2,
	       "invariants after every insert and removal, empty at the end (%d broken; %d, %d "
	       "nodes)", bad, live_up, live_down);
}

KTEST(lib, test_lib_itree_equal_starts_and_walk)
{
	struct itree_root r = ITREE_ROOT_INIT;
	struct itree_node *n;
	int count = 0;

	for (int i = 0; i < 64; i++) {
		nodes[i].start = 100 + (i % 4);
		nodes[i].last = 100 + (i % 4) + (u64)i;
		itree_insert(&r, &nodes[i]);
	}
	report(itree_check(&r) == 64, "equal starts keep a valid tree");
	for (n = itree_first(&r); n; n = itree_next(n))
		count++;
	report(count == 64, "in-order walk visits every node once");
	report(itree_iter_first(&r, 0, 99) == NULL, "nothing below the lowest start");
	report(itree_iter_first(&r, 100 + 3 + 63, ~0ULL) == &nodes[63],
	       "the longest node is found past every other end");
	for (int i = 0; i < 64; i++)
		itree_remove(&r, &nodes[i]);
	report(itree_check(&r) == 0 && itree_empty(&r), "empty again");
}

/*
 * A dense space (64 addresses, short ranges): equal starts, queries ending
 * at the lowest start and starting just past its end are common, where a
 * space of 2^40 almost never makes them. itree_iter_first() must answer
 * the model's node (lowest start, then the earliest inserted: equal starts
 * go in after each other) and itree_first() the model's first, after
 * inserts by itree_insert() or at a slot, removals, and whole-root copies
 * (iopt_set_allow_iova() swaps roots by assignment).
 */
#define DENSE 64
#define DENSE_NODES 48

static u64 dense_seq[DENSE_NODES];

static struct itree_node *dense_model_first(u64 s, u64 l)
{
	struct itree_node *best = NULL;
	u64 best_seq = 0;

	for (int i = 0; i < DENSE_NODES; i++) {
		struct itree_node *n = &nodes[i];

		if (!in_tree[i] || n->start > l || n->last < s)
			continue;
		if (!best || n->start < best->start ||
		    (n->start == best->start && dense_seq[i] < best_seq)) {
			best = n;
			best_seq = dense_seq[i];
		}
	}
	return best;
}

/* Random queries plus the ones at the edges of the lowest node. */
static int dense_queries(const struct itree_root *r)
{
	struct itree_node *lo = dense_model_first(0, ~0ULL);
	int bad = itree_first(r) != lo;

	for (int q = 0; q < 12; q++) {
		u64 a = ktest_rand() % DENSE, b = ktest_rand() % DENSE, s = min(a, b), l = max(a, b);

		if (lo && q == 0)
			s = 0, l = lo->start;		/* ends at the lowest start */
		else if (lo && q == 1 && lo->start)
			s = l = lo->start - 1;		/* just below it */
		else if (lo && q == 2)
			s = lo->last + 1, l = max(s, l);	/* just past its end */
		else if (lo && q == 3)
			s = l = lo->last;		/* its last address */
		bad += itree_iter_first(r, s, l) != dense_model_first(s, l);
	}
	return bad;
}

KTEST(lib, test_lib_itree_dense_first_vs_model)
{
	struct itree_root r = ITREE_ROOT_INIT, copy;
	int live = 0, bad_shape = 0, bad_first = 0, equal = 0;
	u64 seq = 0;

	memset(in_tree, 0, sizeof(in_tree));
	for (int op = 0; op < 20000; op++) {
		int i = (int)(ktest_rand() % DENSE_NODES);

		if (!take_out(&r, i, &live)) {
			struct itree_slot slot;

			random_range(&nodes[i], DENSE, 1 + ktest_rand() % 4);
			equal += dense_model_first(nodes[i].start, nodes[i].start) &&
				 dense_model_first(nodes[i].start, nodes[i].start)->start ==
				 nodes[i].start;
			/* a free range goes in at its slot half the time */
			if (ktest_rand() % 2 &&
			    itree_find_slot(&r, nodes[i].start, nodes[i].last, &slot))
				itree_insert_at(&r, &nodes[i], &slot);
			else
				itree_insert(&r, &nodes[i]);
			in_tree[i] = true;
			dense_seq[i] = seq++;
			live++;
		}
		if (op % 50 == 0) {
			copy = r;
			itree_init(&r);
			r = copy;
		}
		bad_shape += itree_check(&r) != live;
		bad_first += dense_queries(&r);
	}
	report(bad_shape == 0, "invariants and the cached leftmost after every step (%d broken)",
	       bad_shape);
	report(bad_first == 0 && equal > 1000,
	       "first overlap is the model's, equal starts in insertion order (%d wrong, %d "
	       "equal starts)", bad_first, equal);
	report(empty_out(&r, DENSE_NODES) && itree_iter_first(&r, 0, ~0ULL) == NULL,
	       "empty at the end: no first node, no overlap");
}

/* Expected spans from a coverage bitmap of SPACE addresses. */
static bool spans_match(struct itree_root **roots, int nroots, u64 first, u64 last)
{
	static bool covered[SPACE];
	struct itree_span s;
	u64 pos = first;

	memset(covered, 0, sizeof(covered));
	for (int i = 0; i < NNODES; i++)
		if (in_tree[i])
			for (u64 a = nodes[i].start; a <= nodes[i].last; a++)
				covered[a] = true;
	itree_for_each_span(&s, (const struct itree_root *const *)roots, nroots, first, last) {
		if (s.start != pos || s.last < s.start || s.last > last)
			return false;
		for (u64 a = s.start; a <= s.last; a++)
			if (covered[a] == s.is_hole)
				return false;
		/* maximal: the next address (if inside) has the other kind */
		if (s.last < last && covered[s.last + 1] != s.is_hole)
			return false;
		pos = s.last + 1;
	}
	return pos == last + 1;
}

KTEST(lib, test_lib_itree_spans_vs_bitmap)
{
	struct itree_root trees[3] = { ITREE_ROOT_INIT, ITREE_ROOT_INIT, ITREE_ROOT_INIT };
	struct itree_root *roots[3] = { &trees[0], &trees[1], &trees[2] };
	int bad = 0;

	for (int round = 0; round < 40; round++) {
		int nroots = 1 + round % 3, n = 5 + (int)(ktest_rand() % 60);

		memset(in_tree, 0, sizeof(in_tree));
		for (int i = 0; i < n; i++) {
			random_range(&nodes[i], SPACE, 1 + ktest_rand() % 200);
			itree_insert(roots[i % nroots], &nodes[i]);
			in_tree[i] = true;
		}
		for (int q = 0; q < 20; q++) {
			u64 a = ktest_rand() % SPACE, b = ktest_rand() % SPACE;

			bad += !spans_match(roots, nroots, min(a, b), max(a, b));
		}
		bad += !spans_match(roots, nroots, 0, SPACE - 1);
		for (int i = 0; i < n; i++)
			itree_remove(roots[i % nroots], &nodes[i]);
	}
	report(bad == 0, "spans alternate, are maximal and cover the query exactly");
}

KTEST(lib, test_lib_itree_spans_at_the_ends)
{
	struct itree_root r = ITREE_ROOT_INIT;
	const struct itree_root *roots[1] = { &r };
	struct itree_node a = { .start = 0, .last = 9 }, b = { .start = ~0ULL - 9, .last = ~0ULL };
	struct itree_span s;
	int n = 0;

	itree_for_each_span(&s, roots, 1, 0, ~0ULL)
		n++;
	report(n == 1, "empty tree: one hole over the whole space");
	itree_span_first(&s, roots, 1, 0, ~0ULL);
	report(s.is_hole && s.start == 0 && s.last == ~0ULL, "and it is [0, UINT64_MAX]");

	itree_insert(&r, &a);
	itree_insert(&r, &b);
	itree_span_first(&s, roots, 1, 0, ~0ULL);
	report(!s.is_hole && s.start == 0 && s.last == 9, "used span at 0");
	itree_span_next(&s);
	report(s.is_hole && s.start == 10 && s.last == ~0ULL - 10, "hole in the middle");
	itree_span_next(&s);
	report(!s.is_hole && s.last == ~0ULL, "used span ending at UINT64_MAX");
	itree_span_next(&s);
	report(s.done, "iteration stops after UINT64_MAX without wrapping");
	report(itree_iter_first(&r, ~0ULL, ~0ULL) == &b, "point query at UINT64_MAX");
	itree_remove(&r, &a);
	itree_remove(&r, &b);
}
