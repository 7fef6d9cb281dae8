/* SPDX-License-Identifier: MIT */
/*
 * The instruction checker (include/ilheap_il_verify.h): the opcode table, the
 * walk, the signatures, and each check V1-V19 with a body that fails it (the
 * answer, check and offset the header promises) and one that passes; the
 * shapes real compilers emit that a checker must not refuse; and the bugs of
 * real IL rewriters (FACTS section 14) rebuilt as bodies, before and after
 * their fix. Bodies are spelled out byte by byte with their offsets.
 */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "ilheap_il.h"
#include "ilheap_il_com.h"
#include "ilheap_il_verify.h"

/* ---- Helpers ---------------------------------------------------------------------- */

#define TOK(t) (uint8_t)(t), (uint8_t)((t) >> 8), (uint8_t)((t) >> 16), (uint8_t)((t) >> 24)
/* A MemberRef whose row says its signature: low 4 bits the parameters, HT
 * HASTHIS, RV a return value (see resolve); row 0xFF is unknown. */
#define HT 0x10u
#define RV 0x20u
#define MREF(nn) TOK(0x0A000100u | (nn))
#define SASIG(nn) TOK(0x11000100u | (nn))
#define STR TOK(0x70000001u)
#define TYPE TOK(0x01000001u)
#define FIELD TOK(0x04000001u)
#define I32(v) TOK((uint32_t)(v))
#define UNKNOWN_ROW 0xFFu
#define CATCH_TOKEN 0x01000002u

static int resolve_calls;

static int resolve(void *ctx, uint32_t tok, const uint8_t **blob, size_t *len) {
  static uint8_t b[32];
  (void)ctx;
  resolve_calls++;
  uint32_t nn = tok & 0xFFu;
  if (nn == UNKNOWN_ROW)
    return 1;
  size_t n = 0;
  b[n++] = (nn & HT) ? 0x20 : 0x00;
  b[n++] = (uint8_t)(nn & 0xFu);
  b[n++] = (nn & RV) ? 0x08 : 0x01; /* int32 or void */
  for (uint32_t i = 0; i < (nn & 0xFu); i++)
    b[n++] = 0x08;
  *blob = b;
  *len = n;
  return 0;
}

/* The method's own signature and locals, per test (reset by run's callers). */
static uint8_t own_sig[8] = {0x00, 0x00, 0x01}; /* static void () */
static size_t own_len = 3;
static const uint8_t *local_sig;
static size_t local_len;
static uint32_t local_token;
static int no_resolver, no_own;

static void own(int has_this, uint32_t params, int returns) {
  own_sig[0] = has_this ? 0x20 : 0x00;
  own_sig[1] = (uint8_t)params;
  own_sig[2] = returns ? 0x08 : 0x01;
  for (uint32_t i = 0; i < params && i < 4; i++)
    own_sig[3 + i] = 0x08;
  own_len = 3 + params;
}

static ilheap_il_verdict v;

/* Checks a fat body (MaxStack as given) with the resolver and own signature. */
static int run(const uint8_t *code, uint32_t n, uint32_t max_stack, const ilheap_il_clause *cl,
               uint32_t ncl) {
  ilheap_il_body b;
  memset(&b, 0, sizeof b);
  b.code = code;
  b.code_size = n;
  b.max_stack = max_stack;
  b.flags = ILHEAP_IL_FAT;
  b.clauses = cl;
  b.clause_count = ncl;
  b.local_sig_token = local_token;
  ilheap_il_verify_options o;
  memset(&o, 0, sizeof o);
  o.method_sig = no_resolver ? NULL : resolve;
  o.own_sig = no_own ? NULL : own_sig;
  o.own_sig_size = own_len;
  o.local_sig = local_sig;
  o.local_sig_size = local_len;
  memset(&v, 0x5A, sizeof v);
  int r = ilheap_il_verify_body(&b, &o, &v);
  cr_assert_eq(r, v.answer, "the return value is the verdict's answer");
  return r;
}

#define RUN(code, max, cl, ncl) run((code), (uint32_t)sizeof(code), (max), (cl), (ncl))

#define EXPECT_OK()                                                                                \
  do {                                                                                             \
    cr_assert_eq(v.answer, ILHEAP_IL_OK, "answer %d (%s) check V%u at IL_%04x", v.answer,          \
                 ilheap_il_strerror(v.answer), v.check, v.offset);                                 \
    cr_assert_eq(v.result, ILHEAP_IL_VERDICT_OK, "result %d skipped %#x", v.result, v.skipped);    \
    cr_assert_eq(v.skipped, 0);                                                                    \
  } while (0)

#define EXPECT_ERR(ans, chk, off, cls)                                                             \
  do {                                                                                             \
    cr_assert_eq(v.answer, (ans), "answer %d (%s), wanted %d (%s)", v.answer,                      \
                 ilheap_il_strerror(v.answer), (ans), ilheap_il_strerror(ans));                    \
    cr_assert_eq(v.result, ILHEAP_IL_VERDICT_ERROR);                                               \
    cr_assert_eq(v.check, (chk), "check V%u, wanted V%u", v.check, (unsigned)(chk));               \
    cr_assert_eq(v.offset, (off), "offset IL_%04x, wanted IL_%04x", v.offset, (unsigned)(off));    \
    cr_assert_eq(v.clause, (cls), "clause %u, wanted %u", v.clause, (unsigned)(cls));              \
  } while (0)

#define NOC ILHEAP_IL_NO_CLAUSE

static ilheap_il_clause clause(uint32_t kind, uint32_t to, uint32_t tl, uint32_t ho, uint32_t hl,
                               uint32_t extra) {
  ilheap_il_clause c;
  memset(&c, 0, sizeof c);
  c.kind = kind;
  c.try_offset = to;
  c.try_length = tl;
  c.handler_offset = ho;
  c.handler_length = hl;
  c.class_token = kind == ILHEAP_IL_CATCH && extra == 0 ? CATCH_TOKEN : extra;
  return c;
}

static void reset(void) {
  own(0, 0, 0);
  local_sig = NULL;
  local_len = 0;
  local_token = 0;
  no_resolver = no_own = 0;
  resolve_calls = 0;
}

/* ---- The opcode table -------------------------------------------------------------------- */

#define ROW_CODE(id, name, code, operand, flow, pops, pushes, prefixes) (code),
static const uint32_t all_codes[] = {ILHEAP_IL_OPCODE_LIST(ROW_CODE)};
#undef ROW_CODE
#define N_CODES (sizeof all_codes / sizeof all_codes[0])

Test(il_opcodes, the_table_is_the_standards_219) {
  /* ECMA-335 III: 191 one-byte and 28 two-byte opcodes (prefixes included). */
  size_t one = 0, two = 0;
  for (size_t i = 0; i < N_CODES; i++)
    all_codes[i] > 0xFF ? two++ : one++;
  cr_assert_eq(one, 191, "%zu one-byte opcodes", one);
  cr_assert_eq(two, 28, "%zu two-byte opcodes", two);
  for (size_t i = 0; i < N_CODES; i++)
    for (size_t j = i + 1; j < N_CODES; j++) {
      cr_assert_neq(all_codes[i], all_codes[j]);
      cr_assert_str_neq(ilheap_il_opcode_info(all_codes[i])->name,
                        ilheap_il_opcode_info(all_codes[j])->name);
    }
}

Test(il_opcodes, every_code_is_known_or_refused) {
  size_t known = 0;
  for (uint32_t c = 0; c < 0x200; c++) {
    uint32_t code = c < 0x100 ? c : 0xFE00u | (c & 0xFF);
    const ilheap_il_opcode *op = ilheap_il_opcode_info(code);
    int listed = 0;
    for (size_t i = 0; i < N_CODES; i++)
      listed |= all_codes[i] == code;
    cr_assert_eq(op != NULL, listed, "code %#x", code);
    if (op) {
      known++;
      cr_assert_eq(op->code, code);
      cr_assert_eq(op->size >= (code > 0xFF ? 2 : 1), 1);
      cr_assert_eq((op->flow == ILHEAP_IL_FLOW_PREFIX), code >= 0xFE12 && code != 0xFE15 &&
                                                           code != 0xFE17 && code != 0xFE18 &&
                                                           code != 0xFE1A && code != 0xFE1C &&
                                                           code != 0xFE1D);
    }
  }
  cr_assert_eq(known, N_CODES);
  cr_assert_null(ilheap_il_opcode_info(0xFE), "0xFE is the escape, not an opcode");
  cr_assert_null(ilheap_il_opcode_info(0x1FE00));
  cr_assert_null(ilheap_il_opcode_info(0xFD00));
}

/* Every opcode decodes with its declared size; one byte less is cut off. */
Test(il_opcodes, every_opcode_decodes_with_its_size) {
  for (size_t i = 0; i < N_CODES; i++) {
    const ilheap_il_opcode *op = ilheap_il_opcode_info(all_codes[i]);
    uint8_t buf[16];
    memset(buf, 0, sizeof buf);
    size_t at = 0;
    if (op->code > 0xFF)
      buf[at++] = 0xFE;
    buf[at++] = (uint8_t)op->code;
    /* A heap copy of exactly the instruction, so an overread is caught. */
    uint8_t *exact = malloc(op->size);
    cr_assert_not_null(exact);
    memcpy(exact, buf, op->size);
    ilheap_il_insn in;
    cr_assert_eq(ilheap_il_next(exact, op->size, 0, &in), ILHEAP_IL_OK, "%s", op->name);
    cr_assert_eq(in.size, op->size, "%s: %u bytes", op->name, in.size);
    cr_assert_eq(in.op, op);
    cr_assert_eq(ilheap_il_next(exact, op->size - 1u, 0, &in),
                 op->size - 1u == 0 || (op->code > 0xFF && op->size - 1u == 1)
                     ? (op->size - 1u == 0 ? ILHEAP_IL_EBADARG : ILHEAP_IL_EOPCODE)
                     : ILHEAP_IL_EOPERAND_PAST_END,
                 "%s cut", op->name);
    if (op->size > 1 && !(op->code > 0xFF && op->size == 2))
      cr_assert_null(in.op);
    free(exact);
  }
}

