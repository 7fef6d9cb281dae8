/* SPDX-License-Identifier: MIT */
/*
 * ilheap COM adapter: an IMethodMalloc (the .NET profiling API's allocator for
 * new IL method bodies) backed by an ilheap, binary-compatible with the
 * interface declared in Microsoft's CorProf.h, for C and C++ callers.
 *
 * ---- Getting one ------------------------------------------------------------
 *   IMethodMalloc *m = ilheap_method_malloc(heap);          (one heap)
 *   IMethodMalloc *m = ilheap_registry_method_malloc(reg, moduleId, base);
 *                                                           (one heap per module)
 * C:   void *body = m->lpVtbl->Alloc(m, cb);   (or IMethodMalloc_Alloc(m, cb)
 *                                               with COBJMACROS defined)
 * C++: void *body = m->Alloc(cb);
 *
 * ---- Lifetime model -----------------------------------------------------------
 * The object lives inside its heap: it needs no allocation, ilheap_method_malloc
 * returns the same pointer on every call, and it stays valid exactly as long as
 * the heap (until ilheap_destroy, ilheap_registry_drop or
 * ilheap_registry_destroy). IL bodies belong to the module's heap, never to the
 * COM object: CoreCLR keeps the body pointer after SetILFunctionBody, so no
 * Release ever frees anything.
 *
 * The reference count only reports. It starts at 1, the heap's own reference,
 * which is never released; AddRef adds one (stopping at 0xFFFFFFFF instead of
 * wrapping) and Release removes one (stopping at 1). So, as with CoreCLR,
 * ilheap_method_malloc hands the object out WITHOUT an AddRef, and the misuse
 * real profilers commit (Release on a pointer that was never AddRef'd, Release
 * more often than AddRef, from many threads at once) is harmless: Release never
 * returns 0, because the object is never destroyed by it.
 *
 * ---- Methods ----------------------------------------------------------------------
 * QueryInterface(riid, ppv): ppv NULL -> E_POINTER. IID_IUnknown or
 *   IID_IMethodMalloc -> *ppv = the object, AddRef, S_OK. Anything else (a NULL
 *   riid included) -> *ppv = NULL, E_NOINTERFACE.
 * Alloc(cb): ilheap_alloc(heap, cb), same contract (include/ilheap.h): cb == 0 ->
 *   NULL, exhaustion -> NULL; blocks are never freed one by one.
 * Thread-safe: any method, from any number of threads at once.
 *
 * ---- C++ callers: a real C++ object ---------------------------------------------
 * In C++ (without CINTERFACE), ilheap_method_malloc and
 * ilheap_registry_method_malloc are inline functions of this header that hand
 * out a C++ object, ilheap_method_malloc_object: a class derived from
 * IMethodMalloc whose vtable and RTTI your compiler emits. So C++ clients that
 * call m->Alloc(cb) run clean under -fsanitize=vptr (part of UBSan), whatever
 * declaration of IMethodMalloc they were compiled with (corprof.h's, or their
 * own: UBSan compares the type names). C callers get the C object, exactly as
 * before. Both objects belong to the same heap and obey the same rules: each is
 * created once, inside the heap, on first use from any thread; it lives exactly
 * as long as the heap; it shares one reference count with the other (the rules
 * above); Alloc is ilheap_alloc. They are two COM objects (QueryInterface on
 * each returns itself), and either may be passed to C or C++ code: both have
 * the COM binary layout. The C++ object's vtable lives in the module (program
 * or shared library) that first asked for it, which must stay loaded while the
 * heap lives.
 *
 * ---- Include order: any ------------------------------------------------------------
 * Windows: this header includes <windows.h> and <unknwn.h> itself and takes
 * every COM name from them (IUnknown, GUID, HRESULT, S_OK..., STDMETHODCALLTYPE
 * = __stdcall); it declares only IMethodMalloc, under the MIDL guards
 * (__IMethodMalloc_FWD_DEFINED__, __IMethodMalloc_INTERFACE_DEFINED__), so
 * corprof.h before or after it is fine.
 * Elsewhere (the CoreCLR PAL's world): each name is declared only when the PAL
 * or corprof.h has not declared it already, under their own guards (GUID_DEFINED,
 * __IID_DEFINED__, __IUnknown_INTERFACE_DEFINED__, the IMethodMalloc guards,
 * __PAL_MSTYPES_H__), with exactly their types (ULONG unsigned int, HRESULT int,
 * STDMETHODCALLTYPE __cdecl, which is empty off i386), together with every name
 * the PAL keeps inside those guards (LPCGUID, LPUNKNOWN), and every macro the PAL
 * defines without a guard (S_OK, E_*, SUCCEEDED, FAILED, REFIID,
 * STDMETHODCALLTYPE, __cdecl, _HRESULT_TYPEDEF_) is spelled token for token as
 * the PAL spells it, so that the PAL included afterwards redefines nothing
 * differently. Both orders are tested under -Wall -Wextra -Werror, C and C++.
 *
 * As the MIDL headers do, C++ (without CINTERFACE) sees IUnknown and
 * IMethodMalloc as abstract structs with virtual STDMETHODCALLTYPE methods; C
 * (or C++ with CINTERFACE) sees structs whose first member is lpVtbl. Both
 * describe the same binary layout.
 *
 * The IIDs: IID_IUnknown and IID_IMethodMalloc are defined by the library for
 * callers that have no other definition, so that a profiler also defining them
 * links: with the real corprof_i.cpp (whose IIDs are selectany), with its own
 * strong definition (e.g. of IID_IUnknown), or with a "corguids" library. Each
 * sits alone in its archive member, so a static link takes it only when nothing
 * linked before libilheap defined the name; where two definitions meet they
 * merge (weak on ELF; on Windows a selectany COMDAT, GCC, Clang and MSVC alike),
 * in either link order and with the whole archive. On Windows IID_IUnknown is
 * the SDK's instead (the uuid library, which the CMake target and ilheap.pc
 * link), because GNU ld lets no definition of the library's meet a plain one
 * such as a profiler's own: a strong IID_IMethodMalloc of the caller's beside
 * the whole archive would collide there (selectany ones do not). The DLL
 * exports IID_IMethodMalloc; a caller's own definitions take precedence within
 * its module. ilheap's own QueryInterface never depends on which one wins.
 *
 * Binary compatibility is checked at compile time (static asserts below, C11 or
 * C++11): every interface is one vtable pointer, and IMethodMalloc's vtable
 * has exactly four slots, Alloc fourth. On 32-bit Windows every method is
 * __stdcall (STDMETHODCALLTYPE), the C and C++ declarations alike, as COM
 * requires; on x64 there is one convention.
 */
