/* SPDX-License-Identifier: MIT */
/*
 * Intrusive doubly linked circular list, Linux style. Deleted entries are
 * poisoned so a second delete or a use after delete faults at once.
 */
#ifndef LIB_LIST_H
#define LIB_LIST_H

#include "lib/compiler.h"

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_POISON1 ((struct list_head *)0xdead000000000100UL)
#define LIST_POISON2 ((struct list_head *)0xdead000000000122UL)

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void INIT_LIST_HEAD(struct list_head *l)
{
	l->next = l;
	l->prev = l;
}

static inline void __list_add(struct list_head *n, struct list_head *prev,
			      struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

static inline void list_add(struct list_head *n, struct list_head *head)
{
	__list_add(n, head, head->next);
}

static inline void list_add_tail(struct list_head *n, struct list_head *head)
{
	__list_add(n, head->prev, head);
}

static inline void list_del(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	e->next = LIST_POISON1;
	e->prev = LIST_POISON2;
}

static inline void list_del_init(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	INIT_LIST_HEAD(e);
}

/* Move e to the front of head. */
static inline void list_move(struct list_head *e, struct list_head *head)
{
	list_del(e);
	list_add(e, head);
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

/*
 * Move every entry of from to the end of to, in order; from is left empty.
 * No entry is unlinked on the way (no poison written into it).
 */
static inline void list_splice_tail_init(struct list_head *from, struct list_head *to)
{
	if (list_empty(from))
		return;
	from->next->prev = to->prev;
	to->prev->next = from->next;
	from->prev->next = to;
	to->prev = from->prev;
	INIT_LIST_HEAD(from);
}

static inline bool list_is_poisoned(const struct list_head *e)
{
	return e->next == LIST_POISON1 && e->prev == LIST_POISON2;
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(h, type, member) list_entry((h)->next, type, member)
#define list_last_entry(h, type, member) list_entry((h)->prev, type, member)
#define list_next_entry(pos, member) \
	list_entry((pos)->member.next, __typeof__(*(pos)), member)

#define list_for_each(pos, head) \
	for (pos = (head)->next; pos != (head); pos = pos->next)

#define list_for_each_entry(pos, head, member)                          \
	for (pos = list_first_entry(head, __typeof__(*pos), member);    \
	     &pos->member != (head); pos = list_next_entry(pos, member))

#define list_for_each_entry_reverse(pos, head, member)                  \
	for (pos = list_last_entry(head, __typeof__(*pos), member);      \
	     &pos->member != (head);                                       \
	     pos = list_entry(pos->member.prev, __typeof__(*pos), member))

#define list_for_each_entry_safe(pos, n, head, member)                  \
	for (pos = list_first_entry(head, __typeof__(*pos), member),    \
	     n = list_next_entry(pos, member);                          \
	     &pos->member != (head); pos = n, n = list_next_entry(n, member))

static inline size_t list_count(const struct list_head *h)
{
	size_t n = 0;

	for (const struct list_head *p = h->next; p != h; p = p->next)
		n++;
	return n;
}

#endif
