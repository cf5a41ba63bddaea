/* SPDX-License-Identifier: MIT */
/*
 * The hosted tools' JSON output: lib/json.h writing to a FILE, one
 * top-level value per line. The jo_ names are the tools' short names for it.
 */
#ifndef IOMMU_TOOLS_JSONOUT_H
#define IOMMU_TOOLS_JSONOUT_H

#include <stdio.h>
#include "lib/json.h"

#define jo json
#define jo_obj json_obj
#define jo_obj_end json_obj_end
#define jo_arr json_arr
#define jo_arr_end json_arr_end
#define jo_key json_key
#define jo_str json_str
#define jo_u64 json_u64
#define jo_s64 json_s64
#define jo_bool json_bool
#define jo_null json_null
#define jo_kstr json_kstr
#define jo_ku64 json_ku64
#define jo_kbool json_kbool

/* Start a writer on f. */
void jo_init(struct json *j, FILE *f);

#endif
