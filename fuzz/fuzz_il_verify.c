/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the instruction checker (include/ilheap_il_verify.h).
 *
 * The first byte picks one of four programs (il_verify_program, fuzz/il_verify_format.h,
 * where the encoder of the seeds lives too):
 *
 *  0  Assembled bodies. The input chooses instructions from the opcode table
 *     (operands, branch and switch targets as instruction numbers, tokens of
 *     the right table or anything), clauses whose boundaries are instruction
 *     numbers, MaxStack, the method's signature and its locals: bodies that
 *     get past decoding and reach the clause, flow and depth checks.
 *  1  Arbitrary bytes as a whole body (header, code, EH section), copied to the
 *     end of a malloc (ASan catches a read past it) at a fuzzed address
 *     remainder.
 *  2  Arbitrary bytes as code, with fuzzed clauses and MaxStack.
 *  3  The edges of the API: arbitrary signature blobs (decoded, and used as the
 *     method's own and a callee's), opcode codes, walk offsets, switch target
 *     numbers, scratch sizes, NULL arguments.
 *
 * Every verdict must keep the header's promises, whatever the input:
 *  P1 its fields agree (result, answer, skipped, check, offset, clause);
 *  P2 the same verdict again, and with the caller's scratch instead of malloc;
 *  P3 less information never makes an error: a body that passes (OK or
 *     PARTIAL) still passes without the signatures (no false error);
 *  P4 more MaxStack never makes an error;
 *  P5 a parsed body (program 1) and its description get the same verdict;
 *  P6 the walk (ilheap_il_next) agrees with V1/V2 and the instruction count,
 *     and an error's offset is an instruction start where the header says so;
 *  P7 ilheap_il_set_function_body (program 1) calls the runtime (a fake
 *     ICorProfilerInfo) exactly when the body passes the window rule and the
 *     checker, and returns the runtime's answer then, ILHEAP_E_IL_REFUSED else.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ilheap_il_com.h"
#include "ilheap_il_verify.h"
#include "il_verify_format.h"
#include "provider.h"

#define CODE_MAX 0x4000u
#define INSN_MAX V_INSN_MAX         /* the grammar's (il_verify_format.h) */
#define CLAUSES_MAX V_CLAUSES_MAX

/* ---- Signatures: a MemberRef/StandAloneSig row says its own signature ------------- */

static int resolve(void *ctx, uint32_t tok, const uint8_t **blob, size_t *len) {
  static uint8_t b[16];
  (void)ctx;
  uint32_t row = tok & 0xFFu;
  if (row == V_ROW_UNKNOWN)
    return 1;
  if (row == V_ROW_FIELD) {
    b[0] = 0x06; /* a field signature: malformed for a call */
    *blob = b;
    *len = 1;
    return 0;
  }
  size_t n = 0;
  b[n++] = (row & V_ROW_INSTANCE) ? 0x20 : 0x00;
  b[n++] = (uint8_t)(row & V_ROW_PARAMS);
  b[n++] = (row & V_ROW_RETURNS) ? 0x08 : 0x01;
  for (uint32_t i = 0; i < (row & V_ROW_PARAMS); i++)
    b[n++] = 0x08;
  *blob = b;
  *len = n;
  return 0;
}

typedef struct ctx {
  uint8_t own[8];
  size_t own_len;
  uint8_t locals[4];
  size_t locals_len;
  ilheap_il_clause clauses[CLAUSES_MAX];
} ctx;

static void opts(ctx *c, ilheap_il_verify_options *o, int full) {
  memset(o, 0, sizeof *o);
  if (!full)
    return;
  o->method_sig = resolve;
  o->own_sig = c->own;
  o->own_sig_size = c->own_len;
  o->local_sig = c->locals;
  o->local_sig_size = c->locals_len;
}

