/* SPDX-License-Identifier: MIT */
/* The state behind src/seams.h (ILHEAP_SEAMS builds only). */
#include "seams.h"

#include <stdatomic.h>

#if defined(ILHEAP_SEAMS) && ILHEAP_SEAMS
static _Atomic uint64_t alloc_countdown, os_countdown, fired, alloc_fired;
static _Atomic int os_err;
static ilheap__race_hook _Atomic race_hook;
static void *_Atomic race_arg;
static ilheap__read_filter _Atomic read_filter;
static void *_Atomic read_arg;

void ilheap__fault_alloc(uint64_t n) { atomic_store(&alloc_countdown, n); }

void ilheap__fault_os(uint64_t n, int err) {
  atomic_store(&os_err, err);
  atomic_store(&os_countdown, n);
}

uint64_t ilheap__faults_fired(void) { return atomic_load(&fired); }

uint64_t ilheap__alloc_faults_fired(void) { return atomic_load(&alloc_fired); }

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

int ilheap__alloc_fails(void) {
  if (!countdown(&alloc_countdown))
    return 0;
  atomic_fetch_add(&alloc_fired, 1);
  return 1;
}

int ilheap__os_fails(void) { return countdown(&os_countdown) ? atomic_load(&os_err) : 0; }

void ilheap__set_race_hook(ilheap__race_hook fn, void *arg) {
  atomic_store(&race_arg, arg);
  atomic_store(&race_hook, fn);
}

void ilheap__race_point(int point) {
  ilheap__race_hook fn = atomic_load(&race_hook);
  if (fn != NULL)
    fn(point, atomic_load(&race_arg));
}

void ilheap__set_read_filter(ilheap__read_filter fn, void *arg) {
  atomic_store(&read_arg, arg);
  atomic_store(&read_filter, fn);
}

ptrdiff_t ilheap__run_read_filter(char *buf, ptrdiff_t got, size_t cap) {
  ilheap__read_filter fn = atomic_load(&read_filter);
  return fn != NULL ? fn(buf, got, cap, atomic_load(&read_arg)) : got;
}
#endif

#if !(defined(ILHEAP_SEAMS) && ILHEAP_SEAMS)
typedef int ilheap__seams_empty; /* ISO C wants a translation unit to declare something */
#endif
