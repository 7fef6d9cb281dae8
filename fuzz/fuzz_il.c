/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for IL method bodies (include/ilheap_il.h).
 *
 * The first byte picks one of two programs:
 *
 *  0  Round trip. A body described by the fuzzer (code size, max stack, locals
 *     token, flags, clauses with offsets inside or anywhere), sized at a fuzzed
 *     address remainder, written into a malloc of exactly that size at that
 *     remainder, parsed back: the answer and the size must be the ones this
 *     harness derives from the standard, and a written body must parse to the
 *     same description (plus the header and section choices). The bytes left
 *     over then flip bytes of the written body, and each mutant is parsed and
 *     compared with the reference decoder below.
 *  1  Arbitrary bytes: the rest of the input, copied to the end of a malloc so
 *     that the last readable byte is the last byte of the allocation (ASan
 *     catches any read past it), at a fuzzed address remainder, parsed by the
 *     library and by the reference decoder; the answers and, for a good body,
 *     every field and clause must agree. The .NET Framework placement check is
 *     run against a fuzzed base and a window that is anything or ends within
 *     2 bytes of the body's end.
 *
 * The reference decoder is written here from ECMA-335 II.25.4 alone, in another
 * shape than src/il.c: bytes come through a bounds-checked getter, the header
 * is read as one 32-bit word, the section's place is computed from the
 * absolute address with a mask. It reports reasons in the order ilheap_il.h
 * documents, so any disagreement is a bug on one side or the other.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ilheap_il.h"
#include "il_format.h"
#include "provider.h"

#define CODE_MAX I_CODE_MAX       /* the grammar's (il_format.h) */
#define CLAUSES_MAX I_CLAUSES_MAX /* the grammar's */
#define WRITE_MAX (CODE_MAX + 64u + 24u * CLAUSES_MAX)

static uint8_t code_bytes[CODE_MAX];

/* ---- the reference decoder (ECMA-335 II.25.4) ------------------------------------ */

typedef struct ref_reader {
  const uint8_t *p;
  size_t n;
} ref_reader;

/* Byte i, or -1 when it is not readable. */
static int ref_byte(const ref_reader *r, uint64_t i) { return i < r->n ? r->p[i] : -1; }

/* A little-endian field of `width` bytes at i; 0 with *ok = 0 if any is missing. */
static uint32_t ref_field(const ref_reader *r, uint64_t i, unsigned width, int *ok) {
  uint32_t v = 0;
  for (unsigned k = 0; k < width; k++) {
    int b = ref_byte(r, i + k);
    if (b < 0) {
      *ok = 0;
      return 0;
    }
    v |= (uint32_t)b << (8 * k);
  }
  return v;
}

typedef struct ref_body {
  uint32_t flags, max_stack, code_size, locals, count, size;
  uint64_t code_at, section_at;
  int fat_section;
} ref_body;

static void ref_clause(const ref_reader *r, const ref_body *b, uint32_t i, ilheap_il_clause *c) {
  int ok = 1;
  memset(c, 0, sizeof *c);
  if (b->fat_section) {
    uint64_t q = b->section_at + 4 + 24ull * i;
    c->kind = ref_field(r, q, 4, &ok);
    c->try_offset = ref_field(r, q + 4, 4, &ok);
    c->try_length = ref_field(r, q + 8, 4, &ok);
    c->handler_offset = ref_field(r, q + 12, 4, &ok);
    c->handler_length = ref_field(r, q + 16, 4, &ok);
    c->class_token = ref_field(r, q + 20, 4, &ok);
  } else {
    uint64_t q = b->section_at + 4 + 12ull * i;
    c->kind = ref_field(r, q, 2, &ok);
    c->try_offset = ref_field(r, q + 2, 2, &ok);
    c->try_length = ref_field(r, q + 4, 1, &ok);
    c->handler_offset = ref_field(r, q + 5, 2, &ok);
    c->handler_length = ref_field(r, q + 7, 1, &ok);
    c->class_token = ref_field(r, q + 8, 4, &ok);
  }
  FUZZ_CHECK(ok, "reference: clause %u read past a section already bounded", (unsigned)i);
}

