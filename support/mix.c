/* SPDX-License-Identifier: MIT */
/* Deterministic choices (support/mix.h). */
#include "mix.h"

#define GOLDEN 0x9E3779B97F4A7C15ULL /* 2^64 / phi: splitmix64's increment */

uint64_t sup_mix64(uint64_t x) {
  /* One splitmix64 step from state x: the increment first, so that no input
   * (0 included) maps to itself. */
  x += GOLDEN;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

uint64_t sup_rand(uint64_t *state) {
  uint64_t x = *state;
  *state = x + GOLDEN;
  return sup_mix64(x);
}

uint32_t sup_il_size(uint64_t *state) {
  if (sup_rand(state) % 100 < 80)
    return 1 + (uint32_t)(sup_rand(state) % 64);
  uint32_t lo = 1u << (6 + sup_rand(state) % 7);    /* 64 .. 4096 */
  return lo + 1 + (uint32_t)(sup_rand(state) % lo); /* lo+1 .. 2*lo */
}
