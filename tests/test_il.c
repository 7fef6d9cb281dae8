/* SPDX-License-Identifier: MIT */
/*
 * IL method bodies (include/ilheap_il.h): every layout rule (L1-L5) and every
 * check (C1-C6) of the header, written from ECMA-335 II.25.4. Expected bytes
 * are spelled out by hand from the standard, not computed by the library.
 *
 * Addresses matter (a fat header on a 4-byte boundary, the EH section at the
 * next 4-byte boundary of the absolute address), so every body is written into
 * a 16-aligned arena at offset r for each remainder r = 0..3.
 */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "ilheap_il.h"
#include "ilheap_sim.h"

static _Alignas(16) uint8_t arena[1 << 18];
static uint8_t code[4096];

static void fill_code(void) {
  for (size_t i = 0; i < sizeof code; i++)
    code[i] = (uint8_t)(0x30 + i * 7);
}

static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | rd16(p + 2) << 16; }

static ilheap_il_body body_of(uint32_t code_size) {
  ilheap_il_body b;
  memset(&b, 0, sizeof b);
  b.code = code;
  b.code_size = code_size;
  b.max_stack = 8;
  return b;
}

static ilheap_il_clause finally_clause(uint32_t to, uint32_t tl, uint32_t ho, uint32_t hl) {
  ilheap_il_clause c;
  memset(&c, 0, sizeof c);
  c.kind = ILHEAP_IL_FINALLY;
  c.try_offset = to;
  c.try_length = tl;
  c.handler_offset = ho;
  c.handler_length = hl;
  return c;
}

/* Writes b at arena + off (prefilled with 0xAA) and returns the size. */
static uint32_t write_at(const ilheap_il_body *b, size_t off) {
  memset(arena, 0xAA, sizeof arena);
  uint32_t size = 0, written = 0;
  cr_assert_eq(ilheap_il_size(b, (uintptr_t)(arena + off), &size), ILHEAP_IL_OK);
  cr_assert_eq(ilheap_il_write(b, arena + off, sizeof arena - off, &written), ILHEAP_IL_OK);
  cr_assert_eq(written, size);
  cr_assert_eq(arena[off + size], 0xAA, "a byte past the body was written");
  if (off > 0)
    cr_assert_eq(arena[off - 1], 0xAA, "a byte before the body was written");
  return size;
}

/* ---- L1: tiny headers --------------------------------------------------------- */

Test(il_tiny, every_code_size_at_every_remainder) {
  fill_code();
  for (uint32_t n = 1; n <= 63; n++) {
    for (size_t r = 0; r < 4; r++) {
      ilheap_il_body b = body_of(n);
      uint32_t size = write_at(&b, r);
      cr_assert_eq(size, 1 + n, "tiny body of %u bytes: %u", n, size);
      cr_assert_eq(arena[r], (uint8_t)(n << 2 | 0x2), "tiny header byte for %u", n);
      cr_assert_eq(memcmp(arena + r + 1, code, n), 0);
      ilheap_il_view v;
      cr_assert_eq(ilheap_il_parse(arena + r, size, &v), ILHEAP_IL_OK, "n %u r %zu", n, r);
      cr_assert_eq(v.body.flags, ILHEAP_IL_TINY);
      cr_assert_eq(v.body.code_size, n);
      cr_assert_eq(v.body.code, arena + r + 1);
      cr_assert_eq(v.body.max_stack, 8, "a tiny body's max stack is 8");
      cr_assert_eq(v.body.local_sig_token, 0);
      cr_assert_eq(v.body.clause_count, 0);
      cr_assert_eq(v.size, 1 + n);
    }
  }
}

Test(il_tiny, odd_sizes_use_bit_2) {
  /* corhlpr.h's TinyFormat1 (0x6): bit 2 is the low bit of the code size. */
  static const uint8_t body[] = {0x06, 0x2A};
  ilheap_il_view v;
  cr_assert_eq(ilheap_il_parse(body, sizeof body, &v), ILHEAP_IL_OK);
  cr_assert_eq(v.body.code_size, 1);
}

Test(il_tiny, each_condition_of_l1_forces_fat) {
  fill_code();
  ilheap_il_clause c = finally_clause(0, 1, 1, 1);
  for (int k = 0; k < 6; k++) {
    ilheap_il_body b = body_of(10);
    switch (k) {
    case 0: b.code_size = 64; break;                /* CodeSize < 64 */
    case 1: b.max_stack = 9; break;                 /* max stack <= 8 */
    case 2: b.local_sig_token = 0x11000001; break;  /* no locals */
    case 3: b.flags = ILHEAP_IL_INIT_LOCALS; break; /* no InitLocals */
    case 4:
      b.clauses = &c;
      b.clause_count = 1;
      break;                                /* no EH */
    case 5: b.flags = ILHEAP_IL_FAT; break; /* asked for */
    }
    uint32_t size = write_at(&b, 0);
    cr_assert_eq(arena[0] & 0x3, 0x3, "case %d: fat header", k);
    cr_assert_geq(size, 12 + b.code_size);
    /* The same body with ILHEAP_IL_TINY is refused (except the forced case). */
    b.flags |= ILHEAP_IL_TINY;
    uint32_t s2 = 7;
    int want = k == 5 ? ILHEAP_IL_EBADARG : ILHEAP_IL_ETINY_FORBIDDEN;
    cr_assert_eq(ilheap_il_size(&b, 0, &s2), want, "case %d", k);
    cr_assert_eq(s2, 0);
  }
  ilheap_il_body b = body_of(63);
  b.flags = ILHEAP_IL_TINY;
  uint32_t size = write_at(&b, 1);
  cr_assert_eq(size, 64);
  cr_assert_eq(arena[1], 0xFE);
  b.flags = ILHEAP_IL_TINY | ILHEAP_IL_INIT_LOCALS;
  cr_assert_eq(ilheap_il_size(&b, 0, &size), ILHEAP_IL_ETINY_FORBIDDEN);
}