#ifndef ILHEAP_COM_H
#define ILHEAP_COM_H

#include "ilheap.h"
#include "ilheap_registry.h"

/* Compile-time checks of the layout (C11 / C++11; nothing on older compilers). */
#if defined(__cplusplus) && __cplusplus >= 201103L
#define ILHEAP__COM_ASSERT(cond, msg) static_assert(cond, msg)
#elif !defined(__cplusplus) && defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define ILHEAP__COM_ASSERT(cond, msg) _Static_assert(cond, msg)
#else
#define ILHEAP__COM_ASSERT(cond, msg)
#endif

#if defined(_WIN32)
/* The platform's own COM declarations: nothing below redefines them. */
#include <windows.h>
#include <unknwn.h>
#else

/* ---- Calling convention (the PAL's pal_mstypes.h and palrt.h spellings) -------------*/
#ifndef __cdecl
#if defined(__i386__)
#define __cdecl __attribute__((cdecl))
#else
#define __cdecl
#endif
#endif
#ifndef STDMETHODCALLTYPE
#define STDMETHODCALLTYPE __cdecl
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Base types (the PAL: pal_mstypes.h; 32-bit on every target) --------------------*/
#ifndef __PAL_MSTYPES_H__
typedef unsigned int ULONG;
typedef int HRESULT;
typedef void *PVOID;
#endif

#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
  ULONG Data1;
  unsigned short Data2;
  unsigned short Data3;
  unsigned char Data4[8];
} GUID;
typedef const GUID *LPCGUID; /* the PAL declares it inside this guard */
ILHEAP__COM_ASSERT(sizeof(GUID) == 16 && offsetof(GUID, Data4) == 8, "GUID is 16 bytes, Data4 at 8");
#endif

