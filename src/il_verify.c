/* SPDX-License-Identifier: MIT */
/*
 * The instruction checker: V1-V19 of include/ilheap_il_verify.h.
 *
 * How it stays linear (no path grows with branches x clauses):
 *  1. Pass 1 decodes the code once in order (V1-V4) and marks, per byte
 *     offset, where instructions (prefix groups) start.
 *  2. The clauses become blocks (try, handler, filter), sorted once by (start,
 *     end descending): a laminar family is then a preorder, so one sweep with a
 *     stack finds partial overlaps (V8) and each block's parent; "a is an
 *     ancestor of b" is a <= b <= last[a]. Per block: the innermost enclosing
 *     handler or filter (nh), the innermost enclosing block leave may not exit
 *     (nf: finally, fault, filter) and the top of the run of tries starting at
 *     the same offset (run_top). A second sweep paints, per byte offset, the
 *     innermost block (blk).
 *  3. Pass 2 walks the prefix groups in order once more, with the depth of
 *     III.1.7.5's single forward pass: per offset, the depth recorded by the
 *     first edge in (a branch, or the exception mechanism at a handler), later
 *     edges compared with it. Every edge check is O(1) with the arrays above.
 * Memory: 1 + 4 + 4 bytes per byte of code, and the blocks (scratch or malloc).
 */
#include "ilheap_il_verify.h"
#include "invariant.h"

#include <stdlib.h>
#include <string.h>

/* ---- The opcode table ------------------------------------------------------------ */

/* Operand sizes, by the table's operand names. */
enum {
  OPSIZE_NONE = 0,
  OPSIZE_I8 = 1,
  OPSIZE_U8 = 1,
  OPSIZE_ARG8 = 1,
  OPSIZE_LOC8 = 1,
  OPSIZE_ARG16 = 2,
  OPSIZE_LOC16 = 2,
  OPSIZE_I32 = 4,
  OPSIZE_I64 = 8,
  OPSIZE_R4 = 4,
  OPSIZE_R8 = 8,
  OPSIZE_BR8 = 1,
  OPSIZE_BR32 = 4,
  OPSIZE_SWITCH = 4, /* the count; the targets follow */
  OPSIZE_TOK_METHOD = 4,
  OPSIZE_TOK_FIELD = 4,
  OPSIZE_TOK_TYPE = 4,
  OPSIZE_TOK_STRING = 4,
  OPSIZE_TOK_SIG = 4,
  OPSIZE_TOK_ANY = 4
};

enum {
#define ROW_INDEX(id, name, code, operand, flow, pops, pushes, prefixes) ROW_##id,
  ILHEAP_IL_OPCODE_LIST(ROW_INDEX)
#undef ROW_INDEX
      ROW_COUNT
};

