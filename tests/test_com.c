/* SPDX-License-Identifier: MIT */
/*
 * The COM adapter from C, through lpVtbl and the COBJMACROS: the ABI facts
 * (GUID layout, IID values, HRESULT values, slot order), the QueryInterface
 * matrix, Alloc's contract (include/ilheap.h clauses 1, 2, 4, 5, 6), the
 * reference-count model of include/ilheap_com.h and its misuse, and the
 * registry shortcut a mock GetILFunctionBodyAllocator uses.
 */
#define COBJMACROS
#include "ilheap_com.h"

#include <criterion/criterion.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ilheap_sim.h"

#define MiB ((size_t)1 << 20)

/* FACTS.md section 4: the IIDs as they lie in memory (little-endian). */
static const unsigned char iid_method_malloc_bytes[16] = {
    0x8B, 0xB2, 0xEF, 0xA0, 0xE2, 0x6E, 0x7B, 0x4D, 0xB9, 0x83, 0xA7, 0x5E, 0xF7, 0xBE, 0xED, 0xB8};
static const unsigned char iid_unknown_bytes[16] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                                    0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};

/* A GUID from its 16 memory bytes, the way a caller builds one from a buffer. */
static GUID guid_from_bytes(const unsigned char b[16]) {
  GUID g;
  g.Data1 = (ULONG)b[0] | (ULONG)b[1] << 8 | (ULONG)b[2] << 16 | (ULONG)b[3] << 24;
  g.Data2 = (unsigned short)(b[4] | b[5] << 8);
  g.Data3 = (unsigned short)(b[6] | b[7] << 8);
  memcpy(g.Data4, b + 8, 8);
  return g;
}

/* A heap on a simulated space, module 1 MiB in: deterministic, and its window
 * can be checked exactly. */
typedef struct fixture {
  ilheap_sim *sim;
  uintptr_t module;
  ilheap *heap;
} fixture;

static fixture make_fixture(uint32_t max_offset, size_t budget) {
  fixture f;
  cr_assert_eq(ilheap_sim_create(64 * MiB, 0, &f.sim), ILHEAP_OK);
  f.module = ilheap_sim_base(f.sim) + MiB;
  cr_assert_eq(ilheap_sim_occupy(f.sim, f.module, (size_t)64 * 1024), ILHEAP_OK);
  ilheap_options o;
  ilheap_options_init(&o);
  o.provider = ilheap_sim_provider(f.sim);
  if (max_offset != 0)
    o.max_offset = max_offset;
  o.budget = budget;
  cr_assert_eq(ilheap_create((const void *)f.module, &o, &f.heap), ILHEAP_OK);
  return f;
}

static void drop_fixture(fixture *f) {
  ilheap_destroy(f->heap);
  ilheap_sim_destroy(f->sim);
}

/* ---- ABI facts ------------------------------------------------------------------ */

Test(com_abi, types_have_the_corprof_sizes) {
  cr_assert_eq(sizeof(GUID), 16u);
  cr_assert_eq(offsetof(GUID, Data2), 4u);
  cr_assert_eq(offsetof(GUID, Data3), 6u);
  cr_assert_eq(offsetof(GUID, Data4), 8u);
  cr_assert_eq(sizeof(ULONG), 4u);
  cr_assert_eq(sizeof(HRESULT), 4u);
  cr_assert((ULONG)-1 > 0, "ULONG is unsigned");
  cr_assert((HRESULT)-1 < 0, "HRESULT is signed");
  cr_assert_eq(sizeof(IMethodMalloc), sizeof(void *));
  cr_assert_eq(offsetof(IMethodMallocVtbl, QueryInterface), 0 * sizeof(void (*)(void)));
  cr_assert_eq(offsetof(IMethodMallocVtbl, AddRef), 1 * sizeof(void (*)(void)));
  cr_assert_eq(offsetof(IMethodMallocVtbl, Release), 2 * sizeof(void (*)(void)));
  cr_assert_eq(offsetof(IMethodMallocVtbl, Alloc), 3 * sizeof(void (*)(void)));
}

