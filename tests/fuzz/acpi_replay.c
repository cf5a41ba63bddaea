// SPDX-License-Identifier: MIT
/*
 * acpi suite (hosted): replay the fuzz corpus (tests/fuzz/corpus/acpi/ and
 * every fixture table) through the fuzz target under ASan/UBSan, so inputs
 * that once crashed stay fixed. The fuzzing itself is `make fuzz-run`.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/host/hostutil.h"
#include "tests/ktest.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static int replay_dir(const char *rel)
{
	char path[1024];
	struct dirent *e;
	DIR *d = opendir(host_path(rel));
	int n = 0;

	while (d && (e = readdir(d))) {
		unsigned char *b;
		size_t len;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", rel, e->d_name);
		b = host_read(host_path(path), &len);
		if (!b)
			continue;
		LLVMFuzzerTestOneInput(b, len);
		free(b);
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

KTEST(acpi, test_acpi_fuzz_corpus_replay)
{
	int n = replay_dir("tests/fuzz/corpus/acpi");

	n += replay_dir("tests/fixtures/acpi/real");
	n += replay_dir("tests/fixtures/acpi/qemu");
	report(n >= 23, "%d corpus inputs replayed without a crash or broken invariant", n);
}
