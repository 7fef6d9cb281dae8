// SPDX-License-Identifier: MIT
/*
 * The COM adapter from C++ with nothing but ilheap's own headers: no CorProf.h
 * (nor tests/com_fake_corprof.h) comes first, so ilheap_com.h itself declares
 * IUnknown and IMethodMalloc, the C++ way (abstract structs with virtual
 * STDMETHODCALLTYPE methods, REFIID a reference). The tests call
 * QueryInterface, AddRef, Release and Alloc as virtual methods on the object
 * ilheap_method_malloc hands out and check the answers against the C API:
 * ilheap_alloc on a twin heap (same simulated layout, so the same offsets),
 * the reference count ilheap_method_malloc_refcount reports, the C vtable slots
 * (what lpVtbl->X(This, ...) calls from C), and THE CONTRACT in
 * include/ilheap.h (clauses 1, 2, 4, 5, 6). One heap runs on the OS provider.
 *
 * In C++ the object is ilheap_com.h's C++ object (it has RTTI), so the virtual
 * calls need no exemption from UBSan's vptr check. Calls through the C vtable
 * view (what a C caller given this object does) opt out of clang's function
 * check only, since they use C signatures.
 */
#include <ilheap.h>
#include <ilheap_com.h>
#include <ilheap_registry.h>
#include <ilheap_sim.h>

#include <criterion/criterion.h>

#ifdef _WIN32
/* The linker's symbol at this image's base (no windows.h: this test is about
 * ilheap_com.h's own declarations). */
extern "C" char __ImageBase;
#else
#include <dlfcn.h>
#endif

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>
#include <vector>

/* Calls through the C vtable use the C signatures (REFIID a pointer): clang's
 * -fsanitize=function must not compare them with a C++ prototype. */
#if defined(__clang__)
#define NO_FUNCTION_CHECK __attribute__((no_sanitize("function")))
#else
#define NO_FUNCTION_CHECK
#endif

/* What this translation unit sees is ilheap_com.h's C++ declaration. */
static_assert(std::is_polymorphic<IUnknown>::value, "IUnknown has virtual methods in C++");
static_assert(std::is_abstract<IUnknown>::value, "IUnknown is abstract in C++");
static_assert(std::is_polymorphic<IMethodMalloc>::value, "IMethodMalloc: virtual methods");
static_assert(std::is_abstract<IMethodMalloc>::value, "IMethodMalloc is abstract in C++");
static_assert(std::is_base_of<IUnknown, IMethodMalloc>::value, "IMethodMalloc : IUnknown");
static_assert(std::is_same<REFIID, const IID &>::value, "REFIID is a reference in C++");
static_assert(sizeof(IMethodMalloc) == sizeof(void *), "one vtable pointer, like lpVtbl");
static_assert(sizeof(ULONG) == sizeof(std::uint32_t), "ULONG is 32-bit");
static_assert(sizeof(HRESULT) == 4, "HRESULT is 32-bit");
static_assert(std::is_same<decltype(&ilheap_method_malloc), IMethodMalloc *(*)(ilheap *)>::value,
              "ilheap_method_malloc returns the C++ IMethodMalloc");

namespace {

/* The C declaration's vtable (IMethodMallocVtbl without CINTERFACE is not
 * visible here): slots 0 QueryInterface, 1 AddRef, 2 Release, 3 Alloc. */
struct CVtbl {
  HRESULT(STDMETHODCALLTYPE *QueryInterface)(IMethodMalloc *, const IID *, void **);
  ULONG(STDMETHODCALLTYPE *AddRef)(IMethodMalloc *);
  ULONG(STDMETHODCALLTYPE *Release)(IMethodMalloc *);
  PVOID(STDMETHODCALLTYPE *Alloc)(IMethodMalloc *, ULONG);
};

/* m->lpVtbl, read as C reads it: the object's first word. */
const CVtbl *c_vtbl(const IMethodMalloc *m) {
  const CVtbl *v = nullptr;
  // NOLINTNEXTLINE(bugprone-sizeof-expression): the pointer is what is copied
  std::memcpy(&v, static_cast<const void *>(m), sizeof v);
  return v;
}

constexpr std::uintptr_t MiB = std::uintptr_t(1) << 20;

/* A simulated space of 16 MiB with a 64 KiB module at +1 MiB and a 4 MiB window
 * above it: the window lies wholly inside the space, so the layout, and every
 * offset the heap hands out, is the same for every SimHeap. */
struct SimHeap {
  ilheap_sim *sim = nullptr;
  ilheap *heap = nullptr;
  std::uintptr_t module = 0;