Test(com_abi, hresults_have_the_documented_values) {
  cr_assert_eq((uint32_t)S_OK, 0u);
  cr_assert_eq((uint32_t)E_NOINTERFACE, 0x80004002u);
  cr_assert_eq((uint32_t)E_POINTER, 0x80004003u);
  cr_assert_eq((uint32_t)E_FAIL, 0x80004005u);
  cr_assert_eq((uint32_t)E_OUTOFMEMORY, 0x8007000Eu);
  cr_assert_eq((uint32_t)E_INVALIDARG, 0x80070057u);
  cr_assert(SUCCEEDED(S_OK));
  cr_assert_not(FAILED(S_OK));
  static const HRESULT errors[] = {E_NOINTERFACE, E_POINTER, E_FAIL, E_OUTOFMEMORY, E_INVALIDARG};
  for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
    cr_assert_lt(errors[i], 0, "an error HRESULT has the severity bit set");
    cr_assert(FAILED(errors[i]));
    cr_assert_not(SUCCEEDED(errors[i]));
  }
}

Test(com_abi, iids_have_the_real_values) {
  cr_assert_eq(IID_IMethodMalloc.Data1, 0xA0EFB28Bu);
  cr_assert_eq(IID_IMethodMalloc.Data2, 0x6EE2u);
  cr_assert_eq(IID_IMethodMalloc.Data3, 0x4D7Bu);
  GUID m = guid_from_bytes(iid_method_malloc_bytes);
  GUID u = guid_from_bytes(iid_unknown_bytes);
  cr_assert(ilheap_guid_equal(&IID_IMethodMalloc, &m));
  cr_assert(ilheap_guid_equal(&IID_IUnknown, &u));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  cr_assert_eq(memcmp(&IID_IMethodMalloc, iid_method_malloc_bytes, 16), 0);
  cr_assert_eq(memcmp(&IID_IUnknown, iid_unknown_bytes, 16), 0);
#endif
}

Test(com_abi, guid_equal_compares_every_byte_and_rejects_null) {
  GUID a = guid_from_bytes(iid_method_malloc_bytes);
  cr_assert(ilheap_guid_equal(&a, &a));
  cr_assert_not(ilheap_guid_equal(&a, NULL));
  cr_assert_not(ilheap_guid_equal(NULL, &a));
  cr_assert_not(ilheap_guid_equal(NULL, NULL));
  for (int i = 0; i < 16; i++) {
    unsigned char b[16];
    memcpy(b, iid_method_malloc_bytes, 16);
    b[i] ^= 0x01;
    GUID g = guid_from_bytes(b);
    cr_assert_not(ilheap_guid_equal(&a, &g), "byte %d", i);
    cr_assert_not(ilheap_guid_equal(&g, &a), "byte %d", i);
  }
}

/* ---- The object ---------------------------------------------------------------- */

Test(com_object, null_heap_gives_null) { cr_assert_null(ilheap_method_malloc(NULL)); }

Test(com_object, same_object_every_call_and_tied_to_its_heap) {
  fixture f = make_fixture(0, ILHEAP_UNLIMITED);
  IMethodMalloc *m = ilheap_method_malloc(f.heap);
  cr_assert_not_null(m);
  cr_assert_not_null(m->lpVtbl);
  cr_assert_eq(ilheap_method_malloc(f.heap), m);
  cr_assert_eq(ilheap_method_malloc_heap(m), f.heap);
  cr_assert_eq(ilheap_method_malloc_refcount(m), 1u, "handed out without AddRef");

  /* A second heap has its own object. */
  ilheap *other = NULL;
  cr_assert_eq(ilheap_create((const void *)f.module, NULL, &other), ILHEAP_OK);
  IMethodMalloc *m2 = ilheap_method_malloc(other);
  cr_assert_neq(m2, m);
  cr_assert_eq(ilheap_method_malloc_heap(m2), other);
  ilheap_destroy(other);
  drop_fixture(&f);
}