/* P1 */
static void consistent(const ilheap_il_verdict *v, int r, uint32_t code_size, uint32_t nclauses) {
  FUZZ_CHECK(r == v->answer, "return %d, answer %d", r, v->answer);
  switch (v->result) {
  case ILHEAP_IL_VERDICT_OK:
    FUZZ_CHECK(r == ILHEAP_IL_OK && v->skipped == 0, "OK with %d, skipped %#x", r, v->skipped);
    break;
  case ILHEAP_IL_VERDICT_PARTIAL:
    FUZZ_CHECK(r == ILHEAP_IL_OK && v->skipped != 0 &&
                   (v->skipped & ~(uint32_t)(ILHEAP_IL_CHECKS_DEPTH | ILHEAP_IL_CHECK_BIT(19))) == 0,
               "PARTIAL with %d, skipped %#x", r, v->skipped);
    FUZZ_CHECK(v->skip_reason == ILHEAP_IL_ESIG_MISSING || v->skip_reason == ILHEAP_IL_ESIG_BAD,
               "reason %d", v->skip_reason);
    FUZZ_CHECK(v->skip_offset < code_size, "skip offset %u", v->skip_offset);
    break;
  case ILHEAP_IL_VERDICT_ERROR:
    FUZZ_CHECK(r != ILHEAP_IL_OK && v->skipped == 0, "ERROR with %d", r);
    FUZZ_CHECK(v->check <= ILHEAP_IL_CHECK_COUNT, "check %u", v->check);
    if (v->check != 0) {
      FUZZ_CHECK(r >= ILHEAP_IL_EOPCODE && r <= ILHEAP_IL_EARGLIST, "V%u answer %d", v->check, r);
      FUZZ_CHECK(v->offset <= code_size, "offset %u of %u", v->offset, code_size);
      FUZZ_CHECK(v->clause == ILHEAP_IL_NO_CLAUSE || v->clause < nclauses, "clause %u", v->clause);
      if (v->check >= 6 && v->check <= 9)
        FUZZ_CHECK(v->clause < nclauses, "V%u without its clause", v->check);
    }
    break;
  default:
    FUZZ_CHECK(v->result == ILHEAP_IL_VERDICT_NOT_CHECKED && r == ILHEAP_IL_ENOMEM,
               "result %d answer %d", v->result, r);
    break;
  }
}

static int passes(const ilheap_il_verdict *v) {
  return v->result == ILHEAP_IL_VERDICT_OK || v->result == ILHEAP_IL_VERDICT_PARTIAL;
}

/* P6: the walk against the verdict. */
static void walk(const uint8_t *code, uint32_t size, const ilheap_il_verdict *v) {
  static uint8_t start[CODE_MAX + 1];
  memset(start, 0, (size_t)size + 1);
  uint32_t off = 0, n = 0;
  int bad = ILHEAP_IL_OK;
  while (off < size) {
    ilheap_il_insn in;
    bad = ilheap_il_next(code, size, off, &in);
    if (bad != ILHEAP_IL_OK)
      break;
    FUZZ_CHECK(in.offset == off && in.size >= 1 && in.size <= size - off, "walk at %u", off);
    start[off] = 1;
    n++;
    off += in.size;
  }
  if (v->result == ILHEAP_IL_VERDICT_ERROR && v->check == 0)
    return;
  if (bad != ILHEAP_IL_OK) {
    FUZZ_CHECK(v->result == ILHEAP_IL_VERDICT_ERROR && v->check >= 1 && v->check <= 4 &&
                   v->offset <= off,
               "walk: %d at %u; verdict V%u at %u", bad, off, v->check, v->offset);
    if (v->check <= 2)
      FUZZ_CHECK(v->answer == bad && v->offset == off, "walk: %d at %u; verdict %d at %u", bad,
                 off, v->answer, v->offset);
    return;
  }
  if (v->result == ILHEAP_IL_VERDICT_ERROR)
    FUZZ_CHECK(v->check >= 3, "V%u on a body that decodes", v->check);
  if (passes(v) || (v->result == ILHEAP_IL_VERDICT_ERROR && v->check >= 5))
    FUZZ_CHECK(v->instructions == n, "%u instructions, walk %u", v->instructions, n);
  if (v->result == ILHEAP_IL_VERDICT_ERROR && (v->check == 3 || v->check == 4 || v->check == 5 ||
                                               v->check >= 10))
    FUZZ_CHECK(start[v->offset], "V%u at %u: not an instruction", v->check, v->offset);
}

