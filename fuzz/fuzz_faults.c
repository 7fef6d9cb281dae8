/* SPDX-License-Identifier: MIT */
/*
 * fuzz_faults: failure injection, the way libxml2's fuzzers do it. The input
 * chooses which of the library's resource allocations fails (malloc, calloc,
 * realloc, the platform layer's aligned allocation, mutex and rwlock
 * initialization) and which system call of the providers answers what (EINTR,
 * ENOMEM, EEXIST, EACCES, EAGAIN, or an mmap that lands somewhere else, as on
 * kernels before 4.17), through the seams of a checked build (src/seams.h),
 * then drives heaps, a registry and the COM adapter on the simulated or the
 * real Linux provider. The faults are re-armed during the run, so they land in
 * every phase (create, first allocation, growth in place, new chunks, walks).
 *
 * Checked:
 *  - a failure is reported, never hidden: a create, registry create/get or
 *    walk_reserved during which an injected allocation failure fired returns
 *    an error (ILHEAP_ENOMEM) and sets its out pointer to NULL; every code
 *    returned is a documented one;
 *  - a failure leaks nothing: LeakSanitizer (memory), and on the simulated
 *    provider the space holds exactly what the live heaps say they reserved
 *    after every operation (no reservation left behind by a failed refill),
 *    and nothing once everything is destroyed;
 *  - what did succeed is intact: every block satisfies contracts 1, 2 and 4,
 *    and keeps its tag pattern until its heap is destroyed (contract 3); the
 *    statistics count exactly the blocks handed out and the NULLs.
 * Faults are disarmed around ilheap_destroy: it has no way to report one.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "check.h"
#include "ilheap.h"
#include "ilheap_com.h"
#include "ilheap_registry.h"
#include "ilheap_sim.h"
#include "ilheap_zone.h"
#include "provider.h"
#include "os/os.h"
#include "seams.h"

#define MAX_HEAPS 4
#define MAX_OPS 64
#define MAX_BLOCKS 512
#define SIM_SIZE ((size_t)64 << 20)
#define MAX_TOTAL ((uint64_t)16 << 20)

typedef struct block {
  void *p;
  uint32_t cb, tag;
  unsigned heap;
} block;

typedef struct heap_slot {
  ilheap *h;
  uintptr_t base;
  uint32_t max_offset, alignment;
  uint64_t blocks, requested, nulls;
} heap_slot;

typedef struct state {
  ilheap_sim *sim; /* NULL: the OS provider */
  heap_slot heaps[MAX_HEAPS];
  block blocks[MAX_BLOCKS];
  size_t nblocks;
  uint32_t next_tag;
  uint64_t total;
  ilheap_registry *reg;
  uintptr_t reg_ids[8];
  size_t nreg;
} state;

static const int os_errors[] = {EINTR, ENOMEM, EEXIST, EACCES, EAGAIN, ILHEAP__ELSEWHERE};
#define N_OS_ERRORS (sizeof os_errors / sizeof os_errors[0])

static void arm(fuzz_input *in) {
  ilheap__fault_alloc(fuzz_range(in, 0, 24));
  uint64_t n = fuzz_range(in, 0, 64);
  ilheap__fault_os(n, os_errors[fuzz_pick(in, (unsigned)N_OS_ERRORS)]);
}

static void disarm(void) {
  ilheap__fault_alloc(0);
  ilheap__fault_os(0, 0);
}

static int documented(int err) {
  /* Every code has its text (ilheap_strerror never answers NULL). */
  if (ilheap_strerror(err) == NULL || ilheap_version() == 0)
    return 0;
  switch (err) {
  case ILHEAP_OK:
  case ILHEAP_EINVAL:
  case ILHEAP_ENOMEM:
  case ILHEAP_EBUSY:
  case ILHEAP_ERANGE:
  case ILHEAP_EPROVIDER:
  case ILHEAP_EVERSION:
  case ILHEAP_ENOTFOUND:
  case ILHEAP_EEXIST:
    return 1;
  default:
    return 0;
  }
}

static const ilheap_provider *provider(state *st) {
  return st->sim != NULL ? ilheap_sim_provider(st->sim) : ilheap_os_provider();
}

/* A module base: inside the simulated space, or this program's own code. */
static uintptr_t pick_base(state *st, fuzz_input *in) {
  if (st->sim != NULL)
    return ilheap_sim_base(st->sim) + (uintptr_t)fuzz_range(in, 0, SIM_SIZE / 2);
  return (uintptr_t)&pick_base & ~(uintptr_t)0xFFFF;
}

static int count_range(void *arg, uintptr_t lo, uintptr_t hi) {
  *(uint64_t *)arg += hi - lo;
  return 0;
}

/* The simulated space holds exactly what the live heaps reserved. */
static void check_no_leak(state *st, const char *when) {
  if (st->sim == NULL)
    return;
  uint64_t heaps = 0;
  for (unsigned i = 0; i < MAX_HEAPS; i++)
    if (st->heaps[i].h != NULL) {
      ilheap_stats s;
      memset(&s, 0, sizeof s);
      s.size = sizeof s;
      FUZZ_CHECK(ilheap_get_stats(st->heaps[i].h, &s) == ILHEAP_OK, "stats");
      heaps += s.bytes_reserved;
    }
  for (size_t k = 0; k < st->nreg; k++) {
    ilheap *h = ilheap_registry_find(st->reg, st->reg_ids[k]);
    if (h != NULL) {
      ilheap_stats s;
      memset(&s, 0, sizeof s);
      s.size = sizeof s;
      FUZZ_CHECK(ilheap_get_stats(h, &s) == ILHEAP_OK, "stats");
      heaps += s.bytes_reserved;
    }
  }
  ilheap_sim_stats ss;
  memset(&ss, 0, sizeof ss);
  FUZZ_CHECK(ilheap_sim_get_stats(st->sim, &ss) == 0, "sim stats");
  FUZZ_CHECK(ss.reserved_bytes == heaps,
             "%s: the space holds %llu reserved bytes, the live heaps %llu: a failure leaked "
             "address space",
             when, (unsigned long long)ss.reserved_bytes, (unsigned long long)heaps);
}

static void check_stats(state *st, unsigned i) {
  heap_slot *hs = &st->heaps[i];
  ilheap_stats s;
  memset(&s, 0, sizeof s);
  s.size = sizeof s;
  FUZZ_CHECK(ilheap_get_stats(hs->h, &s) == ILHEAP_OK, "stats");
  FUZZ_CHECK(s.blocks == hs->blocks && s.bytes_requested == hs->requested,
             "heap %u: stats say %llu blocks / %llu bytes, %llu / %llu were handed out", i,
             (unsigned long long)s.blocks, (unsigned long long)s.bytes_requested,
             (unsigned long long)hs->blocks, (unsigned long long)hs->requested);
  FUZZ_CHECK(s.failed_requests == hs->nulls, "heap %u: %llu failed requests counted, %llu seen", i,
             (unsigned long long)s.failed_requests, (unsigned long long)hs->nulls);
  FUZZ_CHECK(s.bytes_committed <= s.bytes_reserved, "committed > reserved");
}

