/* SPDX-License-Identifier: MIT */
/* The bump-pointer baselines of the benchmarks (bench_bump.c). */
#ifndef ILHEAP_BENCH_BUMP_H
#define ILHEAP_BENCH_BUMP_H

#include <stdatomic.h>
#include <stdint.h>

typedef struct bench_bump {
  uintptr_t plain;        /* next free byte for bench_bump_alloc (one thread) */
  _Atomic uintptr_t next; /* next free byte for bench_atomic_bump_alloc */
  uintptr_t end;
} bench_bump;

/* Maps one read-write region big enough for `bytes` of requests. 0 or -1. */
int bench_bump_init(bench_bump *b, uint64_t bytes);
void *bench_bump_alloc(bench_bump *b, uint32_t cb);
void *bench_atomic_bump_alloc(bench_bump *b, uint32_t cb);

#endif