/* P1-P4 on a described body. */
static void check_body(ctx *c, ilheap_il_body *b) {
  ilheap_il_verify_options o;
  ilheap_il_verdict v1, v2, v3;
  opts(c, &o, 1);
  int r = ilheap_il_verify_body(b, &o, &v1);
  if (r == ILHEAP_IL_EBADARG || (v1.result == ILHEAP_IL_VERDICT_ERROR && v1.check == 0)) {
    /* The description's layout (ilheap_il_size's answers). */
    FUZZ_CHECK(r != ILHEAP_IL_OK && r < ILHEAP_IL_EOPCODE, "layout %d", r);
    return;
  }
  consistent(&v1, r, b->code_size, b->clause_count);
  walk(b->code, b->code_size, &v1);
  /* P2 */
  size_t need = ilheap_il_verify_scratch_size(b->code_size, b->clause_count);
  void *scratch = malloc(need + 3);
  FUZZ_CHECK(scratch != NULL, "scratch");
  o.scratch = (uint8_t *)scratch + 3;
  o.scratch_size = need;
  int r2 = ilheap_il_verify_body(b, &o, &v2);
  FUZZ_CHECK(r2 == r && memcmp(&v1, &v2, sizeof v1) == 0, "scratch: %d vs %d", r2, r);
  free(scratch);
  /* P3 */
  opts(c, &o, 0);
  int r3 = ilheap_il_verify_body(b, &o, &v3);
  consistent(&v3, r3, b->code_size, b->clause_count);
  if (passes(&v1))
    FUZZ_CHECK(passes(&v3), "without signatures: %d V%u at %u", r3, v3.check, v3.offset);
  /* P4 */
  if (passes(&v1) && (b->flags & ILHEAP_IL_FAT) && b->max_stack < 0xFFFF) {
    b->max_stack++;
    opts(c, &o, 1);
    r3 = ilheap_il_verify_body(b, &o, &v3);
    FUZZ_CHECK(passes(&v3), "MaxStack + 1: %d V%u at %u", r3, v3.check, v3.offset);
    b->max_stack--;
  }
}

static void signature(ctx *c, fuzz_input *in, ilheap_il_body *b) {
  unsigned bits = fuzz_u8(in);
  c->own[0] = (bits & V_SIG_HAS_THIS) ? 0x20 : (bits & V_SIG_VARARG) ? 0x05 : 0x00;
  uint32_t params = (bits >> V_SIG_PARAMS_SHIFT) & 3u;
  c->own[1] = (uint8_t)params;
  c->own[2] = (bits & V_SIG_RETURNS) ? 0x08 : 0x01;
  for (uint32_t i = 0; i < params; i++)
    c->own[3 + i] = 0x08;
  c->own_len = 3 + params;
  if (bits & V_SIG_MALFORMED)
    c->own_len = 1;
  c->locals[0] = 0x07;
  c->locals[1] = (uint8_t)((bits >> V_SIG_LOCALS_SHIFT) & 3u);
  c->locals_len = 2;
  b->local_sig_token = (bits >> V_SIG_LOCALS_SHIFT) ? 0x11000001u : 0;
}

/* ---- Program 0: assembled bodies ------------------------------------------------------ */

typedef struct insn {
  const ilheap_il_opcode *op;
  uint32_t offset, size;
  uint32_t targets[4]; /* instruction numbers */
  uint32_t ntargets;
  uint32_t value;
} insn;

static const ilheap_il_opcode *pick_opcode(fuzz_input *in) {
  for (;;) {
    unsigned k = fuzz_u16(in) % V_OPCODE_KEYS;
    uint32_t code = k < 0x100 ? k : 0xFE00u | (k - 0x100u);
    const ilheap_il_opcode *op = ilheap_il_opcode_info(code);
    if (op)
      return op;
    if (fuzz_remaining(in) == 0)
      return ilheap_il_opcode_info(ILHEAP_IL_OP_RET);
  }
}