static void op_create(state *st, fuzz_input *in) {
  unsigned i = fuzz_pick(in, MAX_HEAPS);
  if (st->heaps[i].h != NULL)
    return;
  ilheap_options o;
  ilheap_options_init(&o);
  o.provider = provider(st);
  o.alignment = 4u << fuzz_range(in, 0, 10);
  o.max_offset = fuzz_bool(in) ? ILHEAP_DEFAULT_MAX_OFFSET : (uint32_t)fuzz_range(in, 1, 64 << 20);
  o.use_guard_pages = fuzz_bool(in);
  o.budget = fuzz_bool(in) ? ILHEAP_UNLIMITED : (size_t)fuzz_range(in, 0, 8 << 20);
  uintptr_t base = pick_base(st, in);
  ilheap *h = (ilheap *)(uintptr_t)1;
  uint64_t before = ilheap__faults_fired();
  int err = ilheap_create((const void *)base, &o, &h);
  FUZZ_CHECK(documented(err), "ilheap_create answered %d", err);
  if (ilheap__faults_fired() != before)
    FUZZ_CHECK(err == ILHEAP_ENOMEM, "an allocation failed inside ilheap_create, which answered %d",
               err);
  if (err != ILHEAP_OK) {
    FUZZ_CHECK(h == NULL, "ilheap_create failed but set *out");
    return;
  }
  FUZZ_CHECK(h != NULL, "ilheap_create succeeded with *out NULL");
  st->heaps[i] = (heap_slot){.h = h, .base = base, .max_offset = o.max_offset,
                             .alignment = o.alignment};
}

/* times requests of cb bytes from heap i, each block checked, tagged, kept. */
static void alloc_some(state *st, unsigned i, uint32_t cb, unsigned times) {
  heap_slot *hs = &st->heaps[i];
  for (unsigned k = 0; k < times && st->total + cb <= MAX_TOTAL; k++) {
    void *p = ilheap_alloc(hs->h, cb);
    if (p == NULL) {
      hs->nulls++;
      continue;
    }
    FUZZ_OK(sup_check_window(hs->base, hs->max_offset, hs->alignment, p, cb, why));
    FUZZ_OK(sup_check_zero(p, cb, why));
    hs->blocks++;
    hs->requested += cb;
    st->total += cb;
    uint32_t tag = ++st->next_tag;
    sup_fill(p, cb, tag);
    if (st->nblocks < MAX_BLOCKS)
      st->blocks[st->nblocks++] = (block){p, cb, tag, i};
  }
}

static uint32_t pick_size(fuzz_input *in) {
  switch (fuzz_pick(in, 4)) {
  case 0: return (uint32_t)fuzz_range(in, 1, 64);
  case 1: return (uint32_t)fuzz_range(in, 1, 4096);
  case 2: return (uint32_t)fuzz_range(in, 4096, 256 << 10);
  default: return (uint32_t)fuzz_range(in, 1 << 20, 3 << 20); /* a chunk of its own */
  }
}

static void op_alloc(state *st, fuzz_input *in) {
  unsigned i = fuzz_pick(in, MAX_HEAPS);
  uint32_t cb = pick_size(in);
  unsigned times = (unsigned)fuzz_range(in, 1, 16);
  if (st->heaps[i].h != NULL)
    alloc_some(st, i, cb, times);
}

static void verify_blocks(state *st, unsigned heap, const char *when) {
  for (size_t k = 0; k < st->nblocks; k++)
    if (heap == MAX_HEAPS || st->blocks[k].heap == heap)
      fuzz_check_fill(st->blocks[k].p, st->blocks[k].cb, st->blocks[k].tag, when);
}

static void op_destroy(state *st, fuzz_input *in) {
  unsigned i = fuzz_pick(in, MAX_HEAPS);
  if (st->heaps[i].h == NULL)
    return;
  verify_blocks(st, i, "before destroy");
  check_stats(st, i);
  disarm();
  ilheap_destroy(st->heaps[i].h);
  memset(&st->heaps[i], 0, sizeof st->heaps[i]);
  size_t w = 0;
  for (size_t k = 0; k < st->nblocks; k++)
    if (st->blocks[k].heap != i)
      st->blocks[w++] = st->blocks[k];
  st->nblocks = w;
}

static void op_walk(state *st, fuzz_input *in) {
  unsigned i = fuzz_pick(in, MAX_HEAPS);
  if (st->heaps[i].h == NULL)
    return;
  uint64_t bytes = 0, before = ilheap__faults_fired();
  int err = ilheap_walk_reserved(st->heaps[i].h, count_range, &bytes);
  if (ilheap__faults_fired() != before)
    FUZZ_CHECK(err == ILHEAP_ENOMEM, "an allocation failed inside walk_reserved, answer %d", err);
  else
    FUZZ_CHECK(err == ILHEAP_OK, "walk_reserved answered %d", err);
}

static void op_registry(state *st, fuzz_input *in) {
  uint64_t before = ilheap__faults_fired();
  if (st->reg == NULL) {
    ilheap_options o;
    ilheap_options_init(&o);
    o.provider = provider(st);
    ilheap_registry *r = (ilheap_registry *)(uintptr_t)1;
    int err = ilheap_registry_create(&o, &r);
    FUZZ_CHECK(documented(err), "registry_create answered %d", err);
    if (ilheap__faults_fired() != before)
      FUZZ_CHECK(err == ILHEAP_ENOMEM, "an allocation failed in registry_create, answer %d", err);
    FUZZ_CHECK((err == ILHEAP_OK) == (r != NULL), "registry_create: answer %d, *out %p", err,
               (void *)r);
    st->reg = r;
    return;
  }
  switch (fuzz_pick(in, 3)) {
  case 0: { /* get: a new module, or a known one */
    uintptr_t id = (uintptr_t)fuzz_range(in, 0, 40) << 12;
    uintptr_t base = pick_base(st, in);
    ilheap *known = ilheap_registry_find(st->reg, id);
    size_t count = ilheap_registry_count(st->reg);
    ilheap *h = (ilheap *)(uintptr_t)1;
    before = ilheap__faults_fired();
    int err = ilheap_registry_get(st->reg, id, (const void *)base, &h);
    FUZZ_CHECK(documented(err), "registry_get answered %d", err);
    if (err != ILHEAP_OK) {
      FUZZ_CHECK(h == NULL, "registry_get failed but set *out");
      FUZZ_CHECK(ilheap_registry_count(st->reg) == count, "a failed get changed the count");
      FUZZ_CHECK(ilheap_registry_find(st->reg, id) == known, "a failed get changed the module");
    } else if (known == NULL) {
      FUZZ_CHECK(ilheap__faults_fired() == before, "registry_get hid an allocation failure");
      FUZZ_CHECK(ilheap_registry_count(st->reg) == count + 1, "a new module was not counted");
      if (st->nreg < sizeof st->reg_ids / sizeof st->reg_ids[0])
        st->reg_ids[st->nreg++] = id;
      /* Used at once, through the COM door. */
      IMethodMalloc *m = ilheap_method_malloc(h);
      FUZZ_CHECK(m != NULL, "no IMethodMalloc for a live heap");
      void *p = m->lpVtbl->Alloc(m, 64);
      if (p != NULL)
        FUZZ_OK(sup_check_zero(p, 64, why));
    }
    break;
  }
  case 1: { /* drop */
    if (st->nreg == 0)
      break;
    size_t k = fuzz_pick(in, (unsigned)st->nreg);
    disarm(); /* drop destroys the heap: nothing to report there */
    FUZZ_CHECK(ilheap_registry_drop(st->reg, st->reg_ids[k]) == ILHEAP_OK, "drop");
    st->reg_ids[k] = st->reg_ids[--st->nreg];
    break;
  }
  default: /* allocate from a known module */
    if (st->nreg > 0) {
      ilheap *h = ilheap_registry_find(st->reg, st->reg_ids[fuzz_pick(in, (unsigned)st->nreg)]);
      FUZZ_CHECK(h != NULL, "a registered module is gone");
      void *p = ilheap_alloc(h, (uint32_t)fuzz_range(in, 1, 8192));
      (void)p;
    }
    break;
  }
}

