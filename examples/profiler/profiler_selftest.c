/* SPDX-License-Identifier: MIT */
/*
 * The sample profiler without a runtime: its COM plumbing (every callback
 * slot filled, the class factory and QueryInterface rules). The IL bodies it
 * writes are laid out by the library (include/ilheap_il.h, tests/test_il.c).
 * The runtime side is scripts/e2e.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profiler.h"

static int g_failed;

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);                     \
      g_failed = 1;                                                                                \
    }                                                                                              \
  } while (0)

static const IID IID_IClassFactory_ = {
    0x00000001, 0x0000, 0x0000, {0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};
static const IID IID_ICorProfilerCallback2_ = {
    0x8a8cc829, 0xccf2, 0x49fe, {0xbb, 0xae, 0x0f, 0x02, 0x22, 0x28, 0x07, 0x1a}};
/* ICorProfilerCallback3 {4FD2ED52-7731-4b8d-9469-03D2CC3086C5}: the sample implements up to
 * ICorProfilerCallback2, so QueryInterface must answer E_NOINTERFACE for it. */
static const IID IID_ICorProfilerCallback3_ = {
    0x4fd2ed52, 0x7731, 0x4b8d, {0x94, 0x69, 0x03, 0xd2, 0xcc, 0x30, 0x86, 0xc5}};

typedef void (*slot_fn)(void);

static void test_vtable_complete(void) {
  const ICorProfilerCallback2Vtbl *v = ilheap_sample_callback_vtbl();
  slot_fn slots[sizeof *v / sizeof(slot_fn)];
  memcpy(slots, v, sizeof slots);
  size_t n = sizeof slots / sizeof slots[0];
  CHECK(n == 80);
  for (size_t i = 0; i < n; i++) {
    if (!slots[i])
      fprintf(stderr, "callback slot %zu is NULL\n", i);
    CHECK(slots[i] != NULL);
  }
}

static void test_factory(void) {
  void *pv = (void *)1;
  CHECK(DllGetClassObject(&IID_IUnknown, &IID_IClassFactory_, &pv) == CLASS_E_CLASSNOTAVAILABLE);
  CHECK(pv == NULL);
  CHECK(DllGetClassObject(&CLSID_IlheapSampleProfiler, &IID_IClassFactory_, NULL) == E_POINTER);

  IClassFactory *cf = NULL;
  CHECK(DllGetClassObject(&CLSID_IlheapSampleProfiler, &IID_IClassFactory_, (void **)&cf) == S_OK);
  if (!cf)
    return;
  ICorProfilerCallback2 *cb = NULL;
  IUnknown outer = {NULL};
  CHECK(cf->lpVtbl->CreateInstance(cf, &outer, &IID_ICorProfilerCallback2_, (void **)&cb) ==
        CLASS_E_NOAGGREGATION);
  CHECK(cf->lpVtbl->CreateInstance(cf, NULL, &IID_ICorProfilerCallback3_, (void **)&cb) ==
        E_NOINTERFACE);
  CHECK(cb == NULL);
  CHECK(cf->lpVtbl->CreateInstance(cf, NULL, &IID_ICorProfilerCallback2_, (void **)&cb) == S_OK);
  if (!cb)
    return;
  CHECK(cb->lpVtbl == ilheap_sample_callback_vtbl());
  void *q = (void *)1;
  CHECK(cb->lpVtbl->QueryInterface(cb, &IID_ICorProfilerCallback3_, &q) == E_NOINTERFACE);
  CHECK(q == NULL);
  CHECK(cb->lpVtbl->QueryInterface(cb, &IID_IUnknown, &q) == S_OK);
  CHECK(q == (void *)cb);
  CHECK(cb->lpVtbl->Release(cb) == 1); /* the QI's reference */
  /* An unused callback answers S_OK. */
  CHECK(cb->lpVtbl->ThreadCreated(cb, 1) == S_OK);
  CHECK(cb->lpVtbl->HandleDestroyed(cb, 1) == S_OK);
  CHECK(cb->lpVtbl->Release(cb) == 0); /* frees it */
}

int main(void) {
  test_vtable_complete();
  test_factory();
  if (g_failed) {
    fprintf(stderr, "profiler_selftest: FAILED\n");
    return 1;
  }
  printf("profiler_selftest: vtable (80 slots), class factory, QI: ok\n");
  return 0;
}
