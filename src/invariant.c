/* SPDX-License-Identifier: MIT */
/* The reporter behind src/invariant.h (ILHEAP_ASSERTS builds only). */
#include "invariant.h"

#include <stdio.h>
#include <stdlib.h>

#if ILHEAP_ASSERTS_ON
_Noreturn void ilheap__assert_fail(const char *file, int line, const char *cond) {
  fprintf(stderr, "%s:%d: ilheap invariant violated: %s\n", file, line, cond);
  abort();
}
#else
typedef int ilheap__invariant_empty; /* ISO C wants a translation unit to declare something */
#endif