/* The C++ object's first two words, as ilheap_com.h's constructor writes them. */
static const char fake_vtables[4];

static void construct_like_cxx(void *storage, ilheap *heap) {
  const void *words[2] = {&fake_vtables[0], heap};
  memcpy(storage, words, sizeof words);
}

static void op_com(state *st, fuzz_input *in) {
  unsigned i = fuzz_pick(in, MAX_HEAPS);
  ilheap *h = st->heaps[i].h;
  if (h == NULL) {
    FUZZ_CHECK(ilheap_method_malloc(NULL) == NULL && ilheap_method_malloc_addref(NULL) == 0 &&
                   ilheap_method_malloc_release(NULL) == 0 &&
                   ilheap_method_malloc_query(NULL, &IID_IUnknown) == E_POINTER &&
                   ilheap_method_malloc_heap(NULL) == NULL &&
                   ilheap_method_malloc_cxx(NULL, construct_like_cxx) == NULL,
               "the COM helpers on NULL");
    return;
  }
  switch (fuzz_pick(in, 3)) {
  case 0: { /* the C++ object: recognized unless the note of its vtable failed */
    uint64_t before = ilheap__faults_fired();
    void *obj = ilheap_method_malloc_cxx(h, construct_like_cxx);
    FUZZ_CHECK(obj != NULL && ilheap_method_malloc_cxx(h, NULL) == NULL, "method_malloc_cxx");
    ilheap *back = ilheap_method_malloc_heap((IMethodMalloc *)obj);
    FUZZ_CHECK(back == h || (back == NULL && ilheap__faults_fired() != before),
               "the C++ object of heap %u is not recognized", i);
    FUZZ_CHECK(back == NULL || ilheap_method_malloc_refcount((IMethodMalloc *)obj) >= 1, "refs");
    if (back != NULL) {
      /* Its vtable, but not an object a heap holds: not ours (ilheap_com.h). */
      const void *fake[4] = {&fake_vtables[0], h, NULL, NULL};
      FUZZ_CHECK(ilheap_method_malloc_heap((IMethodMalloc *)(void *)fake) == NULL,
                 "an object with the C++ vtable outside its heap was taken for heap %u's", i);
      fake[1] = NULL;
      FUZZ_CHECK(ilheap_method_malloc_heap((IMethodMalloc *)(void *)fake) == NULL &&
                     ilheap_method_malloc_refcount((IMethodMalloc *)(void *)fake) == 0,
                 "an object with the C++ vtable and no heap was taken for one");
    }
    break;
  }
  case 1: { /* QueryInterface, AddRef, Release through the helpers */
    IID iid = fuzz_bool(in) ? IID_IMethodMalloc : IID_IUnknown;
    iid.Data4[7] ^= (unsigned char)fuzz_range(in, 0, 1);
    HRESULT hr = ilheap_method_malloc_query(h, &iid);
    FUZZ_CHECK(hr == S_OK || hr == E_NOINTERFACE, "query answered %#x", (unsigned)hr);
    ULONG up = ilheap_method_malloc_addref(h), down = ilheap_method_malloc_release(h);
    FUZZ_CHECK(up >= 2 && down == up - 1, "AddRef %lu then Release %lu", (unsigned long)up,
               (unsigned long)down);
    break;
  }
  default: { /* Alloc through the vtable, used at once */
    IMethodMalloc *m = ilheap_method_malloc(h);
    uint32_t cb = (uint32_t)fuzz_range(in, 0, 512);
    void *p = m->lpVtbl->Alloc(m, cb);
    if (p != NULL) {
      FUZZ_CHECK(cb != 0, "Alloc(0) gave a block");
      FUZZ_OK(sup_check_zero(p, cb, why));
      st->heaps[i].blocks++;
      st->heaps[i].requested += cb;
      uint32_t tag = ++st->next_tag;
      sup_fill(p, cb, tag);
      if (st->nblocks < MAX_BLOCKS)
        st->blocks[st->nblocks++] = (block){p, cb, tag, i};
    } else if (cb != 0) {
      st->heaps[i].nulls++;
    }
    break;
  }
  }
}

/* The Linux provider called directly, as the authority it is documented to be:
 * out of reach (ERANGE), into the brk zone (EBUSY), walks clipped to user
 * space and stopped early, and reserve/commit/release of a free range, all
 * under whatever faults are armed. */
static int stop_at_first(void *arg, uintptr_t lo, uintptr_t hi) {
  (void)lo;
  (void)hi;
  return ++*(unsigned *)arg >= 1;
}

static void stale_run(const ilheap_provider *p);
static void stack_zone_limits(const ilheap_provider *p);

static void op_provider(state *st, fuzz_input *in) {
  const ilheap_provider *p = ilheap_os_provider();
  (void)st;
  if (p == NULL)
    return;
  uintptr_t page = p->page_size, brk = (uintptr_t)sbrk(0);
  int err;
  switch (fuzz_pick(in, 4)) {
  case 0: /* out of reach: below the lowest address, past the top */
    err = p->reserve(p->ctx, ((uintptr_t)fuzz_range(in, 0, 15) << 12) & ~(page - 1), page);
    FUZZ_CHECK(err == ILHEAP_ERANGE, "reserve below 64 KiB answered %d", err);
    err = p->reserve(p->ctx, UINTPTR_MAX & ~(page - 1), page);
    FUZZ_CHECK(err == ILHEAP_ERANGE, "reserve of the last page answered %d", err);
    err = p->reserve(p->ctx, (uintptr_t)1 << 20, UINTPTR_MAX & ~(page - 1));
    FUZZ_CHECK(err == ILHEAP_ERANGE, "reserve of all of the address space answered %d", err);
    stack_zone_limits(p);
    break;
  case 1: /* inside the brk zone */
    err = p->reserve(p->ctx, ((brk + page - 1) & ~(page - 1)) + page * fuzz_range(in, 0, 255), page);
    FUZZ_CHECK(err == ILHEAP_EBUSY, "reserve inside the brk zone answered %d", err);
    err = p->reserve(p->ctx, (brk & ~(page - 1)) - page, 2 * page);
    FUZZ_CHECK(err == ILHEAP_EBUSY, "reserve from below into the brk zone answered %d", err);
    break;
  case 2: { /* walks: all of user space and beyond, stopped at the first gap */
    unsigned seen = 0;
    err = p->walk_free(p->ctx, 0, UINTPTR_MAX, stop_at_first, &seen);
    FUZZ_CHECK(documented(err), "walk_free answered %d", err);
    FUZZ_CHECK(err != ILHEAP_OK || seen <= 1, "the walk went on after its visitor stopped it");
    stale_run(p);
    break;
  }
  default: { /* a free range below the program break's zone: reserve, commit, use, release */
    uintptr_t a = (brk & ~(page - 1)) - ((uintptr_t)4 << 30) - page * fuzz_range(in, 0, 255);
    err = p->reserve(p->ctx, a, 2 * page);
    FUZZ_CHECK(documented(err), "reserve answered %d", err);
    if (err != ILHEAP_OK)
      break;
    FUZZ_CHECK(p->map(p->ctx, a, page, 4u) == ILHEAP_EINVAL, "map with an unknown bit of how");
    if (p->commit(p->ctx, a, page) == ILHEAP_OK) {
      FUZZ_OK(sup_check_zero((const void *)a, (uint32_t)page, why));
      *(volatile char *)a = 1;
      int r = p->resident(p->ctx, a);
      FUZZ_CHECK(r == 1, "a page just written: resident answered %d", r);
    }
    disarm(); /* a failed release cannot be reported: nothing to learn from it */
    FUZZ_CHECK(p->release(p->ctx, a, 2 * page) == ILHEAP_OK, "release");
    int r = p->resident(p->ctx, a); /* no longer mapped: a caller's mistake */
    FUZZ_CHECK(r == 0 || (r < 0 && documented(r)), "resident of a released page answered %d", r);
    break;
  }
  }
}