/* ---- L2: fat headers ------------------------------------------------------------ */

Test(il_fat, header_bytes) {
  fill_code();
  ilheap_il_body b = body_of(100);
  b.max_stack = 0x1234;
  b.local_sig_token = 0x11ABCDEF;
  b.flags = ILHEAP_IL_INIT_LOCALS;
  uint32_t size = write_at(&b, 0);
  cr_assert_eq(size, 112);
  /* Flags 0x13 (fat + InitLocals), Size 3 in the top 4 bits. */
  cr_assert_eq(arena[0], 0x13);
  cr_assert_eq(arena[1], 0x30);
  cr_assert_eq(arena[2], 0x34);
  cr_assert_eq(arena[3], 0x12);
  cr_assert_eq(rd32(arena + 4), 100);
  cr_assert_eq(arena[8], 0xEF);
  cr_assert_eq(arena[11], 0x11);
  cr_assert_eq(memcmp(arena + 12, code, 100), 0);
  ilheap_il_view v;
  cr_assert_eq(ilheap_il_parse(arena, size, &v), ILHEAP_IL_OK);
  cr_assert_eq(v.body.flags, ILHEAP_IL_FAT | ILHEAP_IL_INIT_LOCALS);
  cr_assert_eq(v.body.max_stack, 0x1234);
  cr_assert_eq(v.body.local_sig_token, 0x11ABCDEF);
  cr_assert_eq(v.body.code, arena + 12);
  cr_assert_eq(v.size, 112);
}

Test(il_fat, misaligned_destinations_are_refused) {
  fill_code();
  for (size_t r = 0; r < 8; r++) {
    ilheap_il_body b = body_of(64);
    uint32_t size = 9;
    int want = r % 4 ? ILHEAP_IL_EHEADER_MISALIGNED : ILHEAP_IL_OK;
    cr_assert_eq(ilheap_il_size(&b, (uintptr_t)r, &size), want, "address remainder %zu", r);
    memset(arena, 0xAA, 256);
    uint32_t written = 9;
    cr_assert_eq(ilheap_il_write(&b, arena + r, 200, &written), want);
    if (want != ILHEAP_IL_OK) {
      cr_assert_eq(size, 0);
      cr_assert_eq(written, 0);
      for (size_t i = 0; i < 256; i++)
        cr_assert_eq(arena[i], 0xAA, "a refused write wrote byte %zu", i);
    } else {
      cr_assert_eq(size, 76);
      cr_assert_eq(written, 76);
    }
  }
}

Test(il_fat, parse_refuses_a_misaligned_fat_header) {
  /* A body padded relative to an unaligned buffer (FACTS 3): the header is
   * where the runtime reads it, off a 4-byte boundary. */
  fill_code();
  ilheap_il_body b = body_of(64);
  uint32_t size = write_at(&b, 0);
  for (size_t r = 1; r < 4; r++) {
    memmove(arena + 64 + r, arena, size);
    cr_assert_eq(ilheap_il_parse(arena + 64 + r, size, NULL), ILHEAP_IL_EHEADER_MISALIGNED);
    memmove(arena, arena + 64 + r, size);
  }
}

/* ---- L3-L5: the EH section ------------------------------------------------------- */

Test(il_section, small_at_every_code_size_remainder) {
  fill_code();
  for (uint32_t n = 64; n < 72; n++) {
    for (size_t r = 0; r < 16; r += 4) {
      ilheap_il_clause c[2] = {finally_clause(0, 5, 5, 3), finally_clause(1, 2, 10, 4)};
      c[1].kind = ILHEAP_IL_CATCH;
      c[1].class_token = 0x01000007;
      ilheap_il_body b = body_of(n);
      b.clauses = c;
      b.clause_count = 2;
      uint32_t size = write_at(&b, r);
      uint32_t pad = (4 - n % 4) % 4;
      uint32_t sect = 12 + n + pad;
      cr_assert_eq(size, sect + 4 + 2 * 12, "code %u: size %u", n, size);
      cr_assert_eq(((uintptr_t)arena + r + sect) % 4, 0, "section on a 4-byte boundary");
      cr_assert_eq(arena[r + 0] & 0x8, 0x8, "MoreSects");
      for (uint32_t i = 0; i < pad; i++)
        cr_assert_eq(arena[r + 12 + n + i], 0, "padding is zero");
      const uint8_t *s = arena + r + sect;
      cr_assert_eq(s[0], 0x01, "small EH table");
      cr_assert_eq(s[1], 4 + 2 * 12, "DataSize");
      cr_assert_eq(s[2], 0);
      cr_assert_eq(s[3], 0);
      const uint8_t *q = s + 4 + 12; /* the catch clause */
      cr_assert_eq(rd16(q), 0);
      cr_assert_eq(rd16(q + 2), 1);
      cr_assert_eq(q[4], 2);
      cr_assert_eq(rd16(q + 5), 10);
      cr_assert_eq(q[7], 4);
      cr_assert_eq(rd32(q + 8), 0x01000007);
      ilheap_il_view v;
      cr_assert_eq(ilheap_il_parse(arena + r, size, &v), ILHEAP_IL_OK);
      cr_assert_eq(v.body.clause_count, 2);
      cr_assert_eq(v.body.flags, ILHEAP_IL_FAT);
      ilheap_il_clause got;
      cr_assert_eq(ilheap_il_clause_at(&v, 1, &got), ILHEAP_IL_OK);
      cr_assert_eq(memcmp(&got, &c[1], sizeof got), 0);
      cr_assert_eq(ilheap_il_clause_at(&v, 0, &got), ILHEAP_IL_OK);
      cr_assert_eq(memcmp(&got, &c[0], sizeof got), 0);
    }
  }
}

