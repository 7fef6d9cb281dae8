/* SPDX-License-Identifier: MIT */
/*
 * Header order: compiled (never run) by CTest in C and C++, for the host and
 * for mingw-w64 (x86_64 and i686), with -Wall -Wextra -Werror, in both orders:
 *   ILHEAP_FIRST  ilheap_com.h, then the platform's headers;
 *   otherwise     the platform's headers, then ilheap_com.h.
 * The platform is mingw's real <windows.h> + <unknwn.h> on Windows targets, and
 * tests/com_fake_corprof.h (shaped like the CoreCLR PAL plus corprof.h) on the
 * host. A redefined macro, a conflicting typedef, a lost name (LPUNKNOWN,
 * LPCGUID) or a type that is not the platform's fails the compilation.
 */
#if defined(ILHEAP_FIRST)
#include <ilheap_com.h>
#endif

#if defined(_WIN32)
#include <windows.h>
#include <unknwn.h>
#else
#include "com_fake_corprof.h"
#endif

#if !defined(ILHEAP_FIRST)
#include <ilheap_com.h>
#endif

#include <stddef.h>

/* Compile-time checks that work in C and C++ alike. */
#define ORDER_CHECK(name, cond) typedef char order_check_##name[(cond) ? 1 : -1]

ORDER_CHECK(ulong_32, sizeof(ULONG) == 4);
ORDER_CHECK(hresult_32, sizeof(HRESULT) == 4);
ORDER_CHECK(guid_16, sizeof(GUID) == 16 && sizeof(IID) == 16);
ORDER_CHECK(pointer_object, sizeof(IMethodMalloc) == sizeof(void *));
ORDER_CHECK(hresults, S_OK == 0 && E_NOINTERFACE == (HRESULT)0x80004002L &&
                          E_POINTER == (HRESULT)0x80004003L && E_FAIL == (HRESULT)0x80004005L &&
                          E_OUTOFMEMORY == (HRESULT)0x8007000EL &&
                          E_INVALIDARG == (HRESULT)0x80070057L);
ORDER_CHECK(succeeded, SUCCEEDED(S_OK) && FAILED(E_FAIL) && !FAILED(S_OK));
#if !defined(_WIN32)
/* Off Windows the types are the PAL's exactly (a typedef to another type of
 * the same size would not compile twice, but say it anyway). */
ORDER_CHECK(pal_ulong, (ULONG)-1 > 0 && sizeof(ULONG) == sizeof(unsigned int));
#endif

/* Names the platform keeps inside guards ilheap_com.h may have taken first. */
LPUNKNOWN order_unknown;
LPCGUID order_guid;

#if defined(__cplusplus)
extern "C" {
#endif
HRESULT order_use(ilheap *heap, REFIID riid);
#if defined(__cplusplus)
}
#endif

HRESULT order_use(ilheap *heap, REFIID riid) {
  IMethodMalloc *m = ilheap_method_malloc(heap);
  void *ppv = NULL;
  void *body;
  HRESULT hr;
#if defined(__cplusplus) && !defined(CINTERFACE)
  hr = m->QueryInterface(riid, &ppv);
  body = m->Alloc(16);
  m->AddRef();
  m->Release();
  order_unknown = static_cast<IUnknown *>(m);
  order_guid = &IID_IMethodMalloc;
#else
  hr = m->lpVtbl->QueryInterface(m, riid, &ppv);
  body = m->lpVtbl->Alloc(m, 16);
  m->lpVtbl->AddRef(m);
  m->lpVtbl->Release(m);
  order_unknown = (IUnknown *)(void *)m;
  order_guid = &IID_IMethodMalloc;
#endif
  if (FAILED(hr) || body == NULL || ppv == NULL)
    return E_FAIL;
  return ilheap_guid_equal(order_guid, &IID_IUnknown) ? E_INVALIDARG : S_OK;
}
