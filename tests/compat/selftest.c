/* SPDX-License-Identifier: MIT */
/*
 * The compat runner's own test: tests whose verdicts are known, half of them
 * failures on purpose. tests/CMakeLists.txt checks the synthesis line it must
 * print and that the program exits nonzero; if the runner took a failure, a
 * crash, a wrong exit code or a timeout for a pass, the counts would differ.
 */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef _WIN32
#include <windows.h>
#define SLEEP_SECONDS(s) Sleep((s) * 1000)
#else
#include <unistd.h>
#define SLEEP_SECONDS(s) sleep(s)
#endif

/* A write to page 0 at a nonzero, aligned address: a plain fault, not
 * something UBSan's null check traps first (the Windows builds use UBSan). */
static volatile uintptr_t wild_address = 64; /* volatile: the compiler cannot see it */
#define WILD_WRITE() (*(volatile int *)wild_address = 1)

static int setup_ran;
static void setup(void) { setup_ran = 1; }
static void teardown(void) { fprintf(stderr, "[----] selftest: fini ran\n"); }

/* Passing: 5 */
Test(pass, plain) { cr_assert_eq(1 + 1, 2); }
Test(pass, init_runs_first, .init = setup, .fini = teardown) { cr_assert_eq(setup_ran, 1); }
Test(pass, expected_exit_code, .exit_code = 5) { exit(5); }
Test(pass, expected_segv, .signal = SIGSEGV) { WILD_WRITE(); }
Test(pass, expect_passes, .description = "cr_expect that holds") {
  cr_expect_eq(2 * 2, 4);
  cr_expect_str_eq("a", "a");
}

/* Failing: 5 */
Test(fail, assert_fatal) {
  cr_assert_eq(1, 2, "one is not %d", 2);
  abort(); /* not reached: the failed assertion ended the test */
}
Test(fail, expect_soft) {
  cr_expect(0, "a soft failure");
  cr_assert_eq(3, 3); /* goes on, still fails */
}
Test(fail, wrong_exit_code, .exit_code = 5) { exit(6); }
Test(fail, no_signal, .signal = SIGSEGV) { cr_assert_eq(0, 0); }
Test(fail, timeout, .timeout = 1) { SLEEP_SECONDS(30); }

/* Crashing: 1 */
Test(crash, wild_write) { WILD_WRITE(); }

/* Not counted */
Test(skip, skipped) { cr_skip_test("skipped on purpose"); }
Test(skip, disabled, .disabled = 1) { abort(); }