Test(il_section, fat_clause_bytes) {
  fill_code();
  ilheap_il_clause c = finally_clause(0x10000, 1, 0x10001, 2);
  c.kind = ILHEAP_IL_FILTER;
  c.filter_offset = 0x10003;
  static uint8_t big[0x10010];
  ilheap_il_body b = body_of(0x10005);
  b.code = big;
  b.clauses = &c;
  b.clause_count = 1;
  uint32_t size = write_at(&b, 4);
  uint32_t sect = 12 + 0x10005 + 3;
  cr_assert_eq(size, sect + 4 + 24);
  const uint8_t *s = arena + 4 + sect;
  cr_assert_eq(s[0], 0x41, "fat EH table");
  cr_assert_eq(s[1] | s[2] << 8 | s[3] << 16, 28, "3-byte DataSize");
  cr_assert_eq(rd32(s + 4), ILHEAP_IL_FILTER);
  cr_assert_eq(rd32(s + 8), 0x10000);
  cr_assert_eq(rd32(s + 12), 1);
  cr_assert_eq(rd32(s + 16), 0x10001);
  cr_assert_eq(rd32(s + 20), 2);
  cr_assert_eq(rd32(s + 24), 0x10003);
  ilheap_il_view v;
  cr_assert_eq(ilheap_il_parse(arena + 4, size, &v), ILHEAP_IL_OK);
  cr_assert_eq(v.body.flags, ILHEAP_IL_FAT | ILHEAP_IL_FAT_SECTION);
}

/* L4's limits: each field at its small maximum stays small, one more is fat. */
Test(il_section, small_limits) {
  fill_code();
  static uint8_t big[0x10200];
  for (int field = 0; field < 5; field++) {
    for (int over = 0; over < 2; over++) {
      ilheap_il_clause c[21];
      for (int i = 0; i < 21; i++)
        c[i] = finally_clause(0, 1, 1, 1);
      uint32_t n = 20;
      switch (field) {
      case 0: c[3].try_offset = 0xFFFF + over; break;
      case 1: c[3].try_length = 0xFF + over; break;
      case 2: c[3].handler_offset = 0xFFFF + over; break;
      case 3: c[3].handler_length = 0xFF + over; break;
      case 4: n = 20 + over; break;
      }
      ilheap_il_body b = body_of(0x10200);
      b.code = big;
      b.clauses = c;
      b.clause_count = n;
      uint32_t size = 0;
      cr_assert_eq(ilheap_il_size(&b, 0, &size), ILHEAP_IL_OK);
      uint32_t each = over ? 24 : 12;
      cr_assert_eq(size, 12 + 0x10200 + 4 + n * each, "field %d over %d", field, over);
    }
  }
  /* Forced: a fat section although a small one would do. */
  ilheap_il_clause c = finally_clause(0, 1, 1, 1);
  ilheap_il_body b = body_of(4);
  b.clauses = &c;
  b.clause_count = 1;
  b.flags = ILHEAP_IL_FAT_SECTION;
  uint32_t size = write_at(&b, 0);
  cr_assert_eq(size, 16 + 4 + 24);
  cr_assert_eq(arena[16], 0x41);
}

Test(il_section, every_code_size_remainder_without_sections) {
  fill_code();
  for (uint32_t n = 1; n <= 8; n++) {
    ilheap_il_body b = body_of(n);
    b.flags = ILHEAP_IL_FAT;
    cr_assert_eq(write_at(&b, 8), 12 + n, "no section: no padding either");
  }
}

/* ---- Parse: each reason from hand-made bytes ------------------------------------- */

/* A fat body of `code_size` bytes of code with an optional section, built by
 * hand in the arena at offset 0 (16-aligned). Returns the section's offset. */
static uint32_t hand_fat(uint32_t flags_word, uint32_t code_size, uint32_t locals) {
  memset(arena, 0, 4096);
  arena[0] = (uint8_t)flags_word;
  arena[1] = (uint8_t)(flags_word >> 8);
  arena[2] = 8;
  arena[4] = (uint8_t)code_size;
  arena[5] = (uint8_t)(code_size >> 8);
  arena[6] = (uint8_t)(code_size >> 16);
  arena[7] = (uint8_t)(code_size >> 24);
  arena[8] = (uint8_t)locals;
  arena[11] = (uint8_t)(locals >> 24);
  return (12 + code_size + 3) & ~3u;
}

static void small_clause(uint8_t *q, uint32_t kind, uint32_t to, uint32_t tl, uint32_t ho,
                         uint32_t hl, uint32_t tok) {
  q[0] = (uint8_t)kind;
  q[1] = (uint8_t)(kind >> 8);
  q[2] = (uint8_t)to;
  q[3] = (uint8_t)(to >> 8);
  q[4] = (uint8_t)tl;
  q[5] = (uint8_t)ho;
  q[6] = (uint8_t)(ho >> 8);
  q[7] = (uint8_t)hl;
  for (int i = 0; i < 4; i++)
    q[8 + i] = (uint8_t)(tok >> (8 * i));
}

static int parse_at0(size_t avail) { return ilheap_il_parse(arena, avail, NULL); }