  explicit SimHeap(std::uint32_t alignment) {
    cr_assert_eq(ilheap_sim_create(16 * MiB, 0, &sim), ILHEAP_OK);
    module = ilheap_sim_base(sim) + MiB;
    cr_assert_eq(ilheap_sim_occupy(sim, module, 65536), ILHEAP_OK);
    ilheap_options o;
    ilheap_options_init(&o);
    o.provider = ilheap_sim_provider(sim);
    o.alignment = alignment;
    o.max_offset = std::uint32_t(4 * MiB);
    cr_assert_eq(ilheap_create(reinterpret_cast<const void *>(module), &o, &heap), ILHEAP_OK);
    cr_assert_not_null(heap);
  }
  ~SimHeap() {
    ilheap_destroy(heap);
    ilheap_sim_destroy(sim);
  }
  SimHeap(const SimHeap &) = delete;
  SimHeap &operator=(const SimHeap &) = delete;
};

/* Contract 1, 2 and 4 for one block of cb bytes from heap, read from the heap
 * itself (C API), then writes it (it must be writable) and reads it back. */
void check_block(ilheap *heap, void *p, std::uint32_t cb, unsigned char fill) {
  const std::uintptr_t base = ilheap_module_base(heap);
  const std::uint64_t max_offset = ilheap_max_offset(heap);
  const std::uintptr_t align = ilheap_alignment(heap);
  const auto a = reinterpret_cast<std::uintptr_t>(p);
  cr_assert_not_null(p, "a %u-byte block", cb);
  cr_assert_geq(a - base, 1u, "contract 1: %p at offset >= 1 from %#zx", p,
                static_cast<std::size_t>(base));
  cr_assert(a > base, "contract 1: %p above the module base", p);
  cr_assert_leq(std::uint64_t(a - base) + cb, max_offset,
                "contract 1: the whole %u-byte body at %p ends inside the window", cb, p);
  cr_assert_eq(a % align, 0u, "contract 2: %p aligned to %zu", p, static_cast<std::size_t>(align));
  const auto *b = static_cast<const unsigned char *>(p);
  const auto *nz = std::find_if(b, b + cb, [](unsigned char c) { return c != 0; });
  cr_assert_eq(nz, b + cb, "contract 4: byte %td of %u is not zero", nz - b, cb);
  std::memset(p, fill, cb);
  const auto *bad = std::find_if(b, b + cb, [fill](unsigned char c) { return c != fill; });
  cr_assert_eq(bad, b + cb, "contract 4: byte %td of %u did not keep its value", bad - b, cb);
}

} // namespace

/* ---- QueryInterface, AddRef, Release as virtual calls ---------------------------- */

