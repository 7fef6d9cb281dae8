/* SPDX-License-Identifier: MIT */
/*
 * Contracts 3, 6 and 8 across threads' slabs (src/heap.c: each thread carves
 * from a slab of its own, found through a per-thread cache keyed by the heap's
 * id). The interleavings are made deterministic: the "other" thread runs one
 * errand at a time and is joined before the test's thread goes on, so the
 * slabs end up exactly where each case wants them.
 *  - A slab given up while another thread's slab lies below it cannot go back
 *    to its chunk: nothing handed out is handed out again, and the statistics
 *    stay exact.
 *  - One thread and many heaps (more than the per-thread cache holds): the
 *    blocks of each heap are exactly those of the same heap used alone.
 *  - A destroyed heap's slabs are never used by the heap made after it (which
 *    may get the same address).
 *  - Threads that come and go: every block is fresh and distinct, and what
 *    they leave unused stays small.
 * Worker threads make no Criterion assertion: the test's thread checks.
 */
#include "check.h"

#include <pthread.h>

#define KiB ((uint64_t)1 << 10)
#define MiB ((uint64_t)1 << 20)

typedef struct errand {
  ilheap *h;
  uint32_t cb;
  unsigned n;
  void *got[64];
} errand;

static void *run_errand(void *arg) {
  errand *e = arg;
  for (unsigned i = 0; i < e->n; i++)
    e->got[i] = ilheap_alloc(e->h, e->cb);
  return NULL;
}

/* n requests of cb bytes from another thread, which then exits; its blocks
 * are checked, filled and kept here. */
static void other_thread(ilheap *h, uint32_t cb, unsigned n, check_blocks *bs, check_tally *t) {
  errand e = {h, cb, n, {0}};
  pthread_t tid;
  cr_assert_leq(n, sizeof e.got / sizeof e.got[0]);
  cr_assert_eq(pthread_create(&tid, NULL, run_errand, &e), 0);
  cr_assert_eq(pthread_join(tid, NULL), 0);
  for (unsigned i = 0; i < n; i++) {
    cr_assert_not_null(e.got[i], "the other thread's request %u got NULL", i);
    check_fresh_block(h, e.got[i], cb);
    check_blocks_push(bs, e.got[i], cb, 0);
    t->blocks++;
    t->requested += cb;
  }
}

static void check_all(ilheap *h, check_blocks *bs, const check_tally *t) {
  for (size_t i = 0; i < bs->n; i++)
    check_block_window(h, (const void *)bs->v[i].p, bs->v[i].cb);
  check_blocks_verify(bs);
  check_blocks_disjoint(bs);
  check_stats_consistent(h, t->blocks, t->requested, t->failed);
}

/* This thread's slab, then the other thread's right below it; then this
 * thread outgrows its slab and gives it up, with the other slab below: its
 * unused end must stay unused. Both threads go on carving. */
Test(slabs, c3_slab_given_up_above_another) {
  ilheap_sim *sim = check_sim_create(64 * MiB, 0);
  ilheap_options o = check_opts(ilheap_sim_provider(sim), ILHEAP_DEFAULT_MAX_OFFSET, 8);
  ilheap *h = check_create((const void *)ilheap_sim_base(sim), &o);
  check_blocks bs = {0};
  check_tally t = {0};
  for (int round = 0; round < 20; round++) {
    check_alloc(h, 24, 0, &bs, &t);         /* this thread's slab (made or used) */
    other_thread(h, 40, 8, &bs, &t);        /* the other thread's, below it */
    check_alloc(h, 3000, 0, &bs, &t);       /* more than this slab has left: given up */
    for (int i = 0; i < 30; i++)
      check_alloc(h, 100 + 8 * (uint32_t)i, 0, &bs, &t);
    other_thread(h, 2000, 4, &bs, &t);      /* a new thread each time */
  }
  cr_assert_eq(t.failed, 0u);
  check_all(h, &bs, &t);
  ilheap_stats st = check_stats(h);
  cr_assert_geq(st.bytes_committed, st.bytes_requested + st.padding_bytes);
  ilheap_destroy(h);
  check_blocks_free(&bs);
  cr_assert_eq(check_sim_stats(sim).reserved_bytes, 0u, "contract 7");
  ilheap_sim_destroy(sim);
}

/* 40 heaps, more than the per-thread cache's 16 slots, asked in turns by one
 * thread: each heap's blocks lie exactly where the same requests put them in a
 * heap used alone (one thread's blocks follow each other as if carved one by
 * one, whatever the cache forgets). */
