/* SPDX-License-Identifier: MIT */
/*
 * THE CONTRACT (include/ilheap.h), clauses 1-7 and the statistics, on the
 * simulated provider, where layouts and failures are chosen: a crowded window,
 * windows of a few bytes, a module at the very end of the space, injected
 * reserve/commit/walk failures and lost races.
 */
#include "check.h"

#define MiB ((size_t)1 << 20)
#define KiB ((size_t)1 << 10)

/* A crowded layout: a 64 MiB space, a 1 MiB module 16 MiB in, and a foreign
 * 64 KiB range at every MiB of the 8 MiB above it (other libraries, stacks). */
typedef struct layout {
  ilheap_sim *sim;
  uintptr_t base; /* of the simulated space */
  uintptr_t module;
  size_t page;
} layout;

static layout crowded(size_t page) {
  layout l;
  l.sim = check_sim_create(64 * MiB, page);
  l.base = ilheap_sim_base(l.sim);
  l.page = ilheap_sim_page_size(l.sim);
  l.module = l.base + 16 * MiB;
  cr_assert_eq(ilheap_sim_occupy(l.sim, l.module, MiB), ILHEAP_OK);
  for (size_t i = 1; i < 8; i++)
    cr_assert_eq(ilheap_sim_occupy(l.sim, l.module + i * MiB + 3 * l.page, 64 * KiB), ILHEAP_OK);
  return l;
}

/* Clause 3 in the simulation: every block lies in memory committed by a heap,
 * so it is outside the module and every foreign range; and the foreign set is
 * exactly what it was (nothing mapped over it). */
static void check_in_committed(const ilheap_sim *sim, const check_blocks *bs,
                               const sup_ranges *foreign_before) {
  check_sim_map m;
  check_sim_read(sim, &m);
  check_blocks_inside(bs, &m.kind[ILHEAP_SIM_COMMITTED]);
  check_blocks_avoid(bs, &m.kind[ILHEAP_SIM_FOREIGN], "a foreign range");
  if (foreign_before) {
    cr_assert_eq(m.kind[ILHEAP_SIM_FOREIGN].n, foreign_before->n,
                 "contract 3: foreign set changed");
    for (size_t i = 0; i < foreign_before->n; i++) {
      cr_assert_eq(m.kind[ILHEAP_SIM_FOREIGN].v[i].lo, foreign_before->v[i].lo);
      cr_assert_eq(m.kind[ILHEAP_SIM_FOREIGN].v[i].hi, foreign_before->v[i].hi);
    }
  }
  check_sim_free_map(&m);
}

static void foreign_now(const ilheap_sim *sim, sup_ranges *out) {
  check_sim_map m;
  check_sim_read(sim, &m);
  *out = m.kind[ILHEAP_SIM_FOREIGN];
  m.kind[ILHEAP_SIM_FOREIGN] = (sup_ranges){0};
  check_sim_free_map(&m);
}

/* Clause 7 in the simulation: nothing reserved or committed is left. */
static void check_sim_empty(const ilheap_sim *sim, uint64_t foreign_bytes) {
  ilheap_sim_stats st = check_sim_stats(sim);
  cr_assert_eq(st.reserved_bytes, 0u, "contract 7: %" PRIu64 " bytes still reserved",
               st.reserved_bytes);
  cr_assert_eq(st.committed_bytes, 0u, "contract 7: committed bytes left");
  cr_assert_eq(st.reserved_ranges, 0u, "contract 7: reserved ranges left");
  cr_assert_eq(st.foreign_bytes, foreign_bytes, "contract 3/7: foreign ranges changed");
  check_sim_map m;
  check_sim_read(sim, &m);
  cr_assert_eq(m.kind[ILHEAP_SIM_RESERVED].n, 0u);
  cr_assert_eq(m.kind[ILHEAP_SIM_COMMITTED].n, 0u);
  check_sim_free_map(&m);
}

static void crowded_window(size_t page, uint32_t alignment) {
  layout l = crowded(page);
  sup_ranges foreign = {0};
  foreign_now(l.sim, &foreign);
  uint64_t foreign_bytes = check_sim_stats(l.sim).foreign_bytes;
  ilheap_options o = check_opts(ilheap_sim_provider(l.sim), (uint32_t)(4 * MiB), alignment);
  ilheap *h = check_create((void *)l.module, &o);
  check_blocks bs = {0};
  check_tally t = {0};
  /* Until the 4 MiB window is full: IL-like sizes, then 1-byte blocks, so the
   * tail of the window is tried too. */
  uint64_t seed = 42 + alignment;
  size_t misses = 0;
  while (misses < 64 && bs.n < 200000)
    misses = check_alloc(h, sup_il_size(&seed), 0, &bs, &t) ? 0 : misses + 1;
  while (check_alloc(h, 1, 0, &bs, &t) != NULL && bs.n < 400000)
    ;
  /* The window is used: what the blocks occupy at the least (cb rounded up to
   * the alignment) is more than half of the 4 MiB minus the foreign 192 KiB. */
  uint64_t footprint = 0;
  for (size_t i = 0; i < bs.n; i++)
    footprint += (uint64_t)((bs.v[i].cb + alignment - 1) / alignment) * alignment;
  cr_assert_gt(footprint, (4 * MiB - 192 * KiB) / 2, "%zu blocks take only %" PRIu64 " bytes", bs.n,
               footprint);
  check_stats_consistent(h, t.blocks, t.requested, t.failed);
  check_in_committed(l.sim, &bs, &foreign);
  check_blocks_verify(&bs);
  check_blocks_disjoint(&bs);
  /* The window is used, not only its start: blocks reach its last MiB. */
  uintptr_t top = 0;
  for (size_t i = 0; i < bs.n; i++)
    if (bs.v[i].p > top)
      top = bs.v[i].p;
  cr_assert_gt(top, l.module + 3 * MiB, "the top of the window was never used");
  ilheap_destroy(h);
  check_sim_empty(l.sim, foreign_bytes);
  check_blocks_free(&bs);
  sup_ranges_free(&foreign);
  ilheap_sim_destroy(l.sim);
}