/* A COM object that is not ours: its vtable is some other table. */
static HRESULT STDMETHODCALLTYPE foreign_qi(IMethodMalloc *This, REFIID riid, void **ppv) {
  (void)This;
  (void)riid;
  *ppv = NULL;
  return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE foreign_ref(IMethodMalloc *This) {
  (void)This;
  return 7;
}
static PVOID STDMETHODCALLTYPE foreign_alloc(IMethodMalloc *This, ULONG cb) {
  (void)This;
  (void)cb;
  return NULL;
}

Test(com_object, foreign_objects_are_not_mistaken_for_ours) {
  static const IMethodMallocVtbl vtbl = {foreign_qi, foreign_ref, foreign_ref, foreign_alloc};
  IMethodMalloc foreign = {&vtbl};
  cr_assert_null(ilheap_method_malloc_heap(&foreign));
  cr_assert_eq(ilheap_method_malloc_refcount(&foreign), 0u);
  cr_assert_null(ilheap_method_malloc_heap(NULL));
  cr_assert_eq(ilheap_method_malloc_refcount(NULL), 0u);
}

/* ---- QueryInterface matrix ----------------------------------------------------------- */

#define SENTINEL ((void *)(uintptr_t)0x5A5A5A5Au)

/* Asks m for riid and checks the refusal: E_NOINTERFACE, *ppv cleared, count
 * unchanged. */
static void expect_no_interface(IMethodMalloc *m, const IID *riid, const char *what) {
  ULONG before = ilheap_method_malloc_refcount(m);
  void *p = SENTINEL;
  cr_assert_eq(m->lpVtbl->QueryInterface(m, riid, &p), E_NOINTERFACE, "%s", what);
  cr_assert_null(p, "%s: *ppv must be NULL", what);
  cr_assert_eq(ilheap_method_malloc_refcount(m), before, "%s: no AddRef on failure", what);
}

Test(com_qi, null_out_pointer_is_e_pointer) {
  fixture f = make_fixture(0, ILHEAP_UNLIMITED);
  IMethodMalloc *m = ilheap_method_malloc(f.heap);
  cr_assert_eq(m->lpVtbl->QueryInterface(m, &IID_IMethodMalloc, NULL), E_POINTER);
  cr_assert_eq(m->lpVtbl->QueryInterface(m, &IID_IUnknown, NULL), E_POINTER);
  cr_assert_eq(m->lpVtbl->QueryInterface(m, NULL, NULL), E_POINTER);
  cr_assert_eq(ilheap_method_malloc_refcount(m), 1u);
  drop_fixture(&f);
}

Test(com_qi, iunknown_and_imethodmalloc_succeed_with_addref) {
  fixture f = make_fixture(0, ILHEAP_UNLIMITED);
  IMethodMalloc *m = ilheap_method_malloc(f.heap);

  void *p = SENTINEL;
  cr_assert_eq(m->lpVtbl->QueryInterface(m, &IID_IMethodMalloc, &p), S_OK);
  cr_assert_eq(p, m);
  cr_assert_eq(ilheap_method_malloc_refcount(m), 2u);

  /* COM identity: the IUnknown is the same pointer, and usable as one. */
  IUnknown *unk = NULL;
  cr_assert_eq(IMethodMalloc_QueryInterface(m, &IID_IUnknown, (void **)&unk), S_OK);
  cr_assert_eq((void *)unk, (void *)m);
  cr_assert_eq(ilheap_method_malloc_refcount(m), 3u);
  cr_assert_eq(unk->lpVtbl->Release(unk), 2u);

  /* A GUID equal in value but at another address is the same interface. */
  GUID copy = guid_from_bytes(iid_method_malloc_bytes);
  p = NULL;
  cr_assert_eq(IMethodMalloc_QueryInterface(m, &copy, &p), S_OK);
  cr_assert_eq(p, m);
  cr_assert_eq(IMethodMalloc_Release(m), 2u);
  cr_assert_eq(IMethodMalloc_Release(m), 1u);
  drop_fixture(&f);
}

Test(com_qi, null_and_other_iids_are_refused) {
  fixture f = make_fixture(0, ILHEAP_UNLIMITED);
  IMethodMalloc *m = ilheap_method_malloc(f.heap);
  expect_no_interface(m, NULL, "NULL riid");

  static const IID iclassfactory = {0x00000001u, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};
  static const IID icorprofilerinfo = {
      0x28B5557Du, 0x3F3Fu, 0x48B4u, {0x90, 0xB2, 0x5F, 0x9E, 0xEA, 0x2F, 0x6C, 0x48}};
  static const IID null_iid = {0, 0, 0, {0, 0, 0, 0, 0, 0, 0, 0}};
  expect_no_interface(m, &iclassfactory, "IID_IClassFactory");
  expect_no_interface(m, &icorprofilerinfo, "IID_ICorProfilerInfo");
  expect_no_interface(m, &null_iid, "IID_NULL");

  /* Random IIDs from a fixed seed (xorshift64), reproducible. */
  uint64_t x = 0x9E3779B97F4A7C15u;
  for (int i = 0; i < 1000; i++) {
    unsigned char b[16];
    for (int j = 0; j < 16; j++) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      b[j] = (unsigned char)(x >> 56);
    }
    GUID g = guid_from_bytes(b);
    if (ilheap_guid_equal(&g, &IID_IMethodMalloc) || ilheap_guid_equal(&g, &IID_IUnknown))
      continue;
    expect_no_interface(m, &g, "random IID");
  }
  drop_fixture(&f);
}

