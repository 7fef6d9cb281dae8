/* SPDX-License-Identifier: MIT */
/*
 * The module registry under many threads (run it under TSan too):
 *  - 8 threads asking for the same unknown module at the same moment get one
 *    heap, and the registry holds exactly one (many rounds, to hit the window
 *    between the read-lock miss and the write lock);
 *  - threads loading, looking up and unloading disjoint sets of modules while
 *    the table grows and shrinks under them;
 *  - one IMethodMalloc per module through ilheap_registry_method_malloc.
 * Worker threads only record; the main thread asserts.
 */
#include "ilheap_com.h"
#include "ilheap_registry.h"

#include <criterion/criterion.h>

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ilheap_sim.h"

#define THREADS 8
#define MiB ((size_t)1 << 20)

typedef struct shared {
  pthread_barrier_t start;
  _Atomic(uint32_t) arrived; /* spinning start gate, see gate() */
  ilheap_registry *reg;
  ilheap_sim *sim;
  uint32_t rounds;
} shared;

typedef struct worker {
  shared *sh;
  unsigned id;
  pthread_t thread;
  ilheap **got;        /* per round */
  IMethodMalloc **com; /* per round */
  int errors;
  int mismatches;
} worker;

static void run_workers(worker *w, shared *sh, void *(*fn)(void *)) {
  cr_assert_eq(pthread_barrier_init(&sh->start, NULL, THREADS), 0);
  for (unsigned i = 0; i < THREADS; i++) {
    w[i].sh = sh;
    w[i].id = i;
    w[i].errors = 0;
    w[i].mismatches = 0;
    cr_assert_eq(pthread_create(&w[i].thread, NULL, fn, &w[i]), 0);
  }
  for (unsigned i = 0; i < THREADS; i++)
    cr_assert_eq(pthread_join(w[i].thread, NULL), 0);
  pthread_barrier_destroy(&sh->start);
}

/* Each module lies alone in its own span of the simulated space. */
#define MODULE_SPAN ((uintptr_t)512 * 1024)

static uintptr_t module_id(uint32_t k) {
  return 0x1000u + k;
}

static const void *module_base(const shared *sh, uint32_t k) {
  return (const void *)(ilheap_sim_base(sh->sim) + MiB + (uintptr_t)k * MODULE_SPAN);
}

/* A start gate that releases the threads together. A barrier wakes its
 * sleepers one by one, microseconds apart, so the first would have created the
 * heap before the second looked; threads spinning on both cores leave this
 * gate within nanoseconds of each other and miss the module together, which
 * is the case the registry's second look under the write lock exists for. */
static void gate(shared *sh, uint32_t k) {
  uint32_t target = (k + 1u) * THREADS;
  atomic_fetch_add_explicit(&sh->arrived, 1u, memory_order_acq_rel);
  for (;;) {
    for (int i = 0; i < 4096; i++)
      if (atomic_load_explicit(&sh->arrived, memory_order_acquire) >= target)
        return;
    sched_yield(); /* let the threads that have not arrived yet run */
  }
}

#define ALLOCS_PER_USE 16u

/* For every module in turn, all threads ask for it at once, allocate from it
 * and ask for its IMethodMalloc. */
static void *first_use(void *arg) {
  worker *w = arg;
  shared *sh = w->sh;
  for (uint32_t k = 0; k < sh->rounds; k++) {
    gate(sh, k);
    ilheap *h = NULL;
    if (ilheap_registry_get(sh->reg, module_id(k), module_base(sh, k), &h) != ILHEAP_OK ||
        h == NULL) {
      w->errors++;
      continue;
    }
    w->got[k] = h;
    /* Used at once, many times: a heap published before it is ready shows
     * here (TSan sees the race, a block outside committed memory faults). */
    for (uint32_t j = 0; j < ALLOCS_PER_USE; j++) {
      unsigned char *p = ilheap_alloc(h, 64 + w->id + j);
      if (p == NULL) {
        w->errors++;
        continue;
      }
      w->errors += p[0] != 0 || p[63] != 0;
      memset(p, (int)(w->id + 1u), 64 + w->id + j);
    }
    w->com[k] = ilheap_registry_method_malloc(sh->reg, module_id(k), module_base(sh, k));
    if (ilheap_registry_find(sh->reg, module_id(k)) != h)
      w->mismatches++;
  }
  return NULL;
}