Test(contract_sim, c1_to_c4_crowded_window_host_pages) { crowded_window(0, 8); }
Test(contract_sim, c1_to_c4_crowded_window_64k_pages) { crowded_window(64 * KiB, 8); }
Test(contract_sim, c1_to_c4_crowded_window_align_4) { crowded_window(0, 4); }
Test(contract_sim, c1_to_c4_crowded_window_align_4096) { crowded_window(0, 4096); }

/* Clause 2: every alignment 4..4096, with sizes that are not multiples of it,
 * and module bases that are not aligned to anything. */
Test(contract_sim, c2_every_alignment) {
  ilheap_sim *sim = check_sim_create(64 * MiB, 0);
  uintptr_t base = ilheap_sim_base(sim);
  for (uint32_t a = ILHEAP_MIN_ALIGNMENT; a <= ILHEAP_MAX_ALIGNMENT; a *= 2) {
    for (uintptr_t skew = 0; skew < 8; skew += 3) {
      ilheap_options o = check_opts(ilheap_sim_provider(sim), (uint32_t)(32 * MiB), a);
      ilheap *h = check_create((void *)(base + MiB + skew), &o);
      cr_assert_eq(ilheap_alignment(h), a);
      check_blocks bs = {0};
      check_tally t = {0};
      uint64_t seed = (uint64_t)a * 31 + skew;
      for (int i = 0; i < 300; i++) {
        uint32_t cb = 1 + (uint32_t)(sup_rand(&seed) % 700);
        cr_assert_not_null(check_alloc(h, cb, 0, &bs, &t), "alignment %u: request %d failed", a, i);
      }
      check_blocks_verify(&bs);
      check_blocks_disjoint(&bs);
      check_stats_consistent(h, t.blocks, t.requested, t.failed);
      ilheap_destroy(h);
      check_blocks_free(&bs);
    }
  }
  check_sim_empty(sim, 0);
  ilheap_sim_destroy(sim);
}

/* Clause 1 with windows of a few bytes to a few pages, module bases at every
 * kind of page offset, nothing else in the way: every block is inside
 * [B + 1, B + M), and a window with room for an aligned block gets one. */
Test(contract_sim, c1_small_windows) {
  static const uint32_t windows[] = {1,    2,    3,    5,    8,    9,     63,
                                     4095, 4096, 4097, 8191, 8192, 12289, 65536};
  static const uintptr_t skews[] = {0, 1, 3, 7, 8, 2047, 4093, 4095};
  ilheap_sim *sim = check_sim_create(16 * MiB, 0);
  uintptr_t base = ilheap_sim_base(sim);
  for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++) {
    for (size_t s = 0; s < sizeof skews / sizeof skews[0]; s++) {
      uint32_t m = windows[w];
      uintptr_t b = base + 4 * MiB + skews[s];
      ilheap_options o = check_opts(ilheap_sim_provider(sim), m, 4);
      ilheap *h = check_create((void *)b, &o);
      cr_assert_eq(ilheap_max_offset(h), m);
      cr_assert_eq(ilheap_module_base(h), b);
      check_blocks bs = {0};
      check_tally t = {0};
      /* A whole-window request never fits: offsets start at 1. */
      cr_assert_null(ilheap_alloc(h, m), "contract 1: cb == max_offset %u fits", m);
      t.failed++;
      while (check_alloc(h, 1, 0, &bs, &t) != NULL)
        cr_assert_leq(bs.n, (size_t)m, "window %u: more 1-byte blocks than offsets", m);
      check_blocks_disjoint(&bs);
      check_blocks_verify(&bs);
      check_stats_consistent(h, t.blocks, t.requested, t.failed);
      /* Policy (src/heap.c): the window is used in whole pages, and a chunk
       * needs a committed page plus its guard page. With both, there must be
       * blocks; without, the heap cannot serve (and clause 1 forbids more). */
      size_t pg = ilheap_sim_page_size(sim);
      uintptr_t wlo = (b + 1 + pg - 1) & ~(uintptr_t)(pg - 1), whi = (b + m) & ~(uintptr_t)(pg - 1);
      if (whi > wlo && whi - wlo >= 2 * pg)
        cr_assert_gt(bs.n, 0u, "window %u from base %#" PRIxPTR ": room for a block, none given", m,
                     b);
      else
        cr_assert_eq(bs.n, 0u, "window %u from base %#" PRIxPTR ": blocks outside whole pages", m,
                     b);
      ilheap_destroy(h);
      check_blocks_free(&bs);
    }
  }
  check_sim_empty(sim, 0);
  ilheap_sim_destroy(sim);
}

