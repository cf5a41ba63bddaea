// SPDX-License-Identifier: MIT
#include "tests/ktest.h"
