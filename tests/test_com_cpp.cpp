// SPDX-License-Identifier: MIT
/*
 * The COM adapter from C++, the way a profiler written against CorProf.h uses
 * it: com_fake_corprof.h declares IUnknown and IMethodMalloc as MIDL does for
 * C++ (abstract classes, virtual STDMETHODCALLTYPE methods, REFIID a
 * reference), then ilheap_com.h is included after it. This file compiling
 * under -Wall -Wextra -Werror proves the header coexists in C++; the tests call
 * QueryInterface/AddRef/Release/Alloc as virtual methods on the object the C
 * library hands out (the C vtable is the C++ vtable), and once more through an
 * independent declaration a profiler might write itself.
 *
 * In C++ ilheap_method_malloc hands out ilheap_com.h's C++ object, which has
 * RTTI, so these calls pass UBSan's vptr check (clang -fsanitize=undefined in
 * the asan-ubsan build) without any annotation. The one exception is the
 * declaration in namespace `profiler` below: UBSan matches types by name, and
 * profiler::IMethodMalloc is not ::IMethodMalloc, so that function opts out.
 */
#include "com_fake_corprof.h"

#include "ilheap_com.h"

#include <criterion/criterion.h>

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "ilheap_sim.h"

#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 8)
#define NO_VPTR_CHECK __attribute__((no_sanitize("vptr")))
#else
#define NO_VPTR_CHECK
#endif

#ifdef _WIN32
static_assert(std::is_same<ULONG, unsigned long>::value, "ULONG is the Windows SDK's");
static_assert(std::is_same<HRESULT, long>::value, "HRESULT is the Windows SDK's");
#else
static_assert(std::is_same<ULONG, unsigned int>::value, "ULONG is the PAL's");
static_assert(std::is_same<HRESULT, int>::value, "HRESULT is the PAL's");
#endif
static_assert(std::is_same<REFIID, const IID &>::value, "REFIID is a reference in C++");
static_assert(std::is_polymorphic<IMethodMalloc>::value, "the platform's C++ declaration");
static_assert(std::is_abstract<IMethodMalloc>::value, "the platform's C++ declaration");
static_assert(std::is_base_of<IUnknown, IMethodMalloc>::value, "IMethodMalloc : IUnknown");
static_assert(std::is_same<decltype(&ilheap_method_malloc), IMethodMalloc *(*)(ilheap *)>::value,
              "ilheap_method_malloc returns the platform's IMethodMalloc");
static_assert(sizeof(IMethodMalloc) == sizeof(void *), "one vtable pointer, like the C struct");

/* A profiler's own declaration, exactly as the issue writes it, kept apart in a
 * namespace so it does not collide with the platform's. */
namespace profiler {
struct IUnknown {
  virtual HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void **ppvObject) = 0;
  virtual ULONG STDMETHODCALLTYPE AddRef(void) = 0;
  virtual ULONG STDMETHODCALLTYPE Release(void) = 0;
};
struct IMethodMalloc : IUnknown {
  virtual PVOID STDMETHODCALLTYPE Alloc(ULONG cb) = 0;
};
} // namespace profiler

namespace {

struct Fixture {
  ilheap_sim *sim = nullptr;
  ilheap *heap = nullptr;
  std::uintptr_t module = 0;

  Fixture() {
    cr_assert_eq(ilheap_sim_create(std::size_t(16) << 20, 0, &sim), ILHEAP_OK);
    module = ilheap_sim_base(sim) + (std::uintptr_t(1) << 20);
    cr_assert_eq(ilheap_sim_occupy(sim, module, 65536), ILHEAP_OK);
    ilheap_options o;
    ilheap_options_init(&o);
    o.provider = ilheap_sim_provider(sim);
    cr_assert_eq(ilheap_create(reinterpret_cast<const void *>(module), &o, &heap), ILHEAP_OK);
  }
  ~Fixture() {
    ilheap_destroy(heap);
    ilheap_sim_destroy(sim);
  }
  Fixture(const Fixture &) = delete;
  Fixture &operator=(const Fixture &) = delete;
};

/* What il_rewriter.cpp-style code does: Alloc, NULL check, write the body,
 * never free, and Release once in the destructor on a pointer that was never
 * AddRef'd. */
class Rewriter {
public:
  explicit Rewriter(IMethodMalloc *malloc) : malloc_(malloc) {}
  ~Rewriter() { malloc_->Release(); }
  Rewriter(const Rewriter &) = delete;
  Rewriter &operator=(const Rewriter &) = delete;

  unsigned char *emit(ULONG total) {
    auto *p = static_cast<unsigned char *>(malloc_->Alloc(total));
    if (p == nullptr)
      return nullptr;
    std::memset(p, 0x2A, total);
    return p;
  }

private:
  IMethodMalloc *malloc_;
};

} // namespace

