/* SPDX-License-Identifier: MIT */
/*
 * The fuzz targets' input encoder, the mirror of fuzz/provider.h's decoder:
 * put_range(s, lo, hi, v) writes v - lo in exactly the bytes fuzz_range(lo, hi)
 * reads, put_pick the bytes fuzz_pick reads, and so on. Each target's grammar
 * (fuzz/<target>_format.h) encodes with these; fuzz/make_seeds.c writes the
 * seeds with them.
 */
#ifndef ILHEAP_FUZZ_SEED_H
#define ILHEAP_FUZZ_SEED_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct seed {
  uint8_t b[8192];
  size_t n;
} seed;

static inline void put_bytes(seed *s, uint64_t v, unsigned bytes) {
  for (unsigned i = 0; i < bytes; i++) {
    if (s->n == sizeof s->b) {
      fprintf(stderr, "make_seeds: seed too long\n");
      exit(1);
    }
    s->b[s->n++] = (uint8_t)(v >> (8 * i));
  }
}

static inline void put_range(seed *s, uint64_t lo, uint64_t hi, uint64_t v) {
  if (hi <= lo)
    return;
  if (v < lo || v > hi) {
    fprintf(stderr, "make_seeds: %llu outside [%llu, %llu]\n", (unsigned long long)v,
            (unsigned long long)lo, (unsigned long long)hi);
    exit(1);
  }
  unsigned bytes = 0;
  for (uint64_t span = hi - lo; span != 0; span >>= 8)
    bytes++;
  put_bytes(s, v - lo, bytes);
}

static inline void put_pick(seed *s, unsigned n, unsigned k) {
  if (n > 0)
    put_range(s, 0, n - 1, k);
}
static inline void put_u32(seed *s, uint32_t v) { put_bytes(s, v, 4); }
static inline void put_u64(seed *s, uint64_t v) { put_bytes(s, v, 8); }
static inline void put_bool(seed *s, int v) { put_bytes(s, v ? 1 : 0, 1); }

#endif
