/* SPDX-License-Identifier: MIT */
/*
 * IL method bodies: the layout of ECMA-335 II.25.4 (L1-L5 and C1-C6 in
 * include/ilheap_il.h), written and checked byte by byte, little-endian, so it
 * never depends on the host's alignment or endianness.
 *
 * Pure code: no allocation, no OS, no COM. Sizes are computed in 64 bits and
 * refused above UINT32_MAX, so no sum can wrap on a 32-bit host either. The
 * reader compares offsets with the readable length before every read and never
 * forms a pointer past p + avail.
 */
#include "ilheap_il.h"
#include "invariant.h"

#include <string.h>

enum {
  TINY_FORMAT = 0x2,    /* low 2 bits of a tiny header */
  FAT_FORMAT = 0x3,     /* low 3 bits of a fat header (bit 2 is 0) */
  FAT_MORE_SECTS = 0x8, /* a section follows the code */
  FAT_INIT_LOCALS = 0x10,
  FAT_FLAGS_KNOWN = FAT_FORMAT | FAT_MORE_SECTS | FAT_INIT_LOCALS,
  FAT_HEADER_DWORDS = 3,
  SECT_EH_TABLE = 0x01,
  SECT_FAT_FORMAT = 0x40,
  SECT_MORE_SECTS = 0x80,
  SECT_HEADER = 4,
  SMALL_CLAUSE = 12,
  FAT_CLAUSE = 24,
  TOKEN_TYPEREF = 0x01,
  TOKEN_TYPEDEF = 0x02,
  TOKEN_STANDALONESIG = 0x11,
  TOKEN_TYPESPEC = 0x1B
};

/* The compile-time facts the limits in the header rest on. */
_Static_assert(SECT_HEADER + SMALL_CLAUSE * ILHEAP_IL_SMALL_MAX_CLAUSES <= 0xFF, "small DataSize");
_Static_assert(SECT_HEADER + SMALL_CLAUSE * (ILHEAP_IL_SMALL_MAX_CLAUSES + 1) > 0xFF, "small max");
_Static_assert(SECT_HEADER + (uint64_t)FAT_CLAUSE * ILHEAP_IL_FAT_MAX_CLAUSES <= 0xFFFFFF, "fat");
_Static_assert(SECT_HEADER + (uint64_t)FAT_CLAUSE * (ILHEAP_IL_FAT_MAX_CLAUSES + 1) > 0xFFFFFF,
               "fat max");
_Static_assert(ILHEAP_IL_INIT_LOCALS == FAT_INIT_LOCALS, "the flag is the header bit");

