/* SPDX-License-Identifier: MIT */
/*
 * fuzz_il_verify's input format: the encoder of what fuzz/fuzz_il_verify.c decodes, and
 * the names both use for its choices, in one place. A grammar change is made here and
 * in the decoder together; fuzz/make_seeds.c writes the seeds with this encoder
 * (regenerate them after a change: the fuzz_seeds_current test says when).
 */
#ifndef ILHEAP_FUZZ_IL_VERIFY_FORMAT_H
#define ILHEAP_FUZZ_IL_VERIFY_FORMAT_H

#include <stdint.h>
#include <string.h>

#include "ilheap_il.h"
#include "seed.h"

/* ---- fuzz_il_verify (fuzz/fuzz_il_verify.c) ------------------------------------------ */

/* The first choice of every input: which program reads the rest. */
typedef enum il_verify_program {
  V_ASSEMBLED, /* program 0: instructions from the opcode table, clauses on their boundaries */
  V_WHOLE,     /* program 1: arbitrary bytes as a whole body, at a remainder */
  V_RAW_CODE,  /* program 2: arbitrary bytes as code, fuzzed clauses and MaxStack */
  V_API,       /* program 3: signature blobs and the edges of the API */
  V_PROGRAMS
} il_verify_program;

#define V_INSN_MAX 400u      /* program 0: instructions */
#define V_CLAUSES_MAX 10u    /* programs 0 and 2: clauses */
#define V_ASM_STACK_MAX 12u  /* program 0: MaxStack */
#define V_CODE_STACK_MAX 20u /* program 2: MaxStack */
#define V_CODE_SIZE_MAX 255u /* program 2: code bytes */
#define V_OPCODE_KEYS 0x120u /* an opcode pick: 0-0xFF one byte, 0x100 + k for 0xFE k */
#define V_SWITCH_MAX 4u      /* program 0: a switch's targets */
#define V_VALUE_PICKS 4u     /* program 0: an operand value (U8: V_U8_PICKS) */
#define V_U8_PICKS 9u
#define V_TOKEN_ANY 0xFFu    /* program 0: this token byte reads a whole u32 next */
#define V_REMS 4u            /* program 1: the body's address remainder */
#define V_SIG_MAX 24u        /* program 3: the signature blob's bytes */
#define V_API_STACK_MAX 4u   /* program 3: MaxStack */
#define V_API_SWITCH_SIZE 13u /* program 3: the walked switch's bytes */
#define V_API_WALK_ATS (V_API_SWITCH_SIZE + 2u) /* program 3: walk offsets, past the end too */
#define V_API_TARGETS 4u     /* program 3: switch target numbers (2 exist) */

/* Program 0's clause kinds, one pick of V_ASM_KINDS. */
typedef enum il_verify_asm_kind {
  VK_CATCH,
  VK_FILTER,
  VK_FINALLY,
  VK_FAULT,
  V_ASM_KINDS
} il_verify_asm_kind;
/* Program 2's clause kinds: the flag values 0-4 (ILHEAP_IL_CATCH...), 3 read as fault. */
#define V_CODE_KINDS 5u

/* The signature byte every program but 3 starts with (after the program). */
enum {
  V_SIG_HAS_THIS = 0x01,   /* the method's own signature: instance */
  V_SIG_VARARG = 0x02,     /* ... else vararg */
  V_SIG_PARAMS_SHIFT = 2,  /* bits 2-3: its parameters */
  V_SIG_RETURNS = 0x10,    /* it returns int32 (else void) */
  V_SIG_MALFORMED = 0x20,  /* its blob cut to one byte */
  V_SIG_LOCALS_SHIFT = 6   /* bits 6-7: the locals (any: a local signature token) */
};

/* A MemberRef/StandAloneSig token's row says its own signature (the decoder's resolve). */
enum {
  V_ROW_PARAMS = 0x07,   /* bits 0-2: parameters */
  V_ROW_INSTANCE = 0x10,
  V_ROW_RETURNS = 0x20,
  V_ROW_FIELD = 0xFE,    /* a field signature: malformed for a call */
  V_ROW_UNKNOWN = 0xFF   /* the resolver does not know it */
};

/* Program 1's set_body byte: how ilheap_il_set_function_body is called. */
enum {
  V_HOW_NO_SIGS = 0x01,   /* without the signatures */
  V_HOW_SET_FULL = 0x02,  /* ILHEAP_IL_SET_FULL */
  V_HOW_HEAP = 0x04,      /* on a heap (.NET Framework's rule) ... */
  V_HOW_SLACK_SHIFT = 3,  /* bits 3-4: the window's end past the body's (n + 1 is needed) */
  V_HOW_BASE_ABOVE = 0x20 /* the module based above the body instead of below */
};

