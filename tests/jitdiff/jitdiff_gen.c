/* SPDX-License-Identifier: MIT */
/*
 * jitdiff_gen: IL method bodies for the differential run of ilheap_il_verify
 * against CoreCLR's JIT (issue 22; docs/jit-differential.md).
 *
 *   jitdiff_gen --seed S --first J --count N BODIES EXPECT
 *       writes N bodies for the targets JitDiff.T::M<J> .. M<J+N-1> (target j
 *       has signature kind j % 5, below) into BODIES (the profiler's file,
 *       ILHEAP_PROFILER_JITDIFF) and one line per body into EXPECT:
 *         j kind mutation expected verdict check answer offset
 *       expected: "ret:<int>", "void" or "exc" (the value a valid body returns
 *       for the app's fixed arguments, computed by interpreting the program the
 *       body was generated from); verdict: ok, partial or error (ilheap_il_verify
 *       with the target's own signature and its LocalVarSig).
 *   jitdiff_gen --cs N        prints the C# targets T.M0 .. M<N-1>
 *   jitdiff_gen --show S J    prints body j of seed S (hex, one instruction a line)
 *
 * Body j depends only on (seed, j): a run is reproducible from its seed, and a
 * body of a table can be printed again with --show.
 *
 * The programs: int32 arithmetic over constants, arguments (never stored) and
 * six int32 locals (zero-initialized, InitLocals); if/else on a comparison,
 * conditional expressions (a depth of 1 across a branch), switch, early
 * returns outside protected blocks, and try/catch (catch [object], a TypeSpec),
 * try/filter (the filter's answer depends on an argument) and try/finally,
 * nested, with `ldnull; throw` under a condition. Every branch uses its long
 * form or its short form at random; the header is tiny when it can be.
 *
 * The mutations (FACTS.md section 14, what real rewriters got wrong):
 *   none               the valid body
 *   maxstack-short     MaxStack one below the depth reached (fat header)
 *   branch-past-push   a branch retargeted past the push at its target
 *   branch-mid-insn    a branch retargeted one byte into a multi-byte instruction
 *   clause-end-stale   code inserted in a protected block, clause starts moved,
 *                      ends not
 *   clauses-swapped    an enclosing clause listed before the one it encloses
 *   leave-as-branch    a leave turned into a br (same target)
 *   push-at-catch      ldc.i4.1 injected at a catch (or filter handler) entry,
 *                      under the exception (MaxStack raised to fit)
 *   orphan-prefix      a prefix inserted before an instruction it cannot prefix
 *   tiny-past-63       a tiny header kept for 64+ bytes of code (size mod 64)
 *   local-out-of-range ldloc.s/stloc.s of a local past the LocalVarSig's count
 *
 * Placeholders the profiler patches at install time (the records' patch list):
 * the LocalVarSigTok (0x11FFFFFF, ILHEAP_PROFILER_JITDIFF's GetTokenFromSig of
 * the 6-int32 LocalVarSig) and TypeSpec tokens (0x1BFFFFFF: [object]).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ilheap_il_verify.h"

/* ---- Random numbers: splitmix64, per body ------------------------------------ */
/* The libFuzzer mode (JITDIFF_FUZZ) draws the choices from its input first. */
static const uint8_t *g_fuzz;
static size_t g_fuzz_n, g_fuzz_at;
static uint64_t g_rng;
static uint32_t rnd(uint32_t n) {
  if (g_fuzz && g_fuzz_at + 2 <= g_fuzz_n) {
    uint32_t x = (uint32_t)g_fuzz[g_fuzz_at] | (uint32_t)g_fuzz[g_fuzz_at + 1] << 8;
    g_fuzz_at += 2;
    return n ? x % n : 0;
  }
  g_rng += 0x9E3779B97F4A7C15ull;
  uint64_t z = g_rng;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return n ? (uint32_t)(z % n) : 0;
}

/* ---- Target kinds: must match app/Targets.cs (--cs) and app/Program.cs ----- */
enum { KINDS = 5, NLOCALS = 6 };
typedef struct kind_info {
  const char *cs; /* C# declaration prefix */
  uint8_t sig[6];
  uint8_t sig_len;
  uint8_t returns;
  uint8_t first_int_arg; /* ldarg index of the first int32 argument */
  uint8_t int_args;
  int32_t argv[2]; /* the app's arguments (Program.cs) */
} kind_info;
static const kind_info g_kinds[KINDS] = {
    {"public static int", {0x00, 0x00, 0x08}, 3, 1, 0, 0, {0, 0}},
    {"public static int", {0x00, 0x02, 0x08, 0x08, 0x08}, 5, 1, 0, 2, {11, -5}},
    {"public int", {0x20, 0x01, 0x08, 0x08}, 4, 1, 1, 1, {13, 0}},
    {"public static void", {0x00, 0x01, 0x01, 0x08}, 4, 0, 0, 1, {17, 0}},
    {"public void", {0x20, 0x00, 0x01}, 3, 0, 1, 0, {0, 0}},
};
static const uint8_t g_local_sig[] = {0x07, NLOCALS, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08};
#define TOK_LOCALSIG 0x11FFFFFFu
#define TOK_OBJECT 0x1BFFFFFFu

/* ---- The program (an AST) --------------------------------------------------- */
enum { E_CONST, E_LOC, E_ARG, E_BIN, E_NEG, E_COND };
enum { B_ADD, B_SUB, B_MUL, B_AND, B_OR, B_XOR, B_CEQ, B_CGT, B_CLT };
enum { S_ASSIGN, S_IF, S_SWITCH, S_RETURN, S_THROWIF, S_TRYCATCH, S_TRYFILTER, S_TRYFINALLY };
#define MAXN 4096
typedef struct node {
  int kind, op;
  int32_t value; /* E_CONST; local/arg index; S_ASSIGN's local; filter's constant */
  int a, b, c;   /* children (node indices); -1 none */
  int next;      /* statements: the next in the list */
} node;
static node g_n[MAXN];
static int g_nn;
static int g_locals; /* 0 or NLOCALS */
static const kind_info *g_k;
static int g_no_eh;

/* A new node; when the table is full, node 0 (the attempt is then dropped:
 * make_body checks g_nn, so the links written meanwhile never run). */
static int mk(int kind, int op, int32_t v, int a, int b, int c) {
  if (g_nn >= MAXN)
    return 0;
  g_n[g_nn] = (node){kind, op, v, a, b, c, -1};
  return g_nn++;
}

static int gen_expr(int depth) {
  uint32_t r = rnd(depth > 3 ? 3 : 10);
  if (r == 0 || (r == 1 && !g_locals) || (r == 2 && !g_k->int_args)) {
    static const int32_t pool[] = {0, 1, 2, 3, 5, 7, 8, 9, -1, 100, 127, -128, 1000, 123456};
    int32_t v = rnd(3) ? pool[rnd(sizeof pool / sizeof pool[0])] : (int32_t)rnd(0xFFFFFFFFu);
    return mk(E_CONST, 0, v, -1, -1, -1);
  }
  if (r == 1)
    return mk(E_LOC, 0, (int32_t)rnd(NLOCALS), -1, -1, -1);
  if (r == 2)
    return mk(E_ARG, 0, (int32_t)rnd(g_k->int_args), -1, -1, -1);
  if (r <= 7)
    return mk(E_BIN, (int)rnd(9), 0, gen_expr(depth + 1), gen_expr(depth + 1), -1);
  if (r == 8)
    return mk(E_NEG, 0, 0, gen_expr(depth + 1), -1, -1);
  return mk(E_COND, (int)rnd(3), 0, gen_expr(depth + 1), gen_expr(depth + 1),
            mk(E_BIN, 0, 0, gen_expr(depth + 2), gen_expr(depth + 2), -1));
}

