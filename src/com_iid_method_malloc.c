/* SPDX-License-Identifier: MIT */
/* IID_IMethodMalloc, alone in its file so that a static link takes it only
 * when nothing else defined it (see internal.h). */
#include "ilheap_com.h"
#include "internal.h"

ILHEAP_API ILHEAP__IID_MERGEABLE const IID IID_IMethodMalloc = ILHEAP__IID_IMETHODMALLOC_INIT;