/* Requests from another thread, one at a time (the state is that thread's
 * until the join): it takes a slab of its own below this thread's, so the
 * slabs given up later cannot all go back to their chunk. */
typedef struct errand {
  state *st;
  unsigned idx, times;
  uint32_t cb;
} errand;

static void *run_errand(void *arg) {
  errand *e = arg;
  alloc_some(e->st, e->idx, e->cb, e->times);
  return NULL;
}

static void op_other_thread(state *st, fuzz_input *in) {
  errand e = {st, fuzz_pick(in, MAX_HEAPS), (unsigned)fuzz_range(in, 1, 16), 0};
  pthread_t t;
  e.cb = pick_size(in);
  if (st->heaps[e.idx].h == NULL)
    return;
  if (pthread_create(&t, NULL, run_errand, &e) != 0) {
    run_errand(&e); /* no thread to be had: still the same requests */
    return;
  }
  FUZZ_CHECK(pthread_join(t, NULL) == 0, "pthread_join failed");
}

/* ---- the landing zone ---------------------------------------------------- */

/* Where a zone may take pieces: the simulated space, or real address space far
 * from the growth zones (what the zone's wrapped provider has free there). */
static void zone_region(state *st, fuzz_input *in, uintptr_t *lo, uintptr_t *hi) {
  uintptr_t len = (uintptr_t)fuzz_range(in, 1, 64) << 17; /* up to 8 MiB: a chunk's room fits */
  if (st->sim != NULL) {
    *lo = ilheap_sim_base(st->sim) + ((uintptr_t)fuzz_range(in, 0, 255) << 16);
  } else {
    uintptr_t brk = (uintptr_t)sbrk(0) & ~(uintptr_t)0xFFFF;
    *lo = brk > ((uintptr_t)3 << 30) ? brk - ((uintptr_t)2 << 30) : (uintptr_t)0x20000000;
    *lo -= (uintptr_t)fuzz_range(in, 0, 255) << 16;
  }
  *hi = *lo + len;
}

struct outside_sum {
  ilheap_zone *zone;
  uint64_t bytes;
};

static int sum_outside(void *arg, uintptr_t lo, uintptr_t hi) {
  struct outside_sum *s = arg;
  s->bytes += ilheap_zone_outside(s->zone, lo, hi);
  return 0;
}

/* A zone (include/ilheap_zone.h) over the provider in use, with faults armed:
 * a piece, paving, a heap on the zone's provider used at once, then everything
 * given back (the faults disarmed there, as around every destroy). An
 * allocation failure must come back as ILHEAP_ENOMEM from whichever call met
 * it (create, take_below, pave), with nothing set; the zone's accounts stay
 * exact: nothing held once its heap is gone, and (on the simulated provider)
 * nothing left reserved once the zone is destroyed. */
static void op_zone(state *st, fuzz_input *in) {
  const ilheap_provider *inner = provider(st);
  ilheap_zone *z = (ilheap_zone *)(uintptr_t)1;
  uint64_t allocs = ilheap__alloc_faults_fired(), all;
#define ONLY_ALLOC_FAILED()                                                                        \
  (ilheap__alloc_faults_fired() != allocs && ilheap__faults_fired() - all ==                       \
                                                 ilheap__alloc_faults_fired() - allocs)
  if (inner == NULL)
    return;
  int err = ilheap_zone_create(inner, (size_t)fuzz_range(in, 0, 128) << 16, &z);
  FUZZ_CHECK(documented(err), "zone_create answered %d", err);
  if (ilheap__alloc_faults_fired() != allocs)
    FUZZ_CHECK(err == ILHEAP_ENOMEM, "an allocation failed in zone_create, answer %d", err);
  if (err != ILHEAP_OK) {
    FUZZ_CHECK(z == NULL, "zone_create failed but set *out");
    return;
  }
  size_t page = inner->page_size;
  uintptr_t lo, hi, base = 1;
  zone_region(st, in, &lo, &hi);
  size_t size = (size_t)fuzz_range(in, 1, 16) * page;
  allocs = ilheap__alloc_faults_fired();
  all = ilheap__faults_fired();
  err = ilheap_zone_take_below(z, lo, hi, size, (size_t)fuzz_range(in, 0, 32) * page, &base);
  FUZZ_CHECK(documented(err), "take_below answered %d", err);
  if (ONLY_ALLOC_FAILED())
    FUZZ_CHECK(err == ILHEAP_ENOMEM, "an allocation failed in take_below, answer %d", err);
  FUZZ_CHECK(err == ILHEAP_OK ? base >= lo && base + size <= hi && base % page == 0 : base == 0,
             "take_below answered %d with a piece at %#" PRIxPTR " for [%#" PRIxPTR ", %#" PRIxPTR
             ")",
             err, base, lo, hi);
  if (err != ILHEAP_OK)
    base = lo;
  uintptr_t module = base - page; /* the piece at the window's start */
  if (fuzz_bool(in)) {
    size_t paved = 1;
    allocs = ilheap__alloc_faults_fired();
    all = ilheap__faults_fired();
    err = ilheap_zone_pave(z, lo, hi, &paved);
    FUZZ_CHECK(documented(err), "pave answered %d", err);
    if (ONLY_ALLOC_FAILED())
      FUZZ_CHECK(err == ILHEAP_ENOMEM, "an allocation failed in pave, answer %d", err);
    FUZZ_CHECK(paved <= hi - lo && paved % page == 0, "pave added %zu bytes in [%#" PRIxPTR
               ", %#" PRIxPTR ")", paved, lo, hi);
    if (paved != 0)
      module = lo - page; /* the paved region at the window's start */
  }
  /* A heap whose module sits at the piece, on the zone's provider. */
  ilheap_options o;
  ilheap_options_init(&o);
  o.provider = ilheap_zone_provider(z);
  o.window_policy = fuzz_bool(in) ? ILHEAP_WINDOW_PREFERRED : ILHEAP_WINDOW_REQUIRED;
  ilheap *h = (ilheap *)(uintptr_t)1;
  allocs = ilheap__alloc_faults_fired();
  err = ilheap_create((const void *)module, &o, &h);
  FUZZ_CHECK(documented(err), "create on a zone answered %d", err);
  if (ilheap__alloc_faults_fired() != allocs)
    FUZZ_CHECK(err == ILHEAP_ENOMEM, "an allocation failed in create on a zone, answer %d", err);
  if (err == ILHEAP_OK) {
    void *blocks[8];
    uint32_t cbs[8];
    unsigned n = (unsigned)fuzz_range(in, 0, 8);
    for (unsigned k = 0; k < n; k++) {
      cbs[k] = (uint32_t)fuzz_range(in, 1, 96 << 10);
      blocks[k] = ilheap_alloc(h, cbs[k]);
      if (blocks[k] == NULL)
        continue;
      FUZZ_OK(sup_check_block(h, blocks[k], cbs[k], why));
      FUZZ_OK(sup_check_zero(blocks[k], cbs[k], why));
      sup_fill(blocks[k], cbs[k], 0x5A000000u + k);
    }
    for (unsigned k = 0; k < n; k++)
      if (blocks[k] != NULL)
        fuzz_check_fill(blocks[k], cbs[k], 0x5A000000u + k, "a block from a zone");
    /* Destroyed with the faults still armed when all it holds lies in the
     * zone's pieces: a release the wrapped provider refuses leaves those pages
     * stuck, the zone's still (given back when it is destroyed), held by no one.
     * Elsewhere a refused release would leak, and destroy cannot report it. */
    struct outside_sum os = {z, 0};
    if (ilheap_walk_reserved(h, sum_outside, &os) != ILHEAP_OK || os.bytes != 0)
      disarm();
    ilheap_destroy(h);
  } else {
    FUZZ_CHECK(h == NULL, "create on a zone failed but set *out");
  }
  disarm();
  ilheap_zone_stats zs;
  memset(&zs, 0, sizeof zs);
  zs.size = (uint32_t)sizeof zs;
  FUZZ_CHECK(ilheap_zone_get_stats(z, &zs) == ILHEAP_OK, "zone stats");
  FUZZ_CHECK(zs.bytes_held == 0, "the zone holds %llu bytes for a destroyed heap",
             (unsigned long long)zs.bytes_held);
  FUZZ_CHECK(zs.bytes_held + zs.bytes_lost <= zs.bytes, "zone: held + lost > bytes");
  ilheap_zone_destroy(z);
  check_no_leak(st, "after a zone was destroyed");
#undef ONLY_ALLOC_FAILED
}

