// SPDX-License-Identifier: MIT
/*
 * C++ clients of ilheap's IMethodMalloc under UBSan's vptr check.
 *
 * The host includes ilheap_com.h in C++, so ilheap_method_malloc and
 * ilheap_registry_method_malloc hand out the C++ object. Two clients that
 * never see an ilheap header (client_own.cpp: a declaration of its own;
 * client_corprof.cpp: corprof.h's shape) make an IL rewriter's virtual calls on
 * it. Built with clang -fsanitize=address,undefined -fno-sanitize-recover=all
 * (the asan-ubsan preset, and tests/cpp_client/exact_flags.sh with exactly that
 * set), a call on an object without C++ RTTI aborts with "invalid vptr"; here
 * every call must pass and give the C API's answers: the reference count rules
 * and the contract of include/ilheap.h (positive offset, alignment, zero fill).
 * Exit status 0 = pass.
 */
#include <ilheap_com.h>

#include "client.h"

#include <cstdio>
#include <cstring>
#include <vector>

/* Threads: Windows threads on Windows (mingw's default libstdc++ has no
 * std::thread), std::thread elsewhere. */
#if defined(_WIN32)
#include <windows.h>
#else
#include <thread>
#endif

static int failures;
#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      std::fprintf(stderr, "%s:%d: %s failed\n", __FILE__, __LINE__, #cond);                       \
      failures++;                                                                                  \
    }                                                                                              \
  } while (0)

/* A stand-in module: its base is a real address of this process. */
static unsigned char module_image[4096];

static void check_report(const char *who, ilheap *heap, IMethodMalloc *m, const client_report &r) {
  std::printf("%s: dynamic type %s, %d failures inside\n", who, r.type_name, r.failures);
  CHECK(r.failures == 0);
  CHECK(std::strstr(r.type_name, "ilheap_method_malloc_object") != nullptr);
  CHECK(r.addref == 2u && r.release == 1u);
  /* The unbalanced Release left the count at its floor. */
  CHECK(ilheap_method_malloc_refcount(m) == 1u);
  uintptr_t base = ilheap_module_base(heap);
  static const uint32_t sizes[3] = {100, 1, 4000};
  for (int i = 0; i < 3; i++) {
    uintptr_t b = reinterpret_cast<uintptr_t>(r.blocks[i]);
    CHECK(b != 0);
    CHECK(b > base && b + sizes[i] - base <= ilheap_max_offset(heap)); /* contract 1 */
    CHECK(b % ilheap_alignment(heap) == 0);                            /* contract 2 */
  }
  ilheap_stats st;
  std::memset(&st, 0, sizeof st);
  st.size = sizeof st;
  CHECK(ilheap_get_stats(heap, &st) == ILHEAP_OK);
  CHECK(st.blocks == 3u && st.bytes_requested == 4101u);
}

/* First use of a heap's object from a thread. */
struct first_use {
  ilheap *heap;
  IMethodMalloc **out;
  static void run(first_use *f) { *f->out = ilheap_method_malloc(f->heap); }
};
#if defined(_WIN32)
static DWORD WINAPI first_use_thread(LPVOID arg) {
  first_use::run(static_cast<first_use *>(arg));
  return 0;
}
#endif

int main() {
  /* One heap, a client with its own declaration. */
  ilheap *heap = nullptr;
  CHECK(ilheap_create(module_image, nullptr, &heap) == ILHEAP_OK);
  IMethodMalloc *m = ilheap_method_malloc(heap);
  CHECK(m != nullptr);
  CHECK(ilheap_method_malloc(heap) == m); /* the same object on every call */
  CHECK(ilheap_method_malloc_heap(m) == heap);
  CHECK(ilheap_method_malloc_refcount(m) == 1u);
  client_report r;
  client_own_run(m, &r);
  check_report("own declaration", heap, m, r);

  /* The registry's heap, a client with corprof.h's declaration. */
  ilheap_registry *reg = nullptr;
  CHECK(ilheap_registry_create(nullptr, &reg) == ILHEAP_OK);
  IMethodMalloc *rm = ilheap_registry_method_malloc(reg, 7, module_image + 64);
  CHECK(rm != nullptr && rm != m);
  CHECK(ilheap_registry_method_malloc(reg, 7, module_image + 64) == rm);
  CHECK(ilheap_registry_method_malloc(reg, 7, module_image) == nullptr); /* stale base */
  ilheap *rheap = ilheap_registry_find(reg, 7);
  CHECK(ilheap_method_malloc_heap(rm) == rheap && rheap != nullptr);
  client_corprof_run(rm, &r);
  check_report("corprof.h declaration", rheap, rm, r);

  /* Both clients on one object: the count is shared and stays at its floor. */
  client_own_run(m, &r);
  CHECK(r.failures == 0);
  client_corprof_run(m, &r);
  CHECK(r.failures == 0 && ilheap_method_malloc_refcount(m) == 1u);

  /* First use from several threads at once: one object. */
  ilheap *fresh = nullptr;
  CHECK(ilheap_create(module_image, nullptr, &fresh) == ILHEAP_OK);
  std::vector<IMethodMalloc *> seen(4, nullptr);
  std::vector<first_use> jobs;
  for (size_t i = 0; i < seen.size(); i++)
    jobs.push_back(first_use{fresh, &seen[i]});
#if defined(_WIN32)
  std::vector<HANDLE> threads;
  for (first_use &j : jobs)
    threads.push_back(CreateThread(nullptr, 0, first_use_thread, &j, 0, nullptr));
  for (HANDLE t : threads) {
    CHECK(t != nullptr);
    if (t != nullptr) {
      WaitForSingleObject(t, INFINITE);
      CloseHandle(t);
    }
  }
#else
  std::vector<std::thread> threads;
  threads.reserve(jobs.size());
  for (first_use &j : jobs)
    threads.emplace_back(first_use::run, &j);
  for (auto &t : threads)
    t.join();
#endif
  for (IMethodMalloc *s : seen)
    CHECK(s != nullptr && s == seen[0]);
  CHECK(ilheap_method_malloc_heap(seen[0]) == fresh);

  /* Bad input. */
  CHECK(ilheap_method_malloc(nullptr) == nullptr);
  CHECK(ilheap_registry_method_malloc(nullptr, 1, module_image) == nullptr);
  CHECK(ilheap_method_malloc_heap(nullptr) == nullptr);
  CHECK(ilheap_method_malloc_cxx(nullptr, nullptr) == nullptr);

  ilheap_destroy(fresh);
  ilheap_registry_destroy(reg);
  ilheap_destroy(heap);
  std::printf("cpp_client: %s (%d failures)\n", failures == 0 ? "PASS" : "FAIL", failures);
  return failures == 0 ? 0 : 1;
}