Test(il_parse, header_reasons) {
  cr_assert_eq(ilheap_il_parse(arena, 0, NULL), ILHEAP_IL_EHEADER_PAST_END);
  static const uint8_t not_formats[] = {0x00, 0x01, 0x04, 0x05, 0x07, 0x0F, 0xFD};
  for (size_t i = 0; i < sizeof not_formats; i++) {
    arena[0] = not_formats[i];
    cr_assert_eq(parse_at0(64), ILHEAP_IL_EFORMAT, "first byte %#x", not_formats[i]);
  }
  hand_fat(0x3003, 4, 0);
  for (size_t avail = 1; avail < 12; avail++)
    cr_assert_eq(parse_at0(avail), ILHEAP_IL_EHEADER_PAST_END, "avail %zu", avail);
  cr_assert_eq(parse_at0(15), ILHEAP_IL_ECODE_PAST_END);
  cr_assert_eq(parse_at0(16), ILHEAP_IL_OK);
  static const uint32_t sizes[] = {0x0, 0x1, 0x2, 0x4, 0xF};
  for (size_t i = 0; i < 5; i++) {
    hand_fat(sizes[i] << 12 | 0x3, 4, 0);
    cr_assert_eq(parse_at0(64), ILHEAP_IL_EHEADER_SIZE, "Size %u", sizes[i]);
  }
  static const uint32_t bad_flags[] = {0x20, 0x40, 0x80, 0x100, 0x200, 0x400, 0x800};
  for (size_t i = 0; i < 7; i++) {
    hand_fat(0x3003 | bad_flags[i], 4, 0);
    cr_assert_eq(parse_at0(64), ILHEAP_IL_EHEADER_FLAGS, "flag %#x", bad_flags[i]);
  }
  hand_fat(0x3013, 4, 0);
  cr_assert_eq(parse_at0(64), ILHEAP_IL_OK, "InitLocals without locals is legal");
  static const uint32_t bad_tokens[] = {0x11000000, 0x02000001, 0x12000001, 0x00000001};
  for (size_t i = 0; i < 4; i++) {
    hand_fat(0x3003, 4, bad_tokens[i]);
    arena[9] = 0; /* the row: hand_fat writes only the low and the table byte */
    cr_assert_eq(parse_at0(64), ILHEAP_IL_ELOCALS_TOKEN, "token %#x", bad_tokens[i]);
  }
  hand_fat(0x3003, 4, 0x11000001);
  cr_assert_eq(parse_at0(64), ILHEAP_IL_OK);
}

Test(il_parse, code_reasons) {
  arena[0] = 0x02; /* tiny, no code */
  cr_assert_eq(parse_at0(64), ILHEAP_IL_EEMPTY_CODE);
  hand_fat(0x3003, 0, 0);
  cr_assert_eq(parse_at0(64), ILHEAP_IL_EEMPTY_CODE);
  arena[0] = 0x0A; /* tiny, 2 bytes of code */
  cr_assert_eq(parse_at0(2), ILHEAP_IL_ECODE_PAST_END);
  cr_assert_eq(parse_at0(3), ILHEAP_IL_OK);
  hand_fat(0x3003, 0xFFFFFFFFu, 0);
  cr_assert_eq(parse_at0(4096), ILHEAP_IL_ECODE_PAST_END);
  hand_fat(0x3003, 0xFFFFFFF3u, 0);
  cr_assert_eq(parse_at0(SIZE_MAX), ILHEAP_IL_OK, "a size that fits, nothing past it read");
  if (SIZE_MAX > UINT32_MAX) { /* a body of more than 4 GiB said to be readable */
    hand_fat(0x3003, 0xFFFFFFF4u, 0);
    cr_assert_eq(parse_at0(SIZE_MAX), ILHEAP_IL_ETOO_LARGE);
  }
}

Test(il_parse, section_reasons) {
  for (uint32_t n = 1; n <= 4; n++) { /* every code-size remainder */
    uint32_t sect = hand_fat(0x300B, n, 0);
    uint8_t *s = arena + sect;
    s[0] = 0x01;
    s[1] = 16;
    small_clause(s + 4, ILHEAP_IL_FINALLY, 0, 1, 0, 1, 0);
    cr_assert_eq(parse_at0(sect + 16), ILHEAP_IL_OK, "code %u", n);
    for (uint32_t avail = 12 + n; avail < sect + 4; avail++)
      cr_assert_eq(parse_at0(avail), ILHEAP_IL_ESECTION_PAST_END, "code %u avail %u", n, avail);
    for (uint32_t avail = sect + 4; avail < sect + 16; avail++)
      cr_assert_eq(parse_at0(avail), ILHEAP_IL_ESECTION_PAST_END, "code %u avail %u", n, avail);
    static const uint8_t bad_kinds[] = {0x00, 0x02, 0x03, 0x05, 0x11, 0x21, 0x42, 0x40};
    for (size_t k = 0; k < sizeof bad_kinds; k++) {
      s[0] = bad_kinds[k];
      cr_assert_eq(parse_at0(sect + 16), ILHEAP_IL_ESECTION_KIND, "kind %#x", bad_kinds[k]);
    }
    s[0] = 0x81;
    cr_assert_eq(parse_at0(sect + 16), ILHEAP_IL_EMORE_SECTIONS);
    s[0] = 0xC1;
    cr_assert_eq(parse_at0(sect + 16), ILHEAP_IL_EMORE_SECTIONS);
    s[0] = 0x01;
    static const uint8_t bad_small[] = {0, 3, 5, 15, 17, 27, 255};
    for (size_t k = 0; k < sizeof bad_small; k++) {
      s[1] = bad_small[k];
      cr_assert_eq(parse_at0(sect + 256), ILHEAP_IL_ESECTION_SIZE, "DataSize %u", bad_small[k]);
    }
    s[1] = 4; /* an EH table of no clause is well formed */
    cr_assert_eq(parse_at0(sect + 4), ILHEAP_IL_OK);
    s[0] = 0x41; /* fat: 3-byte DataSize */
    s[1] = 16;
    cr_assert_eq(parse_at0(sect + 256), ILHEAP_IL_ESECTION_SIZE, "16 is no fat size");
    s[1] = 28;
    s[2] = 0;
    s[3] = 0;
    memset(s + 4, 0, 24);
    s[4] = ILHEAP_IL_FAULT;
    s[12] = 1; /* try length */
    s[20] = 1; /* handler length */
    cr_assert_eq(parse_at0(sect + 28), ILHEAP_IL_OK);
    cr_assert_eq(parse_at0(sect + 27), ILHEAP_IL_ESECTION_PAST_END);
    s[1] = 0x0C; /* 0x1000C = 4 + 24 * 2731: well formed, far past the end */
    s[3] = 1;
    cr_assert_eq(parse_at0(4096), ILHEAP_IL_ESECTION_PAST_END);
  }
}

