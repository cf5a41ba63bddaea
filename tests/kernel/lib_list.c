// SPDX-License-Identifier: MIT
/*
 * lib suite: intrusive list, refcount and spinlock behaviour, including poisoning
 * on delete and refusal to count up from zero.
 */
#include "lib/list.h"
#include "lib/refcount.h"
#include "lib/spinlock.h"
#include "tests/ktest.h"

struct item {
	int v;
	struct list_head node;
};

KTEST(lib, test_lib_list_order_and_delete)
{
	LIST_HEAD(head);
	struct item it[4] = { { 0 }, { 1 }, { 2 }, { 3 } }, *p, *n;
	int expect = 0, seen = 0;

	report(list_empty(&head), "new list is empty");
	for (int i = 0; i < 4; i++)
		list_add_tail(&it[i].node, &head);
	list_for_each_entry(p, &head, node)
		seen += p->v == expect++;
	report(seen == 4 && list_count(&head) == 4, "add_tail keeps order");
	list_del(&it[1].node);
	report(list_is_poisoned(&it[1].node), "deleted entry is poisoned");
	report(list_first_entry(&head, struct item, node)->v == 0 &&
	       list_next_entry(&it[0], node)->v == 2, "delete unlinks the middle");
	list_for_each_entry_safe(p, n, &head, node)
		list_del(&p->node);
	report(list_empty(&head), "safe iteration deletes all");
	list_add(&it[3].node, &head);
	list_add(&it[2].node, &head);
	report(list_first_entry(&head, struct item, node)->v == 2, "list_add inserts at head");
}

/* Values of head in order, as decimal digits (0 when empty). */
static int list_digits(struct list_head *head)
{
	struct item *p;
	int v = 0;

	list_for_each_entry(p, head, node)
		v = v * 10 + p->v;
	return v;
}

KTEST(lib, test_lib_list_splice_tail_init)
{
	struct item it[5] = { { 1 }, { 2 }, { 3 }, { 4 }, { 5 } };
	LIST_HEAD(a);
	LIST_HEAD(b);
	int poisoned = 0;

	list_splice_tail_init(&a, &b);
	report(list_empty(&a) && list_empty(&b), "empty onto empty: both stay empty");
	list_add_tail(&it[0].node, &a);
	list_add_tail(&it[1].node, &a);
	list_splice_tail_init(&a, &b);
	report(list_empty(&a) && list_digits(&b) == 12 && b.prev == &it[1].node,
	       "onto an empty list: moved in order (%d), from left empty", list_digits(&b));
	list_splice_tail_init(&a, &b);
	report(list_digits(&b) == 12, "an empty list onto a full one changes nothing");
	for (int i = 2; i < 5; i++)
		list_add_tail(&it[i].node, &a);
	list_splice_tail_init(&a, &b);
	for (int i = 0; i < 5; i++)
		poisoned += list_is_poisoned(&it[i].node);
	report(list_empty(&a) && list_digits(&b) == 12345 && it[2].node.prev == &it[1].node &&
	       b.prev == &it[4].node && !poisoned,
	       "onto a full list: after its tail, in order (%d), none poisoned", list_digits(&b));
}

KTEST(lib, test_lib_refcount)
{
	refcount_t r;

	refcount_set(&r, 1);
	refcount_inc(&r);
	report(refcount_read(&r) == 2, "inc");
	report(!refcount_dec_and_test(&r), "dec to 1 is not the last");
	report(refcount_dec_and_test(&r), "dec to 0 is the last");
	report(!refcount_inc_not_zero(&r), "inc_not_zero refuses a dead object");
	refcount_set(&r, 0);
	ktest_expect_warnings(1);
	refcount_inc(&r);	/* misuse: saturates, reported via refcount_bad */
	report(refcount_read(&r) < 0, "increment from zero saturates instead of reviving");
}

KTEST(lib, test_lib_spinlock_trylock)
{
	spinlock_t l = SPINLOCK_INIT;

	report(!spin_is_locked(&l) && spin_trylock(&l), "an unlocked lock is taken");
	report(spin_is_locked(&l) && !spin_trylock(&l), "a held lock refuses trylock");
	spin_unlock(&l);
	report(!spin_is_locked(&l), "unlock releases");
	spin_lock(&l);
	report(spin_is_locked(&l), "spin_lock takes a free lock at once");
	spin_unlock(&l);
}
