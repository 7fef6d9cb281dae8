/* SPDX-License-Identifier: MIT */
/*
 * Contract clause 1 for both window policies (include/ilheap.h), the
 * statistics of blocks outside the window, and ilheap_rva, on the simulated
 * provider. check_alloc checks every block against its heap's policy (inside
 * the window, or wholly outside it with ILHEAP_WINDOW_PREFERRED) and against
 * ilheap_rva.
 */
#include "check.h"

#define MiB ((size_t)1 << 20)
#define KiB ((size_t)1 << 10)

/* A 64 MiB space: a module 32 MiB in with a 1 MiB window; a foreign range
 * fills all of the window but `room` bytes at its top. */
typedef struct layout {
  ilheap_sim *sim;
  uintptr_t module;
} layout;

static layout crowded(size_t room) {
  layout l;
  l.sim = check_sim_create(64 * MiB, 0);
  l.module = ilheap_sim_base(l.sim) + 32 * MiB;
  cr_assert_eq(ilheap_sim_occupy(l.sim, l.module, MiB - room), ILHEAP_OK);
  return l;
}

static ilheap *policy_heap(layout *l, uint32_t policy, uint32_t max_offset) {
  ilheap_options o = check_opts(ilheap_sim_provider(l->sim), max_offset, 8);
  o.window_policy = policy;
  return check_create((void *)l->module, &o);
}

static uint64_t outside_count(const check_blocks *bs, const ilheap *h) {
  uint64_t n = 0;
  for (size_t i = 0; i < bs->n; i++)
    n += !check_in_window(h, bs->v[i].p, bs->v[i].cb);
  return n;
}

/* The same requests on the same layout under both policies: the same blocks at
 * the same offsets while the window has room; then REQUIRED answers NULL and
 * PREFERRED goes on outside the window, counted in the statistics. */
Test(window_policy, preferred_equals_required_until_full_then_goes_outside) {
  layout a = crowded(256 * KiB), b = crowded(256 * KiB);
  ilheap *req = policy_heap(&a, ILHEAP_WINDOW_REQUIRED, (uint32_t)MiB);
  ilheap *pref = policy_heap(&b, ILHEAP_WINDOW_PREFERRED, (uint32_t)MiB);
  cr_assert_eq(ilheap_window_policy(req), ILHEAP_WINDOW_REQUIRED);
  cr_assert_eq(ilheap_window_policy(pref), ILHEAP_WINDOW_PREFERRED);
  check_blocks ba = {0}, bb = {0};
  check_tally ta = {0}, tb = {0};
  uint64_t seed = 7;
  size_t i, first_null = 0;
  for (i = 0; i < 6000; i++) {
    uint32_t cb = sup_il_size(&seed);
    void *p = check_alloc(req, cb, 0, &ba, &ta);
    void *q = check_alloc(pref, cb, 0, &bb, &tb);
    cr_assert_not_null(q, "PREFERRED answered NULL (request %zu, cb %u)", i, cb);
    if (first_null == 0 && p != NULL) {
      cr_assert_eq((uintptr_t)p - a.module, (uintptr_t)q - b.module,
                   "request %zu: the policies placed a block the window had room for differently",
                   i);
      cr_assert(check_in_window(pref, (uintptr_t)q, cb));
    } else if (first_null == 0) {
      first_null = i + 1;
      cr_assert(!check_in_window(pref, (uintptr_t)q, cb), "no room, yet inside the window");
    }
  }
  cr_assert_gt(first_null, 100u, "the window held too few blocks (%zu)", first_null);
  cr_assert_gt(ta.failed, 0u, "the window never filled: the test proves nothing");
  cr_assert_eq(tb.failed, 0u);
  uint64_t outside = outside_count(&bb, pref);
  cr_assert_gt(outside, 0u);
  cr_assert_eq(check_stats(pref).blocks_outside_window, outside);
  cr_assert_eq(check_stats(req).blocks_outside_window, 0u);
  check_stats_consistent(pref, tb.blocks, tb.requested, 0);
  check_blocks_verify(&bb);
  check_blocks_disjoint(&bb);
  ilheap_destroy(req);
  ilheap_destroy(pref);
  cr_assert_eq(check_sim_stats(b.sim).reserved_bytes, 0u, "contract 7 for outside chunks");
  check_blocks_free(&ba);
  check_blocks_free(&bb);
  ilheap_sim_destroy(a.sim);
  ilheap_sim_destroy(b.sim);
}