Test(il_parse, clause_reasons) {
  uint32_t sect = hand_fat(0x300B, 20, 0);
  uint8_t *s = arena + sect;
  s[0] = 0x01;
  s[1] = 16;
  uint8_t *q = s + 4;
  struct {
    uint32_t kind, to, tl, ho, hl, tok;
    int want;
  } cases[] = {
      {ILHEAP_IL_FINALLY, 0, 10, 10, 10, 0, ILHEAP_IL_OK},
      {ILHEAP_IL_FAULT, 0, 10, 10, 10, 0, ILHEAP_IL_OK},
      {ILHEAP_IL_CATCH, 0, 10, 10, 10, 0x01000001, ILHEAP_IL_OK},
      {ILHEAP_IL_CATCH, 0, 10, 10, 10, 0x02000001, ILHEAP_IL_OK},
      {ILHEAP_IL_CATCH, 0, 10, 10, 10, 0x1B000001, ILHEAP_IL_OK},
      {ILHEAP_IL_FILTER, 0, 10, 15, 5, 10, ILHEAP_IL_OK},
      {ILHEAP_IL_FILTER, 0, 10, 15, 5, 19, ILHEAP_IL_OK},
      {3, 0, 10, 10, 10, 0, ILHEAP_IL_ECLAUSE_KIND},
      {5, 0, 10, 10, 10, 0, ILHEAP_IL_ECLAUSE_KIND},
      {8, 0, 10, 10, 10, 0, ILHEAP_IL_ECLAUSE_KIND},
      {0x102, 0, 10, 10, 10, 0, ILHEAP_IL_ECLAUSE_KIND},
      {ILHEAP_IL_FINALLY, 0, 0, 10, 10, 0, ILHEAP_IL_ECLAUSE_EMPTY},
      {ILHEAP_IL_FINALLY, 0, 10, 10, 0, 0, ILHEAP_IL_ECLAUSE_EMPTY},
      {ILHEAP_IL_FINALLY, 0, 21, 10, 10, 0, ILHEAP_IL_ECLAUSE_OUTSIDE},
      {ILHEAP_IL_FINALLY, 11, 10, 0, 10, 0, ILHEAP_IL_ECLAUSE_OUTSIDE},
      {ILHEAP_IL_FINALLY, 0, 10, 20, 1, 0, ILHEAP_IL_ECLAUSE_OUTSIDE},
      {ILHEAP_IL_FINALLY, 0xFFFF, 255, 0, 1, 0, ILHEAP_IL_ECLAUSE_OUTSIDE},
      {ILHEAP_IL_FILTER, 0, 10, 15, 5, 20, ILHEAP_IL_ECLAUSE_OUTSIDE},
      {ILHEAP_IL_CATCH, 0, 10, 10, 10, 0, ILHEAP_IL_ECLASS_TOKEN},
      {ILHEAP_IL_CATCH, 0, 10, 10, 10, 0x01000000, ILHEAP_IL_ECLASS_TOKEN},
      {ILHEAP_IL_CATCH, 0, 10, 10, 10, 0x06000001, ILHEAP_IL_ECLASS_TOKEN},
      {ILHEAP_IL_CATCH, 0, 10, 10, 10, 0x11000001, ILHEAP_IL_ECLASS_TOKEN},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    small_clause(q, cases[i].kind, cases[i].to, cases[i].tl, cases[i].ho, cases[i].hl,
                 cases[i].tok);
    cr_assert_eq(parse_at0(sect + 16), cases[i].want, "case %zu", i);
  }
  /* Fat clauses: offset + length must not wrap. */
  s[0] = 0x41;
  s[1] = 28;
  memset(q, 0, 24);
  q[0] = ILHEAP_IL_FINALLY;
  memset(q + 4, 0xFF, 4); /* try offset 0xFFFFFFFF */
  q[8] = 2;               /* try length 2: the sum wraps in 32 bits */
  q[16] = 1;
  cr_assert_eq(parse_at0(sect + 28), ILHEAP_IL_ECLAUSE_OUTSIDE);
}

/* C6: every prefix of a valid body, in a malloc of exactly that size (ASan sees
 * any read past it), fails with a past-the-end reason; the whole body parses. */
Test(il_parse, never_reads_past_avail) {
  fill_code();
  ilheap_il_clause c = finally_clause(0, 1, 1, 1);
  ilheap_il_body b = body_of(65);
  b.clauses = &c;
  b.clause_count = 1;
  b.flags = ILHEAP_IL_FAT_SECTION;
  uint32_t size = write_at(&b, 0);
  for (uint32_t n = 0; n <= size; n++) {
    uint8_t *p = malloc(n ? n : 1);
    cr_assert_not_null(p);
    cr_assert_eq((uintptr_t)p % 4, 0);
    memcpy(p, arena, n);
    int r = ilheap_il_parse(p, n, NULL);
    if (n == size)
      cr_assert_eq(r, ILHEAP_IL_OK);
    else
      cr_assert(r == ILHEAP_IL_EHEADER_PAST_END || r == ILHEAP_IL_ECODE_PAST_END ||
                    r == ILHEAP_IL_ESECTION_PAST_END,
                "prefix %u: %s", n, ilheap_il_strerror(r));
    free(p);
  }
}

/* ---- Writer reasons and bad input ------------------------------------------------- */

