/* SPDX-License-Identifier: MIT */
/* So that programs may write #include <linux/vfio.h>: see ../vfio.h. */
#include "../vfio.h"