/* Program 2: code with clauses. */
typedef struct v_clause {
  unsigned kind_pick; /* one of V_CODE_KINDS: ILHEAP_IL_CATCH, _FILTER, _FINALLY, _FAULT */
  uint8_t to, tl, ho, hl, extra; /* extra: the class token byte, when not a catch */
} v_clause;

static inline void v_code(seed *s, unsigned sig, unsigned max_stack, const v_clause *c,
                          unsigned nc, const uint8_t *code, unsigned n) {
  s->n = 0;
  put_pick(s, V_PROGRAMS, V_RAW_CODE);
  put_bytes(s, sig, 1);
  put_range(s, 0, V_CODE_STACK_MAX, max_stack);
  put_pick(s, V_CLAUSES_MAX + 1, nc);
  put_range(s, 1, V_CODE_SIZE_MAX, n);
  for (unsigned i = 0; i < nc; i++) {
    put_pick(s, V_CODE_KINDS, c[i].kind_pick);
    put_bytes(s, c[i].to, 1);
    put_bytes(s, c[i].tl, 1);
    put_bytes(s, c[i].ho, 1);
    put_bytes(s, c[i].hl, 1);
    if (c[i].kind_pick != 0)
      put_bytes(s, c[i].extra, 1);
  }
  for (unsigned i = 0; i < n; i++)
    put_bytes(s, code[i], 1);
}

/* Program 1: a whole body at remainder rem, called as how says (V_HOW_*). */
static inline void v_whole(seed *s, unsigned sig, unsigned rem, unsigned how, const uint8_t *b,
                           unsigned n) {
  s->n = 0;
  put_pick(s, V_PROGRAMS, V_WHOLE);
  put_bytes(s, sig, 1);
  put_pick(s, V_REMS, rem);
  put_bytes(s, how, 1);
  for (unsigned i = 0; i < n; i++)
    put_bytes(s, b[i], 1);
}

/* Program 0: instructions by code (no operand but the value pick, branches to
 * instruction numbers, method tokens by row), then clauses by instruction. */
typedef struct v_insn {
  uint32_t code, arg; /* arg: target number, token row, or value pick */
} v_insn;

/* A clause of program 0: kind (il_verify_asm_kind), try start, try end - start - 1,
 * handler start, handler end - start - 1 (instruction numbers). */
typedef unsigned v_asm_clause[5];

static inline void v_asm(seed *s, unsigned sig, unsigned max_stack, const v_insn *x, unsigned n,
                         const v_asm_clause *cl, unsigned nc) {
  s->n = 0;
  put_pick(s, V_PROGRAMS, V_ASSEMBLED);
  put_bytes(s, sig, 1);
  put_range(s, 0, V_ASM_STACK_MAX, max_stack);
  put_range(s, 1, V_INSN_MAX, n);
  for (unsigned i = 0; i < n; i++) {
    uint32_t k = x[i].code < 0x100 ? x[i].code : 0x100 + (x[i].code & 0xFF);
    put_bytes(s, k, 2); /* fuzz_u16 % V_OPCODE_KEYS */
    switch (x[i].code) {
    case 0x2B: case 0x2C: case 0x2D: case 0x38: case 0xDD: case 0xDE: /* branches, leaves */
      put_pick(s, n + 1, x[i].arg);
      break;
    case 0x28: case 0x6F: case 0x73: /* call, callvirt, newobj: a MemberRef row */
      put_bytes(s, x[i].arg, 1);
      break;
    default: /* an operand-less instruction: its value pick */
      put_pick(s, V_VALUE_PICKS, x[i].arg);
      break;
    }
  }
  put_pick(s, V_CLAUSES_MAX + 1, nc);
  for (unsigned i = 0; i < nc; i++) {
    put_pick(s, V_ASM_KINDS, cl[i][0]);
    put_pick(s, n, cl[i][1]);
    put_pick(s, n - cl[i][1], cl[i][2]);
    put_pick(s, n, cl[i][3]);
    put_pick(s, n - cl[i][3], cl[i][4]);
  }
}

/* Program 3: a signature blob, then the API's edges. */
static inline void v_api(seed *s, const uint8_t *sig, unsigned n, unsigned max_stack, int locals,
                         int local_blob, unsigned scratch, uint32_t code, unsigned at,
                         unsigned k) {
  s->n = 0;
  put_pick(s, V_PROGRAMS, V_API);
  put_range(s, 0, V_SIG_MAX, n);
  for (unsigned i = 0; i < n; i++)
    put_bytes(s, sig[i], 1);
  put_range(s, 0, V_API_STACK_MAX, max_stack);
  put_bool(s, locals);
  put_bool(s, local_blob);
  put_bytes(s, scratch, 1); /* fuzz_range(0, need + 8): one byte for the 14-byte body */
  put_u32(s, code);
  put_pick(s, V_API_WALK_ATS, at);
  put_pick(s, V_API_TARGETS, k);
  put_bytes(s, 5, 1); /* a check number */
}

#endif
