// SPDX-License-Identifier: MIT
/*
 * acpi suite (hosted): replay the fuzz corpus (tests/fuzz/corpus/acpi/ and
 * every fixture table) through the fuzz target under ASan/UBSan, so inputs
 * that once crashed stay fixed. The fuzzing itself is `make fuzz-run`.
 */
#include "tests/fuzz/replay.h"
#include "tests/ktest.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

KTEST(acpi, test_acpi_fuzz_corpus_replay)
{
	int n = fuzz_replay_dir("tests/fuzz/corpus/acpi", LLVMFuzzerTestOneInput);

	n += fuzz_replay_dir("tests/fixtures/acpi/real", LLVMFuzzerTestOneInput);
	n += fuzz_replay_dir("tests/fixtures/acpi/qemu", LLVMFuzzerTestOneInput);
	report(n >= 23, "%d corpus inputs replayed without a crash or broken invariant", n);
}
