// SPDX-License-Identifier: MIT
/*
 * lib suite: the ID table against a plain model (sparse indices up to
 * ULONG_MAX), lowest-free allocation, reserved slots, the canonical shape
 * after erasing, and -ENOMEM at every node allocation leaving it unchanged.
 */
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/idtable.h"
#include "tests/ktest.h"

#define NKEYS 512

static unsigned long keys[NKEYS];
static void *vals[NKEYS];

static void *val_of(int i)
{
	return (void *)(uintptr_t)(0x1000 + i * 16);
}

static unsigned long random_key(void)
{
	switch (ktest_rand() % 4) {
	case 0:
		return ktest_rand() % 200;		/* dense low ids */
	case 1:
		return ktest_rand() % (1UL << 20);
	case 2:
		return ~0UL - ktest_rand() % 100;	/* top of the space */
	default:
		return ktest_rand();
	}
}

static bool model_matches(struct idtab *t)
{
	unsigned long idx, count = 0, prev = 0;
	void *e;
	int n = 0;

	for (int i = 0; i < NKEYS; i++) {
		if (vals[i])
			count++;
		if (idtab_load(t, keys[i]) != vals[i])
			return false;
	}
	idtab_for_each(t, idx, e) {
		if (n++ && idx <= prev)
			return false;
		prev = idx;
		if (idx == ~0UL)
			break;
	}
	return t->count == count && (unsigned long)n == count;
}

KTEST(lib, test_lib_idtable_random_vs_model)
{
	struct idtab t = IDTAB_INIT;
	int bad = 0;

	for (int i = 0; i < NKEYS; i++) {
		keys[i] = random_key();
		vals[i] = NULL;
		for (int j = 0; j < i; j++)
			if (keys[j] == keys[i])
				keys[i] = random_key(), j = -1;
	}
	for (int op = 0; op < 8000; op++) {
		int i = (int)(ktest_rand() % NKEYS);

		if (vals[i]) {
			bad += idtab_erase(&t, keys[i]) != vals[i];
			vals[i] = NULL;
		} else {
			bad += idtab_store(&t, keys[i], val_of(i), NULL) != 0;
			vals[i] = val_of(i);
		}
		if (op % 500 == 0)
			bad += !model_matches(&t);
	}
	report(bad == 0, "load, find and count agree with the model after each step");
	for (int i = 0; i < NKEYS; i++)
		if (vals[i])
			idtab_erase(&t, keys[i]);
	report(t.count == 0 && idtab_nodes(&t) == 0, "erasing every key frees every node");
	idtab_destroy(&t);
}

KTEST(lib, test_lib_idtable_alloc_lowest_free)
{
	struct idtab t = IDTAB_INIT;
	unsigned long id = 0, idx;
	bool ok = true;

	for (unsigned long i = 1; i <= 200; i++)
		ok &= idtab_alloc(&t, val_of((int)i), 1, U32_MAX, &id) == 0 && id == i;
	report(ok, "IDs come out 1, 2, 3, ... from min 1");
	idtab_erase(&t, 7);
	idtab_erase(&t, 100);
	report(idtab_alloc(&t, IDTAB_ZERO, 1, U32_MAX, &id) == 0 && id == 7,
	       "the lowest freed ID is reused first");
	report(idtab_load(&t, 7) == NULL, "a reserved slot loads as NULL");
	idx = 6;
	report(idtab_find(&t, &idx) == val_of(6) && idx == 6, "find from 6 sees 6");
	idx = 7;
	report(idtab_find(&t, &idx) == val_of(8) && idx == 8, "find skips the reserved slot");
	report(idtab_alloc(&t, val_of(1), 1, U32_MAX, &id) == 0 && id == 100,
	       "a reserved slot is not handed out again");
	report(idtab_alloc(&t, val_of(1), 50, 60, &id) == -EBUSY, "a full range gives -EBUSY");
	report(idtab_alloc(&t, val_of(1), ~0UL - 1, ~0UL, &id) == 0 && id == ~0UL - 1,
	       "allocation at the top of the index space");
	report(idtab_alloc(&t, val_of(1), 5, 4, &id) == -EINVAL, "min > max is -EINVAL");
	idtab_destroy(&t);
	report(t.count == 0 && idtab_nodes(&t) == 0, "destroy empties the table");
}

KTEST(lib, test_lib_idtable_enomem_leaves_table_unchanged)
{
	struct idtab t = IDTAB_INIT;
	unsigned long nodes, id;
	int fails = 0, changed = 0;

	idtab_store(&t, 3, val_of(3), NULL);
	nodes = idtab_nodes(&t);
	/* a far index needs several new levels: fail each allocation in turn */
	for (unsigned long n = 1; n < 20; n++) {
		int r;

		failpoint_arm(n);
		r = idtab_store(&t, 1UL << 50, val_of(5), NULL);
		if (!failpoint_fired()) {
			failpoint_arm(0);
			idtab_erase(&t, 1UL << 50);
			break;
		}
		failpoint_arm(0);
		fails += r == -ENOMEM;
		changed += idtab_nodes(&t) != nodes || t.count != 1 ||
			   idtab_load(&t, 3) != val_of(3) || idtab_load(&t, 1UL << 50);
	}
	report(fails >= 2, "every node allocation of a deep store can fail (%d sites)", fails);
	report(changed == 0, "after each -ENOMEM the table is exactly as before");
	failpoint_arm(1);
	report(idtab_alloc(&t, val_of(1), 64, 64, &id) == -ENOMEM, "alloc reports -ENOMEM");
	failpoint_arm(0);
	report(idtab_nodes(&t) == nodes, "and leaves no node behind");
	idtab_destroy(&t);
}