/* The clause rules of II.25.4.6 (and the header's C5). */
static int ref_clause_answer(const ilheap_il_clause *c, uint32_t code_size) {
  switch (c->kind) {
  case 0:
  case 1:
  case 2:
  case 4: break;
  default: return ILHEAP_IL_ECLAUSE_KIND;
  }
  if (!c->try_length || !c->handler_length)
    return ILHEAP_IL_ECLAUSE_EMPTY;
  uint64_t try_end = (uint64_t)c->try_offset + c->try_length;
  uint64_t handler_end = (uint64_t)c->handler_offset + c->handler_length;
  if (try_end > code_size || handler_end > code_size)
    return ILHEAP_IL_ECLAUSE_OUTSIDE;
  if (c->kind == 1 && !(c->filter_offset < code_size))
    return ILHEAP_IL_ECLAUSE_OUTSIDE;
  if (c->kind == 0) {
    uint32_t table = c->class_token >> 24, row = c->class_token & 0xFFFFFF;
    if (!(table == 0x01 || table == 0x02 || table == 0x1B) || row == 0)
      return ILHEAP_IL_ECLASS_TOKEN;
  }
  return ILHEAP_IL_OK;
}

static int ref_locals_answer(uint32_t t) {
  return t == 0 || (t >> 24 == 0x11 && (t & 0xFFFFFF) != 0) ? ILHEAP_IL_OK
                                                            : ILHEAP_IL_ELOCALS_TOKEN;
}

static int ref_parse(const ref_reader *r, ref_body *b) {
  memset(b, 0, sizeof *b);
  int b0 = ref_byte(r, 0);
  if (b0 < 0)
    return ILHEAP_IL_EHEADER_PAST_END;
  if ((b0 & 3) == 2) { /* tiny: 6 bits of size */
    b->flags = ILHEAP_IL_TINY;
    b->max_stack = 8;
    b->code_size = (uint32_t)b0 >> 2;
    b->code_at = 1;
    if (b->code_size == 0)
      return ILHEAP_IL_EEMPTY_CODE;
    if (r->n < 1 + (uint64_t)b->code_size)
      return ILHEAP_IL_ECODE_PAST_END;
    b->size = 1 + b->code_size;
    return ILHEAP_IL_OK;
  }
  if ((b0 & 7) != 3)
    return ILHEAP_IL_EFORMAT;
  if ((uintptr_t)r->p & 3)
    return ILHEAP_IL_EHEADER_MISALIGNED;
  int ok = 1;
  uint32_t word = ref_field(r, 0, 4, &ok); /* Flags:12 Size:4 MaxStack:16 */
  b->code_size = ref_field(r, 4, 4, &ok);
  b->locals = ref_field(r, 8, 4, &ok);
  if (!ok)
    return ILHEAP_IL_EHEADER_PAST_END;
  uint32_t flags = word & 0xFFF, dwords = (word >> 12) & 0xF;
  b->max_stack = word >> 16;
  if (dwords != 3)
    return ILHEAP_IL_EHEADER_SIZE;
  if (flags & ~0x1Bu)
    return ILHEAP_IL_EHEADER_FLAGS;
  b->flags = ILHEAP_IL_FAT | (flags & 0x10 ? ILHEAP_IL_INIT_LOCALS : 0);
  if (ref_locals_answer(b->locals) != ILHEAP_IL_OK)
    return ILHEAP_IL_ELOCALS_TOKEN;
  if (b->code_size == 0)
    return ILHEAP_IL_EEMPTY_CODE;
  b->code_at = 12;
  uint64_t code_end = 12 + (uint64_t)b->code_size;
  if (code_end > r->n)
    return ILHEAP_IL_ECODE_PAST_END;
  if (!(flags & 0x8)) {
    if (code_end > UINT32_MAX)
      return ILHEAP_IL_ETOO_LARGE;
    b->size = (uint32_t)code_end;
    return ILHEAP_IL_OK;
  }
  /* The next 4-byte boundary of the absolute address after the code. */
  uint64_t abs_end = (uint64_t)(uintptr_t)r->p + code_end;
  uint64_t s = ((abs_end + 3) & ~(uint64_t)3) - (uint64_t)(uintptr_t)r->p;
  b->section_at = s;
  int kind = ref_byte(r, s);
  ok = 1;
  (void)ref_field(r, s, 4, &ok);
  if (!ok)
    return ILHEAP_IL_ESECTION_PAST_END;
  if ((kind & 0x3F) != 1)
    return ILHEAP_IL_ESECTION_KIND;
  if (kind & 0x80)
    return ILHEAP_IL_EMORE_SECTIONS;
  b->fat_section = (kind & 0x40) != 0;
  uint32_t data = b->fat_section ? ref_field(r, s + 1, 3, &ok) : ref_field(r, s + 1, 1, &ok);
  unsigned each = b->fat_section ? 24 : 12;
  if (data < 4 || (data - 4) % each)
    return ILHEAP_IL_ESECTION_SIZE;
  if (s + data > r->n)
    return ILHEAP_IL_ESECTION_PAST_END;
  if (s + data > UINT32_MAX)
    return ILHEAP_IL_ETOO_LARGE;
  b->count = (data - 4) / each;
  b->size = (uint32_t)(s + data);
  if (b->fat_section)
    b->flags |= ILHEAP_IL_FAT_SECTION;
  for (uint32_t i = 0; i < b->count; i++) {
    ilheap_il_clause c;
    ref_clause(r, b, i, &c);
    int a = ref_clause_answer(&c, b->code_size);
    if (a != ILHEAP_IL_OK)
      return a;
  }
  return ILHEAP_IL_OK;
}

