/*
 * Contract 6 (include/ilheap.h): NULL only when the window, the budget or the
 * provider is exhausted, never because another thread took the room a refill
 * had just made for this request. That interleaving (thread A refills under the
 * lock, thread B carves the fresh room on the lock-free fast path before A
 * takes its own block) is rare on two cores and impossible single-threaded, so
 * the refill hook of the checked build (src/seams.h) creates it
 * deterministically: right after each refill, before the refilling call takes
 * its block, the hook takes the room away through ilheap_alloc exactly as the
 * other thread would (fast path only: it leaves less than the request needs).
 * The refilling call must refill again and still succeed, both when the room
 * came from growth in place and from a new chunk.
 *
 * Built only in checked builds (ILHEAP_CHECKS=ON, a static library).
 */
#include "check.h"

#include "seams.h"

#define KiB ((uint64_t)1 << 10)
#define MiB ((uint64_t)1 << 20)

typedef struct thief {
  uint64_t need;      /* what the refilling request consumes */
  unsigned left;      /* refills still to rob */
  unsigned robbed;    /* refills robbed */
  check_blocks *bs;   /* every block handed out, the thief's included */
  check_tally *t;
} thief;

static void rob(ilheap *h, uint64_t room, uint32_t redzone, void *arg) {
  thief *th = arg;
  if (th->left == 0)
    return;
  th->left--;
  cr_assert_geq(room, th->need, "a refill returned without room for the request");
  while (room >= th->need) {
    /* A piece that fits the room exactly (room is a multiple of the
     * alignment), small enough for the fast path. */
    uint64_t piece = room < 64 * KiB ? room : 64 * KiB;
    uint32_t cb = (uint32_t)(piece - redzone);
    void *p = ilheap_alloc(h, cb);
    cr_assert_not_null(p, "the room the refill made was not there for another caller");
    /* Used at once; the window is checked after the refill (ilheap_rva, which
     * the window check uses, takes the heap's lock, held here). */
    CHECK_OK(sup_check_zero(p, cb, why));
    check_block_fill(p, cb);
    check_blocks_push(th->bs, p, cb, 1);
    th->t->blocks++;
    th->t->requested += cb;
    room -= piece;
  }
  th->robbed++;
}

/* `rounds` refills of a heap with alignment `align` are robbed while it serves
 * requests of cb bytes: every request still gets its block. */
static ilheap_stats robbed_refills(const ilheap_provider *prov, uintptr_t base, uint32_t cb,
                                   unsigned rounds, unsigned requests) {
  ilheap_options o = check_opts(prov, ILHEAP_DEFAULT_MAX_OFFSET, 8);
  ilheap *h = check_create((const void *)base, &o);
  check_blocks bs = {0};
  check_tally t = {0};
  thief th = {.need = (cb + (CHECK_REDZONES ? 16u : 0u) + 7u) & ~7u,
              .left = rounds,
              .bs = &bs,
              .t = &t};
  ilheap__set_refill_hook(rob, &th);
  for (unsigned i = 0; i < requests; i++) {
    void *p = check_alloc(h, cb, 0, &bs, &t);
    cr_assert_not_null(p, "contract 6: request %u got NULL after %u robbed refills", i, th.robbed);
  }
  ilheap__set_refill_hook(NULL, NULL);
  cr_assert_eq(th.robbed, rounds, "the hook robbed %u refills of %u", th.robbed, rounds);
  cr_assert_eq(t.failed, 0u);
  for (size_t k = 0; k < bs.n; k++)
    check_block_window(h, (const void *)bs.v[k].p, bs.v[k].cb);
  check_blocks_verify(&bs);
  check_blocks_disjoint(&bs);
  check_stats_consistent(h, t.blocks, t.requested, t.failed);
  ilheap_stats st = check_stats(h);
  check_blocks_free(&bs);
  ilheap_destroy(h);
  return st;
}

/* Small requests: the room comes from growth in place. */
Test(seam_refill_steal, c6_robbed_growth_in_place_sim) {
  ilheap_sim *sim = check_sim_create(256 * MiB, 0);
  ilheap_stats st = robbed_refills(ilheap_sim_provider(sim), ilheap_sim_base(sim), 200, 8, 400);
  cr_assert_geq(st.extensions, 8u, "the robbed refills did not grow in place");
  ilheap_sim_destroy(sim);
}

/* Requests larger than any growth step: every refill starts a new chunk. */
Test(seam_refill_steal, c6_robbed_new_chunks_sim) {
  ilheap_sim *sim = check_sim_create(256 * MiB, 0);
  ilheap_stats st =
      robbed_refills(ilheap_sim_provider(sim), ilheap_sim_base(sim), 600 * 1024, 6, 8);
  cr_assert_geq(st.chunks, 7u, "the robbed refills did not start new chunks");
  ilheap_sim_destroy(sim);
}

/* The same through the Linux provider, above this program's code. */
Test(seam_refill_steal, c6_robbed_refills_os) {
  CHECK_SKIP_UNDER_VALGRIND("OS placement");
  uintptr_t base = (uintptr_t)&robbed_refills & ~(uintptr_t)0xFFFF;
  robbed_refills(ilheap_os_provider(), base, 200, 8, 400);
  robbed_refills(ilheap_os_provider(), base, 600 * 1024, 4, 6);
}