Test(registry_race, concurrent_first_use_of_one_module_yields_one_heap) {
  shared sh;
  memset(&sh, 0, sizeof sh);
  sh.rounds = 2000;
  uint32_t modules = sh.rounds;
  cr_assert_eq(ilheap_sim_create(MiB + modules * MODULE_SPAN, 0, &sh.sim), ILHEAP_OK);
  ilheap_options o;
  ilheap_options_init(&o);
  o.provider = ilheap_sim_provider(sh.sim);
  /* Half the module's span: no heap reaches the next module's space. */
  o.max_offset = (uint32_t)(MODULE_SPAN / 2u);
  cr_assert_eq(ilheap_registry_create(&o, &sh.reg), ILHEAP_OK);
  worker w[THREADS];
  for (unsigned i = 0; i < THREADS; i++) {
    w[i].got = calloc(modules, sizeof(ilheap *));        /* NOLINT(bugprone-sizeof-expression) */
    w[i].com = calloc(modules, sizeof(IMethodMalloc *)); /* NOLINT(bugprone-sizeof-expression) */
    cr_assert(w[i].got != NULL && w[i].com != NULL);
  }
  run_workers(w, &sh, first_use);

  cr_assert_eq(ilheap_registry_count(sh.reg), modules, "exactly one heap per module");
  for (uint32_t k = 0; k < modules; k++) {
    ilheap *h = ilheap_registry_find(sh.reg, module_id(k));
    cr_assert_not_null(h);
    IMethodMalloc *m = ilheap_method_malloc(h);
    for (unsigned i = 0; i < THREADS; i++) {
      cr_assert_eq(w[i].got[k], h, "module %u: thread %u got another heap", k, i);
      cr_assert_eq(w[i].com[k], m, "module %u: thread %u got another IMethodMalloc", k, i);
    }
    ilheap_stats st;
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    cr_assert_eq(ilheap_get_stats(h, &st), ILHEAP_OK);
    cr_assert_eq(st.blocks, (uint64_t)THREADS * ALLOCS_PER_USE,
                 "every thread allocated from the same heap");
  }
  for (unsigned i = 0; i < THREADS; i++) {
    cr_assert_eq(w[i].errors, 0, "thread %u", i);
    cr_assert_eq(w[i].mismatches, 0, "thread %u", i);
    free(w[i].got);
    free(w[i].com);
  }
  ilheap_registry_destroy(sh.reg);
  ilheap_sim_stats ss;
  cr_assert_eq(ilheap_sim_get_stats(sh.sim, &ss), ILHEAP_OK);
  cr_assert_eq(ss.reserved_bytes, 0u, "destroy released every heap");
  ilheap_sim_destroy(sh.sim);
}

/* Each thread owns the ids congruent to its number: it loads them (the table
 * grows under everyone), checks them, drops half, and checks again, while the
 * others do the same with theirs. */
#define PER_THREAD 600

static void *churn(void *arg) {
  worker *w = arg;
  shared *sh = w->sh;
  ilheap *mine[PER_THREAD];
  pthread_barrier_wait(&sh->start);
  for (uint32_t k = 0; k < PER_THREAD; k++) {
    uintptr_t id = (uintptr_t)k * THREADS + w->id;
    if (ilheap_registry_get(sh->reg, id, (const void *)(uintptr_t)(0x40000000u + k * 4096u),
                            &mine[k]) != ILHEAP_OK)
      w->errors++;
  }
  for (uint32_t k = 0; k < PER_THREAD; k++) {
    uintptr_t id = (uintptr_t)k * THREADS + w->id;
    if (ilheap_registry_find(sh->reg, id) != mine[k])
      w->mismatches++;
  }
  for (uint32_t k = 0; k < PER_THREAD; k += 2) {
    uintptr_t id = (uintptr_t)k * THREADS + w->id;
    if (ilheap_registry_drop(sh->reg, id) != ILHEAP_OK)
      w->errors++;
  }
  for (uint32_t k = 0; k < PER_THREAD; k++) {
    uintptr_t id = (uintptr_t)k * THREADS + w->id;
    ilheap *h = ilheap_registry_find(sh->reg, id);
    if (k % 2 == 0 ? h != NULL : h != mine[k])
      w->mismatches++;
  }
  return NULL;
}

Test(registry_race, load_find_unload_from_8_threads) {
  shared sh;
  memset(&sh, 0, sizeof sh);
  cr_assert_eq(ilheap_registry_create(NULL, &sh.reg), ILHEAP_OK);
  worker w[THREADS];
  run_workers(w, &sh, churn);
  for (unsigned i = 0; i < THREADS; i++) {
    cr_assert_eq(w[i].errors, 0, "thread %u", i);
    cr_assert_eq(w[i].mismatches, 0, "thread %u", i);
  }
  cr_assert_eq(ilheap_registry_count(sh.reg), (size_t)THREADS * PER_THREAD / 2);
  for (uintptr_t id = 0; id < (uintptr_t)THREADS * PER_THREAD; id++) {
    uintptr_t k = id / THREADS;
    if (k % 2 == 0)
      cr_assert_null(ilheap_registry_find(sh.reg, id));
    else
      cr_assert_not_null(ilheap_registry_find(sh.reg, id));
  }
  ilheap_registry_destroy(sh.reg);
}