/* Parses [p, p + n) with the library and the reference; they must agree. */
/* Two views of the same body say the same, field by field (a struct compare
 * would read its padding). */
static int view_equal(const ilheap_il_view *a, const ilheap_il_view *b) {
  return a->body.code == b->body.code && a->body.code_size == b->body.code_size &&
         a->body.max_stack == b->body.max_stack &&
         a->body.local_sig_token == b->body.local_sig_token && a->body.flags == b->body.flags &&
         a->body.clauses == b->body.clauses && a->body.clause_count == b->body.clause_count &&
         a->size == b->size && a->section == b->section;
}

static int parse_both(const uint8_t *p, size_t n, ilheap_il_view *v) {
  ref_reader rr = {p, n};
  ref_body rb;
  int want = ref_parse(&rr, &rb);
  int got = ilheap_il_parse(p, n, v);
  FUZZ_CHECK(got == want, "parse of %zu bytes at remainder %u: library '%s', reference '%s'", n,
             (unsigned)((uintptr_t)p & 3), ilheap_il_strerror(got), ilheap_il_strerror(want));
  if (got != ILHEAP_IL_OK) {
    FUZZ_CHECK(v->size == 0 && v->body.code == NULL && v->section == NULL, "view not zeroed");
    return got;
  }
  FUZZ_CHECK(v->body.flags == rb.flags, "flags %#x, reference %#x", v->body.flags, rb.flags);
  FUZZ_CHECK(v->body.max_stack == rb.max_stack && v->body.code_size == rb.code_size &&
                 v->body.local_sig_token == rb.locals && v->body.clause_count == rb.count,
             "header fields differ from the reference");
  FUZZ_CHECK(v->body.code == p + rb.code_at, "code pointer");
  FUZZ_CHECK(v->size == rb.size && v->size <= n, "size %u, reference %u (avail %zu)", v->size,
             rb.size, n);
  FUZZ_CHECK(v->body.clauses == NULL, "clauses of a view are read with ilheap_il_clause_at");
  for (uint32_t i = 0; i < rb.count; i++) {
    ilheap_il_clause a, b;
    FUZZ_CHECK(ilheap_il_clause_at(v, i, &a) == ILHEAP_IL_OK, "clause_at %u", (unsigned)i);
    ref_clause(&rr, &rb, i, &b);
    FUZZ_CHECK(memcmp(&a, &b, sizeof a) == 0, "clause %u differs from the reference", (unsigned)i);
  }
  ilheap_il_clause dummy;
  FUZZ_CHECK(ilheap_il_clause_at(v, rb.count, &dummy) == ILHEAP_IL_EBADARG, "clause past count");
  return got;
}

