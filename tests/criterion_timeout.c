/* SPDX-License-Identifier: MIT */
/*
 * Linked into every Criterion test program (tests/CMakeLists.txt): gives each
 * test that sets no .timeout of its own a timeout of ILHEAP_TEST_TIMEOUT
 * seconds (a compile definition, scaled for Valgrind, Wine and TSan), so a hang
 * (a refill that never ends, a lost wake-up) fails that one test within
 * seconds instead of stalling the program until CTest's timeout. Criterion
 * 2.4.1's --timeout option is parsed but not applied; the per-test field is.
 */
#include <criterion/criterion.h>
#include <criterion/hooks.h>

#ifndef ILHEAP_TEST_TIMEOUT
#define ILHEAP_TEST_TIMEOUT 20
#endif

ReportHook(PRE_ALL)(struct criterion_test_set *set) {
  FOREACH_SET(struct criterion_suite_set *s, set->suites) {
    FOREACH_SET(struct criterion_test *t, s->tests) {
      if (t->data->timeout == 0)
        t->data->timeout = ILHEAP_TEST_TIMEOUT;
    }
  }
}

/* Criterion 2.4.1's runner (the parent process, not a test) leaks one 48-byte
 * timeout record now and then when several tests carry a timeout. Not
 * ilheap's memory: LeakSanitizer is told to ignore leaks from libcriterion's
 * own frames (Valgrind: scripts/valgrind-criterion.supp). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libcriterion.so\n"; }