/* ---- the /proc/self/maps text parser ------------------------------------- */

/* The text a walk reads instead of /proc/self/maps (src/seams.h's read
 * filter), served in chunks of the input's choosing. */
#define TEXT_MAX ((size_t)96 << 10)
#define LONG_LINE ((size_t)70 << 10) /* longer than any line the kernel writes */
#define MAX_LINES 16
#define MAX_GAPS 32

typedef struct maps_text {
  char text[TEXT_MAX];
  size_t len, at, chunk;
  unsigned reads;
} maps_text;

static ptrdiff_t serve_text(char *buf, ptrdiff_t got, size_t cap, void *arg) {
  maps_text *m = arg;
  size_t n = m->len - m->at;
  (void)got; /* the real text is replaced */
  if (n > cap)
    n = cap;
  if (n > m->chunk)
    n = m->chunk;
  memcpy(buf, m->text + m->at, n);
  m->at += n;
  m->reads++;
  return (ptrdiff_t)n;
}


typedef struct gaps {
  uintptr_t v[MAX_GAPS][2];
  unsigned n;
  int overflow;
} gaps;

static int record_gap(void *arg, uintptr_t lo, uintptr_t hi) {
  gaps *g = arg;
  if (g->n == MAX_GAPS)
    g->overflow = 1;
  else {
    g->v[g->n][0] = lo;
    g->v[g->n][1] = hi;
    g->n++;
  }
  return 0;
}

/* The walk over [at, end), fed the mappings in order, as the provider is
 * documented to do it: returns 1 once a mapping reaches end. */
static int model_feed(gaps *g, uintptr_t *at, uintptr_t end, uintptr_t lo, uintptr_t hi) {
  if (hi <= *at)
    return 0;
  if (lo > *at)
    record_gap(g, *at, lo < end ? lo : end);
  *at = hi > *at ? hi : *at;
  return *at >= end;
}

enum { BAD_NONE, BAD_LO_DIGIT, BAD_DASH, BAD_SWAPPED, BAD_OVERFLOW, BAD_EMPTY, BAD_LONG, BAD_TAIL,
       BAD_KINDS };

/*
 * A text of mappings in [r, r + span) (and one below, one far above), one line
 * possibly broken in a way no kernel writes, the file possibly cut short, read
 * in chunks of any size; the walk over [r, r + span) must report exactly the
 * gaps between the mappings before a broken line and then answer
 * ILHEAP_EPROVIDER, or all of them and ILHEAP_OK; never read past its buffer,
 * never crash. When the walks still ask PROCMAP_QUERY, the first question is
 * answered "no such ioctl" (ENOTTY or EINVAL), as a kernel before 6.11 would:
 * the walk must go on through the text from where it stood.
 */