Test(il_write, bad_arguments) {
  fill_code();
  ilheap_il_body b = body_of(4);
  uint32_t size = 5;
  cr_assert_eq(ilheap_il_size(NULL, 0, &size), ILHEAP_IL_EBADARG);
  cr_assert_eq(size, 0);
  cr_assert_eq(ilheap_il_size(&b, 0, NULL), ILHEAP_IL_EBADARG);
  cr_assert_eq(ilheap_il_write(NULL, arena, 64, NULL), ILHEAP_IL_EBADARG);
  cr_assert_eq(ilheap_il_write(&b, NULL, 64, NULL), ILHEAP_IL_EBADARG);
  for (int k = 0; k < 5; k++) {
    ilheap_il_body x = body_of(4);
    switch (k) {
    case 0: x.flags = 0x8; break;
    case 1: x.flags = ILHEAP_IL_TINY | ILHEAP_IL_FAT; break;
    case 2: x.code = NULL; break;
    case 3: x.clause_count = 1; break;
    case 4: x.max_stack = 0x10000; break;
    }
    cr_assert_eq(ilheap_il_size(&x, 0, &size), ILHEAP_IL_EBADARG, "case %d", k);
  }
  ilheap_il_body empty = body_of(0);
  empty.code = NULL;
  cr_assert_eq(ilheap_il_size(&empty, 0, &size), ILHEAP_IL_EEMPTY_CODE);
  ilheap_il_body locals = body_of(4);
  locals.local_sig_token = 0x11000000;
  cr_assert_eq(ilheap_il_size(&locals, 0, &size), ILHEAP_IL_ELOCALS_TOKEN);
  ilheap_il_clause bad = finally_clause(0, 5, 0, 1);
  b.clauses = &bad;
  b.clause_count = 1;
  cr_assert_eq(ilheap_il_size(&b, 0, &size), ILHEAP_IL_ECLAUSE_OUTSIDE);
  bad.kind = 7;
  cr_assert_eq(ilheap_il_size(&b, 0, &size), ILHEAP_IL_ECLAUSE_KIND);
  bad = finally_clause(0, 1, 1, 1);
  bad.kind = ILHEAP_IL_CATCH;
  cr_assert_eq(ilheap_il_size(&b, 0, &size), ILHEAP_IL_ECLASS_TOKEN);
  ilheap_il_clause_at(NULL, 0, &bad); /* must not crash */
  ilheap_il_view v;
  memset(&v, 0, sizeof v);
  cr_assert_eq(ilheap_il_clause_at(&v, 0, &bad), ILHEAP_IL_EBADARG);
  cr_assert_eq(ilheap_il_clause_at(&v, 0, NULL), ILHEAP_IL_EBADARG);
  cr_assert_eq(ilheap_il_parse(NULL, 10, &v), ILHEAP_IL_EBADARG);
}

Test(il_write, too_large) {
  fill_code();
  ilheap_il_body b = body_of(0xFFFFFFFFu); /* code is only read by a write that goes ahead */
  b.flags = ILHEAP_IL_FAT;
  uint32_t size = 1;
  cr_assert_eq(ilheap_il_size(&b, 0, &size), ILHEAP_IL_ETOO_LARGE);
  cr_assert_eq(size, 0);
  b.code_size = 0xFFFFFFFFu - 12;
  cr_assert_eq(ilheap_il_size(&b, 0, &size), ILHEAP_IL_OK);
  cr_assert_eq(size, 0xFFFFFFFFu);
  cr_assert_eq(ilheap_il_write(&b, arena, sizeof arena, NULL), ILHEAP_IL_ETOO_SMALL);
  /* A section that pushes a body past 32 bits. */
  ilheap_il_clause c = finally_clause(0, 1, 1, 1);
  b.clauses = &c;
  b.clause_count = 1;
  cr_assert_eq(ilheap_il_size(&b, 0, &size), ILHEAP_IL_ETOO_LARGE);
  /* Counts: the fat section's maximum, and one more. */
  b.clause_count = ILHEAP_IL_FAT_MAX_CLAUSES + 1;
  cr_assert_eq(ilheap_il_size(&b, 0, &size), ILHEAP_IL_ETOO_LARGE);
  b.clause_count = UINT32_MAX;
  cr_assert_eq(ilheap_il_size(&b, 0, &size), ILHEAP_IL_ETOO_LARGE);
}

Test(il_write, fat_section_maximum) {
  static ilheap_il_clause many[ILHEAP_IL_FAT_MAX_CLAUSES];
  for (uint32_t i = 0; i < ILHEAP_IL_FAT_MAX_CLAUSES; i++)
    many[i] = finally_clause(0, 1, 1, 1);
  fill_code();
  ilheap_il_body b = body_of(4);
  b.clauses = many;
  b.clause_count = ILHEAP_IL_FAT_MAX_CLAUSES;
  uint32_t size = 0;
  cr_assert_eq(ilheap_il_size(&b, 0, &size), ILHEAP_IL_OK);
  cr_assert_eq(size, 16 + 4 + 24u * ILHEAP_IL_FAT_MAX_CLAUSES);
  uint8_t *p = malloc(size);
  cr_assert_not_null(p);
  cr_assert_eq(ilheap_il_write(&b, p, size, NULL), ILHEAP_IL_OK);
  cr_assert_eq(p[16], 0x41);
  cr_assert_eq(p[17] | p[18] << 8 | p[19] << 16, 0xFFFFF4);
  ilheap_il_view v;
  cr_assert_eq(ilheap_il_parse(p, size, &v), ILHEAP_IL_OK);
  cr_assert_eq(v.body.clause_count, ILHEAP_IL_FAT_MAX_CLAUSES);
  free(p);
}

Test(il_write, destination_too_small_writes_nothing) {
  fill_code();
  ilheap_il_clause c = finally_clause(0, 1, 1, 1);
  ilheap_il_body b = body_of(70);
  b.clauses = &c;
  b.clause_count = 1;
  uint32_t size = 0;
  cr_assert_eq(ilheap_il_size(&b, 0, &size), ILHEAP_IL_OK);
  cr_assert_eq(size, 12 + 70 + 2 + 16);
  memset(arena, 0xAA, 256);
  uint32_t written = 3;
  cr_assert_eq(ilheap_il_write(&b, arena, size - 1, &written), ILHEAP_IL_ETOO_SMALL);
  cr_assert_eq(written, 0);
  for (size_t i = 0; i < 256; i++)
    cr_assert_eq(arena[i], 0xAA);
  cr_assert_eq(ilheap_il_write(&b, arena, size, &written), ILHEAP_IL_OK);
  cr_assert_eq(written, size);
}