/* Every IID one byte away from a supported one (each of the 16 bytes, lowest
 * and highest bit) is refused: the comparison covers the whole GUID. */
Test(com_qi, iids_differing_in_one_byte_are_refused) {
  fixture f = make_fixture(0, ILHEAP_UNLIMITED);
  IMethodMalloc *m = ilheap_method_malloc(f.heap);
  const unsigned char *bases[2] = {iid_method_malloc_bytes, iid_unknown_bytes};
  static const unsigned char flips[2] = {0x01, 0x80};
  for (int k = 0; k < 2; k++) {
    for (int i = 0; i < 16; i++) {
      for (int fl = 0; fl < 2; fl++) {
        unsigned char b[16];
        memcpy(b, bases[k], 16);
        b[i] ^= flips[fl];
        GUID g = guid_from_bytes(b);
        char what[64];
        snprintf(what, sizeof what, "%s byte %d ^ 0x%02x", k ? "IUnknown" : "IMethodMalloc", i,
                 flips[fl]);
        expect_no_interface(m, &g, what);
      }
    }
  }
  cr_assert_eq(ilheap_method_malloc_refcount(m), 1u);
  drop_fixture(&f);
}

/* ---- Alloc ----------------------------------------------------------------------------- */

Test(com_alloc, blocks_follow_the_contract) {
  fixture f = make_fixture(0, ILHEAP_UNLIMITED);
  IMethodMalloc *m = ilheap_method_malloc(f.heap);
  uint32_t align = ilheap_alignment(f.heap);
  uint32_t max = ilheap_max_offset(f.heap);
  cr_assert_null(m->lpVtbl->Alloc(m, 0), "contract 5");

  static const ULONG sizes[] = {1, 2, 3, 12, 63, 64, 100, 4095, 4096, 65537};
  enum { N = sizeof sizes / sizeof sizes[0] };
  unsigned char *blocks[N];
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    unsigned char *p = IMethodMalloc_Alloc(m, sizes[i]);
    cr_assert_not_null(p, "cb %u", (unsigned)sizes[i]);
    uintptr_t a = (uintptr_t)p;
    cr_assert_geq(a - f.module, 1u, "contract 1");
    cr_assert(a > f.module && a + sizes[i] - f.module <= max, "contract 1: inside the window");
    cr_assert_eq(a % align, 0u, "contract 2");
    cr_assert_eq(a % 4u, 0u, "IL fat headers need 4-byte alignment");
    for (ULONG j = 0; j < sizes[i]; j++)
      cr_assert_eq(p[j], 0, "contract 4: zero-filled");
    memset(p, (int)i + 1, sizes[i]);
    blocks[i] = p;
  }
  for (size_t i = 0; i < N; i++) {
    for (size_t j = 0; j < N; j++) {
      if (i != j)
        cr_assert(blocks[i] + sizes[i] <= blocks[j] || blocks[j] + sizes[j] <= blocks[i],
                  "contract 3: blocks %zu and %zu overlap", i, j);
    }
    for (ULONG k = 0; k < sizes[i]; k++)
      cr_assert_eq(blocks[i][k], (unsigned char)(i + 1));
  }
  ilheap_stats st;
  memset(&st, 0, sizeof st);
  st.size = sizeof st;
  cr_assert_eq(ilheap_get_stats(f.heap, &st), ILHEAP_OK);
  cr_assert_eq(st.blocks, sizeof sizes / sizeof sizes[0], "Alloc goes to the heap");
  drop_fixture(&f);
}

