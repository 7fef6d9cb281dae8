/* SPDX-License-Identifier: MIT */
/*
 * Lets Criterion test programs run under ThreadSanitizer (each links it first:
 * tests/CMakeLists.txt).
 *
 * Criterion's sandbox (BoxFort) maps its shared arena at a random address
 * 0x200000000000 + (rand_r() & 0x3fffff) * 16 MiB, tries three times, and
 * aborts with "Could not initialize inheritable arena" when all three are
 * taken (Snaipe/Criterion issue 274). Under TSan nearly all of that range is
 * TSan's shadow, meta memory or ranges it keeps inaccessible; only the
 * application window around the PIE executable, below 0x568000000000, is free.
 * So every test program aborted before running a test.
 *
 * This library answers the rand_r() calls whose seed lives in libcriterion
 * (BoxFort's static mmap_seed; the caller itself cannot be used, as TSan's own
 * rand_r interceptor sits between libcriterion and this library) with values that
 * put the arena in 0x567000000000-0x568000000000: above where the kernel
 * places a randomized PIE executable and its brk heap (at most ~0x5656...),
 * below TSan's next reserved range. Each call gets the next 1 GiB slot, so
 * retries and further arenas land elsewhere. Every other caller of rand_r gets
 * the C library's answer. Built without sanitizers.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

int rand_r(unsigned int *seedp);

/* BoxFort's x86-64 constants: base 0x200000000000, step 16 MiB, mask 0x3fffff. */
#define ARENA_BASE 0x200000000000ull
#define ARENA_STEP (1ull << 24)
#define SLOT_FIRST 0x567000000000ull
#define SLOT_SIZE (1ull << 30)
#define SLOTS 64u

static atomic_uint next_slot;

static int from_criterion(const void *seed) {
  Dl_info info;
  return dladdr(seed, &info) != 0 && info.dli_fname != NULL &&
         strstr(info.dli_fname, "libcriterion") != NULL;
}

int rand_r(unsigned int *seedp) {
  if (from_criterion(seedp)) {
    unsigned slot = atomic_fetch_add(&next_slot, 1u) % SLOTS;
    return (int)((SLOT_FIRST + slot * SLOT_SIZE - ARENA_BASE) / ARENA_STEP);
  }
  /* The C library's rand_r, found past this library. */
  static int (*real)(unsigned int *);
  if (real == NULL) {
    real = (int (*)(unsigned int *))dlsym(RTLD_NEXT, "rand_r");
  }
  return real(seedp);
}
