// SPDX-License-Identifier: MIT
/*
 * abi suite (hosted, test-core): replay the ioctl fuzz corpus
 * (tests/fuzz/corpus/ioctl/) through the target under ASan/UBSan; each
 * input ends with every object, pin and file gone, or the program aborts.
 */
#include "tests/fuzz/replay.h"
#include "tests/ktest.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

KTEST(abi, test_abi_fuzz_corpus_replay)
{
	int n = fuzz_replay_dir("tests/fuzz/corpus/ioctl", LLVMFuzzerTestOneInput);

	report(n >= 8, "%d ioctl sequences replayed, each closed without a leak", n);
}