Test(com_alloc, exhaustion_returns_null_and_the_heap_stays_usable) {
  /* A 1 MiB window: nothing larger can ever fit. */
  fixture f = make_fixture((uint32_t)MiB, ILHEAP_UNLIMITED);
  IMethodMalloc *m = ilheap_method_malloc(f.heap);
  unsigned char *small = m->lpVtbl->Alloc(m, 16);
  cr_assert_not_null(small);
  memset(small, 0x11, 16);
  cr_assert_null(m->lpVtbl->Alloc(m, (ULONG)(2 * MiB)), "contract 6");
  cr_assert_null(m->lpVtbl->Alloc(m, 0xFFFFFFFFu), "contract 6 and 9");
  unsigned char *again = m->lpVtbl->Alloc(m, 16);
  cr_assert_not_null(again, "contract 6: a later request that fits succeeds");
  for (int i = 0; i < 16; i++)
    cr_assert_eq(small[i], 0x11, "contract 6: earlier blocks untouched");
  drop_fixture(&f);
}

/* ---- Reference count -------------------------------------------------------------------- */

Test(com_refs, addref_and_release_report_the_count) {
  fixture f = make_fixture(0, ILHEAP_UNLIMITED);
  IMethodMalloc *m = ilheap_method_malloc(f.heap);
  cr_assert_eq(m->lpVtbl->AddRef(m), 2u);
  cr_assert_eq(m->lpVtbl->AddRef(m), 3u);
  cr_assert_eq(m->lpVtbl->AddRef(m), 4u);
  cr_assert_eq(ilheap_method_malloc_refcount(m), 4u);
  cr_assert_eq(m->lpVtbl->Release(m), 3u);
  cr_assert_eq(m->lpVtbl->Release(m), 2u);
  cr_assert_eq(m->lpVtbl->Release(m), 1u);
  drop_fixture(&f);
}

/* dd-trace / OpenTelemetry: Release once on a pointer never AddRef'd, and a
 * careless caller releasing many more times: harmless, the count stays at the
 * heap's own reference, never 0, never wrapping, and nothing is freed. */
Test(com_refs, release_without_addref_and_past_zero_are_harmless) {
  fixture f = make_fixture(0, ILHEAP_UNLIMITED);
  IMethodMalloc *m = ilheap_method_malloc(f.heap);
  unsigned char *body = m->lpVtbl->Alloc(m, 256);
  cr_assert_not_null(body);
  memset(body, 0x2A, 256);

  ilheap_stats before;
  memset(&before, 0, sizeof before);
  before.size = sizeof before;
  cr_assert_eq(ilheap_get_stats(f.heap, &before), ILHEAP_OK);
  ilheap_sim_stats sim_before;
  cr_assert_eq(ilheap_sim_get_stats(f.sim, &sim_before), ILHEAP_OK);

  cr_assert_eq(m->lpVtbl->Release(m), 1u, "Release without AddRef");
  for (int i = 0; i < 1000; i++)
    cr_assert_eq(m->lpVtbl->Release(m), 1u, "Release past zero");
  cr_assert_eq(ilheap_method_malloc_refcount(m), 1u);

  /* The object and every body are still alive and unchanged. */
  cr_assert_eq(ilheap_method_malloc(f.heap), m);
  for (int i = 0; i < 256; i++)
    cr_assert_eq(body[i], 0x2A);
  ilheap_stats after;
  memset(&after, 0, sizeof after);
  after.size = sizeof after;
  cr_assert_eq(ilheap_get_stats(f.heap, &after), ILHEAP_OK);
  cr_assert_eq(after.bytes_reserved, before.bytes_reserved, "Release frees nothing");
  cr_assert_eq(after.blocks, before.blocks);
  ilheap_sim_stats sim_after;
  cr_assert_eq(ilheap_sim_get_stats(f.sim, &sim_after), ILHEAP_OK);
  cr_assert_eq(sim_after.reserved_bytes, sim_before.reserved_bytes);
  cr_assert_eq(sim_after.calls[ILHEAP_SIM_RESERVE], sim_before.calls[ILHEAP_SIM_RESERVE]);

  /* And it still works as before. */
  cr_assert_not_null(m->lpVtbl->Alloc(m, 8));
  cr_assert_eq(m->lpVtbl->AddRef(m), 2u);
  drop_fixture(&f);
}