/* ---- program 0: describe, size, write, parse ---------------------------------------- */

/* What the standard says a description gives: the answer, and the size. */
static int ref_describe(const ilheap_il_body *b, uintptr_t at, uint32_t *size, uint32_t *choice) {
  *size = 0;
  *choice = 0;
  uint32_t f = b->flags;
  if ((f & ~0x17u) || (f & 3) == 3 || (b->code_size && !b->code) ||
      (b->clause_count && !b->clauses) || b->max_stack > 0xFFFF)
    return ILHEAP_IL_EBADARG;
  if (b->code_size == 0)
    return ILHEAP_IL_EEMPTY_CODE;
  if (ref_locals_answer(b->local_sig_token) != ILHEAP_IL_OK)
    return ILHEAP_IL_ELOCALS_TOKEN;
  if (b->clause_count > 699050)
    return ILHEAP_IL_ETOO_LARGE;
  int small = b->clause_count <= 20;
  for (uint32_t i = 0; i < b->clause_count; i++) {
    const ilheap_il_clause *c = &b->clauses[i];
    int a = ref_clause_answer(c, b->code_size);
    if (a != ILHEAP_IL_OK)
      return a;
    if (c->try_offset > 0xFFFF || c->handler_offset > 0xFFFF || c->try_length > 0xFF ||
        c->handler_length > 0xFF)
      small = 0;
  }
  int tiny = b->code_size < 64 && b->max_stack <= 8 && !b->local_sig_token && !b->clause_count &&
             !(f & ILHEAP_IL_INIT_LOCALS);
  if ((f & ILHEAP_IL_TINY) && !tiny)
    return ILHEAP_IL_ETINY_FORBIDDEN;
  if (tiny && !(f & ILHEAP_IL_FAT)) {
    *size = 1 + b->code_size;
    *choice = ILHEAP_IL_TINY;
    return ILHEAP_IL_OK;
  }
  if (at & 3)
    return ILHEAP_IL_EHEADER_MISALIGNED;
  uint64_t total = 12 + (uint64_t)b->code_size;
  *choice = ILHEAP_IL_FAT;
  if (b->clause_count) {
    int fat = !small || (f & ILHEAP_IL_FAT_SECTION);
    total = ((total + 3) & ~(uint64_t)3) + 4 + (uint64_t)b->clause_count * (fat ? 24 : 12);
    *choice |= fat ? ILHEAP_IL_FAT_SECTION : 0;
  } /* no clauses: FAT_SECTION chooses nothing */
  if (total > UINT32_MAX)
    return ILHEAP_IL_ETOO_LARGE;
  *size = (uint32_t)total;
  return ILHEAP_IL_OK;
}

/* An offset and a length: inside the code (usually) or anything. */
static void decode_region(fuzz_input *in, uint32_t code_size, uint32_t *off, uint32_t *len) {
  if (fuzz_pick(in, 2) == 0 && code_size > 0) {
    *off = (uint32_t)fuzz_range(in, 0, code_size - 1);
    *len = (uint32_t)fuzz_range(in, 1, code_size - *off);
  } else {
    *off = fuzz_u32(in);
    *len = fuzz_u32(in);
  }
}

static void decode_clause(fuzz_input *in, uint32_t code_size, ilheap_il_clause *c) {
  static const uint32_t kinds[] = {ILHEAP_IL_CATCH, ILHEAP_IL_FILTER, ILHEAP_IL_FINALLY,
                                   ILHEAP_IL_FAULT};
  unsigned k = fuzz_pick(in, 5);
  c->kind = k < 4 ? kinds[k] : fuzz_u32(in);
  decode_region(in, code_size, &c->try_offset, &c->try_length);
  decode_region(in, code_size, &c->handler_offset, &c->handler_length);
  static const uint32_t tables[] = {0x01, 0x02, 0x1B};
  if (c->kind == ILHEAP_IL_CATCH && fuzz_pick(in, 2) == 0)
    c->class_token = tables[fuzz_pick(in, 3)] << 24 | (uint32_t)fuzz_range(in, 1, 0xFFFFFF);
  else if (c->kind == ILHEAP_IL_FILTER && fuzz_pick(in, 2) == 0 && code_size > 0)
    c->filter_offset = (uint32_t)fuzz_range(in, 0, code_size - 1);
  else
    c->class_token = fuzz_u32(in);
}

