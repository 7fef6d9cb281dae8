/* SPDX-License-Identifier: MIT */
/*
 * The COM adapter under many threads (run it under TSan too): the first
 * ilheap_method_malloc on a heap from 8 threads at once, AddRef/Release/
 * QueryInterface storms with unbalanced Releases, and Alloc through the vtable
 * from every thread (contract 3 and 8 through the COM door).
 * Worker threads only record; the main thread asserts.
 */
#include "ilheap_com.h"

#include <criterion/criterion.h>

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ilheap_sim.h"

#define THREADS 8
#define MiB ((size_t)1 << 20)

typedef struct shared {
  pthread_barrier_t start;
  ilheap *heap;
  IMethodMalloc *m;
  uint32_t rounds;
} shared;

typedef struct worker {
  shared *sh;
  unsigned id;
  pthread_t thread;
  /* results */
  IMethodMalloc *got;
  ULONG min_release; /* smallest value Release returned */
  ULONG max_addref;  /* largest value AddRef returned */
  uint32_t qi_failures;
  uint32_t zero_returns;
  void **blocks;
  uint32_t nblocks;
} worker;

static void run_workers(worker *w, shared *sh, void *(*fn)(void *)) {
  cr_assert_eq(pthread_barrier_init(&sh->start, NULL, THREADS), 0);
  for (unsigned i = 0; i < THREADS; i++) {
    memset(&w[i], 0, sizeof w[i]);
    w[i].sh = sh;
    w[i].id = i;
    w[i].min_release = 0xFFFFFFFFu;
    cr_assert_eq(pthread_create(&w[i].thread, NULL, fn, &w[i]), 0);
  }
  for (unsigned i = 0; i < THREADS; i++)
    cr_assert_eq(pthread_join(w[i].thread, NULL), 0);
  pthread_barrier_destroy(&sh->start);
}

/* ---- First use ----------------------------------------------------------------------- */

static void *first_use(void *arg) {
  worker *w = arg;
  pthread_barrier_wait(&w->sh->start);
  w->got = ilheap_method_malloc(w->sh->heap);
  /* Use it at once: the object must be complete for every thread. */
  if (w->got != NULL) {
    w->max_addref = w->got->lpVtbl->AddRef(w->got);
    w->min_release = w->got->lpVtbl->Release(w->got);
  }
  return NULL;
}

Test(com_storm, first_use_from_8_threads_yields_one_complete_object) {
  for (int round = 0; round < 64; round++) {
    shared sh;
    memset(&sh, 0, sizeof sh);
    cr_assert_eq(ilheap_create((const void *)(uintptr_t)0x10000000u, NULL, &sh.heap), ILHEAP_OK);
    worker w[THREADS];
    run_workers(w, &sh, first_use);
    IMethodMalloc *m = ilheap_method_malloc(sh.heap);
    for (unsigned i = 0; i < THREADS; i++) {
      cr_assert_eq(w[i].got, m, "round %d thread %u", round, i);
      cr_assert_geq(w[i].max_addref, 2u);
      cr_assert_geq(w[i].min_release, 1u);
    }
    cr_assert_eq(ilheap_method_malloc_refcount(m), 1u, "balanced AddRef/Release");
    cr_assert_eq(ilheap_method_malloc_heap(m), sh.heap);
    ilheap_destroy(sh.heap);
  }
}

/* ---- Reference-count storm -------------------------------------------------------------- */

static void *ref_storm(void *arg) {
  worker *w = arg;
  IMethodMalloc *m = w->sh->m;
  pthread_barrier_wait(&w->sh->start);
  for (uint32_t i = 0; i < w->sh->rounds; i++) {
    ULONG a = m->lpVtbl->AddRef(m);
    if (a > w->max_addref)
      w->max_addref = a;
    void *p = NULL;
    if (m->lpVtbl->QueryInterface(m, (i & 1u) ? &IID_IUnknown : &IID_IMethodMalloc, &p) != S_OK ||
        p != (void *)m)
      w->qi_failures++;
    ULONG r1 = m->lpVtbl->Release(m); /* the QI's reference */
    ULONG r2 = m->lpVtbl->Release(m); /* the AddRef's */
    if (r1 < w->min_release)
      w->min_release = r1;
    if (r2 < w->min_release)
      w->min_release = r2;
    if (r1 == 0 || r2 == 0)
      w->zero_returns++;
    /* The profiler's misuse: a Release nobody AddRef'd, every 8th round. */
    if ((i & 7u) == (w->id & 7u)) {
      ULONG r3 = m->lpVtbl->Release(m);
      if (r3 == 0)
        w->zero_returns++;
      if (r3 < w->min_release)
        w->min_release = r3;
    }
  }
  return NULL;
}

