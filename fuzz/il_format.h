/* SPDX-License-Identifier: MIT */
/*
 * fuzz_il's input format: the encoder of what fuzz/fuzz_il.c decodes, and the names
 * both use for its choices, in one place. A grammar change is made here and in
 * the decoder together; fuzz/make_seeds.c writes the seeds with this encoder
 * (regenerate them after a change: the fuzz_seeds_current test says when).
 */
#ifndef ILHEAP_FUZZ_IL_FORMAT_H
#define ILHEAP_FUZZ_IL_FORMAT_H

#include <stdint.h>
#include <string.h>

#include "seed.h"

/* ---- fuzz_il (fuzz/fuzz_il.c) ---------------------------------------------------- */

/* The first choice of every input: which program reads the rest. */
typedef enum il_program {
  I_DESCRIBE, /* program 0: describe a body, size, write, parse it back */
  I_BYTES,    /* program 1: arbitrary bytes at a remainder, below a window */
  I_PROGRAMS
} il_program;

#define I_CODE_MAX 0x11000u
#define I_CLAUSES_MAX 40u

typedef struct i_clause {
  unsigned kind_pick; /* 0 catch, 1 filter, 2 finally, 3 fault, 4 raw */
  uint32_t raw_kind;
  uint32_t to, tl, ho, hl; /* inside the code when in_code */
  int in_code;
  uint32_t tok; /* catch: table index << 24 | row when tok_mode 0; filter: offset */
  int tok_mode;
} i_clause;

static inline void i_region(seed *s, uint32_t code, int in_code, uint32_t off, uint32_t len) {
  put_pick(s, 2, in_code ? 0 : 1);
  if (in_code && code > 0) {
    put_range(s, 0, code - 1, off);
    put_range(s, 1, code - off, len);
  } else {
    put_u32(s, off);
    put_u32(s, len);
  }
}

/* Program 0: rem, flags, code class and size, max stack, locals, clauses, the
 * address multiplier, then mutation pairs (u16 position, u8 xor). */
static inline void i_body(seed *s, unsigned rem, unsigned flags, unsigned code_class, uint32_t code,
                   uint32_t max_stack, unsigned locals_mode, uint32_t locals, unsigned n,
                   const i_clause *c) {
  s->n = 0;
  put_pick(s, I_PROGRAMS, I_DESCRIBE);
  put_range(s, 0, 15, rem);
  put_range(s, 0, 0x1F, flags);
  put_pick(s, 4, code_class);
  if (code_class == 1)
    put_range(s, 0, I_CODE_MAX, code);
  else if (code_class == 3)
    put_u32(s, code);
  else
    put_range(s, 0, 70, code);
  put_range(s, 0, 0x10001, max_stack);
  put_pick(s, 3, locals_mode);
  if (locals_mode == 1)
    put_range(s, 0, 0xFFFFFF, locals & 0xFFFFFF);
  else if (locals_mode == 2)
    put_u32(s, locals);
  put_range(s, 0, I_CLAUSES_MAX, n);
  if (n)
    put_pick(s, 8, 1); /* clauses not NULL */
  for (unsigned i = 0; i < n; i++) {
    put_pick(s, 5, c[i].kind_pick);
    if (c[i].kind_pick == 4)
      put_u32(s, c[i].raw_kind);
    i_region(s, code, c[i].in_code, c[i].to, c[i].tl);
    i_region(s, code, c[i].in_code, c[i].ho, c[i].hl);
    if (c[i].kind_pick == 0) {
      put_pick(s, 2, (unsigned)c[i].tok_mode);
      if (c[i].tok_mode == 0) {
        put_pick(s, 3, c[i].tok >> 24);
        put_range(s, 1, 0xFFFFFF, c[i].tok & 0xFFFFFF);
      } else {
        put_u32(s, c[i].tok);
      }
    } else if (c[i].kind_pick == 1) {
      put_pick(s, 2, (unsigned)c[i].tok_mode);
      if (c[i].tok_mode == 0 && code > 0)
        put_range(s, 0, code - 1, c[i].tok);
      else
        put_u32(s, c[i].tok);
    } else {
      put_u32(s, c[i].tok);
    }
  }
  put_u32(s, 0x40000001u); /* the second address, far away, same remainder */
}

static inline void i_mutate(seed *s, unsigned pos, unsigned x) {
  put_bytes(s, pos, 2);
  put_bytes(s, x, 1);
}

/* Program 1: rem, below (module base = body - below), the window (max_offset,
 * or when near_end the slack + 2 past the body's end), the bytes. */
static inline void i_raw_window(seed *s, unsigned rem, uint32_t below, int near_end, uint32_t window,
                         const uint8_t *b, size_t n) {
  s->n = 0;
  put_pick(s, I_PROGRAMS, I_BYTES);
  put_range(s, 0, 3, rem);
  put_u32(s, below);
  put_pick(s, 2, near_end ? 1 : 0);
  if (near_end)
    put_range(s, 0, 4, window);
  else
    put_u32(s, window);
  for (size_t i = 0; i < n; i++)
    put_bytes(s, b[i], 1);
}

static inline void i_raw(seed *s, unsigned rem, uint32_t below, uint32_t max_offset, const uint8_t *b,
                  size_t n) {
  i_raw_window(s, rem, below, 0, max_offset, b, n);
}

static inline i_clause i_in(unsigned kind_pick, uint32_t to, uint32_t tl, uint32_t ho, uint32_t hl,
                     uint32_t tok) {
  i_clause c = {kind_pick, 0, to, tl, ho, hl, 1, tok, 0};
  return c;
}

#endif