Test(il_opcodes, operand_sizes_are_the_standards) {
  /* III.1.2.1 and the instruction pages: a few by hand. */
  static const struct {
    uint32_t code;
    uint8_t size;
  } want[] = {{ILHEAP_IL_OP_NOP, 1},       {ILHEAP_IL_OP_LDARG_S, 2},  {ILHEAP_IL_OP_LDC_I4_S, 2},
              {ILHEAP_IL_OP_LDC_I4, 5},    {ILHEAP_IL_OP_LDC_I8, 9},   {ILHEAP_IL_OP_LDC_R4, 5},
              {ILHEAP_IL_OP_LDC_R8, 9},    {ILHEAP_IL_OP_BR_S, 2},     {ILHEAP_IL_OP_BR, 5},
              {ILHEAP_IL_OP_SWITCH, 5},    {ILHEAP_IL_OP_CALL, 5},     {ILHEAP_IL_OP_LDARG, 4},
              {ILHEAP_IL_OP_UNALIGNED, 3}, {ILHEAP_IL_OP_CONSTRAINED, 6}, {ILHEAP_IL_OP_NO, 3},
              {ILHEAP_IL_OP_TAIL, 2},      {ILHEAP_IL_OP_LEAVE_S, 2},  {ILHEAP_IL_OP_ENDFILTER, 2}};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    cr_assert_eq(ilheap_il_opcode_info(want[i].code)->size, want[i].size, "%#x", want[i].code);
}

/* ---- The walk ------------------------------------------------------------------------------ */

Test(il_walk, bad_arguments) {
  static const uint8_t code[] = {0x2A};
  ilheap_il_insn in;
  cr_assert_eq(ilheap_il_next(NULL, 1, 0, &in), ILHEAP_IL_EBADARG);
  cr_assert_eq(ilheap_il_next(code, 1, 0, NULL), ILHEAP_IL_EBADARG);
  cr_assert_eq(ilheap_il_next(code, 1, 1, &in), ILHEAP_IL_EBADARG);
  cr_assert_null(in.op);
  cr_assert_eq(in.offset, 1);
  cr_assert_eq(ilheap_il_next(code, 0, 0, &in), ILHEAP_IL_EBADARG);
  static const uint8_t fe[] = {0x00, 0xFE};
  cr_assert_eq(ilheap_il_next(fe, 2, 1, &in), ILHEAP_IL_EOPCODE, "a lone 0xFE at the end");
  static const uint8_t bad2[] = {0xFE, 0x08};
  cr_assert_eq(ilheap_il_next(bad2, 2, 0, &in), ILHEAP_IL_EOPCODE);
  cr_assert_eq(ilheap_il_switch_target(NULL, 0, NULL), ILHEAP_IL_EBADARG);
}

Test(il_walk, operands) {
  static const uint8_t code[] = {
      0x1F, 0xFE,                                     /* 0: ldc.i4.s -2 */
      0x20, I32(-5),                                  /* 2: ldc.i4 -5 */
      0x21, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x80, /* 7: ldc.i8 INT64_MIN+... */
      0x22, 0x00, 0x00, 0xC0, 0x3F,                   /* 16: ldc.r4 1.5 */
      0x23, 0, 0, 0, 0, 0, 0, 0x04, 0x40,             /* 21: ldc.r8 2.5 */
      0x2B, 0xFE,                                     /* 30: br.s -2 -> 30 */
      0x38, I32(-37),                                 /* 32: br -37 -> 0 */
      0x45, I32(2), I32(0), I32(-52),                 /* 37: switch (50, -2) */
      0xFE, 0x09, 0x34, 0x12,                         /* 50: ldarg 0x1234 */
      0x28, MREF(7),                                  /* 54: call */
  };
  ilheap_il_insn in;
  size_t off = 0;
  cr_assert_eq(ilheap_il_next(code, sizeof code, off, &in), ILHEAP_IL_OK);
  cr_assert_eq(in.value, -2);
  off += in.size;
  cr_assert_eq(ilheap_il_next(code, sizeof code, off, &in), ILHEAP_IL_OK);
  cr_assert_eq(in.value, -5);
  off += in.size;
  cr_assert_eq(ilheap_il_next(code, sizeof code, off, &in), ILHEAP_IL_OK);
  cr_assert_eq(in.value, INT64_MIN + 0x00FFFFFFFFFFFFFFLL); /* 0x80FFFFFFFFFFFFFF */
  off += in.size;
  cr_assert_eq(ilheap_il_next(code, sizeof code, off, &in), ILHEAP_IL_OK);
  cr_assert_eq(in.real, 1.5);
  off += in.size;
  cr_assert_eq(ilheap_il_next(code, sizeof code, off, &in), ILHEAP_IL_OK);
  cr_assert_eq(in.real, 2.5);
  off += in.size;
  cr_assert_eq(ilheap_il_next(code, sizeof code, off, &in), ILHEAP_IL_OK);
  cr_assert_eq(in.offset, 30);
  cr_assert_eq(in.target, 30);
  off += in.size;
  cr_assert_eq(ilheap_il_next(code, sizeof code, off, &in), ILHEAP_IL_OK);
  cr_assert_eq(in.target, 0);
  off += in.size;
  cr_assert_eq(ilheap_il_next(code, sizeof code, off, &in), ILHEAP_IL_OK);
  cr_assert_eq(in.offset, 37);
  cr_assert_eq(in.size, 13);
  cr_assert_eq(in.value, 2);
  int64_t t;
  cr_assert_eq(ilheap_il_switch_target(&in, 0, &t), ILHEAP_IL_OK);
  cr_assert_eq(t, 50);
  cr_assert_eq(ilheap_il_switch_target(&in, 1, &t), ILHEAP_IL_OK);
  cr_assert_eq(t, -2);
  cr_assert_eq(ilheap_il_switch_target(&in, 2, &t), ILHEAP_IL_EBADARG);
  off += in.size;
  cr_assert_eq(ilheap_il_next(code, sizeof code, off, &in), ILHEAP_IL_OK);
  cr_assert_eq(in.value, 0x1234);
  cr_assert_eq(ilheap_il_switch_target(&in, 0, &t), ILHEAP_IL_EBADARG, "not a switch");
  off += in.size;
  cr_assert_eq(ilheap_il_next(code, sizeof code, off, &in), ILHEAP_IL_OK);
  cr_assert_eq(in.value, 0x0A000107);
  cr_assert_eq(off + in.size, sizeof code);
}

Test(il_walk, a_switch_table_past_the_end) {
  /* The count says 3 targets, 2 are there: nothing past the code is read. */
  uint8_t *code = malloc(13);
  cr_assert_not_null(code);
  static const uint8_t sw[] = {0x45, I32(3), I32(0), I32(0)};
  memcpy(code, sw, 13);
  ilheap_il_insn in;
  cr_assert_eq(ilheap_il_next(code, 13, 0, &in), ILHEAP_IL_EOPERAND_PAST_END);
  code[1] = 0xFF, code[2] = 0xFF, code[3] = 0xFF, code[4] = 0xFF; /* 2^32 - 1 targets */
  cr_assert_eq(ilheap_il_next(code, 13, 0, &in), ILHEAP_IL_EOPERAND_PAST_END);
  free(code);
}

/* ---- Signatures ---------------------------------------------------------------------------- */

Test(il_sig, method_signatures) {
  ilheap_il_sig s;
  static const uint8_t st[] = {0x00, 0x02, 0x01, 0x08, 0x08}; /* static void (int, int) */
  cr_assert_eq(ilheap_il_decode_method_sig(st, sizeof st, &s), ILHEAP_IL_OK);
  cr_assert_eq(s.params, 2);
  cr_assert_eq(s.has_this, 0);
  cr_assert_eq(s.returns, 0);
  static const uint8_t inst[] = {0x20, 0x00, 0x08}; /* instance int32 () */
  cr_assert_eq(ilheap_il_decode_method_sig(inst, sizeof inst, &s), ILHEAP_IL_OK);
  cr_assert_eq(s.has_this, 1);
  cr_assert_eq(s.returns, 1);
  static const uint8_t expl[] = {0x60, 0x01, 0x01, 0x1C}; /* explicit this: in the params */
  cr_assert_eq(ilheap_il_decode_method_sig(expl, sizeof expl, &s), ILHEAP_IL_OK);
  cr_assert_eq(s.has_this, 0);
  cr_assert_eq(s.params, 1);
  static const uint8_t gen[] = {0x30, 0x02, 0x81, 0x00, 0x13, 0x00}; /* generic<2> 256 params */
  cr_assert_eq(ilheap_il_decode_method_sig(gen, sizeof gen, &s), ILHEAP_IL_OK);
  cr_assert_eq(s.generic, 1);
  cr_assert_eq(s.generic_count, 2);
  cr_assert_eq(s.params, 256);
  cr_assert_eq(s.returns, 1);
  /* vararg call site: ParamCount counts the arguments after the sentinel. */
  static const uint8_t va[] = {0x05, 0x03, 0x01, 0x08, 0x41, 0x08, 0x0E};
  cr_assert_eq(ilheap_il_decode_method_sig(va, sizeof va, &s), ILHEAP_IL_OK);
  cr_assert_eq(s.vararg, 1);
  cr_assert_eq(s.params, 3);
  /* modreq(InAttribute) modopt(...) void */
  static const uint8_t mods[] = {0x00, 0x00, 0x1F, 0x42, 0x20, 0xC0, 0x00, 0x01, 0x00, 0x01};
  cr_assert_eq(ilheap_il_decode_method_sig(mods, sizeof mods, &s), ILHEAP_IL_OK);
  cr_assert_eq(s.returns, 0);
  static const uint8_t unmanaged[] = {0x09, 0x00, 0x01}; /* calli unmanaged */
  cr_assert_eq(ilheap_il_decode_method_sig(unmanaged, sizeof unmanaged, &s), ILHEAP_IL_OK);
}

Test(il_sig, malformed_signatures) {
  ilheap_il_sig s;
  static const uint8_t field[] = {0x06, 0x08};
  static const uint8_t local[] = {0x07, 0x01, 0x08};
  static const uint8_t prop[] = {0x08, 0x00, 0x08};
  static const uint8_t spec[] = {0x0A, 0x01, 0x08};
  static const uint8_t cut_count[] = {0x00, 0x81};
  static const uint8_t no_ret[] = {0x00, 0x00};
  static const uint8_t cut_mod[] = {0x00, 0x00, 0x1F};
  static const uint8_t bad_compressed[] = {0x00, 0xFF, 0x01};
  static const uint8_t explicit_only[] = {0x40, 0x00, 0x01};
  static const uint8_t high[] = {0x80, 0x00, 0x01};
  static const uint8_t cut_generic[] = {0x10};
  static const uint8_t cut4[] = {0x00, 0xC0, 0x00};
  const struct {
    const uint8_t *b;
    size_t n;
  } bad[] = {{field, sizeof field},       {local, sizeof local},   {prop, sizeof prop},
             {spec, sizeof spec},         {cut_count, sizeof cut_count}, {no_ret, sizeof no_ret},
             {cut_mod, sizeof cut_mod},   {bad_compressed, sizeof bad_compressed},
             {explicit_only, sizeof explicit_only}, {high, sizeof high},
             {cut_generic, sizeof cut_generic}, {cut4, sizeof cut4}, {field, 0}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    memset(&s, 0x77, sizeof s);
    cr_assert_eq(ilheap_il_decode_method_sig(bad[i].b, bad[i].n, &s), ILHEAP_IL_ESIG_BAD, "%zu",
                 i);
    cr_assert_eq(s.params, 0, "zeroed on error");
  }
  cr_assert_eq(ilheap_il_decode_method_sig(NULL, 3, &s), ILHEAP_IL_EBADARG);
  cr_assert_eq(ilheap_il_decode_method_sig(field, 2, NULL), ILHEAP_IL_EBADARG);
  uint32_t n;
  cr_assert_eq(ilheap_il_decode_local_sig(local, sizeof local, &n), ILHEAP_IL_OK);
  cr_assert_eq(n, 1);
  cr_assert_eq(ilheap_il_decode_local_sig(field, sizeof field, &n), ILHEAP_IL_ESIG_BAD);
  cr_assert_eq(ilheap_il_decode_local_sig(local, 1, &n), ILHEAP_IL_ESIG_BAD);
  cr_assert_eq(ilheap_il_decode_local_sig(NULL, 1, &n), ILHEAP_IL_EBADARG);
  cr_assert_eq(ilheap_il_decode_local_sig(local, 3, NULL), ILHEAP_IL_EBADARG);
}