/* A list of statements; in_block: inside a try, handler or filter (no ret). */
static int gen_stmts(int depth, int in_block, int budget);
static int gen_stmt(int depth, int in_block) {
  uint32_t r = rnd(16);
  if (depth > 3) /* leaves only */
    r = g_locals && rnd(2) ? 0 : 8;
  if (r <= 2 && g_locals)
    return mk(S_ASSIGN, 0, (int32_t)rnd(NLOCALS), gen_expr(1), -1, -1);
  if (r <= 4)
    return mk(S_IF, (int)rnd(6), 0, mk(E_BIN, 0, 0, gen_expr(1), gen_expr(1), -1),
              gen_stmts(depth + 1, in_block, 3), rnd(2) ? gen_stmts(depth + 1, in_block, 3) : -1);
  if (r == 5 || r == 6) {
    int n = mk(S_SWITCH, 1 + (int)rnd(4), 0, gen_expr(1), -1, -1);
    /* cases in a chain through c: each case node's a is its statements */
    int prev = n;
    for (int i = 0; i <= g_n[n].op; i++) { /* op cases + the default */
      int cs = mk(S_ASSIGN, -1, 0, gen_stmts(depth + 1, in_block, 2), -1, -1);
      g_n[prev].c = cs;
      prev = cs;
    }
    return n;
  }
  /* Inside an if or a switch only: a return as the first statement would leave
   * the whole body unreachable, where the JIT checks nothing. */
  if (r == 7 && !in_block && depth > 0)
    return mk(S_RETURN, 0, 0, gen_expr(1), -1, -1);
  if (r == 8 || r == 9)
    return mk(S_THROWIF, (int)rnd(6), 0, mk(E_BIN, 0, 0, gen_expr(1), gen_expr(1), -1), -1, -1);
  if (g_no_eh)
    return g_locals ? mk(S_ASSIGN, 0, (int32_t)rnd(NLOCALS), gen_expr(1), -1, -1)
                    : mk(S_THROWIF, 0, 0, mk(E_BIN, 0, 0, gen_expr(1), gen_expr(1), -1), -1, -1);
  if (r <= 11)
    return mk(S_TRYCATCH, 0, 0, gen_stmts(depth + 1, 1, 3), gen_stmts(depth + 1, 1, 2), -1);
  if (r <= 13)
    return mk(S_TRYFILTER, (int)rnd(6), (int32_t)rnd(40) - 20, gen_stmts(depth + 1, 1, 3),
              gen_stmts(depth + 1, 1, 2), -1);
  return mk(S_TRYFINALLY, 0, 0, gen_stmts(depth + 1, 1, 3), gen_stmts(depth + 1, 1, 2), -1);
}

static int gen_stmts(int depth, int in_block, int budget) {
  int n = 1 + (int)rnd((uint32_t)budget), first = -1, last = -1;
  for (int i = 0; i < n; i++) {
    int s = gen_stmt(depth, in_block);
    if (g_nn >= MAXN)
      break;
    if (last < 0)
      first = s;
    else
      g_n[last].next = s;
    last = s;
  }
  return first;
}

/* ---- The interpreter: what the body must return ------------------------------ */
typedef struct state {
  uint32_t loc[NLOCALS];
  uint32_t arg[2];
} state;
enum { ST_NORMAL, ST_THROW, ST_RETURN };

static uint32_t eval(const state *s, int e) {
  const node *n = &g_n[e];
  switch (n->kind) {
  case E_CONST: return (uint32_t)n->value;
  case E_LOC: return s->loc[n->value];
  case E_ARG: return s->arg[n->value];
  case E_NEG: return 0u - eval(s, n->a);
  case E_COND: {
    const node *c = &g_n[n->c];
    int32_t x = (int32_t)eval(s, c->a), y = (int32_t)eval(s, c->b);
    int t = n->op == 0 ? x == y : n->op == 1 ? x > y : x < y;
    return t ? eval(s, n->a) : eval(s, n->b);
  }
  default: break;
  }
  uint32_t x = eval(s, n->a), y = eval(s, n->b);
  switch (n->op) {
  case B_ADD: return x + y;
  case B_SUB: return x - y;
  case B_MUL: return x * y;
  case B_AND: return x & y;
  case B_OR: return x | y;
  case B_XOR: return x ^ y;
  case B_CEQ: return x == y;
  case B_CGT: return (int32_t)x > (int32_t)y;
  default: return (int32_t)x < (int32_t)y;
  }
}

/* The 6 comparisons of if/throw-if: beq bne bgt bge blt ble. */
static int relop(int op, int32_t x, int32_t y) {
  switch (op) {
  case 0: return x == y;
  case 1: return x != y;
  case 2: return x > y;
  case 3: return x >= y;
  case 4: return x < y;
  default: return x <= y;
  }
}

static int exec_list(state *s, int st, uint32_t *ret);
static int exec(state *s, int st, uint32_t *ret) {
  const node *n = &g_n[st];
  switch (n->kind) {
  case S_ASSIGN: s->loc[n->value] = eval(s, n->a); return ST_NORMAL;
  case S_IF: {
    const node *c = &g_n[n->a];
    if (relop(n->op, (int32_t)eval(s, c->a), (int32_t)eval(s, c->b)))
      return exec_list(s, n->b, ret);
    return exec_list(s, n->c, ret);
  }
  case S_SWITCH: {
    uint32_t v = eval(s, n->a) & 3u;
    int cs = n->c;
    uint32_t pick = v < (uint32_t)n->op ? v : (uint32_t)n->op; /* the last: default */
    for (uint32_t i = 0; i < pick; i++)
      cs = g_n[cs].c;
    return exec_list(s, g_n[cs].a, ret);
  }
  case S_RETURN: *ret = eval(s, n->a); return ST_RETURN;
  case S_THROWIF: {
    const node *c = &g_n[n->a];
    return relop(n->op, (int32_t)eval(s, c->a), (int32_t)eval(s, c->b)) ? ST_THROW : ST_NORMAL;
  }
  case S_TRYCATCH: {
    int r = exec_list(s, n->a, ret);
    return r == ST_THROW ? exec_list(s, n->b, ret) : r;
  }
  case S_TRYFILTER: {
    int r = exec_list(s, n->a, ret);
    /* The filter reads an argument only: its answer does not depend on when it runs. */
    int take = relop(n->op, (int32_t)(g_k->int_args ? s->arg[0] : 0u), n->value);
    return r == ST_THROW && take ? exec_list(s, n->b, ret) : r;
  }
  default: { /* S_TRYFINALLY */
    int r = exec_list(s, n->a, ret);
    int f = exec_list(s, n->b, ret);
    return f == ST_THROW ? ST_THROW : r;
  }
  }
}
static int exec_list(state *s, int st, uint32_t *ret) {
  for (; st >= 0; st = g_n[st].next) {
    int r = exec(s, st, ret);
    if (r != ST_NORMAL)
      return r;
  }
  return ST_NORMAL;
}

/* ---- The emitter ------------------------------------------------------------------ */
#define MAXCODE 65536
#define MAXCL 64
#define MAXLAB 4096
#define MAXINS 16384
typedef struct clause {
  uint32_t flags, try_off, try_len, h_off, h_len, extra; /* extra: filter offset or class token */
} clause;
typedef struct insn {
  uint32_t off, size;
  uint8_t is_branch, is_leave, is_push, operand_size; /* branch: operand at off + size - operand_size */
  uint8_t is_locidx;                                  /* ldloc.s/stloc.s: operand at off + 1 */
} insn;
typedef struct fixup {
  uint32_t at, next; /* the operand's offset; the next instruction's (deltas are from it) */
  int lab;
  uint8_t size;
} fixup;
typedef struct emitter {
  uint8_t code[MAXCODE];
  uint32_t n;
  int depth, maxdepth;
  uint32_t label[MAXLAB];
  int nlab;
  fixup fix[MAXLAB];
  int nfix;
  clause cl[MAXCL];
  int ncl;
  insn ins[MAXINS];
  int nins;
  uint32_t stmt_at[MAXINS]; /* offsets where the depth is 0, inside a protected block */
  int nstmt;
  int in_block;
  int overflow;
} emitter;
static emitter g_e;

