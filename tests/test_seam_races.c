/* SPDX-License-Identifier: MIT */
/*
 * The deterministic race tests: first uses that another thread arrives at
 * exactly while they are being made, through the race hook of src/seams.h
 * (built only with ILHEAP_SEAMS, tests/CMakeLists.txt). The branch that
 * handles the other thread is taken every run, not once in a million:
 *  - ilheap__once (the OS provider's first use): a thread arriving while the
 *    winner runs the function waits, then sees the provider whole;
 *  - a heap's COM object: a thread arriving while it is filled in waits, then
 *    sees its vtable and its references;
 *  - the C++ object (ilheap_method_malloc_cxx): a thread arriving while the
 *    constructor runs waits, then sees the constructed words;
 *  - ilheap_registry_get: another thread creates the module's heap between the
 *    call's read lock and its write lock: both get that one heap, the registry
 *    holds one.
 * Criterion runs each test in a process of its own, so each first use is the
 * process's first.
 */
#include <criterion/criterion.h>

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "ilheap.h"
#include "ilheap_com.h"
#include "ilheap_registry.h"
#include "ilheap_sim.h"
#include "seams.h"

#define SIM_SIZE ((size_t)64 << 20)
#define WAITS_SEEN 3 /* the other thread was seen yielding this often: it waits */

typedef struct racer {
  pthread_t t;
  _Atomic int started; /* the other thread was asked for (at most once) */
  int created;         /* and runs: joined at the end */
  _Atomic int waited, finished; /* waited: how often it yielded */
  void *(*body)(void *);
  int point; /* the race point that starts the other thread */
  ilheap *h;
  void *seen;         /* what the other thread got back */
  const void *word0;  /* its first word, read by that thread once it got it */
  unsigned long refs; /* its reference count, as that thread saw it */
  size_t page;
  ilheap_registry *reg;
  uintptr_t id, base;
  int err;
} racer;

static racer rc;

/* Starts the other thread and returns once it is seen waiting (yielding again
 * and again), or is done (a thread that should have waited and did not: it
 * read the object before this one filled it in). It may pass the same race
 * point itself: it is started once. */
static void start_racer(racer *r) {
  if (atomic_exchange(&r->started, 1))
    return;
  cr_assert_eq(pthread_create(&r->t, NULL, r->body, r), 0);
  r->created = 1;
  for (long spins = 0; atomic_load(&r->waited) < WAITS_SEEN && !atomic_load(&r->finished); spins++)
    if (spins < 100000)
      sched_yield();
    else
      usleep(100);
}

static void race_hook(int point, void *arg) {
  racer *r = arg;
  if (point == ILHEAP__RACE_WAIT)
    atomic_fetch_add(&r->waited, 1);
  else if (point == r->point)
    start_racer(r);
}

static void begin_race(void *(*body)(void *), int point) {
  memset(&rc, 0, sizeof rc);
  rc.body = body;
  rc.point = point;
  ilheap__set_race_hook(race_hook, &rc);
}

static void end_race(const char *what, int must_wait) {
  /* Joined before the hook goes: the other thread may still be yielding
   * through it on its way out. */
  cr_assert(rc.created, "%s: the other thread was never started (no race point reached)", what);
  cr_assert_eq(pthread_join(rc.t, NULL), 0);
  ilheap__set_race_hook(NULL, NULL);
  if (must_wait)
    cr_assert_geq(atomic_load(&rc.waited), WAITS_SEEN,
                  "%s: the other thread did not wait for the first use", what);
}

static ilheap_sim *sim;

static ilheap *sim_heap(void) {
  ilheap_options o;
  ilheap *h = NULL;
  cr_assert_eq(ilheap_sim_create(SIM_SIZE, 0, &sim), ILHEAP_OK);
  ilheap_options_init(&o);
  o.provider = ilheap_sim_provider(sim);
  cr_assert_eq(ilheap_create((const void *)(ilheap_sim_base(sim) + ((uintptr_t)1 << 20)), &o, &h),
               ILHEAP_OK);
  return h;
}

/* ---- ilheap__once ---------------------------------------------------------- */

static void *race_once(void *arg) {
  racer *r = arg;
  const ilheap_provider *p = ilheap_os_provider();
  r->seen = (void *)(uintptr_t)p;
  r->page = p != NULL ? p->page_size : 0;
  r->word0 = p != NULL && p->walk_free != NULL ? (const void *)p : NULL;
  atomic_store(&r->finished, 1);
  return NULL;
}