Test(slabs, c8_many_heaps_one_thread_same_blocks) {
  enum { HEAPS = 40, ROUNDS = 60 };
  static const uint32_t sizes[] = {8, 100, 3000, 24, 700, 40000, 16, 5000};
  const size_t nsizes = sizeof sizes / sizeof sizes[0];
  ilheap_sim *sims[HEAPS + 1];
  ilheap *hs[HEAPS + 1];
  for (int k = 0; k <= HEAPS; k++) {
    sims[k] = check_sim_create(32 * MiB, 0);
    ilheap_options o = check_opts(ilheap_sim_provider(sims[k]), ILHEAP_DEFAULT_MAX_OFFSET, 8);
    hs[k] = check_create((const void *)ilheap_sim_base(sims[k]), &o);
  }
  /* hs[HEAPS] alone: the reference offsets. */
  uintptr_t ref[ROUNDS * 8];
  for (int r = 0; r < ROUNDS; r++)
    for (size_t i = 0; i < nsizes; i++) {
      void *p = ilheap_alloc(hs[HEAPS], sizes[i]);
      cr_assert_not_null(p);
      ref[r * nsizes + i] = (uintptr_t)p - ilheap_sim_base(sims[HEAPS]);
    }
  for (int r = 0; r < ROUNDS; r++)
    for (size_t i = 0; i < nsizes; i++)
      for (int k = 0; k < HEAPS; k++) {
        void *p = ilheap_alloc(hs[k], sizes[i]);
        cr_assert_not_null(p);
        cr_assert_eq((uintptr_t)p - ilheap_sim_base(sims[k]), ref[r * nsizes + i],
                     "heap %d, request %zu: offset %#lx, alone %#lx", k, r * nsizes + i,
                     (unsigned long)((uintptr_t)p - ilheap_sim_base(sims[k])),
                     (unsigned long)ref[r * nsizes + i]);
      }
  ilheap_stats want = check_stats(hs[HEAPS]);
  for (int k = 0; k <= HEAPS; k++) {
    ilheap_stats st = check_stats(hs[k]);
    cr_assert_eq(st.blocks, want.blocks);
    cr_assert_eq(st.bytes_requested, want.bytes_requested);
    cr_assert_eq(st.padding_bytes, want.padding_bytes);
    cr_assert_eq(st.bytes_reserved, want.bytes_reserved);
    ilheap_destroy(hs[k]);
    ilheap_sim_destroy(sims[k]);
  }
}

/* A heap made right after one is destroyed (often at the same address) never
 * carves from the destroyed heap's slab: its blocks lie in its own window. */
Test(slabs, c1_new_heap_never_uses_a_destroyed_heaps_slab) {
  ilheap_sim *a = check_sim_create(16 * MiB, 0), *b = check_sim_create(16 * MiB, 0);
  for (int i = 0; i < 50; i++) {
    ilheap_sim *sim = i % 2 ? a : b;
    ilheap_options o = check_opts(ilheap_sim_provider(sim), 4 * MiB, 8);
    ilheap *h = check_create((const void *)ilheap_sim_base(sim), &o);
    check_blocks bs = {0};
    check_tally t = {0};
    for (int k = 0; k < 5; k++)
      check_alloc(h, 64, 0, &bs, &t); /* check_alloc: inside this heap's window */
    check_blocks_in_sim(sim, &bs);
    check_all(h, &bs, &t);
    ilheap_destroy(h); /* the slab stays in this thread's cache */
    check_blocks_free(&bs);
  }
  cr_assert_eq(check_sim_stats(a).reserved_bytes + check_sim_stats(b).reserved_bytes, 0u, "contract 7");
  ilheap_sim_destroy(a);
  ilheap_sim_destroy(b);
}

/* 64 threads alive at once (so none can inherit another's slab), each asking
 * once: every block fresh and distinct; a thread that asks once takes a small
 * slab, so what they leave unused stays small: under 256 KiB reserved for 64
 * bodies of 100 bytes (68 KiB measured; with 32 KiB first slabs, 808 KiB). */
typedef struct once_worker {
  ilheap *h;
  pthread_barrier_t *all_asked;
  void *got;
} once_worker;

static void *ask_once(void *arg) {
  once_worker *w = arg;
  w->got = ilheap_alloc(w->h, 100);
  pthread_barrier_wait(w->all_asked); /* nobody exits before all have asked */
  return NULL;
}

Test(slabs, c8_threads_that_come_and_go) {
  enum { BATCH = 64, BATCHES = 1 };
  ilheap_sim *sim = check_sim_create(64 * MiB, 0);
  ilheap_options o = check_opts(ilheap_sim_provider(sim), ILHEAP_DEFAULT_MAX_OFFSET, 8);
  ilheap *h = check_create((const void *)ilheap_sim_base(sim), &o);
  check_blocks bs = {0};
  check_tally t = {0};
  for (int b = 0; b < BATCHES; b++) {
    pthread_barrier_t all_asked;
    once_worker w[BATCH];
    pthread_t tid[BATCH];
    cr_assert_eq(pthread_barrier_init(&all_asked, NULL, BATCH), 0);
    for (int i = 0; i < BATCH; i++) {
      w[i] = (once_worker){h, &all_asked, NULL};
      cr_assert_eq(pthread_create(&tid[i], NULL, ask_once, &w[i]), 0);
    }
    for (int i = 0; i < BATCH; i++) {
      cr_assert_eq(pthread_join(tid[i], NULL), 0);
      cr_assert_not_null(w[i].got);
      check_fresh_block(h, w[i].got, 100);
      check_blocks_push(&bs, w[i].got, 100, 0);
      t.blocks++;
      t.requested += 100;
    }
    pthread_barrier_destroy(&all_asked);
  }
  check_all(h, &bs, &t);
  ilheap_stats st = check_stats(h);
  cr_assert_lt(st.bytes_reserved, 256 * KiB, "64 one-off threads left %llu bytes reserved",
               (unsigned long long)st.bytes_reserved);
  ilheap_destroy(h);
  check_blocks_free(&bs);
  ilheap_sim_destroy(sim);
}