static void begin(uint8_t push, uint8_t branch, uint8_t leave, uint8_t opsz) {
  if (g_e.nins < MAXINS)
    g_e.ins[g_e.nins++] = (insn){g_e.n, 0, branch, leave, push, opsz, 0};
}
static void end_insn(void) { g_e.ins[g_e.nins - 1].size = g_e.n - g_e.ins[g_e.nins - 1].off; }
static void b1(uint8_t x) {
  if (g_e.n < MAXCODE)
    g_e.code[g_e.n++] = x;
  else
    g_e.overflow = 1;
}
static void b4(uint32_t x) {
  for (int i = 0; i < 4; i++)
    b1((uint8_t)(x >> (8 * i)));
}
static void stack(int delta) {
  g_e.depth += delta;
  if (g_e.depth > g_e.maxdepth)
    g_e.maxdepth = g_e.depth;
}
static int new_label(void) { return g_e.nlab < MAXLAB ? (g_e.label[g_e.nlab] = UINT32_MAX, g_e.nlab++) : 0; }
static void place(int l) { g_e.label[l] = g_e.n; }
/* One instruction: op (1 byte), a branch to l (short or long form). */
static void branch(uint8_t op_short, uint8_t op_long, int l, int pops, int leave) {
  int lng = rnd(2);
  begin(0, 1, (uint8_t)leave, (uint8_t)(lng ? 4 : 1));
  b1(lng ? op_long : op_short);
  uint32_t at = g_e.n;
  if (lng)
    b4(0);
  else
    b1(0);
  if (g_e.nfix < MAXLAB)
    g_e.fix[g_e.nfix++] = (fixup){at, g_e.n, l, (uint8_t)(lng ? 4 : 1)};
  end_insn();
  stack(-pops);
}
static void simple(uint8_t op, int delta, int push) {
  begin((uint8_t)push, 0, 0, 0);
  b1(op);
  end_insn();
  stack(delta);
}
static void ldc(int32_t v) {
  begin(1, 0, 0, 0);
  if (v >= -1 && v <= 8 && rnd(4))
    b1((uint8_t)(0x16 + v)); /* ldc.i4.m1 .. ldc.i4.8 (0x15 .. 0x1E) */
  else if (v >= -128 && v <= 127 && rnd(2)) {
    b1(0x1F);
    b1((uint8_t)v);
  } else {
    b1(0x20);
    b4((uint32_t)v);
  }
  end_insn();
  stack(1);
}
static void ldloc(int i, int store) {
  begin((uint8_t)!store, 0, 0, 0);
  if (i < 4 && rnd(2)) {
    b1((uint8_t)((store ? 0x0A : 0x06) + i));
  } else {
    g_e.ins[g_e.nins - 1].is_locidx = 1;
    b1(store ? 0x13 : 0x11);
    b1((uint8_t)i);
  }
  end_insn();
  stack(store ? -1 : 1);
}
static void ldarg(int i) {
  begin(1, 0, 0, 0);
  if (i < 4 && rnd(2)) {
    b1((uint8_t)(0x02 + i));
  } else {
    b1(0x0E);
    b1((uint8_t)i);
  }
  end_insn();
  stack(1);
}

static void emit_expr(int e) {
  const node *n = &g_n[e];
  switch (n->kind) {
  case E_CONST: ldc(n->value); return;
  case E_LOC: ldloc(n->value, 0); return;
  case E_ARG: ldarg(g_k->first_int_arg + n->value); return;
  case E_NEG: emit_expr(n->a); simple(0x65, 0, 0); return;
  case E_COND: {
    /* c.a c.b b<op> Lthen; b; br Lend; Lthen: a; Lend: (depth 1 across the branches) */
    static const uint8_t s[] = {0x2E, 0x30, 0x32}, l[] = {0x3B, 0x3D, 0x3F}; /* beq bgt blt */
    int lthen = new_label(), lend = new_label();
    emit_expr(g_n[n->c].a);
    emit_expr(g_n[n->c].b);
    branch(s[n->op], l[n->op], lthen, 2, 0);
    emit_expr(n->b);
    branch(0x2B, 0x38, lend, 0, 0);
    stack(-1);
    place(lthen);
    emit_expr(n->a);
    place(lend);
    return;
  }
  default: break;
  }
  static const uint8_t ops[] = {0x58, 0x59, 0x5A, 0x5F, 0x60, 0x61};
  emit_expr(n->a);
  emit_expr(n->b);
  if (n->op < 6) {
    simple(ops[n->op], -1, 0);
  } else {
    begin(0, 0, 0, 0);
    b1(0xFE);
    b1((uint8_t)(n->op == B_CEQ ? 0x01 : n->op == B_CGT ? 0x02 : 0x04));
    end_insn();
    stack(-1);
  }
}

/* Branch to l when the comparison op holds (beq bne.un bgt bge blt ble). */
static void emit_relbranch(int op, int cond, int l) {
  static const uint8_t s[] = {0x2E, 0x33, 0x30, 0x2F, 0x32, 0x31};
  static const uint8_t lg[] = {0x3B, 0x40, 0x3D, 0x3C, 0x3F, 0x3E};
  emit_expr(g_n[cond].a);
  emit_expr(g_n[cond].b);
  branch(s[op], lg[op], l, 2, 0);
}

static void emit_stmts(int st, int lret, int returns);
static void add_clause(uint32_t flags, uint32_t t0, uint32_t t1, uint32_t h0, uint32_t h1,
                       uint32_t extra) {
  if (g_e.ncl < MAXCL)
    g_e.cl[g_e.ncl++] = (clause){flags, t0, t1 - t0, h0, h1 - h0, extra};
  else
    g_e.overflow = 1;
}

static void mark_stmt(void) {
  if (g_e.in_block && g_e.nstmt < MAXINS)
    g_e.stmt_at[g_e.nstmt++] = g_e.n;
}

static void emit_stmt(int st, int returns) {
  const node *n = &g_n[st];
  mark_stmt();
  switch (n->kind) {
  case S_ASSIGN: emit_expr(n->a); ldloc(n->value, 1); return;
  case S_IF: {
    /* if (!cond) goto Lelse: cond negated by swapping to the opposite op */
    static const int neg[] = {1, 0, 5, 4, 3, 2};
    int lelse = new_label(), lend = new_label();
    emit_relbranch(neg[n->op], n->a, lelse);
    emit_stmts(n->b, -1, returns);
    branch(0x2B, 0x38, lend, 0, 0);
    place(lelse);
    emit_stmts(n->c, -1, returns);
    place(lend);
    return;
  }
  case S_SWITCH: {
    int cases = n->op, lend = new_label(), lab[8];
    emit_expr(n->a);
    ldc(3);
    simple(0x5F, -1, 0); /* and */
    begin(0, 1, 0, 0);
    b1(0x45);
    b4((uint32_t)cases);
    uint32_t next = g_e.n + 4u * (uint32_t)cases;
    for (int i = 0; i < cases; i++) {
      lab[i] = new_label();
      if (g_e.nfix < MAXLAB)
        g_e.fix[g_e.nfix++] = (fixup){g_e.n, next, lab[i], 4};
      b4(0);
    }
    end_insn();
    g_e.ins[g_e.nins - 1].is_branch = 0; /* mutations retarget plain branches only */
    stack(-1);
    /* default first (falls through from the switch), then the cases */
    int c = n->c;
    int list[8], k = 0;
    for (int i = 0; i <= cases; i++) {
      list[k++] = c;
      c = g_n[c].c;
    }
    /* list[0..cases-1] are the cases, list[cases] the default */
    emit_stmts(g_n[list[cases]].a, -1, returns);
    branch(0x2B, 0x38, lend, 0, 0);
    for (int i = 0; i < cases; i++) {
      place(lab[i]);
      emit_stmts(g_n[list[i]].a, -1, returns);
      branch(0x2B, 0x38, lend, 0, 0);
    }
    place(lend);
    return;
  }
  case S_RETURN:
    emit_expr(n->a);
    if (!returns)
      simple(0x26, -1, 0); /* pop */
    simple(0x2A, returns ? -1 : 0, 0);
    return;
  case S_THROWIF: {
    static const int neg[] = {1, 0, 5, 4, 3, 2};
    int lskip = new_label();
    emit_relbranch(neg[n->op], n->a, lskip);
    simple(0x14, 1, 1); /* ldnull */
    simple(0x7A, -1, 0); /* throw */
    place(lskip);
    return;
  }
  default: break;
  }
  /* try blocks */
  int lend = new_label(), saved = g_e.in_block;
  g_e.in_block = 1;
  uint32_t t0 = g_e.n;
  emit_stmts(n->a, -1, returns);
  branch(0xDE, 0xDD, lend, 0, 1);
  uint32_t t1 = g_e.n, f0 = 0;
  if (n->kind == S_TRYFILTER) {
    f0 = g_e.n;
    g_e.depth = 1;
    simple(0x26, -1, 0); /* pop the exception */
    if (g_k->int_args)
      ldarg(g_k->first_int_arg);
    else
      ldc(0);
    ldc(n->value);
    static const uint8_t s[] = {0x01, 0x01, 0x02, 0x04, 0x04, 0x02}; /* ceq .. cgt */
    begin(0, 0, 0, 0);
    b1(0xFE);
    b1(s[n->op]);
    end_insn();
    stack(-1);
    if (n->op == 1 || n->op == 3 || n->op == 5) { /* != >= <=: the negation of == < > */
      ldc(0);
      begin(0, 0, 0, 0);
      b1(0xFE);
      b1(0x01);
      end_insn();
      stack(-1);
    }
    begin(0, 0, 0, 0);
    b1(0xFE);
    b1(0x11); /* endfilter */
    end_insn();
    stack(-1);
  }
  uint32_t h0 = g_e.n;
  if (n->kind == S_TRYFINALLY) {
    g_e.depth = 0;
    emit_stmts(n->b, -1, returns);
    simple(0xDC, 0, 0); /* endfinally */
  } else {
    g_e.depth = 1;
    if (g_e.maxdepth < 1)
      g_e.maxdepth = 1;
    simple(0x26, -1, 0); /* pop the exception */
    emit_stmts(n->b, -1, returns);
    branch(0xDE, 0xDD, lend, 0, 1);
  }
  uint32_t h1 = g_e.n;
  g_e.in_block = saved;
  if (n->kind == S_TRYCATCH)
    add_clause(0, t0, t1, h0, h1, TOK_OBJECT);
  else if (n->kind == S_TRYFILTER)
    add_clause(1, t0, t1, h0, h1, f0);
  else
    add_clause(2, t0, t1, h0, h1, 0);
  place(lend);
}