/* Clause 1 (and 9) with the module near the end of the simulated space: the
 * window [B + 1, B + 2 GiB) is clipped to what is left of the space. */
Test(contract_sim, c1_module_near_end_window_clipped) {
  ilheap_sim *sim = check_sim_create(8 * MiB, 0);
  uintptr_t base = ilheap_sim_base(sim), end = base + ilheap_sim_size(sim);
  size_t page = ilheap_sim_page_size(sim);
  uintptr_t module = end - 8 * page;
  cr_assert_eq(ilheap_sim_occupy(sim, module, page), ILHEAP_OK);
  ilheap_options o = check_opts(ilheap_sim_provider(sim), ILHEAP_DEFAULT_MAX_OFFSET, 8);
  ilheap *h = check_create((void *)module, &o);
  check_blocks bs = {0};
  check_tally t = {0};
  while (check_alloc(h, 24, 0, &bs, &t) != NULL)
    cr_assert_leq(bs.n, 8 * page / 24, "more blocks than the space holds");
  cr_assert_gt(bs.n, 0u, "7 free pages above the module, no block");
  for (size_t i = 0; i < bs.n; i++) {
    cr_assert_geq(bs.v[i].p, module + page, "contract 3: block inside the module");
    cr_assert_leq(bs.v[i].p + bs.v[i].cb, end, "block past the end of the space");
  }
  check_in_committed(sim, &bs, NULL);
  check_blocks_verify(&bs);
  check_stats_consistent(h, t.blocks, t.requested, t.failed);
  /* Clause 6: exhausted, it keeps answering NULL and keeps the blocks. */
  cr_assert_null(ilheap_alloc(h, 24));
  t.failed++;
  check_stats_consistent(h, t.blocks, t.requested, t.failed);
  ilheap_destroy(h);
  check_sim_empty(sim, page);
  check_blocks_free(&bs);

  /* The module in the last page: nothing above it. */
  cr_assert_eq(ilheap_sim_occupy(sim, end - page, page), ILHEAP_OK);
  h = check_create((void *)(end - page), &o);
  cr_assert_null(ilheap_alloc(h, 1), "a block above the end of the space");
  check_stats_consistent(h, 0, 0, 1);
  ilheap_destroy(h);

  /* A base past the space: the window is entirely outside, so NULL. */
  h = check_create((void *)(end + page), &o);
  cr_assert_null(ilheap_alloc(h, 1));
  check_stats_consistent(h, 0, 0, 1);
  ilheap_destroy(h);
  check_sim_empty(sim, 2 * page);
  ilheap_sim_destroy(sim);
}

/* Clause 3: two heaps whose windows overlap (two modules close together) never
 * hand out the same bytes, and neither touches the other module. */
Test(contract_sim, c3_two_heaps_overlapping_windows) {
  layout l = crowded(0);
  uintptr_t second = l.module + 2 * MiB + 5 * l.page;
  cr_assert_eq(ilheap_sim_occupy(l.sim, second, 256 * KiB), ILHEAP_OK);
  sup_ranges foreign = {0};
  foreign_now(l.sim, &foreign);
  ilheap_options o = check_opts(ilheap_sim_provider(l.sim), (uint32_t)(6 * MiB), 8);
  ilheap *h[2] = {check_create((void *)l.module, &o), check_create((void *)second, &o)};
  check_blocks bs = {0};
  check_tally t[2] = {{0}, {0}};
  uint64_t seed = 7;
  for (int i = 0; i < 6000; i++) {
    int k = (int)(sup_rand(&seed) & 1);
    cr_assert_not_null(check_alloc(h[k], sup_il_size(&seed), (uint32_t)k, &bs, &t[k]));
  }
  for (int k = 0; k < 2; k++)
    check_stats_consistent(h[k], t[k].blocks, t[k].requested, t[k].failed);
  check_in_committed(l.sim, &bs, &foreign);
  check_blocks_verify(&bs);
  check_blocks_disjoint(&bs);
  /* Each heap's reservations are disjoint from the other's. */
  sup_ranges r0 = {0}, r1 = {0};
  check_heap_reserved(h[0], &r0);
  check_heap_reserved(h[1], &r1);
  for (size_t i = 0; i < r1.n; i++)
    cr_assert_eq(sup_ranges_hit(&r0, r1.v[i].lo, r1.v[i].hi), (size_t)-1,
                 "contract 3: two heaps reserved the same range");
  ilheap_destroy(h[0]);
  ilheap_destroy(h[1]);
  check_sim_empty(l.sim, sup_ranges_bytes(&foreign));
  sup_ranges_free(&r0);
  sup_ranges_free(&r1);
  sup_ranges_free(&foreign);
  check_blocks_free(&bs);
  ilheap_sim_destroy(l.sim);
}

