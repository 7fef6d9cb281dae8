/* SPDX-License-Identifier: MIT */
/* Internal interfaces between the core and its adapters. Not installed. */
#ifndef ILHEAP_INTERNAL_H
#define ILHEAP_INTERNAL_H

#include "ilheap.h"

/*
 * Adapter area: ILHEAP_EXT_SIZE bytes inside every heap, aligned for any
 * pointer or 64-bit atomic, zero-filled at ilheap_create and alive exactly as
 * long as the heap. The core never reads or writes it; an adapter (the COM
 * object of src/com.c) lives there, so that it needs no allocation of its own
 * and dies with the heap.
 */
#define ILHEAP_EXT_SIZE 64
void *ilheap__ext(ilheap *heap);
ilheap *ilheap__from_ext(void *ext);

/*
 * Checks *opts as ilheap_create does (NULL: the defaults) and, when resolved is
 * not NULL, stores the full-size options it stands for (an older caller's
 * smaller struct completed with defaults). Returns 0, ILHEAP_EINVAL or
 * ILHEAP_EVERSION, with ilheap_create's meaning. Reserves and allocates nothing.
 */
int ilheap__options_check(const ilheap_options *opts, ilheap_options *resolved);

/* The size of the first published ilheap_provider, and the check every user
 * of a caller's provider makes (heaps, the landing zone): 0, ILHEAP_EVERSION or
 * ILHEAP_EINVAL, as ilheap_create documents. */
#define ILHEAP__PROVIDER_V1_SIZE (offsetof(ilheap_provider, release) + sizeof(void *))
int ilheap__provider_check(const ilheap_provider *p);

/* *out = *p as this library knows the struct: what p's size holds, NULL for
 * every function past it (a provider of an older version lacks them), and
 * size = sizeof *out. p has passed ilheap__provider_check. */
void ilheap__provider_whole(ilheap_provider *out, const ilheap_provider *p);

/*
 * The IIDs. The library exports IID_IUnknown and IID_IMethodMalloc for callers
 * that have no other definition, each in a file of its own (src/com_iid_*.c):
 * a static link then pulls one in only when nothing linked before it defined
 * the name, as a profiler's own IIDs (corprof_i.cpp, a dllmain.cpp of its own)
 * do. Where two definitions still meet, they merge: weak on ELF and Mach-O,
 * selectany on PE (what MIDL's generated _i.c files use), which GCC honours
 * only on a variable's first declaration (src/com_iid_method_malloc.c). On PE
 * a COMDAT still collides with a plain definition under GNU ld, and a weak
 * definition alone is left unresolved (binutils 2.40): so on Windows
 * IID_IUnknown is not the library's but the SDK's, from the uuid library every
 * COM program links (mingw-w64's libuuid.a, MSVC's uuid.lib), and a program's
 * own strong IID_IUnknown meets nothing of ilheap's. The COM adapter compares
 * against private copies, so it never depends on which definition won.
 */
#if defined(_WIN32) && (defined(__GNUC__) || defined(_MSC_VER))
#define ILHEAP__IID_MERGEABLE __declspec(selectany)
#elif defined(__GNUC__)
#define ILHEAP__IID_MERGEABLE __attribute__((weak))
#else
#define ILHEAP__IID_MERGEABLE
#endif
/* {00000000-0000-0000-C000-000000000046} */
#define ILHEAP__IID_IUNKNOWN_INIT                                                                  \
  {0x00000000u, 0x0000u, 0x0000u, {0xC0u, 0x00u, 0x00u, 0x00u, 0x00u, 0x00u, 0x00u, 0x46u}}
/* {A0EFB28B-6EE2-4d7b-B983-A75EF7BEEDB8}; in memory (little-endian):
 * 8B B2 EF A0 E2 6E 7B 4D B9 83 A7 5E F7 BE ED B8. */
#define ILHEAP__IID_IMETHODMALLOC_INIT                                                             \
  {0xA0EFB28Bu, 0x6EE2u, 0x4D7Bu, {0xB9u, 0x83u, 0xA7u, 0x5Eu, 0xF7u, 0xBEu, 0xEDu, 0xB8u}}

#endif