static void op_maps_text(state *st, fuzz_input *in) {
  static maps_text m;
  const ilheap_provider *p = ilheap_os_provider();
  uintptr_t page, r, span, brk = (uintptr_t)sbrk(0);
  int local;
  (void)st;
  if (p == NULL)
    return;
  page = p->page_size;
  r = (uintptr_t)0x10000000;
  span = (uintptr_t)fuzz_range(in, 1, 64) * page;
  /* Far from the brk zone and from the stack's (the walk subtracts them). */
  if ((brk < r + span + ((uintptr_t)64 << 20) && brk + ((uintptr_t)64 << 20) > r) ||
      (uintptr_t)&local - r < span + ((uintptr_t)1 << 31))
    return;

  /* The mappings: one below the range, some inside, maybe one far above. */
  uintptr_t lo[MAX_LINES], hi[MAX_LINES];
  unsigned nl = 0;
  lo[nl] = r - 16 * page;
  hi[nl++] = r - 8 * page;
  uintptr_t at = r - (uintptr_t)fuzz_range(in, 0, 4) * page;
  while (nl < MAX_LINES - 1 && fuzz_remaining(in) > 0 && fuzz_range(in, 0, 3) != 0) {
    at += (uintptr_t)fuzz_range(in, 0, 3) * page;
    lo[nl] = at;
    at += (uintptr_t)fuzz_range(in, 1, 4) * page;
    hi[nl++] = at;
  }
  if (fuzz_bool(in)) {
    lo[nl] = r + span + ((uintptr_t)1 << 20);
    hi[nl] = lo[nl] + page;
    nl++;
  }
  unsigned bad = fuzz_pick(in, BAD_KINDS), bad_line = fuzz_pick(in, nl);
  /* The file ends inside its last line (unless that is the long one: cut, it
   * would be a short line at the end of the file). */
  int cut = fuzz_bool(in) && !(bad == BAD_LONG && bad_line == nl - 1);
  size_t cut_at = 0;

  /* Write the text, and where each line's "lo-hi" ends. */
  size_t line_start[MAX_LINES], addr_end[MAX_LINES];
  m.len = 0;
  for (unsigned i = 0; i < nl; i++) {
    uintptr_t a = lo[i], b = hi[i];
    char *w = m.text + m.len;
    line_start[i] = m.len;
    if (i == bad_line && bad == BAD_SWAPPED) {
      a = hi[i];
      b = lo[i];
    }
    int k;
    if (i == bad_line && bad == BAD_EMPTY)
      k = 0;
    else if (i == bad_line && bad == BAD_OVERFLOW)
      k = snprintf(w, 64, "fffffffffffffffff%08" PRIxPTR "-%08" PRIxPTR, a, b);
    else
      k = snprintf(w, 64, "%08" PRIxPTR "-%08" PRIxPTR, a, b);
    addr_end[i] = m.len + (size_t)k;
    if (i == bad_line && bad == BAD_LO_DIGIT)
      w[fuzz_range(in, 0, 7)] = fuzz_bool(in) ? 'g' : 'A'; /* the kernel writes lowercase hex */
    if (i == bad_line && bad == BAD_DASH)
      *strchr(w, '-') = ' ';
    m.len += (size_t)k;
    if (k > 0)
      m.len += (size_t)snprintf(m.text + m.len, 64, " rw-p 00000000 00:00 0");
    if (i == bad_line && bad == BAD_TAIL) /* past "lo-hi": not the walk's business */
      m.len += (size_t)snprintf(m.text + m.len, 64, " %c%c\t??", 0x7f, 'Z');
    if (i == bad_line && bad == BAD_LONG) {
      memset(m.text + m.len, ' ', LONG_LINE);
      m.len += LONG_LINE;
    }
    m.text[m.len++] = '\n';
  }
  if (cut) {
    size_t last = line_start[nl - 1];
    cut_at = last + (size_t)fuzz_range(in, 0, m.len - last - 1);
    m.len = cut_at;
  }

  /* The walk as documented: line by line, until a mapping reaches the end or a
   * line is malformed (ILHEAP_EPROVIDER, and no gap after it). */
  gaps want;
  memset(&want, 0, sizeof want);
  uintptr_t wat = r, wend = r + span;
  int want_err = ILHEAP_OK, done = 0;
  for (unsigned i = 0; i < nl && !done; i++) {
    int broken = i == bad_line && bad != BAD_NONE && bad != BAD_TAIL;
    if (cut && i == nl - 1) {
      if (cut_at == line_start[i])
        break; /* the file ends after a newline: nothing more */
      if (cut_at < addr_end[i])
        broken = 1; /* the last line stops inside "lo-hi" */
    }
    if (broken) {
      want_err = ILHEAP_EPROVIDER;
      done = 1;
    } else {
      done = model_feed(&want, &wat, wend, lo[i], hi[i]);
    }
  }
  if (!done && wat < wend)
    record_gap(&want, wat, wend);

  /* Faults: the buffer's allocation, a read that fails (or is interrupted) in
   * the text mode; the first question refused in the ioctl mode. */
  static const int errs[] = {0, EINTR, EIO, EACCES};
  int fail_alloc = fuzz_range(in, 0, 5) == 0, read_err = 0;
  unsigned fault = fuzz_pick(in, 4), which = (unsigned)fuzz_range(in, 0, 3);
  disarm();
  if (ilheap__procmap_text()) { /* ILHEAP_PROCMAP=text, an old kernel, a failed ioctl */
    read_err = errs[fault];
    if (read_err != 0)
      ilheap__fault_os(2 + which, read_err); /* open is the first call, then the reads */
  } else {
    ilheap__fault_os(2, fault & 1 ? ENOTTY : EINVAL); /* the first ioctl */
  }
  if (fail_alloc)
    ilheap__fault_alloc(1);
  m.at = 0;
  m.reads = 0;
  m.chunk = fuzz_bool(in) ? TEXT_MAX : (size_t)fuzz_range(in, 1, 200);
  gaps got;
  memset(&got, 0, sizeof got);
  uint64_t fired = ilheap__faults_fired();
  ilheap__set_read_filter(serve_text, &m);
  int err = p->walk_free(p->ctx, r, r + span, record_gap, &got);
  ilheap__set_read_filter(NULL, NULL);
  int read_failed = read_err != 0 && read_err != EINTR && ilheap__faults_fired() != fired;
  disarm();

  FUZZ_CHECK(!got.overflow, "the walk reported more than %u gaps", MAX_GAPS);
  if (fail_alloc) {
    FUZZ_CHECK(err == ILHEAP_ENOMEM && got.n == 0 && m.reads == 0,
               "no memory for the text's buffer: answer %d, %u gaps, %u reads", err, got.n,
               m.reads);
    return;
  }
  if (read_failed) {
    FUZZ_CHECK(err == ILHEAP_EPROVIDER, "a read failed with errno %d: the walk answered %d",
               read_err, err);
    FUZZ_CHECK(got.n <= want.n, "a failed read: %u gaps reported, %u at most", got.n, want.n);
  } else {
    FUZZ_CHECK(err == want_err, "maps text (broken %d at line %u of %u, cut %d at %zu): answer %d, "
               "expected %d",
               bad, bad_line, nl, cut, cut_at, err, want_err);
    FUZZ_CHECK(got.n == want.n, "maps text (broken %d at line %u, cut %d): %u gaps, expected %u",
               bad, bad_line, cut, got.n, want.n);
  }
  for (unsigned i = 0; i < got.n; i++)
    FUZZ_CHECK(got.v[i][0] == want.v[i][0] && got.v[i][1] == want.v[i][1],
               "gap %u: [%#" PRIxPTR ", %#" PRIxPTR "), expected [%#" PRIxPTR ", %#" PRIxPTR ")",
               i, got.v[i][0], got.v[i][1], want.v[i][0], want.v[i][1]);
}

/* A run of adjacent mappings that a walk crosses (and, with PROCMAP_QUERY,
 * remembers: the provider's view), whose top page is then unmapped behind the
 * provider's back: the next walk must report that page free, since a walk
 * jumps a remembered run only after asking whether its last page is still
 * mapped. Holes on both sides keep the kernel from merging the run with a
 * neighbour. Faults disarmed: the view is the point. */
static void stale_run(const ilheap_provider *p) {
  size_t page = p->page_size, n = 6;
  char *m = mmap(NULL, (n + 2) * page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED)
    return;
  FUZZ_CHECK(munmap(m, page) == 0 && munmap(m + (n + 1) * page, page) == 0, "munmap");
  for (size_t i = 2; i <= n; i += 2) /* alternate protections: n mappings */
    FUZZ_CHECK(mprotect(m + i * page, page, PROT_NONE) == 0, "mprotect");
  uintptr_t lo = (uintptr_t)m + page, hi = lo + n * page;
  gaps g;
  memset(&g, 0, sizeof g);
  disarm();
  int err = p->walk_free(p->ctx, lo, hi, record_gap, &g);
  FUZZ_CHECK(err == ILHEAP_OK && g.n == 0, "a walk over %zu mappings: answer %d, %u gaps", n, err,
             g.n);
  FUZZ_CHECK(munmap((void *)(hi - page), page) == 0, "munmap");
  memset(&g, 0, sizeof g);
  err = p->walk_free(p->ctx, lo, hi, record_gap, &g);
  FUZZ_CHECK(err == ILHEAP_OK && g.n == 1 && g.v[0][0] == hi - page && g.v[0][1] == hi,
             "the top of a run crossed before was unmapped: answer %d, %u gaps, the first "
             "[%#" PRIxPTR ", %#" PRIxPTR ")",
             err, g.n, g.n ? g.v[0][0] : 0, g.n ? g.v[0][1] : 0);
  FUZZ_CHECK(munmap((void *)lo, (n - 1) * page) == 0, "munmap");
}