/* Clause 4: address space given back and reserved again reads as zero. */
Test(contract_sim, c4_zero_after_reuse) {
  ilheap_sim *sim = check_sim_create(8 * MiB, 0);
  uintptr_t module = ilheap_sim_base(sim) + MiB;
  ilheap_options o = check_opts(ilheap_sim_provider(sim), (uint32_t)(256 * KiB), 8);
  for (int round = 0; round < 3; round++) {
    ilheap *h = check_create((void *)module, &o);
    check_blocks bs = {0};
    check_tally t = {0};
    while (check_alloc(h, 1000, 0, &bs, &t) != NULL) /* zero-checked, then filled */
      ;
    cr_assert_gt(bs.n, 100u);
    check_blocks_verify(&bs);
    ilheap_destroy(h);
    check_blocks_free(&bs);
  }
  check_sim_empty(sim, 0);
  ilheap_sim_destroy(sim);
}

/* Clause 5: cb == 0 gives NULL, reserves nothing and is not a failure. */
Test(contract_sim, c5_zero_size) {
  ilheap_sim *sim = check_sim_create(8 * MiB, 0);
  ilheap_options o = check_opts(ilheap_sim_provider(sim), ILHEAP_DEFAULT_MAX_OFFSET, 8);
  ilheap *h = check_create((void *)(ilheap_sim_base(sim) + MiB), &o);
  cr_assert_null(ilheap_alloc(h, 0));
  check_stats_consistent(h, 0, 0, 0);
  cr_assert_eq(check_sim_stats(sim).reserved_bytes, 0u, "cb == 0 reserved address space");
  check_blocks bs = {0};
  check_tally t = {0};
  cr_assert_not_null(check_alloc(h, 17, 0, &bs, &t));
  for (int i = 0; i < 5; i++)
    cr_assert_null(check_alloc(h, 0, 0, &bs, &t), "contract 5");
  cr_assert_not_null(check_alloc(h, 3, 0, &bs, &t));
  check_stats_consistent(h, 2, 20, 0);
  check_blocks_verify(&bs);
  ilheap_destroy(h);
  check_blocks_free(&bs);
  check_sim_empty(sim, 0);
  ilheap_sim_destroy(sim);
}

/* Clause 6, window full: NULL, repeatedly, the blocks stay intact, and the
 * failed requests are counted. */
Test(contract_sim, c6_window_full) {
  /* A window of 16 host pages (64 KiB with 4 KiB pages, 1 MiB with 64 KiB). */
  ilheap_sim *sim = check_sim_create(8 * MiB, 0);
  size_t pg = ilheap_sim_page_size(sim), window = 16 * pg;
  ilheap_options o = check_opts(ilheap_sim_provider(sim), (uint32_t)window, 8);
  ilheap *h = check_create((void *)(ilheap_sim_base(sim) + MiB), &o);
  check_blocks bs = {0};
  check_tally t = {0};
  while (check_alloc(h, 100, 0, &bs, &t) != NULL)
    cr_assert_lt(bs.n, window / 100, "more blocks than the window holds");
  /* Room for at least the committed pages of the window below the guard. */
  cr_assert_gt(bs.n, window / 2 / 104, "the %zu KiB window held only %zu blocks", window >> 10,
               bs.n);
  for (int i = 0; i < 10; i++)
    cr_assert_null(check_alloc(h, 100, 0, &bs, &t));
  cr_assert_null(check_alloc(h, UINT32_MAX, 0, &bs, &t));
  check_blocks_verify(&bs);
  check_blocks_disjoint(&bs);
  check_stats_consistent(h, t.blocks, t.requested, t.failed);
  cr_assert_eq(t.failed, 12u);
  ilheap_destroy(h);
  check_blocks_free(&bs);
  check_sim_empty(sim, 0);
  ilheap_sim_destroy(sim);
}

/* Clause 6, budget: the heap never reserves more than its budget (guard pages
 * included), answers NULL when it would, and keeps its blocks. */
Test(contract_sim, c6_budget) {
  /* In host pages (with 4 KiB pages: 0, 4 KiB, 8 KiB, 12 KiB + 17, 64 KiB, 300 KiB). */
  ilheap_sim *sim = check_sim_create(64 * MiB, 0);
  size_t pg = ilheap_sim_page_size(sim);
  const size_t budgets[] = {0, pg, 2 * pg, 3 * pg + 17, 16 * pg, 75 * pg};
  for (size_t k = 0; k < sizeof budgets / sizeof budgets[0]; k++) {
    ilheap_options o = check_opts(ilheap_sim_provider(sim), ILHEAP_DEFAULT_MAX_OFFSET, 8);
    o.budget = budgets[k];
    ilheap *h = check_create((void *)(ilheap_sim_base(sim) + MiB), &o);
    check_blocks bs = {0};
    check_tally t = {0};
    uint64_t seed = 99 + k;
    size_t misses = 0;
    while (misses < 32) {
      misses = check_alloc(h, sup_il_size(&seed), 0, &bs, &t) ? 0 : misses + 1;
      cr_assert_leq(check_stats(h).bytes_reserved, (uint64_t)budgets[k],
                    "contract 6: reserved past the budget of %zu", budgets[k]);
      cr_assert_leq(check_sim_stats(sim).reserved_bytes, (uint64_t)budgets[k]);
    }
    if (budgets[k] >= 16 * pg)
      cr_assert_gt(bs.n, 10u, "budget %zu: only %zu blocks", budgets[k], bs.n);
    if (budgets[k] == 0)
      cr_assert_eq(bs.n, 0u, "a block with a budget of 0");
    /* One more of each kind: still NULL and still counted. */
    cr_assert_null(check_alloc(h, 8192, 0, &bs, &t));
    check_blocks_verify(&bs);
    check_blocks_disjoint(&bs);
    check_stats_consistent(h, t.blocks, t.requested, t.failed);
    ilheap_destroy(h);
    check_blocks_free(&bs);
    check_sim_empty(sim, 0);
  }
  ilheap_sim_destroy(sim);
}

