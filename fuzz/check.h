/* SPDX-License-Identifier: MIT */
/*
 * How the fuzz targets fail: a check (the contract's live in support/contract.h
 * and name the clause they enforce) that does not hold aborts with a message,
 * so that libFuzzer (or the replay driver) records the input as a finding and
 * the log says why.
 */
#ifndef ILHEAP_FUZZ_CHECK_H
#define ILHEAP_FUZZ_CHECK_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
#include "ilheap.h"
#include "ilheap_sim.h"

#if defined(__GNUC__)
#if defined(__MINGW32__) && !defined(__clang__) /* C99 formats: mingw's printf (clang: printf is) */
__attribute__((format(gnu_printf, 1, 2), noreturn))
#else
__attribute__((format(printf, 1, 2), noreturn))
#endif
#endif
static void
fuzz_fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("\nilheap fuzz check failed: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  fflush(stderr);
  abort();
}

#define FUZZ_CHECK(cond, ...)                                                                      \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "\n%s:%d: check `%s`", __FILE__, __LINE__, #cond);                           \
      fuzz_fail(__VA_ARGS__);                                                                      \
    }                                                                                              \
  } while (0)

/* Runs a support check (support/contract.h), which writes its reason into
 * `why`, and fails the input when it does not hold. */
#define FUZZ_OK(call)                                                                              \
  do {                                                                                             \
    sup_why why;                                                                                   \
    if ((call) != 0)                                                                               \
      fuzz_fail("%s:%d: %s", __FILE__, __LINE__, why);                                             \
  } while (0)

/* Every byte of the block still holds the pattern sup_fill wrote (clauses 3
 * and 6); `when` says at which point of the input, for the log. */
static inline void fuzz_check_fill(const void *block, uint32_t cb, uint32_t tag, const char *when) {
  sup_why why;
  if (sup_check_fill(block, cb, tag, why) != 0)
    fuzz_fail("%s (%s)", why, when);
}

/* The host's page, the smallest page a simulated space can have
 * (include/ilheap_sim.h): 4 KiB on x86, 16 or 64 KiB on some arm64 systems. A
 * target that picks the sim's page size from its input takes at least this,
 * so that every input tests something there too. Found once, before faults are
 * armed. */
static inline size_t fuzz_host_page(void) {
  static size_t page;
  ilheap_sim *sim;
  if (page == 0 && ilheap_sim_create(1, 0, &sim) == ILHEAP_OK) {
    page = ilheap_sim_page_size(sim);
    ilheap_sim_destroy(sim);
  }
  FUZZ_CHECK(page >= 4096, "no simulated space with the host's page");
  return page;
}

static inline size_t fuzz_at_least_host_page(size_t page) {
  return page < fuzz_host_page() ? fuzz_host_page() : page;
}

#endif /* ILHEAP_FUZZ_CHECK_H */