/* proc(5): where the main stack starts (field 28 of /proc/self/stat), or 0. */
static uintptr_t main_stack_start(void) {
  char buf[1024];
  FILE *f = fopen("/proc/self/stat", "re");
  if (f == NULL)
    return 0;
  size_t got = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[got] = 0;
  char *q = strrchr(buf, ')');
  for (int field = 2; field < 28 && q != NULL; field++)
    q = strchr(q + 1, ' ');
  return q != NULL ? (uintptr_t)strtoull(q + 1, NULL, 10) : 0;
}

/* setrlimit(RLIMIT_STACK) that took: qemu-user answers 0 and keeps the old
 * limit (the stack is its own), so the limit is read back. */
static int set_stack_limit(const struct rlimit *rl) {
  struct rlimit now;
  return setrlimit(RLIMIT_STACK, rl) == 0 && getrlimit(RLIMIT_STACK, &now) == 0 &&
                 now.rlim_cur == rl->rlim_cur
             ? 0
             : -1;
}

/* The stack's zone follows RLIMIT_STACK, capped at 1 GiB: a page 512 MiB below
 * the stack, free in the map, is refused while the limit is unlimited or past
 * the cap, and reservable under the usual 8 MiB. The limit is restored. */
static void stack_zone_limits(const ilheap_provider *p) {
  struct rlimit old, rl;
  uintptr_t top = main_stack_start(), page = p->page_size;
  if (top < ((uintptr_t)3 << 30) || getrlimit(RLIMIT_STACK, &old) != 0 ||
      old.rlim_max != RLIM_INFINITY)
    return; /* a 32-bit layout, or a hard limit that forbids the experiment */
  uintptr_t a = ((top - ((uintptr_t)512 << 20)) & ~(page - 1));
  rl = old;
  rl.rlim_cur = (rlim_t)8 << 20;
  disarm();
  if (set_stack_limit(&rl) != 0)
    return;
  int err = p->reserve(p->ctx, a, page);
  if (err == ILHEAP_OK) { /* free in the map: the zone alone decides below */
    FUZZ_CHECK(p->release(p->ctx, a, page) == ILHEAP_OK, "release");
    static const rlim_t limits[] = {RLIM_INFINITY, (rlim_t)2 << 30};
    for (unsigned i = 0; i < 2; i++) {
      rl.rlim_cur = limits[i];
      if (set_stack_limit(&rl) != 0)
        continue;
      err = p->reserve(p->ctx, a, page);
      if (err == ILHEAP_OK)
        (void)p->release(p->ctx, a, page);
      FUZZ_CHECK(err == ILHEAP_EBUSY,
                 "RLIMIT_STACK %s: a page 512 MiB below the stack was not refused (%d)",
                 i == 0 ? "unlimited" : "2 GiB", err);
    }
    /* 8 MiB again, but getrlimit fails: the zone is the cap (the safe side). */
    rl.rlim_cur = (rlim_t)8 << 20;
    if (setrlimit(RLIMIT_STACK, &rl) == 0) {
      ilheap__fault_os(1, EACCES); /* the first system call: getrlimit */
      err = p->reserve(p->ctx, a, page);
      disarm();
      if (err == ILHEAP_OK)
        (void)p->release(p->ctx, a, page);
      FUZZ_CHECK(err == ILHEAP_EBUSY,
                 "RLIMIT_STACK unknown (getrlimit failed): a page 512 MiB below the stack was "
                 "not refused (%d)",
                 err);
    }
  }
  FUZZ_CHECK(setrlimit(RLIMIT_STACK, &old) == 0, "cannot restore RLIMIT_STACK");
}

/* ---- first uses that race ------------------------------------------------ */

/* Another thread arrives exactly while a first use is being filled in (the
 * race hook of src/seams.h): it must wait, then see the object whole. */
typedef struct racer {
  pthread_t t;
  _Atomic int started; /* the other thread was asked for (at most once) */
  int created;         /* and runs: joined at the end */
  _Atomic int waited, finished; /* waited: how often it yielded */
  void *(*body)(void *);
  ilheap *h;
  void *seen;         /* what the other thread got back */
  const void *word0;  /* its first word, read by that thread once it got it */
  unsigned long refs; /* its reference count, as that thread saw it */
  size_t page;
  int point; /* the race point that starts the other thread */
  ilheap_registry *reg;
  uintptr_t id, base;
  int err;
} racer;

static racer *current_racer;

/* Starts the other thread and returns once it is seen waiting (yielding again
 * and again), or is done (a thread that should have waited and did not: it
 * read the object before this one fills it in). The other thread may pass the
 * same race point: it is started once. */
#define WAITS_SEEN 3
static void start_racer(racer *rc) {
  if (atomic_exchange(&rc->started, 1) || pthread_create(&rc->t, NULL, rc->body, rc) != 0)
    return;
  rc->created = 1;
  for (long spins = 0; atomic_load(&rc->waited) < WAITS_SEEN && !atomic_load(&rc->finished);
       spins++)
    if (spins < 100000)
      sched_yield();
    else
      usleep(100);
}

static void race_hook(int point, void *arg) {
  racer *rc = arg;
  if (point == ILHEAP__RACE_WAIT)
    atomic_fetch_add(&rc->waited, 1);
  else if (point == rc->point)
    start_racer(rc);
}

static void *race_com(void *arg) {
  racer *rc = arg;
  IMethodMalloc *m = ilheap_method_malloc(rc->h);
  rc->seen = m;
  rc->word0 = m != NULL ? (const void *)m->lpVtbl : NULL;
  rc->refs = m != NULL ? ilheap_method_malloc_refcount(m) : 0;
  atomic_store(&rc->finished, 1);
  return NULL;
}

static void *race_cxx(void *arg) {
  racer *rc = arg;
  void *obj = ilheap_method_malloc_cxx(rc->h, construct_like_cxx);
  rc->seen = obj;
  if (obj != NULL)
    memcpy(&rc->word0, obj, sizeof rc->word0);
  atomic_store(&rc->finished, 1);
  return NULL;
}

static void construct_racing(void *storage, ilheap *heap) {
  start_racer(current_racer); /* the object is being built now */
  construct_like_cxx(storage, heap);
}

static void *race_once(void *arg) {
  racer *rc = arg;
  const ilheap_provider *p = ilheap_os_provider();
  rc->seen = (void *)(uintptr_t)p;
  rc->page = p != NULL ? p->page_size : 0;
  rc->word0 = p != NULL && p->walk_free != NULL ? (const void *)p : NULL;
  atomic_store(&rc->finished, 1);
  return NULL;
}

static void *race_registry(void *arg) {
  racer *rc = arg;
  ilheap *h = NULL;
  rc->err = ilheap_registry_get(rc->reg, rc->id, (const void *)rc->base, &h);
  rc->seen = h;
  atomic_store(&rc->finished, 1);
  return NULL;
}

/* 0 when the other thread never ran (no thread could be made). */
static int end_race(racer *rc, const char *what, int must_wait) {
  /* Joined before the hook goes: the other thread may still be yielding
   * through it on its way out. */
  if (rc->created)
    pthread_join(rc->t, NULL);
  ilheap__set_race_hook(NULL, NULL);
  current_racer = NULL;
  if (!rc->created)
    return 0;
  if (must_wait)
    FUZZ_CHECK(atomic_load(&rc->waited) >= WAITS_SEEN,
               "%s: the other thread did not wait for the first use", what);
  return 1;
}

