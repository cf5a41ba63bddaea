// SPDX-License-Identifier: MIT
/*
 * Interval tree: a red-black tree ordered by start, each node augmented with
 * the largest `last` below it so overlap searches prune whole subtrees.
 * Written from the textbook algorithms (CLRS ch. 13-14).
 */
#include "lib/itree.h"

unsigned long itree_visits;

static u64 sub_last(const struct itree_node *n)
{
	return n ? n->subtree_last : 0;
}

/* Recompute n's augmented value from its children; true if it changed. */
static bool recompute(struct itree_node *n)
{
	u64 m = n->last;

	if (n->left && n->left->subtree_last > m)
		m = n->left->subtree_last;
	if (n->right && n->right->subtree_last > m)
		m = n->right->subtree_last;
	if (m == n->subtree_last)
		return false;
	n->subtree_last = m;
	return true;
}

/*
 * Recompute from n up to the root after a removal. A node whose value
 * stays ends the walk (its ancestors saw no change through it), except
 * below moved: the node that took the removed one's place has new children
 * and is recomputed in any case, and the walk goes on above it.
 */
static void propagate(struct itree_node *n, struct itree_node *moved)
{
	while (n) {
		bool changed = recompute(n);

		if (n == moved) {
			moved = NULL;
		} else if (!changed) {
			if (!moved)
				return;
			n = moved;
			continue;
		}
		n = n->parent;
	}
}

/* Replace child old of parent p (or the root) by new. */
static void change_child(struct itree_root *r, struct itree_node *p,
			 struct itree_node *old, struct itree_node *new)
{
	if (!p)
		r->root = new;
	else if (p->left == old)
		p->left = new;
	else
		p->right = new;
	if (new)
		new->parent = p;
}

/* x's right child y becomes x's parent; the subtree keeps its node set. */
static void rotate_left(struct itree_root *r, struct itree_node *x)
{
	struct itree_node *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	change_child(r, x->parent, x, y);
	y->left = x;
	x->parent = y;
	y->subtree_last = x->subtree_last;
	recompute(x);
}

static void rotate_right(struct itree_root *r, struct itree_node *x)
{
	struct itree_node *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	change_child(r, x->parent, x, y);
	y->right = x;
	x->parent = y;
	y->subtree_last = x->subtree_last;
	recompute(x);
}

static bool is_red(const struct itree_node *n)
{
	return n && n->red;
}

static void insert_fixup(struct itree_root *r, struct itree_node *z)
{
	while (is_red(z->parent)) {
		struct itree_node *p = z->parent, *g = p->parent, *u;

		if (p == g->left) {
			u = g->right;
			if (is_red(u)) {
				p->red = u->red = false;
				g->red = true;
				z = g;
				continue;
			}
			if (z == p->right) {
				rotate_left(r, p);
				z = p;
				p = z->parent;
			}
			p->red = false;
			g->red = true;
			rotate_right(r, g);
		} else {
			u = g->left;
			if (is_red(u)) {
				p->red = u->red = false;
				g->red = true;
				z = g;
				continue;
			}
			if (z == p->left) {
				rotate_right(r, p);
				z = p;
				p = z->parent;
			}
			p->red = false;
			g->red = true;
			rotate_left(r, g);
		}
	}
	r->root->red = false;
}

void itree_insert(struct itree_root *r, struct itree_node *n)
{
	struct itree_node *p = NULL, **link = &r->root;
	bool leftmost = true;

	while (*link) {
		p = *link;
		itree_visits++;
		if (n->last > p->subtree_last)
			p->subtree_last = n->last;
		if (n->start < p->start) {
			link = &p->left;
		} else {
			link = &p->right;
			leftmost = false;
		}
	}
	if (leftmost)
		r->leftmost = n;
	n->parent = p;
	n->left = n->right = NULL;
	n->subtree_last = n->last;
	n->red = true;
	*link = n;
	insert_fixup(r, n);
}

bool itree_find_slot(const struct itree_root *r, u64 start, u64 last, struct itree_slot *slot)
{
	struct itree_node *p = NULL, *pred = NULL, *succ = NULL;
	struct itree_node **link = (struct itree_node **)&r->root;

	slot->link = NULL;
	slot->leftmost = false;
	if (!r->root || r->root->subtree_last < start)
		return true;	/* above every node: itree_insert()'s one walk does it all */
	if (last < r->leftmost->start) {
		/* below every node: the leftmost one's empty left link */
		slot->parent = r->leftmost;
		slot->link = &r->leftmost->left;
		slot->leftmost = true;
		return true;
	}
	while (*link) {
		p = *link;
		itree_visits++;
		if (start < p->start) {
			succ = p;
			link = &p->left;
		} else {
			pred = p;
			link = &p->right;
		}
	}
	if ((pred && pred->last >= start) || (succ && succ->start <= last))
		return false;
	slot->parent = p;
	slot->link = link;	/* never below every node: that one returned above */
	return true;
}

