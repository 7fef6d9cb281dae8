/* SPDX-License-Identifier: MIT */
/*
 * The test support library's deterministic choices (support/README.md): one
 * generator, and the IL-like size mix every test, benchmark and demo uses.
 */
#ifndef ILHEAP_SUPPORT_MIX_H
#define ILHEAP_SUPPORT_MIX_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A good 64-bit mixer of one value (one splitmix64 step from state x); no
 * input maps to itself, 0 included, so derived keys never get stuck. */
uint64_t sup_mix64(uint64_t x);

/* The next value of the splitmix64 sequence whose state is *state (any
 * state, 0 included, is a good start). */
uint64_t sup_rand(uint64_t *state);

/*
 * IL-like body sizes: 80% tiny bodies, uniform in [1, 64] bytes (a tiny header
 * holds at most 63 bytes of code); 20% fat bodies in [65, 8192] bytes, the
 * octave [2^e, 2^(e+1)) chosen uniformly for e in 6..12 and the size uniform
 * inside it (so the tail thins out like real method sizes). Mean about 370
 * bytes. Deterministic for a given state.
 */
uint32_t sup_il_size(uint64_t *state);
#define SUP_IL_SIZE_MAX 8192u

#ifdef __cplusplus
}
#endif

#endif