static void emit_stmts(int st, int lret, int returns) {
  (void)lret;
  for (; st >= 0; st = g_n[st].next)
    emit_stmt(st, returns);
}

static int fixups(void) {
  for (int i = 0; i < g_e.nfix; i++) {
    uint32_t t = g_e.label[g_e.fix[i].lab];
    if (t == UINT32_MAX)
      return -1;
    int64_t d = (int64_t)t - (int64_t)g_e.fix[i].next;
    if (g_e.fix[i].size == 1) {
      if (d < -128 || d > 127)
        return -1; /* short form out of range: regenerate */
      g_e.code[g_e.fix[i].at] = (uint8_t)(int8_t)d;
    } else {
      for (int k = 0; k < 4; k++)
        g_e.code[g_e.fix[i].at + k] = (uint8_t)((uint32_t)d >> (8 * k));
    }
  }
  return 0;
}

/* ---- Code edits (mutations) ------------------------------------------------------ */
/* The delta of the branch whose operand is at `at` (size sz), next instruction at nx. */
static int64_t get_target(const insn *in) {
  uint32_t at = in->off + in->size - in->operand_size, nx = in->off + in->size;
  if (in->operand_size == 1)
    return (int64_t)nx + (int8_t)g_e.code[at];
  int32_t d = (int32_t)((uint32_t)g_e.code[at] | (uint32_t)g_e.code[at + 1] << 8 |
                        (uint32_t)g_e.code[at + 2] << 16 | (uint32_t)g_e.code[at + 3] << 24);
  return (int64_t)nx + d;
}
static int set_target(const insn *in, int64_t t) {
  uint32_t at = in->off + in->size - in->operand_size, nx = in->off + in->size;
  int64_t d = t - nx;
  if (in->operand_size == 1) {
    if (d < -128 || d > 127)
      return -1;
    g_e.code[at] = (uint8_t)(int8_t)d;
  } else {
    for (int k = 0; k < 4; k++)
      g_e.code[at + k] = (uint8_t)((uint32_t)(int32_t)d >> (8 * k));
  }
  return 0;
}
static const insn *insn_at(uint32_t off) {
  for (int i = 0; i < g_e.nins; i++)
    if (g_e.ins[i].off == off)
      return &g_e.ins[i];
  return NULL;
}

/* Inserts k bytes at pos. Branch targets (and switch targets) after pos move;
 * at pos they stay (they reach the inserted code). Clause starts after pos move,
 * and at pos when starts_at_pos_move; ends after pos move when move_ends (at pos
 * they stay). Returns -1 when a short branch cannot reach any more. */
static int insert(uint32_t pos, const uint8_t *bytes, uint32_t k, int starts_at_pos_move,
                  int move_ends) {
  if (g_e.n + k > MAXCODE)
    return -1;
  /* Retarget first, with the old layout. */
  int64_t *old = malloc(sizeof(int64_t) * (size_t)(g_e.nins + 1));
  if (!old)
    return -1;
  for (int i = 0; i < g_e.nins; i++)
    old[i] = g_e.ins[i].is_branch ? get_target(&g_e.ins[i]) : 0;
  /* switch targets: relative to the end of the switch */
  typedef struct { uint32_t at, next; int64_t t; } sw;
  sw *sws = malloc(sizeof(sw) * (size_t)(g_e.nfix + 1));
  int nsw = 0;
  if (!sws) {
    free(old);
    return -1;
  }
  for (int i = 0; i < g_e.nins; i++) {
    if (g_e.code[g_e.ins[i].off] != 0x45)
      continue;
    const insn *in = &g_e.ins[i];
    uint32_t cnt = (uint32_t)g_e.code[in->off + 1] | (uint32_t)g_e.code[in->off + 2] << 8;
    for (uint32_t c = 0; c < cnt; c++) {
      uint32_t at = in->off + 5 + 4 * c;
      int32_t d = (int32_t)((uint32_t)g_e.code[at] | (uint32_t)g_e.code[at + 1] << 8 |
                            (uint32_t)g_e.code[at + 2] << 16 | (uint32_t)g_e.code[at + 3] << 24);
      sws[nsw++] = (sw){at, in->off + in->size, (int64_t)(in->off + in->size) + d};
    }
  }
  memmove(g_e.code + pos + k, g_e.code + pos, g_e.n - pos);
  memcpy(g_e.code + pos, bytes, k);
  g_e.n += k;
  int rc = 0;
  for (int i = 0; i < g_e.nins; i++) {
    insn *in = &g_e.ins[i];
    if (in->off >= pos)
      in->off += k;
  }
  for (int i = 0; i < g_e.nins; i++) {
    insn *in = &g_e.ins[i];
    if (!in->is_branch)
      continue;
    int64_t t = old[i] > pos ? old[i] + k : old[i];
    if (set_target(in, t) != 0)
      rc = -1;
  }
  for (int i = 0; i < nsw; i++) {
    uint32_t at = sws[i].at >= pos ? sws[i].at + k : sws[i].at;
    uint32_t nx = sws[i].next > pos ? sws[i].next + k : sws[i].next;
    int64_t t = sws[i].t > pos ? sws[i].t + k : sws[i].t;
    int32_t d = (int32_t)(t - nx);
    for (int b = 0; b < 4; b++)
      g_e.code[at + b] = (uint8_t)((uint32_t)d >> (8 * b));
  }
  for (int i = 0; i < g_e.ncl; i++) {
    clause *c = &g_e.cl[i];
    uint32_t starts[3] = {c->try_off, c->h_off, c->extra};
    uint32_t ends[2] = {c->try_off + c->try_len, c->h_off + c->h_len};
    for (int s = 0; s < 3; s++) {
      if (s == 2 && c->flags != 1)
        continue;
      if (starts[s] > pos || (starts[s] == pos && starts_at_pos_move))
        starts[s] += k;
    }
    for (int e = 0; e < 2; e++)
      if (move_ends && ends[e] > pos)
        ends[e] += k;
    c->try_off = starts[0];
    c->h_off = starts[1];
    if (c->flags == 1)
      c->extra = starts[2];
    c->try_len = ends[0] - starts[0];
    c->h_len = ends[1] - starts[1];
  }
  free(old);
  free(sws);
  return rc;
}

/* ---- Bodies --------------------------------------------------------------------- */
enum {
  M_NONE, M_MAXSTACK, M_PAST_PUSH, M_MID_INSN, M_CLAUSE_END, M_SWAP, M_LEAVE_BR, M_CATCH_PUSH,
  M_PREFIX, M_TINY63, M_LOCAL_RANGE, M_COUNT
};
static const char *const g_mut_names[M_COUNT] = {
    "none", "maxstack-short", "branch-past-push", "branch-mid-insn", "clause-end-stale",
    "clauses-swapped", "leave-as-branch", "push-at-catch", "orphan-prefix", "tiny-past-63",
    "local-out-of-range"};

typedef struct body {
  uint8_t bytes[MAXCODE + 4096];
  uint32_t size;
  uint32_t patch_off[MAXCL + 2], patch_kind[MAXCL + 2]; /* kind 1: local sig, 2: [object] */
  uint32_t npatch;
  int mutation;
  char expected[32];
} body;