static void check_query_interface(IMethodMalloc *m) {
  const ULONG start = ilheap_method_malloc_refcount(m);
  cr_assert_eq(start, 1u, "handed out without an AddRef: only the heap's own reference");

  /* IID_IMethodMalloc: the object itself, AddRef'd. */
  void *p = nullptr;
  cr_assert_eq(m->QueryInterface(IID_IMethodMalloc, &p), S_OK);
  cr_assert_eq(p, static_cast<void *>(m));
  cr_assert_eq(ilheap_method_malloc_refcount(m), start + 1, "a successful QI AddRefs");

  /* IID_IUnknown: the same object (COM identity), AddRef'd, and usable as an
   * IUnknown through the C++ declaration. */
  void *raw = nullptr;
  cr_assert_eq(m->QueryInterface(IID_IUnknown, &raw), S_OK);
  cr_assert_eq(raw, static_cast<void *>(m), "COM identity: the IUnknown is the same pointer");
  cr_assert_eq(ilheap_method_malloc_refcount(m), start + 2);
  IUnknown *unk = static_cast<IUnknown *>(raw);
  IUnknown *as_base = m; /* the C++ upcast: no adjustment, single inheritance */
  cr_assert_eq(static_cast<void *>(as_base), static_cast<void *>(unk));

  /* QI again from the IUnknown, back to IMethodMalloc. */
  void *again = nullptr;
  cr_assert_eq(unk->QueryInterface(IID_IMethodMalloc, &again), S_OK);
  cr_assert_eq(again, static_cast<void *>(m));
  cr_assert_eq(ilheap_method_malloc_refcount(m), start + 3);

  /* An unknown IID: E_NOINTERFACE and *ppv cleared, no AddRef. Both IIDs the
   * library knows, each with one bit flipped, and an all-zero IID. */
  IID wrong[3] = {IID_IMethodMalloc, IID_IUnknown, IID{}};
  wrong[0].Data4[7] ^= 1;
  wrong[1].Data1 ^= 0x80000000u;
  cr_assert_eq(ilheap_guid_equal(&wrong[0], &IID_IMethodMalloc), 0);
  cr_assert_eq(ilheap_guid_equal(&wrong[1], &IID_IUnknown), 0);
  for (const IID &iid : wrong) {
    void *q = m; /* stale content the callee must overwrite */
    cr_assert_eq(m->QueryInterface(iid, &q), E_NOINTERFACE);
    cr_assert_null(q, "E_NOINTERFACE sets *ppv to NULL");
    q = m;
    cr_assert_eq(unk->QueryInterface(iid, &q), E_NOINTERFACE);
    cr_assert_null(q);
  }
  cr_assert_eq(ilheap_method_malloc_refcount(m), start + 3, "a failed QI does not AddRef");

  /* NULL out-pointer: E_POINTER, whatever the IID. */
  cr_assert_eq(m->QueryInterface(IID_IMethodMalloc, nullptr), E_POINTER);
  cr_assert_eq(m->QueryInterface(IID_IUnknown, nullptr), E_POINTER);
  cr_assert_eq(unk->QueryInterface(wrong[0], nullptr), E_POINTER);
  cr_assert_eq(ilheap_method_malloc_refcount(m), start + 3);

  /* AddRef and Release return the count the C API reports afterwards. */
  const ULONG up = m->AddRef();
  cr_assert_eq(up, start + 4);
  cr_assert_eq(up, ilheap_method_malloc_refcount(m));
  const ULONG up2 = unk->AddRef();
  cr_assert_eq(up2, up + 1);
  cr_assert_eq(up2, ilheap_method_malloc_refcount(m));
  for (ULONG n = up2; n > start; n--) {
    const ULONG r = (n % 2 != 0) ? m->Release() : unk->Release();
    cr_assert_eq(r, n - 1, "Release counts down by one");
    cr_assert_eq(r, ilheap_method_malloc_refcount(m));
  }
  /* More Releases than AddRefs: harmless, the count stays at the heap's own
   * reference and never reaches 0 (the object is never destroyed by Release). */
  cr_assert_eq(m->Release(), start);
  cr_assert_eq(unk->Release(), start);
  cr_assert_eq(ilheap_method_malloc_refcount(m), start);
}