/* ---- V1-V4: decoding ---------------------------------------------------------------------- */

Test(il_v1, unknown_opcode) {
  reset();
  static const uint8_t bad[] = {0x00, 0x24, 0x2A};
  RUN(bad, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_EOPCODE, 1, 1, NOC);
  static const uint8_t bad2[] = {0x00, 0xFE, 0x1B, 0x2A};
  RUN(bad2, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_EOPCODE, 1, 1, NOC);
  static const uint8_t good[] = {0x00, 0x2A};
  RUN(good, 8, NULL, 0);
  EXPECT_OK();
}

Test(il_v2, operand_cut_off) {
  reset();
  static const uint8_t bad[] = {0x00, 0x20, 0x01, 0x02};
  RUN(bad, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_EOPERAND_PAST_END, 2, 1, NOC);
  static const uint8_t sw[] = {0x16, 0x45, I32(1), 0x00};
  RUN(sw, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_EOPERAND_PAST_END, 2, 1, NOC);
  static const uint8_t good[] = {0x20, I32(7), 0x26, 0x2A};
  RUN(good, 8, NULL, 0);
  EXPECT_OK();
}

Test(il_v3, prefixes) {
  reset();
  /* constrained. before ldarg.0 */
  static const uint8_t c1[] = {0xFE, 0x16, TYPE, 0x02, 0x26, 0x2A};
  own(0, 1, 0);
  RUN(c1, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_EPREFIX, 3, 0, NOC);
  /* constrained. callvirt, constrained. call (static virtual), constrained. ldftn */
  static const uint8_t c2[] = {0x0F, 0x00,                           /* 0 ldarga.s 0 */
                               0xFE, 0x16, TYPE, 0x6F, MREF(HT),     /* 2 constrained. callvirt */
                               0xFE, 0x16, TYPE, 0x28, MREF(0),      /* 13 constrained. call */
                               0xFE, 0x16, TYPE, 0xFE, 0x06, MREF(0), /* 24 constrained. ldftn */
                               0x26, 0x2A};
  RUN(c2, 8, NULL, 0);
  EXPECT_OK();
  /* volatile. twice */
  static const uint8_t twice[] = {0x7E, FIELD, 0xFE, 0x13, 0xFE, 0x13, 0x80, FIELD, 0x2A};
  RUN(twice, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_EPREFIX, 3, 7, NOC);
  /* unaligned. 3 */
  static const uint8_t u3[] = {0x02, 0xFE, 0x12, 0x03, 0x4A, 0x26, 0x2A};
  RUN(u3, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_EPREFIX_OPERAND, 3, 1, NOC);
  /* no. 0 and no. 8 */
  static const uint8_t n0[] = {0x02, 0x16, 0xFE, 0x19, 0x00, 0x94, 0x26, 0x2A};
  RUN(n0, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_EPREFIX_OPERAND, 3, 2, NOC);
  static const uint8_t n8[] = {0x02, 0x16, 0xFE, 0x19, 0x08, 0x94, 0x26, 0x2A};
  RUN(n8, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_EPREFIX_OPERAND, 3, 2, NOC);
  /* unaligned. 1 volatile. ldind.i4, no. 2 ldelem.i4, readonly. ldelema: fine */
  static const uint8_t good[] = {0x02, 0xFE, 0x12, 0x01, 0xFE, 0x13, 0x4A, 0x26, /* 0..7 */
                                 0x02, 0x16, 0xFE, 0x19, 0x02, 0x94, 0x26,       /* 8..14 */
                                 0x02, 0x16, 0xFE, 0x1E, 0x8F, TYPE, 0x26, 0x2A};
  RUN(good, 8, NULL, 0);
  EXPECT_OK();
  /* a prefix at the end, and one before a prefix-less end */
  static const uint8_t end[] = {0x2A, 0xFE, 0x14};
  RUN(end, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_EPREFIX, 3, 1, NOC);
  /* tail. call not followed by ret; followed by ret */
  own(0, 0, 1);
  static const uint8_t t1[] = {0xFE, 0x14, 0x28, MREF(RV), 0x00, 0x2A};
  RUN(t1, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ETAIL_CALL, 3, 0, NOC);
  static const uint8_t t2[] = {0xFE, 0x14, 0x28, MREF(RV), 0x2A};
  RUN(t2, 8, NULL, 0);
  EXPECT_OK();
  static const uint8_t t3[] = {0x2A, 0xFE, 0x14, 0x28, MREF(RV)};
  RUN(t3, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ETAIL_CALL, 3, 1, NOC);
}

Test(il_v4, tokens) {
  reset();
  static const uint8_t bad[] = {0x28, TOK(0x02000001u), 0x2A};
  RUN(bad, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ETOKEN, 4, 0, NOC);
  static const uint8_t row0[] = {0x7E, TOK(0x04000000u), 0x26, 0x2A};
  RUN(row0, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ETOKEN, 4, 0, NOC);
  static const uint8_t calli[] = {0x7E, FIELD, 0x29, TOK(0x0A000000u), 0x2A};
  RUN(calli, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ETOKEN, 4, 5, NOC);
  static const uint8_t str[] = {0x72, TOK(0x0A000001u), 0x26, 0x2A};
  RUN(str, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ETOKEN, 4, 0, NOC);
  static const uint8_t good[] = {0x72, TOK(0x70000000u), 0x26,  /* ldstr "" (row 0) */
                                 0xD0, TOK(0x06000001u), 0x26,  /* ldtoken method */
                                 0xD0, TOK(0x04000001u), 0x26,  /* ldtoken field */
                                 0xD0, TOK(0x1B000001u), 0x26,  /* ldtoken typespec */
                                 0x7E, FIELD, 0x29, SASIG(0), 0x2A}; /* calli void() */
  RUN(good, 8, NULL, 0);
  EXPECT_OK();
}

/* ---- V5: targets ------------------------------------------------------------------------------ */

Test(il_v5, targets) {
  reset();
  static const uint8_t mid[] = {0x2B, 0x01, 0x20, I32(0), 0x26, 0x2A}; /* br.s into ldc.i4 */
  RUN(mid, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ETARGET, 5, 0, NOC);
  static const uint8_t past[] = {0x2B, 0x01, 0x2A};
  RUN(past, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ETARGET, 5, 0, NOC);
  static const uint8_t before[] = {0x00, 0x38, I32(-7), 0x2A};
  RUN(before, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ETARGET, 5, 1, NOC);
  static const uint8_t sw[] = {0x16, 0x45, I32(2), I32(0), I32(-12), 0x00, 0x2A};
  RUN(sw, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ETARGET, 5, 1, NOC);
  /* into a prefixed instruction, past its prefix (III.1.7.1: one instruction) */
  static const uint8_t pfx[] = {0x7E, FIELD, 0x2C, 0x02, 0xFE, 0x13, 0x7E, FIELD, 0x26, 0x2A};
  RUN(pfx, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ETARGET, 5, 5, NOC);
  /* fine: to the prefix, a switch with 0 targets, a backward loop */
  static const uint8_t good[] = {0x7E, FIELD, 0x2C, 0x00, 0xFE, 0x13, 0x7E, FIELD, 0x26, /* 0..12 */
                                 0x16, 0x45, I32(0),                                   /* 13 */
                                 0x16, 0x2D, 0xFD, 0x2A};                               /* 19 */
  RUN(good, 8, NULL, 0);
  EXPECT_OK();
}

/* ---- V6-V9: clauses --------------------------------------------------------------------------- */

/* try { nop; leave.s END } finally { endfinally } END: ret
 *   0 nop; 1 leave.s 4; 3 endfinally; 4 ret */
static const uint8_t tf[] = {0x00, 0xDE, 0x01, 0xDC, 0x2A};

Test(il_v6, clause_boundaries) {
  reset();
  ilheap_il_clause c = clause(ILHEAP_IL_FINALLY, 0, 3, 3, 1, 0);
  RUN(tf, 8, &c, 1);
  EXPECT_OK();
  c = clause(ILHEAP_IL_FINALLY, 0, 2, 3, 1, 0); /* try ends inside leave.s */
  RUN(tf, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_ECLAUSE_BOUNDARY, 6, 2, 0);
  static const uint8_t code[] = {0x00, 0xDE, 0x06, 0x20, I32(0), 0xDC, 0x2A};
  c = clause(ILHEAP_IL_FINALLY, 0, 3, 4, 5, 0); /* handler starts inside ldc.i4 */
  RUN(code, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_ECLAUSE_BOUNDARY, 6, 4, 0);
  c = clause(ILHEAP_IL_FINALLY, 1, 2, 3, 1, 0);
  c.try_offset = 2, c.try_length = 1;
  RUN(tf, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_ECLAUSE_BOUNDARY, 6, 2, 0);
  c = clause(ILHEAP_IL_FINALLY, 0, 3, 3, 1, 0);
  c.handler_length = 2; /* handler end inside nothing: 5 = code size is fine */
  c.handler_offset = 3;
  RUN(tf, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_EENTER_BLOCK, 11, 1, 0); /* fine for V6; the leave now lands in it */
}

/* try { leave.s END } filter { pop; ldc.i4.1; endfilter } handler { pop; leave.s END } END: ret
 *  0 leave.s 10; 2 pop; 3 ldc.i4.1; 4 endfilter; 6 pop; 7 leave.s 10 (9: nop); 10 ret */
static const uint8_t flt[] = {0xDE, 0x08, 0x26, 0x17, 0xFE, 0x11, 0x26, 0xDE, 0x01, 0x00, 0x2A};

static ilheap_il_clause filter_clause(void) {
  ilheap_il_clause c = clause(ILHEAP_IL_FILTER, 0, 2, 6, 3, 2);
  return c;
}