static void round_trip(fuzz_input *in) {
  ilheap_il_clause clauses[CLAUSES_MAX];
  ilheap_il_body b;
  memset(&b, 0, sizeof b);
  memset(clauses, 0, sizeof clauses);
  size_t rem = (size_t)fuzz_range(in, 0, 15);
  b.flags = (uint32_t)fuzz_range(in, 0, 0x1F);
  unsigned code_class = fuzz_pick(in, 4);
  switch (code_class) {
  case 0: b.code_size = (uint32_t)fuzz_range(in, 0, 70); break;
  case 1: b.code_size = (uint32_t)fuzz_range(in, 0, CODE_MAX); break;
  case 2: b.code_size = (uint32_t)fuzz_range(in, 0, 70); break; /* code NULL */
  default: b.code_size = fuzz_u32(in); break;                   /* sized, never written */
  }
  b.code = code_class == 2 ? NULL : code_bytes;
  b.max_stack = (uint32_t)fuzz_range(in, 0, 0x10001);
  switch (fuzz_pick(in, 3)) {
  case 0: b.local_sig_token = 0; break;
  case 1: b.local_sig_token = 0x11000000u | (uint32_t)fuzz_range(in, 0, 0xFFFFFF); break;
  default: b.local_sig_token = fuzz_u32(in); break;
  }
  b.clause_count = (uint32_t)fuzz_range(in, 0, CLAUSES_MAX);
  b.clauses = b.clause_count && fuzz_pick(in, 8) == 0 ? NULL : clauses;
  for (uint32_t i = 0; i < b.clause_count; i++)
    decode_clause(in, b.code_size, &clauses[i]);

  /* Size at the fuzzed remainder, against the standard. */
  uint32_t want_size, choice, size = 1;
  int want = ref_describe(&b, rem, &want_size, &choice);
  int got = ilheap_il_size(&b, rem, &size);
  FUZZ_CHECK(got == want, "size: library '%s', reference '%s'", ilheap_il_strerror(got),
             ilheap_il_strerror(want));
  FUZZ_CHECK(size == want_size, "size %u, reference %u", size, want_size);
  const char *name = ilheap_il_strerror(got);
  FUZZ_CHECK(name && strcmp(name, "unknown IL answer") != 0, "answer %d has no name", got);
  FUZZ_CHECK(ilheap_il_size(&b, rem, NULL) == ILHEAP_IL_EBADARG, "size with no out pointer");
  FUZZ_CHECK(ilheap_il_write(&b, NULL, WRITE_MAX, NULL) == ILHEAP_IL_EBADARG, "write to NULL");
  /* The answer depends on the address only through its remainder mod 4. */
  uint32_t size2 = 1;
  int got2 = ilheap_il_size(&b, rem + 4 * (uintptr_t)fuzz_u32(in), &size2);
  FUZZ_CHECK(got2 == got && size2 == size, "size depends on more than the address mod 4");
  if (got != ILHEAP_IL_OK && got != ILHEAP_IL_EHEADER_MISALIGNED)
    return;
  if (b.code_size > CODE_MAX || (got == ILHEAP_IL_OK && size > WRITE_MAX))
    return; /* sized only: the code bytes are not there to be written */

  /* Write into a malloc of exactly rem + size bytes (one byte for a refused one). */
  size_t alloc = rem + (got == ILHEAP_IL_OK ? size : 1);
  uint8_t *buf = malloc(alloc);
  FUZZ_CHECK(buf != NULL, "out of memory");
  memset(buf, 0xEE, alloc);
  uint8_t *dst = buf + rem;
  uint32_t written = 7;
  int w = ilheap_il_write(&b, dst, alloc - rem, &written);
  FUZZ_CHECK(w == got, "write answered '%s', size '%s'", ilheap_il_strerror(w),
             ilheap_il_strerror(got));
  if (w != ILHEAP_IL_OK) {
    FUZZ_CHECK(written == 0, "a refused write reports %u bytes", written);
    for (size_t i = 0; i < alloc; i++)
      FUZZ_CHECK(buf[i] == 0xEE, "a refused write changed byte %zu", i);
    free(buf);
    return;
  }
  FUZZ_CHECK(written == size, "wrote %u, size said %u", written, size);
  if (size > 0) {
    uint32_t s3 = 0;
    FUZZ_CHECK(ilheap_il_write(&b, dst, size - 1, &s3) == ILHEAP_IL_ETOO_SMALL && s3 == 0,
               "a destination one byte short is accepted");
  }

  /* Parse back where it lives: the same description plus the choices made. */
  ilheap_il_view v;
  int p = parse_both(dst, size, &v);
  FUZZ_CHECK(p == ILHEAP_IL_OK, "a written body does not parse: %s", ilheap_il_strerror(p));
  FUZZ_CHECK(v.size == size, "parsed size %u, written %u", v.size, size);
  /* The header and section formats are the choices made (FAT_SECTION without
   * clauses chooses nothing); InitLocals is the description's. */
  FUZZ_CHECK(v.body.flags == ((b.flags & ILHEAP_IL_INIT_LOCALS) | choice),
             "flags %#x from %#x (choice %#x)", v.body.flags, b.flags, choice);
  FUZZ_CHECK(v.body.code_size == b.code_size && memcmp(v.body.code, b.code, b.code_size) == 0,
             "code differs");
  FUZZ_CHECK(v.body.max_stack == ((choice & ILHEAP_IL_TINY) ? 8 : b.max_stack), "max stack");
  FUZZ_CHECK(v.body.local_sig_token == b.local_sig_token, "locals token");
  FUZZ_CHECK(v.body.clause_count == b.clause_count, "clause count");
  for (uint32_t i = 0; i < b.clause_count; i++) {
    ilheap_il_clause c;
    FUZZ_CHECK(ilheap_il_clause_at(&v, i, &c) == ILHEAP_IL_OK, "clause_at");
    FUZZ_CHECK(memcmp(&c, &b.clauses[i], sizeof c) == 0, "clause %u differs", (unsigned)i);
  }
  /* Padding reads as zero (L3). */
  for (uint32_t i = 12 + b.code_size;
       (choice & ILHEAP_IL_FAT) && b.clause_count && ((uintptr_t)(dst + i) & 3); i++)
    FUZZ_CHECK(dst[i] == 0, "padding byte %u", (unsigned)i);

  /* Mutants of the written body: the library and the reference must agree. */
  FUZZ_CHECK(size > 0, "a body written in 0 bytes");
  for (int m = 0; m < 8 && fuzz_remaining(in) >= 3; m++) {
    uint32_t at = (uint32_t)(fuzz_u16(in) % size);
    dst[at] ^= fuzz_u8(in);
    ilheap_il_view mv;
    (void)parse_both(dst, size, &mv);
  }
  free(buf);
}

