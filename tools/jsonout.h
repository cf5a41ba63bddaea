/* SPDX-License-Identifier: MIT */
/*
 * Minimal JSON writer for the hosted tools (iommu-acpi, iommu-caps): objects,
 * arrays, strings with escapes, integers, booleans, null. Hosted only (stdio).
 */
#ifndef IOMMU_TOOLS_JSONOUT_H
#define IOMMU_TOOLS_JSONOUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JO_MAX_DEPTH 16

struct jo {
	FILE *f;
	int depth;
	bool first[JO_MAX_DEPTH];	/* no element written yet at this depth */
	bool after_key;			/* a key was written: the value needs no comma */
};

void jo_init(struct jo *j, FILE *f);
void jo_obj(struct jo *j);		/* { */
void jo_obj_end(struct jo *j);		/* } */
void jo_arr(struct jo *j);		/* [ */
void jo_arr_end(struct jo *j);		/* ] */
void jo_key(struct jo *j, const char *k);
void jo_str(struct jo *j, const char *s);
void jo_u64(struct jo *j, uint64_t v);
void jo_s64(struct jo *j, int64_t v);
void jo_bool(struct jo *j, bool v);
void jo_null(struct jo *j);

/* key + value in one call */
void jo_kstr(struct jo *j, const char *k, const char *s);
void jo_ku64(struct jo *j, const char *k, uint64_t v);
void jo_kbool(struct jo *j, const char *k, bool v);

#endif