Test(il_v7, clause_shape) {
  reset();
  ilheap_il_clause c = filter_clause();
  RUN(flt, 8, &c, 1);
  EXPECT_OK();
  c.filter_offset = 6;
  RUN(flt, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_EFILTER_BLOCK, 7, 6, 0);
  c = filter_clause();
  c.try_length = 3; /* covers the filter's first instruction */
  RUN(flt, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_ECLAUSE_SELF_OVERLAP, 7, 2, 0);
  c = clause(ILHEAP_IL_FINALLY, 0, 4, 3, 1, 0); /* handler inside its try */
  RUN(tf, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_ECLAUSE_SELF_OVERLAP, 7, 3, 0);
}

/* Two nested try/finally:
 *  0 nop
 *  1 nop              inner try [1, 4)
 *  2 leave.s 5
 *  4 endfinally       inner finally [4, 5)
 *  5 leave.s 8        (outer try [0, 7))
 *  7 ... wait */
static const uint8_t nest[] = {
    0x00,       /* 0 outer try start */
    0x00,       /* 1 inner try start */
    0xDE, 0x01, /* 2 leave.s 5 */
    0xDC,       /* 4 inner finally */
    0xDE, 0x01, /* 5 leave.s 8 */
    0xDC,       /* 7 outer finally: [7, 8) */
    0x2A,       /* 8 ret */
};

Test(il_v8_v9, nesting_and_order) {
  reset();
  ilheap_il_clause c[2] = {clause(ILHEAP_IL_FINALLY, 1, 3, 4, 1, 0),
                           clause(ILHEAP_IL_FINALLY, 0, 7, 7, 1, 0)};
  cr_assert_eq(RUN(nest, 8, c, 2), ILHEAP_IL_OK);
  EXPECT_OK();
  /* outer first: V9 names the inner clause, listed too late */
  ilheap_il_clause r[2] = {c[1], c[0]};
  RUN(nest, 8, r, 2);
  EXPECT_ERR(ILHEAP_IL_ECLAUSE_ORDER, 9, 1, 1);
  /* partial overlap: inner try [1, 7) against outer try [0, 5) */
  ilheap_il_clause p[2] = {clause(ILHEAP_IL_FINALLY, 0, 5, 7, 1, 0),
                           clause(ILHEAP_IL_FINALLY, 1, 6, 7, 1, 0)};
  RUN(nest, 8, p, 2);
  EXPECT_ERR(ILHEAP_IL_ECLAUSE_OVERLAP, 8, 1, 1);
  /* a clause half in the outer try: its handler outside it */
  ilheap_il_clause h[2] = {clause(ILHEAP_IL_FINALLY, 1, 3, 7, 1, 0),
                           clause(ILHEAP_IL_FINALLY, 0, 5, 5, 2, 0)};
  RUN(nest, 8, h, 2);
  EXPECT_ERR(ILHEAP_IL_ECLAUSE_OVERLAP, 8, 7, 0);
  /* two clauses with one handler */
  ilheap_il_clause s[2] = {clause(ILHEAP_IL_FINALLY, 1, 3, 4, 1, 0),
                           clause(ILHEAP_IL_FINALLY, 0, 1, 4, 1, 0)};
  RUN(nest, 8, s, 2);
  EXPECT_ERR(ILHEAP_IL_ECLAUSE_OVERLAP, 8, 4, 1);
}

/* try { leave } catch A { pop; leave } catch B { pop; leave }: one try, two handlers
 *  0 leave.s 8; 2 pop; 3 leave.s 8; 5 pop; 6 leave.s 8; 8 ret */
static const uint8_t two_catches[] = {0xDE, 0x06, 0x26, 0xDE, 0x03, 0x26, 0xDE, 0x00, 0x2A};

Test(il_v8_v9, one_try_many_handlers_in_either_order) {
  reset();
  ilheap_il_clause c[2] = {clause(ILHEAP_IL_CATCH, 0, 2, 2, 3, 0),
                           clause(ILHEAP_IL_CATCH, 0, 2, 5, 3, 0)};
  RUN(two_catches, 8, c, 2);
  EXPECT_OK();
  ilheap_il_clause r[2] = {c[1], c[0]};
  RUN(two_catches, 8, r, 2);
  EXPECT_OK();
}

/* A try nested in a catch handler, listed after the catch (dd's EH sort bug) is
 * in the regression section below. */

/* ---- V10-V13: control flow -------------------------------------------------------------------- */

Test(il_v10, falls_off_the_end) {
  reset();
  static const uint8_t bad[] = {0x00, 0x00};
  RUN(bad, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_EFALLS_OFF_END, 10, 1, NOC);
  static const uint8_t cond[] = {0x16, 0x2C, 0xFD};
  RUN(cond, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_EFALLS_OFF_END, 10, 1, NOC);
  static const uint8_t call[] = {0x28, MREF(0)};
  RUN(call, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_EFALLS_OFF_END, 10, 0, NOC);
  static const uint8_t good[] = {0x2B, 0xFE}; /* an endless loop ends nothing */
  RUN(good, 8, NULL, 0);
  EXPECT_OK();
  static const uint8_t thr[] = {0x14, 0x7A};
  RUN(thr, 8, NULL, 0);
  EXPECT_OK();
}

Test(il_v11, entering_blocks) {
  reset();
  ilheap_il_clause c = clause(ILHEAP_IL_FINALLY, 2, 3, 5, 1, 0);
  /* 0 br.s 3 (into the try's second instruction); 2 nop; 3 leave.s 6; 5 endfinally; 6 ret */
  static const uint8_t mid[] = {0x2B, 0x01, 0x00, 0xDE, 0x01, 0xDC, 0x2A};
  RUN(mid, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_EENTER_BLOCK, 11, 0, 0);
  static const uint8_t start[] = {0x2B, 0x00, 0x00, 0xDE, 0x01, 0xDC, 0x2A};
  RUN(start, 8, &c, 1);
  EXPECT_OK();
  /* into the handler */
  static const uint8_t hnd[] = {0x2B, 0x03, 0x00, 0xDE, 0x01, 0xDC, 0x2A};
  RUN(hnd, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_EENTER_BLOCK, 11, 0, 0);
  /* leave at the top level into a try's start (found by fuzz_il_verify: the
   * top level has no block to read) */
  static const uint8_t lvs[] = {0xDE, 0x00, 0x00, 0xDE, 0x01, 0xDC, 0x2A};
  RUN(lvs, 8, &c, 1);
  EXPECT_OK();
  /* leave into a try's middle from outside */
  static const uint8_t lv[] = {0xDE, 0x01, 0x00, 0xDE, 0x01, 0xDC, 0x2A};
  RUN(lv, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_EENTER_BLOCK, 11, 0, 0);
  /* fall-through from top level into a handler (not after its try) */
  ilheap_il_clause c2 = clause(ILHEAP_IL_FINALLY, 0, 3, 4, 1, 0);
  static const uint8_t fall[] = {0x00, 0xDE, 0x02, 0x00, 0xDC, 0x2A};
  RUN(fall, 8, &c2, 1);
  EXPECT_ERR(ILHEAP_IL_EENTER_BLOCK, 11, 3, 0);
  /* nested tries starting at one offset: entering both at their start */
  ilheap_il_clause n[2] = {clause(ILHEAP_IL_FINALLY, 2, 3, 5, 1, 0),
                           clause(ILHEAP_IL_FINALLY, 2, 6, 8, 1, 0)};
  /* 0 br.s 2; 2 nop; 3 leave.s 6; 5 endfinally; 6 leave.s 9; 8 endfinally; 9 ret */
  static const uint8_t both[] = {0x2B, 0x00, 0x00, 0xDE, 0x01, 0xDC, 0xDE, 0x01, 0xDC, 0x2A};
  RUN(both, 8, n, 2);
  EXPECT_OK();
  /* a try entered at its start, but that start is inside an outer try */
  ilheap_il_clause o2[2] = {clause(ILHEAP_IL_FINALLY, 3, 3, 6, 1, 0),
                            clause(ILHEAP_IL_FINALLY, 2, 7, 9, 1, 0)};
  /* 0 br.s 3; 2 nop (outer try [2, 9)); 3 nop (inner try [3, 6)); 4 leave.s 7;
   * 6 endfinally (inner finally); 7 leave.s 10; 9 endfinally (outer finally); 10 ret */
  static const uint8_t deep[] = {0x2B, 0x01, 0x00, 0x00, 0xDE, 0x01, 0xDC, 0xDE, 0x01, 0xDC, 0x2A};
  RUN(deep, 8, o2, 2);
  EXPECT_ERR(ILHEAP_IL_EENTER_BLOCK, 11, 0, 1);
}

Test(il_v12, leaving_blocks) {
  reset();
  ilheap_il_clause c = clause(ILHEAP_IL_FINALLY, 0, 3, 3, 1, 0);
  /* br.s out of the try */
  static const uint8_t br[] = {0x00, 0x2B, 0x01, 0xDC, 0x2A};
  RUN(br, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_EEXIT_BLOCK, 12, 1, 0);
  /* falling out of the try into the handler */
  static const uint8_t fall[] = {0x00, 0x00, 0x00, 0xDC, 0x2A};
  RUN(fall, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_EEXIT_BLOCK, 12, 2, 0);
  /* leave out of a finally */
  static const uint8_t lf[] = {0x00, 0xDE, 0x02, 0xDE, 0x00, 0x2A};
  c = clause(ILHEAP_IL_FINALLY, 0, 3, 3, 2, 0);
  RUN(lf, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_EEXIT_BLOCK, 12, 3, 0);
  /* leave out of a catch, and out of a try nested in a finally (staying in it) */
  static const uint8_t lc[] = {0x00, 0xDE, 0x03, 0x26, 0xDE, 0x00, 0x2A};
  c = clause(ILHEAP_IL_CATCH, 0, 3, 3, 3, 0);
  RUN(lc, 8, &c, 1);
  EXPECT_OK();
  /* 0 leave.s 9; finally [2, 9): 2 nop (inner try [2,5)); 3 leave.s 6; 5 endfinally (inner
   * finally [5, 6)); 6 nop; 7 endfinally; 8 nop... */
  static const uint8_t inf[] = {0xDE, 0x06, 0x00, 0xDE, 0x01, 0xDC, 0x00, 0xDC, 0x2A};
  ilheap_il_clause in[2] = {clause(ILHEAP_IL_FINALLY, 2, 3, 5, 1, 0),
                            clause(ILHEAP_IL_FINALLY, 0, 2, 2, 6, 0)};
  RUN(inf, 8, in, 2);
  EXPECT_OK();
  /* the inner try's leave leaving the outer finally too */
  static const uint8_t inf2[] = {0xDE, 0x06, 0x00, 0xDE, 0x03, 0xDC, 0x00, 0xDC, 0x2A};
  RUN(inf2, 8, in, 2);
  EXPECT_ERR(ILHEAP_IL_EEXIT_BLOCK, 12, 3, 1);
  /* leave out of a filter */
  ilheap_il_clause f = filter_clause();
  static const uint8_t lflt[] = {0xDE, 0x08, 0xDE, 0x06, 0xFE, 0x11, 0x26, 0xDE, 0x01, 0x00, 0x2A};
  RUN(lflt, 8, &f, 1);
  EXPECT_ERR(ILHEAP_IL_EEXIT_BLOCK, 12, 2, 0);
}