/* ---- program 1: arbitrary bytes ------------------------------------------------------- */

static void arbitrary(fuzz_input *in) {
  size_t rem = (size_t)fuzz_range(in, 0, 3);
  uint32_t below = fuzz_u32(in); /* module base = body - below */
  /* The window: any max_offset, or one that ends within 2 bytes of the body's
   * end (where an off-by-one would hide from random values). */
  int near_end = fuzz_pick(in, 2) == 1;
  uint32_t max_offset = near_end ? 0 : fuzz_u32(in);
  uint32_t slack = near_end ? (uint32_t)fuzz_range(in, 0, 4) : 0;
  size_t n = fuzz_remaining(in);
  /* The bytes end exactly where the allocation ends. */
  uint8_t *buf = malloc(rem + n ? rem + n : 1);
  FUZZ_CHECK(buf != NULL, "out of memory");
  uint8_t *p = buf + rem;
  if (n)
    memcpy(p, in->data, n);
  ilheap_il_view v;
  int a = parse_both(p, n, &v);
  FUZZ_CHECK(ilheap_il_parse(NULL, n, NULL) == ILHEAP_IL_EBADARG, "parse of NULL");
  FUZZ_CHECK(ilheap_il_parse(p, n, NULL) == a, "parse without a view answers differently");
  FUZZ_CHECK(ilheap_il_clause_at(NULL, 0, NULL) == ILHEAP_IL_EBADARG, "clause_at of NULL");
  FUZZ_CHECK(ilheap_il_check_in_module(NULL, n, 0, 1, NULL) == ILHEAP_IL_EBADARG, "check NULL");

  if (near_end) {
    uint64_t end = (uint64_t)below + v.size + slack; /* v.size is 0 for a bad body */
    max_offset = end < 2 ? 0 : end - 2 > UINT32_MAX ? UINT32_MAX : (uint32_t)(end - 2);
  }
  uintptr_t base = (uintptr_t)p - below;
  ilheap_il_view mv;
  int m = ilheap_il_check_in_module(p, n, base, max_offset, &mv);
  int want = a;
  if ((uintptr_t)p <= base) /* below == 0, or a base that wrapped past the top */
    want = ILHEAP_IL_ENOT_ABOVE_BASE;
  else if (below >= max_offset) /* the first byte's place, judged before reading */
    want = ILHEAP_IL_EOUTSIDE_WINDOW;
  else if (a == ILHEAP_IL_OK && v.size > max_offset - below)
    want = ILHEAP_IL_EOUTSIDE_WINDOW;
  FUZZ_CHECK(m == want, "check_in_module: '%s', expected '%s'", ilheap_il_strerror(m),
             ilheap_il_strerror(want));
  FUZZ_CHECK(m != ILHEAP_IL_OK || view_equal(&mv, &v), "check_in_module view");
  free(buf);
}

