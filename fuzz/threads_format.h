/* SPDX-License-Identifier: MIT */
/*
 * fuzz_threads's input format: the encoder of what fuzz/fuzz_threads.c decodes, and the names
 * both use for its choices, in one place. A grammar change is made here and in
 * the decoder together; fuzz/make_seeds.c writes the seeds with this encoder
 * (regenerate them after a change: the fuzz_seeds_current test says when).
 */
#ifndef ILHEAP_FUZZ_THREADS_FORMAT_H
#define ILHEAP_FUZZ_THREADS_FORMAT_H

#include <stdint.h>
#include <string.h>

#include "seed.h"

/* ---- fuzz_threads (fuzz/fuzz_threads.c) -------------------------------------------- */

/* A worker thread's operations, one pick of T_OPS each (after the heap). */
typedef enum threads_op {
  T_TAKE,    /* one request of decode_size's classes */
  T_BURST,   /* a burst: many threads on one chunk's slab refills */
  T_BURST_2, /* the same */
  T_STATS,   /* a statistics snapshot while others allocate */
  T_OPS
} threads_op;

#define T_SIM_BYTES ((uint64_t)8 << 20)

typedef struct t_heap {
  uint64_t base_pages, base_half, mo_mode, mo_pages, align_shift, guard, budget_pages;
} t_heap;

static inline void t_header(seed *s, uint64_t npages, unsigned nforeign, unsigned nheaps,
                     const t_heap *heaps, int inject, unsigned op, unsigned skip, unsigned count) {
  s->n = 0;
  put_pick(s, 3, 1); /* 4096 */
  put_range(s, 8, T_SIM_BYTES / 4096, npages);
  put_range(s, 0, 6, nforeign);
  for (unsigned i = 0; i < nforeign; i++) {
    put_range(s, 0, npages - 1, (i * 37 + 11) % npages);
    put_range(s, 1, 8, 1 + i % 3);
  }
  put_range(s, 1, 3, nheaps);
  for (unsigned i = 0; i < nheaps; i++) {
    const t_heap *h = &heaps[i];
    put_range(s, 0, npages / 2, h->base_pages);
    put_range(s, 0, 2, h->base_half);
    put_pick(s, 3, (unsigned)h->mo_mode);
    if (h->mo_mode == 1) {
      put_range(s, 1, npages, h->mo_pages);
      put_range(s, 0, 2, 0);
    } else if (h->mo_mode == 2) {
      put_u32(s, (uint32_t)h->mo_pages);
    }
    put_range(s, 0, 10, h->align_shift);
    put_range(s, 0, 1, h->guard);
    put_pick(s, 3, h->budget_pages ? 0 : 1);
    if (h->budget_pages)
      put_range(s, 0, npages, h->budget_pages);
  }
  put_pick(s, 4, inject ? 0 : 1);
  if (inject) {
    put_pick(s, 4, op);
    put_range(s, 0, 15, skip);
    put_range(s, 1, 4, count);
  }
}

/* One thread's stream: `bursts` bursts of n requests of cb bytes on heap hi,
 * with a statistics snapshot after each. */
static inline void t_stream(seed *s, unsigned nheaps, unsigned hi, unsigned bursts, unsigned n,
                     unsigned cb) {
  for (unsigned i = 0; i < bursts; i++) {
    put_pick(s, nheaps, hi);
    put_pick(s, T_OPS, T_BURST);
    put_range(s, 1, 256, n);
    put_range(s, 1, 64, cb);
    put_pick(s, nheaps, hi);
    put_pick(s, T_OPS, T_STATS);
  }
}

#endif
