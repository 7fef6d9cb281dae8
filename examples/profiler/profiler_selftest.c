/*
 * The sample profiler without a runtime: its COM plumbing (every callback
 * slot filled, the class factory and QueryInterface rules) and its IL body
 * encoder (tiny and fat headers, EH sections, alignment). The runtime side is
 * scripts/e2e.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "il_body.h"
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

static void test_tiny(void) {
  static const uint8_t code[] = {0x1F, 42, 0x2A};
  uint8_t buf[8];
  CHECK(il_tiny_size(sizeof code) == 4);
  CHECK(il_write_tiny(buf, code, sizeof code) == 4);
  CHECK(buf[0] == ((3 << 2) | 0x2));
  il_method m;
  CHECK(il_parse(buf, 4, &m) == 0);
  CHECK(!m.fat && m.code_size == 3 && memcmp(m.code, code, 3) == 0 && m.max_stack == 8);
  CHECK(il_parse(buf, 3, &m) == -1); /* truncated */
  uint8_t big[64] = {0};
  CHECK(il_tiny_size(64) == 0);
  CHECK(il_write_tiny(buf, big, 64) == 0);
}

/* The layout of a fat body with one small EH clause after 18 bytes of code:
 * header 12, code 18, 2 bytes of padding to the 4-byte boundary, section 16. */
static void test_fat(void) {
  uint8_t code[18];
  for (size_t i = 0; i < sizeof code; i++)
    code[i] = (uint8_t)(0x80 + i);
  il_clause c = {IL_CLAUSE_TYPED, 0, 10, 10, 6, 0x01000012};
  CHECK(il_fat_size(sizeof code, &c, 1) == 48);
  uint32_t storage[32];
  uint8_t *buf = (uint8_t *)storage;
  memset(storage, 0xCC, sizeof storage);
  CHECK(il_write_fat(buf, IL_INIT_LOCALS, 2, 0x11000001, code, sizeof code, &c, 1) == 48);
  CHECK(buf[0] == (0x3 | 0x8 | 0x10) && buf[1] == 0x30); /* fat, more sects, init locals, 3 dw */
  CHECK(buf[30] == 0 && buf[31] == 0);                   /* padding */
  CHECK(buf[32] == IL_SECT_EHTABLE && buf[33] == 16);    /* small EH section at offset 32 */
  il_method m;
  CHECK(il_parse(buf, 48, &m) == 0);
  CHECK(m.fat && m.code_size == 18 && m.max_stack == 2 && m.local_sig_token == 0x11000001);
  CHECK(m.flags & IL_INIT_LOCALS);
  CHECK(m.clause_count == 1 && memcmp(&m.clauses[0], &c, sizeof c) == 0);
  CHECK(il_parse(buf, 47, &m) == -1); /* section cut short */
  /* A fat header must be 4-byte aligned. */
  CHECK(il_write_fat(buf + 2, 0, 2, 0, code, sizeof code, &c, 1) == 0);

  /* A handler longer than 255 bytes needs the fat section format. */
  il_clause f = {IL_CLAUSE_FINALLY, 0, 4, 4, 300, 0};
  uint8_t longcode[304] = {0};
  uint8_t *fbuf = malloc(1024);
  CHECK(fbuf != NULL);
  if (!fbuf)
    return;
  size_t want = 12 + 304 + 0 + 4 + 24;
  CHECK(il_fat_size(sizeof longcode, &f, 1) == want);
  CHECK(il_write_fat(fbuf, 0, 8, 0, longcode, sizeof longcode, &f, 1) == want);
  CHECK(fbuf[316] == (IL_SECT_EHTABLE | IL_SECT_FAT_FORMAT));
  CHECK(il_parse(fbuf, want, &m) == 0);
  CHECK(m.clause_count == 1 && memcmp(&m.clauses[0], &f, sizeof f) == 0);
  free(fbuf);
}

int main(void) {
  test_vtable_complete();
  test_factory();
  test_tiny();
  test_fat();
  if (g_failed) {
    fprintf(stderr, "profiler_selftest: FAILED\n");
    return 1;
  }
  printf("profiler_selftest: vtable (80 slots), class factory, QI, IL tiny/fat/EH encoding: ok\n");
  return 0;
}
