/* SPDX-License-Identifier: MIT */
/*
 * A program that uses ilheap the way an embedding project would: only the
 * installed (or exported) headers and library. It proves the package works:
 * a heap for this program's own module, blocks inside the window, zero-filled,
 * the COM face of the heap, and the library variant it was linked with.
 *
 * Usage: consumer static|shared   (which variant it must have been linked with)
 */
#define _GNU_SOURCE
#if defined(_WIN32)
#include <windows.h>
#endif
#include <ilheap.h>
#include <ilheap_com.h>

#if !defined(_WIN32)
#include <dlfcn.h>
#endif
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The library file holding the code at addr ("?" if unknown), and the base of
 * the image holding it: what a runtime would give as the module's base. */
static const char *image_of(const void *addr, void **base) {
#if defined(_WIN32)
  static char name[MAX_PATH];
  HMODULE m = NULL;
  if (!GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                              GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                          (LPCSTR)addr, &m) ||
      GetModuleFileNameA(m, name, sizeof name) == 0)
    return NULL;
  *base = (void *)m;
  return name;
#else
  Dl_info info;
  if (dladdr(addr, &info) == 0)
    return NULL;
  *base = info.dli_fbase;
  return info.dli_fname ? info.dli_fname : "?";
#endif
}

#if defined(_WIN32)
#define SHARED_NAME "libilheap.dll"
#else
#define SHARED_NAME "libilheap.so"
#endif

static int failures;

static void check(int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "consumer: FAILED: %s\n", what);
    failures++;
  }
}

int main(int argc, char **argv) {
  if (argc != 2 || (strcmp(argv[1], "static") != 0 && strcmp(argv[1], "shared") != 0)) {
    fprintf(stderr, "usage: consumer static|shared\n");
    return 2;
  }
  /* The base of this program's own image, as a runtime would give it. */
  void *self_base = NULL;
  check(image_of((const void *)&failures, &self_base) != NULL, "the program's image");
  ilheap *heap = NULL;
  int err = ilheap_create(self_base, NULL, &heap);
  check(err == ILHEAP_OK && heap != NULL, "ilheap_create");
  if (!heap) {
    return 1;
  }
  uintptr_t base = (uintptr_t)self_base;
  for (uint32_t cb = 1; cb <= 4096; cb *= 2) {
    unsigned char *p = ilheap_alloc(heap, cb);
    check(p != NULL, "ilheap_alloc");
    if (!p) {
      continue;
    }
    uintptr_t off = (uintptr_t)p - base;
    check((uintptr_t)p > base && off + cb <= ilheap_max_offset(heap), "block inside the window");
    check((uintptr_t)p % ilheap_alignment(heap) == 0, "block aligned");
    for (uint32_t i = 0; i < cb; i++) {
      check(p[i] == 0, "block zero-filled");
      p[i] = (unsigned char)i;
    }
  }
  IMethodMalloc *mm = ilheap_method_malloc(heap);
  check(mm != NULL, "ilheap_method_malloc");
  if (mm) {
    check(mm->lpVtbl->Alloc(mm, 0) == NULL, "IMethodMalloc::Alloc(0) is NULL");
    check(mm->lpVtbl->Alloc(mm, 12) != NULL, "IMethodMalloc::Alloc(12)");
  }
  ilheap_stats st;
  st.size = sizeof st;
  check(ilheap_get_stats(heap, &st) == ILHEAP_OK && st.blocks == 14, "ilheap_get_stats");
  ilheap_destroy(heap);
  check(strcmp(ilheap_strerror(ILHEAP_EINVAL), ilheap_strerror(ILHEAP_OK)) != 0, "ilheap_strerror");

  /* Which variant did the build system give us? The library's code lives in
   * libilheap.so (libilheap.dll) when shared, in this program when static. */
  void *lib_base = NULL;
  const char *lib = image_of((const void *)(uintptr_t)&ilheap_create, &lib_base);
  check(lib != NULL, "the image of ilheap_create");
  int in_shared = lib != NULL && strstr(lib, SHARED_NAME) != NULL;
  check(in_shared == (strcmp(argv[1], "shared") == 0), "linked with the requested variant");
  printf("consumer (%s, ilheap %d.%d.%d from %s): %s\n", argv[1], ILHEAP_VERSION_MAJOR,
         ILHEAP_VERSION_MINOR, ILHEAP_VERSION_PATCH, lib ? lib : "?", failures ? "FAILED" : "ok");
  return failures ? 1 : 0;
}