/* No room at all (an empty window, a window past the space, a request larger
 * than the window): REQUIRED answers NULL, PREFERRED a block outside. */
Test(window_policy, no_window_at_all) {
  layout l = crowded(0);
  uintptr_t top = ilheap_sim_base(l.sim) + ilheap_sim_size(l.sim);
  size_t pg = ilheap_sim_page_size(l.sim); /* a small window: 16 pages (64 KiB on x86) */
  struct {
    uintptr_t base;
    uint32_t max_offset, cb;
  } cases[] = {
      {l.module, 1, 16},                        /* empty window */
      {l.module, (uint32_t)MiB, 100},            /* window wholly foreign */
      {top - 1, ILHEAP_DEFAULT_MAX_OFFSET, 64},  /* window past the space */
      {l.module + MiB, (uint32_t)(16 * pg), (uint32_t)(64 * pg)}, /* larger than it */
      {l.module + MiB, (uint32_t)(16 * pg), (uint32_t)(3 * MiB)}, /* a large request */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    for (uint32_t policy = 0; policy < 2; policy++) {
      ilheap_options o = check_opts(ilheap_sim_provider(l.sim), cases[i].max_offset, 8);
      o.window_policy = policy;
      ilheap *h = check_create((void *)cases[i].base, &o);
      check_blocks bs = {0};
      check_tally t = {0};
      void *p = check_alloc(h, cases[i].cb, 0, &bs, &t);
      if (policy == ILHEAP_WINDOW_REQUIRED) {
        cr_assert_null(p, "case %zu: REQUIRED served a block with no room in the window", i);
      } else {
        cr_assert_not_null(p, "case %zu: PREFERRED answered NULL", i);
        cr_assert_eq(check_stats(h).blocks_outside_window, 1u, "case %zu", i);
        /* And a small one: outside in the first three cases (no window), in
         * the window in the others (it has room for it). */
        cr_assert_not_null(check_alloc(h, 8, 0, &bs, &t));
        cr_assert_eq(check_stats(h).blocks_outside_window, outside_count(&bs, h), "case %zu", i);
        cr_assert_eq(outside_count(&bs, h), i < 3 ? 2u : 1u, "case %zu", i);
      }
      check_stats_consistent(h, t.blocks, t.requested, t.failed);
      check_blocks_verify(&bs);
      ilheap_destroy(h);
      check_blocks_free(&bs);
    }
  }
  cr_assert_eq(check_sim_stats(l.sim).reserved_bytes, 0u);
  ilheap_sim_destroy(l.sim);
}

/* A request the window cannot hold while it has room for smaller ones (not a
 * page multiple, below LARGE: the normal refill path) is served alone from an
 * outside chunk; the small requests after it, and a second such request, do
 * not come from that chunk's room but from the window. */
Test(window_policy, preferred_mid_request_leaves_small_ones_in_the_window) {
  /* 64 KiB of room, or 4 pages where pages are larger (64 KiB: 192 KiB below
   * the guard page, still too little for the 250000 bytes). */
  layout l = crowded(64 * KiB > 4 * check_host_page() ? 64 * KiB : 4 * check_host_page());
  ilheap *h = policy_heap(&l, ILHEAP_WINDOW_PREFERRED, (uint32_t)MiB);
  check_blocks bs = {0};
  check_tally t = {0};
  for (int round = 0; round < 2; round++) {
    void *big = check_alloc(h, 250000, 0, &bs, &t);
    cr_assert_not_null(big, "round %d", round);
    cr_assert(!check_in_window(h, (uintptr_t)big, 250000), "round %d: 250000 bytes in 64 KiB",
              round);
    for (int i = 0; i < 16; i++) {
      void *p = check_alloc(h, 8 + 24 * (uint32_t)i, 0, &bs, &t);
      cr_assert_not_null(p);
      cr_assert(check_in_window(h, (uintptr_t)p, 8 + 24 * (uint32_t)i),
                "round %d, request %d: a small block outside while the window had room", round, i);
    }
  }
  /* More than a page, less than the window's room: still in the window. */
  void *mid = check_alloc(h, 10000, 0, &bs, &t);
  cr_assert_not_null(mid);
  cr_assert(check_in_window(h, (uintptr_t)mid, 10000));
  ilheap_stats st = check_stats(h);
  cr_assert_eq(st.blocks_outside_window, 2u);
  cr_assert_eq(st.blocks_outside_window, outside_count(&bs, h));
  check_stats_consistent(h, t.blocks, t.requested, 0);
  check_blocks_verify(&bs);
  check_blocks_disjoint(&bs);
  ilheap_destroy(h);
  check_blocks_free(&bs);
  cr_assert_eq(check_sim_stats(l.sim).reserved_bytes, 0u);
  ilheap_sim_destroy(l.sim);
}

