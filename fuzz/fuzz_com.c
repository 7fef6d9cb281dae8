/* SPDX-License-Identifier: MIT */
/*
 * fuzz_com: the COM adapter (IMethodMalloc) and the module registry, against a
 * model.
 *
 * The input decodes into a registry (its heap template: window, alignment,
 * budget, guard pages, on a simulated space) and up to MAX_OPS operations:
 *  - registry get / find / drop / count / method_malloc with module ids that
 *    collide on purpose (ids differing only in high bits, small ids, 0) and
 *    bases that match or do not match the id's first base; the model is a plain
 *    list of (id, base, heap), so every answer of the hash table (growth,
 *    backward-shift deletion) is checked against it;
 *  - QueryInterface with IIDs that are exact, one byte off from IID_IUnknown or
 *    IID_IMethodMalloc, or anything; NULL riid, NULL ppv, NULL This;
 *  - AddRef / Release sequences, including Release without AddRef and more
 *    Releases than AddRefs (what real profilers do), against a model count;
 *  - Alloc through the vtable, every block checked against contract 1-5 and its
 *    tag pattern verified before its module is dropped;
 *  - the helpers (ilheap_method_malloc identity, ilheap_method_malloc_heap and
 *    _refcount on ilheap's and on foreign COM objects, ilheap_guid_equal);
 *  - concurrent first use: 2-4 threads released together ask the registry for
 *    the same module, take its IMethodMalloc, AddRef and Release it in pairs
 *    and allocate: exactly one heap and one object, a balanced count.
 * At the end the registry is destroyed and the simulated space must hold
 * nothing (contract 7).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ilheap.h"
#include "ilheap_com.h"
#include "ilheap_registry.h"
#include "ilheap_sim.h"
#include "com_format.h"
#include "provider.h"

#define MAX_OPS 256
#define MAX_MODULES 160
#define MAX_BLOCKS 1024
#define SIM_PAGES 1024

typedef struct module {
  uintptr_t id, base;
  ilheap *heap;
  uint32_t refs; /* the model's reference count of its IMethodMalloc */
} module;

typedef struct cblock {
  uintptr_t p;
  uint32_t cb, tag;
  ilheap *heap;
} cblock;

static module mods[MAX_MODULES];
static size_t nmods;
static cblock blocks[MAX_BLOCKS];
static size_t nblocks;
static uint32_t next_tag;

static module *find_mod(uintptr_t id) {
  for (size_t i = 0; i < nmods; i++)
    if (mods[i].id == id)
      return &mods[i];
  return NULL;
}

/* Module ids that collide in a hash table on purpose: pointer-like ids that
 * differ in one or two bits, tiny ids, 0, the largest, or anything. */
static uintptr_t decode_id(fuzz_input *in) {
  switch (fuzz_pick(in, 5)) {
  case 0: return (uintptr_t)fuzz_range(in, 0, 7);
  case 1: return (uintptr_t)0x7f0000001000u + ((uintptr_t)fuzz_range(in, 0, 63) << 12);
  case 2: return (uintptr_t)1 << fuzz_range(in, 0, 63);
  case 3: return UINTPTR_MAX - (uintptr_t)fuzz_range(in, 0, 3);
  default: return (uintptr_t)fuzz_u64(in);
  }
}

static uintptr_t decode_base(fuzz_input *in, uintptr_t sbase, size_t page) {
  switch (fuzz_pick(in, 4)) {
  case 0: return sbase - 1 + (uintptr_t)fuzz_range(in, 0, SIM_PAGES) * page;
  case 1: return sbase + (uintptr_t)fuzz_range(in, 0, (uint64_t)SIM_PAGES * page);
  case 2: return (uintptr_t)fuzz_u64(in);
  default: return sbase - 1;
  }
}

