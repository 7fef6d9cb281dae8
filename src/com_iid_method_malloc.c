/* SPDX-License-Identifier: MIT */
/* IID_IMethodMalloc, alone in its file so that a static link takes it only
 * when nothing else defined it (see internal.h). */
#include "internal.h"

#if defined(_WIN32)
/* GCC (12, mingw-w64) honours __declspec(selectany) only on a variable's first
 * declaration, and ilheap_com.h declares this one: so this file does not
 * include it, and the definition below is the first declaration, a COMDAT.
 * The type is the SDK's GUID, tag and members alike. */
struct _GUID {
  unsigned long Data1;
  unsigned short Data2;
  unsigned short Data3;
  unsigned char Data4[8];
};
ILHEAP_API ILHEAP__IID_MERGEABLE const struct _GUID IID_IMethodMalloc =
    ILHEAP__IID_IMETHODMALLOC_INIT;
#else
#include "ilheap_com.h"

ILHEAP_API ILHEAP__IID_MERGEABLE const IID IID_IMethodMalloc = ILHEAP__IID_IMETHODMALLOC_INIT;
#endif