Test(seam_races, os_provider_first_use) {
  begin_race(race_once, ILHEAP__RACE_ONCE);
  const ilheap_provider *p = ilheap_os_provider();
  end_race("ilheap_os_provider", 1);
  cr_assert_not_null(p);
  cr_assert(rc.seen == (const void *)p && rc.page == p->page_size && rc.page != 0 &&
                rc.word0 == (const void *)p,
            "a thread that waited for the provider's first use saw it half made");
}

/* ---- the COM object ------------------------------------------------------------ */

static void *race_com(void *arg) {
  racer *r = arg;
  IMethodMalloc *m = ilheap_method_malloc(r->h);
  r->seen = m;
  r->word0 = m != NULL ? (const void *)m->lpVtbl : NULL;
  r->refs = m != NULL ? ilheap_method_malloc_refcount(m) : 0;
  atomic_store(&r->finished, 1);
  return NULL;
}

Test(seam_races, com_object_first_use) {
  ilheap *h = sim_heap();
  begin_race(race_com, ILHEAP__RACE_COM);
  rc.h = h;
  IMethodMalloc *m = ilheap_method_malloc(h);
  end_race("the COM object", 1);
  cr_assert_not_null(m);
  cr_assert(rc.seen == (void *)m && rc.word0 == (const void *)m->lpVtbl && rc.word0 != NULL &&
                rc.refs >= 1,
            "a thread that waited for the COM object's first use saw it half made");
  ilheap_destroy(h);
  ilheap_sim_destroy(sim);
}

/* ---- the C++ object --------------------------------------------------------------- */

/* The C++ object's first two words, as ilheap_com.h's constructor writes them. */
static const char fake_vtable[4];

static void construct_like_cxx(void *storage, ilheap *heap) {
  const void *words[2] = {&fake_vtable[0], heap};
  memcpy(storage, words, sizeof words);
}

static void *race_cxx(void *arg) {
  racer *r = arg;
  void *obj = ilheap_method_malloc_cxx(r->h, construct_like_cxx);
  r->seen = obj;
  if (obj != NULL)
    memcpy(&r->word0, obj, sizeof r->word0);
  atomic_store(&r->finished, 1);
  return NULL;
}

static void construct_racing(void *storage, ilheap *heap) {
  start_racer(&rc); /* the object is being built now */
  construct_like_cxx(storage, heap);
}

Test(seam_races, cxx_object_construction) {
  ilheap *h = sim_heap();
  begin_race(race_cxx, -1); /* started by the constructor itself */
  rc.h = h;
  void *obj = ilheap_method_malloc_cxx(h, construct_racing);
  end_race("the C++ object", 1);
  cr_assert_not_null(obj);
  cr_assert(rc.seen == obj && rc.word0 == (const void *)&fake_vtable[0],
            "a thread that waited for the C++ object's construction saw it half made");
  ilheap_destroy(h);
  ilheap_sim_destroy(sim);
}

/* ---- the registry ------------------------------------------------------------------- */

static void *race_registry(void *arg) {
  racer *r = arg;
  ilheap *h = NULL;
  r->err = ilheap_registry_get(r->reg, r->id, (const void *)r->base, &h);
  r->seen = h;
  atomic_store(&r->finished, 1);
  return NULL;
}

Test(seam_races, registry_get_between_its_locks) {
  ilheap_options o;
  ilheap_registry *reg = NULL;
  cr_assert_eq(ilheap_sim_create(SIM_SIZE, 0, &sim), ILHEAP_OK);
  ilheap_options_init(&o);
  o.provider = ilheap_sim_provider(sim);
  cr_assert_eq(ilheap_registry_create(&o, &reg), ILHEAP_OK);
  /* Several modules, one race each: the first into an empty table, the
   * others into one that holds modules already. */
  for (unsigned i = 0; i < 4; i++) {
    begin_race(race_registry, ILHEAP__RACE_REGISTRY);
    rc.reg = reg;
    rc.id = (uintptr_t)(i + 1) << 12;
    rc.base = ilheap_sim_base(sim) + ((uintptr_t)(i + 1) << 22);
    ilheap *h = NULL;
    int err = ilheap_registry_get(reg, rc.id, (const void *)rc.base, &h);
    end_race("registry_get", 0);
    cr_assert_eq(err, ILHEAP_OK);
    cr_assert_eq(rc.err, ILHEAP_OK);
    cr_assert(h != NULL && h == rc.seen,
              "registry_get raced by another thread for one module: heaps %p and %p", (void *)h,
              rc.seen);
    cr_assert_eq(ilheap_registry_count(reg), i + 1u, "one module more, raced: the registry counts %zu",
                 ilheap_registry_count(reg));
  }
  ilheap_registry_destroy(reg);
  ilheap_sim_destroy(sim);
}