/* Puts a heap in use: a few large blocks. */
static void use_heap(ilheap *h, check_blocks *bs, check_tally *t) {
  for (int i = 0; i < 4; i++)
    cr_assert_not_null(check_alloc(h, 2000, 0, bs, t));
}

/* Clause 6 for one kind of injected failure: on a fresh heap and on a heap in
 * use, the provider refusing gives NULL (no crash), the blocks stay intact, and
 * once the failure is lifted a request that fits succeeds. */
static void injected(ilheap_sim_op op) {
  layout l = crowded(0);
  ilheap_options o = check_opts(ilheap_sim_provider(l.sim), (uint32_t)(8 * MiB), 8);
  uint64_t fb = check_sim_stats(l.sim).foreign_bytes;

  /* A fresh heap: the very first request needs the provider. */
  ilheap *h = check_create((void *)l.module, &o);
  check_blocks bs = {0};
  check_tally t = {0};
  cr_assert_eq(ilheap_sim_inject(l.sim, op, 0, UINT32_MAX), ILHEAP_OK);
  for (int i = 0; i < 3; i++)
    cr_assert_null(check_alloc(h, 10, 0, &bs, &t), "op %d injected, a block anyway", (int)op);
  ilheap_sim_stats ss = check_sim_stats(l.sim);
  cr_assert_geq(ss.failures, 1u, "no injected failure was delivered");
  check_stats_consistent(h, 0, 0, 3);
  cr_assert_eq(ilheap_sim_inject(l.sim, op, 0, 0), ILHEAP_OK);
  cr_assert_not_null(check_alloc(h, 10, 0, &bs, &t), "contract 6: no block once lifted");

  /* A heap in use: fill until every request needs the provider, with it
   * refusing, then lift. Large blocks force refills quickly. */
  use_heap(h, &bs, &t);
  cr_assert_eq(ilheap_sim_inject(l.sim, op, 0, UINT32_MAX), ILHEAP_OK);
  size_t before = bs.n;
  uint64_t failed_before = t.failed;
  for (int i = 0; i < 4000 && t.failed == failed_before; i++)
    check_alloc(h, 2000, 0, &bs, &t);
  cr_assert_gt(t.failed, failed_before, "op %d always refused, yet no request failed", (int)op);
  for (int i = 0; i < 5; i++)
    cr_assert_null(check_alloc(h, 2000, 0, &bs, &t));
  cr_assert_geq(bs.n, before);
  check_blocks_verify(&bs);
  check_stats_consistent(h, t.blocks, t.requested, t.failed);
  cr_assert_eq(ilheap_sim_inject(l.sim, op, 0, 0), ILHEAP_OK);
  for (int i = 0; i < 50; i++)
    cr_assert_not_null(check_alloc(h, 2000, 0, &bs, &t), "contract 6: no block once lifted");
  check_blocks_verify(&bs);
  check_blocks_disjoint(&bs);
  check_in_committed(l.sim, &bs, NULL);
  check_stats_consistent(h, t.blocks, t.requested, t.failed);

  /* A single failure (skip some calls, fail one): at most the requests that
   * needed that call fail; nothing is lost. */
  cr_assert_eq(ilheap_sim_inject(l.sim, op, 2, 1), ILHEAP_OK);
  for (int i = 0; i < 200; i++)
    check_alloc(h, 1500, 0, &bs, &t);
  cr_assert_gt(bs.n, before + 50 + 150u);
  check_blocks_verify(&bs);
  check_blocks_disjoint(&bs);
  check_stats_consistent(h, t.blocks, t.requested, t.failed);
  ilheap_destroy(h);
  check_sim_empty(l.sim, fb);
  check_blocks_free(&bs);
  ilheap_sim_destroy(l.sim);
}

Test(contract_sim, c6_reserve_refused) { injected(ILHEAP_SIM_RESERVE); }
Test(contract_sim, c6_commit_refused) { injected(ILHEAP_SIM_COMMIT); }
Test(contract_sim, c6_walk_refused) { injected(ILHEAP_SIM_WALK); }

/* Clause 6 and 3, lost races: a foreign mapping appears over exactly the range
 * the heap was about to reserve. The heap may retry elsewhere or answer NULL,
 * but never hands out bytes of the new foreign range, and works afterwards. */