static uint32_t token_for(fuzz_input *in, uint32_t operand) {
  unsigned k = fuzz_u8(in);
  if (k == V_TOKEN_ANY)
    return fuzz_u32(in);
  switch (operand) {
  case ILHEAP_IL_OPERAND_TOK_METHOD: return 0x0A000100u | k;
  case ILHEAP_IL_OPERAND_TOK_SIG: return 0x11000100u | k;
  case ILHEAP_IL_OPERAND_TOK_FIELD: return 0x04000001u;
  case ILHEAP_IL_OPERAND_TOK_STRING: return 0x70000001u;
  default: return 0x01000001u;
  }
}

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static void assembled(fuzz_input *in) {
  static insn is[INSN_MAX];
  static uint8_t code[CODE_MAX];
  ctx c;
  memset(&c, 0, sizeof c);
  ilheap_il_body b;
  memset(&b, 0, sizeof b);
  signature(&c, in, &b);
  b.max_stack = (uint32_t)fuzz_range(in, 0, V_ASM_STACK_MAX);
  b.flags = ILHEAP_IL_FAT;
  uint32_t n = (uint32_t)fuzz_range(in, 1, INSN_MAX), off = 0;
  for (uint32_t i = 0; i < n; i++) {
    insn *x = &is[i];
    memset(x, 0, sizeof *x);
    x->op = pick_opcode(in);
    x->offset = off;
    x->size = x->op->size;
    switch (x->op->operand) {
    case ILHEAP_IL_OPERAND_BR8:
    case ILHEAP_IL_OPERAND_BR32:
      x->ntargets = 1;
      x->targets[0] = fuzz_pick(in, n + 1);
      break;
    case ILHEAP_IL_OPERAND_SWITCH:
      x->ntargets = fuzz_pick(in, V_SWITCH_MAX + 1);
      for (uint32_t k = 0; k < x->ntargets; k++)
        x->targets[k] = fuzz_pick(in, n + 1);
      x->size += 4 * x->ntargets;
      break;
    default:
      if (x->op->operand >= ILHEAP_IL_OPERAND_TOK_METHOD)
        x->value = token_for(in, x->op->operand);
      else if (x->op->operand == ILHEAP_IL_OPERAND_U8)
        x->value = fuzz_pick(in, V_U8_PICKS);
      else
        x->value = fuzz_pick(in, V_VALUE_PICKS);
      break;
    }
    if (off + x->size > CODE_MAX) {
      n = i;
      break;
    }
    off += x->size;
  }
  if (n == 0)
    return;
  b.code_size = off;
  for (uint32_t i = 0; i < n; i++) {
    insn *x = &is[i];
    uint8_t *p = code + x->offset;
    uint32_t at = 0;
    if (x->op->code > 0xFF)
      p[at++] = 0xFE;
    p[at++] = (uint8_t)x->op->code;
    uint32_t next = x->offset + x->size;
    uint32_t t0 = x->ntargets ? (x->targets[0] < n ? is[x->targets[0]].offset : off) : 0;
    switch (x->op->operand) {
    case ILHEAP_IL_OPERAND_NONE: break;
    case ILHEAP_IL_OPERAND_BR8: p[at] = (uint8_t)(t0 - next); break;
    case ILHEAP_IL_OPERAND_BR32: put32(p + at, t0 - next); break;
    case ILHEAP_IL_OPERAND_SWITCH:
      put32(p + at, x->ntargets);
      for (uint32_t k = 0; k < x->ntargets; k++) {
        uint32_t t = x->targets[k] < n ? is[x->targets[k]].offset : off;
        put32(p + at + 4 + (size_t)4 * k, t - next);
      }
      break;
    default:
      for (uint32_t k = at; k < x->op->size; k++)
        p[k] = k - at < 4 ? (uint8_t)(x->value >> (8 * (k - at))) : 0;
      break;
    }
  }
  /* Clauses on instruction boundaries (number n is the end of the code). */
  uint32_t nc = fuzz_pick(in, CLAUSES_MAX + 1);
  for (uint32_t i = 0; i < nc; i++) {
    ilheap_il_clause *k = &c.clauses[i];
    static const uint32_t kinds[] = {ILHEAP_IL_CATCH, ILHEAP_IL_FILTER, ILHEAP_IL_FINALLY,
                                     ILHEAP_IL_FAULT};
    k->kind = kinds[fuzz_pick(in, V_ASM_KINDS)];
    uint32_t ts = fuzz_pick(in, n), te = ts + 1 + fuzz_pick(in, n - ts);
    uint32_t hs = fuzz_pick(in, n), he = hs + 1 + fuzz_pick(in, n - hs);
    uint32_t e1 = te < n ? is[te].offset : off, e2 = he < n ? is[he].offset : off;
    k->try_offset = is[ts].offset;
    k->try_length = e1 - k->try_offset;
    k->handler_offset = is[hs].offset;
    k->handler_length = e2 - k->handler_offset;
    if (k->kind == ILHEAP_IL_FILTER)
      k->filter_offset = is[fuzz_pick(in, n)].offset;
    else if (k->kind == ILHEAP_IL_CATCH)
      k->class_token = 0x01000001u;
  }
  b.code = code;
  b.clauses = c.clauses;
  b.clause_count = nc;
  check_body(&c, &b);
}