static void put4(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

/* Lays the body out at a 4-aligned address. force_fat: never tiny; tiny63: the
 * header byte of a tiny header whatever the size (the mutation). */
static void layout(body *b, uint32_t maxstack, int force_fat, int tiny63) {
  b->npatch = 0;
  int tiny = !force_fat && g_e.ncl == 0 && !g_locals && maxstack <= 8 && g_e.n < 64;
  uint32_t p = 0;
  if (tiny || tiny63) {
    b->bytes[p++] = (uint8_t)((g_e.n << 2) | 2);
  } else {
    uint16_t flags = 0x3003 | (g_locals ? 0x10 : 0) | (g_e.ncl ? 0x08 : 0);
    b->bytes[0] = (uint8_t)flags;
    b->bytes[1] = (uint8_t)(flags >> 8);
    b->bytes[2] = (uint8_t)maxstack;
    b->bytes[3] = (uint8_t)(maxstack >> 8);
    put4(b->bytes + 4, g_e.n);
    put4(b->bytes + 8, g_locals ? TOK_LOCALSIG : 0);
    if (g_locals) {
      b->patch_off[b->npatch] = 8;
      b->patch_kind[b->npatch++] = 1;
    }
    p = 12;
  }
  memcpy(b->bytes + p, g_e.code, g_e.n);
  p += g_e.n;
  if (g_e.ncl && !tiny) {
    while (p & 3)
      b->bytes[p++] = 0;
    int small = g_e.ncl * 12 + 4 <= 255;
    for (int i = 0; i < g_e.ncl; i++) {
      const clause *c = &g_e.cl[i];
      if (c->try_off > 0xFFFF || c->try_len > 0xFF || c->h_off > 0xFFFF || c->h_len > 0xFF)
        small = 0;
    }
    uint32_t n = (uint32_t)g_e.ncl;
    if (small) {
      b->bytes[p] = 0x01;
      b->bytes[p + 1] = (uint8_t)(n * 12 + 4);
      b->bytes[p + 2] = b->bytes[p + 3] = 0;
      p += 4;
      for (uint32_t i = 0; i < n; i++) {
        const clause *c = &g_e.cl[i];
        uint8_t *q = b->bytes + p;
        q[0] = (uint8_t)c->flags;
        q[1] = 0;
        q[2] = (uint8_t)c->try_off;
        q[3] = (uint8_t)(c->try_off >> 8);
        q[4] = (uint8_t)c->try_len;
        q[5] = (uint8_t)c->h_off;
        q[6] = (uint8_t)(c->h_off >> 8);
        q[7] = (uint8_t)c->h_len;
        put4(q + 8, c->extra);
        if (c->flags == 0) {
          b->patch_off[b->npatch] = p + 8;
          b->patch_kind[b->npatch++] = 2;
        }
        p += 12;
      }
    } else {
      uint32_t sz = n * 24 + 4;
      b->bytes[p] = 0x41;
      b->bytes[p + 1] = (uint8_t)sz;
      b->bytes[p + 2] = (uint8_t)(sz >> 8);
      b->bytes[p + 3] = (uint8_t)(sz >> 16);
      p += 4;
      for (uint32_t i = 0; i < n; i++) {
        const clause *c = &g_e.cl[i];
        uint8_t *q = b->bytes + p;
        put4(q, c->flags);
        put4(q + 4, c->try_off);
        put4(q + 8, c->try_len);
        put4(q + 12, c->h_off);
        put4(q + 16, c->h_len);
        put4(q + 20, c->extra);
        if (c->flags == 0) {
          b->patch_off[b->npatch] = p + 20;
          b->patch_kind[b->npatch++] = 2;
        }
        p += 24;
      }
    }
  }
  b->size = p;
}

/* The program's answer: run it again from its AST (g_n: the top list is the
 * first statement generated, node 0 or later: we keep it in g_top). */
static int g_top, g_final;
static int g_swap_where; /* clauses-swapped: the inner clause in the outer's try 0, filter 1, handler 2 */

static int make_body(uint64_t seed, uint32_t j, body *b) {
  int mutation;
  {
    g_rng = seed ^ ((uint64_t)j * 0xD1B54A32D192ED03ull);
    uint32_t r = rnd(100);
    mutation = r < 30 ? M_NONE : 1 + (int)rnd(M_COUNT - 1);
  }
  for (int attempt = 0; attempt < 200; attempt++) {
    int need_tiny = mutation == M_TINY63;
    g_rng = seed * 0x100000001B3ull ^ ((uint64_t)j << 20) ^ (uint64_t)attempt * 0x9E37u;
    (void)rnd(1);
    g_k = &g_kinds[j % KINDS];
    g_nn = 0;
    g_no_eh = need_tiny;
    g_locals = need_tiny ? 0 : (rnd(4) != 0) * NLOCALS;
    if (mutation == M_LOCAL_RANGE)
      g_locals = NLOCALS;
    g_top = gen_stmts(0, 0, need_tiny ? 10 : 5);
    g_final = g_k->returns ? gen_expr(1) : -1;
    if (g_nn >= MAXN)
      continue;
    /* Only the counters: every array is written before it is read. */
    g_e.n = 0;
    g_e.depth = g_e.maxdepth = 0;
    g_e.nlab = g_e.nfix = g_e.ncl = g_e.nins = g_e.nstmt = g_e.in_block = g_e.overflow = 0;
    emit_stmts(g_top, -1, g_k->returns);
    if (g_k->returns)
      emit_expr(g_final);
    simple(0x2A, g_k->returns ? -1 : 0, 0);
    if (g_e.overflow || fixups() != 0)
      continue;
    if (need_tiny && (g_e.n < 64 || g_e.maxdepth > 8))
      continue;
    /* the answer */
    state s;
    memset(&s, 0, sizeof s);
    s.arg[0] = (uint32_t)g_k->argv[0];
    s.arg[1] = (uint32_t)g_k->argv[1];
    uint32_t ret = 0;
    int st = exec_list(&s, g_top, &ret);
    if (st == ST_THROW)
      snprintf(b->expected, sizeof b->expected, "exc");
    else if (!g_k->returns)
      snprintf(b->expected, sizeof b->expected, "void");
    else {
      if (st == ST_NORMAL)
        ret = eval(&s, g_final);
      snprintf(b->expected, sizeof b->expected, "ret:%" PRId32, (int32_t)ret);
    }
    uint32_t maxstack = (uint32_t)g_e.maxdepth;
    int force_fat = 0, tiny63 = 0, ok = 1;
    /* the mutation */
    switch (mutation) {
    case M_NONE: break;
    case M_MAXSTACK:
      if (maxstack == 0) {
        ok = 0;
        break;
      }
      maxstack--;
      force_fat = 1;
      break;
    case M_PAST_PUSH:
    case M_MID_INSN: {
      int cand[MAXINS], nc = 0;
      for (int i = 0; i < g_e.nins; i++) {
        const insn *in = &g_e.ins[i];
        if (!in->is_branch || in->is_leave)
          continue;
        const insn *t = insn_at((uint32_t)get_target(in));
        if (!t)
          continue;
        if (mutation == M_PAST_PUSH ? t->is_push : t->size > 1)
          cand[nc++] = i;
      }
      if (!nc) {
        ok = 0;
        break;
      }
      const insn *in = &g_e.ins[cand[rnd((uint32_t)nc)]];
      const insn *t = insn_at((uint32_t)get_target(in));
      ok = set_target(in, (int64_t)t->off + (mutation == M_PAST_PUSH ? t->size : 1)) == 0;
      break;
    }
    case M_CLAUSE_END: {
      if (!g_e.nstmt || !g_e.ncl) {
        ok = 0;
        break;
      }
      static const uint8_t inj[] = {0x17, 0x26}; /* ldc.i4.1; pop */
      uint32_t pos = g_e.stmt_at[rnd((uint32_t)g_e.nstmt)];
      if (maxstack == 0)
        maxstack = 1;
      ok = insert(pos, inj, 2, 1, 0) == 0;
      break;
    }
    case M_SWAP: {
      int pi = -1, pj = -1;
      for (int a = 0; a < g_e.ncl && pi < 0; a++)
        for (int c = a + 1; c < g_e.ncl; c++) {
          const clause *x = &g_e.cl[a], *y = &g_e.cl[c];
          uint32_t y0 = y->flags == 1 ? y->extra : y->try_off; /* y's whole extent */
          uint32_t y1 = y->h_off + y->h_len;
          if (x->try_off >= y0 && x->h_off + x->h_len <= y1) {
            pi = a;
            pj = c;
            break;
          }
        }
      if (pi < 0) {
        ok = 0;
        break;
      }
      {
        /* Where the inner clause sits in the outer one: its try, filter or handler. */
        const clause *x = &g_e.cl[pi], *y = &g_e.cl[pj];
        g_swap_where = x->try_off >= y->try_off && x->try_off < y->try_off + y->try_len ? 0
                       : x->try_off >= y->h_off && x->try_off < y->h_off + y->h_len  ? 2
                                                                                       : 1;
      }
      clause t = g_e.cl[pi];
      g_e.cl[pi] = g_e.cl[pj];
      g_e.cl[pj] = t;
      break;
    }
    case M_LEAVE_BR: {
      int cand[MAXINS], nc = 0;
      for (int i = 0; i < g_e.nins; i++)
        if (g_e.ins[i].is_leave)
          cand[nc++] = i;
      if (!nc) {
        ok = 0;
        break;
      }
      const insn *in = &g_e.ins[cand[rnd((uint32_t)nc)]];
      g_e.code[in->off] = in->operand_size == 1 ? 0x2B : 0x38;
      break;
    }
    case M_CATCH_PUSH: {
      int cand[MAXCL], nc = 0;
      for (int i = 0; i < g_e.ncl; i++)
        if (g_e.cl[i].flags != 2)
          cand[nc++] = i;
      if (!nc) {
        ok = 0;
        break;
      }
      static const uint8_t inj[] = {0x17}; /* ldc.i4.1 */
      uint32_t pos = g_e.cl[cand[rnd((uint32_t)nc)]].h_off;
      maxstack++;
      ok = insert(pos, inj, 1, 0, 1) == 0;
      break;
    }
    case M_PREFIX: {
      /* before an instruction that is no call, no memory access */
      static const uint8_t pre[][7] = { /* length, bytes */
          {2, 0xFE, 0x13},             /* volatile. */
          {2, 0xFE, 0x14},             /* tail. */
          {3, 0xFE, 0x12, 0x01},       /* unaligned. 1 */
          {2, 0xFE, 0x1E},             /* readonly. */
          {3, 0xFE, 0x19, 0x01},       /* no. typecheck */
          {6, 0xFE, 0x16, 0xFF, 0xFF, 0xFF}, /* constrained. [object] (token completed below) */
      };
      int which = (int)rnd(6);
      const insn *in = &g_e.ins[rnd((uint32_t)g_e.nins)];
      uint8_t bytes[6];
      memcpy(bytes, pre[which] + 1, pre[which][0]);
      if (which == 5) {
        bytes[5] = 0x1B;
        bytes[2] = bytes[3] = bytes[4] = 0xFF;
      }
      ok = insert(in->off, bytes, pre[which][0], 0, 1) == 0;
      /* the placeholder's patch: recorded through the body's code offset */
      if (ok && which == 5)
        b->patch_off[MAXCL + 1] = in->off - pre[which][0] + 2; /* in->off moved by k */
      else
        b->patch_off[MAXCL + 1] = UINT32_MAX;
      break;
    }
    case M_TINY63: tiny63 = 1; break;
    case M_LOCAL_RANGE: {
      int cand[MAXINS], nc = 0;
      for (int i = 0; i < g_e.nins; i++)
        if (g_e.ins[i].is_locidx)
          cand[nc++] = i;
      if (!nc) {
        ok = 0;
        break;
      }
      const insn *in = &g_e.ins[cand[rnd((uint32_t)nc)]];
      g_e.code[in->off + 1] = (uint8_t)(NLOCALS + rnd(4));
      break;
    }
    default: break;
    }
    if (!ok)
      continue;
    if (mutation != M_PREFIX)
      b->patch_off[MAXCL + 1] = UINT32_MAX;
    uint32_t prefix_patch = b->patch_off[MAXCL + 1];
    layout(b, maxstack, force_fat, tiny63);
    if (tiny63)
      b->size = 1 + g_e.n; /* the bytes are all there; the header says size mod 64 */
    if (prefix_patch != UINT32_MAX) {
      uint32_t hdr = (b->bytes[0] & 3) == 2 ? 1 : 12;
      b->patch_off[b->npatch] = hdr + prefix_patch;
      b->patch_kind[b->npatch++] = 2;
    }
    b->mutation = mutation;
    return 0;
  }
  /* No body of this mutation for this target: a valid one instead. */
  if (mutation != M_NONE) {
    g_rng = 0;
    return -2;
  }
  return -1;
}

/* ---- Output ----------------------------------------------------------------------- */
static void le32(FILE *f, uint32_t v) {
  uint8_t x[4];
  put4(x, v);
  fwrite(x, 1, 4, f);
}

static const char *verdict_name(int r) {
  return r == ILHEAP_IL_VERDICT_OK ? "ok" : r == ILHEAP_IL_VERDICT_PARTIAL ? "partial"
         : r == ILHEAP_IL_VERDICT_ERROR ? "error" : "not-checked";
}

/* Whether the instruction at `target` is imported by the JIT: reached from
 * offset 0 by fall-through, branches, switches and leaves, or from the start of
 * a handler or filter whose try block has such code; and, as the JIT's importer
 * does, a conditional branch whose two operands are constants computed in the
 * same block (ldc, arithmetic, comparisons) goes one way only (the importer
 * folds it and never imports the other side). The stack's constants are
 * forgotten at every branch target (the importer spills there). For the
 * tables: an answer about code the JIT never imports is a check it never makes.
 * 1 imported, 0 not, -1 the offset is not in the code. */
typedef struct cval {
  uint8_t known;
  int32_t v;
  int var; /* ldarg n: 1000 + n, ldloc n: n; else -1 (x op x folds too) */
} cval;
/* What the walk of reachable() saw on the code the JIT imports: the deepest
 * stack, two edges into one instruction with different depths, an underflow. */
static int g_live_max, g_live_mismatch, g_live_underflow, g_live_bad_ret, g_returns;
static int16_t g_depth[MAXCODE];

static void arrive(uint32_t at, int d, uint8_t *queued, uint32_t *work, uint32_t *nw) {
  if (queued[at]) {
    if (g_depth[at] != d)
      g_live_mismatch = 1;
    return;
  }
  queued[at] = 1;
  g_depth[at] = (int16_t)d;
  work[(*nw)++] = at;
}

static int reachable(const body *b, uint32_t target) {
  uint32_t hdr = (b->bytes[0] & 3) == 2 ? 1 : 12;
  uint32_t cs = hdr == 1 ? (uint32_t)(b->bytes[0] >> 2)
                         : (uint32_t)b->bytes[4] | (uint32_t)b->bytes[5] << 8 |
                               (uint32_t)b->bytes[6] << 16;
  if (cs > b->size - hdr)
    cs = b->size - hdr;
  const uint8_t *code = b->bytes + hdr;
  static uint8_t seen[MAXCODE], queued[MAXCODE], is_target[MAXCODE];
  static uint32_t work[MAXCODE];
  memset(seen, 0, cs);
  memset(queued, 0, cs);
  memset(is_target, 0, cs);
  int ncl = hdr == 1 ? 0 : g_e.ncl;
  /* every branch target: a block start */
  for (size_t off = 0; off < cs;) {
    ilheap_il_insn in;
    if (ilheap_il_next(code, cs, off, &in) != ILHEAP_IL_OK)
      break;
    if (in.target >= 0 && in.target < (int64_t)cs &&
        (in.op->operand == ILHEAP_IL_OPERAND_BR8 || in.op->operand == ILHEAP_IL_OPERAND_BR32))
      is_target[in.target] = 1;
    if (in.op->flow == ILHEAP_IL_FLOW_SWITCH)
      for (uint32_t k = 0; k < (uint32_t)in.value; k++) {
        int64_t t;
        if (ilheap_il_switch_target(&in, k, &t) == ILHEAP_IL_OK && t >= 0 && t < (int64_t)cs)
          is_target[t] = 1;
      }
    off += in.size;
  }
  uint32_t nw = 0;
  g_live_max = g_live_mismatch = g_live_underflow = g_live_bad_ret = 0;
  if (cs)
    arrive(0, 0, queued, work, &nw);
  for (int round = 0; round < 8; round++) {
    while (nw) {
      /* One straight run from a queued offset, with the constants on the stack. */
      uint32_t off = work[--nw];
      cval st[64];
      int sp = 0;
      int d = g_depth[off];
      for (;;) {
        ilheap_il_insn in;
        if (off >= cs || ilheap_il_next(code, cs, off, &in) != ILHEAP_IL_OK)
          break;
        if (seen[off])
          break;
        seen[off] = 1;
        queued[off] = 1;
        g_depth[off] = (int16_t)d;
        {
          int pops = in.op->pops < 0 ? 0 : in.op->pops, pushes = in.op->pushes < 0 ? 0 : in.op->pushes;
          if (in.op->flow == ILHEAP_IL_FLOW_RETURN) {
            pops = d > 0 ? 1 : 0;
            if (d != g_returns)
              g_live_bad_ret = 1;
          }
          if (pops > d)
            g_live_underflow = 1, pops = d;
          d += pushes - pops;
          if (d > g_live_max)
            g_live_max = d;
        }
        unsigned c = in.op->code;
        int f = in.op->flow;
        int fold = -1; /* a folded conditional branch: 1 taken, 0 not */
        if (c >= 0x15 && c <= 0x20) {
          /* ldc.i4.m1 .. ldc.i4.8 carry their value in the opcode */
          int32_t val = c <= 0x1E ? (int32_t)c - 0x16 : (int32_t)in.value;
          if (sp < 64)
            st[sp++] = (cval){1, val, -1};
        } else if ((c >= 0x58 && c <= 0x5A) || (c >= 0x5F && c <= 0x61) || c == 0xFE01 ||
                   c == 0xFE02 || c == 0xFE04) {
          if (sp >= 2) {
            cval x = st[sp - 2], y = st[sp - 1];
            uint32_t u = (uint32_t)x.v, w = (uint32_t)y.v, r = 0;
            switch (c) {
            case 0x58: r = u + w; break;
            case 0x59: r = u - w; break;
            case 0x5A: r = u * w; break;
            case 0x5F: r = u & w; break;
            case 0x60: r = u | w; break;
            case 0x61: r = u ^ w; break;
            case 0xFE01: r = x.v == y.v; break;
            case 0xFE02: r = x.v > y.v; break;
            default: r = x.v < y.v; break;
            }
            int same = x.var >= 0 && x.var == y.var && c >= 0xFE01; /* a == a, a > a, a < a */
            if (same)
              r = c == 0xFE01;
            sp -= 2;
            st[sp++] = (cval){(uint8_t)((x.known && y.known) || same), (int32_t)r, -1};
          } else {
            sp = 0;
          }
        } else if (c == 0x65) {
          if (sp >= 1)
            st[sp - 1].v = (int32_t)(0u - (uint32_t)st[sp - 1].v);
        } else if (f == ILHEAP_IL_FLOW_COND && in.op->pops == 2) {
          if (sp >= 2 && st[sp - 1].var >= 0 && st[sp - 1].var == st[sp - 2].var) {
            /* the same variable on both sides: beq bge ble always, bne bgt blt never */
            fold = c == 0x2E || c == 0x3B || c == 0x2F || c == 0x3C || c == 0x31 || c == 0x3E;
          } else if (sp >= 2 && st[sp - 1].known && st[sp - 2].known) {
            int32_t x = st[sp - 2].v, y = st[sp - 1].v;
            switch (c) {
            case 0x2E: case 0x3B: fold = x == y; break;
            case 0x33: case 0x40: fold = x != y; break;
            case 0x30: case 0x3D: fold = x > y; break;
            case 0x2F: case 0x3C: fold = x >= y; break;
            case 0x32: case 0x3F: fold = x < y; break;
            case 0x31: case 0x3E: fold = x <= y; break;
            default: break; /* the .un forms: not generated, not folded here */
            }
          }
          sp = sp >= 2 ? sp - 2 : 0;
        } else {
          int pops = in.op->pops, pushes = in.op->pushes;
          if (pops < 0 || pushes < 0 || sp < pops) {
            sp = 0;
          } else {
            sp -= pops;
            int var = -1;
            if (c >= 0x02 && c <= 0x05)
              var = 1000 + (int)c - 0x02;
            else if (c == 0x0E)
              var = 1000 + (int)in.value;
            else if (c >= 0x06 && c <= 0x09)
              var = (int)c - 0x06;
            else if (c == 0x11)
              var = (int)in.value;
            for (int k = 0; k < pushes && sp < 64; k++)
              st[sp++] = (cval){0, 0, var};
          }
        }
        uint32_t succ[258];
        int ns = 0;
        int falls = f == ILHEAP_IL_FLOW_NEXT || f == ILHEAP_IL_FLOW_CALL ||
                    (f == ILHEAP_IL_FLOW_COND && fold != 1) || f == ILHEAP_IL_FLOW_SWITCH ||
                    f == ILHEAP_IL_FLOW_PREFIX;
        if (f == ILHEAP_IL_FLOW_BRANCH || (f == ILHEAP_IL_FLOW_COND && fold != 0) ||
            f == ILHEAP_IL_FLOW_LEAVE)
          if (in.target >= 0 && in.target < (int64_t)cs)
            succ[ns++] = (uint32_t)in.target;
        if (f == ILHEAP_IL_FLOW_SWITCH)
          for (uint32_t k = 0; k < (uint32_t)in.value && ns < 256; k++) {
            int64_t t;
            if (ilheap_il_switch_target(&in, k, &t) == ILHEAP_IL_OK && t >= 0 && t < (int64_t)cs)
              succ[ns++] = (uint32_t)t;
          }
        for (int k = 0; k < ns; k++)
          if (succ[k] < cs)
            arrive(succ[k], f == ILHEAP_IL_FLOW_LEAVE ? 0 : d, queued, work, &nw);
        if (!falls)
          break;
        off += in.size;
        if (off < cs && is_target[off])
          sp = 0; /* a block start: the importer spills, nothing is constant */
        if (off < cs && queued[off] && !seen[off]) {
          if (g_depth[off] != d)
            g_live_mismatch = 1;
          break; /* queued already: it runs from there */
        }
        if (off < cs && seen[off]) {
          if (g_depth[off] != d)
            g_live_mismatch = 1;
          break;
        }
      }
    }
    int more = 0;
    for (int i = 0; i < ncl; i++) {
      const clause *c = &g_e.cl[i];
      int live = 0;
      for (uint32_t o = c->try_off; o < c->try_off + c->try_len && o < cs && !live; o++)
        live = seen[o];
      if (!live)
        continue;
      uint32_t hs[2] = {c->h_off, c->flags == 1 ? c->extra : c->h_off};
      for (int k = 0; k < 2; k++)
        if (hs[k] < cs && !queued[hs[k]]) {
          arrive(hs[k], c->flags == 2 ? 0 : 1, queued, work, &nw);
          more = 1;
        }
    }
    if (!more)
      break;
  }
  if (target >= cs)
    return -1;
  return seen[target];
}

/* Where the checker's answer is: "imported" (code the JIT compiles),
 * "not-imported" (code it never reaches), "structure" (the header, the
 * decoding of the whole code, the clauses: V0-V2, V4, V6-V9), "-" (no error). */
static const char *where(const body *b, const ilheap_il_verdict *v) {
  g_returns = g_k->returns;
  if (v->result != ILHEAP_IL_VERDICT_ERROR)
    return "-";
  switch (v->check) {
  case 0: case 1: case 2: case 4: case 6: case 7: case 8: case 9: return "structure";
  default: break;
  }
  int r = reachable(b, v->offset);
  uint32_t maxstack = (b->bytes[0] & 3) == 2 ? 8 : (uint32_t)b->bytes[2] | (uint32_t)b->bytes[3] << 8;
  /* The depth checks (V14-V16, V18): is there a depth fault, any, on the code and
   * edges the JIT imports? (The JIT may meet another fault of the same mutation
   * first: a path that skipped a push underflows before it merges.) */
  if (v->check == 14 || v->check == 15 || v->check == 16 || v->check == 18)
    return g_live_max > (int)maxstack || g_live_mismatch || g_live_underflow || g_live_bad_ret
               ? "imported"
               : "not-imported";
  return r > 0 ? "imported" : "not-imported";
}

static const char *mut_name(int m) {
  static const char *const swapped[3] = {"clauses-swapped/in-try", "clauses-swapped/in-filter",
                                         "clauses-swapped/in-handler"};
  return m == M_SWAP ? swapped[g_swap_where] : g_mut_names[m];
}

static int check_body(uint32_t j, const body *b, ilheap_il_verdict *v) {
  const kind_info *k = &g_kinds[j % KINDS];
  ilheap_il_verify_options o;
  memset(&o, 0, sizeof o);
  o.own_sig = k->sig;
  o.own_sig_size = k->sig_len;
  o.local_sig = g_local_sig;
  o.local_sig_size = sizeof g_local_sig;
  /* The body where it lives: 4-aligned, as the profiler's ilheap blocks are. */
  static uint32_t aligned[(MAXCODE + 4096) / 4 + 1];
  memcpy(aligned, b->bytes, b->size);
  return ilheap_il_verify(aligned, b->size, &o, v);
}

static int body_for(uint64_t seed, uint32_t j, body *b) {
  int rc = make_body(seed, j, b);
  if (rc == -2) { /* the mutation has no place in any attempt: none */
    for (int attempt = 0; attempt < 200; attempt++) {
      /* reuse make_body's path with mutation forced to none: seed tweak */
      rc = make_body(seed ^ 0xA5A5A5A5u ^ (uint64_t)attempt << 40, j, b);
      if (rc == 0)
        return 0;
    }
  }
  return rc;
}

static int cmd_gen(uint64_t seed, uint32_t first, uint32_t count, const char *bpath,
                   const char *epath) {
  FILE *bf = fopen(bpath, "wb"), *ef = fopen(epath, "w");
  if (!bf || !ef) {
    fprintf(stderr, "jitdiff_gen: cannot write %s / %s\n", bpath, epath);
    return 2;
  }
  static body b;
  fwrite("JDIF", 1, 4, bf);
  le32(bf, count);
  for (uint32_t j = first; j < first + count; j++) {
    if (body_for(seed, j, &b) != 0) {
      fprintf(stderr, "jitdiff_gen: no body for target %u (seed %" PRIu64 ")\n", j, seed);
      return 2;
    }
    ilheap_il_verdict v;
    (void)check_body(j, &b, &v);
    le32(bf, j - first); /* the app's target: T.M<j - first> */
    le32(bf, b.size);
    le32(bf, b.npatch);
    for (uint32_t i = 0; i < b.npatch; i++) {
      le32(bf, b.patch_off[i]);
      le32(bf, b.patch_kind[i]);
    }
    fwrite(b.bytes, 1, b.size, bf);
    /* The answer's text last: it has spaces. */
    fprintf(ef, "%u %u %s %s %s V%u 0x%x %s %s\n", j, j % KINDS, mut_name(b.mutation),
            b.expected, verdict_name(v.result), v.check, (unsigned)v.offset,
            where(&b, &v),
            v.result == ILHEAP_IL_VERDICT_PARTIAL ? ilheap_il_strerror(v.skip_reason)
                                                  : ilheap_il_strerror(v.answer));
  }
  int bad = ferror(bf) || ferror(ef);
  bad |= fclose(bf) != 0;
  bad |= fclose(ef) != 0;
  return bad ? 2 : 0;
}

static int cmd_show(uint64_t seed, uint32_t j) {
  static body b;
  if (body_for(seed, j, &b) != 0)
    return 2;
  ilheap_il_verdict v;
  (void)check_body(j, &b, &v);
  printf("body %u seed %" PRIu64 " kind %u mutation %s expected %s verdict %s V%u %s at 0x%x\n", j,
         seed, j % KINDS, mut_name(b.mutation), b.expected, verdict_name(v.result), v.check,
         ilheap_il_strerror(v.answer), (unsigned)v.offset);
  printf("the answer is about: %s\n", where(&b, &v));
  for (int i = 0; i < g_e.ncl; i++)
    printf("clause %d: %s try IL_%04x-IL_%04x handler IL_%04x-IL_%04x%s\n", i,
           g_e.cl[i].flags == 0 ? "catch" : g_e.cl[i].flags == 1 ? "filter" : "finally",
           g_e.cl[i].try_off, g_e.cl[i].try_off + g_e.cl[i].try_len, g_e.cl[i].h_off,
           g_e.cl[i].h_off + g_e.cl[i].h_len, g_e.cl[i].flags == 1 ? " (filter at extra)" : "");
  printf("header+code+sections (%u bytes):", b.size);
  for (uint32_t i = 0; i < b.size; i++)
    printf("%s%02x", i % 16 ? " " : "\n  ", b.bytes[i]);
  printf("\n");
  /* The instructions, with the walk of ilheap_il_verify.h */
  uint32_t hdr = (b.bytes[0] & 3) == 2 ? 1 : 12;
  uint32_t cs = hdr == 1 ? (uint32_t)(b.bytes[0] >> 2) : (uint32_t)b.bytes[4] | (uint32_t)b.bytes[5] << 8;
  if (hdr == 1 && b.size - 1 > cs)
    printf("  (tiny header says %u bytes of code; %u follow)\n", cs, b.size - 1);
  for (size_t off = 0; off < cs;) {
    ilheap_il_insn in;
    if (ilheap_il_next(b.bytes + hdr, cs, off, &in) != ILHEAP_IL_OK) {
      printf("  IL_%04zx  (undecodable)\n", off);
      break;
    }
    printf("  IL_%04zx  %s", off, in.op->name);
    if (in.op->operand == ILHEAP_IL_OPERAND_BR8 || in.op->operand == ILHEAP_IL_OPERAND_BR32)
      printf(" IL_%04" PRIx64, (uint64_t)in.target);
    else if (in.op->operand != ILHEAP_IL_OPERAND_NONE && in.op->operand != ILHEAP_IL_OPERAND_SWITCH)
      printf(" %" PRId64, in.value);
    printf("\n");
    off += in.size;
  }
  return 0;
}

static int cmd_cs(uint32_t n) {
  printf("// SPDX-License-Identifier: MIT\n"
         "// Generated by tests/jitdiff/jitdiff_gen --cs %u: the targets whose bodies the\n"
         "// profiler replaces (ILHEAP_PROFILER_JITDIFF). Target j has kind j %% %d.\n"
         "using System.Runtime.CompilerServices;\n\nnamespace JitDiff\n{\n"
         "    public sealed class T\n    {\n"
         "        public const int Count = %u;\n",
         n, KINDS, n);
  for (uint32_t j = 0; j < n; j++) {
    const kind_info *k = &g_kinds[j % KINDS];
    const char *params = j % KINDS == 1 ? "int a, int b" : k->int_args ? "int a" : "";
    printf("        [MethodImpl(MethodImplOptions.NoInlining)] %s M%u(%s) { %s}\n", k->cs, j, params,
           k->returns ? "return -1; " : "");
  }
  printf("\n        // Calls target j; its answer as text (\"void\" for a void target).\n"
         "        public static string Call(T t, int j)\n        {\n            switch (j)\n"
         "            {\n");
  for (uint32_t j = 0; j < n; j++) {
    const kind_info *k = &g_kinds[j % KINDS];
    const char *recv = k->first_int_arg ? "t." : "";
    char args[32] = "";
    if (j % KINDS == 1)
      snprintf(args, sizeof args, "%d, %d", k->argv[0], k->argv[1]);
    else if (k->int_args)
      snprintf(args, sizeof args, "%d", k->argv[0]);
    if (k->returns)
      printf("                case %u: return \"ret:\" + %sM%u(%s);\n", j, recv, j, args);
    else
      printf("                case %u: %sM%u(%s); return \"void\";\n", j, recv, j, args);
  }
  printf("                default: return \"none\";\n            }\n        }\n    }\n}\n");
  return 0;
}

#ifdef JITDIFF_FUZZ
/*
 * The libFuzzer mode (fuzz_jitdiff_gen, built by tests/jitdiff/CMakeLists.txt
 * with clang): the input drives the generator's choices (then splitmix64 takes
 * over), and the checker's verdict must keep what the differential runs
 * established against the JIT: a valid body is OK, and the mutations the JIT
 * refused in every run (branch-mid-insn, leave-as-branch, clause-end-stale,
 * tiny-past-63, clauses-swapped/in-try) are errors. A crash input is a body
 * (--show with the same bytes is not available: print it from the fuzzer's
 * artifact with the walk of ilheap_il_verify.h).
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static body b;
  g_fuzz = data;
  g_fuzz_n = size;
  g_fuzz_at = 0;
  uint32_t j = size ? data[0] : 0;
  int rc = make_body(0, j, &b);
  g_fuzz = NULL;
  if (rc != 0)
    return 0;
  ilheap_il_verdict v;
  (void)check_body(j, &b, &v);
  int must_pass = b.mutation == M_NONE;
  int must_fail = b.mutation == M_MID_INSN || b.mutation == M_LEAVE_BR ||
                  b.mutation == M_CLAUSE_END || b.mutation == M_TINY63 ||
                  (b.mutation == M_SWAP && g_swap_where == 0);
  if ((must_pass && v.result != ILHEAP_IL_VERDICT_OK) ||
      (must_fail && v.result != ILHEAP_IL_VERDICT_ERROR)) {
    fprintf(stderr, "jitdiff fuzz: %s body (kind %u) answered %s V%u %s at 0x%x\n",
            mut_name(b.mutation), j % KINDS, verdict_name(v.result), v.check,
            ilheap_il_strerror(v.answer), (unsigned)v.offset);
    abort();
  }
  return 0;
}
#else
int main(int argc, char **argv) {
  uint64_t seed = 1;
  uint32_t first = 0, count = 0;
  const char *paths[2] = {NULL, NULL};
  int np = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--cs") && i + 1 < argc)
      return cmd_cs((uint32_t)strtoul(argv[i + 1], NULL, 0));
    if (!strcmp(argv[i], "--show") && i + 2 < argc)
      return cmd_show(strtoull(argv[i + 1], NULL, 0), (uint32_t)strtoul(argv[i + 2], NULL, 0));
    if (!strcmp(argv[i], "--seed") && i + 1 < argc)
      seed = strtoull(argv[++i], NULL, 0);
    else if (!strcmp(argv[i], "--first") && i + 1 < argc)
      first = (uint32_t)strtoul(argv[++i], NULL, 0);
    else if (!strcmp(argv[i], "--count") && i + 1 < argc)
      count = (uint32_t)strtoul(argv[++i], NULL, 0);
    else if (np < 2)
      paths[np++] = argv[i];
    else {
      fprintf(stderr, "jitdiff_gen: unknown argument %s\n", argv[i]);
      return 2;
    }
  }
  if (np != 2 || !count) {
    fprintf(stderr, "usage: jitdiff_gen --seed S --first J --count N BODIES EXPECT\n"
                    "       jitdiff_gen --cs N | --show SEED J\n");
    return 2;
  }
  return cmd_gen(seed, first, count, paths[0], paths[1]);
}
#endif