Test(contract_sim, c6_lost_races) {
  layout l = crowded(0);
  ilheap_options o = check_opts(ilheap_sim_provider(l.sim), (uint32_t)(8 * MiB), 8);
  uint64_t fb = check_sim_stats(l.sim).foreign_bytes;
  ilheap *h = check_create((void *)l.module, &o);
  check_blocks bs = {0};
  check_tally t = {0};
  cr_assert_eq(ilheap_sim_inject(l.sim, ILHEAP_SIM_RACE, 0, 3), ILHEAP_OK);
  for (int i = 0; i < 200; i++)
    check_alloc(h, 3000, 0, &bs, &t);
  ilheap_sim_stats ss = check_sim_stats(l.sim);
  cr_assert_eq(ss.calls[ILHEAP_SIM_RACE], 3u, "%" PRIu64 " races lost, 3 scheduled",
               ss.calls[ILHEAP_SIM_RACE]);
  cr_assert_gt(ss.foreign_bytes, fb, "a lost race leaves a foreign range");
  cr_assert_gt(bs.n, 150u, "the heap did not recover from 3 lost races");
  check_in_committed(l.sim, &bs, NULL); /* avoids the new foreign ranges too */
  check_blocks_verify(&bs);
  check_blocks_disjoint(&bs);
  check_stats_consistent(h, t.blocks, t.requested, t.failed);
  ilheap_destroy(h);
  check_sim_empty(l.sim, ss.foreign_bytes);
  check_blocks_free(&bs);
  ilheap_sim_destroy(l.sim);
}

/* Clause 6: every reserve loses its race (a hostile neighbour). The heap must
 * give up with NULL in bounded time, not loop; the test has a timeout. Then,
 * with the neighbour gone and the space vacated, it works again. */
Test(contract_sim, c6_always_losing_races_terminates, .timeout = 60) {
  ilheap_sim *sim = check_sim_create(8 * MiB, 0);
  uintptr_t base = ilheap_sim_base(sim);
  ilheap_options o = check_opts(ilheap_sim_provider(sim), (uint32_t)(2 * MiB), 8);
  ilheap *h = check_create((void *)(base + MiB), &o);
  cr_assert_eq(ilheap_sim_inject(sim, ILHEAP_SIM_RACE, 0, UINT32_MAX), ILHEAP_OK);
  for (int i = 0; i < 3; i++)
    cr_assert_null(ilheap_alloc(h, 64));
  check_stats_consistent(h, 0, 0, 3);
  cr_assert_eq(check_sim_stats(sim).reserved_bytes, 0u);
  cr_assert_eq(ilheap_sim_inject(sim, ILHEAP_SIM_RACE, 0, 0), ILHEAP_OK);
  cr_assert_eq(ilheap_sim_vacate(sim, base, ilheap_sim_size(sim)), ILHEAP_OK);
  check_blocks bs = {0};
  check_tally t = {0};
  t.failed = 3;
  cr_assert_not_null(check_alloc(h, 64, 0, &bs, &t), "contract 6: no block once lifted");
  check_stats_consistent(h, t.blocks, t.requested, t.failed);
  ilheap_destroy(h);
  check_sim_empty(sim, 0);
  check_blocks_free(&bs);
  ilheap_sim_destroy(sim);
}

/* Clause 7: several heaps, some used, some never; destroying them gives every
 * byte back, and the foreign ranges are untouched. */
Test(contract_sim, c7_destroy_releases_everything) {
  layout l = crowded(0);
  uint64_t fb = check_sim_stats(l.sim).foreign_bytes;
  ilheap_options o = check_opts(ilheap_sim_provider(l.sim), (uint32_t)(6 * MiB), 16);
  ilheap *h[4];
  check_blocks bs = {0};
  check_tally t = {0};
  for (int k = 0; k < 4; k++) {
    h[k] = check_create((void *)(l.module + (uintptr_t)k * 2 * l.page), &o);
    if (k != 2)
      check_alloc_il(h[k], 1500, 1000 + (uint64_t)k, (uint32_t)k, &bs, &t);
  }
  ilheap_sim_stats ss = check_sim_stats(l.sim);
  cr_assert_gt(ss.reserved_bytes, 0u);
  cr_assert_gt(ss.committed_bytes, 0u);
  uint64_t sum = 0;
  for (int k = 0; k < 4; k++)
    sum += check_stats(h[k]).bytes_reserved;
  cr_assert_eq(sum, ss.reserved_bytes, "heaps' bytes_reserved %" PRIu64 " vs sim %" PRIu64, sum,
               ss.reserved_bytes);
  check_blocks_disjoint(&bs);
  for (int k = 0; k < 4; k++) {
    uint64_t mine = check_stats(h[k]).bytes_reserved;
    uint64_t was = check_sim_stats(l.sim).reserved_bytes;
    ilheap_destroy(h[k]);
    cr_assert_eq(check_sim_stats(l.sim).reserved_bytes, was - mine,
                 "contract 7: destroying heap %d did not give back exactly its bytes", k);
  }
  check_sim_empty(l.sim, fb);
  check_blocks_free(&bs);
  ilheap_sim_destroy(l.sim);
}

/* Statistics: exact figures for a known sequence, and agreement with the
 * simulation's own count of what is reserved and committed. */