static void check_virtual_calls(IMethodMalloc *m, std::uintptr_t module) {
  void *p = nullptr;
  cr_assert_eq(m->QueryInterface(IID_IMethodMalloc, &p), S_OK);
  cr_assert_eq(p, static_cast<void *>(m));
  cr_assert_eq(ilheap_method_malloc_refcount(m), 2u);

  IUnknown *unk = nullptr;
  cr_assert_eq(m->QueryInterface(IID_IUnknown, reinterpret_cast<void **>(&unk)), S_OK);
  cr_assert_eq(static_cast<void *>(unk), static_cast<void *>(m), "COM identity");
  cr_assert_eq(unk->AddRef(), 4u);
  cr_assert_eq(unk->Release(), 3u);
  cr_assert_eq(unk->Release(), 2u);
  cr_assert_eq(m->Release(), 1u);
  cr_assert_eq(m->Release(), 1u, "Release without AddRef is harmless");
  cr_assert_eq(m->AddRef(), 2u);
  cr_assert_eq(m->Release(), 1u);

  IID wrong = IID_IMethodMalloc;
  wrong.Data4[7] ^= 1;
  p = m;
  cr_assert_eq(m->QueryInterface(wrong, &p), E_NOINTERFACE);
  cr_assert_null(p);
  cr_assert_eq(m->QueryInterface(IID_IMethodMalloc, nullptr), E_POINTER);

  cr_assert_null(m->Alloc(0), "contract 5");
  auto *body = static_cast<unsigned char *>(m->Alloc(100));
  cr_assert_not_null(body);
  cr_assert_gt(reinterpret_cast<std::uintptr_t>(body), module, "contract 1");
  for (int i = 0; i < 100; i++)
    cr_assert_eq(body[i], 0, "contract 4");
}

Test(com_cpp, virtual_calls_through_the_platform_declaration) {
  Fixture f;
  IMethodMalloc *m = ilheap_method_malloc(f.heap);
  cr_assert_not_null(m);
  check_virtual_calls(m, f.module);
}

NO_VPTR_CHECK static void check_own_declaration(profiler::IMethodMalloc *pm,
                                                std::uintptr_t module) {
  void *p = nullptr;
  cr_assert_eq(pm->QueryInterface(IID_IMethodMalloc, &p), S_OK);
  cr_assert_eq(p, static_cast<void *>(pm));
  cr_assert_eq(pm->Release(), 1u);
  cr_assert_eq(pm->AddRef(), 2u);
  cr_assert_eq(pm->Release(), 1u);
  void *b = pm->Alloc(24);
  cr_assert_not_null(b);
  cr_assert_gt(reinterpret_cast<std::uintptr_t>(b), module);
}

Test(com_cpp, virtual_calls_through_an_independent_declaration) {
  Fixture f;
  IMethodMalloc *m = ilheap_method_malloc(f.heap);
  /* The caller got the pointer as its own interface type (through a void *,
   * as GetILFunctionBodyAllocator's out-parameter would hand it over). */
  void *raw = m;
  check_own_declaration(static_cast<profiler::IMethodMalloc *>(raw), f.module);
  cr_assert_eq(ilheap_method_malloc_refcount(m), 1u);
}

Test(com_cpp, rewriter_pattern_allocates_and_releases_harmlessly) {
  Fixture f;
  IMethodMalloc *m = ilheap_method_malloc(f.heap);
  unsigned char *kept = nullptr;
  {
    Rewriter r(m);
    kept = r.emit(64);
    cr_assert_not_null(kept);
  } /* ~Rewriter: Release on a pointer nobody AddRef'd */
  for (int i = 0; i < 64; i++)
    cr_assert_eq(kept[i], 0x2A, "the body outlives the rewriter");
  cr_assert_eq(ilheap_method_malloc_refcount(m), 1u);
  cr_assert_eq(ilheap_method_malloc(f.heap), m);
}

/* The C door works in C++ too: the same object through the C entry points. */
Test(com_cpp, registry_shortcut_from_cpp) {
  ilheap_registry *reg = nullptr;
  cr_assert_eq(ilheap_registry_create(nullptr, &reg), ILHEAP_OK);
  const void *base = reinterpret_cast<const void *>(std::uintptr_t(0x50000000u));
  IMethodMalloc *a = ilheap_registry_method_malloc(reg, 1, base);
  cr_assert_not_null(a);
  cr_assert_eq(ilheap_registry_method_malloc(reg, 1, base), a);
  cr_assert_eq(ilheap_method_malloc_heap(a), ilheap_registry_find(reg, 1));
  cr_assert_eq(ilheap_registry_drop(reg, 1), ILHEAP_OK);
  ilheap_registry_destroy(reg);
}