static const ilheap_il_opcode rows[ROW_COUNT] = {
#define ROW(id, name, code, operand, flow, pops, pushes, prefixes)                                 \
  {name,                                                                                           \
   (code),                                                                                         \
   ILHEAP_IL_OPERAND_##operand,                                                                    \
   ILHEAP_IL_FLOW_##flow,                                                                          \
   (pops),                                                                                         \
   (pushes),                                                                                       \
   (prefixes),                                                                                     \
   (uint8_t)(((code) > 0xFF ? 2 : 1) + OPSIZE_##operand)},
    ILHEAP_IL_OPCODE_LIST(ROW)
#undef ROW
};

/* Row + 1 by code: [0, 256) one-byte codes, [256, 512) the bytes after 0xFE. */
static const uint16_t row_of[512] = {
#define ROW_SLOT(id, name, code, operand, flow, pops, pushes, prefixes)                            \
  [((code) > 0xFF ? 256 : 0) + ((code)&0xFF)] = ROW_##id + 1,
    ILHEAP_IL_OPCODE_LIST(ROW_SLOT)
#undef ROW_SLOT
};

const ilheap_il_opcode *ilheap_il_opcode_info(uint32_t code) {
  uint32_t slot;
  if (code <= 0xFF)
    slot = code;
  else if (code >> 8 == 0xFE)
    slot = 256 + (code & 0xFF);
  else
    return NULL;
  /* 0xFE itself is the two-byte escape, no opcode (its slot is empty). */
  return row_of[slot] ? &rows[row_of[slot] - 1] : NULL;
}

static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

/* Two's complement without implementation-defined conversions. */
static int64_t s32(uint32_t v) { return v < 0x80000000u ? (int64_t)v : (int64_t)v - 0x100000000LL; }

/* ---- The walk ---------------------------------------------------------------------- */

/* Decodes at off (< size); the core of ilheap_il_next, without argument checks. */
static inline int decode(const uint8_t *code, size_t size, size_t off, ilheap_il_insn *in) {
  ILHEAP_ASSERT(off < size);
  uint32_t row;
  size_t at = off + 1;
  if (code[off] == 0xFE) {
    if (size - off < 2)
      return ILHEAP_IL_EOPCODE;
    row = row_of[256 + code[off + 1]];
    at++;
  } else {
    row = row_of[code[off]]; /* the table, not ilheap_il_opcode_info: a call per instruction */
  }
  if (!row) /* 0xFE's own slot is empty too */
    return ILHEAP_IL_EOPCODE;
  const ilheap_il_opcode *op = &rows[row - 1];
  uint64_t len = op->size;
  if (size - off < len)
    return ILHEAP_IL_EOPERAND_PAST_END;
  const uint8_t *q = code + at; /* the operand: len - (at - off) bytes, in the code */
  in->op = op;
  in->value = 0;
  switch (op->operand) {
  case ILHEAP_IL_OPERAND_NONE: break;
  case ILHEAP_IL_OPERAND_I8: in->value = q[0] < 0x80 ? q[0] : (int64_t)q[0] - 256; break;
  case ILHEAP_IL_OPERAND_U8:
  case ILHEAP_IL_OPERAND_ARG8:
  case ILHEAP_IL_OPERAND_LOC8: in->value = q[0]; break;
  case ILHEAP_IL_OPERAND_ARG16:
  case ILHEAP_IL_OPERAND_LOC16: in->value = rd16(q); break;
  case ILHEAP_IL_OPERAND_I32: in->value = s32(rd32(q)); break;
  case ILHEAP_IL_OPERAND_I64: {
    uint64_t u = rd64(q);
    in->value = u < 0x8000000000000000ull ? (int64_t)u : -(int64_t)(~u) - 1;
    break;
  }
  case ILHEAP_IL_OPERAND_R4: {
    uint32_t u = rd32(q);
    float f;
    memcpy(&f, &u, sizeof f);
    in->real = f;
    break;
  }
  case ILHEAP_IL_OPERAND_R8: {
    uint64_t u = rd64(q);
    memcpy(&in->real, &u, sizeof in->real);
    break;
  }
  case ILHEAP_IL_OPERAND_BR8:
    in->target = (int64_t)(off + len) + (q[0] < 0x80 ? q[0] : (int64_t)q[0] - 256);
    break;
  case ILHEAP_IL_OPERAND_BR32: in->target = (int64_t)(off + len) + s32(rd32(q)); break;
  case ILHEAP_IL_OPERAND_SWITCH: {
    uint32_t n = rd32(q);
    len += (uint64_t)n * 4u;
    if (size - off < len)
      return ILHEAP_IL_EOPERAND_PAST_END;
    in->value = n;
    in->switch_table = q + 4;
    break;
  }
  default: /* the token kinds */
    ILHEAP_ASSERT(op->operand >= ILHEAP_IL_OPERAND_TOK_METHOD &&
                  op->operand < ILHEAP_IL_OPERAND_COUNT);
    in->value = rd32(q);
    break;
  }
  in->size = (uint32_t)len; /* <= 5 + 4 * UINT32_MAX only when size allows: checked above */
  return ILHEAP_IL_OK;
}

/* decode for the checker's passes: a one-byte opcode without an operand (most
 * of them) takes the short way. */
static inline int decode_fast(const uint8_t *code, size_t size, size_t off, ilheap_il_insn *in) {
  uint32_t b0 = code[off];
  uint32_t row = row_of[b0]; /* 0xFE's slot is empty: the long way */
  if (row && rows[row - 1].operand == ILHEAP_IL_OPERAND_NONE) {
    in->op = &rows[row - 1];
    in->size = 1;
    in->value = 0;
    return ILHEAP_IL_OK;
  }
  return decode(code, size, off, in);
}

int ilheap_il_next(const uint8_t *code, size_t code_size, size_t offset, ilheap_il_insn *out) {
  if (!out)
    return ILHEAP_IL_EBADARG;
  memset(out, 0, sizeof *out);
  out->offset = (uint32_t)offset;
  if (!code || offset >= code_size || offset > UINT32_MAX || code_size - offset > UINT32_MAX)
    return ILHEAP_IL_EBADARG;
  int r = decode(code, code_size, offset, out);
  if (r != ILHEAP_IL_OK) {
    memset(out, 0, sizeof *out);
    out->offset = (uint32_t)offset;
  }
  return r;
}

int ilheap_il_switch_target(const ilheap_il_insn *insn, uint32_t i, int64_t *target) {
  if (!insn || !target || !insn->op || insn->op->operand != ILHEAP_IL_OPERAND_SWITCH ||
      !insn->switch_table || (int64_t)i >= insn->value)
    return ILHEAP_IL_EBADARG;
  *target = (int64_t)insn->offset + insn->size + s32(rd32(insn->switch_table + (size_t)i * 4u));
  return ILHEAP_IL_OK;
}

/* ---- Signatures (II.23.2) ---------------------------------------------------------------- */

enum {
  SIG_DEFAULT = 0x0,
  SIG_VARARG = 0x5,
  SIG_UNMANAGED = 0x9, /* StandAloneMethodSig: unmanaged calling convention (.NET 5) */
  SIG_LOCAL = 0x7,
  SIG_GENERIC = 0x10,
  SIG_HASTHIS = 0x20,
  SIG_EXPLICITTHIS = 0x40,
  ELEM_VOID = 0x01,
  ELEM_CMOD_REQD = 0x1F,
  ELEM_CMOD_OPT = 0x20
};

/* A compressed unsigned integer (II.23.2) at *at; 0 if it runs past len. */
static int compressed(const uint8_t *b, size_t len, size_t *at, uint32_t *v) {
  if (*at >= len)
    return 0;
  uint32_t c = b[*at];
  if ((c & 0x80u) == 0) {
    *v = c;
    *at += 1;
  } else if ((c & 0xC0u) == 0x80u) {
    if (len - *at < 2)
      return 0;
    *v = (c & 0x3Fu) << 8 | b[*at + 1];
    *at += 2;
  } else if ((c & 0xE0u) == 0xC0u) {
    if (len - *at < 4)
      return 0;
    *v = (c & 0x1Fu) << 24 | (uint32_t)b[*at + 1] << 16 | (uint32_t)b[*at + 2] << 8 | b[*at + 3];
    *at += 4;
  } else {
    return 0;
  }
  return 1;
}

static int method_sig(const uint8_t *blob, size_t len, ilheap_il_sig *out);

int ilheap_il_decode_method_sig(const uint8_t *blob, size_t len, ilheap_il_sig *out) {
  if (!out)
    return ILHEAP_IL_EBADARG;
  memset(out, 0, sizeof *out);
  if (!blob)
    return ILHEAP_IL_EBADARG;
  int r = method_sig(blob, len, out);
  if (r != ILHEAP_IL_OK)
    memset(out, 0, sizeof *out); /* nothing half decoded */
  return r;
}

static int method_sig(const uint8_t *blob, size_t len, ilheap_il_sig *out) {
  if (len < 1)
    return ILHEAP_IL_ESIG_BAD;
  uint32_t cc = blob[0], kind = cc & 0x0Fu;
  if ((cc & 0x80u) != 0 || (kind > SIG_VARARG && kind != SIG_UNMANAGED))
    return ILHEAP_IL_ESIG_BAD; /* a field, local, property or MethodSpec signature */
  if ((cc & SIG_EXPLICITTHIS) && !(cc & SIG_HASTHIS))
    return ILHEAP_IL_ESIG_BAD; /* II.15.3: EXPLICITTHIS only with HASTHIS */
  size_t at = 1;
  if (cc & SIG_GENERIC) {
    if (!compressed(blob, len, &at, &out->generic_count))
      return ILHEAP_IL_ESIG_BAD;
    out->generic = 1;
  }
  if (!compressed(blob, len, &at, &out->params))
    return ILHEAP_IL_ESIG_BAD;
  /* RetType: CustomMod* then the type (II.23.2.11); only VOID matters here. */
  for (;;) {
    if (at >= len)
      return ILHEAP_IL_ESIG_BAD;
    if (blob[at] != ELEM_CMOD_OPT && blob[at] != ELEM_CMOD_REQD)
      break;
    at++;
    uint32_t tok;
    if (!compressed(blob, len, &at, &tok))
      return ILHEAP_IL_ESIG_BAD;
  }
  out->returns = blob[at] != ELEM_VOID;
  out->has_this = (cc & SIG_HASTHIS) && !(cc & SIG_EXPLICITTHIS);
  out->vararg = kind == SIG_VARARG;
  return ILHEAP_IL_OK;
}

int ilheap_il_decode_local_sig(const uint8_t *blob, size_t len, uint32_t *count) {
  if (!count)
    return ILHEAP_IL_EBADARG;
  *count = 0;
  if (!blob)
    return ILHEAP_IL_EBADARG;
  size_t at = 1;
  if (len < 1 || blob[0] != SIG_LOCAL || !compressed(blob, len, &at, count)) {
    *count = 0;
    return ILHEAP_IL_ESIG_BAD;
  }
  return ILHEAP_IL_OK;
}

/* ---- Checks ------------------------------------------------------------------------------ */

static const char *const sections[ILHEAP_IL_CHECK_COUNT + 1] = {
    "II.25.4 (layout)",
    "III.1.2.1",
    "III.1.7.1",
    "III.2",
    "III.1.9",
    "III.1.7.2",
    "III.1.7.3",
    "I.12.4.2.7",
    "I.12.4.2.7",
    "I.12.4.2.5",
    "III.1.7.1",
    "I.12.4.2.8",
    "I.12.4.2.8, III.3.46",
    "III.3.34, III.3.35, III.3.37, III.3.47, III.3.57, III.4.24",
    "III.1.7.5",
    "III.1.7.4",
    "III.1.7.5, III.3.46",
    "I.12.4.2.8",
    "III.3.34, III.3.37, III.3.47, III.3.57",
    "III.3.4, III.3.38, III.3.39, III.3.43, III.3.44, III.3.61, III.3.63",
};

const char *ilheap_il_check_section(unsigned check) {
  return check <= ILHEAP_IL_CHECK_COUNT ? sections[check] : "";
}

#define NONE UINT32_MAX /* no block: the method's top level */
enum { DEPTH_NONE = -1, DEPTH_UNKNOWN = -2 };
/* Per byte offset: the depth recorded there, and in `info` the flags and the
 * innermost block (BLK_NONE: none). 3 * ILHEAP_IL_FAT_MAX_CLAUSES blocks fit
 * in 30 bits. */
typedef struct slot {
  int32_t depth;
  uint32_t info;
} slot;
#define F_START 0x80000000u     /* an instruction (prefix group) starts here */
#define F_TRY_START 0x40000000u /* a try starts here */
#define BLK_NONE 0x3FFFFFFFu
_Static_assert(3ull * ILHEAP_IL_FAT_MAX_CLAUSES < BLK_NONE, "block numbers fit");
enum { K_TRY, K_HANDLER, K_FILTER };

typedef struct block {
  uint32_t start, end;
  uint32_t kind;   /* K_* */
  uint32_t hkind;  /* the clause's kind (handlers and filters) */
  uint32_t clause; /* its clause; for a shared try, the first (lowest) clause */
  uint32_t parent, last, depth, nh, nf, run_top;
} block;

typedef struct checker {
  const uint8_t *code;
  uint32_t size, max_stack, nclauses, nblocks;
  const ilheap_il_clause *clauses;
  slot *slots;     /* size + 1: one per byte offset (one cache line touched per edge) */
  block *blocks;   /* 3 per clause: sorted (preorder) */
  struct kv *keys, *keys2; /* 3 per clause each: the sort's */
  uint32_t *tblk, *hblk, *fblk; /* per clause: its try, handler, filter block */
  const ilheap_il_verify_options *o;
  ilheap_il_sig own;
  int have_own;    /* 1 decoded, 0 none, -1 malformed */
  uint32_t locals;
  int have_locals; /* 1 known, 0 unknown, -1 malformed */
  ilheap_il_verdict *v;
} checker;

static int has(const checker *c, uint32_t off, uint32_t flag) {
  return (c->slots[off].info & flag) != 0;
}
static uint32_t blk_at(const checker *c, uint32_t off) {
  uint32_t b = c->slots[off].info & BLK_NONE;
  return b == BLK_NONE ? NONE : b;
}

static int fail(checker *c, int answer, unsigned check, uint32_t offset, uint32_t clause) {
  c->v->result = ILHEAP_IL_VERDICT_ERROR;
  c->v->answer = answer;
  c->v->check = check;
  c->v->offset = offset;
  c->v->clause = clause;
  return answer;
}

/* A check could not be done: the first reason is kept. */
static void skip(checker *c, uint32_t checks, int reason, uint32_t offset, uint32_t token) {
  if (c->v->skipped == 0) {
    c->v->skip_reason = reason;
    c->v->skip_offset = offset;
    c->v->skip_token = token;
  }
  c->v->skipped |= checks;
}

static int token_ok(uint32_t operand, uint32_t tok) {
  uint32_t t = tok >> 24, row = tok & 0xFFFFFFu;
  switch (operand) {
  case ILHEAP_IL_OPERAND_TOK_STRING: return t == 0x70; /* a #US offset: 0 is the empty string */
  case ILHEAP_IL_OPERAND_TOK_METHOD: return row && (t == 0x06 || t == 0x0A || t == 0x2B);
  case ILHEAP_IL_OPERAND_TOK_FIELD: return row && (t == 0x04 || t == 0x0A);
  case ILHEAP_IL_OPERAND_TOK_TYPE: return row && (t == 0x01 || t == 0x02 || t == 0x1B);
  case ILHEAP_IL_OPERAND_TOK_SIG: return row && t == 0x11;
  case ILHEAP_IL_OPERAND_TOK_ANY:
    return row && (t == 0x01 || t == 0x02 || t == 0x1B || t == 0x06 || t == 0x0A || t == 0x2B ||
                   t == 0x04);
  default: return 1;
  }
}

static uint32_t prefix_bit(uint32_t code) {
  switch (code) {
  case ILHEAP_IL_OP_CONSTRAINED: return ILHEAP_IL_PREFIX_CONSTRAINED;
  case ILHEAP_IL_OP_NO: return ILHEAP_IL_PREFIX_NO;
  case ILHEAP_IL_OP_READONLY: return ILHEAP_IL_PREFIX_READONLY;
  case ILHEAP_IL_OP_TAIL: return ILHEAP_IL_PREFIX_TAIL;
  case ILHEAP_IL_OP_UNALIGNED: return ILHEAP_IL_PREFIX_UNALIGNED;
  default: ILHEAP_ASSERT(code == ILHEAP_IL_OP_VOLATILE); return ILHEAP_IL_PREFIX_VOLATILE;
  }
}

/* Pass 1: V1-V4, instruction starts. */
static int pass1(checker *c) {
  uint32_t off = 0, group = 0, prefixes = 0, tail_at = NONE;
  int need_ret = 0;
  while (off < c->size) {
    ilheap_il_insn in;
    int r = decode_fast(c->code, c->size, off, &in);
    if (r != ILHEAP_IL_OK)
      return fail(c, r, r == ILHEAP_IL_EOPCODE ? 1 : 2, off, NONE);
    c->v->instructions++;
    const ilheap_il_opcode *op = in.op;
    if (prefixes == 0) {
      group = off;
      c->slots[off].info |= F_START;
      if (need_ret) {
        if (op->code != ILHEAP_IL_OP_RET)
          return fail(c, ILHEAP_IL_ETAIL_CALL, 3, tail_at, NONE);
        need_ret = 0;
      }
    }
    if (op->flow == ILHEAP_IL_FLOW_PREFIX) {
      uint32_t bit = prefix_bit(op->code);
      if (prefixes & bit)
        return fail(c, ILHEAP_IL_EPREFIX, 3, off, NONE);
      prefixes |= bit;
      if (op->code == ILHEAP_IL_OP_UNALIGNED && in.value != 1 && in.value != 2 && in.value != 4)
        return fail(c, ILHEAP_IL_EPREFIX_OPERAND, 3, off, NONE);
      if (op->code == ILHEAP_IL_OP_NO && (in.value == 0 || in.value > 7))
        return fail(c, ILHEAP_IL_EPREFIX_OPERAND, 3, off, NONE);
    } else {
      if ((prefixes & ~(uint32_t)op->prefixes) != 0)
        return fail(c, ILHEAP_IL_EPREFIX, 3, group, NONE);
      if (prefixes & ILHEAP_IL_PREFIX_TAIL) {
        need_ret = 1;
        tail_at = group;
      }
      prefixes = 0;
    }
    if (!token_ok(op->operand, (uint32_t)in.value))
      return fail(c, ILHEAP_IL_ETOKEN, 4, off, NONE);
    off += in.size; /* <= c->size: decode checked */
  }
  if (prefixes)
    return fail(c, ILHEAP_IL_EPREFIX, 3, group, NONE);
  if (need_ret)
    return fail(c, ILHEAP_IL_ETAIL_CALL, 3, tail_at, NONE);
  c->slots[c->size].info |= F_START; /* an end may equal the code size */
  return ILHEAP_IL_OK;
}

static int overlap(uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1) {
  return a0 < b1 && b0 < a1;
}

/* The sort of the blocks by (start ascending, end descending): a stable LSD
 * radix sort of 64-bit keys, linear in the number of blocks (a comparison sort
 * would add a log factor per byte as bodies grow). Bytes in which every key
 * agrees are skipped. Equal keys keep the clause order. */
typedef struct kv {
  uint64_t key;
  uint32_t idx, pad;
} kv;

static kv *radix_sort(kv *a, kv *tmp, uint32_t n) {
  for (unsigned shift = 0; shift < 64; shift += 8) {
    uint32_t count[257];
    memset(count, 0, sizeof count);
    for (uint32_t i = 0; i < n; i++)
      count[((a[i].key >> shift) & 0xFFu) + 1]++;
    int same = 0;
    for (unsigned d = 1; d <= 256; d++)
      same |= count[d] == n;
    if (same)
      continue;
    for (unsigned d = 1; d <= 256; d++)
      count[d] += count[d - 1];
    for (uint32_t i = 0; i < n; i++)
      tmp[count[(a[i].key >> shift) & 0xFFu]++] = a[i];
    kv *t = a;
    a = tmp;
    tmp = t;
  }
  return a;
}

static int is_anc(const checker *c, uint32_t a, uint32_t b) {
  if (a == NONE)
    return 1;
  if (b == NONE)
    return 0;
  return a <= b && b <= c->blocks[a].last;
}

static uint32_t b_depth(const checker *c, uint32_t b) { return b == NONE ? 0 : c->blocks[b].depth; }

/* V6-V9 and the block tree. */
static int clauses(checker *c) {
  const ilheap_il_clause *cl = c->clauses;
  uint32_t n = 0;
  /* V6, V7 per clause. */
  for (uint32_t i = 0; i < c->nclauses; i++) {
    const ilheap_il_clause *k = &cl[i];
    uint32_t te = k->try_offset + k->try_length, he = k->handler_offset + k->handler_length;
    /* C5 (ilheap_il_parse / ilheap_il_size) made these sums fit in the code. */
    ILHEAP_ASSERT(te <= c->size && he <= c->size && te > k->try_offset);
    if (!has(c, k->try_offset, F_START))
      return fail(c, ILHEAP_IL_ECLAUSE_BOUNDARY, 6, k->try_offset, i);
    if (!has(c, te, F_START))
      return fail(c, ILHEAP_IL_ECLAUSE_BOUNDARY, 6, te, i);
    if (!has(c, k->handler_offset, F_START))
      return fail(c, ILHEAP_IL_ECLAUSE_BOUNDARY, 6, k->handler_offset, i);
    if (!has(c, he, F_START))
      return fail(c, ILHEAP_IL_ECLAUSE_BOUNDARY, 6, he, i);
    if (k->kind == ILHEAP_IL_FILTER && !has(c, k->filter_offset, F_START))
      return fail(c, ILHEAP_IL_ECLAUSE_BOUNDARY, 6, k->filter_offset, i);
    if (overlap(k->try_offset, te, k->handler_offset, he))
      return fail(c, ILHEAP_IL_ECLAUSE_SELF_OVERLAP, 7, k->handler_offset, i);
    if (k->kind == ILHEAP_IL_FILTER) {
      if (k->filter_offset >= k->handler_offset)
        return fail(c, ILHEAP_IL_EFILTER_BLOCK, 7, k->filter_offset, i);
      if (overlap(k->try_offset, te, k->filter_offset, k->handler_offset))
        return fail(c, ILHEAP_IL_ECLAUSE_SELF_OVERLAP, 7, k->filter_offset, i);
    }
    /* The blocks, as keys: start ascending, end descending; idx = clause * 3 + kind. */
    c->keys[n].key = (uint64_t)k->try_offset << 32 | (uint32_t)~te;
    c->keys[n++].idx = i * 3u + K_TRY;
    c->keys[n].key = (uint64_t)k->handler_offset << 32 | (uint32_t)~he;
    c->keys[n++].idx = i * 3u + K_HANDLER;
    if (k->kind == ILHEAP_IL_FILTER) {
      c->keys[n].key = (uint64_t)k->filter_offset << 32 | (uint32_t)~k->handler_offset;
      c->keys[n++].idx = i * 3u + K_FILTER;
    }
  }
  const kv *sorted = radix_sort(c->keys, c->keys2, n);
  for (uint32_t j = 0; j < n; j++) {
    ILHEAP_ASSERT(j == 0 || sorted[j - 1].key <= sorted[j].key);
    uint32_t i = sorted[j].idx / 3u, kind = sorted[j].idx % 3u;
    block *b = &c->blocks[j];
    memset(b, 0, sizeof *b);
    b->start = (uint32_t)(sorted[j].key >> 32);
    b->end = ~(uint32_t)sorted[j].key;
    b->kind = kind;
    b->hkind = kind == K_TRY ? 0 : cl[i].kind;
    b->clause = i;
  }
  /* Shared tries become one block (the lowest clause kept: the sort put it first). */
  uint32_t m = 0;
  for (uint32_t j = 0; j < n; j++) {
    block b = c->blocks[j];
    uint32_t *dst = b.kind == K_TRY ? c->tblk : b.kind == K_HANDLER ? c->hblk : c->fblk;
    if (m > 0 && b.kind == K_TRY && c->blocks[m - 1].kind == K_TRY &&
        c->blocks[m - 1].start == b.start && c->blocks[m - 1].end == b.end) {
      dst[b.clause] = m - 1;
      continue;
    }
    dst[b.clause] = m;
    c->blocks[m++] = b;
  }
  c->nblocks = m;
  /* V8: one sweep; the stack is threaded through parent links. */
  uint32_t top = NONE;
  for (uint32_t j = 0; j < m; j++) {
    block *b = &c->blocks[j];
    while (top != NONE && c->blocks[top].end <= b->start) {
      c->blocks[top].last = j - 1;
      top = c->blocks[top].parent;
    }
    if (top != NONE && (b->end > c->blocks[top].end ||
                        (b->end == c->blocks[top].end && b->start == c->blocks[top].start)))
      return fail(c, ILHEAP_IL_ECLAUSE_OVERLAP, 8, b->start, b->clause);
    b->parent = top;
    b->depth = b_depth(c, top) + 1;
    b->nh = b->kind == K_TRY ? (top == NONE ? NONE : c->blocks[top].nh) : j;
    b->nf = (b->kind == K_FILTER || (b->kind == K_HANDLER && (b->hkind == ILHEAP_IL_FINALLY ||
                                                              b->hkind == ILHEAP_IL_FAULT)))
                ? j
                : (top == NONE ? NONE : c->blocks[top].nf);
    b->run_top = (b->kind == K_TRY && top != NONE && c->blocks[top].kind == K_TRY &&
                  c->blocks[top].start == b->start)
                     ? c->blocks[top].run_top
                     : j;
    top = j;
  }
  while (top != NONE) {
    c->blocks[top].last = m - 1;
    top = c->blocks[top].parent;
  }
  /* V8 (a clause lies wholly in its enclosing block), V9 (inner first). */
  for (uint32_t i = 0; i < c->nclauses; i++) {
    uint32_t p = c->blocks[c->tblk[i]].parent;
    if (c->blocks[c->hblk[i]].parent != p)
      return fail(c, ILHEAP_IL_ECLAUSE_OVERLAP, 8, cl[i].handler_offset, i);
    if (cl[i].kind == ILHEAP_IL_FILTER && c->blocks[c->fblk[i]].parent != p)
      return fail(c, ILHEAP_IL_ECLAUSE_OVERLAP, 8, cl[i].filter_offset, i);
    if (p != NONE && c->blocks[p].clause < i)
      return fail(c, ILHEAP_IL_ECLAUSE_ORDER, 9, cl[i].try_offset, i);
  }
  /* The innermost block of every byte, and the try starts: between two events
   * (a block starts, the innermost one ends) one block covers every byte. */
  uint32_t j = 0, off = 0;
  top = NONE;
  while (off < c->size) {
    while (top != NONE && c->blocks[top].end <= off)
      top = c->blocks[top].parent;
    while (j < m && c->blocks[j].start == off) {
      ILHEAP_ASSERT(c->blocks[j].parent == top);
      if (c->blocks[j].kind == K_TRY)
        c->slots[off].info |= F_TRY_START;
      top = j++;
    }
    uint32_t next = c->size, v = top == NONE ? BLK_NONE : top;
    if (top != NONE && c->blocks[top].end < next)
      next = c->blocks[top].end;
    if (j < m && c->blocks[j].start < next)
      next = c->blocks[j].start;
    ILHEAP_ASSERT(next > off);
    for (; off < next; off++)
      c->slots[off].info = (c->slots[off].info & ~BLK_NONE) | v;
  }
  ILHEAP_ASSERT(j == m);
  return ILHEAP_IL_OK;
}

/* V11, V12 for an edge from the group at s to t (an instruction start). */
static int edge(checker *c, uint32_t s, uint32_t t, int is_leave, uint32_t at) {
  if (c->nclauses == 0)
    return ILHEAP_IL_OK;
  uint32_t bs = blk_at(c, s), bt = blk_at(c, t);
  if (bs == bt)
    return ILHEAP_IL_OK;
  /* Entering: bt..(lowest common block) must be tries that start at t, the run
   * of tries starting there, so the first block above the run (q) must
   * enclose s. */
  uint32_t q = NONE, wrong = bt; /* the block entered in its middle, for the verdict */
  int enter_ok = is_anc(c, bt, bs);
  if (!enter_ok && c->blocks[bt].kind == K_TRY && c->blocks[bt].start == t) {
    q = c->blocks[c->blocks[bt].run_top].parent;
    enter_ok = is_anc(c, q, bs);
    wrong = q;
  }
  if (!is_leave) {
    /* Nothing may be left: s's block encloses t. */
    if (!is_anc(c, bs, bt))
      return fail(c, ILHEAP_IL_EEXIT_BLOCK, 12, at, c->blocks[bs].clause);
    if (!enter_ok)
      return fail(c, ILHEAP_IL_EENTER_BLOCK, 11, at, c->blocks[wrong].clause);
    return ILHEAP_IL_OK;
  }
  if (!enter_ok)
    return fail(c, ILHEAP_IL_EENTER_BLOCK, 11, at, c->blocks[wrong].clause);
  /* leave exits tries and catch handlers only: no finally, fault or filter
   * between s and the lowest common block (bt itself, or at most q). */
  uint32_t nf = bs == NONE ? NONE : c->blocks[bs].nf; /* leave at the top level: nothing left */
  uint32_t lca_bound = is_anc(c, bt, bs) ? bt : q;
  if (nf != NONE && !is_anc(c, nf, lca_bound))
    return fail(c, ILHEAP_IL_EEXIT_BLOCK, 12, at, c->blocks[nf].clause);
  return ILHEAP_IL_OK;
}

/* The depth d arrives at t by an edge from the instruction at `at`. */
static int arrive(checker *c, uint32_t t, int32_t d, uint32_t at) {
  if (d >= 0 && d != 0 && has(c, t, F_TRY_START))
    return fail(c, ILHEAP_IL_ESTACK_TRY_ENTRY, 17, at, c->blocks[blk_at(c, t)].clause);
  int32_t have = c->slots[t].depth;
  if (have == DEPTH_NONE || have == DEPTH_UNKNOWN)
    c->slots[t].depth = d;
  else if (d >= 0 && d != have)
    return fail(c, ILHEAP_IL_ESTACK_MERGE, 16, at, NONE);
  return ILHEAP_IL_OK;
}

static int branch(checker *c, uint32_t s, int64_t t, int32_t d, int is_leave, uint32_t at) {
  if (t < 0 || t >= c->size || !has(c, (uint32_t)t, F_START))
    return fail(c, ILHEAP_IL_ETARGET, 5, at, NONE);
  int r = edge(c, s, (uint32_t)t, is_leave, at);
  if (r == ILHEAP_IL_OK)
    r = arrive(c, (uint32_t)t, is_leave ? 0 : d, at);
  return r;
}

/* The stack effect of a call-flow instruction; 0 when unknown (partial). */
static int call_effect(checker *c, const ilheap_il_insn *in, uint32_t at, int32_t *pops,
                       int32_t *pushes) {
  const ilheap_il_verify_options *o = c->o;
  uint32_t tok = (uint32_t)in->value;
  const uint8_t *blob = NULL;
  size_t len = 0;
  if (!o || !o->method_sig || o->method_sig(o->ctx, tok, &blob, &len) != 0 || !blob) {
    skip(c, ILHEAP_IL_CHECKS_DEPTH, ILHEAP_IL_ESIG_MISSING, at, tok);
    return 0;
  }
  ilheap_il_sig sig;
  if (ilheap_il_decode_method_sig(blob, len, &sig) != ILHEAP_IL_OK || sig.params > 0xFFFFu) {
    /* More than 65535 arguments cannot fit MaxStack: a wrong blob. */
    skip(c, ILHEAP_IL_CHECKS_DEPTH, ILHEAP_IL_ESIG_BAD, at, tok);
    return 0;
  }
  switch (in->op->code) {
  case ILHEAP_IL_OP_NEWOBJ:
    *pops = (int32_t)sig.params;
    *pushes = 1;
    break;
  case ILHEAP_IL_OP_CALLI:
    *pops = (int32_t)sig.params + sig.has_this + 1;
    *pushes = sig.returns;
    break;
  default:
    *pops = (int32_t)sig.params + sig.has_this;
    *pushes = sig.returns;
    break;
  }
  return 1;
}

/* V19 for an argument or local number. */
static int index_check(checker *c, const ilheap_il_insn *in, uint32_t at) {
  uint32_t code = in->op->code, operand = in->op->operand;
  int64_t idx;
  int arg;
  if (code >= ILHEAP_IL_OP_LDARG_0 && code <= ILHEAP_IL_OP_LDARG_3) {
    arg = 1;
    idx = code - ILHEAP_IL_OP_LDARG_0;
  } else if (code >= ILHEAP_IL_OP_LDLOC_0 && code <= ILHEAP_IL_OP_LDLOC_3) {
    arg = 0;
    idx = code - ILHEAP_IL_OP_LDLOC_0;
  } else if (code >= ILHEAP_IL_OP_STLOC_0 && code <= ILHEAP_IL_OP_STLOC_3) {
    arg = 0;
    idx = code - ILHEAP_IL_OP_STLOC_0;
  } else if (operand == ILHEAP_IL_OPERAND_ARG8 || operand == ILHEAP_IL_OPERAND_ARG16) {
    arg = 1;
    idx = in->value;
  } else if (operand == ILHEAP_IL_OPERAND_LOC8 || operand == ILHEAP_IL_OPERAND_LOC16) {
    arg = 0;
    idx = in->value;
  } else if (code == ILHEAP_IL_OP_ARGLIST) {
    if (c->have_own == 1 && !c->own.vararg)
      return fail(c, ILHEAP_IL_EARGLIST, 19, at, NONE);
    if (c->have_own != 1)
      skip(c, ILHEAP_IL_CHECK_BIT(19), c->have_own ? ILHEAP_IL_ESIG_BAD : ILHEAP_IL_ESIG_MISSING,
           at, 0);
    return ILHEAP_IL_OK;
  } else {
    return ILHEAP_IL_OK;
  }
  if (arg) {
    if (c->have_own != 1) {
      skip(c, ILHEAP_IL_CHECK_BIT(19), c->have_own ? ILHEAP_IL_ESIG_BAD : ILHEAP_IL_ESIG_MISSING,
           at, 0);
      return ILHEAP_IL_OK;
    }
    if (idx >= (int64_t)c->own.params + c->own.has_this)
      return fail(c, ILHEAP_IL_EARG_INDEX, 19, at, NONE);
    return ILHEAP_IL_OK;
  }
  if (c->have_locals != 1) {
    skip(c, ILHEAP_IL_CHECK_BIT(19), c->have_locals ? ILHEAP_IL_ESIG_BAD : ILHEAP_IL_ESIG_MISSING,
         at, 0);
    return ILHEAP_IL_OK;
  }
  if (idx >= (int64_t)c->locals)
    return fail(c, ILHEAP_IL_ELOCAL_INDEX, 19, at, NONE);
  return ILHEAP_IL_OK;
}

/* V13: where the EH instructions, ret, jmp and localloc may be. */
static int placement(checker *c, uint32_t s, uint32_t end, uint32_t code) {
  uint32_t b = blk_at(c, s);
  uint32_t h = b == NONE ? NONE : c->blocks[b].nh;
  const block *hb = h == NONE ? NULL : &c->blocks[h];
  /* The last instruction of a filter block is endfilter (III.3.34). */
  if (hb && hb->kind == K_FILTER && end == hb->end && code != ILHEAP_IL_OP_ENDFILTER)
    return fail(c, ILHEAP_IL_EENDFILTER, 13, s, hb->clause);
  switch (code) {
  case ILHEAP_IL_OP_ENDFINALLY:
    if (!hb || hb->kind != K_HANDLER ||
        (hb->hkind != ILHEAP_IL_FINALLY && hb->hkind != ILHEAP_IL_FAULT))
      return fail(c, ILHEAP_IL_EENDFINALLY, 13, s, hb ? hb->clause : NONE);
    break;
  case ILHEAP_IL_OP_ENDFILTER:
    if (!hb || hb->kind != K_FILTER || end != hb->end)
      return fail(c, ILHEAP_IL_EENDFILTER, 13, s, hb ? hb->clause : NONE);
    break;
  case ILHEAP_IL_OP_RETHROW:
    if (!hb || hb->kind != K_HANDLER ||
        (hb->hkind != ILHEAP_IL_CATCH && hb->hkind != ILHEAP_IL_FILTER))
      return fail(c, ILHEAP_IL_ERETHROW, 13, s, hb ? hb->clause : NONE);
    break;
  case ILHEAP_IL_OP_RET:
  case ILHEAP_IL_OP_JMP:
    if (b != NONE)
      return fail(c, ILHEAP_IL_ERET_IN_BLOCK, 13, s, c->blocks[b].clause);
    break;
  case ILHEAP_IL_OP_LOCALLOC:
    if (hb)
      return fail(c, ILHEAP_IL_ELOCALLOC, 13, s, hb->clause);
    break;
  default: break;
  }
  return ILHEAP_IL_OK;
}

/* Pass 2: V5 and V10-V19, in code order. */
static int pass2(checker *c) {
  int r;
  /* The exception mechanism's entries (before any edge: an edge into a
   * handler is V11 whatever its depth). */
  for (uint32_t i = 0; i < c->nclauses; i++) {
    const ilheap_il_clause *k = &c->clauses[i];
    int catches = k->kind == ILHEAP_IL_CATCH || k->kind == ILHEAP_IL_FILTER;
    c->slots[k->handler_offset].depth = catches ? 1 : 0;
    if (k->kind == ILHEAP_IL_FILTER)
      c->slots[k->filter_offset].depth = 1;
  }
  int32_t d = 0;
  int falls = 0;
  uint32_t off = 0;
  ilheap_il_insn in;
  memset(&in, 0, sizeof in);
  while (off < c->size) {
    uint32_t s = off;
    ILHEAP_ASSERT(has(c, s, F_START));
    /* The group: prefixes, then the instruction (pass 1 proved it decodes). */
    for (;;) {
      r = decode_fast(c->code, c->size, off, &in);
      ILHEAP_ASSERT(r == ILHEAP_IL_OK);
      off += in.size;
      if (in.op->flow != ILHEAP_IL_FLOW_PREFIX)
        break;
    }
    uint32_t o = in.offset = off - in.size, end = off;
    const ilheap_il_opcode *op = in.op;
    /* The depth on entry. */
    if (falls) {
      /* The edge itself was checked (V11, V12) by the group before. */
      if ((r = arrive(c, s, d, s)) != ILHEAP_IL_OK)
        return r;
    } else if (c->slots[s].depth == DEPTH_NONE) {
      c->slots[s].depth = 0; /* III.1.7.5: after an unconditional transfer, empty */
    }
    d = c->slots[s].depth;
    if (d > 0 && has(c, s, F_TRY_START))
      return fail(c, ILHEAP_IL_ESTACK_TRY_ENTRY, 17, s, c->blocks[blk_at(c, s)].clause);
    if ((r = placement(c, s, end, op->code)) != ILHEAP_IL_OK)
      return r;
    if ((r = index_check(c, &in, o)) != ILHEAP_IL_OK)
      return r;
    /* The stack effect. */
    /* small counts in int8_t, not characters */
    int32_t pops = op->pops, pushes = op->pushes; // NOLINT(bugprone-signed-char-misuse,cert-str34-c)
    int known = 1;
    if (op->flow == ILHEAP_IL_FLOW_CALL)
      known = call_effect(c, &in, o, &pops, &pushes);
    if (op->code == ILHEAP_IL_OP_RET) {
      pushes = 0;
      if (c->have_own == 1) {
        pops = c->own.returns;
      } else {
        /* Without the signature: 0 or 1, and nothing more, is all we know. */
        pops = 0;
        if (d > 1)
          return fail(c, ILHEAP_IL_ESTACK_EXACT, 18, o, NONE);
        if (d >= 0)
          skip(c, ILHEAP_IL_CHECK_BIT(18),
               c->have_own ? ILHEAP_IL_ESIG_BAD : ILHEAP_IL_ESIG_MISSING, o, 0);
        known = 0;
      }
    }
    if (d >= 0 && known) {
      if (d < pops)
        return fail(c, ILHEAP_IL_ESTACK_UNDERFLOW, 14, o, NONE);
      int32_t exact = -1;
      switch (op->code) {
      case ILHEAP_IL_OP_RET: exact = pops; break;
      case ILHEAP_IL_OP_JMP: exact = 0; break;
      case ILHEAP_IL_OP_ENDFILTER:
      case ILHEAP_IL_OP_LOCALLOC: exact = 1; break;
      default: break;
      }
      if (exact >= 0 && d != exact)
        return fail(c, ILHEAP_IL_ESTACK_EXACT, 18, o, NONE);
      d = d - pops + pushes;
      if ((uint32_t)d > c->max_stack)
        return fail(c, ILHEAP_IL_ESTACK_OVERFLOW, 15, o, NONE);
    } else {
      d = DEPTH_UNKNOWN; /* until an edge with a known depth (III.1.7.5's sources) */
    }
    /* The edges out. */
    falls = 0;
    switch (op->flow) {
    case ILHEAP_IL_FLOW_BRANCH:
      if ((r = branch(c, s, in.target, d, 0, o)) != ILHEAP_IL_OK)
        return r;
      break;
    case ILHEAP_IL_FLOW_COND:
      if ((r = branch(c, s, in.target, d, 0, o)) != ILHEAP_IL_OK)
        return r;
      falls = 1;
      break;
    case ILHEAP_IL_FLOW_SWITCH:
      ILHEAP_ASSERT(in.switch_table != NULL || in.value == 0); /* the table: switch's operand */
      for (uint32_t i = 0; i < (uint32_t)in.value; i++) {
        int64_t t = (int64_t)end + s32(rd32(in.switch_table + (size_t)i * 4u));
        if ((r = branch(c, s, t, d, 0, o)) != ILHEAP_IL_OK)
          return r;
      }
      falls = 1;
      break;
    case ILHEAP_IL_FLOW_LEAVE:
      if ((r = branch(c, s, in.target, 0, 1, o)) != ILHEAP_IL_OK)
        return r;
      break;
    case ILHEAP_IL_FLOW_NEXT:
    case ILHEAP_IL_FLOW_CALL: falls = 1; break;
    default: break; /* ret, throw, rethrow, endfinally, endfilter, jmp */
    }
    if (falls && end == c->size)
      return fail(c, ILHEAP_IL_EFALLS_OFF_END, 10, s, NONE);
    if (falls && (r = edge(c, s, end, 0, s)) != ILHEAP_IL_OK)
      return r; /* a fall-through is an edge too (V11, V12) */
  }
  return ILHEAP_IL_OK;
}

/* ---- Entry points ---------------------------------------------------------------------- */

static uint64_t align8(uint64_t v) { return (v + 7u) & ~(uint64_t)7u; }

size_t ilheap_il_verify_scratch_size(uint32_t code_size, uint32_t clause_count) {
  uint64_t n = code_size;
  uint64_t total = align8((n + 1) * sizeof(slot)) +
                   align8((uint64_t)clause_count * sizeof(ilheap_il_clause)) +
                   align8((uint64_t)clause_count * 3u * sizeof(block)) +
                   align8((uint64_t)clause_count * 3u * sizeof(kv)) * 2u +
                   align8((uint64_t)clause_count * 3u * sizeof(uint32_t)) + 8u;
  if (total > SIZE_MAX)
    return SIZE_MAX;
  return (size_t)total;
}

static void *carve(uint8_t **p, uint64_t bytes) {
  void *r = *p;
  *p += align8(bytes);
  return r;
}

/* The checks after the layout: code and clauses described, layout fine. */
static int check(const ilheap_il_body *b, const uint8_t *section, const ilheap_il_verify_options *o,
                 ilheap_il_verdict *v) {
  checker c;
  memset(&c, 0, sizeof c);
  c.code = b->code;
  c.size = b->code_size;
  c.max_stack = b->max_stack;
  c.nclauses = b->clause_count;
  c.o = o;
  c.v = v;
  size_t need = ilheap_il_verify_scratch_size(c.size, c.nclauses);
  void *mem = NULL;
  uint8_t *p;
  if (o && o->scratch) {
    if (o->scratch_size < need) {
      v->result = ILHEAP_IL_VERDICT_NOT_CHECKED;
      return v->answer = ILHEAP_IL_ENOMEM;
    }
    p = o->scratch;
  } else {
    mem = need == SIZE_MAX ? NULL : malloc(need);
    if (!mem) {
      v->result = ILHEAP_IL_VERDICT_NOT_CHECKED;
      return v->answer = ILHEAP_IL_ENOMEM;
    }
    p = mem;
  }
  p += (8u - ((uintptr_t)p & 7u)) & 7u; /* the + 8 of the size */
  c.slots = carve(&p, ((uint64_t)c.size + 1) * sizeof(slot));
  ilheap_il_clause *cl = carve(&p, (uint64_t)c.nclauses * sizeof(ilheap_il_clause));
  c.blocks = carve(&p, (uint64_t)c.nclauses * 3u * sizeof(block));
  c.keys = carve(&p, (uint64_t)c.nclauses * 3u * sizeof(kv));
  c.keys2 = carve(&p, (uint64_t)c.nclauses * 3u * sizeof(kv));
  c.tblk = carve(&p, (uint64_t)c.nclauses * 3u * sizeof(uint32_t));
  c.hblk = c.tblk + c.nclauses;
  c.fblk = c.hblk + c.nclauses;
  for (uint32_t i = 0; i <= c.size; i++) {
    c.slots[i].depth = DEPTH_NONE;
    c.slots[i].info = BLK_NONE;
  }
  if (section) {
    ilheap_il_view view;
    memset(&view, 0, sizeof view);
    view.body = *b;
    view.section = section;
    for (uint32_t i = 0; i < c.nclauses; i++) {
      int r = ilheap_il_clause_at(&view, i, &cl[i]);
      ILHEAP_ASSERT(r == ILHEAP_IL_OK);
      (void)r;
    }
  } else if (c.nclauses) {
    memcpy(cl, b->clauses, (size_t)c.nclauses * sizeof *cl);
  }
  c.clauses = cl;
  /* The method's own signatures. */
  if (o && o->own_sig)
    c.have_own = ilheap_il_decode_method_sig(o->own_sig, o->own_sig_size, &c.own) == ILHEAP_IL_OK
                     ? 1
                     : -1;
  if (b->local_sig_token == 0) {
    c.have_locals = 1; /* no locals */
  } else if (o && o->local_sig) {
    c.have_locals =
        ilheap_il_decode_local_sig(o->local_sig, o->local_sig_size, &c.locals) == ILHEAP_IL_OK ? 1
                                                                                              : -1;
  }
  int r = pass1(&c);
  if (r == ILHEAP_IL_OK && c.nclauses)
    r = clauses(&c);
  if (r == ILHEAP_IL_OK)
    r = pass2(&c);
  free(mem);
  if (r == ILHEAP_IL_OK) {
    v->result = v->skipped ? ILHEAP_IL_VERDICT_PARTIAL : ILHEAP_IL_VERDICT_OK;
    v->answer = ILHEAP_IL_OK;
  } else {
    ILHEAP_ASSERT(v->result == ILHEAP_IL_VERDICT_ERROR && v->answer == r);
    v->skipped = 0;
    v->skip_reason = 0;
    v->skip_offset = 0;
    v->skip_token = 0;
  }
  return r;
}

static void verdict_init(ilheap_il_verdict *v) {
  memset(v, 0, sizeof *v);
  v->clause = ILHEAP_IL_NO_CLAUSE;
}

static int layout_fail(ilheap_il_verdict *v, int answer) {
  v->result = answer == ILHEAP_IL_EBADARG ? ILHEAP_IL_VERDICT_NOT_CHECKED : ILHEAP_IL_VERDICT_ERROR;
  v->answer = answer;
  return answer;
}

int ilheap_il_verify(const void *body, size_t readable, const ilheap_il_verify_options *o,
                     ilheap_il_verdict *v) {
  ilheap_il_verdict local;
  if (!v)
    v = &local;
  verdict_init(v);
  if (!body)
    return layout_fail(v, ILHEAP_IL_EBADARG);
  ilheap_il_view view;
  int r = ilheap_il_parse(body, readable, &view);
  if (r != ILHEAP_IL_OK) {
    v->result = ILHEAP_IL_VERDICT_ERROR;
    return v->answer = r;
  }
  return check(&view.body, view.section, o, v);
}

int ilheap_il_verify_body(const ilheap_il_body *body, const ilheap_il_verify_options *o,
                          ilheap_il_verdict *v) {
  ilheap_il_verdict local;
  if (!v)
    v = &local;
  verdict_init(v);
  if (!body)
    return layout_fail(v, ILHEAP_IL_EBADARG);
  uint32_t size;
  int r = ilheap_il_size(body, 0, &size);
  if (r != ILHEAP_IL_OK)
    return layout_fail(v, r);
  ilheap_il_body b = *body;
  /* The header ilheap_il_write would choose: a tiny one (L1) means MaxStack 8. */
  int tiny = (b.flags & ILHEAP_IL_TINY) ||
             (!(b.flags & (ILHEAP_IL_FAT | ILHEAP_IL_INIT_LOCALS | ILHEAP_IL_FAT_SECTION)) &&
              b.code_size <= ILHEAP_IL_TINY_MAX_CODE && b.max_stack <= ILHEAP_IL_TINY_MAX_STACK &&
              b.local_sig_token == 0 && b.clause_count == 0);
  if (tiny)
    b.max_stack = ILHEAP_IL_TINY_MAX_STACK;
  return check(&b, NULL, o, v);
}
