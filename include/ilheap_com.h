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
 * ---- Coexisting with Windows, the CoreCLR PAL and CorProf.h -------------------
 * Include this header AFTER them (windows.h / pal.h / palrt.h / unknwn.h /
 * corprof.h). Every COM name here is declared only when the platform headers did
 * not already, using their own guards (GUID_DEFINED, __IID_DEFINED__,
 * _REFIID_DEFINED, __IUnknown_INTERFACE_DEFINED__,
 * __IMethodMalloc_INTERFACE_DEFINED__, __IMethodMalloc_FWD_DEFINED__, and the PAL
 * and Windows base-type headers), and with exactly their types: ULONG and
 * HRESULT are 32-bit (unsigned long / long on Windows, unsigned int / int like
 * the PAL elsewhere); STDMETHODCALLTYPE is __stdcall on Windows and nothing
 * elsewhere (the PAL's __cdecl is the default convention there). The other
 * order is not supported: platform headers included afterwards would find
 * GUID_DEFINED and skip more than this header declares (Windows skips all of
 * guiddef.h: REFGUID, CLSID...) or redefine its macros (STDMETHODCALLTYPE,
 * S_OK...).
 *
 * As the MIDL headers do, C++ (without CINTERFACE) sees IUnknown and
 * IMethodMalloc as abstract structs with virtual STDMETHODCALLTYPE methods; C
 * (or C++ with CINTERFACE) sees structs whose first member is lpVtbl. Both
 * describe the same object.
 *
 * The IIDs: IID_IUnknown and IID_IMethodMalloc are defined by the library, as
 * weak definitions with GCC and Clang off Windows (selectany with MSVC), so a
 * program that also defines them (e.g. by compiling corprof_i.cpp, or linking a
 * "corguids" library) links without duplicate-symbol errors; ilheap's own
 * QueryInterface never depends on which definition wins.
 *
 * C++ callers built with -fsanitize=vptr (part of clang's and gcc's
 * -fsanitize=undefined for C++): the object is implemented in C and carries no
 * RTTI, so the vptr check would reject virtual calls through the C++
 * declaration. Exempt the call sites (__attribute__((no_sanitize("vptr")))) or
 * build with -fno-sanitize=vptr; calls through lpVtbl (CINTERFACE) are not
 * checked.
 */
#ifndef ILHEAP_COM_H
#define ILHEAP_COM_H

#include "ilheap.h"
#include "ilheap_registry.h"

/* ---- Calling convention -------------------------------------------------------*/
#ifndef STDMETHODCALLTYPE
#if defined(_WIN32)
#define STDMETHODCALLTYPE __stdcall
#else
#define STDMETHODCALLTYPE
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Base types (windows.h: BASETYPES, _HRESULT_DEFINED, _WINNT_; the CoreCLR
 * PAL: pal_mstypes.h) ----------------------------------------------------------------*/
#if !defined(BASETYPES) && !defined(__PAL_MSTYPES_H__)
#if defined(_WIN32)
typedef unsigned long ULONG;
#else
typedef unsigned int ULONG;
#endif
#endif

#if !defined(_HRESULT_DEFINED) && !defined(__PAL_MSTYPES_H__)
#if defined(_WIN32)
typedef long HRESULT;
#else
typedef int HRESULT;
#endif
#endif

#if !defined(_WINNT_) && !defined(__PAL_MSTYPES_H__)
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
#endif

#if !defined(__IID_DEFINED__) && !defined(IID_DEFINED)
#define __IID_DEFINED__
typedef GUID IID;
#endif

#if !defined(_REFIID_DEFINED) && !defined(REFIID)
#define _REFIID_DEFINED
#ifdef __cplusplus
#define REFIID const IID &
#else
#define REFIID const IID *
#endif
#endif

/* ---- HRESULTs --------------------------------------------------------------------*/
#ifndef S_OK
#define S_OK ((HRESULT)0)
#endif
#ifndef E_NOINTERFACE
#define E_NOINTERFACE ((HRESULT)0x80004002L)
#endif
#ifndef E_POINTER
#define E_POINTER ((HRESULT)0x80004003L)
#endif
#ifndef E_FAIL
#define E_FAIL ((HRESULT)0x80004005L)
#endif
#ifndef E_OUTOFMEMORY
#define E_OUTOFMEMORY ((HRESULT)0x8007000EL)
#endif
#ifndef E_INVALIDARG
#define E_INVALIDARG ((HRESULT)0x80070057L)
#endif
#ifndef SUCCEEDED
#define SUCCEEDED(hr) ((HRESULT)(hr) >= 0)
#endif
#ifndef FAILED
#define FAILED(hr) ((HRESULT)(hr) < 0)
#endif

/* ---- IUnknown ----------------------------------------------------------------------*/
#ifndef __IUnknown_FWD_DEFINED__
#define __IUnknown_FWD_DEFINED__
typedef struct IUnknown IUnknown;
#endif

#ifndef __IUnknown_INTERFACE_DEFINED__
#define __IUnknown_INTERFACE_DEFINED__

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

/* The heap's IMethodMalloc: the same object on every call, valid while the heap
 * lives (see "Lifetime model" above). Handed out without an AddRef. Safe to call
 * from several threads at once, the first time included.
 * NULL heap: NULL. */
ILHEAP_API IMethodMalloc *ilheap_method_malloc(ilheap *heap);

/* What a mock ICorProfilerInfo::GetILFunctionBodyAllocator does:
 * ilheap_registry_get(reg, module_id, module_base) then ilheap_method_malloc.
 * NULL when ilheap_registry_get fails (reg NULL, the id known with a different
 * base, no memory). */
ILHEAP_API IMethodMalloc *ilheap_registry_method_malloc(ilheap_registry *reg, uintptr_t module_id,
                                                        const void *module_base);

/* The heap behind m, if m is an IMethodMalloc that ilheap handed out (e.g. to
 * read its statistics); NULL for NULL or for any other COM object (m must point
 * to a COM object: its first word is read). */
ILHEAP_API ilheap *ilheap_method_malloc_heap(IMethodMalloc *m);

/* The reported reference count of an ilheap IMethodMalloc, without changing it:
 * 1 + outstanding AddRefs (saturating, see above). 0 for NULL or a foreign
 * object. */
ILHEAP_API ULONG ilheap_method_malloc_refcount(IMethodMalloc *m);

#ifdef __cplusplus
}
#endif

#endif /* ILHEAP_COM_H */
