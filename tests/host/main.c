// SPDX-License-Identifier: MIT
/*
 * main() of every hosted test program: argv words are runner options
 * (suite=, test=, seed=, loops=, verbose=1, list); exit 1 on any failure.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "tests/ktest.h"

int main(int argc, char **argv)
{
	struct ktest_opts o = { 0 };
	struct ktest_totals t;

	o.seed = (u64)time(NULL);
	if (getenv("KTEST_SEED"))
		o.seed = strtoull(getenv("KTEST_SEED"), NULL, 0);
	for (int i = 1; i < argc; i++)
		ktest_parse_opt(&o, argv[i], strlen(argv[i]));
	t = ktest_run_all(&o);
	return t.failed ? 1 : 0;
}