Test(com_cpp_own, query_interface_addref_release) {
  SimHeap s(8);
  IMethodMalloc *m = ilheap_method_malloc(s.heap);
  cr_assert_not_null(m);
  cr_assert_eq(ilheap_method_malloc(s.heap), m, "the same object on every call");
  cr_assert_eq(ilheap_method_malloc_heap(m), s.heap);
  cr_assert_null(ilheap_method_malloc(nullptr));
  check_query_interface(m);
  cr_assert_eq(ilheap_method_malloc_heap(m), s.heap, "still the heap's object");
}

/* ---- The virtual calls land in the C vtable's slots ----------------------------- */

/* Each virtual call and the C call through the same slot (lpVtbl->X(This, ...))
 * give the same answer, interleaved on one object. */
NO_FUNCTION_CHECK static void check_same_as_c_vtable(IMethodMalloc *m, ilheap *heap) {
  const CVtbl *v = c_vtbl(m);
  cr_assert_not_null(v);
  cr_assert_not_null(v->QueryInterface);
  cr_assert_not_null(v->Alloc);

  IID wrong = IID_IUnknown;
  wrong.Data2 ^= 0x0101;
  const IID *iids[] = {&IID_IUnknown, &IID_IMethodMalloc, &wrong};
  for (const IID *iid : iids) {
    const ULONG before = ilheap_method_malloc_refcount(m);
    void *cpp_out = m, *c_out = m;
    const HRESULT cpp_hr = m->QueryInterface(*iid, &cpp_out);
    const HRESULT c_hr = v->QueryInterface(m, iid, &c_out);
    cr_assert_eq(cpp_hr, c_hr, "QI: C++ %#x, C %#x", static_cast<unsigned>(cpp_hr),
                 static_cast<unsigned>(c_hr));
    cr_assert_eq(cpp_out, c_out);
    cr_assert(cpp_hr == S_OK || cpp_hr == E_NOINTERFACE);
    cr_assert_eq(cpp_out, cpp_hr == S_OK ? static_cast<void *>(m) : nullptr);
    const ULONG added = cpp_hr == S_OK ? 2u : 0u;
    cr_assert_eq(ilheap_method_malloc_refcount(m), before + added);
    /* Undo the two references, alternating C++ and C; each answer is the
     * count the C API reports right after it. */
    for (ULONG i = 0; i < added; i++) {
      const ULONG r = (i % 2 == 0) ? m->Release() : v->Release(m);
      cr_assert_eq(r, before + added - i - 1);
      cr_assert_eq(r, ilheap_method_malloc_refcount(m));
    }
    cr_assert_eq(ilheap_method_malloc_refcount(m), before);
  }
  const HRESULT cpp_null = m->QueryInterface(IID_IUnknown, nullptr);
  const HRESULT c_null = v->QueryInterface(m, &IID_IUnknown, nullptr);
  cr_assert_eq(cpp_null, c_null);
  cr_assert_eq(c_null, E_POINTER);

  const ULONG cpp_up = m->AddRef();
  const ULONG c_up = v->AddRef(m);
  cr_assert_eq(c_up, cpp_up + 1, "one count, whichever door adds to it");
  const ULONG c_down = v->Release(m);
  const ULONG cpp_down = m->Release();
  cr_assert_eq(c_down, c_up - 1);
  cr_assert_eq(cpp_down, c_down - 1);
  cr_assert_eq(cpp_down, ilheap_method_malloc_refcount(m));

  /* Alloc: both doors bump the same heap. */
  cr_assert_null(m->Alloc(0), "contract 5");
  cr_assert_null(v->Alloc(m, 0), "contract 5");
  void *a = m->Alloc(40);
  void *b = v->Alloc(m, 40);
  check_block(heap, a, 40, 0xA1);
  check_block(heap, b, 40, 0xB2);
  const auto lo =
      std::min(reinterpret_cast<std::uintptr_t>(a), reinterpret_cast<std::uintptr_t>(b));
  const auto hi =
      std::max(reinterpret_cast<std::uintptr_t>(a), reinterpret_cast<std::uintptr_t>(b));
  cr_assert_geq(hi - lo, 40u, "contract 3: the two blocks do not overlap");
  ilheap_stats st;
  std::memset(&st, 0, sizeof st);
  st.size = sizeof st;
  cr_assert_eq(ilheap_get_stats(heap, &st), ILHEAP_OK);
  cr_assert_eq(st.blocks, 2u, "the heap counted both blocks");
  cr_assert_eq(st.bytes_requested, 80u);
}