static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd24(const uint8_t *p) { return rd16(p) | (uint32_t)p[2] << 16; }
static uint32_t rd32(const uint8_t *p) { return rd24(p) | (uint32_t)p[3] << 24; }
static void wr16(uint8_t *p, uint32_t v) {
  ILHEAP_ASSERT(v <= 0xFFFFu);
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static void wr24(uint8_t *p, uint32_t v) {
  ILHEAP_ASSERT(v <= 0xFFFFFFu);
  wr16(p, v & 0xFFFFu);
  p[2] = (uint8_t)(v >> 16);
}
static void wr32(uint8_t *p, uint32_t v) {
  wr16(p, v & 0xFFFFu);
  wr16(p + 2, v >> 16);
}

/* Padding from absolute address a to the next multiple of 4 (L3). */
static uint32_t pad4(uintptr_t a) { return (uint32_t)((4u - (a & 3u)) & 3u); }

const char *ilheap_il_strerror(int answer) {
  switch (answer) {
#define ANSWER_TEXT(name, value, text)                                                             \
  case ILHEAP_IL_##name: return text;
    ILHEAP_IL_ANSWER_LIST(ANSWER_TEXT)
#undef ANSWER_TEXT
  default: return "unknown IL answer";
  }
}

/* ---- Checks shared by the writer and the reader --------------------------------- */

static int check_locals(uint32_t token) {
  if (token == 0 || (token >> 24 == TOKEN_STANDALONESIG && (token & 0xFFFFFFu) != 0))
    return ILHEAP_IL_OK;
  return ILHEAP_IL_ELOCALS_TOKEN;
}

/* C5 for one clause of a body with code_size bytes of code. */
static int check_clause(const ilheap_il_clause *c, uint32_t code_size) {
  if (c->kind != ILHEAP_IL_CATCH && c->kind != ILHEAP_IL_FILTER && c->kind != ILHEAP_IL_FINALLY &&
      c->kind != ILHEAP_IL_FAULT)
    return ILHEAP_IL_ECLAUSE_KIND;
  if (c->try_length == 0 || c->handler_length == 0)
    return ILHEAP_IL_ECLAUSE_EMPTY;
  /* 64-bit sums: offset + length cannot wrap. */
  if ((uint64_t)c->try_offset + c->try_length > code_size ||
      (uint64_t)c->handler_offset + c->handler_length > code_size)
    return ILHEAP_IL_ECLAUSE_OUTSIDE;
  if (c->kind == ILHEAP_IL_FILTER && c->filter_offset >= code_size)
    return ILHEAP_IL_ECLAUSE_OUTSIDE;
  if (c->kind == ILHEAP_IL_CATCH) {
    uint32_t table = c->class_token >> 24;
    if ((table != TOKEN_TYPEDEF && table != TOKEN_TYPEREF && table != TOKEN_TYPESPEC) ||
        (c->class_token & 0xFFFFFFu) == 0)
      return ILHEAP_IL_ECLASS_TOKEN;
  }
  return ILHEAP_IL_OK;
}

static int clause_fits_small(const ilheap_il_clause *c) {
  return c->try_offset <= 0xFFFFu && c->try_length <= 0xFFu && c->handler_offset <= 0xFFFFu &&
         c->handler_length <= 0xFFu;
}

/* ---- Layout ---------------------------------------------------------------------------- */

/* Where each part of a body goes when written at an address with remainder at % 4. */
typedef struct layout {
  int fat, fat_section;
  uint32_t header;  /* 1 or 12 */
  uint32_t pad;     /* zero bytes between the code and the section */
  uint32_t section; /* offset of the section (0: none) */
  uint32_t size;    /* total */
} layout;

static int plan(const ilheap_il_body *b, uintptr_t at, layout *l) {
  memset(l, 0, sizeof *l);
  if ((b->flags & ~(uint32_t)ILHEAP_IL_FLAGS_ALL) != 0 ||
      (b->flags & (ILHEAP_IL_TINY | ILHEAP_IL_FAT)) == (ILHEAP_IL_TINY | ILHEAP_IL_FAT) ||
      (b->code_size != 0 && !b->code) || (b->clause_count != 0 && !b->clauses) ||
      b->max_stack > 0xFFFFu)
    return ILHEAP_IL_EBADARG;
  if (b->code_size == 0)
    return ILHEAP_IL_EEMPTY_CODE;
  int r = check_locals(b->local_sig_token);
  if (r != ILHEAP_IL_OK)
    return r;
  if (b->clause_count > ILHEAP_IL_FAT_MAX_CLAUSES)
    return ILHEAP_IL_ETOO_LARGE;
  int small_ok = b->clause_count <= ILHEAP_IL_SMALL_MAX_CLAUSES;
  for (uint32_t i = 0; i < b->clause_count; i++) {
    r = check_clause(&b->clauses[i], b->code_size);
    if (r != ILHEAP_IL_OK)
      return r;
    small_ok = small_ok && clause_fits_small(&b->clauses[i]);
  }
  int tiny_ok = b->code_size <= ILHEAP_IL_TINY_MAX_CODE &&
                b->max_stack <= ILHEAP_IL_TINY_MAX_STACK && b->local_sig_token == 0 &&
                b->clause_count == 0 && (b->flags & ILHEAP_IL_INIT_LOCALS) == 0;
  if ((b->flags & ILHEAP_IL_TINY) && !tiny_ok)
    return ILHEAP_IL_ETINY_FORBIDDEN;
  if (tiny_ok && !(b->flags & ILHEAP_IL_FAT)) {
    l->header = 1;
    l->size = 1 + b->code_size; /* code_size <= 63 */
    return ILHEAP_IL_OK;
  }
  if (at % 4u != 0)
    return ILHEAP_IL_EHEADER_MISALIGNED;
  l->fat = 1;
  l->header = ILHEAP_IL_FAT_HEADER_SIZE;
  uint64_t end = (uint64_t)ILHEAP_IL_FAT_HEADER_SIZE + b->code_size;
  if (b->clause_count != 0) {
    l->fat_section = !small_ok || (b->flags & ILHEAP_IL_FAT_SECTION);
    /* L3: the boundary of the absolute address; at % 4 == 0 here, so it is
     * also the boundary of the offset, but the sum says what the rule says. */
    l->pad = pad4(at + (uintptr_t)end);
    ILHEAP_ASSERT(l->pad < 4 && (end + l->pad) % 4 == 0);
    uint64_t section = end + l->pad;
    end = section + SECT_HEADER +
          (uint64_t)b->clause_count * (l->fat_section ? FAT_CLAUSE : SMALL_CLAUSE);
    if (end > UINT32_MAX)
      return ILHEAP_IL_ETOO_LARGE;
    l->section = (uint32_t)section;
  } /* no clauses: no section, so FAT_SECTION has nothing to choose */
  if (end > UINT32_MAX)
    return ILHEAP_IL_ETOO_LARGE;
  l->size = (uint32_t)end;
  ILHEAP_ASSERT(l->section == 0 || ((at + l->section) & 3u) == 0);
  ILHEAP_ASSERT(l->size > b->code_size);
  return ILHEAP_IL_OK;
}

int ilheap_il_size(const ilheap_il_body *body, uintptr_t at, uint32_t *size) {
  if (size)
    *size = 0;
  if (!body || !size)
    return ILHEAP_IL_EBADARG;
  layout l;
  int r = plan(body, at, &l);
  if (r == ILHEAP_IL_OK)
    *size = l.size;
  return r;
}

static void write_clause(uint8_t *q, const ilheap_il_clause *c, int fat) {
  if (fat) {
    wr32(q, c->kind);
    wr32(q + 4, c->try_offset);
    wr32(q + 8, c->try_length);
    wr32(q + 12, c->handler_offset);
    wr32(q + 16, c->handler_length);
    wr32(q + 20, c->class_token);
  } else {
    ILHEAP_ASSERT(clause_fits_small(c));
    wr16(q, c->kind);
    wr16(q + 2, c->try_offset);
    q[4] = (uint8_t)c->try_length;
    wr16(q + 5, c->handler_offset);
    q[7] = (uint8_t)c->handler_length;
    wr32(q + 8, c->class_token);
  }
}

static int parse(const uint8_t *p, size_t avail, ilheap_il_view *v);

int ilheap_il_write(const ilheap_il_body *body, void *dst, size_t cap, uint32_t *written) {
  if (written)
    *written = 0;
  if (!body || !dst)
    return ILHEAP_IL_EBADARG;
  layout l;
  int r = plan(body, (uintptr_t)dst, &l);
  if (r != ILHEAP_IL_OK)
    return r;
  if (cap < l.size)
    return ILHEAP_IL_ETOO_SMALL;
  uint8_t *p = dst;
  if (!l.fat) {
    ILHEAP_ASSERT(body->code_size <= ILHEAP_IL_TINY_MAX_CODE && l.size == 1 + body->code_size);
    p[0] = (uint8_t)(body->code_size << 2 | TINY_FORMAT);
    memmove(p + 1, body->code, body->code_size);
  } else {
    uint32_t flags = FAT_FORMAT | (body->flags & ILHEAP_IL_INIT_LOCALS) |
                     (body->clause_count ? FAT_MORE_SECTS : 0);
    ILHEAP_ASSERT(((uintptr_t)p & 3u) == 0); /* L2, refused by plan otherwise */
    wr16(p, (uint32_t)FAT_HEADER_DWORDS << 12 | flags);
    wr16(p + 2, body->max_stack);
    wr32(p + 4, body->code_size);
    wr32(p + 8, body->local_sig_token);
    memmove(p + ILHEAP_IL_FAT_HEADER_SIZE, body->code, body->code_size);
    if (body->clause_count) {
      uint8_t *s = p + l.section;
      memset(p + ILHEAP_IL_FAT_HEADER_SIZE + body->code_size, 0, l.pad);
      uint32_t each = l.fat_section ? FAT_CLAUSE : SMALL_CLAUSE;
      uint32_t data = SECT_HEADER + body->clause_count * each; /* <= 0xFFFFFF (plan) */
      if (l.fat_section) {
        s[0] = SECT_EH_TABLE | SECT_FAT_FORMAT;
        wr24(s + 1, data);
      } else {
        s[0] = SECT_EH_TABLE;
        s[1] = (uint8_t)data;
        wr16(s + 2, 0);
      }
      for (uint32_t i = 0; i < body->clause_count; i++)
        write_clause(s + SECT_HEADER + (size_t)i * each, &body->clauses[i], l.fat_section);
      ILHEAP_ASSERT(l.section + data == l.size);
    }
  }
#if ILHEAP_ASSERTS_ON
  {
    /* What was written reads back as the body it came from. */
    ilheap_il_view v;
    memset(&v, 0, sizeof v); /* as ilheap_il_parse does */
    int pr = parse(p, l.size, &v);
    ILHEAP_ASSERT(pr == ILHEAP_IL_OK && v.size == l.size &&
                  v.body.code_size == body->code_size && v.body.clause_count == body->clause_count);
  }
#endif
  if (written)
    *written = l.size;
  return ILHEAP_IL_OK;
}

/* ---- Reading ---------------------------------------------------------------------------- */

static void read_clause(const uint8_t *q, int fat, ilheap_il_clause *c) {
  if (fat) {
    c->kind = rd32(q);
    c->try_offset = rd32(q + 4);
    c->try_length = rd32(q + 8);
    c->handler_offset = rd32(q + 12);
    c->handler_length = rd32(q + 16);
    c->class_token = rd32(q + 20);
  } else {
    c->kind = rd16(q);
    c->try_offset = rd16(q + 2);
    c->try_length = q[4];
    c->handler_offset = rd16(q + 5);
    c->handler_length = q[7];
    c->class_token = rd32(q + 8);
  }
}

static int parse(const uint8_t *p, size_t avail, ilheap_il_view *v) {
  if (avail < 1)
    return ILHEAP_IL_EHEADER_PAST_END;
  if ((p[0] & 0x3u) == TINY_FORMAT) {
    /* L1: bit 2 belongs to the code size here (corhlpr's TinyFormat1). */
    v->body.code_size = p[0] >> 2;
    v->body.max_stack = ILHEAP_IL_TINY_MAX_STACK;
    v->body.flags = ILHEAP_IL_TINY;
    if (v->body.code_size == 0)
      return ILHEAP_IL_EEMPTY_CODE;
    if (avail - 1 < v->body.code_size)
      return ILHEAP_IL_ECODE_PAST_END;
    v->body.code = p + 1;
    v->size = 1 + v->body.code_size;
    return ILHEAP_IL_OK;
  }
  if ((p[0] & 0x7u) != FAT_FORMAT)
    return ILHEAP_IL_EFORMAT;
  if ((uintptr_t)p % 4u != 0)
    return ILHEAP_IL_EHEADER_MISALIGNED;
  if (avail < ILHEAP_IL_FAT_HEADER_SIZE)
    return ILHEAP_IL_EHEADER_PAST_END;
  uint32_t w = rd16(p);
  if (w >> 12 != FAT_HEADER_DWORDS)
    return ILHEAP_IL_EHEADER_SIZE;
  if ((w & 0xFFFu & ~(uint32_t)FAT_FLAGS_KNOWN) != 0)
    return ILHEAP_IL_EHEADER_FLAGS;
  v->body.flags = ILHEAP_IL_FAT | (w & FAT_INIT_LOCALS);
  v->body.max_stack = rd16(p + 2);
  v->body.code_size = rd32(p + 4);
  v->body.local_sig_token = rd32(p + 8);
  int r = check_locals(v->body.local_sig_token);
  if (r != ILHEAP_IL_OK)
    return r;
  if (v->body.code_size == 0)
    return ILHEAP_IL_EEMPTY_CODE;
  size_t left = avail - ILHEAP_IL_FAT_HEADER_SIZE;
  if (left < v->body.code_size)
    return ILHEAP_IL_ECODE_PAST_END;
  v->body.code = p + ILHEAP_IL_FAT_HEADER_SIZE;
  uint64_t end = (uint64_t)ILHEAP_IL_FAT_HEADER_SIZE + v->body.code_size; /* <= avail */
  if (!(w & FAT_MORE_SECTS)) {
    if (end > UINT32_MAX)
      return ILHEAP_IL_ETOO_LARGE;
    v->size = (uint32_t)end;
    return ILHEAP_IL_OK;
  }
  /* L3: the section starts at the next 4-byte boundary of the absolute address. */
  uint64_t sect = end + pad4((uintptr_t)p + (uintptr_t)end);
  ILHEAP_ASSERT(sect >= end && sect - end < 4);
  if (sect > avail || avail - sect < SECT_HEADER)
    return ILHEAP_IL_ESECTION_PAST_END;
  const uint8_t *s = p + sect;
  ILHEAP_ASSERT(((uintptr_t)s & 3u) == 0);
  uint32_t kind = s[0];
  if ((kind & ~(uint32_t)(SECT_FAT_FORMAT | SECT_MORE_SECTS)) != SECT_EH_TABLE)
    return ILHEAP_IL_ESECTION_KIND;
  if (kind & SECT_MORE_SECTS)
    return ILHEAP_IL_EMORE_SECTIONS;
  int fat = (kind & SECT_FAT_FORMAT) != 0;
  uint32_t data = fat ? rd24(s + 1) : s[1];
  uint32_t each = fat ? FAT_CLAUSE : SMALL_CLAUSE;
  if (data < SECT_HEADER || (data - SECT_HEADER) % each != 0)
    return ILHEAP_IL_ESECTION_SIZE;
  if (avail - sect < data)
    return ILHEAP_IL_ESECTION_PAST_END;
  if (sect + data > UINT32_MAX)
    return ILHEAP_IL_ETOO_LARGE;
  v->body.clause_count = (data - SECT_HEADER) / each;
  ILHEAP_ASSERT(v->body.clause_count <= (fat ? ILHEAP_IL_FAT_MAX_CLAUSES : ILHEAP_IL_SMALL_MAX_CLAUSES));
  v->body.flags |= fat ? ILHEAP_IL_FAT_SECTION : 0;
  v->section = s;
  v->size = (uint32_t)(sect + data);
  for (uint32_t i = 0; i < v->body.clause_count; i++) {
    ilheap_il_clause c;
    read_clause(s + SECT_HEADER + (size_t)i * each, fat, &c);
    r = check_clause(&c, v->body.code_size);
    if (r != ILHEAP_IL_OK)
      return r;
  }
  return ILHEAP_IL_OK;
}

int ilheap_il_parse(const void *p, size_t avail, ilheap_il_view *out) {
  ilheap_il_view v;
  memset(&v, 0, sizeof v);
  int r = p ? parse(p, avail, &v) : ILHEAP_IL_EBADARG;
  if (r != ILHEAP_IL_OK)
    memset(&v, 0, sizeof v);
  else
    ILHEAP_ASSERT(v.size <= avail && v.size > v.body.code_size);
  if (out)
    *out = v;
  return r;
}

int ilheap_il_clause_at(const ilheap_il_view *view, uint32_t i, ilheap_il_clause *out) {
  if (!view || !out || i >= view->body.clause_count || !view->section)
    return ILHEAP_IL_EBADARG;
  int fat = (view->body.flags & ILHEAP_IL_FAT_SECTION) != 0;
  read_clause(view->section + SECT_HEADER + (size_t)i * (fat ? FAT_CLAUSE : SMALL_CLAUSE), fat,
              out);
  return ILHEAP_IL_OK;
}

int ilheap_il_check_in_module(const void *p, size_t avail, uintptr_t module_base,
                              uint32_t max_offset, ilheap_il_view *out) {
  ilheap_il_view v;
  memset(&v, 0, sizeof v);
  if (out)
    *out = v;
  if (!p)
    return ILHEAP_IL_EBADARG;
  uintptr_t a = (uintptr_t)p;
  if (a <= module_base)
    return ILHEAP_IL_ENOT_ABOVE_BASE;
  /* Contract 1 of ilheap.h: every byte at an offset in [1, max_offset). The
   * first byte's place is judged before anything is read. */
  uintptr_t off = a - module_base;
  if (off >= max_offset)
    return ILHEAP_IL_EOUTSIDE_WINDOW;
  int r = ilheap_il_parse(p, avail, &v);
  if (r != ILHEAP_IL_OK)
    return r;
  if (v.size > max_offset - off)
    return ILHEAP_IL_EOUTSIDE_WINDOW;
  if (out)
    *out = v;
  return ILHEAP_IL_OK;
}