Test(com_refs, calls_on_a_null_object_are_defined) {
  fixture f = make_fixture(0, ILHEAP_UNLIMITED);
  const IMethodMallocVtbl *v = ilheap_method_malloc(f.heap)->lpVtbl;
  cr_assert_eq(v->AddRef(NULL), 0u);
  cr_assert_eq(v->Release(NULL), 0u);
  cr_assert_null(v->Alloc(NULL, 16));
  void *p = SENTINEL;
  cr_assert_eq(v->QueryInterface(NULL, &IID_IMethodMalloc, &p), E_POINTER);
  cr_assert_null(p);
  drop_fixture(&f);
}

/* ---- Registry shortcut ------------------------------------------------------------------ */

Test(com_registry, one_allocator_per_module) {
  ilheap_sim *sim = NULL;
  cr_assert_eq(ilheap_sim_create(64 * MiB, 0, &sim), ILHEAP_OK);
  ilheap_options o;
  ilheap_options_init(&o);
  o.provider = ilheap_sim_provider(sim);
  ilheap_registry *reg = NULL;
  cr_assert_eq(ilheap_registry_create(&o, &reg), ILHEAP_OK);
  uintptr_t base = ilheap_sim_base(sim);
  const void *mod_a = (const void *)(base + MiB);
  const void *mod_b = (const void *)(base + 8 * MiB);

  cr_assert_null(ilheap_registry_method_malloc(NULL, 1, mod_a));
  IMethodMalloc *a = ilheap_registry_method_malloc(reg, 0xA, mod_a);
  IMethodMalloc *b = ilheap_registry_method_malloc(reg, 0xB, mod_b);
  cr_assert_not_null(a);
  cr_assert_not_null(b);
  cr_assert_neq(a, b);
  cr_assert_eq(ilheap_registry_method_malloc(reg, 0xA, mod_a), a);
  cr_assert_eq(ilheap_method_malloc_heap(a), ilheap_registry_find(reg, 0xA));
  cr_assert_null(ilheap_registry_method_malloc(reg, 0xA, mod_b), "known id, other base");
  cr_assert_eq(ilheap_registry_count(reg), 2u);

  unsigned char *pa = a->lpVtbl->Alloc(a, 32);
  unsigned char *pb = b->lpVtbl->Alloc(b, 32);
  cr_assert(pa > (const unsigned char *)mod_a && pb > (const unsigned char *)mod_b);
  cr_assert_eq(ilheap_module_base(ilheap_method_malloc_heap(b)), (uintptr_t)mod_b);
  ilheap_registry_destroy(reg);
  ilheap_sim_stats st;
  cr_assert_eq(ilheap_sim_get_stats(sim, &st), ILHEAP_OK);
  cr_assert_eq(st.reserved_bytes, 0u, "destroying the registry released everything");
  ilheap_sim_destroy(sim);
}

/* The COM methods as plain functions on a heap: the same answers and the same
 * count as the vtable, and defined answers for bad input. */
