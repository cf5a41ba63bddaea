/* SPDX-License-Identifier: MIT */
/*
 * The bring-up report: "# bringup: {...}" on the serial consoles before the
 * tests (schema in README.md, "The bring-up line"); scripts/ktap --bringup
 * takes it back out of a log.
 */
#ifndef INIT_BRINGUP_H
#define INIT_BRINGUP_H

struct json;

/* Print the line (serial consoles) and a one-line note on the screen. */
void bringup_report(void);
/* The report's members, into the object j has open. */
void bringup_facts(struct json *j);
/* git describe of the build (the Makefile's version.S, linked in last). */
extern const char iommu_testos_version[];

#endif