/* An IID: one of the two real ones, the same with one byte changed, or any. */
static IID decode_iid(fuzz_input *in, int *expect_ok) {
  IID iid;
  unsigned char raw[16];
  const IID *real = fuzz_bool(in) ? &IID_IMethodMalloc : &IID_IUnknown;
  switch (fuzz_pick(in, 3)) {
  case 0:
    iid = *real;
    *expect_ok = 1;
    return iid;
  case 1: {
    memcpy(raw, real, sizeof raw);
    unsigned at = fuzz_pick(in, 16);
    unsigned char flip = (unsigned char)fuzz_range(in, 1, 255);
    raw[at] ^= flip;
    memcpy(&iid, raw, sizeof iid);
    break;
  }
  default:
    for (int i = 0; i < 16; i++)
      raw[i] = fuzz_u8(in);
    memcpy(&iid, raw, sizeof iid);
    break;
  }
  /* GUIDs have no padding: equal means the same 16 bytes. */
  *expect_ok = memcmp(&iid, &IID_IUnknown, sizeof iid) == 0 ||
               memcmp(&iid, &IID_IMethodMalloc, sizeof iid) == 0;
  return iid;
}

/* A COM object that is not ilheap's: its vtable is someone else's. */
static HRESULT STDMETHODCALLTYPE foreign_qi(IMethodMalloc *This, REFIID riid, void **ppv) {
  (void)This;
  (void)riid;
  if (ppv)
    *ppv = NULL;
  return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE foreign_ref(IMethodMalloc *This) {
  (void)This;
  return 1;
}
static PVOID STDMETHODCALLTYPE foreign_alloc(IMethodMalloc *This, ULONG cb) {
  (void)This;
  (void)cb;
  return NULL;
}
static const IMethodMallocVtbl foreign_vtbl = {foreign_qi, foreign_ref, foreign_ref, foreign_alloc};

static void check_refs(module *md) {
  IMethodMalloc *m = ilheap_method_malloc(md->heap);
  FUZZ_CHECK(ilheap_method_malloc_refcount(m) == md->refs, "refcount %u, model %u",
             (unsigned)ilheap_method_malloc_refcount(m), (unsigned)md->refs);
}

static void com_alloc(module *md, uint32_t cb) {
  IMethodMalloc *m = ilheap_method_malloc(md->heap);
  void *p = m->lpVtbl->Alloc(m, cb);
  if (cb == 0) {
    FUZZ_CHECK(p == NULL, "contract 5: Alloc(0) returned %p", p);
    return;
  }
  if (p == NULL)
    return; /* exhaustion is legitimate here: fuzz_model owns that question */
  FUZZ_OK(sup_check_window(md->base, ilheap_max_offset(md->heap), ilheap_alignment(md->heap), p, cb,
                           why));
  uintptr_t a = (uintptr_t)p;
  for (size_t i = 0; i < nblocks; i++)
    FUZZ_CHECK(a + cb <= blocks[i].p || blocks[i].p + blocks[i].cb <= a,
               "contract 3: Alloc block %#lx+%u overlaps %#lx+%u", (unsigned long)a, (unsigned)cb,
               (unsigned long)blocks[i].p, (unsigned)blocks[i].cb);
  FUZZ_OK(sup_check_zero(p, cb, why));
  uint32_t tag = ++next_tag;
  sup_fill(p, cb, tag);
  if (nblocks < MAX_BLOCKS) {
    blocks[nblocks].p = a;
    blocks[nblocks].cb = cb;
    blocks[nblocks].tag = tag;
    blocks[nblocks].heap = md->heap;
    nblocks++;
  }
}

static void verify_all(const char *when) {
  for (size_t i = 0; i < nblocks; i++)
    fuzz_check_fill((const void *)blocks[i].p, blocks[i].cb, blocks[i].tag, when);
}

static void forget_blocks(ilheap *heap) {
  size_t k = 0;
  for (size_t i = 0; i < nblocks; i++)
    if (blocks[i].heap != heap)
      blocks[k++] = blocks[i];
  nblocks = k;
}

/* ---- concurrent first use --------------------------------------------------------- */

typedef struct racer {
  ilheap_registry *reg;
  uintptr_t id, base;
  unsigned pairs;
  pthread_barrier_t *start;
  int err;
  ilheap *heap;
  IMethodMalloc *m;
  void *block;
} racer;

static void *race_get(void *arg) {
  racer *r = arg;
  pthread_barrier_wait(r->start);
  r->err = ilheap_registry_get(r->reg, r->id, (const void *)r->base, &r->heap);
  if (r->err != ILHEAP_OK)
    return NULL;
  r->m = ilheap_method_malloc(r->heap);
  for (unsigned i = 0; i < r->pairs; i++)
    r->m->lpVtbl->AddRef(r->m);
  r->block = r->m->lpVtbl->Alloc(r->m, 24);
  for (unsigned i = 0; i < r->pairs; i++)
    r->m->lpVtbl->Release(r->m);
  return NULL;
}

static void race(ilheap_registry *reg, uintptr_t id, uintptr_t base, fuzz_input *in) {
  racer r[4] = {0};
  pthread_t tid[4];
  pthread_barrier_t start;
  unsigned n = (unsigned)fuzz_range(in, 2, 4);
  module *known = find_mod(id);
  if (known == NULL && nmods == MAX_MODULES)
    return;
  FUZZ_CHECK(pthread_barrier_init(&start, NULL, n) == 0, "barrier");
  for (unsigned i = 0; i < n; i++) {
    memset(&r[i], 0, sizeof r[i]);
    r[i].reg = reg;
    r[i].id = id;
    r[i].base = base;
    r[i].pairs = (unsigned)fuzz_range(in, 0, 8);
    r[i].start = &start;
    FUZZ_CHECK(pthread_create(&tid[i], NULL, race_get, &r[i]) == 0, "pthread_create");
  }
  for (unsigned i = 0; i < n; i++)
    pthread_join(tid[i], NULL);
  pthread_barrier_destroy(&start);
  if (known != NULL && known->base != base) {
    for (unsigned i = 0; i < n; i++)
      FUZZ_CHECK(r[i].err == ILHEAP_EEXIST && r[i].heap == NULL, "concurrent get(stale base)");
    return;
  }
  for (unsigned i = 0; i < n; i++) {
    FUZZ_CHECK(r[i].err == ILHEAP_OK, "concurrent get: %d", r[i].err);
    FUZZ_CHECK(r[i].heap == r[0].heap && r[i].m == r[0].m,
               "concurrent first use made two heaps or two objects for one module");
  }
  if (known == NULL) {
    for (size_t i = 0; i < nmods; i++)
      FUZZ_CHECK(mods[i].heap != r[0].heap, "a new module got another module's heap");
    known = &mods[nmods++];
    known->id = id;
    known->base = base;
    known->heap = r[0].heap;
    known->refs = 1;
  } else {
    FUZZ_CHECK(r[0].heap == known->heap, "concurrent get of a known module gave another heap");
  }
  /* AddRefs and Releases came in pairs: the count is as before (unless it sat
   * at 1 and a Release ran before its thread's AddRef: impossible, each thread
   * AddRefs first). */
  FUZZ_CHECK(ilheap_method_malloc_refcount(r[0].m) == known->refs,
             "refcount %u after balanced concurrent AddRef/Release, model %u",
             (unsigned)ilheap_method_malloc_refcount(r[0].m), (unsigned)known->refs);
  for (unsigned i = 0; i < n; i++) {
    if (r[i].block == NULL)
      continue;
    for (unsigned k = 0; k < i; k++)
      FUZZ_CHECK(r[k].block != r[i].block, "two threads got the same block");
    FUZZ_OK(sup_check_window(known->base, ilheap_max_offset(known->heap),
                             ilheap_alignment(known->heap), r[i].block, 24, why));
  }
}

static void check_sim_holds_heaps(ilheap_sim *sim) {
  uint64_t sum = 0;
  for (size_t i = 0; i < nmods; i++) {
    ilheap_stats s;
    s.size = (uint32_t)sizeof s;
    FUZZ_CHECK(ilheap_get_stats(mods[i].heap, &s) == ILHEAP_OK, "get_stats");
    sum += s.bytes_reserved;
  }
  ilheap_sim_stats ss;
  ilheap_sim_get_stats(sim, &ss);
  FUZZ_CHECK(ss.reserved_bytes == sum, "contract 7: the sim holds %llu bytes, the heaps %llu",
             (unsigned long long)ss.reserved_bytes, (unsigned long long)sum);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_input in = fuzz_input_make(data, size);
  ilheap_sim *sim;
  size_t page = fuzz_host_page();
  if (ilheap_sim_create((size_t)SIM_PAGES * page, page, &sim) != ILHEAP_OK)
    return 0;
  uintptr_t sbase = ilheap_sim_base(sim);
  nmods = 0;
  nblocks = 0;

  ilheap_options o;
  ilheap_options_init(&o);
  o.provider = ilheap_sim_provider(sim);
  o.alignment = 4u << fuzz_range(&in, 0, 10);
  o.max_offset = fuzz_bool(&in) ? ILHEAP_DEFAULT_MAX_OFFSET
                                : (uint32_t)(fuzz_range(&in, 1, 2 * (uint64_t)SIM_PAGES) * page);
  o.use_guard_pages = (uint32_t)fuzz_range(&in, 0, 1);
  o.budget = fuzz_bool(&in) ? ILHEAP_UNLIMITED : (size_t)fuzz_range(&in, 0, 64) * page;

  /* A bad template fails at create, never at the first get. */
  ilheap_registry *reg = (ilheap_registry *)(uintptr_t)1;
  switch (fuzz_pick(&in, 8)) {
  case 0: {
    ilheap_options bad = o;
    bad.alignment = 3;
    FUZZ_CHECK(ilheap_registry_create(&bad, &reg) == ILHEAP_EINVAL && reg == NULL,
               "registry_create(bad alignment)");
    break;
  }
  case 1: {
    ilheap_options bad = o;
    /* Smaller than the first published struct (version 1 ended before
     * window_policy): refused. A version-1 struct is accepted. */
    bad.size = (uint32_t)fuzz_range(&in, 0, offsetof(ilheap_options, window_policy) - 1);
    FUZZ_CHECK(ilheap_registry_create(&bad, &reg) == ILHEAP_EVERSION && reg == NULL,
               "registry_create(small size)");
    bad.size = (uint32_t)offsetof(ilheap_options, window_policy);
    FUZZ_CHECK(ilheap_registry_create(&bad, &reg) == ILHEAP_OK && reg != NULL,
               "registry_create(version-1 size)");
    ilheap_registry_destroy(reg);
    reg = NULL;
    break;
  }
  case 2:
    FUZZ_CHECK(ilheap_registry_create(&o, NULL) == ILHEAP_EINVAL, "registry_create(out NULL)");
    break;
  default: break;
  }
  FUZZ_CHECK(ilheap_registry_create(&o, &reg) == ILHEAP_OK && reg != NULL, "registry_create");

  for (int op = 0; op < MAX_OPS && fuzz_remaining(&in) > 0; op++) {
    module *md = nmods > 0 ? &mods[fuzz_pick(&in, (unsigned)nmods)] : NULL;
    switch ((com_op)fuzz_pick(&in, C_OPS)) {
    case C_GET:
    case C_GET_2: { /* get: a new module, the same one again, or a stale base */
      uintptr_t id, base;
      if (md != NULL && fuzz_pick(&in, 3) == 0) {
        id = md->id;
        base = fuzz_bool(&in) ? md->base : decode_base(&in, sbase, page);
      } else {
        id = decode_id(&in);
        base = decode_base(&in, sbase, page);
      }
      module *known = find_mod(id);
      if (known == NULL && nmods == MAX_MODULES)
        break;
      ilheap *heap = (ilheap *)(uintptr_t)1;
      int err = ilheap_registry_get(reg, id, (const void *)base, &heap);
      if (known != NULL && known->base != base) {
        FUZZ_CHECK(err == ILHEAP_EEXIST && heap == NULL, "get(stale base): %d, %p", err,
                   (void *)heap);
      } else if (known != NULL) {
        FUZZ_CHECK(err == ILHEAP_OK && heap == known->heap, "get(known id) gave another heap");
      } else {
        FUZZ_CHECK(err == ILHEAP_OK && heap != NULL, "get(new id): %d", err);
        for (size_t i = 0; i < nmods; i++)
          FUZZ_CHECK(mods[i].heap != heap, "get(new id) returned another module's heap");
        FUZZ_CHECK(ilheap_module_base(heap) == base && ilheap_alignment(heap) == o.alignment &&
                       ilheap_max_offset(heap) == o.max_offset,
                   "the new heap does not follow the template");
        mods[nmods].id = id;
        mods[nmods].base = base;
        mods[nmods].heap = heap;
        mods[nmods].refs = 1;
        nmods++;
      }
      break;
    }
    case C_FIND: { /* find: known or unknown */
      uintptr_t id = md != NULL && fuzz_bool(&in) ? md->id : decode_id(&in);
      module *known = find_mod(id);
      FUZZ_CHECK(ilheap_registry_find(reg, id) == (known ? known->heap : NULL), "find(%#lx)",
                 (unsigned long)id);
      break;
    }
    case C_DROP: { /* drop: the module unloads (or an unknown id) */
      uintptr_t id = md != NULL && fuzz_pick(&in, 4) != 0 ? md->id : decode_id(&in);
      module *known = find_mod(id);
      if (known != NULL)
        verify_all("before drop");
      int err = ilheap_registry_drop(reg, id);
      FUZZ_CHECK(err == (known ? ILHEAP_OK : ILHEAP_ENOTFOUND), "drop(%#lx): %d", (unsigned long)id,
                 err);
      if (known != NULL) {
        forget_blocks(known->heap);
        *known = mods[--nmods];
        check_sim_holds_heaps(sim);
      }
      FUZZ_CHECK(ilheap_registry_find(reg, id) == NULL, "find after drop");
      break;
    }
    case C_QUERY: { /* QueryInterface */
      if (md == NULL)
        break;
      IMethodMalloc *m = ilheap_method_malloc(md->heap);
      int expect_ok = 0;
      IID iid = decode_iid(&in, &expect_ok);
      void *out = (void *)(uintptr_t)1;
      switch (fuzz_pick(&in, 6)) {
      case 0:
        FUZZ_CHECK(m->lpVtbl->QueryInterface(m, &iid, NULL) == E_POINTER, "QI(ppv NULL)");
        break;
      case 1:
        FUZZ_CHECK(m->lpVtbl->QueryInterface(m, NULL, &out) == E_NOINTERFACE && out == NULL,
                   "QI(riid NULL)");
        break;
      case 2:
        FUZZ_CHECK(m->lpVtbl->QueryInterface(NULL, &iid, &out) == E_POINTER && out == NULL,
                   "QI(This NULL)");
        break;
      default: {
        HRESULT hr = m->lpVtbl->QueryInterface(m, &iid, &out);
        if (expect_ok) {
          FUZZ_CHECK(hr == S_OK && out == (void *)m, "QI(real IID): %#x, %p", (unsigned)hr, out);
          if (md->refs != 0xFFFFFFFFu)
            md->refs++;
        } else {
          FUZZ_CHECK(hr == E_NOINTERFACE && out == NULL, "QI(other IID): %#x, %p", (unsigned)hr,
                     out);
        }
        break;
      }
      }
      check_refs(md);
      break;
    }
    case C_REFS: { /* AddRef / Release runs, misuse included */
      if (md == NULL)
        break;
      IMethodMalloc *m = ilheap_method_malloc(md->heap);
      unsigned n = (unsigned)fuzz_range(&in, 1, 16);
      int add = fuzz_bool(&in);
      for (unsigned i = 0; i < n; i++) {
        ULONG r;
        if (add) {
          r = m->lpVtbl->AddRef(m);
          if (md->refs != 0xFFFFFFFFu)
            md->refs++;
        } else {
          r = m->lpVtbl->Release(m);
          if (md->refs > 1)
            md->refs--;
        }
        FUZZ_CHECK(r == md->refs && r >= 1, "%s returned %u, model %u", add ? "AddRef" : "Release",
                   (unsigned)r, (unsigned)md->refs);
      }
      check_refs(md);
      break;
    }
    case C_ALLOC:
    case C_ALLOC_2: { /* Alloc through the vtable */
      if (md == NULL)
        break;
      uint32_t cb;
      switch (fuzz_pick(&in, 4)) {
      case 0: cb = (uint32_t)fuzz_range(&in, 0, 64); break;
      case 1: cb = (uint32_t)fuzz_range(&in, 0, 8192); break;
      case 2: cb = UINT32_MAX - (uint32_t)fuzz_range(&in, 0, 64); break;
      default: cb = (uint32_t)fuzz_range(&in, 0, 1 << 20); break;
      }
      com_alloc(md, cb);
      break;
    }
    case C_REGISTRY_MM: { /* registry_method_malloc: the mock GetILFunctionBodyAllocator */
      uintptr_t id = md != NULL && fuzz_bool(&in) ? md->id : decode_id(&in);
      uintptr_t base =
          md != NULL && md->id == id && fuzz_bool(&in) ? md->base : decode_base(&in, sbase, page);
      module *known = find_mod(id);
      if (known == NULL && nmods == MAX_MODULES)
        break;
      IMethodMalloc *m = ilheap_registry_method_malloc(reg, id, (const void *)base);
      if (known != NULL && known->base != base) {
        FUZZ_CHECK(m == NULL, "registry_method_malloc(stale base) returned an object");
      } else {
        FUZZ_CHECK(m != NULL, "registry_method_malloc returned NULL");
        ilheap *heap = ilheap_method_malloc_heap(m);
        FUZZ_CHECK(heap == ilheap_registry_find(reg, id) && ilheap_method_malloc(heap) == m,
                   "registry_method_malloc: object and heap disagree");
        if (known == NULL) {
          mods[nmods].id = id;
          mods[nmods].base = base;
          mods[nmods].heap = heap;
          mods[nmods].refs = 1;
          nmods++;
        } else {
          check_refs(known);
        }
      }
      break;
    }
    case C_COUNT: /* count */
      FUZZ_CHECK(ilheap_registry_count(reg) == nmods, "count %zu, model %zu",
                 ilheap_registry_count(reg), nmods);
      break;
    case C_HELPERS: { /* helpers on ilheap's objects, foreign objects and NULL */
      IMethodMalloc foreign = {&foreign_vtbl};
      FUZZ_CHECK(ilheap_method_malloc_heap(&foreign) == NULL &&
                     ilheap_method_malloc_refcount(&foreign) == 0,
                 "a foreign COM object was taken for ilheap's");
      FUZZ_CHECK(ilheap_method_malloc(NULL) == NULL && ilheap_method_malloc_heap(NULL) == NULL &&
                     ilheap_method_malloc_refcount(NULL) == 0,
                 "helpers on NULL");
      if (md != NULL) {
        IMethodMalloc *m = ilheap_method_malloc(md->heap);
        FUZZ_CHECK(m == ilheap_method_malloc(md->heap) && ilheap_method_malloc_heap(m) == md->heap,
                   "ilheap_method_malloc is not one object per heap");
        FUZZ_CHECK(m->lpVtbl->AddRef(NULL) == 0 && m->lpVtbl->Release(NULL) == 0 &&
                       m->lpVtbl->Alloc(NULL, 16) == NULL,
                   "vtable methods on a NULL This");
      }
      int ok = 0;
      IID a = decode_iid(&in, &ok), b = decode_iid(&in, &ok);
      FUZZ_CHECK(ilheap_guid_equal(&a, &b) == (memcmp(&a, &b, sizeof a) == 0) &&
                     ilheap_guid_equal(&a, &a) == 1 && ilheap_guid_equal(NULL, &a) == 0 &&
                     ilheap_guid_equal(&a, NULL) == 0,
                 "ilheap_guid_equal");
      break;
    }
    case C_CONCURRENT: { /* concurrent first use (or use) of one module */
      uintptr_t id = md != NULL && fuzz_bool(&in) ? md->id : decode_id(&in);
      uintptr_t base =
          md != NULL && md->id == id && fuzz_bool(&in) ? md->base : decode_base(&in, sbase, page);
      race(reg, id, base, &in);
      break;
    }
    case C_NULLS:
    default: { /* registry calls with NULL arguments */
      ilheap *heap = (ilheap *)(uintptr_t)1;
      FUZZ_CHECK(ilheap_registry_get(NULL, 1, NULL, &heap) == ILHEAP_EINVAL && heap == NULL,
                 "get(NULL reg)");
      FUZZ_CHECK(ilheap_registry_get(reg, 1, NULL, NULL) == ILHEAP_EINVAL, "get(out NULL)");
      FUZZ_CHECK(ilheap_registry_find(NULL, 1) == NULL &&
                     ilheap_registry_drop(NULL, 1) == ILHEAP_EINVAL &&
                     ilheap_registry_count(NULL) == 0 &&
                     ilheap_registry_method_malloc(NULL, 1, NULL) == NULL,
                 "registry calls on NULL");
      ilheap_registry_destroy(NULL);
      break;
    }
    }
  }

  FUZZ_CHECK(ilheap_registry_count(reg) == nmods, "count %zu, model %zu at the end",
             ilheap_registry_count(reg), nmods);
  verify_all("end of input");
  check_sim_holds_heaps(sim);
  ilheap_registry_destroy(reg);
  ilheap_sim_stats ss;
  ilheap_sim_get_stats(sim, &ss);
  FUZZ_CHECK(ss.reserved_bytes == 0, "contract 7: %llu bytes reserved after registry_destroy",
             (unsigned long long)ss.reserved_bytes);
  ilheap_sim_destroy(sim);
  return 0;
}