/* A window that is truly full (no room for a one-page chunk): small requests,
 * and requests of more than a page (less than the 8 KiB step, so that growing
 * in place can hold them), go on from one outside chunk, which grows in place;
 * no reservation per request. */
Test(window_policy, preferred_full_window_uses_one_outside_chunk) {
  static const uint32_t first[] = {8, 250000};
  for (size_t k = 0; k < sizeof first / sizeof first[0]; k++) {
    layout l = crowded(0);
    ilheap *h = policy_heap(&l, ILHEAP_WINDOW_PREFERRED, (uint32_t)MiB);
    check_blocks bs = {0};
    check_tally t = {0};
    cr_assert_not_null(check_alloc(h, first[k], 0, &bs, &t));
    for (uint32_t i = 0; i < 2000; i++) {
      uint32_t cb = i % 50 == 49 ? 6000 : 8 + (i * 37) % 400;
      void *p = check_alloc(h, cb, 0, &bs, &t);
      cr_assert_not_null(p);
      cr_assert(!check_in_window(h, (uintptr_t)p, cb), "the window was full");
    }
    ilheap_stats st = check_stats(h);
    cr_assert_eq(st.chunks, 1u, "first request %u: %llu chunks for %zu blocks in a full window",
                 first[k], (unsigned long long)st.chunks, bs.n);
    cr_assert_gt(st.extensions, 0u, "the outside chunk never grew: the test proves nothing");
    cr_assert_eq(st.blocks_outside_window, bs.n);
    check_stats_consistent(h, t.blocks, t.requested, 0);
    check_blocks_verify(&bs);
    ilheap_destroy(h);
    check_blocks_free(&bs);
    ilheap_sim_destroy(l.sim);
  }
}

/* Clause 6 still holds for PREFERRED: a budget is a budget, and a space with
 * no room anywhere answers NULL. */
Test(window_policy, preferred_budget_and_full_space) {
  layout l = crowded(0);
  ilheap_options o = check_opts(ilheap_sim_provider(l.sim), (uint32_t)MiB, 8);
  o.window_policy = ILHEAP_WINDOW_PREFERRED;
  /* 64 KiB, or 4 pages where pages are larger (a chunk and its guard page fit). */
  size_t budget = 64 * KiB > 4 * check_host_page() ? 64 * KiB : 4 * check_host_page();
  o.budget = budget;
  ilheap *h = check_create((void *)l.module, &o);
  check_blocks bs = {0};
  check_tally t = {0};
  while (check_alloc(h, 1000, 0, &bs, &t) != NULL)
    cr_assert_lt(bs.n, budget / 1000 + 5, "more blocks than the budget allows");
  cr_assert_gt(bs.n, 0u);
  cr_assert_leq(check_stats(h).bytes_reserved, budget);
  ilheap_destroy(h);
  check_blocks_free(&bs);
  /* Everything foreign but the module's window, which is foreign too. */
  uintptr_t sb = ilheap_sim_base(l.sim);
  cr_assert_eq(ilheap_sim_occupy(l.sim, sb, 32 * MiB), ILHEAP_OK);
  cr_assert_eq(ilheap_sim_occupy(l.sim, l.module + MiB, 31 * MiB), ILHEAP_OK);
  o.budget = ILHEAP_UNLIMITED;
  h = check_create((void *)l.module, &o);
  t = (check_tally){0};
  cr_assert_null(check_alloc(h, 16, 0, &bs, &t), "a block in a space with no free page");
  check_stats_consistent(h, 0, 0, 1);
  ilheap_destroy(h);
  check_blocks_free(&bs);
  ilheap_sim_destroy(l.sim);
}

