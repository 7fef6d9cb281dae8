/* SPDX-License-Identifier: MIT */
/*
 * ILHEAP_ASSERT(cond) (src/invariant.h): an invariant of the code next to it, SQLite-style. It is
 * checked in checked builds (ILHEAP_CHECKS=ON: debug, sanitizer, fuzz and
 * coverage builds by default, see CMakeLists.txt) and compiled out of release
 * builds, where it costs nothing: the condition is not evaluated, so it must
 * have no side effect. A failure names the file, line and condition on stderr
 * and aborts (the sanitizers and libFuzzer report the abort with its stack).
 * Coverage is measured with -DILHEAP_NO_ASSERTS (scripts/coverage.sh), as
 * SQLite does: an assert's failing branch is never taken by design.
 */
#ifndef ILHEAP_INVARIANT_H
#define ILHEAP_INVARIANT_H

#if defined(ILHEAP_ASSERTS) && ILHEAP_ASSERTS && !defined(ILHEAP_NO_ASSERTS)
#define ILHEAP_ASSERTS_ON 1
#else
#define ILHEAP_ASSERTS_ON 0
#endif

#if ILHEAP_ASSERTS_ON
void ilheap__assert_fail(const char *file, int line, const char *cond);
#define ILHEAP_ASSERT(cond)                                                                        \
  ((cond) ? (void)0 : ilheap__assert_fail(__FILE__, __LINE__, #cond))
#else
#define ILHEAP_ASSERT(cond) ((void)0)
#endif

#endif
