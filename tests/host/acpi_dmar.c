// SPDX-License-Identifier: MIT
/* placeholder */
#include "tests/ktest.h"
