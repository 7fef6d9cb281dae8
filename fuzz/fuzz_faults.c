/* SPDX-License-Identifier: MIT */
/*
 * fuzz_faults: failure injection, the way libxml2's fuzzers do it. The input
 * chooses which of the library's resource allocations fails (malloc, calloc,
 * realloc, the platform layer's aligned allocation, mutex and rwlock
 * initialization) and which system call of the providers answers what (EINTR,
 * ENOMEM, EEXIST, EACCES, EAGAIN, or an mmap that lands somewhere else, as on
 * kernels before 4.17), through the seams of an ILHEAP_SEAMS build (src/seams.h),
 * then drives heaps, a registry and the COM adapter on the simulated or the
 * real Linux provider. The faults are re-armed during the run, so they land in
 * every phase (create, first allocation, growth in place, new chunks, walks).
 * This file is the driver and the heaps' job; the other jobs have a file each
 * (fuzz/faults.h lists them).
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
#include "faults.h"

static const int os_errors[] = {EINTR, ENOMEM, EEXIST, EACCES, EAGAIN, ILHEAP__ELSEWHERE};
#define N_OS_ERRORS (sizeof os_errors / sizeof os_errors[0])

void faults_arm(fuzz_input *in) {
  ilheap__fault_alloc(fuzz_range(in, 0, 24));
  uint64_t n = fuzz_range(in, 0, 64);
  ilheap__fault_os(n, os_errors[fuzz_pick(in, (unsigned)N_OS_ERRORS)]);
}

void faults_disarm(void) {
  ilheap__fault_alloc(0);
  ilheap__fault_os(0, 0);
}

int faults_documented(int err) {
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

const ilheap_provider *faults_provider(state *st) {
  return st->sim != NULL ? ilheap_sim_provider(st->sim) : ilheap_os_provider();
}


uintptr_t faults_pick_base(state *st, fuzz_input *in) {
  if (st->sim != NULL)
    return ilheap_sim_base(st->sim) + (uintptr_t)fuzz_range(in, 0, SIM_SIZE / 2);
  return (uintptr_t)&faults_pick_base & ~(uintptr_t)0xFFFF;
}

int faults_count_range(void *arg, uintptr_t lo, uintptr_t hi) {
  *(uint64_t *)arg += hi - lo;
  return 0;
}

/* The simulated space holds exactly what the live heaps reserved. */
void faults_check_no_leak(state *st, const char *when) {
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
  o.provider = faults_provider(st);
  o.alignment = 4u << fuzz_range(in, 0, 10);
  o.max_offset = fuzz_bool(in) ? ILHEAP_DEFAULT_MAX_OFFSET : (uint32_t)fuzz_range(in, 1, 64 << 20);
  o.use_guard_pages = fuzz_bool(in);
  o.budget = fuzz_bool(in) ? ILHEAP_UNLIMITED : (size_t)fuzz_range(in, 0, 8 << 20);
  uintptr_t base = faults_pick_base(st, in);
  ilheap *h = (ilheap *)(uintptr_t)1;
  uint64_t before = ilheap__faults_fired();
  int err = ilheap_create((const void *)base, &o, &h);
  FUZZ_CHECK(faults_documented(err), "ilheap_create answered %d", err);
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
  faults_disarm();
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
  int err = ilheap_walk_reserved(st->heaps[i].h, faults_count_range, &bytes);
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
    o.provider = faults_provider(st);
    ilheap_registry *r = (ilheap_registry *)(uintptr_t)1;
    int err = ilheap_registry_create(&o, &r);
    FUZZ_CHECK(faults_documented(err), "registry_create answered %d", err);
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
    uintptr_t base = faults_pick_base(st, in);
    ilheap *known = ilheap_registry_find(st->reg, id);
    size_t count = ilheap_registry_count(st->reg);
    ilheap *h = (ilheap *)(uintptr_t)1;
    before = ilheap__faults_fired();
    int err = ilheap_registry_get(st->reg, id, (const void *)base, &h);
    FUZZ_CHECK(faults_documented(err), "registry_get answered %d", err);
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
    faults_disarm(); /* drop destroys the heap: nothing to report there */
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

static void teardown(state *st) {
  faults_disarm();
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
    const ilheap_provider *os = ilheap_os_provider();
    if (os != NULL)
      (void)os->walk_free(os->ctx, 0x10000, 0x20000, faults_count_range, &ignore);
    settled = 1;
  }
  faults_disarm();
  /* Any failed PROCMAP_QUERY (an injected one included) sends the provider to
   * the text for good: each input starts from the same method again. */
  ilheap__procmap_reset();
  memset(&st, 0, sizeof st);
  if (fuzz_bool(&in)) {
    /* The simulated space is made with faults armed too: its own failures
     * must come back as errors. */
    faults_arm(&in);
    uint64_t before = ilheap__faults_fired();
    int err = ilheap_sim_create(SIM_SIZE, 0, &st.sim);
    if (ilheap__faults_fired() != before)
      FUZZ_CHECK(err == ILHEAP_ENOMEM, "an allocation failed in sim_create, answer %d", err);
    if (err != ILHEAP_OK) {
      FUZZ_CHECK(st.sim == NULL, "sim_create failed but set *out");
      faults_disarm();
      return 0;
    }
  }
  faults_arm(&in);
  for (unsigned n = 0; n < MAX_OPS && fuzz_remaining(&in) > 0; n++) {
    switch ((faults_op)fuzz_pick(&in, F_OP_COUNT)) {
    case F_CREATE: op_create(&st, &in); break;
    case F_ALLOC:
    case F_ALLOC_2: op_alloc(&st, &in); break;
    case F_DESTROY: op_destroy(&st, &in); break;
    case F_WALK: op_walk(&st, &in); break;
    case F_REGISTRY: op_registry(&st, &in); break;
    case F_ARM: faults_arm(&in); break;
    case F_COM: op_com(&st, &in); break;
    case F_PROVIDER: faults_op_provider(&st, &in); break;
    case F_ROBBED: op_other_thread(&st, &in); break;
    default:
      switch ((faults_more)fuzz_pick(&in, F_MORE_COUNT)) {
      case F_ZONE: faults_op_zone(&st, &in); break;
      case F_MAPS_TEXT: faults_op_maps_text(&st, &in); break;
      default: faults_check_no_leak(&st, "after an operation"); break; /* F_LEAKS, F_RETIRED */
      }
      break;
    }
    if (n % 4 == 3)
      faults_check_no_leak(&st, "every fourth operation");
  }
  faults_check_no_leak(&st, "at the end");
  teardown(&st);
  /* An interrupted PROCMAP_QUERY is asked again (EINTR is injected like any
   * other errno): it never makes the provider give up the ioctl. */
  int why = 0;
  FUZZ_CHECK(ilheap__procmap_fallbacks(&why) == 0 || why != EINTR,
             "an interrupted PROCMAP_QUERY sent the walks to the text for good");
  return 0;
}
