/* SPDX-License-Identifier: MIT */
/*
 * The simulated provider's host memory: foreign and free simulated space stays
 * inaccessible, so a stray write faults. These tests fault on purpose, which
 * memcheck reports as an error by definition, so tests/CMakeLists.txt does not
 * register this program in the Valgrind build; every other build runs it.
 */
#include <criterion/criterion.h>

#include <signal.h>

#include "check.h"

#define MiB ((size_t)1 << 20)
#define KiB ((size_t)1 << 10)

/* Foreign ranges stay inaccessible in the host: a stray write faults. Under
 * ASan or TSan the fault is reported by the sanitizer's SEGV handler, which
 * exits with its own code (1 and 66). */
#if CHECK_ASAN
#define FAULT .exit_code = 1
#elif CHECK_TSAN
#define FAULT .exit_code = 66 /* TSan's SEGV report ends the process with its exitcode */
#else
#define FAULT .signal = SIGSEGV
#endif
Test(sim_provider, foreign_range_faults, FAULT) {
  ilheap_sim *sim = check_sim_create(MiB, 0);
  uintptr_t b = ilheap_sim_base(sim);
  cr_assert_eq(ilheap_sim_occupy(sim, b + 64 * KiB, 4096), ILHEAP_OK);
  *(volatile unsigned char *)(b + 64 * KiB + 10) = 1;
  cr_assert_fail("a write into a foreign range did not fault");
}

/* And free, never-reserved space is inaccessible too. */
Test(sim_provider, free_range_faults, FAULT) {
  ilheap_sim *sim = check_sim_create(MiB, 0);
  *(volatile unsigned char *)(ilheap_sim_base(sim) + 4096) = 1;
  cr_assert_fail("a write into free simulated space did not fault");
}