Test(com_cpp_own, virtual_calls_match_the_c_vtable) {
  SimHeap s(8);
  IMethodMalloc *m = ilheap_method_malloc(s.heap);
  cr_assert_not_null(m);
  check_same_as_c_vtable(m, s.heap);
}

/* ---- Alloc as a virtual call against ilheap_alloc, on twin simulated heaps -------- */

static void *virtual_alloc(IMethodMalloc *m, ULONG cb) { return m->Alloc(cb); }

Test(com_cpp_own, alloc_equals_ilheap_alloc_on_a_twin_heap) {
  const std::uint32_t alignment = 64; /* not the default, so clause 2 means something */
  SimHeap com(alignment), c(alignment);
  IMethodMalloc *m = ilheap_method_malloc(com.heap);
  cr_assert_not_null(m);
  cr_assert_eq(ilheap_alignment(com.heap), alignment);
  cr_assert_eq(ilheap_max_offset(com.heap), ilheap_max_offset(c.heap));

  const std::uint32_t window = ilheap_max_offset(com.heap);
  /* Small, odd, page-sized, large, 0 (contract 5), more than the window can ever
   * hold (contract 6), two large ones of which only one fits, then small ones
   * again: exhaustion leaves the heap usable. */
  const std::uint32_t sizes[] = {
      1,          0,      7,  8,      100,  4096,           4097,           0,  65536, 3,
      UINT32_MAX, window, 24, 200000, 1000, window / 4 * 3, window / 4 * 3, 16, 0,     12,
      333};
  std::vector<std::pair<std::uintptr_t, std::uint32_t>> blocks;
  std::size_t nulls_for_nonzero = 0, ok_after_exhaustion = 0;
  bool exhausted = false;
  unsigned char fill = 1;
  for (const std::uint32_t cb : sizes) {
    void *pm = virtual_alloc(m, cb);
    void *pc = ilheap_alloc(c.heap, cb);
    cr_assert_eq(pm == nullptr, pc == nullptr, "Alloc(%u) %p, ilheap_alloc(%u) %p", cb, pm, cb, pc);
    if (cb == 0) {
      cr_assert_null(pm, "contract 5: Alloc(0)");
      continue;
    }
    if (pm == nullptr) {
      nulls_for_nonzero++;
      exhausted = true;
      continue;
    }
    if (exhausted)
      ok_after_exhaustion++;
    /* The same offset from the module in both heaps: same layout, same answer. */
    const std::uintptr_t om = reinterpret_cast<std::uintptr_t>(pm) - com.module;
    const std::uintptr_t oc = reinterpret_cast<std::uintptr_t>(pc) - c.module;
    cr_assert_eq(om, oc, "Alloc(%u) at offset %#zx, ilheap_alloc at %#zx", cb,
                 static_cast<std::size_t>(om), static_cast<std::size_t>(oc));
    check_block(com.heap, pm, cb, fill);
    check_block(c.heap, pc, cb, fill);
    fill++;
    blocks.emplace_back(reinterpret_cast<std::uintptr_t>(pm), cb);
  }
  /* UINT32_MAX, window (the window is [1, M): M bytes never fit) and the second
   * three-quarter block cannot be placed; everything after still can. */
  cr_assert_eq(nulls_for_nonzero, 3u, "contract 6: %zu requests were refused", nulls_for_nonzero);
  cr_assert_geq(ok_after_exhaustion, 3u, "contract 6: the heap stays usable");

  /* Contract 3 and 4: no overlap, and every block kept what was written. */
  std::sort(blocks.begin(), blocks.end());
  for (std::size_t i = 1; i < blocks.size(); i++)
    cr_assert_leq(blocks[i - 1].first + blocks[i - 1].second, blocks[i].first,
                  "contract 3: blocks %zu and %zu overlap", i - 1, i);

  /* The heaps' own accounting agrees: the virtual calls went through ilheap_alloc. */
  ilheap_stats sm, sc;
  std::memset(&sm, 0, sizeof sm);
  std::memset(&sc, 0, sizeof sc);
  sm.size = sc.size = sizeof(ilheap_stats);
  cr_assert_eq(ilheap_get_stats(com.heap, &sm), ILHEAP_OK);
  cr_assert_eq(ilheap_get_stats(c.heap, &sc), ILHEAP_OK);
  cr_assert_eq(sm.blocks, blocks.size());
  cr_assert_eq(sm.blocks, sc.blocks);
  cr_assert_eq(sm.bytes_requested, sc.bytes_requested);
  cr_assert_eq(sm.padding_bytes, sc.padding_bytes);
  cr_assert_eq(sm.bytes_reserved, sc.bytes_reserved);
  cr_assert_eq(sm.bytes_committed, sc.bytes_committed);
  cr_assert_eq(sm.chunks, sc.chunks);
  cr_assert_eq(sm.failed_requests, sc.failed_requests);
  cr_assert_eq(sm.failed_requests, nulls_for_nonzero);
  cr_assert_eq(sm.lowest - com.module, sc.lowest - c.module);
  cr_assert_eq(sm.highest - com.module, sc.highest - c.module);
  std::uint64_t requested = 0;
  for (const auto &b : blocks)
    requested += b.second;
  cr_assert_eq(sm.bytes_requested, requested);
}

