/* SPDX-License-Identifier: MIT */
/*
 * Replaying a fuzz target's corpus in a hosted unit test (make check), so
 * inputs that once crashed stay fixed; the fuzzing itself is make fuzz-run.
 */
#ifndef TESTS_FUZZ_REPLAY_H
#define TESTS_FUZZ_REPLAY_H

#include <stddef.h>

/* Feed every file of directory rel (under the repository top) to one; returns how many. */
int fuzz_replay_dir(const char *rel, int (*one)(const unsigned char *data, size_t size));

#endif