/* Answers no input varies: reading no byte, they leave the corpus's meaning
 * as it was. More clauses than a fat section holds are refused before any is
 * read; an answer code nobody defined has a text of its own. */
static void fixed_answers(void) {
  static ilheap_il_clause one;
  ilheap_il_body b;
  uint32_t size = 1, written = 1;
  uint8_t dst[64];
  memset(&b, 0, sizeof b);
  b.code = code_bytes;
  b.code_size = 1;
  b.max_stack = 8;
  b.clauses = &one; /* never read: the count is refused first */
  b.clause_count = ILHEAP_IL_FAT_MAX_CLAUSES + 1u;
  FUZZ_CHECK(ilheap_il_size(&b, 0, &size) == ILHEAP_IL_ETOO_LARGE && size == 0,
             "a body with %u clauses: size answered otherwise", b.clause_count);
  FUZZ_CHECK(ilheap_il_write(&b, dst, sizeof dst, &written) == ILHEAP_IL_ETOO_LARGE &&
                 written == 0,
             "a body with %u clauses: write answered otherwise", b.clause_count);
  const char *unknown = ilheap_il_strerror(-12345);
  FUZZ_CHECK(unknown != NULL && strcmp(unknown, ilheap_il_strerror(12345)) == 0 &&
                 strcmp(unknown, ilheap_il_strerror(ILHEAP_IL_ETOO_LARGE)) != 0,
             "ilheap_il_strerror of an undefined answer");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (code_bytes[0] == 0)
    for (size_t i = 0; i < sizeof code_bytes; i++)
      code_bytes[i] = (uint8_t)(0x2A ^ (i * 13) ^ (i >> 8)) | 1;
  fuzz_input in = fuzz_input_make(data, size);
  fixed_answers();
  if ((il_program)fuzz_pick(&in, I_PROGRAMS) == I_DESCRIBE)
    round_trip(&in);
  else
    arbitrary(&in);
  return 0;
}
