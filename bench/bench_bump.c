/* SPDX-License-Identifier: MIT */
/*
 * The physical limit: a bump pointer over one region mapped read-write in
 * advance, with ilheap_alloc's signature and semantics where they cost nothing
 * (cb == 0 gives NULL, 8-byte alignment, NULL when full). It makes no system
 * call, keeps no statistics and knows no window.
 *
 * The functions live in their own translation unit, like ilheap_alloc in its
 * library, so the compiler cannot inline them into the timed loop: every
 * allocator pays one real call.
 */
#include "bench_bump.h"

#include "proc.h"

int bench_bump_init(bench_bump *b, uint64_t bytes) {
  /* Room for every request rounded up to 8, and the rounding of each. */
  size_t unit = sup_map_unit();
  size_t len = ((size_t)(bytes + bytes / 2 + (1u << 24)) + unit - 1) / unit * unit;
  void *p = sup_map_anon(len, 1);
  if (p == NULL) {
    return -1;
  }
  b->plain = (uintptr_t)p;
  atomic_init(&b->next, (uintptr_t)p);
  b->end = (uintptr_t)p + len;
  return 0;
}

void *bench_bump_alloc(bench_bump *b, uint32_t cb) {
  uintptr_t p = b->plain;
  size_t sz = ((size_t)cb + 7) & ~(size_t)7;
  if (cb == 0 || sz > b->end - p) {
    return NULL;
  }
  b->plain = p + sz;
  return (void *)p;
}

void *bench_atomic_bump_alloc(bench_bump *b, uint32_t cb) {
  size_t sz = ((size_t)cb + 7) & ~(size_t)7;
  if (cb == 0) {
    return NULL;
  }
  /* One locked add: cheaper than ilheap's compare-and-swap, which must not move
   * the pointer past the end of a chunk. Overshooting is harmless here because
   * the region is far larger than any run requests. */
  uintptr_t p = atomic_fetch_add_explicit(&b->next, sz, memory_order_relaxed);
  if (p > b->end || sz > b->end - p) {
    return NULL;
  }
  return (void *)p;
}