/* An IMethodMalloc reached through QueryInterface(IID_IUnknown) and back is the
 * same allocator: its blocks come from the same heap. */
static IMethodMalloc *round_trip(IMethodMalloc *m) {
  void *unk = nullptr;
  cr_assert_eq(m->QueryInterface(IID_IUnknown, &unk), S_OK);
  void *mm = nullptr;
  cr_assert_eq(static_cast<IUnknown *>(unk)->QueryInterface(IID_IMethodMalloc, &mm), S_OK);
  static_cast<IUnknown *>(unk)->Release();
  return static_cast<IMethodMalloc *>(mm);
}

static void release(IMethodMalloc *m) { m->Release(); }

Test(com_cpp_own, alloc_through_a_queried_interface) {
  SimHeap s(16);
  IMethodMalloc *m = ilheap_method_malloc(s.heap);
  IMethodMalloc *q = round_trip(m);
  cr_assert_eq(q, m);
  cr_assert_eq(ilheap_method_malloc_heap(q), s.heap);
  void *p = virtual_alloc(q, 300);
  check_block(s.heap, p, 300, 0x5A);
  ilheap_stats st;
  std::memset(&st, 0, sizeof st);
  st.size = sizeof st;
  cr_assert_eq(ilheap_get_stats(s.heap, &st), ILHEAP_OK);
  cr_assert_eq(st.blocks, 1u);
  cr_assert_eq(st.bytes_requested, 300u);
  const auto a = reinterpret_cast<std::uintptr_t>(p);
  cr_assert(a >= st.lowest && a + 300 <= st.highest, "the block is inside what the heap reserved");
  release(q);
  cr_assert_eq(ilheap_method_malloc_refcount(m), 1u);
}

/* ---- The OS provider ---------------------------------------------------------------*/

struct Reserved {
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> ranges;
};

static int collect_reserved(void *arg, std::uintptr_t lo, std::uintptr_t hi) {
  static_cast<Reserved *>(arg)->ranges.emplace_back(lo, hi);
  return 0;
}

static void anchor(void) {}