/* FAT_SECTION with no clauses: there is no section, the flag chooses nothing;
 * the body is written as it would be without it, tiny header included. */
Test(il_write, fat_section_without_clauses) {
  fill_code();
  static const uint32_t shapes[][2] = {
      /* flags with FAT_SECTION, and the same without it */
      {ILHEAP_IL_FAT_SECTION, 0},
      {ILHEAP_IL_FAT | ILHEAP_IL_FAT_SECTION, ILHEAP_IL_FAT},
      {ILHEAP_IL_TINY | ILHEAP_IL_FAT_SECTION, ILHEAP_IL_TINY},
      {ILHEAP_IL_INIT_LOCALS | ILHEAP_IL_FAT_SECTION, ILHEAP_IL_INIT_LOCALS},
  };
  static uint8_t plain[64];
  for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
    ilheap_il_body b = body_of(5);
    b.flags = shapes[k][1];
    uint32_t want = write_at(&b, 0);
    memcpy(plain, arena, want);
    b.flags = shapes[k][0];
    uint32_t size = write_at(&b, 0);
    cr_assert_eq(size, want, "shape %zu", k);
    cr_assert(memcmp(arena, plain, size) == 0, "shape %zu: other bytes than without the flag", k);
    ilheap_il_view v;
    cr_assert_eq(ilheap_il_parse(arena, size, &v), ILHEAP_IL_OK);
    cr_assert_null(v.section);
  }
}

/* An EH section of zero clauses, small or fat, parses (ECMA-335 allows it); its
 * view writes back as the same body without the section. */
Test(il_parse, zero_clause_section_writes_back) {
  fill_code();
  for (int fat = 0; fat < 2; fat++) {
    uint32_t sect = hand_fat(0x3003 | 0x8 /* MoreSects */, 6, 0);
    memcpy(arena + 12, code, 6);
    arena[sect] = fat ? 0x41 : 0x01; /* EH table, fat or small */
    arena[sect + 1] = 4;             /* DataSize: the section header alone */
    ilheap_il_view v;
    cr_assert_eq(ilheap_il_parse(arena, sect + 4, &v), ILHEAP_IL_OK, "fat %d", fat);
    cr_assert_eq(v.body.clause_count, 0);
    cr_assert_not_null(v.section);
    cr_assert_eq(v.size, sect + 4);
    cr_assert_eq(v.body.flags, ILHEAP_IL_FAT | (fat ? ILHEAP_IL_FAT_SECTION : 0));
    static _Alignas(4) uint8_t out[64];
    uint32_t written = 0;
    cr_assert_eq(ilheap_il_write(&v.body, out, sizeof out, &written), ILHEAP_IL_OK, "fat %d", fat);
    cr_assert_eq(written, 12 + 6, "the same body without its empty section");
    ilheap_il_view w;
    cr_assert_eq(ilheap_il_parse(out, written, &w), ILHEAP_IL_OK);
    cr_assert_eq(w.body.flags, ILHEAP_IL_FAT);
    cr_assert_null(w.section);
    cr_assert_eq(w.body.max_stack, v.body.max_stack);
    cr_assert_eq(w.body.code_size, 6);
    cr_assert(memcmp(w.body.code, code, 6) == 0);
  }
}

/* ---- The .NET Framework rule -------------------------------------------------------- */

Test(il_module, placement) {
  fill_code();
  ilheap_il_body b = body_of(3);
  uint32_t size = write_at(&b, 64);
  const uint8_t *p = arena + 64;
  uintptr_t a = (uintptr_t)p;
  ilheap_il_view v;
  cr_assert_eq(ilheap_il_check_in_module(p, size, a - 1, 1 + size, &v), ILHEAP_IL_OK);
  cr_assert_eq(v.size, 4);
  cr_assert_eq(ilheap_il_check_in_module(p, size, a - 1, size, &v), ILHEAP_IL_EOUTSIDE_WINDOW);
  cr_assert_eq(v.size, 0, "zeroed on error");
  cr_assert_eq(ilheap_il_check_in_module(p, size, a, 0x7FFFFFFF, NULL), ILHEAP_IL_ENOT_ABOVE_BASE);
  cr_assert_eq(ilheap_il_check_in_module(p, size, UINTPTR_MAX, 0x7FFFFFFF, NULL),
               ILHEAP_IL_ENOT_ABOVE_BASE);
  cr_assert_eq(ilheap_il_check_in_module(p, size, 0, 0, NULL), ILHEAP_IL_EOUTSIDE_WINDOW);
  cr_assert_eq(ilheap_il_check_in_module(p, size, 0, UINT32_MAX, NULL),
               a + size <= UINT32_MAX ? ILHEAP_IL_OK : ILHEAP_IL_EOUTSIDE_WINDOW);
  cr_assert_eq(ilheap_il_check_in_module(p, size - 1, a - 1, 100, NULL), ILHEAP_IL_ECODE_PAST_END);
  cr_assert_eq(ilheap_il_check_in_module(NULL, size, 0, 100, NULL), ILHEAP_IL_EBADARG);
  /* The first byte is judged before anything is read: avail 0 still says where. */
  cr_assert_eq(ilheap_il_check_in_module(p, 0, a, 100, NULL), ILHEAP_IL_ENOT_ABOVE_BASE);
}

/* The placement is checked before anything is read: a first byte at or past
 * the window's top is answered without touching the body, here a page nobody
 * may read (the simulated space's, reserved and never committed). */