Test(il_v13, instructions_in_their_place) {
  reset();
  ilheap_il_clause c = clause(ILHEAP_IL_CATCH, 0, 3, 3, 3, 0);
  /* endfinally in a catch */
  static const uint8_t ef[] = {0x00, 0xDE, 0x03, 0x26, 0xDC, 0x00, 0x2A};
  RUN(ef, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_EENDFINALLY, 13, 4, 0);
  /* endfinally at top level */
  static const uint8_t top[] = {0xDC};
  RUN(top, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_EENDFINALLY, 13, 0, NOC);
  /* rethrow in a catch: fine; in a finally: not; at top level: not */
  static const uint8_t rc[] = {0x00, 0xDE, 0x03, 0x26, 0xFE, 0x1A, 0x2A};
  c = clause(ILHEAP_IL_CATCH, 0, 3, 3, 3, 0);
  RUN(rc, 8, &c, 1);
  EXPECT_OK();
  c.kind = ILHEAP_IL_FAULT;
  c.class_token = 0;
  static const uint8_t rf[] = {0x00, 0xDE, 0x03, 0x00, 0xFE, 0x1A, 0x2A};
  RUN(rf, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_ERETHROW, 13, 4, 0);
  static const uint8_t rt[] = {0xFE, 0x1A};
  RUN(rt, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ERETHROW, 13, 0, NOC);
  /* ret in a try */
  static const uint8_t rtry[] = {0x00, 0x2A, 0xDC, 0x2A};
  c = clause(ILHEAP_IL_FINALLY, 0, 2, 2, 1, 0);
  RUN(rtry, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_ERET_IN_BLOCK, 13, 1, 0);
  /* jmp in a try */
  static const uint8_t jtry[] = {0x00, 0x27, MREF(0), 0xDC, 0x2A};
  c = clause(ILHEAP_IL_FINALLY, 0, 6, 6, 1, 0);
  RUN(jtry, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_ERET_IN_BLOCK, 13, 1, 0);
  /* endfilter not at the filter's end; a filter not ending with endfilter */
  ilheap_il_clause f = filter_clause();
  static const uint8_t e1[] = {0xDE, 0x08, 0x17, 0xFE, 0x11, 0x00, 0x26, 0xDE, 0x01, 0x00, 0x2A};
  RUN(e1, 8, &f, 1);
  EXPECT_ERR(ILHEAP_IL_EENDFILTER, 13, 3, 0);
  static const uint8_t e2[] = {0xDE, 0x08, 0x26, 0x17, 0x26, 0x14, 0x7A, 0xDE, 0x01, 0x00, 0x2A};
  /* filter [2, 6): pop; ldc.i4.1; pop; ldnull: ends without endfilter (6 throw is the handler) */
  RUN(e2, 8, &f, 1);
  EXPECT_ERR(ILHEAP_IL_EENDFILTER, 13, 5, 0);
  static const uint8_t e3[] = {0x17, 0xFE, 0x11};
  RUN(e3, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_EENDFILTER, 13, 1, NOC);
  /* localloc in a catch */
  static const uint8_t la[] = {0x00, 0xDE, 0x05, 0x26, 0x16, 0xFE, 0x0F, 0x26, 0x2A};
  c = clause(ILHEAP_IL_CATCH, 0, 3, 3, 5, 0);
  RUN(la, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_ELOCALLOC, 13, 5, 0);
}

/* ---- V14-V18: stack depth --------------------------------------------------------------------- */

Test(il_v14_v15, underflow_and_overflow) {
  reset();
  static const uint8_t under[] = {0x16, 0x58, 0x26, 0x2A};
  RUN(under, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ESTACK_UNDERFLOW, 14, 1, NOC);
  static const uint8_t call[] = {0x16, 0x28, MREF(2), 0x2A}; /* call with 2 args, 1 there */
  RUN(call, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ESTACK_UNDERFLOW, 14, 1, NOC);
  static const uint8_t over[] = {0x16, 0x17, 0x18, 0x26, 0x26, 0x26, 0x2A};
  RUN(over, 2, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ESTACK_OVERFLOW, 15, 2, NOC);
  RUN(over, 3, NULL, 0);
  EXPECT_OK();
  static const uint8_t dup[] = {0x16, 0x25, 0x26, 0x26, 0x2A};
  RUN(dup, 1, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ESTACK_OVERFLOW, 15, 1, NOC);
  static const uint8_t zero[] = {0x2A};
  RUN(zero, 0, NULL, 0);
  EXPECT_OK();
  /* newobj pops the arguments, not `this`, and pushes the object */
  static const uint8_t nw[] = {0x16, 0x73, MREF(HT | 1), 0x26, 0x2A};
  RUN(nw, 1, NULL, 0);
  EXPECT_OK();
  static const uint8_t nw2[] = {0x73, MREF(HT | 1), 0x26, 0x2A};
  RUN(nw2, 1, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ESTACK_UNDERFLOW, 14, 0, NOC);
}

Test(il_v16, merges) {
  reset();
  /* 0 ldc.i4.0; 1 brtrue.s 4 (depth 0 there); 3 ldc.i4.1; 4 pop: 1 != 0 */
  static const uint8_t bad[] = {0x16, 0x2D, 0x01, 0x17, 0x26, 0x2A};
  RUN(bad, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ESTACK_MERGE, 16, 4, NOC);
  /* III.1.7.5: after br, X not targeted earlier has depth 0; a later branch with 1 is wrong */
  /* 0 br.s 3; 2 pop (X: depth 0 -> underflow) */
  static const uint8_t x[] = {0x2B, 0x01, 0x26, 0x17, 0x2B, 0xFC};
  RUN(x, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ESTACK_UNDERFLOW, 14, 2, NOC);
  /* 0 br.s 3; 2 ret (X, depth 0); 3 ldc.i4.1; 4 br.s 2 with depth 1 */
  static const uint8_t back[] = {0x2B, 0x01, 0x2A, 0x17, 0x2B, 0xFC};
  RUN(back, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ESTACK_MERGE, 16, 4, NOC);
  /* the conditional operator: both arms bring 1 */
  static const uint8_t cond[] = {0x02, 0x2D, 0x03, 0x16, 0x2B, 0x01, 0x17, 0x26, 0x2A};
  own(0, 1, 0);
  RUN(cond, 8, NULL, 0);
  EXPECT_OK();
  /* leave arrives with 0 where a fall-through brings 1 */
  reset();
  ilheap_il_clause c = clause(ILHEAP_IL_CATCH, 0, 2, 2, 3, 0);
  static const uint8_t lv[] = {0xDE, 0x04, 0x26, 0xDE, 0x01, 0x16, 0x26, 0x2A};
  /* 0 leave.s 6 (0); 2 pop; 3 leave.s 6; 5 ldc.i4.0 (after leave: X, 0); 6 pop: 1 vs 0 */
  RUN(lv, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_ESTACK_MERGE, 16, 6, NOC);
}

Test(il_v17, try_entry) {
  reset();
  ilheap_il_clause c = clause(ILHEAP_IL_FINALLY, 1, 3, 4, 1, 0);
  /* 0 ldc.i4.0; 1 nop (try with 1 on the stack); 2 leave.s 5; 4 endfinally; 5 pop; ret */
  static const uint8_t bad[] = {0x16, 0x00, 0xDE, 0x01, 0xDC, 0x26, 0x2A};
  RUN(bad, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_ESTACK_TRY_ENTRY, 17, 1, 0);
  /* a branch into the try's start with 1 */
  static const uint8_t br[] = {0x16, 0x2B, 0x00, 0xDE, 0x01, 0xDC, 0x26, 0x2A};
  c = clause(ILHEAP_IL_FINALLY, 3, 2, 5, 1, 0);
  RUN(br, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_ESTACK_TRY_ENTRY, 17, 1, 0);
  static const uint8_t good[] = {0x00, 0xDE, 0x01, 0xDC, 0x2A};
  c = clause(ILHEAP_IL_FINALLY, 0, 3, 3, 1, 0);
  RUN(good, 8, &c, 1);
  EXPECT_OK();
}

Test(il_v18, exact_depths) {
  reset();
  own(0, 0, 0);
  static const uint8_t ret1[] = {0x16, 0x2A}; /* void method returns a value */
  RUN(ret1, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ESTACK_EXACT, 18, 1, NOC);
  own(0, 0, 1);
  static const uint8_t ret0[] = {0x2A};
  RUN(ret0, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ESTACK_UNDERFLOW, 14, 0, NOC);
  static const uint8_t ret2[] = {0x16, 0x16, 0x2A};
  RUN(ret2, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ESTACK_EXACT, 18, 2, NOC);
  RUN(ret1, 8, NULL, 0);
  EXPECT_OK();
  static const uint8_t jmp[] = {0x16, 0x27, MREF(0)};
  RUN(jmp, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ESTACK_EXACT, 18, 1, NOC);
  static const uint8_t jmp0[] = {0x27, MREF(0)};
  RUN(jmp0, 8, NULL, 0);
  EXPECT_OK();
  own(0, 0, 0);
  static const uint8_t la[] = {0x16, 0x16, 0xFE, 0x0F, 0x26, 0x26, 0x2A};
  RUN(la, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ESTACK_EXACT, 18, 2, NOC);
  static const uint8_t la1[] = {0x16, 0xFE, 0x0F, 0x26, 0x2A};
  RUN(la1, 8, NULL, 0);
  EXPECT_OK();
  ilheap_il_clause f = filter_clause();
  static const uint8_t ef[] = {0xDE, 0x08, 0x16, 0x17, 0xFE, 0x11, 0x26, 0xDE, 0x01, 0x00, 0x2A};
  /* the filter leaves the exception and pushes 1: 3 on endfilter, wanted 1 */
  RUN(ef, 8, &f, 1);
  EXPECT_ERR(ILHEAP_IL_ESTACK_EXACT, 18, 4, NOC);
}

/* ---- V19: argument and local numbers ----------------------------------------------------------- */

