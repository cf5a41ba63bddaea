/* SPDX-License-Identifier: MIT */
/* So that programs may write #include <linux/iommufd.h>: see ../iommufd.h. */
#include "../iommufd.h"