Test(il_module, placement_before_reading) {
  ilheap_sim *sim = NULL;
  cr_assert_eq(ilheap_sim_create((size_t)1 << 20, 0, &sim), ILHEAP_OK);
  const uint8_t *p = (const uint8_t *)(ilheap_sim_base(sim) + ((uintptr_t)64 << 10));
  uintptr_t a = (uintptr_t)p;
  ilheap_il_view v;
  memset(&v, 0xFF, sizeof v);
  /* The first byte at offset max_offset: outside, not one byte read. */
  cr_assert_eq(ilheap_il_check_in_module(p, 64, a - 100, 100, &v), ILHEAP_IL_EOUTSIDE_WINDOW);
  cr_assert_eq(v.size, 0, "zeroed on error");
  cr_assert_eq(ilheap_il_check_in_module(p, 64, a - 100, 50, NULL), ILHEAP_IL_EOUTSIDE_WINDOW);
  cr_assert_eq(ilheap_il_check_in_module(p, 64, a - 1, 0, NULL), ILHEAP_IL_EOUTSIDE_WINDOW);
  cr_assert_eq(ilheap_il_check_in_module(p, 64, a - 1, 1, NULL), ILHEAP_IL_EOUTSIDE_WINDOW);
  ilheap_sim_destroy(sim);
}

Test(il_names, every_answer_has_its_own_name) {
  const char *seen[64] = {0};
  for (int a = 0; a <= ILHEAP_IL_ENOMEM; a++) { /* the last answer (ilheap_il_verify.h's) */
    const char *s = ilheap_il_strerror(a);
    cr_assert_not_null(s);
    cr_assert_str_neq(s, "unknown IL answer", "answer %d", a);
    for (int k = 0; k < a; k++)
      cr_assert_str_neq(s, seen[k], "answers %d and %d share a name", k, a);
    seen[a] = s;
  }
  cr_assert_str_eq(ilheap_il_strerror(-1), "unknown IL answer");
  cr_assert_str_eq(ilheap_il_strerror(ILHEAP_IL_ENOMEM + 1), "unknown IL answer");
}

/* ---- Round trip: described, written, parsed, the same description ------------------- */

Test(il_roundtrip, one_of_each) {
  fill_code();
  ilheap_il_clause c[4] = {finally_clause(0, 4, 4, 4), finally_clause(1, 2, 8, 2),
                           finally_clause(0, 12, 12, 3), finally_clause(2, 3, 20, 5)};
  c[1].kind = ILHEAP_IL_CATCH;
  c[1].class_token = 0x1B000003;
  c[2].kind = ILHEAP_IL_FAULT;
  c[2].class_token = 0xDEADBEEF; /* unused by the runtime, kept as given */
  c[3].kind = ILHEAP_IL_FILTER;
  c[3].filter_offset = 15;
  for (uint32_t n = 25; n < 29; n++) {
    ilheap_il_body b = body_of(n);
    b.max_stack = 3;
    b.local_sig_token = 0x11000002;
    b.flags = ILHEAP_IL_INIT_LOCALS;
    b.clauses = c;
    b.clause_count = 4;
    uint32_t size = write_at(&b, 12);
    ilheap_il_view v;
    cr_assert_eq(ilheap_il_parse(arena + 12, size, &v), ILHEAP_IL_OK);
    cr_assert_eq(v.body.flags, ILHEAP_IL_FAT | ILHEAP_IL_INIT_LOCALS);
    cr_assert_eq(v.body.max_stack, 3);
    cr_assert_eq(v.body.local_sig_token, 0x11000002);
    cr_assert_eq(v.body.code_size, n);
    cr_assert_eq(memcmp(v.body.code, code, n), 0);
    cr_assert_eq(v.body.clause_count, 4);
    for (uint32_t i = 0; i < 4; i++) {
      ilheap_il_clause got;
      cr_assert_eq(ilheap_il_clause_at(&v, i, &got), ILHEAP_IL_OK);
      cr_assert_eq(memcmp(&got, &c[i], sizeof got), 0, "clause %u", i);
    }
    cr_assert_eq(ilheap_il_clause_at(&v, 4, &c[0]), ILHEAP_IL_EBADARG);
    /* One byte fewer is a section past the end; more bytes change nothing. */
    cr_assert_eq(ilheap_il_parse(arena + 12, size - 1, NULL), ILHEAP_IL_ESECTION_PAST_END);
    cr_assert_eq(ilheap_il_parse(arena + 12, size + 100, &v), ILHEAP_IL_OK);
    cr_assert_eq(v.size, size);
  }
}

/* The example of README.md ("Writing IL method bodies"), as written there, with
 * a malloc standing in for IMethodMalloc and a module base just below it. */
Test(il_readme, example) {
  /* try { nop; leave.s 4 } finally { endfinally } 4: ret */
  static const uint8_t code5[] = {0x00, 0xDE, 0x01, 0xDC, 0x2A};
  ilheap_il_clause clause = {.kind = ILHEAP_IL_FINALLY,
                             .try_offset = 0,
                             .try_length = 3,
                             .handler_offset = 3,
                             .handler_length = 1};
  ilheap_il_body body = {.code = code5,
                         .code_size = sizeof code5,
                         .max_stack = 1,
                         .local_sig_token = 0x11000001,
                         .flags = ILHEAP_IL_INIT_LOCALS,
                         .clauses = &clause,
                         .clause_count = 1};
  uint32_t cb;
  cr_assert_eq(ilheap_il_size(&body, 0, &cb), ILHEAP_IL_OK);
  cr_assert_eq(cb, 12 + 5 + 3 + 4 + 12);
  uint8_t *p = malloc(cb);
  cr_assert_not_null(p);
  cr_assert_eq(ilheap_il_write(&body, p, cb, NULL), ILHEAP_IL_OK);
  uintptr_t module_base = (uintptr_t)p - 0x1000;
  cr_assert_eq(ilheap_il_check_in_module(p, cb, module_base, ILHEAP_DEFAULT_MAX_OFFSET, NULL),
               ILHEAP_IL_OK);
  free(p);
}