/* Every refill tries the window first: once the window has room again (a
 * foreign range in it goes away), the next new chunk is placed inside it. */
Test(window_policy, preferred_returns_to_the_window_when_it_has_room) {
  layout l = crowded(0);
  ilheap *h = policy_heap(&l, ILHEAP_WINDOW_PREFERRED, (uint32_t)MiB);
  check_blocks bs = {0};
  check_tally t = {0};
  cr_assert_not_null(check_alloc(h, 100, 0, &bs, &t));
  cr_assert(!check_in_window(h, bs.v[0].p, 100), "the window was full");
  cr_assert_eq(ilheap_sim_vacate(l.sim, l.module, MiB), ILHEAP_OK);
  uint64_t chunks = check_stats(h).chunks;
  size_t n;
  for (n = 0; n < 100000; n++) {
    void *p = check_alloc(h, 1000, 0, &bs, &t);
    cr_assert_not_null(p);
    if (check_in_window(h, (uintptr_t)p, 1000))
      break;
  }
  cr_assert_lt(n, 100000u, "never went back to the window");
  /* The outside chunk was used up, not grown: one new chunk, in the window. */
  ilheap_stats st = check_stats(h);
  cr_assert_eq(st.chunks, chunks + 1, "chunks %llu, were %llu", (unsigned long long)st.chunks,
               (unsigned long long)chunks);
  cr_assert_eq(st.extensions, 0u, "the outside chunk grew while the window had room");
  cr_assert_eq(st.blocks_outside_window, outside_count(&bs, h));
  check_stats_consistent(h, t.blocks, t.requested, 0);
  ilheap_destroy(h);
  check_blocks_free(&bs);
  ilheap_sim_destroy(l.sim);
}

/* ilheap_rva: bad input and blocks that are not the heap's. */
Test(window_policy, rva_checked) {
  layout l = crowded(512 * KiB);
  ilheap *h = policy_heap(&l, ILHEAP_WINDOW_REQUIRED, (uint32_t)MiB);
  ilheap *other = policy_heap(&l, ILHEAP_WINDOW_REQUIRED, (uint32_t)MiB);
  uint8_t *p = ilheap_alloc(h, 40);
  uint8_t *q = ilheap_alloc(other, 40);
  cr_assert_not_null(p);
  cr_assert_not_null(q);
  uint32_t rva = 1;
  cr_assert_eq(ilheap_rva(h, p, 40, &rva), ILHEAP_OK);
  cr_assert_eq((uintptr_t)rva, (uintptr_t)p - l.module);
  cr_assert_eq(ilheap_rva(h, p + 8, 32, &rva), ILHEAP_OK, "a part of a block has an RVA too");
  cr_assert_eq((uintptr_t)rva, (uintptr_t)(p + 8) - l.module);
  static const struct {
    int heap, off, null_block, null_out;
    uint32_t cb;
  } bad[] = {
      {0, 0, 0, 0, 40}, /* NULL heap */
      {1, 0, 1, 0, 40}, /* NULL block */
      {1, 0, 0, 1, 40}, /* NULL out */
      {1, 0, 0, 0, 0},  /* cb 0 */
      {1, 0, 0, 0, 1u << 20}, /* past what was handed out */
      {1, -8, 0, 0, 8}, /* below it: not handed out yet */
      {2, 0, 0, 0, 40}, /* another heap's block */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    const ilheap *which = bad[i].heap == 0 ? NULL : h;
    const uint8_t *blk = bad[i].heap == 2 ? q : p + bad[i].off;
    rva = 0x5A5A5A5A;
    int rc = ilheap_rva(which, bad[i].null_block ? NULL : blk, bad[i].cb,
                        bad[i].null_out ? NULL : &rva);
    cr_assert_eq(rc, ILHEAP_EINVAL, "case %zu: %d", i, rc);
    if (!bad[i].null_out)
      cr_assert_eq(rva, 0u, "case %zu: *rva not cleared", i);
  }
  cr_assert_eq(ilheap_rva(h, (void *)(UINTPTR_MAX - 3), 8, &rva), ILHEAP_EINVAL, "wraps");
  cr_assert_eq(ilheap_rva(h, (void *)l.module, 8, &rva), ILHEAP_EINVAL, "the module itself");
  ilheap_destroy(h);
  ilheap_destroy(other);
  ilheap_sim_destroy(l.sim);
}