Test(com_storm, addref_release_storm_keeps_the_count_sane) {
  shared sh;
  memset(&sh, 0, sizeof sh);
  cr_assert_eq(ilheap_create((const void *)(uintptr_t)0x10000000u, NULL, &sh.heap), ILHEAP_OK);
  sh.m = ilheap_method_malloc(sh.heap);
  sh.rounds = 20000;
  worker w[THREADS];
  run_workers(w, &sh, ref_storm);
  for (unsigned i = 0; i < THREADS; i++) {
    cr_assert_eq(w[i].qi_failures, 0u, "thread %u", i);
    cr_assert_eq(w[i].zero_returns, 0u, "thread %u: Release never returns 0", i);
    cr_assert_geq(w[i].min_release, 1u);
    cr_assert_leq(w[i].max_addref, 1u + 2u * THREADS, "thread %u: no wrap", i);
  }
  /* Extra Releases were absorbed at the floor; every AddRef was matched: the
   * count is back to the heap's own reference. */
  cr_assert_eq(ilheap_method_malloc_refcount(sh.m), 1u);
  /* The object still works. */
  cr_assert_not_null(sh.m->lpVtbl->Alloc(sh.m, 64));
  ilheap_destroy(sh.heap);
}

/* ---- Alloc storm ------------------------------------------------------------------------------
 */

static void *alloc_storm(void *arg) {
  worker *w = arg;
  shared *sh = w->sh;
  w->blocks = calloc(sh->rounds, sizeof *w->blocks);
  if (w->blocks == NULL)
    return NULL;
  pthread_barrier_wait(&sh->start);
  /* Every thread fetches the object itself, as JIT callbacks on different
   * threads would, then allocates bodies of varied sizes. */
  IMethodMalloc *m = ilheap_method_malloc(sh->heap);
  for (uint32_t i = 0; i < sh->rounds; i++) {
    ULONG cb = 1u + ((i * 37u + w->id * 11u) % 200u);
    unsigned char *p = m->lpVtbl->Alloc(m, cb);
    if (p == NULL)
      break;
    memset(p, (int)(w->id + 1u), cb);
    w->blocks[w->nblocks++] = p;
    if ((i & 15u) == 0)
      m->lpVtbl->Release(m); /* harmless noise */
  }
  return NULL;
}

typedef struct span {
  uintptr_t lo, hi;
  unsigned owner;
} span;

static int span_cmp(const void *a, const void *b) {
  const span *x = a, *y = b;
  return x->lo < y->lo ? -1 : x->lo > y->lo;
}

Test(com_storm, alloc_from_8_threads_gives_disjoint_intact_blocks) {
  ilheap_sim *sim = NULL;
  cr_assert_eq(ilheap_sim_create(256 * MiB, 0, &sim), ILHEAP_OK);
  uintptr_t module = ilheap_sim_base(sim) + MiB;
  cr_assert_eq(ilheap_sim_occupy(sim, module, (size_t)64 * 1024), ILHEAP_OK);
  ilheap_options o;
  ilheap_options_init(&o);
  o.provider = ilheap_sim_provider(sim);
  shared sh;
  memset(&sh, 0, sizeof sh);
  cr_assert_eq(ilheap_create((const void *)module, &o, &sh.heap), ILHEAP_OK);
  sh.rounds = 4000;
  worker w[THREADS];
  run_workers(w, &sh, alloc_storm);

  size_t total = 0;
  for (unsigned i = 0; i < THREADS; i++) {
    cr_assert_not_null(w[i].blocks);
    cr_assert_eq(w[i].nblocks, sh.rounds, "thread %u: no allocation failed", i);
    total += w[i].nblocks;
  }
  span *all = calloc(total, sizeof *all);
  cr_assert_not_null(all);
  size_t n = 0;
  for (unsigned i = 0; i < THREADS; i++) {
    for (uint32_t k = 0; k < w[i].nblocks; k++) {
      ULONG cb = 1u + ((k * 37u + i * 11u) % 200u);
      const unsigned char *p = w[i].blocks[k];
      for (ULONG j = 0; j < cb; j++)
        cr_assert_eq(p[j], (unsigned char)(i + 1u), "thread %u block %u: overwritten", i, k);
      all[n].lo = (uintptr_t)p;
      all[n].hi = (uintptr_t)p + cb;
      all[n].owner = i;
      n++;
    }
  }
  qsort(all, n, sizeof *all, span_cmp);
  for (size_t k = 1; k < n; k++)
    cr_assert_leq(all[k - 1].hi, all[k].lo, "contract 3");
  cr_assert_gt(all[0].lo, module, "contract 1");

  ilheap_stats st;
  memset(&st, 0, sizeof st);
  st.size = sizeof st;
  cr_assert_eq(ilheap_get_stats(sh.heap, &st), ILHEAP_OK);
  cr_assert_eq(st.blocks, (uint64_t)total);
  cr_assert_eq(ilheap_method_malloc_refcount(ilheap_method_malloc(sh.heap)), 1u);

  free(all);
  for (unsigned i = 0; i < THREADS; i++)
    free(w[i].blocks);
  ilheap_destroy(sh.heap);
  ilheap_sim_stats ss;
  cr_assert_eq(ilheap_sim_get_stats(sim, &ss), ILHEAP_OK);
  cr_assert_eq(ss.reserved_bytes, 0u, "contract 7");
  ilheap_sim_destroy(sim);
}