Test(contract_sim, stats_exact_and_consistent) {
  ilheap_sim *sim = check_sim_create(32 * MiB, 0);
  ilheap_options o = check_opts(ilheap_sim_provider(sim), ILHEAP_DEFAULT_MAX_OFFSET, 8);
  ilheap *h = check_create((void *)(ilheap_sim_base(sim) + MiB), &o);
  check_stats_consistent(h, 0, 0, 0);
  ilheap_stats st = check_stats(h);
  cr_assert_eq(st.bytes_reserved, 0u, "ilheap_create reserved address space");
  cr_assert_eq(st.padding_bytes, 0u);
  cr_assert_eq(st.extensions, 0u);
  check_blocks bs = {0};
  check_tally t = {0};
  uint64_t seed = 5;
  for (int i = 0; i < 5000; i++) {
    check_alloc(h, sup_il_size(&seed), 0, &bs, &t);
    if (i % 500 == 0) {
      check_stats_consistent(h, t.blocks, t.requested, t.failed);
      st = check_stats(h);
      ilheap_sim_stats ss = check_sim_stats(sim);
      cr_assert_eq(st.bytes_reserved, ss.reserved_bytes);
      cr_assert_eq(st.bytes_committed, ss.committed_bytes);
    }
  }
  cr_assert_eq(t.blocks, 5000u);
  cr_assert_eq(t.failed, 0u);
  st = check_stats(h);
  cr_assert_eq(st.blocks, 5000u);
  cr_assert_gt(st.chunks + st.extensions, 1u, "5000 IL bodies fit in the first refill?");
  /* Padding: 8-aligned blocks of odd sizes need some. It is what the blocks
   * consumed beyond cb, so it cannot exceed (alignment - 1) plus redzones per
   * block; without ASan there are no redzones. */
  cr_assert_gt(st.padding_bytes, 0u);
  if (!CHECK_REDZONES)
    cr_assert_leq(st.padding_bytes, 7u * st.blocks, "padding %" PRIu64 " for %" PRIu64 " blocks",
                  st.padding_bytes, st.blocks);
  check_blocks_verify(&bs);
  ilheap_destroy(h);
  check_blocks_free(&bs);
  check_sim_empty(sim, 0);
  ilheap_sim_destroy(sim);
}

/* Statistics, padding exactly: alignment 8, blocks of 8k bytes need none; 1-byte
 * blocks consume 8 bytes each when packed one after the other in one chunk (no
 * ASan: no redzones). */
Test(contract_sim, stats_padding_exact) {
  ilheap_sim *sim = check_sim_create(8 * MiB, 0);
  ilheap_options o = check_opts(ilheap_sim_provider(sim), ILHEAP_DEFAULT_MAX_OFFSET, 8);
  ilheap *h = check_create((void *)(ilheap_sim_base(sim) + MiB), &o);
  check_blocks bs = {0};
  check_tally t = {0};
  for (int i = 0; i < 100; i++)
    cr_assert_not_null(check_alloc(h, 8 * (uint32_t)(1 + i % 5), 0, &bs, &t));
  ilheap_stats st = check_stats(h);
  if (CHECK_REDZONES) {
    cr_assert_gt(st.padding_bytes, 0u, "with redzones every block has padding");
  } else {
    cr_assert_eq(st.padding_bytes, 0u, "aligned sizes needed %" PRIu64 " bytes of padding",
                 st.padding_bytes);
    /* Consecutive blocks touch (the bump may run either way: src/heap.c
     * carves downward). */
    for (size_t i = 1; i < bs.n; i++)
      cr_assert(bs.v[i].p + bs.v[i].cb == bs.v[i - 1].p ||
                    bs.v[i - 1].p + bs.v[i - 1].cb == bs.v[i].p,
                "bump allocation left a gap between blocks %zu and %zu", i - 1, i);
  }
  for (int i = 0; i < 100; i++)
    cr_assert_not_null(check_alloc(h, 1, 0, &bs, &t));
  if (!CHECK_REDZONES) {
    ilheap_stats st2 = check_stats(h);
    /* The last 1-byte block's tail may or may not be counted yet. */
    cr_assert(st2.padding_bytes == (uint64_t)7 * 100 || st2.padding_bytes == (uint64_t)7 * 99,
              "100 1-byte blocks at alignment 8: padding %" PRIu64, st2.padding_bytes);
  }
  check_stats_consistent(h, t.blocks, t.requested, t.failed);
  ilheap_destroy(h);
  check_blocks_free(&bs);
  ilheap_sim_destroy(sim);
}

