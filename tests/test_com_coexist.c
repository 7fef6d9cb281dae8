/* SPDX-License-Identifier: MIT */
/*
 * ilheap_com.h after the platform headers, in C: com_fake_corprof.h predefines
 * every COM name the way the CoreCLR PAL and MIDL's corprof.h do. This file
 * compiling under -Wall -Wextra -Werror is half the test (no redefinition, no
 * conflicting type); the checks below prove the types are the platform's, that
 * the platform's macros survived, and that the object works through the
 * platform's own C declaration of IMethodMalloc (lpVtbl and its COBJMACROS).
 *
 * It also defines IID_IUnknown and IID_IMethodMalloc itself, as a profiler that
 * compiles corprof_i.cpp (or links a "corguids" library) does: the program must
 * link (the library's definitions are weak) and QueryInterface must not care
 * which definition won.
 */
#include "com_fake_corprof.h"

#include "ilheap_com.h"

#include <criterion/criterion.h>

#include <stdint.h>
#include <string.h>

#include "ilheap_sim.h"

#ifndef COM_FAKE_CORPROF_INCLUDED
#error "the fake platform header was not included"
#endif

/* What corprof_i.c does (MIDL_DEFINE_GUID). */
const IID IID_IUnknown = {
    0x00000000u, 0x0000u, 0x0000u, {0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};
const IID IID_IMethodMalloc = {
    0xA0EFB28Bu, 0x6EE2u, 0x4D7Bu, {0xB9, 0x83, 0xA7, 0x5E, 0xF7, 0xBE, 0xED, 0xB8}};

/* Same types: _Generic picks the exact type, no conversion. */
/* T is a type name, which cannot be parenthesized. */
#define IS_TYPE(expr, T)                                                                           \
  _Generic((expr), T : 1, default : 0) /* NOLINT(bugprone-macro-parentheses) */
_Static_assert(IS_TYPE((ULONG)0, unsigned int), "ULONG is the PAL's unsigned int");
_Static_assert(IS_TYPE((HRESULT)0, int), "HRESULT is the PAL's LONG (int)");
_Static_assert(IS_TYPE((PVOID)0, void *), "PVOID");
_Static_assert(IS_TYPE(ilheap_method_malloc, IMethodMalloc *(*)(ilheap *)),
               "ilheap_method_malloc returns the platform's IMethodMalloc");
_Static_assert(IS_TYPE(ilheap_guid_equal, int (*)(const GUID *, const GUID *)),
               "ilheap_guid_equal takes the platform's GUID");
_Static_assert(IS_TYPE(((IMethodMalloc *)0)->lpVtbl, struct IMethodMallocVtbl *),
               "IMethodMalloc is the platform's C declaration (non-const lpVtbl)");
_Static_assert(sizeof(GUID) == 16, "GUID");

/* The platform's macros were kept, not redefined: STDMETHODCALLTYPE is still
 * the PAL's (expanding through __cdecl), HRESULTs still go through
 * _HRESULT_TYPEDEF_. Stringizing shows the definition that is in force. */
#define STR2(x) #x
#define STR(x) STR2(x)

Test(com_coexist, platform_macros_survive) {
  cr_assert_str_eq(STR(E_NOINTERFACE), "((HRESULT)0x80004002L)");
  cr_assert_eq((uint32_t)E_NOINTERFACE, 0x80004002u);
  cr_assert_eq((uint32_t)E_POINTER, 0x80004003u);
  cr_assert_str_eq(STR(REFIID), "const IID *");
#if defined(__i386__)
  cr_assert_str_eq(STR(STDMETHODCALLTYPE), "__attribute__((cdecl))");
#else
  cr_assert_str_eq(STR(STDMETHODCALLTYPE), "");
#endif
}

Test(com_coexist, works_through_the_platform_declaration) {
  ilheap_sim *sim = NULL;
  cr_assert_eq(ilheap_sim_create(16u << 20, 0, &sim), ILHEAP_OK);
  ilheap_options o;
  ilheap_options_init(&o);
  o.provider = ilheap_sim_provider(sim);
  uintptr_t module = ilheap_sim_base(sim) + (1u << 20);
  ilheap *heap = NULL;
  cr_assert_eq(ilheap_create((const void *)module, &o, &heap), ILHEAP_OK);

  IMethodMalloc *m = ilheap_method_malloc(heap);
  cr_assert_not_null(m);

  /* The platform's typed function pointers, slot by slot. */
  HRESULT(STDMETHODCALLTYPE * qi)(IMethodMalloc *, REFIID, void **) = m->lpVtbl->QueryInterface;
  ULONG(STDMETHODCALLTYPE * addref)(IMethodMalloc *) = m->lpVtbl->AddRef;
  ULONG(STDMETHODCALLTYPE * release)(IMethodMalloc *) = m->lpVtbl->Release;
  PVOID(STDMETHODCALLTYPE * alloc)(IMethodMalloc *, ULONG) = m->lpVtbl->Alloc;

  void *p = NULL;
  cr_assert_eq(qi(m, &IID_IMethodMalloc, &p), S_OK);
  cr_assert_eq(p, m);
  cr_assert_eq(release(m), 1u);
  p = (void *)m;
  static const IID other = {
      0xA0EFB28Bu, 0x6EE2u, 0x4D7Bu, {0xB9, 0x83, 0xA7, 0x5E, 0xF7, 0xBE, 0xED, 0xB9}};
  cr_assert_eq(qi(m, &other, &p), E_NOINTERFACE);
  cr_assert_null(p);
  cr_assert_eq(qi(m, &IID_IMethodMalloc, NULL), E_POINTER);

  IUnknown *unk = NULL;
  cr_assert_eq(IMethodMalloc_QueryInterface(m, &IID_IUnknown, (void **)&unk), S_OK);
  cr_assert_eq((void *)unk, (void *)m);
  cr_assert_eq(unk->lpVtbl->AddRef(unk), 3u, "through the platform's IUnknownVtbl");
  cr_assert_eq(unk->lpVtbl->Release(unk), 2u);
  cr_assert_eq(IMethodMalloc_Release(m), 1u);
  cr_assert_eq(IMethodMalloc_Release(m), 1u, "Release without AddRef: harmless");
  cr_assert_eq(addref(m), 2u);
  cr_assert_eq(release(m), 1u);

  cr_assert_null(alloc(m, 0));
  unsigned char *body = IMethodMalloc_Alloc(m, 12);
  cr_assert_not_null(body);
  cr_assert_gt((uintptr_t)body, module);
  cr_assert_eq((uintptr_t)body % 4u, 0u);
  memset(body, 0x13, 12);

  ilheap_destroy(heap);
  ilheap_sim_destroy(sim);
}

/* The program's own IID definitions won the link, and ilheap's QueryInterface
 * answers the same whichever did. */
Test(com_coexist, program_defined_iids_link_and_match) {
  static const unsigned char bytes[16] = {0x8B, 0xB2, 0xEF, 0xA0, 0xE2, 0x6E, 0x7B, 0x4D,
                                          0xB9, 0x83, 0xA7, 0x5E, 0xF7, 0xBE, 0xED, 0xB8};
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  cr_assert_eq(memcmp(&IID_IMethodMalloc, bytes, 16), 0);
#else
  (void)bytes;
#endif
  ilheap *heap = NULL;
  cr_assert_eq(ilheap_create((const void *)(uintptr_t)0x30000000u, NULL, &heap), ILHEAP_OK);
  IMethodMalloc *m = ilheap_method_malloc(heap);
  IID copy;
  memcpy(&copy, &IID_IMethodMalloc, sizeof copy);
  void *p = NULL;
  cr_assert_eq(m->lpVtbl->QueryInterface(m, &copy, &p), S_OK);
  cr_assert_eq(p, m);
  cr_assert(ilheap_guid_equal(&copy, &IID_IMethodMalloc));
  ilheap_destroy(heap);
}
