/* SPDX-License-Identifier: MIT */
/*
 * Under AddressSanitizer, an IL writer that runs past its body is caught: every
 * committed byte not handed out is poisoned and each block is followed by a
 * redzone (src/track.h; the "Sanitizer awareness"). Contract 4 in the
 * other direction: every byte of a block is accessible.
 *
 * The dying tests install an ASan error-report callback that checks the report
 * is a 1-byte WRITE at exactly the address written, then exits with a code of
 * its own (42 if so, 43 if the report is about something else), so a crash for
 * another reason cannot pass for the expected report.
 *
 * Without ASan every test here skips, saying why.
 */
#include "check.h"

#include <unistd.h>

#if CHECK_ASAN
#include <sanitizer/asan_interface.h>
#endif

#define MiB ((size_t)1 << 20)
#define REPORTED 42
#define REPORTED_OTHER 43

#define NEED_ASAN()                                                                                \
  do {                                                                                             \
    if (!CHECK_ASAN)                                                                               \
      cr_skip_test("not an ASan build: configure with -fsanitize=address to run this test");       \
  } while (0)

/* Criterion counts a skipped test that expects an exit code as failed: the
 * expectation only exists in ASan builds. */
#if CHECK_ASAN
#define DIES .exit_code = REPORTED
#else
#define DIES .description = "needs ASan"
#endif

#if CHECK_ASAN
static uintptr_t expected_addr;

/* ASan's report says "WRITE of size 1 at 0x<address, zero padded> thread T0". */
static void on_report(const char *report) {
  static const char what[] = "WRITE of size 1 at ";
  const char *at = strstr(report, what);
  int ok = at != NULL && (uintptr_t)strtoull(at + sizeof what - 1, NULL, 16) == expected_addr;
  _exit(ok ? REPORTED : REPORTED_OTHER);
}
#endif

/* Writes one byte at p + delta of a block of cb bytes; ASan must report it. */
static void bad_write(unsigned char *p, long delta) {
  volatile unsigned char *target = p + delta;
#if CHECK_ASAN
  expected_addr = (uintptr_t)target;
  __asan_set_error_report_callback(on_report);
#endif
  *target = 0xAB;
  /* Not reached under ASan: the report ends the process. Reaching here fails
   * the test (Criterion sees exit code 0 or this assertion, not 42). */
  cr_assert_fail("a write at offset %ld of a block went unreported", delta);
}

static ilheap *sim_heap(uint32_t alignment, ilheap_sim **sim) {
  *sim = check_sim_create(16 * MiB, 0);
  ilheap_options o = check_opts(ilheap_sim_provider(*sim), ILHEAP_DEFAULT_MAX_OFFSET, alignment);
  return check_create((void *)(ilheap_sim_base(*sim) + MiB), &o);
}

static void overrun(uint32_t alignment, uint32_t cb, int os) {
  NEED_ASAN();
  ilheap_sim *sim = NULL;
  ilheap *h = os ? check_create((void *)0x10000, NULL) : sim_heap(alignment, &sim);
  /* A few blocks first, so the victim sits between neighbours. */
  for (int i = 0; i < 5; i++)
    cr_assert_not_null(ilheap_alloc(h, cb));
  unsigned char *p = ilheap_alloc(h, cb);
  cr_assert_not_null(p);
  for (int i = 0; i < 5; i++)
    cr_assert_not_null(ilheap_alloc(h, cb));
  p[cb - 1] = 1; /* the last byte is the block's */
  bad_write(p, (long)cb);
}

Test(asan, overrun_1_byte_block, DIES) { overrun(8, 1, 0); }
Test(asan, overrun_13_bytes_align_4, DIES) { overrun(4, 13, 0); }
Test(asan, overrun_tiny_il_header_align_4, DIES) { overrun(4, 4, 0); }
Test(asan, overrun_64_bytes_align_16, DIES) { overrun(16, 64, 0); }
Test(asan, overrun_fat_body_align_4096, DIES) { overrun(4096, 4096, 0); }
Test(asan, overrun_os_provider, DIES) { overrun(8, 100, 1); }

/* A write just before a block lands in memory not handed out: reported too. */
Test(asan, underrun_1_byte, DIES) {
  NEED_ASAN();
  ilheap_sim *sim = NULL;
  ilheap *h = sim_heap(8, &sim);
  unsigned char *p = NULL;
  for (int i = 0; i < 3; i++)
    p = ilheap_alloc(h, 24);
  cr_assert_not_null(p);
  bad_write(p, -1);
}

/* Controls, and the exact poisoning: every byte of every block is accessible,
 * the byte after each is not, nor is committed memory not yet handed out. */
Test(asan, blocks_accessible_redzones_poisoned) {
  NEED_ASAN();
#if CHECK_ASAN
  for (uint32_t a = 4; a <= 4096; a *= 4) {
    ilheap_sim *sim = NULL;
    ilheap *h = sim_heap(a, &sim);
    uint64_t seed = a;
    for (int i = 0; i < 2000; i++) {
      uint32_t cb = sup_il_size(&seed);
      unsigned char *p = ilheap_alloc(h, cb);
      cr_assert_not_null(p);
      cr_assert_null(__asan_region_is_poisoned(p, cb), "part of a %u-byte block is poisoned", cb);
      cr_assert(__asan_address_is_poisoned(p + cb), "the byte after a %u-byte block is accessible",
                cb);
      memset(p, 0xFF, cb); /* the control: writing the whole body is fine */
      p[cb - 1] = 0;
    }
    /* Committed but not handed out: the current chunk's unused part. */
    ilheap_stats st = check_stats(h);
    cr_assert_gt(st.bytes_committed, st.bytes_requested + st.padding_bytes);
    ilheap_destroy(h);
    ilheap_sim_destroy(sim);
  }
#endif
}

/* Under ASan blocks carry a redzone: the statistics count it as padding. */
Test(asan, redzone_counted_as_padding) {
  NEED_ASAN();
  ilheap_sim *sim = NULL;
  ilheap *h = sim_heap(8, &sim);
  for (int i = 0; i < 100; i++)
    cr_assert_not_null(ilheap_alloc(h, 8));
  ilheap_stats st = check_stats(h);
  cr_assert_geq(st.padding_bytes, (uint64_t)100 * 8,
                "100 blocks, %" PRIu64 " bytes of redzone/padding", st.padding_bytes);
  ilheap_destroy(h);
  ilheap_sim_destroy(sim);
}

/* After destroy and re-creation on the same space, new blocks are accessible
 * (nothing stays poisoned from the old heap) and read zero. */
Test(asan, reuse_after_destroy_is_clean) {
  NEED_ASAN();
  ilheap_sim *sim = check_sim_create(16 * MiB, 0);
  ilheap_options o = check_opts(ilheap_sim_provider(sim), (uint32_t)(256 * 1024), 8);
  for (int round = 0; round < 3; round++) {
    ilheap *h = check_create((void *)(ilheap_sim_base(sim) + MiB), &o);
    unsigned char *p;
    while ((p = ilheap_alloc(h, 200 + (uint32_t)round)) != NULL) {
      CHECK_OK(sup_check_zero(p, 200 + (uint32_t)round, why));
      memset(p, 0x77, 200 + (size_t)round);
    }
    ilheap_destroy(h);
  }
  cr_assert_eq(check_sim_stats(sim).reserved_bytes, 0u);
  ilheap_sim_destroy(sim);
}