/* The PAL's palrt.h repeats these without a guard: same types, same tokens. */
#ifndef __IID_DEFINED__
#define __IID_DEFINED__
typedef GUID IID;
#endif
#ifndef REFIID
#ifdef __cplusplus
#define REFIID const IID &
#else
#define REFIID const IID *
#endif
#endif

/* ---- HRESULTs (palrt.h's and pal.h's spellings, token for token) ------------------------*/
#ifndef _HRESULT_TYPEDEF_
/* NOLINTNEXTLINE(bugprone-macro-parentheses): the PAL's spelling, token for token */
#define _HRESULT_TYPEDEF_(_sc) ((HRESULT)_sc)
#endif
#ifndef S_OK
#define S_OK _HRESULT_TYPEDEF_(0x00000000L)
#endif
#ifndef E_NOINTERFACE
#define E_NOINTERFACE _HRESULT_TYPEDEF_(0x80004002L)
#endif
#ifndef E_POINTER
#define E_POINTER _HRESULT_TYPEDEF_(0x80004003L)
#endif
#ifndef E_FAIL
#define E_FAIL _HRESULT_TYPEDEF_(0x80004005L)
#endif
#ifndef E_OUTOFMEMORY
#define E_OUTOFMEMORY _HRESULT_TYPEDEF_(0x8007000EL)
#endif
#ifndef E_INVALIDARG
#define E_INVALIDARG _HRESULT_TYPEDEF_(0x80070057L)
#endif
/* The spacing is the PAL's, and part of each macro's identity. */
/* clang-format off */
#ifndef SUCCEEDED
#define SUCCEEDED(Status) ((HRESULT)(Status) >= 0)
#endif
#ifndef FAILED
#define FAILED(Status) ((HRESULT)(Status)<0)
#endif
/* clang-format on */

/* ---- IUnknown ----------------------------------------------------------------------*/
#ifndef __IUnknown_FWD_DEFINED__
#define __IUnknown_FWD_DEFINED__
typedef struct IUnknown IUnknown;
#endif

#ifndef __IUnknown_INTERFACE_DEFINED__
#define __IUnknown_INTERFACE_DEFINED__

typedef IUnknown *LPUNKNOWN; /* the PAL declares it inside this guard */

/* {00000000-0000-0000-C000-000000000046} */
ILHEAP_API extern const IID IID_IUnknown;

#if defined(__cplusplus) && !defined(CINTERFACE)
struct IUnknown {
  virtual HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void **ppvObject) = 0;
  virtual ULONG STDMETHODCALLTYPE AddRef(void) = 0;
  virtual ULONG STDMETHODCALLTYPE Release(void) = 0;
};
#else
typedef struct IUnknownVtbl {
  HRESULT(STDMETHODCALLTYPE *QueryInterface)(IUnknown *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IUnknown *This);
  ULONG(STDMETHODCALLTYPE *Release)(IUnknown *This);
} IUnknownVtbl;

struct IUnknown {
  const struct IUnknownVtbl *lpVtbl;
};

#ifdef COBJMACROS
#define IUnknown_QueryInterface(This, riid, ppvObject)                                             \
  ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IUnknown_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IUnknown_Release(This) ((This)->lpVtbl->Release(This))
#endif
#endif
#endif /* __IUnknown_INTERFACE_DEFINED__ */

#ifdef __cplusplus
}
#endif
#endif /* !_WIN32 */