/* The provider's first use, raced (before any fault is armed). */
static void race_first_provider(void) {
  static racer rc;
  memset(&rc, 0, sizeof rc);
  rc.body = race_once;
  rc.point = ILHEAP__RACE_ONCE;
  ilheap__set_race_hook(race_hook, &rc);
  const ilheap_provider *p = ilheap_os_provider();
  if (end_race(&rc, "ilheap_os_provider", 1))
    FUZZ_CHECK(rc.seen == (const void *)p && p != NULL && rc.page == p->page_size &&
                   rc.page != 0 && rc.word0 == (const void *)p,
               "a thread that waited for the provider's first use saw it half made");
}

/* A module's heap created by another thread between a registry_get's two
 * locks: both calls answer that one heap. */
static void race_registry_get(state *st, fuzz_input *in) {
  static racer rc;
  ilheap_options o;
  ilheap_registry *reg = NULL;
  ilheap_options_init(&o);
  o.provider = provider(st);
  if (ilheap_registry_create(&o, &reg) != ILHEAP_OK)
    return;
  memset(&rc, 0, sizeof rc);
  rc.reg = reg;
  rc.id = (uintptr_t)fuzz_range(in, 0, 255) << 12;
  rc.base = pick_base(st, in);
  rc.body = race_registry;
  rc.point = ILHEAP__RACE_REGISTRY;
  current_racer = &rc;
  ilheap__set_race_hook(race_hook, &rc);
  ilheap *h = NULL;
  int err = ilheap_registry_get(reg, rc.id, (const void *)rc.base, &h);
  if (end_race(&rc, "registry_get", 0)) {
    FUZZ_CHECK(err == rc.err && (err != ILHEAP_OK || (h != NULL && h == rc.seen)),
               "registry_get raced by another thread for one module: answers %d and %d, heaps "
               "%p and %p",
               err, rc.err, (void *)h, rc.seen);
    FUZZ_CHECK(ilheap_registry_count(reg) == (err == ILHEAP_OK ? 1u : 0u),
               "one module, raced: the registry counts %zu", ilheap_registry_count(reg));
  }
  ilheap_registry_destroy(reg);
}

/* First uses that another thread races, made to happen at the worst moment
 * (faults disarmed: the race is the point). */
static void op_race(state *st, fuzz_input *in) {
  static racer rc;
  ilheap_options o;
  ilheap *h = NULL;
  disarm();
  unsigned what = fuzz_pick(in, 3);
  if (what == 2) {
    race_registry_get(st, in);
    return;
  }
  ilheap_options_init(&o);
  o.provider = provider(st);
  if (ilheap_create((const void *)pick_base(st, in), &o, &h) != ILHEAP_OK)
    return;
  memset(&rc, 0, sizeof rc);
  rc.h = h;
  current_racer = &rc;
  if (what == 0) { /* the COM object */
    rc.body = race_com;
    rc.point = ILHEAP__RACE_COM;
    ilheap__set_race_hook(race_hook, &rc);
    IMethodMalloc *m = ilheap_method_malloc(h);
    if (end_race(&rc, "the COM object", 1))
      FUZZ_CHECK(m != NULL && rc.seen == (void *)m && rc.word0 == (const void *)m->lpVtbl &&
                     rc.word0 != NULL && rc.refs >= 1,
                 "a thread that waited for the COM object's first use saw it half made");
  } else { /* the C++ object */
    rc.body = race_cxx;
    rc.point = -1; /* started by the constructor itself */
    ilheap__set_race_hook(race_hook, &rc);
    void *obj = ilheap_method_malloc_cxx(h, construct_racing);
    if (end_race(&rc, "the C++ object", 1))
      FUZZ_CHECK(obj != NULL && rc.seen == obj && rc.word0 == (const void *)&fake_vtables[0],
                 "a thread that waited for the C++ object's construction saw it half made");
  }
  ilheap_destroy(h);
}

static void teardown(state *st) {
  disarm();
  verify_blocks(st, MAX_HEAPS, "at the end");
  for (unsigned i = 0; i < MAX_HEAPS; i++)
    if (st->heaps[i].h != NULL) {
      check_stats(st, i);
      ilheap_destroy(st->heaps[i].h);
    }
  ilheap_registry_destroy(st->reg);
  if (st->sim != NULL) {
    ilheap_sim_stats ss;
    memset(&ss, 0, sizeof ss);
    FUZZ_CHECK(ilheap_sim_get_stats(st->sim, &ss) == 0, "sim stats");
    FUZZ_CHECK(ss.reserved_bytes == 0, "contract 7: %llu bytes still reserved after every destroy",
               (unsigned long long)ss.reserved_bytes);
    ilheap_sim_destroy(st->sim);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static state st;
  static int settled;
  fuzz_input in = fuzz_input_make(data, size);
  if (!settled) {
    /* One-time state of the OS provider (its page size, the walk method) is
     * settled before any fault is armed, so that every input starts alike. */
    uint64_t ignore = 0;
    race_first_provider(); /* before anything else uses the provider */
    const ilheap_provider *os = ilheap_os_provider();
    if (os != NULL)
      (void)os->walk_free(os->ctx, 0x10000, 0x20000, count_range, &ignore);
    settled = 1;
  }
  disarm();
  /* Any failed PROCMAP_QUERY (an injected one included) sends the provider to
   * the text for good: each input starts from the same method again. */
  ilheap__procmap_reset();
  memset(&st, 0, sizeof st);
  if (fuzz_bool(&in)) {
    /* The simulated space is made with faults armed too: its own failures
     * must come back as errors. */
    arm(&in);
    uint64_t before = ilheap__faults_fired();
    int err = ilheap_sim_create(SIM_SIZE, 0, &st.sim);
    if (ilheap__faults_fired() != before)
      FUZZ_CHECK(err == ILHEAP_ENOMEM, "an allocation failed in sim_create, answer %d", err);
    if (err != ILHEAP_OK) {
      FUZZ_CHECK(st.sim == NULL, "sim_create failed but set *out");
      disarm();
      return 0;
    }
  }
  arm(&in);
  for (unsigned n = 0; n < MAX_OPS && fuzz_remaining(&in) > 0; n++) {
    switch (fuzz_pick(&in, 11)) {
    case 0: op_create(&st, &in); break;
    case 1:
    case 2: op_alloc(&st, &in); break;
    case 3: op_destroy(&st, &in); break;
    case 4: op_walk(&st, &in); break;
    case 5: op_registry(&st, &in); break;
    case 6: arm(&in); break;
    case 7: op_com(&st, &in); break;
    case 8: op_provider(&st, &in); break;
    case 9: op_other_thread(&st, &in); break;
    default:
      switch (fuzz_pick(&in, 4)) {
      case 0: check_no_leak(&st, "after an operation"); break;
      case 1: op_zone(&st, &in); break;
      case 2: op_maps_text(&st, &in); break;
      default: op_race(&st, &in); break;
      }
      break;
    }
    if (n % 4 == 3)
      check_no_leak(&st, "every fourth operation");
  }
  check_no_leak(&st, "at the end");
  teardown(&st);
  /* An interrupted PROCMAP_QUERY is asked again (EINTR is injected like any
   * other errno): it never makes the provider give up the ioctl. */
  int why = 0;
  FUZZ_CHECK(ilheap__procmap_fallbacks(&why) == 0 || why != EINTR,
             "an interrupted PROCMAP_QUERY sent the walks to the text for good");
  return 0;
}
