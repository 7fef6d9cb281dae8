/* SPDX-License-Identifier: MIT */
/*
 * ILHEAP_ASSERT(cond): an invariant of the code next to it, SQLite-style. It is
 * checked in builds with the ILHEAP_ASSERTS option (CMakeLists.txt; every test
 * lane's preset sets it) and compiled out of the others, where it costs
 * nothing: the condition is not evaluated, so it must have no side effect. A
 * failure names the file, line and condition on stderr and aborts (the
 * sanitizers and libFuzzer report the abort with its stack); the reporter is
 * src/invariant.c. Coverage is measured with ILHEAP_ASSERTS=OFF
 * (scripts/coverage.sh), as SQLite does: an assert's failing branch is never
 * taken by design.
 */
#ifndef ILHEAP_INVARIANT_H
#define ILHEAP_INVARIANT_H

#if defined(ILHEAP_ASSERTS) && ILHEAP_ASSERTS
#define ILHEAP_ASSERTS_ON 1
#else
#define ILHEAP_ASSERTS_ON 0
#endif

#if ILHEAP_ASSERTS_ON
_Noreturn void ilheap__assert_fail(const char *file, int line, const char *cond);
#define ILHEAP_ASSERT(cond)                                                                        \
  ((cond) ? (void)0 : ilheap__assert_fail(__FILE__, __LINE__, #cond))
#else
#define ILHEAP_ASSERT(cond) ((void)0)
#endif

#endif
