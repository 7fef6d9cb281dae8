/* SPDX-License-Identifier: MIT */
/*
 * A stand-in for the headers a profiler includes before ilheap_com.h: the
 * CoreCLR PAL's base types (pal_mstypes.h), its COM macros (palrt.h), IUnknown
 * (unknwn.h) and the MIDL-generated IMethodMalloc of corprof.h. It predefines
 * the same names, with the same guards, the same shapes and the same macro
 * spellings as those headers do on Linux, so that a test can prove
 * ilheap_com.h, included before or after it, redefines nothing differently and
 * uses the same types:
 *   - ULONG, LONG, HRESULT, PVOID as unguarded typedefs (pal_mstypes.h);
 *   - __cdecl: empty off i386 without a guard, cdecl on i386 under
 *     !defined(__cdecl) (pal_mstypes.h);
 *   - GUID and LPCGUID under GUID_DEFINED (pal_mstypes.h);
 *   - IID, REFIID (a pointer in C, a reference in C++), __IID_DEFINED__, all
 *     without a guard (palrt.h);
 *   - HRESULT constants through _HRESULT_TYPEDEF_, STDMETHODCALLTYPE as
 *     __cdecl, without guards (palrt.h); SUCCEEDED and FAILED (pal.h);
 *   - IUnknown and LPUNKNOWN under __IUnknown_INTERFACE_DEFINED__ (unknwn.h);
 *   - IUnknown and IMethodMalloc under __IUnknown_INTERFACE_DEFINED__,
 *     __IMethodMalloc_FWD_DEFINED__ and __IMethodMalloc_INTERFACE_DEFINED__:
 *     abstract classes with virtual methods in C++, lpVtbl structs in C, as
 *     MIDL emits them;
 *   - the IIDs declared EXTERN_C const IID.
 * Only the declarations are modelled, nothing is copied: the shapes are facts
 * (include/ilheap_com.h and /work/shared/FACTS.md section 4 cite them).
 */
#ifndef COM_FAKE_CORPROF_H
#define COM_FAKE_CORPROF_H

#ifdef _WIN32
/* On Windows the PAL's part is the Windows SDK itself (windows.h: the base
 * types, the COM macros with __stdcall, unknwn.h's IUnknown); only corprof.h's
 * declarations below are modelled. */
#include <windows.h>
#else
/* ---- pal_mstypes.h ---------------------------------------------------------- */
#ifndef __PAL_MSTYPES_H__
#define __PAL_MSTYPES_H__

#ifdef __cplusplus
#define EXTERN_C extern "C"
#else
#define EXTERN_C extern
#endif

#if defined(__i386__)
#define __cdecl __attribute__((cdecl))
#else
#define __cdecl
#endif

typedef int LONG;
typedef unsigned int ULONG;
typedef unsigned short USHORT;
typedef unsigned char UCHAR;
typedef void *PVOID;
typedef LONG HRESULT;

#ifndef GUID_DEFINED
typedef struct _GUID {
  ULONG Data1;
  USHORT Data2;
  USHORT Data3;
  UCHAR Data4[8];
} GUID;
typedef const GUID *LPCGUID;
#define GUID_DEFINED
#endif
#endif /* __PAL_MSTYPES_H__ */

/* ---- palrt.h ------------------------------------------------------------------ */
// NOLINTNEXTLINE(bugprone-macro-parentheses): spelled as palrt.h spells it
#define _HRESULT_TYPEDEF_(_sc) ((HRESULT)_sc)
#define S_OK _HRESULT_TYPEDEF_(0x00000000L)
#define E_NOINTERFACE _HRESULT_TYPEDEF_(0x80004002L)
#define E_OUTOFMEMORY _HRESULT_TYPEDEF_(0x8007000EL)
#define E_INVALIDARG _HRESULT_TYPEDEF_(0x80070057L)
#define E_POINTER _HRESULT_TYPEDEF_(0x80004003L)
#define E_FAIL _HRESULT_TYPEDEF_(0x80004005L)
/* pal.h's spacing, part of each macro's identity. */
/* clang-format off */
#define SUCCEEDED(Status) ((HRESULT)(Status) >= 0)
#define FAILED(Status) ((HRESULT)(Status)<0)
/* clang-format on */

#define interface struct
#define STDMETHODCALLTYPE __cdecl

typedef GUID IID;
#ifdef __cplusplus
#define REFIID const IID &
#else
#define REFIID const IID *
#endif
#define __IID_DEFINED__

#define MIDL_INTERFACE(x) struct

/* ---- unknwn.h -------------------------------------------------------------------- */
#ifndef __IUnknown_INTERFACE_DEFINED__
#define __IUnknown_INTERFACE_DEFINED__

typedef interface IUnknown IUnknown;

typedef IUnknown *LPUNKNOWN;

EXTERN_C const IID IID_IUnknown;

#if defined(__cplusplus) && !defined(CINTERFACE)
MIDL_INTERFACE("00000000-0000-0000-C000-000000000046")
IUnknown {
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
interface IUnknown {
  struct IUnknownVtbl *lpVtbl;
};
#endif
#endif /* __IUnknown_INTERFACE_DEFINED__ */

#endif /* _WIN32 */

/* ---- corprof.h --------------------------------------------------------------------- */
#ifndef __IMethodMalloc_FWD_DEFINED__
#define __IMethodMalloc_FWD_DEFINED__
typedef interface IMethodMalloc IMethodMalloc;
#endif

#ifdef __cplusplus
extern "C" {
#endif

#ifndef __IMethodMalloc_INTERFACE_DEFINED__
#define __IMethodMalloc_INTERFACE_DEFINED__

EXTERN_C const IID IID_IMethodMalloc;

#if defined(__cplusplus) && !defined(CINTERFACE)
MIDL_INTERFACE("A0EFB28B-6EE2-4d7b-B983-A75EF7BEEDB8")
IMethodMalloc : public IUnknown {
public:
  virtual PVOID STDMETHODCALLTYPE Alloc(/* [in] */ ULONG cb) = 0;
};
#else
typedef struct IMethodMallocVtbl {
  HRESULT(STDMETHODCALLTYPE *QueryInterface)(IMethodMalloc *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IMethodMalloc *This);
  ULONG(STDMETHODCALLTYPE *Release)(IMethodMalloc *This);
  PVOID(STDMETHODCALLTYPE *Alloc)(IMethodMalloc *This, /* [in] */ ULONG cb);
} IMethodMallocVtbl;

interface IMethodMalloc {
  struct IMethodMallocVtbl *lpVtbl;
};

#define IMethodMalloc_QueryInterface(This, riid, ppvObject)                                        \
  ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IMethodMalloc_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IMethodMalloc_Release(This) ((This)->lpVtbl->Release(This))
#define IMethodMalloc_Alloc(This, cb) ((This)->lpVtbl->Alloc(This, cb))
#endif
#endif /* __IMethodMalloc_INTERFACE_DEFINED__ */

#ifdef __cplusplus
}
#endif

/* A marker the tests check: ilheap_com.h must have kept these definitions. */
#define COM_FAKE_CORPROF_INCLUDED 1

#endif /* COM_FAKE_CORPROF_H */