/* ---- Program 1: a whole body ------------------------------------------------------------ */

/* A fake ICorProfilerInfo: slot 24 counts its calls (P7). */
typedef HRESULT(STDMETHODCALLTYPE *fake_set_fn)(void *self, uintptr_t module, uint32_t method,
                                                const uint8_t *body);
typedef struct fake_vtbl {
  void (*before[24])(void);
  fake_set_fn set;
} fake_vtbl;
typedef struct fake_info {
  const fake_vtbl *vtbl;
  unsigned calls;
} fake_info;
static HRESULT STDMETHODCALLTYPE fake_set(void *self, uintptr_t module, uint32_t method,
                                          const uint8_t *body) {
  (void)module, (void)method, (void)body;
  ((fake_info *)self)->calls++;
  return (HRESULT)0x00000001L; /* S_FALSE: the runtime's answer comes back */
}
static const fake_vtbl fake_vtable = {{NULL}, fake_set};

static void set_body(ctx *c, const uint8_t *body, size_t n, unsigned how) {
  fake_info f = {&fake_vtable, 0};
  ilheap_il_verify_options o;
  opts(c, &o, (how & V_HOW_NO_SIGS) == 0);
  uint32_t flags = (how & V_HOW_SET_FULL) ? ILHEAP_IL_SET_FULL : 0;
  ilheap *heap = NULL;
  if (how & V_HOW_HEAP) {
    /* .NET Framework's rule: a module based a little below the body (or above
     * it), a window that ends near the body's end. */
    ilheap_options ho;
    ilheap_options_init(&ho);
    ho.max_offset = (uint32_t)n + ((how >> V_HOW_SLACK_SHIFT) & 3u); /* the body needs n + 1 */
    uintptr_t base = (uintptr_t)body - 1u + ((how & V_HOW_BASE_ABOVE) ? 2u : 0u);
    FUZZ_CHECK(ilheap_create((const void *)base, &ho, &heap) == ILHEAP_OK, "heap");
  }
  ilheap_il_verdict v;
  HRESULT hr = ilheap_il_set_function_body(&f, 7, 0x06000001u, body, n, heap, flags, &o, &v);
  int window = heap ? ilheap_il_check_in_module(body, n, ilheap_module_base(heap),
                                                ilheap_max_offset(heap), NULL)
                    : ILHEAP_IL_OK;
  ilheap_il_verdict w;
  int r = ilheap_il_verify(body, n, &o, &w);
  int pass = window == ILHEAP_IL_OK && r == ILHEAP_IL_OK &&
             !(w.result == ILHEAP_IL_VERDICT_PARTIAL && flags);
  FUZZ_CHECK(f.calls == (pass ? 1u : 0u), "runtime called %u times, pass %d", f.calls, pass);
  FUZZ_CHECK(hr == (pass ? (HRESULT)0x00000001L
                         : r == ILHEAP_IL_ENOMEM && window == ILHEAP_IL_OK ? E_OUTOFMEMORY
                                                                           : ILHEAP_E_IL_REFUSED),
             "hr %#x, pass %d", (unsigned)hr, pass);
  if (window != ILHEAP_IL_OK)
    FUZZ_CHECK(v.answer == window && v.check == 0, "window %d, verdict %d", window, v.answer);
  else
    FUZZ_CHECK(memcmp(&v, &w, sizeof v) == 0, "verdict differs from ilheap_il_verify's");
  ilheap_destroy(heap);
}

