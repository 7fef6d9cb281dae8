/* SPDX-License-Identifier: MIT */
/*
 * A small data producer for the fuzz targets: it turns the fuzzer's bytes into
 * the integers, choices and ranges a decoder needs.
 *
 * Why a producer rather than a fixed record layout: libFuzzer mutates bytes,
 * and a decoder that reads "as many bytes as this field needs" keeps every
 * mutation meaningful. When the input runs out every read returns the smallest
 * value of its range, so a truncated input is still a valid (shorter) program
 * and the decoder never needs a length check of its own.
 *
 * Integers are read little-endian from the front; the width of a read depends
 * only on the range asked for, so the same bytes always decode the same way
 * (inputs stay reproducible across builds and compilers).
 */
#ifndef ILHEAP_FUZZ_PROVIDER_H
#define ILHEAP_FUZZ_PROVIDER_H

#include <stddef.h>
#include <stdint.h>

typedef struct fuzz_input {
  const uint8_t *data;
  size_t size;
} fuzz_input;

static inline fuzz_input fuzz_input_make(const uint8_t *data, size_t size) {
  fuzz_input in;
  in.data = data;
  in.size = data ? size : 0;
  return in;
}

static inline size_t fuzz_remaining(const fuzz_input *in) { return in->size; }

/* Reads up to `bytes` bytes (at most 8) as a little-endian integer. */
static inline uint64_t fuzz_bytes(fuzz_input *in, unsigned bytes) {
  uint64_t v = 0;
  for (unsigned i = 0; i < bytes && in->size > 0; i++) {
    v |= (uint64_t)in->data[0] << (8 * i);
    in->data++;
    in->size--;
  }
  return v;
}

static inline uint8_t fuzz_u8(fuzz_input *in) { return (uint8_t)fuzz_bytes(in, 1); }
static inline uint16_t fuzz_u16(fuzz_input *in) { return (uint16_t)fuzz_bytes(in, 2); }
static inline uint32_t fuzz_u32(fuzz_input *in) { return (uint32_t)fuzz_bytes(in, 4); }
static inline uint64_t fuzz_u64(fuzz_input *in) { return fuzz_bytes(in, 8); }
static inline int fuzz_bool(fuzz_input *in) { return fuzz_u8(in) & 1; }

/* A value in [lo, hi] (inclusive), reading only as many bytes as the span needs.
 * The reduction is a plain modulo: a small bias is irrelevant for fuzzing, and
 * it keeps "byte value n means lo + n" true for small spans, which makes hand-
 * written seeds easy to read. */
static inline uint64_t fuzz_range(fuzz_input *in, uint64_t lo, uint64_t hi) {
  if (hi <= lo) {
    return lo;
  }
  uint64_t span = hi - lo;
  unsigned bytes = 0;
  for (uint64_t s = span; s != 0; s >>= 8) {
    bytes++;
  }
  uint64_t v = fuzz_bytes(in, bytes);
  if (span != UINT64_MAX) {
    v %= span + 1;
  }
  return lo + v;
}

/* One of n choices, 0 when n is 0. */
static inline unsigned fuzz_pick(fuzz_input *in, unsigned n) {
  return n == 0 ? 0 : (unsigned)fuzz_range(in, 0, n - 1);
}

/* Splits off the next `len` bytes (fewer if the input is shorter) as an input
 * of their own: a thread's operation stream, for instance. */
static inline fuzz_input fuzz_split(fuzz_input *in, size_t len) {
  fuzz_input part;
  if (len > in->size) {
    len = in->size;
  }
  part.data = in->data;
  part.size = len;
  in->data += len;
  in->size -= len;
  return part;
}

#endif /* ILHEAP_FUZZ_PROVIDER_H */