/*
 * n starts above every node's last (areas mapped at rising IOVAs): it goes
 * below the rightmost node, and each node on the way there is its ancestor
 * with a smaller largest last. The walk down the right spine needs no
 * comparison.
 */
static void insert_above_all(struct itree_root *r, struct itree_node *n)
{
	struct itree_node *p = r->root;
	unsigned long depth = 1;

	for (p->subtree_last = n->last; p->right; p = p->right, depth++)
		p->right->subtree_last = n->last;
	itree_visits += depth;
	n->parent = p;
	n->left = n->right = NULL;
	n->subtree_last = n->last;
	n->red = true;
	p->right = n;
	insert_fixup(r, n);
}

void itree_insert_at(struct itree_root *r, struct itree_node *n, const struct itree_slot *slot)
{
	if (!slot->link) {
		if (r->root && r->root->subtree_last < n->start)
			insert_above_all(r, n);
		else
			itree_insert(r, n);
		return;
	}
	n->parent = slot->parent;
	n->left = n->right = NULL;
	n->subtree_last = n->last;
	n->red = true;
	*slot->link = n;
	if (slot->leftmost)
		r->leftmost = n;
	/* the ancestors' largest last grows up to where it is already as large */
	for (struct itree_node *q = slot->parent; q && q->subtree_last < n->last; q = q->parent)
		q->subtree_last = n->last;
	insert_fixup(r, n);
}

static struct itree_node *leftmost(struct itree_node *n)
{
	while (n && n->left)
		n = n->left;
	return n;
}

/* x (maybe NULL) with parent p carries an extra black; restore the rules. */
static void remove_fixup(struct itree_root *r, struct itree_node *x, struct itree_node *p)
{
	while (x != r->root && !is_red(x)) {
		struct itree_node *w;

		if (x == p->left) {
			w = p->right;
			if (is_red(w)) {
				w->red = false;
				p->red = true;
				rotate_left(r, p);
				w = p->right;
			}
			if (!is_red(w->left) && !is_red(w->right)) {
				w->red = true;
				x = p;
				p = x->parent;
				continue;
			}
			if (!is_red(w->right)) {
				w->left->red = false;
				w->red = true;
				rotate_right(r, w);
				w = p->right;
			}
			w->red = p->red;
			p->red = false;
			w->right->red = false;
			rotate_left(r, p);
		} else {
			w = p->left;
			if (is_red(w)) {
				w->red = false;
				p->red = true;
				rotate_right(r, p);
				w = p->left;
			}
			if (!is_red(w->left) && !is_red(w->right)) {
				w->red = true;
				x = p;
				p = x->parent;
				continue;
			}
			if (!is_red(w->left)) {
				w->right->red = false;
				w->red = true;
				rotate_left(r, w);
				w = p->left;
			}
			w->red = p->red;
			p->red = false;
			w->left->red = false;
			rotate_right(r, p);
		}
		x = r->root;
		break;
	}
	if (x)
		x->red = false;
}

void itree_remove(struct itree_root *r, struct itree_node *z)
{
	struct itree_node *x, *xp, *y = NULL;
	bool removed_red;

	if (z == r->leftmost)
		r->leftmost = itree_next(z);
	if (!z->left || !z->right) {
		x = z->left ? z->left : z->right;
		xp = z->parent;
		removed_red = z->red;
		change_child(r, z->parent, z, x);
	} else {
		y = leftmost(z->right);
		removed_red = y->red;
		x = y->right;
		if (y->parent == z) {
			xp = y;
		} else {
			xp = y->parent;
			change_child(r, y->parent, y, y->right);
			y->right = z->right;
			y->right->parent = y;
		}
		change_child(r, z->parent, z, y);
		y->left = z->left;
		y->left->parent = y;
		y->red = z->red;
	}
	propagate(xp, y);
	if (!removed_red && r->root)
		remove_fixup(r, x, xp);
	z->parent = z->left = z->right = NULL;
}