static void whole(fuzz_input *in) {
  ctx c;
  memset(&c, 0, sizeof c);
  ilheap_il_body unused;
  memset(&unused, 0, sizeof unused);
  signature(&c, in, &unused);
  unsigned rem = fuzz_pick(in, V_REMS);
  unsigned how = fuzz_u8(in);
  size_t n = fuzz_remaining(in);
  if (n == 0)
    return;
  /* At remainder rem (malloc aligns to 8 at least), its last byte the
   * allocation's last byte. */
  uint8_t *mem = malloc(n + rem);
  FUZZ_CHECK(mem != NULL, "malloc");
  uint8_t *body = mem + rem;
  memcpy(body, in->data, n);
  ilheap_il_verify_options o;
  opts(&c, &o, 1);
  ilheap_il_verdict v, w;
  int r = ilheap_il_verify(body, n, &o, &v);
  set_body(&c, body, n, how);
  ilheap_il_view view;
  int pr = ilheap_il_parse(body, n, &view);
  if (pr != ILHEAP_IL_OK) {
    FUZZ_CHECK(r == pr && v.check == 0 && v.result == ILHEAP_IL_VERDICT_ERROR, "layout %d vs %d",
               r, pr);
  } else {
    consistent(&v, r, view.body.code_size, view.body.clause_count);
    walk(view.body.code, view.body.code_size, &v);
    int r2 = ilheap_il_verify(body, n, &o, &w);
    FUZZ_CHECK(r2 == r && memcmp(&v, &w, sizeof v) == 0, "twice: %d vs %d", r2, r);
    /* P5: the description gets the same verdict. */
    ilheap_il_body d = view.body;
    ilheap_il_clause *cl = NULL;
    if (d.clause_count) {
      cl = malloc(sizeof *cl * d.clause_count);
      FUZZ_CHECK(cl != NULL, "malloc");
      for (uint32_t i = 0; i < d.clause_count; i++)
        FUZZ_CHECK(ilheap_il_clause_at(&view, i, &cl[i]) == ILHEAP_IL_OK, "clause %u", i);
    }
    d.clauses = cl;
    d.flags &= ILHEAP_IL_TINY | ILHEAP_IL_FAT | ILHEAP_IL_INIT_LOCALS;
    r2 = ilheap_il_verify_body(&d, &o, &w);
    FUZZ_CHECK(r2 == r && memcmp(&v, &w, sizeof v) == 0, "described: %d vs %d (V%u at %u vs V%u at %u)",
               r2, r, w.check, w.offset, v.check, v.offset);
    free(cl);
  }
  free(mem);
}

/* ---- Program 2: arbitrary code with fuzzed clauses -------------------------------------- */

static void raw_code(fuzz_input *in) {
  ctx c;
  memset(&c, 0, sizeof c);
  ilheap_il_body b;
  memset(&b, 0, sizeof b);
  signature(&c, in, &b);
  b.max_stack = (uint32_t)fuzz_range(in, 0, V_CODE_STACK_MAX);
  b.flags = ILHEAP_IL_FAT;
  uint32_t nc = fuzz_pick(in, CLAUSES_MAX + 1);
  uint32_t size = (uint32_t)fuzz_range(in, 1, V_CODE_SIZE_MAX);
  for (uint32_t i = 0; i < nc; i++) {
    ilheap_il_clause *k = &c.clauses[i];
    k->kind = fuzz_pick(in, V_CODE_KINDS);
    if (k->kind == 3)
      k->kind = ILHEAP_IL_FAULT;
    k->try_offset = fuzz_u8(in);
    k->try_length = fuzz_u8(in);
    k->handler_offset = fuzz_u8(in);
    k->handler_length = fuzz_u8(in);
    k->class_token = k->kind == ILHEAP_IL_CATCH ? 0x01000001u : fuzz_u8(in);
  }
  size_t n = fuzz_remaining(in);
  if (n > size)
    n = size;
  if (n == 0)
    return;
  uint8_t *code = malloc(n);
  FUZZ_CHECK(code != NULL, "malloc");
  memcpy(code, in->data, n);
  b.code = code;
  b.code_size = (uint32_t)n;
  b.clauses = c.clauses;
  b.clause_count = nc;
  check_body(&c, &b);
  free(code);
}