Test(il_v19, indices) {
  reset();
  own(0, 1, 0);
  static const uint8_t a1[] = {0x03, 0x26, 0x2A}; /* ldarg.1 of a static (int) */
  RUN(a1, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_EARG_INDEX, 19, 0, NOC);
  own(1, 1, 0);
  RUN(a1, 8, NULL, 0);
  EXPECT_OK();
  static const uint8_t a2[] = {0x0E, 0x02, 0x26, 0x2A};
  RUN(a2, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_EARG_INDEX, 19, 0, NOC);
  static const uint8_t l0[] = {0x06, 0x26, 0x2A};
  RUN(l0, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ELOCAL_INDEX, 19, 0, NOC);
  static const uint8_t two[] = {0x07, 0x02, 0x08, 0x08};
  local_sig = two;
  local_len = sizeof two;
  local_token = 0x11000001;
  static const uint8_t l1[] = {0x07, 0x0B, 0xFE, 0x0C, 0x01, 0x00, 0x26, 0x2A};
  RUN(l1, 8, NULL, 0);
  EXPECT_OK();
  static const uint8_t l2[] = {0x16, 0x13, 0x02, 0x2A};
  RUN(l2, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ELOCAL_INDEX, 19, 1, NOC);
  static const uint8_t al[] = {0xFE, 0x00, 0x26, 0x2A};
  RUN(al, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_EARGLIST, 19, 0, NOC);
  own_sig[0] = 0x05; /* vararg */
  RUN(al, 8, NULL, 0);
  EXPECT_OK();
}

/* ---- Partial verdicts: never a false error ----------------------------------------------------- */

Test(il_partial, unknown_callees_and_signatures) {
  reset();
  static const uint8_t code[] = {0x16, 0x28, MREF(UNKNOWN_ROW), 0x26, 0x26, 0x2A};
  RUN(code, 8, NULL, 0);
  cr_assert_eq(v.result, ILHEAP_IL_VERDICT_PARTIAL);
  cr_assert_eq(v.answer, ILHEAP_IL_OK);
  cr_assert_eq(v.skipped, ILHEAP_IL_CHECKS_DEPTH);
  cr_assert_eq(v.skip_reason, ILHEAP_IL_ESIG_MISSING);
  cr_assert_eq(v.skip_offset, 1);
  cr_assert_eq(v.skip_token, 0x0A0001FFu);
  no_resolver = 1;
  static const uint8_t known[] = {0x16, 0x28, MREF(1), 0x2A};
  RUN(known, 8, NULL, 0);
  cr_assert_eq(v.result, ILHEAP_IL_VERDICT_PARTIAL);
  /* without own signature: ret's exact depth, argument numbers */
  reset();
  no_own = 1;
  static const uint8_t r[] = {0x02, 0x2A};
  RUN(r, 8, NULL, 0);
  cr_assert_eq(v.result, ILHEAP_IL_VERDICT_PARTIAL);
  cr_assert_eq(v.skipped, ILHEAP_IL_CHECK_BIT(19) | ILHEAP_IL_CHECK_BIT(18));
  static const uint8_t r2[] = {0x16, 0x16, 0x2A}; /* 2 at ret is wrong whatever the signature */
  RUN(r2, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ESTACK_EXACT, 18, 2, NOC);
  /* a malformed own signature */
  reset();
  own_sig[2] = 0x1F; /* a cut custom modifier */
  RUN(r, 8, NULL, 0);
  cr_assert_eq(v.result, ILHEAP_IL_VERDICT_PARTIAL);
  cr_assert_eq(v.skip_reason, ILHEAP_IL_ESIG_BAD);
  /* locals not given */
  reset();
  local_token = 0x11000001;
  static const uint8_t l[] = {0x06, 0x26, 0x2A};
  RUN(l, 8, NULL, 0);
  cr_assert_eq(v.result, ILHEAP_IL_VERDICT_PARTIAL);
  cr_assert_eq(v.skipped, ILHEAP_IL_CHECK_BIT(19));
  /* the depth comes back at a handler, and is checked there */
  reset();
  ilheap_il_clause c = clause(ILHEAP_IL_CATCH, 0, 7, 7, 4, 0);
  /* 0 call ?; 5 leave.s 13 | catch: 7 pop; 8 pop (underflow: known again); 9 leave.s 13; 11 nop.. */
  static const uint8_t h[] = {0x28, MREF(UNKNOWN_ROW), 0xDE, 0x06, 0x26, 0x26, 0xDE, 0x02, 0x00, 0x00, 0x2A};
  c = clause(ILHEAP_IL_CATCH, 0, 7, 7, 4, 0);
  RUN(h, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_ESTACK_UNDERFLOW, 14, 8, NOC);
  /* an unknown depth meets a known one: no error, the known one wins */
  static const uint8_t m[] = {0x02, 0x2D, 0x05, 0x28, MREF(UNKNOWN_ROW), 0x2A};
  own(0, 1, 0);
  RUN(m, 8, NULL, 0);
  cr_assert_eq(v.result, ILHEAP_IL_VERDICT_PARTIAL);
}

/* ---- Shapes real compilers emit ------------------------------------------------------------------ */

Test(il_real_shapes, roslyn_and_illink_shapes) {
  reset();
  /* leave to the next instruction; an "empty" try (just the leave); nested tries sharing
   * an end; a fault; a filter; switch with 0 targets; tail. call; localloc; a vararg call */
  own(1, 1, 1);
  static const uint8_t code[] = {
      0xDE, 0x03,                   /* 0: try { leave.s 5 } */
      0x26, 0xDE, 0x00,             /* 2: catch { pop; leave.s 5 (the next instruction) } */
      0x00,                         /* 5: try { try { nop */
      0xDE, 0x01,                   /* 6:   leave.s 9 } */
      0xDC,                         /* 8:   fault { endfinally } */
      0xDE, 0x01,                   /* 9: leave.s 12 } */
      0xDC,                         /* 11: finally { endfinally } */
      0x16, 0x45, I32(0),           /* 12: ldc.i4.0; switch () */
      0x16, 0xFE, 0x0F, 0x26,       /* 18: ldc.i4.0; localloc; pop */
      0x02, 0x16, 0x28, MREF(RV | 2), /* 22: ldarg.0; ldc.i4.0; call int (int, int) */
      0x26,                         /* 29: pop */
      0x02, 0xFE, 0x14, 0x6F, MREF(HT | RV), /* 30: ldarg.0; tail. callvirt int () */
      0x2A,                         /* 38: ret */
  };
  ilheap_il_clause c[3] = {clause(ILHEAP_IL_CATCH, 0, 2, 2, 3, 0),
                           clause(ILHEAP_IL_FAULT, 5, 3, 8, 1, 0),
                           clause(ILHEAP_IL_FINALLY, 5, 6, 11, 1, 0)};
  RUN(code, 3, c, 3);
  EXPECT_OK();
}

Test(il_real_shapes, tiny_bodies_through_the_bytes) {
  reset();
  /* A written tiny body: MaxStack is 8, whatever was described. */
  static const uint8_t tiny[] = {0x0A << 2 | 2, 0x16, 0x16, 0x16, 0x16, 0x16,
                                 0x26, 0x26, 0x26, 0x26, 0x26};
  ilheap_il_verdict w;
  cr_assert_eq(ilheap_il_verify(tiny, sizeof tiny, NULL, &w), ILHEAP_IL_EFALLS_OFF_END);
  cr_assert_eq(w.offset, 9);
  static const uint8_t ok[] = {0x03 << 2 | 2, 0x16, 0x26, 0x2A};
  ilheap_il_verify_options o;
  memset(&o, 0, sizeof o);
  o.own_sig = own_sig;
  o.own_sig_size = own_len;
  cr_assert_eq(ilheap_il_verify(ok, sizeof ok, &o, &w), ILHEAP_IL_OK);
  cr_assert_eq(w.result, ILHEAP_IL_VERDICT_OK);
  cr_assert_eq(w.instructions, 3);
  /* The layout is checked first: check 0 */
  cr_assert_eq(ilheap_il_verify(ok, 2, &o, &w), ILHEAP_IL_ECODE_PAST_END);
  cr_assert_eq(w.check, 0);
  cr_assert_eq(w.result, ILHEAP_IL_VERDICT_ERROR);
  cr_assert_eq(ilheap_il_verify(NULL, 2, &o, &w), ILHEAP_IL_EBADARG);
  cr_assert_eq(w.result, ILHEAP_IL_VERDICT_NOT_CHECKED);
  cr_assert_eq(ilheap_il_verify(ok, sizeof ok, &o, NULL), ILHEAP_IL_OK);
  cr_assert_eq(ilheap_il_verify_body(NULL, &o, &w), ILHEAP_IL_EBADARG);
  /* verify_body: a described tiny body counts with MaxStack 8 */
  ilheap_il_body b;
  memset(&b, 0, sizeof b);
  b.code = ok + 1;
  b.code_size = 3;
  b.max_stack = 0;
  cr_assert_eq(ilheap_il_verify_body(&b, &o, &w), ILHEAP_IL_OK);
  b.flags = ILHEAP_IL_FAT;
  cr_assert_eq(ilheap_il_verify_body(&b, &o, &w), ILHEAP_IL_ESTACK_OVERFLOW);
  b.code_size = 0;
  cr_assert_eq(ilheap_il_verify_body(&b, &o, NULL), ILHEAP_IL_EEMPTY_CODE);
  b.flags = 0x1000;
  cr_assert_eq(ilheap_il_verify_body(&b, &o, &w), ILHEAP_IL_EBADARG);
  cr_assert_eq(w.result, ILHEAP_IL_VERDICT_NOT_CHECKED);
}

Test(il_real_shapes, fat_bodies_with_sections_at_every_remainder) {
  reset();
  static _Alignas(16) uint8_t arena[256];
  ilheap_il_clause c = filter_clause();
  ilheap_il_body b;
  memset(&b, 0, sizeof b);
  b.code = flt;
  b.code_size = sizeof flt;
  b.max_stack = 2;
  b.clauses = &c;
  b.clause_count = 1;
  for (int fat = 0; fat < 2; fat++) {
    b.flags = fat ? ILHEAP_IL_FAT_SECTION : 0;
    uint32_t n = 0;
    cr_assert_eq(ilheap_il_write(&b, arena, sizeof arena, &n), ILHEAP_IL_OK);
    ilheap_il_verify_options o;
    memset(&o, 0, sizeof o);
    o.own_sig = own_sig;
    o.own_sig_size = own_len;
    ilheap_il_verdict w;
    cr_assert_eq(ilheap_il_verify(arena, n, &o, &w), ILHEAP_IL_OK);
    cr_assert_eq(w.result, ILHEAP_IL_VERDICT_OK);
    arena[12 + 4] = 0x26; /* endfilter -> pop; ldnull: the filter ends without endfilter */
    arena[12 + 5] = 0x14;
    cr_assert_eq(ilheap_il_verify(arena, n, &o, &w), ILHEAP_IL_EENDFILTER);
    cr_assert_eq(w.offset, 5);
    cr_assert_eq(w.clause, 0);
  }
}