/* Leftmost node of the subtree n that overlaps [start, last]. */
static struct itree_node *subtree_search(struct itree_node *n, u64 start, u64 last)
{
	for (;;) {
		itree_visits++;
		if (n->left && n->left->subtree_last >= start) {
			n = n->left;
			continue;
		}
		if (n->start > last)
			return NULL;
		if (n->last >= start)
			return n;
		n = n->right;
		if (!n || n->subtree_last < start)
			return NULL;
	}
}

struct itree_node *itree_iter_first(const struct itree_root *r, u64 start, u64 last)
{
	const struct itree_node *l = r->leftmost;

	if (!r->root || r->root->subtree_last < start || last < l->start)
		return NULL;
	if (l->last >= start)
		return (struct itree_node *)l;	/* the lowest start overlaps: no walk */
	return subtree_search(r->root, start, last);
}

struct itree_node *itree_iter_next(const struct itree_node *cn, u64 start, u64 last)
{
	struct itree_node *n = (struct itree_node *)cn, *right = n->right, *prev;

	for (;;) {
		if (right && right->subtree_last >= start)
			return subtree_search(right, start, last);
		/* climb until we arrive from a left child */
		do {
			prev = n;
			n = n->parent;
			if (!n)
				return NULL;
		} while (prev == n->right);
		if (n->start > last)
			return NULL;
		if (n->last >= start)
			return n;
		right = n->right;
	}
}

struct itree_node *itree_first(const struct itree_root *r)
{
	return r->leftmost;
}

struct itree_node *itree_next(const struct itree_node *cn)
{
	struct itree_node *n = (struct itree_node *)cn, *prev;

	if (n->right)
		return leftmost(n->right);
	do {
		prev = n;
		n = n->parent;
	} while (n && prev == n->right);
	return n;
}

/* Black height of n's subtree, or -1 if some rule is broken below n. */
static long check_node(const struct itree_node *n, long *count)
{
	long lh, rh;

	if (!n)
		return 1;
	(*count)++;
	if (n->start > n->last)
		return -1;
	if ((n->left && (n->left->parent != n || n->left->start > n->start)) ||
	    (n->right && (n->right->parent != n || n->right->start < n->start)))
		return -1;
	if (n->red && (is_red(n->left) || is_red(n->right)))
		return -1;
	if (n->subtree_last != max(n->last, max(sub_last(n->left), sub_last(n->right))))
		return -1;
	lh = check_node(n->left, count);
	rh = check_node(n->right, count);
	if (lh < 0 || rh < 0 || lh != rh)
		return -1;
	return lh + !n->red;
}

long itree_check(const struct itree_root *r)
{
	long count = 0;

	if ((r->root && (r->root->parent || r->root->red)) || r->leftmost != leftmost(r->root))
		return -1;
	if (check_node(r->root, &count) < 0)
		return -1;
	return count;
}

/* Largest last of the nodes (any tree) that contain addr; false if none. */
static bool cover_at(const struct itree_span *s, u64 addr, u64 *last)
{
	bool found = false;

	for (int i = 0; i < s->nroots; i++) {
		struct itree_node *n;

		itree_for_each(n, s->roots[i], addr, addr) {
			if (!found || n->last > *last)
				*last = n->last;
			found = true;
		}
	}
	return found;
}

void itree_span_next(struct itree_span *s)
{
	u64 first_start = 0, e;
	bool any = false;

	if (s->exhausted || s->pos > s->end) {
		s->done = true;
		return;
	}
	for (int i = 0; i < s->nroots; i++) {
		struct itree_node *n = itree_iter_first(s->roots[i], s->pos, s->end);

		if (n && (!any || n->start < first_start)) {
			first_start = n->start;
			any = true;
		}
	}
	s->start = s->pos;
	if (!any || first_start > s->pos) {
		s->is_hole = true;
		s->last = any ? first_start - 1 : s->end;
	} else {
		s->is_hole = false;
		cover_at(s, s->pos, &e);
		while (e < s->end && cover_at(s, e + 1, &e))
			;
		s->last = min(e, s->end);
	}
	if (s->last == s->end)
		s->exhausted = true;
	else
		s->pos = s->last + 1;
}

void itree_span_first(struct itree_span *s, const struct itree_root *const *roots,
		      int nroots, u64 first, u64 last)
{
	s->nroots = min(nroots, ITREE_SPAN_MAX_ROOTS);
	for (int i = 0; i < s->nroots; i++)
		s->roots[i] = roots[i];
	s->pos = first;
	s->end = last;
	s->done = false;
	s->exhausted = false;
	itree_span_next(s);
}