Test(com_cpp_own, os_provider_virtual_calls_and_c_api_agree) {
  const ilheap_provider *os = ilheap_os_provider();
  cr_assert_not_null(os, "Linux has an OS provider");

  /* The base of this test program, as a profiler would get a module's. */
  struct {
    void *dli_fbase;
  } info = {nullptr};
#ifdef _WIN32
  (void)&anchor;
  info.dli_fbase = &__ImageBase;
#else
  Dl_info dl;
  std::memset(&dl, 0, sizeof dl);
  cr_assert_neq(dladdr(reinterpret_cast<void *>(&anchor), &dl), 0);
  info.dli_fbase = dl.dli_fbase;
#endif
  cr_assert_not_null(info.dli_fbase);

  ilheap_options o;
  ilheap_options_init(&o);
  o.provider = nullptr; /* NULL: the OS provider */
  o.alignment = 32;
  ilheap *heap = nullptr;
  cr_assert_eq(ilheap_create(info.dli_fbase, &o, &heap), ILHEAP_OK);
  cr_assert_eq(ilheap_module_base(heap), reinterpret_cast<std::uintptr_t>(info.dli_fbase));

  IMethodMalloc *m = ilheap_method_malloc(heap);
  cr_assert_not_null(m);
  check_query_interface(m);

  /* Virtual Alloc and ilheap_alloc, interleaved on the one heap. */
  std::vector<std::pair<std::uintptr_t, std::uint32_t>> blocks;
  std::uint64_t requested = 0;
  for (std::uint32_t i = 0; i < 400; i++) {
    const std::uint32_t cb = (i * 37u) % 700u + (i % 50 == 0 ? 70000u : 0u);
    const bool through_com = i % 2 == 0;
    void *p = through_com ? virtual_alloc(m, cb) : ilheap_alloc(heap, cb);
    if (cb == 0) {
      cr_assert_null(p, "contract 5 (%s)", through_com ? "Alloc" : "ilheap_alloc");
      continue;
    }
    check_block(heap, p, cb, static_cast<unsigned char>(i | 1));
    blocks.emplace_back(reinterpret_cast<std::uintptr_t>(p), cb);
    requested += cb;
  }
  cr_assert_null(virtual_alloc(m, 0));
  cr_assert_null(ilheap_alloc(heap, 0));
  cr_assert_null(virtual_alloc(m, UINT32_MAX), "contract 6: more than the window");
  cr_assert_null(ilheap_alloc(heap, UINT32_MAX));

  std::sort(blocks.begin(), blocks.end());
  for (std::size_t i = 1; i < blocks.size(); i++)
    cr_assert_leq(blocks[i - 1].first + blocks[i - 1].second, blocks[i].first,
                  "contract 3: blocks %zu and %zu overlap", i - 1, i);

  /* Every block lies in address space the heap reserved. */
  Reserved r;
  cr_assert_eq(ilheap_walk_reserved(heap, collect_reserved, &r), ILHEAP_OK);
  cr_assert_gt(r.ranges.size(), 0u);
  for (const auto &b : blocks) {
    const bool inside = std::any_of(r.ranges.begin(), r.ranges.end(), [&b](const auto &rg) {
      return b.first >= rg.first && b.first + b.second <= rg.second;
    });
    cr_assert(inside, "block %#zx+%u outside every reserved range",
              static_cast<std::size_t>(b.first), b.second);
  }

  ilheap_stats st;
  std::memset(&st, 0, sizeof st);
  st.size = sizeof st;
  cr_assert_eq(ilheap_get_stats(heap, &st), ILHEAP_OK);
  cr_assert_eq(st.blocks, blocks.size(), "both doors count in the same heap");
  cr_assert_eq(st.bytes_requested, requested);
  cr_assert_eq(st.failed_requests, 2u, "the two UINT32_MAX requests");
  cr_assert_eq(ilheap_method_malloc_heap(m), heap);
  ilheap_destroy(heap);
}