Test(com_functions, query_addref_release_on_the_heap) {
  cr_assert_eq(ilheap_method_malloc_query(NULL, &IID_IUnknown), E_POINTER);
  cr_assert_eq(ilheap_method_malloc_addref(NULL), 0u);
  cr_assert_eq(ilheap_method_malloc_release(NULL), 0u);

  fixture f = make_fixture(0, ILHEAP_UNLIMITED);
  IMethodMalloc *m = ilheap_method_malloc(f.heap);
  cr_assert_eq(ilheap_method_malloc_query(f.heap, NULL), E_NOINTERFACE);
  GUID other = IID_IMethodMalloc;
  other.Data4[7] ^= 1u;
  cr_assert_eq(ilheap_method_malloc_query(f.heap, &other), E_NOINTERFACE);
  cr_assert_eq(ilheap_method_malloc_refcount(m), 1u, "a refused query AddRefs nothing");
  cr_assert_eq(ilheap_method_malloc_query(f.heap, &IID_IMethodMalloc), S_OK);
  cr_assert_eq(ilheap_method_malloc_refcount(m), 2u, "a query that succeeds AddRefs");
  cr_assert_eq(ilheap_method_malloc_addref(f.heap), 3u);
  cr_assert_eq(IMethodMalloc_AddRef(m), 4u, "one count for the vtable and the functions");
  cr_assert_eq(ilheap_method_malloc_release(f.heap), 3u);
  cr_assert_eq(IMethodMalloc_Release(m), 2u);
  cr_assert_eq(ilheap_method_malloc_release(f.heap), 1u);
  cr_assert_eq(ilheap_method_malloc_release(f.heap), 1u, "never below the heap's own reference");
  drop_fixture(&f);
}

/* The storage behind ilheap_com.h's C++ object, driven from C with a stand-in
 * object of the same shape (a vtable pointer, then the heap): constructed once,
 * recognized by ilheap_method_malloc_heap only at its own place. */
static int cxx_constructions;
static const void *const fake_cxx_vtable[4] = {0};

static void fake_cxx_construct(void *storage, ilheap *heap) {
  const void *vptr = &fake_cxx_vtable[0];
  memcpy(storage, &vptr, sizeof vptr);
  // NOLINTNEXTLINE(bugprone-sizeof-expression): the pointer is what is stored
  memcpy((char *)storage + sizeof vptr, &heap, sizeof heap);
  cxx_constructions++;
}

Test(com_functions, cxx_storage_is_built_once_and_recognized_in_place) {
  fixture f = make_fixture(0, ILHEAP_UNLIMITED);
  cr_assert_null(ilheap_method_malloc_cxx(NULL, fake_cxx_construct));
  cr_assert_null(ilheap_method_malloc_cxx(f.heap, NULL));
  cr_assert_eq(cxx_constructions, 0);

  void *obj = ilheap_method_malloc_cxx(f.heap, fake_cxx_construct);
  cr_assert_not_null(obj);
  cr_assert_eq((uintptr_t)obj % sizeof(void *), 0u, "aligned for pointers");
  cr_assert_eq(ilheap_method_malloc_cxx(f.heap, fake_cxx_construct), obj, "the same storage");
  cr_assert_eq(cxx_constructions, 1, "constructed exactly once");
  cr_assert_neq(obj, (void *)ilheap_method_malloc(f.heap), "not the C object");
  cr_assert_eq(ilheap_method_malloc_heap((IMethodMalloc *)obj), f.heap);
  cr_assert_eq(ilheap_method_malloc_refcount((IMethodMalloc *)obj), 1u);
  ilheap_method_malloc_addref(f.heap);
  cr_assert_eq(ilheap_method_malloc_refcount((IMethodMalloc *)obj), 2u, "one shared count");
  ilheap_method_malloc_release(f.heap);

  /* The same two words elsewhere: a known vtable, but not where the heap keeps
   * its object. */
  void *copy[ILHEAP_METHOD_MALLOC_CXX_SIZE / sizeof(void *)];
  memcpy(copy, obj, sizeof copy);
  cr_assert_null(ilheap_method_malloc_heap((IMethodMalloc *)(void *)copy));
  cr_assert_eq(ilheap_method_malloc_refcount((IMethodMalloc *)(void *)copy), 0u);
  /* An unknown vtable. */
  const void *unknown[2] = {&cxx_constructions, f.heap};
  cr_assert_null(ilheap_method_malloc_heap((IMethodMalloc *)(void *)unknown));
  drop_fixture(&f);
}
