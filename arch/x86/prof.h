/* SPDX-License-Identifier: MIT */
/*
 * Sampling profiler: while a named region runs, the LAPIC timer interrupts
 * its CPU every profile_us (default 100) and the interrupted instruction is
 * counted by kernel function (kallsyms), or as ring 3. Under TCG without
 * icount the timer runs on host time, so samples are proportional to host
 * time, QEMU's emulation of an MMIO access included (it lands on the
 * accessing instruction). Off unless profile=NAME[,NAME...] (or all) is on
 * the command line; a region that is not named costs nothing.
 */
#ifndef ARCH_X86_PROF_H
#define ARCH_X86_PROF_H

#include "lib/types.h"

#define PROF_NAME_MAX	32

/* One line of a profile: a function (or "[ring 3]", "[other]") and its samples. */
struct prof_row {
	const char *name;
	u32 samples;
};

/* Read profile=, profile_us= and profile_top= (before the first region). */
void prof_init(void);
/* Some region is named on the command line. */
bool prof_enabled(void);
/*
 * Start or resume sampling region on this CPU if it is named (force: in
 * any case, for tests). A different region than the last one reports the
 * last first. 0, or -ENOENT (not named), -EBUSY (another CPU samples),
 * -ENODEV (no LAPIC timer).
 */
int prof_begin(const char *region, bool force);
/* Stop counting; the counts stay for prof_report() or a later prof_begin(). */
void prof_pause(void);
/* Print the region's top functions ("# PROF ..." lines), clear the counts, stop. */
void prof_report(void);
/* The n busiest rows, most samples first; returns how many, *total the samples. */
int prof_top(struct prof_row *rows, int n, u32 *total);
/* The n functions most often on the stack of a sample (self or calling), most first. */
int prof_top_inclusive(struct prof_row *rows, int n);
/* Clear the counts and forget the region (tests). */
void prof_reset(void);

#endif