/* CoreCLR's policy beside a window whose end B + M is not page aligned: the
 * page holding B + M is neither the window's (whose chunks end below it) nor
 * outside room (which starts above it), so no block straddles the window's
 * end. Here the window keeps three pages of room at its top and the outside
 * room is a small gap right above that page, the rest of the space above
 * taken: blocks land on both sides of the end, the outside chunk grows down
 * to the page next to it, and blocks_outside_window counts exactly the
 * blocks outside. Module bases aligned and not. */
Test(window_policy, preferred_outside_chunk_next_to_an_unaligned_window_end) {
  /* With pages above 4 KiB the outside chunk never grows down to the page next
   * to the window within the test's 1500 requests; not adapted yet (issue 26). */
  if (check_host_page() > 4096)
    cr_skip_test("not adapted to %zu KiB pages yet", check_host_page() >> 10);
  static const struct {
    uintptr_t base_off; /* the module's distance from an aligned address */
    uint32_t max_offset;
  } shapes[] = {{0, (uint32_t)MiB + 0x6A1}, {0x123, (uint32_t)MiB}, {0xFF8, (uint32_t)MiB + 9}};
  for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
    ilheap_sim *sim = check_sim_create(64 * MiB, 0);
    uintptr_t page = ilheap_sim_page_size(sim), sb = ilheap_sim_base(sim);
    uintptr_t end = sb + ilheap_sim_size(sim);
    uintptr_t base = sb + 32 * MiB + shapes[k].base_off, wend = base + shapes[k].max_offset;
    uintptr_t whi = wend & ~(page - 1), above_lo = whi + page;
    cr_assert_neq(wend % page, 0u, "shape %zu: the window's end is page aligned", k);
    uintptr_t lo = base & ~(page - 1);
    cr_assert_eq(ilheap_sim_occupy(sim, lo, whi - 3 * page - lo), ILHEAP_OK);
    cr_assert_eq(ilheap_sim_occupy(sim, above_lo + 24 * page, end - above_lo - 24 * page),
                 ILHEAP_OK);
    ilheap_options o = check_opts(ilheap_sim_provider(sim), shapes[k].max_offset, 8);
    o.window_policy = ILHEAP_WINDOW_PREFERRED;
    ilheap *h = check_create((void *)base, &o);
    check_blocks bs = {0};
    check_tally t = {0};
    uint64_t seed = 11 + k;
    uintptr_t lowest_above = UINTPTR_MAX, highest_inside = 0;
    for (int i = 0; i < 1500; i++) {
      /* check_alloc: wholly inside the window or wholly outside it. */
      uint32_t cb = i % 3 == 0 ? 1 + (uint32_t)(i * 97) % 700 : sup_il_size(&seed) % 3000 + 1;
      uintptr_t p = (uintptr_t)check_alloc(h, cb, 0, &bs, &t);
      cr_assert_neq(p, 0u, "shape %zu, request %d", k, i);
      if (check_in_window(h, p, cb))
        highest_inside = p + cb > highest_inside ? p + cb : highest_inside;
      else if (p >= wend)
        lowest_above = p < lowest_above ? p : lowest_above;
    }
    uint64_t outside = outside_count(&bs, h);
    cr_assert_gt(outside, 0u, "shape %zu: nothing outside, the test proves nothing", k);
    cr_assert_lt(outside, bs.n, "shape %zu: nothing inside", k);
    cr_assert_eq(check_stats(h).blocks_outside_window, outside, "shape %zu", k);
    cr_assert_leq(highest_inside, whi, "shape %zu: a block in the page holding the end", k);
    cr_assert_geq(lowest_above, above_lo, "shape %zu: a block in the page holding the end", k);
    cr_assert_lt(lowest_above, above_lo + page,
                 "shape %zu: the outside chunk never reached the page next to the window", k);
    check_stats_consistent(h, t.blocks, t.requested, 0);
    check_blocks_verify(&bs);
    check_blocks_disjoint(&bs);
    ilheap_destroy(h);
    check_blocks_free(&bs);
    ilheap_sim_destroy(sim);
  }
}