#ifdef __cplusplus
extern "C" {
#endif

/* ---- IMethodMalloc -------------------------------------------------------------------*/
#ifndef __IMethodMalloc_FWD_DEFINED__
#define __IMethodMalloc_FWD_DEFINED__
typedef struct IMethodMalloc IMethodMalloc;
#endif

#ifndef __IMethodMalloc_INTERFACE_DEFINED__
#define __IMethodMalloc_INTERFACE_DEFINED__

/* {A0EFB28B-6EE2-4d7b-B983-A75EF7BEEDB8} */
ILHEAP_API extern const IID IID_IMethodMalloc;

#if defined(__cplusplus) && !defined(CINTERFACE)
struct IMethodMalloc : public IUnknown {
  virtual PVOID STDMETHODCALLTYPE Alloc(ULONG cb) = 0;
};
ILHEAP__COM_ASSERT(sizeof(IMethodMalloc) == sizeof(void *), "an interface is one vtable pointer");
#else
/* Slots in this order: 0 QueryInterface, 1 AddRef, 2 Release, 3 Alloc. */
typedef struct IMethodMallocVtbl {
  HRESULT(STDMETHODCALLTYPE *QueryInterface)(IMethodMalloc *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IMethodMalloc *This);
  ULONG(STDMETHODCALLTYPE *Release)(IMethodMalloc *This);
  PVOID(STDMETHODCALLTYPE *Alloc)(IMethodMalloc *This, ULONG cb);
} IMethodMallocVtbl;

struct IMethodMalloc {
  const IMethodMallocVtbl *lpVtbl;
};
ILHEAP__COM_ASSERT(sizeof(IMethodMalloc) == sizeof(void *), "an interface is one vtable pointer");
ILHEAP__COM_ASSERT(sizeof(IMethodMallocVtbl) == 4 * sizeof(void (*)(void)) &&
                       offsetof(IMethodMallocVtbl, Alloc) == 3 * sizeof(void (*)(void)),
                   "IMethodMalloc: four slots, Alloc fourth");

#ifdef COBJMACROS
#define IMethodMalloc_QueryInterface(This, riid, ppvObject)                                        \
  ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IMethodMalloc_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IMethodMalloc_Release(This) ((This)->lpVtbl->Release(This))
#define IMethodMalloc_Alloc(This, cb) ((This)->lpVtbl->Alloc(This, cb))
#endif
#endif
#endif /* __IMethodMalloc_INTERFACE_DEFINED__ */

/* ---- ilheap's functions --------------------------------------------------------------*/

/* 1 if *a and *b are the same GUID (all 16 bytes), else 0 (0 too if either is
 * NULL). A function, so that it never clashes with IsEqualGUID, which the
 * platform headers define in several incompatible ways. */
ILHEAP_API int ilheap_guid_equal(const GUID *a, const GUID *b);

#if !defined(__cplusplus) || defined(CINTERFACE)
/* The heap's IMethodMalloc: the same object on every call, valid while the heap
 * lives (see "Lifetime model" above). Handed out without an AddRef. Safe to call
 * from several threads at once, the first time included. In C++ this is the
 * C++ object (see "C++ callers" above and the end of this header).
 * NULL heap: NULL. */
ILHEAP_API IMethodMalloc *ilheap_method_malloc(ilheap *heap);

/* What a mock ICorProfilerInfo::GetILFunctionBodyAllocator does:
 * ilheap_registry_get(reg, module_id, module_base) then ilheap_method_malloc.
 * NULL when ilheap_registry_get fails (reg NULL, the id known with a different
 * base, no memory). In C++ this is the C++ object too. */
ILHEAP_API IMethodMalloc *ilheap_registry_method_malloc(ilheap_registry *reg, uintptr_t module_id,
                                                        const void *module_base);
#endif

/* The heap behind m, if m is an IMethodMalloc that ilheap handed out, the C or
 * the C++ object (e.g. to read its statistics); NULL for NULL or for any other
 * COM object (m must point to a COM object: its first word is read). */
ILHEAP_API ilheap *ilheap_method_malloc_heap(IMethodMalloc *m);

/* The reported reference count of an ilheap IMethodMalloc, without changing it:
 * 1 + outstanding AddRefs (saturating, see above). 0 for NULL or a foreign
 * object. */
ILHEAP_API ULONG ilheap_method_malloc_refcount(IMethodMalloc *m);

/* The methods of the heap's IMethodMalloc as plain functions, on the heap (the
 * C object's vtable and the C++ object both call them; Alloc is ilheap_alloc):
 *   query    S_OK and an AddRef when *riid is IID_IUnknown or IID_IMethodMalloc,
 *            else E_NOINTERFACE (NULL riid too); E_POINTER for a NULL heap;
 *   addref   AddRef: the new count (saturating at 0xFFFFFFFF); 0 for NULL;
 *   release  Release: the new count (never below 1); 0 for NULL. */
ILHEAP_API HRESULT ilheap_method_malloc_query(ilheap *heap, const IID *riid);
ILHEAP_API ULONG ilheap_method_malloc_addref(ilheap *heap);
ILHEAP_API ULONG ilheap_method_malloc_release(ilheap *heap);

/* For this header's C++ code only. The room inside every heap for its C++
 * object, and the one-time construction: the first call (from any thread) runs
 * construct(storage, heap) exactly once and publishes the object; every call
 * returns storage, after construction. NULL for a NULL heap or construct. */
#define ILHEAP_METHOD_MALLOC_CXX_SIZE (4 * sizeof(void *))
ILHEAP_API void *ilheap_method_malloc_cxx(ilheap *heap,
                                          void (*construct)(void *storage, ilheap *heap));

#ifdef __cplusplus
}
#endif