Test(il_scratch, callers_memory) {
  reset();
  ilheap_il_clause c = filter_clause();
  size_t need = ilheap_il_verify_scratch_size(sizeof flt, 1);
  cr_assert_gt(need, sizeof flt * 9);
  cr_assert_eq(ilheap_il_verify_scratch_size(UINT32_MAX, UINT32_MAX) == SIZE_MAX,
               sizeof(size_t) < 8);
  uint8_t *mem = malloc(need + 1);
  cr_assert_not_null(mem);
  ilheap_il_body b;
  memset(&b, 0, sizeof b);
  b.code = flt;
  b.code_size = sizeof flt;
  b.max_stack = 2;
  b.clauses = &c;
  b.clause_count = 1;
  ilheap_il_verify_options o;
  memset(&o, 0, sizeof o);
  o.own_sig = own_sig;
  o.own_sig_size = own_len;
  o.scratch = mem + 1; /* any alignment */
  o.scratch_size = need;
  ilheap_il_verdict w;
  cr_assert_eq(ilheap_il_verify_body(&b, &o, &w), ILHEAP_IL_OK);
  o.scratch_size = need - 1;
  cr_assert_eq(ilheap_il_verify_body(&b, &o, &w), ILHEAP_IL_ENOMEM);
  cr_assert_eq(w.result, ILHEAP_IL_VERDICT_NOT_CHECKED);
  free(mem);
}

Test(il_sections, every_check_has_a_section) {
  for (unsigned i = 0; i <= ILHEAP_IL_CHECK_COUNT; i++)
    cr_assert_gt(strlen(ilheap_il_check_section(i)), 0, "V%u", i);
  cr_assert_str_eq(ilheap_il_check_section(ILHEAP_IL_CHECK_COUNT + 1), "");
  cr_assert_str_eq(ilheap_il_check_section(5), "III.1.7.2");
  for (int a = ILHEAP_IL_EOPCODE; a <= ILHEAP_IL_ENOMEM; a++)
    cr_assert_str_neq(ilheap_il_strerror(a), "unknown IL answer", "%d", a);
}

/* ---- The bugs of real IL rewriters (FACTS section 14), before and after the fix ------------------ */

/* DataDog dd-trace-dotnet PR 875: injected a logging call, kept MaxStack. */
Test(il_regressions, maxstack_too_small_after_injection) {
  reset();
  own(0, 1, 0);
  static const uint8_t code[] = {
      0x72, STR,          /* 0: ldstr       (injected) */
      0x02,               /* 5: ldarg.0     (injected): depth 2 */
      0x28, MREF(2),      /* 6: call Log(string, int) (injected) */
      0x02,               /* 11: ldarg.0 */
      0x28, MREF(1),      /* 12: call F(int) */
      0x2A,               /* 17: ret */
  };
  RUN(code, 1, NULL, 0); /* the original body's MaxStack */
  EXPECT_ERR(ILHEAP_IL_ESTACK_OVERFLOW, 15, 5, NOC);
  RUN(code, 2, NULL, 0);
  EXPECT_OK();
}

/* signalfx-dotnet-tracing PR 80: MaxStack computed without the switch's operands. */
Test(il_regressions, maxstack_too_small_around_a_switch) {
  reset();
  own(0, 1, 0);
  static const uint8_t code[] = {
      0x02, 0x02, 0x17,         /* 0: ldarg.0; ldarg.0; ldc.i4.1: depth 3 at 2 */
      0x58, 0x58,               /* 3: add; add */
      0x45, I32(1), I32(0),     /* 5: switch (14) */
      0x2A,                     /* 14: ret */
  };
  RUN(code, 2, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ESTACK_OVERFLOW, 15, 2, NOC);
  RUN(code, 3, NULL, 0);
  EXPECT_OK();
}

/* dd-trace-dotnet PR 542: a branch kept its target past the argument loads
 * injected before the call it jumped to. */
Test(il_regressions, branch_past_injected_argument_loads) {
  reset();
  own(0, 1, 0);
  static const uint8_t before[] = {
      0x02,            /* 0: ldarg.0 */
      0x2C, 0x01,      /* 1: brfalse.s 4: still the call's old offset */
      0x02,            /* 3: ldarg.0 (injected) */
      0x28, MREF(1),   /* 4: call F(int): 0 by the branch, 1 by the fall-through */
      0x2A,            /* 9: ret */
  };
  RUN(before, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ESTACK_MERGE, 16, 4, NOC);
  static const uint8_t after[] = {0x02, 0x2C, 0x00, 0x02, 0x28, MREF(1), 0x2A}; /* to 3 */
  RUN(after, 8, NULL, 0);
  EXPECT_OK();
}

/* dd-trace-dotnet PRs 3331, 3164: returns rewritten as branches to one final
 * ret, one path still carrying its value. */
Test(il_regressions, stack_imbalance_at_the_shared_return) {
  reset();
  own(0, 1, 1);
  static const uint8_t one[] = {0x07, 0x01, 0x08};
  local_sig = one;
  local_len = sizeof one;
  local_token = 0x11000001;
  static const uint8_t before[] = {
      0x02,        /* 0: ldarg.0 */
      0x2D, 0x03,  /* 1: brtrue.s 6 */
      0x16,        /* 3: ldc.i4.0 */
      0x2B, 0x02,  /* 4: br.s 8, the value not stored: 1 at 8 */
      0x17,        /* 6: ldc.i4.1 */
      0x0A,        /* 7: stloc.0 */
      0x06,        /* 8: ldloc.0: 0 by the fall-through */
      0x2A,        /* 9: ret */
  };
  RUN(before, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ESTACK_MERGE, 16, 8, NOC);
  static const uint8_t after[] = {0x02, 0x2D, 0x04, 0x16, 0x0A, 0x2B, 0x02, 0x17, 0x0A, 0x06, 0x2A};
  RUN(after, 8, NULL, 0);
  EXPECT_OK();
}

/* dd-trace-dotnet PR 5774: code injected before a try, the clause's start moved
 * but not its end (TryEnd, HandlerEnd). */
Test(il_regressions, clause_ends_not_retargeted) {
  reset();
  static const uint8_t code[] = {
      0x28, MREF(0), /* 0: call Log() (injected) */
      0x28, MREF(0), /* 5: try { call F() */
      0xDE, 0x06,    /* 10: leave.s 18 } */
      0x28, MREF(0), /* 12: finally { call G() */
      0xDC,          /* 17: endfinally } */
      0x2A,          /* 18: ret */
  };
  ilheap_il_clause c = clause(ILHEAP_IL_FINALLY, 5, 2, 12, 1, 0); /* old ends 7 and 13 */
  RUN(code, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_ECLAUSE_BOUNDARY, 6, 7, 0);
  c = clause(ILHEAP_IL_FINALLY, 5, 7, 12, 6, 0);
  RUN(code, 8, &c, 1);
  EXPECT_OK();
  c = clause(ILHEAP_IL_FINALLY, 5, 5, 12, 6, 0); /* a try end moved to the old leave */
  RUN(code, 8, &c, 1);
  EXPECT_ERR(ILHEAP_IL_EEXIT_BLOCK, 12, 5, 0);
}

/* dd-trace-dotnet il_rewriter_eh_sort_test.cpp: a try nested in a catch handler,
 * sorted after the clause of that handler. */
Test(il_regressions, try_in_a_handler_sorted_after_it) {
  reset();
  static const uint8_t code[] = {
      0x00,        /* 0: try A { nop */
      0xDE, 0x08,  /* 1: leave.s 11 } */
      0x26,        /* 3: catch A { pop */
      0x00,        /* 4:   try B { nop */
      0xDE, 0x02,  /* 5:   leave.s 9 } */
      0x00,        /* 7:   finally B { nop */
      0xDC,        /* 8:   endfinally } */
      0xDE, 0x00,  /* 9: leave.s 11 } */
      0x2A,        /* 11: ret */
  };
  ilheap_il_clause a = clause(ILHEAP_IL_CATCH, 0, 3, 3, 8, 0);
  ilheap_il_clause b = clause(ILHEAP_IL_FINALLY, 4, 3, 7, 2, 0);
  ilheap_il_clause wrong[2] = {a, b};
  RUN(code, 8, wrong, 2);
  EXPECT_ERR(ILHEAP_IL_ECLAUSE_ORDER, 9, 4, 1);
  ilheap_il_clause right[2] = {b, a};
  RUN(code, 8, right, 2);
  EXPECT_OK();
}

/* dd-trace-dotnet PR 9242: code injected at a catch's entry, where the
 * exception object is on the stack: here a guarded call (its own try). */
Test(il_regressions, code_at_catch_entry_with_the_exception_on_the_stack) {
  reset();
  static const uint8_t before[] = {
      0x00,            /* 0: try A { nop */
      0xDE, 0x09,      /* 1: leave.s 12 } */
      0x00,            /* 3: catch A { try C { nop: the exception is on the stack */
      0xDE, 0x03,      /* 4:   leave.s 9 } */
      0x26,            /* 6:   catch C { pop */
      0xDE, 0x00,      /* 7:   leave.s 9 } */
      0x26,            /* 9:   pop (the original handler) */
      0xDE, 0x00,      /* 10:  leave.s 12 } */
      0x2A,            /* 12: ret */
  };
  ilheap_il_clause c[2] = {clause(ILHEAP_IL_CATCH, 3, 3, 6, 3, 0),
                           clause(ILHEAP_IL_CATCH, 0, 3, 3, 9, 0)};
  RUN(before, 8, c, 2);
  EXPECT_ERR(ILHEAP_IL_ESTACK_TRY_ENTRY, 17, 3, 0);
  /* The fix: store the exception first, load it back after. */
  static const uint8_t one[] = {0x07, 0x01, 0x1C};
  local_sig = one;
  local_len = sizeof one;
  local_token = 0x11000001;
  static const uint8_t after[] = {
      0x00, 0xDE, 0x0B,  /* 0: try A { nop; leave.s 14 } */
      0x0A,              /* 3: catch A { stloc.0 */
      0x00, 0xDE, 0x03,  /* 4:   try C { nop; leave.s 10 } */
      0x26, 0xDE, 0x00,  /* 7:   catch C { pop; leave.s 10 } */
      0x06, 0x26,        /* 10:  ldloc.0; pop */
      0xDE, 0x00,        /* 12:  leave.s 14 } */
      0x2A,              /* 14: ret */
  };
  ilheap_il_clause d[2] = {clause(ILHEAP_IL_CATCH, 4, 3, 7, 3, 0),
                           clause(ILHEAP_IL_CATCH, 0, 3, 3, 11, 0)};
  RUN(after, 8, d, 2);
  EXPECT_OK();
}

/* dd-trace-dotnet PR 937: an instruction injected between constrained. and its
 * callvirt, orphaning the prefix. */