/* Statistics are versioned: the size the caller knows is honoured. */
Test(contract_sim, stats_versioned_size) {
  ilheap_sim *sim = check_sim_create(8 * MiB, 0);
  ilheap_options o = check_opts(ilheap_sim_provider(sim), ILHEAP_DEFAULT_MAX_OFFSET, 8);
  ilheap *h = check_create((void *)(ilheap_sim_base(sim) + MiB), &o);
  cr_assert_not_null(ilheap_alloc(h, 10));

  /* A newer caller with a bigger struct: accepted, the tail untouched. */
  struct {
    ilheap_stats st;
    unsigned char tail[32];
  } big;
  memset(&big, 0x5A, sizeof big);
  big.st.size = (uint32_t)sizeof big;
  cr_assert_eq(ilheap_get_stats(h, &big.st), ILHEAP_OK);
  cr_assert_eq(big.st.blocks, 1u);
  cr_assert_eq(big.st.bytes_requested, 10u);
  for (size_t i = 0; i < sizeof big.tail; i++)
    cr_assert_eq(big.tail[i], 0x5A, "byte %zu past the library's struct was written", i);

  /* Smaller than the first published struct: EVERSION, nothing written. */
  static const uint32_t small[] = {0, 4, 8, 16,
                                   offsetof(ilheap_stats, highest) + sizeof(uintptr_t) - 1};
  for (size_t i = 0; i < sizeof small / sizeof small[0]; i++) {
    ilheap_stats st;
    memset(&st, 0x5A, sizeof st);
    st.size = small[i];
    cr_assert_eq(ilheap_get_stats(h, &st), ILHEAP_EVERSION, "size %u accepted", small[i]);
    cr_assert_eq(st.blocks, 0x5A5A5A5A5A5A5A5Aull, "a rejected call wrote the struct");
  }
  /* A version-1 caller: its struct is filled, version 2's field is not written. */
  {
    ilheap_stats st;
    memset(&st, 0x5A, sizeof st);
    st.size = (uint32_t)(offsetof(ilheap_stats, highest) + sizeof(uintptr_t));
    cr_assert_eq(ilheap_get_stats(h, &st), ILHEAP_OK);
    cr_assert_eq(st.blocks, 1u);
    cr_assert_eq(st.blocks_outside_window, 0x5A5A5A5A5A5A5A5Aull, "past a v1 struct written");
  }
  ilheap_destroy(h);
  ilheap_sim_destroy(sim);
}

/* Options are versioned: the size is checked the same way. */
Test(contract_sim, options_versioned_size) {
  ilheap_sim *sim = check_sim_create(8 * MiB, 0);
  ilheap_options o = check_opts(ilheap_sim_provider(sim), ILHEAP_DEFAULT_MAX_OFFSET, 8);
  cr_assert_eq(o.size, sizeof(ilheap_options));
  ilheap *h = (ilheap *)&o; /* must be overwritten with NULL */
  o.size = (uint32_t)offsetof(ilheap_options, window_policy) - 1; /* version 1 ended there */
  cr_assert_eq(ilheap_create((void *)ilheap_sim_base(sim), &o, &h), ILHEAP_EVERSION);
  cr_assert_null(h, "*out not set to NULL on error");
  o.size = 0;
  h = (ilheap *)&o;
  cr_assert_eq(ilheap_create((void *)ilheap_sim_base(sim), &o, &h), ILHEAP_EVERSION);
  cr_assert_null(h);
  /* A version-1 caller: its struct ends before window_policy, whatever lies
   * there is not read, and the policy is the default (REQUIRED). */
  o.size = (uint32_t)offsetof(ilheap_options, window_policy);
  o.window_policy = 0xDEAD;
  cr_assert_eq(ilheap_create((void *)ilheap_sim_base(sim), &o, &h), ILHEAP_OK);
  ilheap_destroy(h);
  /* A version-2 caller with an unknown policy: EINVAL. */
  o.size = (uint32_t)sizeof o;
  cr_assert_eq(ilheap_create((void *)ilheap_sim_base(sim), &o, &h), ILHEAP_EINVAL);
  cr_assert_null(h);
  ilheap_sim_destroy(sim);
}

/* Large requests (more than a chunk's usual capacity, up to a large part of
 * the window) interleaved with IL-sized ones: every clause holds for both, and
 * the small ones keep being served after each large one. */
Test(contract_sim, c1_to_c4_large_requests_interleaved) {
  ilheap_sim *sim = check_sim_create(128 * MiB, 0);
  ilheap_options o = check_opts(ilheap_sim_provider(sim), (uint32_t)(96 * MiB), 16);
  ilheap *h = check_create((void *)(ilheap_sim_base(sim) + 4 * MiB), &o);
  static const uint32_t large[] = {
      (uint32_t)MiB - 1,   (uint32_t)MiB,           (uint32_t)MiB + 1,   (uint32_t)(3 * MiB),
      (uint32_t)(4 * MiB), (uint32_t)(8 * MiB) + 5, (uint32_t)(20 * MiB)};
  check_blocks bs = {0};
  check_tally t = {0};
  uint64_t seed = 11;
  for (size_t i = 0; i < sizeof large / sizeof large[0]; i++) {
    check_alloc_il(h, 300, seed + i, 0, &bs, &t);
    cr_assert_not_null(check_alloc(h, large[i], 0, &bs, &t), "large request %u failed", large[i]);
  }
  check_alloc_il(h, 300, seed, 0, &bs, &t);
  cr_assert_eq(t.failed, 0u);
  check_blocks_verify(&bs);
  check_blocks_disjoint(&bs);
  check_in_committed(sim, &bs, NULL);
  check_stats_consistent(h, t.blocks, t.requested, t.failed);
  ilheap_destroy(h);
  check_sim_empty(sim, 0);
  check_blocks_free(&bs);
  ilheap_sim_destroy(sim);
}