/* ---- Program 3: the edges of the API ------------------------------------------------------ */

static const uint8_t *callee_blob;
static size_t callee_len;

static int resolve_blob(void *unused, uint32_t tok, const uint8_t **blob, size_t *len) {
  (void)unused, (void)tok;
  *blob = callee_blob;
  *len = callee_len;
  return 0;
}

static void api(fuzz_input *in) {
  size_t n = (size_t)fuzz_range(in, 0, V_SIG_MAX);
  if (n > fuzz_remaining(in))
    n = fuzz_remaining(in);
  uint8_t *sig = malloc(n + 1); /* + 1: malloc(0) may be NULL */
  FUZZ_CHECK(sig != NULL, "malloc");
  memcpy(sig, in->data, n);
  in->data += n, in->size -= n;
  ilheap_il_sig ms;
  int r = ilheap_il_decode_method_sig(sig, n, &ms);
  FUZZ_CHECK(r == ILHEAP_IL_OK || r == ILHEAP_IL_ESIG_BAD, "method sig %d", r);
  if (r == ILHEAP_IL_OK)
    FUZZ_CHECK(ms.has_this <= 1 && ms.returns <= 1 && ms.vararg <= 1 && n >= 3,
               "sig fields");
  else
    FUZZ_CHECK(ms.params == 0 && ms.has_this == 0, "zeroed on error");
  uint32_t count = 7;
  r = ilheap_il_decode_local_sig(sig, n, &count);
  FUZZ_CHECK(r == ILHEAP_IL_OK || (r == ILHEAP_IL_ESIG_BAD && count == 0), "local sig %d", r);
  /* As the method's own signature and a callee's, on a body that uses both:
   * ldarg.0; ldarg.1; call; pop; ldloc.0; pop; arglist; pop; ret */
  static const uint8_t code[] = {0x02, 0x03, 0x28, 0x00, 0x01, 0x00, 0x0A, 0x26, 0x06,
                                 0x26, 0xFE, 0x00, 0x26, 0x2A};
  ilheap_il_body b;
  memset(&b, 0, sizeof b);
  b.code = code;
  b.code_size = sizeof code;
  b.max_stack = (uint32_t)fuzz_range(in, 0, V_API_STACK_MAX);
  b.flags = ILHEAP_IL_FAT;
  b.local_sig_token = fuzz_bool(in) ? 0x11000001u : 0;
  ilheap_il_verify_options o;
  memset(&o, 0, sizeof o);
  o.own_sig = sig;
  o.own_sig_size = n;
  o.local_sig = fuzz_bool(in) ? sig : NULL;
  o.local_sig_size = n;
  o.method_sig = resolve_blob;
  callee_blob = sig;
  callee_len = n;
  ilheap_il_verdict v, w;
  r = ilheap_il_verify_body(&b, &o, &v);
  consistent(&v, r, b.code_size, 0);
  /* P3 again: without the signatures, no new error */
  memset(&o, 0, sizeof o);
  int r2 = ilheap_il_verify_body(&b, &o, &w);
  if (passes(&v))
    FUZZ_CHECK(passes(&w), "without signatures: %d", r2);
  /* scratch of a fuzzed size: enough, or ILHEAP_IL_ENOMEM */
  size_t need = ilheap_il_verify_scratch_size(b.code_size, 0);
  size_t give = (size_t)fuzz_range(in, 0, need + 8);
  uint8_t *scratch = malloc(give + 1);
  FUZZ_CHECK(scratch != NULL, "malloc");
  o.scratch = scratch;
  o.scratch_size = give;
  r2 = ilheap_il_verify_body(&b, &o, &w);
  FUZZ_CHECK(give >= need ? r2 != ILHEAP_IL_ENOMEM : (r2 == ILHEAP_IL_ENOMEM &&
                                                        w.result == ILHEAP_IL_VERDICT_NOT_CHECKED),
             "scratch %zu of %zu: %d", give, need, r2);
  free(scratch);
  free(sig);
  /* opcode codes, walk offsets, switch targets, sections */
  uint32_t any = fuzz_u32(in);
  const ilheap_il_opcode *op = ilheap_il_opcode_info(any);
  FUZZ_CHECK(!op || op->code == any, "opcode %#x", any);
  static const uint8_t sw[V_API_SWITCH_SIZE] = {0x45, 0x02, 0, 0, 0, 0x00, 0, 0, 0,
                                                0xF7, 0xFF, 0xFF, 0xFF};
  ilheap_il_insn wi;
  size_t at = fuzz_pick(in, V_API_WALK_ATS);
  r = ilheap_il_next(sw, sizeof sw, at, &wi);
  FUZZ_CHECK(at == 0 ? r == ILHEAP_IL_OK : at < sizeof sw || r == ILHEAP_IL_EBADARG,
             "walk at %zu: %d", at, r);
  int64_t t = 0;
  uint32_t k = fuzz_pick(in, V_API_TARGETS);
  r = ilheap_il_switch_target(&wi, k, &t);
  FUZZ_CHECK(at == 0 && k < 2 ? r == ILHEAP_IL_OK && t == (k ? 4 : 13) : r == ILHEAP_IL_EBADARG,
             "switch target %u at %zu: %d", k, at, r);
  FUZZ_CHECK(ilheap_il_check_section(fuzz_u8(in)) != NULL, "section");
  /* NULL arguments and NULL verdicts */
  FUZZ_CHECK(ilheap_il_verify(NULL, 4, NULL, NULL) == ILHEAP_IL_EBADARG, "NULL body");
  FUZZ_CHECK(ilheap_il_verify_body(NULL, NULL, NULL) == ILHEAP_IL_EBADARG, "NULL description");
  FUZZ_CHECK(ilheap_il_verify(code, 0, NULL, NULL) == ILHEAP_IL_EHEADER_PAST_END, "empty");
  r = ilheap_il_verify_body(&b, NULL, &w);
  FUZZ_CHECK(ilheap_il_verify_body(&b, NULL, NULL) == r, "without a verdict: not %d", r);
  FUZZ_CHECK(ilheap_il_decode_method_sig(NULL, 1, &ms) == ILHEAP_IL_EBADARG &&
                 ilheap_il_decode_method_sig(code, 1, NULL) == ILHEAP_IL_EBADARG &&
                 ilheap_il_decode_local_sig(NULL, 1, &count) == ILHEAP_IL_EBADARG &&
                 ilheap_il_decode_local_sig(code, 1, NULL) == ILHEAP_IL_EBADARG &&
                 ilheap_il_next(NULL, 1, 0, &wi) == ILHEAP_IL_EBADARG &&
                 ilheap_il_next(code, 1, 0, NULL) == ILHEAP_IL_EBADARG,
             "NULL arguments");
  fake_info f = {&fake_vtable, 0};
  static const uint8_t tiny[] = {0x01 << 2 | 2, 0x2A};
  FUZZ_CHECK(ilheap_il_set_function_body(NULL, 1, 2, tiny, 2, NULL, 0, NULL, NULL) == E_POINTER &&
                 ilheap_il_set_function_body(&f, 1, 2, NULL, 2, NULL, 0, NULL, NULL) ==
                     E_POINTER &&
                 ilheap_il_set_function_body(&f, 1, 2, tiny, 2, NULL, 8, NULL, NULL) ==
                     E_INVALIDARG &&
                 f.calls == 0,
             "set body: bad arguments");
  uint8_t small[8];
  memset(&o, 0, sizeof o);
  o.scratch = small;
  o.scratch_size = 1;
  FUZZ_CHECK(ilheap_il_set_function_body(&f, 1, 2, tiny, 2, NULL, 0, &o, NULL) == E_OUTOFMEMORY &&
                 f.calls == 0,
             "set body: no memory");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_input in = fuzz_input_make(data, size);
  switch ((il_verify_program)fuzz_pick(&in, V_PROGRAMS)) {
  case V_ASSEMBLED: assembled(&in); break;
  case V_WHOLE: whole(&in); break;
  case V_RAW_CODE: raw_code(&in); break;
  default: api(&in); break;
  }
  return 0;
}