Test(il_regressions, orphaned_constrained_prefix) {
  reset();
  own(0, 1, 0);
  static const uint8_t before[] = {
      0x0F, 0x00,           /* 0: ldarga.s 0 */
      0xFE, 0x16, TYPE,     /* 2: constrained. T */
      0x14,                 /* 8: ldnull (injected) */
      0x6F, MREF(HT | 1),   /* 9: callvirt void I::M(object) */
      0x2A,                 /* 14: ret */
  };
  RUN(before, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_EPREFIX, 3, 2, NOC);
  static const uint8_t after[] = {0x0F, 0x00, 0x14, 0xFE, 0x16, TYPE, 0x6F, MREF(HT | 1), 0x2A};
  RUN(after, 8, NULL, 0);
  EXPECT_OK();
}

/* dd-trace-dotnet PR 5131: a local added by the injected code, the LocalVarSig
 * not grown. */
Test(il_regressions, wrong_local_count) {
  reset();
  static const uint8_t code[] = {0x28, MREF(RV), 0x0C, 0x2A}; /* call int Now(); stloc.2; ret */
  static const uint8_t two[] = {0x07, 0x02, 0x08, 0x08};
  static const uint8_t three[] = {0x07, 0x03, 0x08, 0x08, 0x08};
  local_token = 0x11000001;
  local_sig = two;
  local_len = sizeof two;
  RUN(code, 8, NULL, 0);
  EXPECT_ERR(ILHEAP_IL_ELOCAL_INDEX, 19, 5, NOC);
  local_sig = three;
  local_len = sizeof three;
  RUN(code, 8, NULL, 0);
  EXPECT_OK();
}

/* elastic apm-agent-dotnet PR 2785: a tiny header kept after the code grew past
 * 63 bytes: (70 << 2 | 2) in one byte says 6 bytes of code. */
Test(il_regressions, tiny_header_past_63_bytes) {
  reset();
  static _Alignas(4) uint8_t body[12 + 72];
  uint8_t code[70];
  for (int i = 0; i < 11; i++) {
    static const uint8_t ld[] = {0x72, STR, 0x26}; /* ldstr; pop */
    memcpy(code + (size_t)6 * i, ld, 6);
  }
  static const uint8_t tail[] = {0x00, 0x00, 0x00, 0x2A};
  memcpy(code + 66, tail, 4);
  body[0] = (uint8_t)(70 << 2 | 2);
  memcpy(body + 1, code, 70);
  ilheap_il_verify_options o;
  memset(&o, 0, sizeof o);
  o.own_sig = own_sig;
  o.own_sig_size = own_len;
  ilheap_il_verdict w;
  cr_assert_eq(ilheap_il_verify(body, 71, &o, &w), ILHEAP_IL_EFALLS_OFF_END);
  cr_assert_eq(w.check, 10);
  cr_assert_eq(w.offset, 5, "the 6 bytes the header says end with a pop at 5");
  ilheap_il_body b;
  memset(&b, 0, sizeof b);
  b.code = code;
  b.code_size = 70;
  b.max_stack = 1;
  uint32_t n;
  cr_assert_eq(ilheap_il_write(&b, body, sizeof body, &n), ILHEAP_IL_OK); /* a fat header */
  cr_assert_eq(ilheap_il_verify(body, n, &o, &w), ILHEAP_IL_OK);
  cr_assert_eq(w.result, ILHEAP_IL_VERDICT_OK);
}

/* ---- ilheap_il_set_function_body: the runtime only for a body that passes ------------------- */

typedef HRESULT(STDMETHODCALLTYPE *fake_set_fn)(void *self, uintptr_t module, uint32_t method,
                                                const uint8_t *body);
typedef struct fake_vtbl {
  void (*before[24])(void);
  fake_set_fn SetILFunctionBody;
} fake_vtbl;
typedef struct fake_info {
  const fake_vtbl *lpVtbl;
  int calls;
  uintptr_t module;
  uint32_t method;
  const uint8_t *body;
  HRESULT answer;
} fake_info;

static HRESULT STDMETHODCALLTYPE fake_set(void *self, uintptr_t module, uint32_t method,
                                          const uint8_t *body) {
  fake_info *f = self;
  f->calls++;
  f->module = module;
  f->method = method;
  f->body = body;
  return f->answer;
}

static const fake_vtbl fake_vtable = {{NULL}, fake_set};

Test(il_set_body, calls_the_runtime_only_for_a_body_that_passes) {
  reset();
  fake_info f = {&fake_vtable, 0, 0, 0, NULL, S_OK};
  static const uint8_t good[] = {0x03 << 2 | 2, 0x16, 0x26, 0x2A};
  static const uint8_t bad[] = {0x03 << 2 | 2, 0x26, 0x26, 0x2A}; /* pop on empty */
  ilheap_il_verify_options o;
  memset(&o, 0, sizeof o);
  o.own_sig = own_sig;
  o.own_sig_size = own_len;
  ilheap_il_verdict w;
  cr_assert_eq(ilheap_il_set_function_body(&f, 0x1234, 0x06000007u, good, sizeof good, NULL, 0,
                                           &o, &w),
               S_OK);
  cr_assert_eq(f.calls, 1);
  cr_assert_eq(f.module, 0x1234);
  cr_assert_eq(f.method, 0x06000007u);
  cr_assert_eq(f.body, good);
  cr_assert_eq(w.result, ILHEAP_IL_VERDICT_OK);
  f.answer = E_FAIL; /* the runtime's answer comes back as it is */
  cr_assert_eq(ilheap_il_set_function_body(&f, 1, 2, good, sizeof good, NULL, 0, &o, NULL), E_FAIL);
  cr_assert_eq(f.calls, 2);
  cr_assert_eq(ilheap_il_set_function_body(&f, 1, 2, bad, sizeof bad, NULL, 0, &o, &w),
               ILHEAP_E_IL_REFUSED);
  cr_assert_eq(f.calls, 2, "a refused body never reaches the runtime");
  cr_assert_eq(w.answer, ILHEAP_IL_ESTACK_UNDERFLOW);
  cr_assert_eq(w.offset, 0);
  /* layout: a cut body */
  cr_assert_eq(ilheap_il_set_function_body(&f, 1, 2, good, 2, NULL, 0, &o, &w),
               ILHEAP_E_IL_REFUSED);
  cr_assert_eq(w.check, 0);
  cr_assert_eq(f.calls, 2);
  /* arguments */
  cr_assert_eq(ilheap_il_set_function_body(NULL, 1, 2, good, sizeof good, NULL, 0, &o, &w),
               E_POINTER);
  cr_assert_eq(w.result, ILHEAP_IL_VERDICT_NOT_CHECKED);
  cr_assert_eq(ilheap_il_set_function_body(&f, 1, 2, NULL, 4, NULL, 0, &o, &w), E_POINTER);
  cr_assert_eq(ilheap_il_set_function_body(&f, 1, 2, good, sizeof good, NULL, 2, &o, &w),
               E_INVALIDARG);
  cr_assert_eq(f.calls, 2);
  /* PARTIAL passes, unless ILHEAP_IL_SET_FULL */
  f.answer = S_OK;
  cr_assert_eq(ilheap_il_set_function_body(&f, 1, 2, good, sizeof good, NULL, 0, NULL, &w), S_OK);
  cr_assert_eq(w.result, ILHEAP_IL_VERDICT_PARTIAL);
  cr_assert_eq(f.calls, 3);
  cr_assert_eq(ilheap_il_set_function_body(&f, 1, 2, good, sizeof good, NULL, ILHEAP_IL_SET_FULL,
                                           NULL, &w),
               ILHEAP_E_IL_REFUSED);
  cr_assert_eq(w.result, ILHEAP_IL_VERDICT_PARTIAL);
  cr_assert_eq(f.calls, 3);
  cr_assert_eq(ilheap_il_set_function_body(&f, 1, 2, good, sizeof good, NULL, ILHEAP_IL_SET_FULL,
                                           &o, &w),
               S_OK);
  cr_assert_eq(f.calls, 4);
  /* no working memory */
  uint8_t tiny_scratch[4];
  o.scratch = tiny_scratch;
  o.scratch_size = sizeof tiny_scratch;
  cr_assert_eq(ilheap_il_set_function_body(&f, 1, 2, good, sizeof good, NULL, 0, &o, &w),
               E_OUTOFMEMORY);
  cr_assert_eq(w.answer, ILHEAP_IL_ENOMEM);
  cr_assert_eq(f.calls, 4);
}

Test(il_set_body, the_window_rule_when_the_policy_is_strict) {
  reset();
  fake_info f = {&fake_vtable, 0, 0, 0, NULL, S_OK};
  static const uint8_t module[] = {0x00, 0x03 << 2 | 2, 0x16, 0x26, 0x2A};
  const uint8_t *good = module + 1; /* the module's first byte is its base */
  const size_t good_size = 4;
  ilheap_il_verify_options o;
  memset(&o, 0, sizeof o);
  o.own_sig = own_sig;
  o.own_sig_size = own_len;
  ilheap_il_verdict w;
  /* A module "based" above the body: the body is at a negative offset. */
  ilheap_options opts;
  ilheap_options_init(&opts);
  ilheap *strict = NULL, *lax = NULL;
  cr_assert_eq(ilheap_create(good + 2, &opts, &strict), 0);
  opts.window_policy = ILHEAP_WINDOW_PREFERRED;
  cr_assert_eq(ilheap_create(good + 2, &opts, &lax), 0);
  cr_assert_eq(ilheap_il_set_function_body(&f, 1, 2, good, good_size, strict, 0, &o, &w),
               ILHEAP_E_IL_REFUSED);
  cr_assert_eq(w.answer, ILHEAP_IL_ENOT_ABOVE_BASE);
  cr_assert_eq(w.check, 0);
  cr_assert_eq(f.calls, 0);
  cr_assert_eq(ilheap_il_set_function_body(&f, 1, 2, good, good_size, lax, 0, &o, &w), S_OK);
  cr_assert_eq(f.calls, 1, "CoreCLR's policy: no RVA, no window rule");
  /* A module just below the body, a window that ends inside it. */
  ilheap *narrow = NULL;
  ilheap_options_init(&opts);
  opts.max_offset = 3;
  cr_assert_eq(ilheap_create(module, &opts, &narrow), 0);
  cr_assert_eq(ilheap_il_set_function_body(&f, 1, 2, good, good_size, narrow, 0, &o, &w),
               ILHEAP_E_IL_REFUSED);
  cr_assert_eq(w.answer, ILHEAP_IL_EOUTSIDE_WINDOW);
  opts.max_offset = 5;
  ilheap *fits = NULL;
  cr_assert_eq(ilheap_create(module, &opts, &fits), 0);
  cr_assert_eq(ilheap_il_set_function_body(&f, 1, 2, good, good_size, fits, 0, &o, &w), S_OK);
  cr_assert_eq(f.calls, 2);
  ilheap_destroy(strict);
  ilheap_destroy(lax);
  ilheap_destroy(narrow);
  ilheap_destroy(fits);
}
