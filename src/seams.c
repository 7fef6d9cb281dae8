/* The state behind src/seams.h and src/assert.h (checked builds only). */
#include "invariant.h"
#include "seams.h"

#include <stdatomic.h>
#include <stdio.h>

#if ILHEAP_ASSERTS_ON
void ilheap__assert_fail(const char *file, int line, const char *cond) {
  fprintf(stderr, "%s:%d: ilheap invariant violated: %s\n", file, line, cond);
  abort();
}
#endif

#if defined(ILHEAP_SEAMS) && ILHEAP_SEAMS
static _Atomic uint64_t alloc_countdown, os_countdown, fired;
static _Atomic int os_err;

void ilheap__fault_alloc(uint64_t n) { atomic_store(&alloc_countdown, n); }

void ilheap__fault_os(uint64_t n, int err) {
  atomic_store(&os_err, err);
  atomic_store(&os_countdown, n);
}

uint64_t ilheap__faults_fired(void) { return atomic_load(&fired); }

/* 1 when this call is the one that was chosen to fail. */
static int countdown(_Atomic uint64_t *c) {
  uint64_t v = atomic_load(c);
  while (v != 0)
    if (atomic_compare_exchange_weak(c, &v, v - 1)) {
      if (v != 1)
        return 0;
      atomic_fetch_add(&fired, 1);
      return 1;
    }
  return 0;
}

int ilheap__alloc_fails(void) { return countdown(&alloc_countdown); }

int ilheap__os_fails(void) { return countdown(&os_countdown) ? atomic_load(&os_err) : 0; }
#endif

#if !ILHEAP_ASSERTS_ON && !(defined(ILHEAP_SEAMS) && ILHEAP_SEAMS)
typedef int ilheap__seams_empty; /* ISO C wants a translation unit to declare something */
#endif