/* ---- The C++ object ---------------------------------------------------------------------*/
#if defined(__cplusplus) && !defined(CINTERFACE)
#include <new>

/* An IMethodMalloc with a C++ vtable and RTTI, living inside its heap. Every
 * method forwards to the heap (ilheap_method_malloc_query/addref/release,
 * ilheap_alloc), so it answers exactly as the C object does. Not copyable; never
 * deleted (its storage is the heap's); get it from ilheap_method_malloc. */
class ilheap_method_malloc_object final : public IMethodMalloc {
public:
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void **ppvObject) override {
    if (ppvObject == nullptr)
      return E_POINTER;
    *ppvObject = nullptr;
    HRESULT hr = ilheap_method_malloc_query(heap_, &riid);
    if (hr == S_OK)
      *ppvObject = static_cast<IMethodMalloc *>(this); /* IUnknown is the same pointer */
    return hr;
  }
  ULONG STDMETHODCALLTYPE AddRef(void) override { return ilheap_method_malloc_addref(heap_); }
  ULONG STDMETHODCALLTYPE Release(void) override { return ilheap_method_malloc_release(heap_); }
  PVOID STDMETHODCALLTYPE Alloc(ULONG cb) override {
    return ilheap_alloc(heap_, static_cast<uint32_t>(cb));
  }

  /* The heap's C++ object, constructed on first use (any thread). NULL heap: NULL. */
  static IMethodMalloc *of(ilheap *heap) {
    void *storage = ilheap_method_malloc_cxx(heap, &construct);
    return storage != nullptr
               ? static_cast<IMethodMalloc *>(static_cast<ilheap_method_malloc_object *>(storage))
               : nullptr;
  }

  ilheap_method_malloc_object(const ilheap_method_malloc_object &) = delete;
  ilheap_method_malloc_object &operator=(const ilheap_method_malloc_object &) = delete;

private:
  explicit ilheap_method_malloc_object(ilheap *heap) : heap_(heap) {}
  static void construct(void *storage, ilheap *heap) {
    ::new (storage) ilheap_method_malloc_object(heap);
  }

  /* Read by the library (ilheap_method_malloc_heap): the vtable pointer, then
   * this, and nothing else. */
  ilheap *heap_;
};

static_assert(sizeof(ilheap_method_malloc_object) <= ILHEAP_METHOD_MALLOC_CXX_SIZE &&
                  alignof(ilheap_method_malloc_object) <= alignof(void *),
              "the C++ object fits the room the heap keeps for it");
static_assert(sizeof(ULONG) == 4 && sizeof(HRESULT) == 4, "ULONG and HRESULT are 32-bit");

/* C++: the heap's C++ object (see "C++ callers" above). NULL heap: NULL. */
inline IMethodMalloc *ilheap_method_malloc(ilheap *heap) {
  return ilheap_method_malloc_object::of(heap);
}

/* C++: ilheap_registry_get, then the module heap's C++ object; NULL when
 * ilheap_registry_get fails. */
inline IMethodMalloc *ilheap_registry_method_malloc(ilheap_registry *reg, uintptr_t module_id,
                                                    const void *module_base) {
  ilheap *heap = nullptr;
  if (ilheap_registry_get(reg, module_id, module_base, &heap) != ILHEAP_OK)
    return nullptr;
  return ilheap_method_malloc_object::of(heap);
}
#endif /* C++ */

#undef ILHEAP__COM_ASSERT
#endif /* ILHEAP_COM_H */
