/*
 * IL method bodies for the demo, laid out as ECMA-335 II.25.4 and CoreCLR's
 * corhlpr.h describe them:
 *
 *   tiny: one header byte (codeSize << 2) | 0x2, codeSize < 64, then the code;
 *         any alignment.
 *   fat:  a 12-byte header on a 4-byte boundary (flags/size u16 with the size
 *         3 dwords in the top 4 bits, MaxStack u16, CodeSize u32,
 *         LocalVarSigTok u32), the code, then, when MoreSects is set, a small
 *         EH section (kind 0x01, DataSize = n * 12 + 4) at the next 4-byte
 *         boundary of the ABSOLUTE address after the code.
 *
 * Everything a body holds is derived from a 64-bit key, so the checker can
 * recompute it instead of keeping a copy.
 */
#include "demo.h"

#include <string.h>

enum {
  TINY_FORMAT = 0x2,
  FAT_FORMAT = 0x3,
  FAT_MORE_SECTS = 0x8,
  FAT_INIT_LOCALS = 0x10,
  FAT_HEADER_DWORDS = 3,
  FAT_HEADER_SIZE = 12,
  SECT_EH_TABLE = 0x01,
  SMALL_CLAUSE_SIZE = 12,
  SMALL_SECT_HEADER = 4,
  MAX_SMALL_CLAUSES = 20, /* DataSize is one byte: 20 * 12 + 4 = 244 */
  IL_RET = 0x2A
};

uint64_t demo_mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/* A number in [0, n) (0 when n is 0). */
static uint32_t pick(uint64_t key, uint64_t salt, uint32_t n) {
  if (n == 0) {
    return 0;
  }
  return (uint32_t)(demo_mix64(key ^ (salt * 0xD1B54A32D192ED03ull)) % n);
}

void demo_body_plan_for(uint64_t key, demo_body_plan *plan) {
  memset(plan, 0, sizeof *plan);
  if (pick(key, 1, 100) < 85) {
    /* Tiny: getters, setters, forwarding stubs. The smaller of two uniform
     * draws leans towards the short bodies that dominate real assemblies. */
    uint32_t a = 1 + pick(key, 2, 63), b = 1 + pick(key, 3, 63);
    plan->code_size = a < b ? a : b;
    plan->cb = 1 + plan->code_size;
    return;
  }
  /* Fat: 64 bytes to about 4 KiB of code, quadratic so most are a few hundred. */
  uint32_t x = pick(key, 4, 1000);
  plan->fat = 1;
  plan->code_size = 64 + (uint32_t)((uint64_t)x * x * 4000u / 1000000u);
  if (pick(key, 5, 100) < 60) {
    plan->eh_clauses = 1 + pick(key, 6, 6);
  }
  /* The pad assumes a 4-byte aligned start, which contract 2 guarantees
   * (alignment >= 4); demo_body_write checks it against the real address. */
  uint32_t pad = (4u - plan->code_size % 4u) % 4u;
  plan->cb = FAT_HEADER_SIZE + plan->code_size + pad;
  if (plan->eh_clauses) {
    plan->cb += SMALL_SECT_HEADER + SMALL_CLAUSE_SIZE * plan->eh_clauses;
  }
}

static void put16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static void put32(uint8_t *p, uint32_t v) {
  put16(p, v & 0xFFFFu);
  put16(p + 2, v >> 16);
}
static uint32_t get16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t get32(const uint8_t *p) { return get16(p) | get16(p + 2) << 16; }

/* The code bytes: arbitrary opcodes ending in ret. */
static uint8_t code_byte(uint64_t key, uint32_t i, uint32_t code_size) {
  if (i + 1 == code_size) {
    return IL_RET;
  }
  return (uint8_t)(demo_mix64(key * 31u + i) >> 56);
}

/* One small exception clause, inside the code. */
typedef struct clause {
  uint32_t flags, try_off, try_len, handler_off, handler_len, token;
} clause;

static void clause_for(uint64_t key, uint32_t idx, uint32_t code_size, clause *c) {
  uint32_t quarter = code_size / 4; /* code_size >= 64 for fat bodies */
  c->flags = pick(key, 100 + idx, 2) ? 0x2u /* finally */ : 0x0u /* typed catch */;
  c->try_off = pick(key, 200 + idx, code_size / 2);
  c->try_len = 1 + pick(key, 300 + idx, quarter < 255 ? quarter : 255);
  c->handler_off = c->try_off + c->try_len;
  c->handler_len = 1 + pick(key, 400 + idx, quarter < 255 ? quarter : 255);
  c->token = c->flags ? 0 : 0x01000000u | (1 + pick(key, 500 + idx, 0xFFFF));
}

static uint8_t *eh_section(uint8_t *p, uint32_t code_size) {
  uintptr_t after = (uintptr_t)p + FAT_HEADER_SIZE + code_size;
  return p + ((after + 3u) & ~(uintptr_t)3u) - (uintptr_t)p;
}

static uint32_t locals_token(uint64_t key) {
  return pick(key, 7, 2) ? 0x11000000u | (1 + pick(key, 8, 500)) : 0;
}

int demo_body_write(uint8_t *p, uint64_t key, const demo_body_plan *plan) {
  if (!plan->fat) {
    p[0] = (uint8_t)(plan->code_size << 2 | TINY_FORMAT);
    for (uint32_t i = 0; i < plan->code_size; i++) {
      p[1 + i] = code_byte(key, i, plan->code_size);
    }
    return 0;
  }
  if ((uintptr_t)p % 4u != 0) {
    return -1; /* a fat header SHALL start on a 4-byte boundary */
  }
  uint8_t *eh = eh_section(p, plan->code_size);
  uint32_t eh_size =
      plan->eh_clauses ? SMALL_SECT_HEADER + SMALL_CLAUSE_SIZE * plan->eh_clauses : 0;
  if ((size_t)(eh - p) + eh_size > plan->cb) {
    return -1;
  }
  uint32_t locals = locals_token(key);
  uint32_t flags = FAT_FORMAT | (plan->eh_clauses ? FAT_MORE_SECTS : 0) |
                   (locals ? FAT_INIT_LOCALS : 0) | (uint32_t)FAT_HEADER_DWORDS << 12;
  put16(p, flags);
  put16(p + 2, 8 + pick(key, 9, 24)); /* MaxStack */
  put32(p + 4, plan->code_size);
  put32(p + 8, locals);
  for (uint32_t i = 0; i < plan->code_size; i++) {
    p[FAT_HEADER_SIZE + i] = code_byte(key, i, plan->code_size);
  }
  if (plan->eh_clauses) {
    eh[0] = SECT_EH_TABLE;
    eh[1] = (uint8_t)eh_size;
    put16(eh + 2, 0);
    for (uint32_t k = 0; k < plan->eh_clauses; k++) {
      clause c;
      clause_for(key, k, plan->code_size, &c);
      uint8_t *q = eh + SMALL_SECT_HEADER + (size_t)SMALL_CLAUSE_SIZE * k;
      put16(q, c.flags);
      put16(q + 2, c.try_off);
      q[4] = (uint8_t)c.try_len;
      put16(q + 5, c.handler_off);
      q[7] = (uint8_t)c.handler_len;
      put32(q + 8, c.token);
    }
  }
  return 0;
}

static int fail(const char **why, const char *reason) {
  *why = reason;
  return -1;
}

int demo_body_check(const uint8_t *p, uint64_t key, const demo_body_plan *plan, const char **why) {
  *why = "";
  if (!plan->fat) {
    if ((p[0] & 0x3u) != TINY_FORMAT) {
      return fail(why, "tiny header: format bits");
    }
    if ((uint32_t)(p[0] >> 2) != plan->code_size) {
      return fail(why, "tiny header: code size");
    }
    for (uint32_t i = 0; i < plan->code_size; i++) {
      if (p[1 + i] != code_byte(key, i, plan->code_size)) {
        return fail(why, "tiny body: code bytes");
      }
    }
    return 0;
  }
  uint32_t flags = get16(p);
  if ((flags & 0x3u) != FAT_FORMAT || flags >> 12 != FAT_HEADER_DWORDS) {
    return fail(why, "fat header: format or size");
  }
  if (get32(p + 4) != plan->code_size) {
    return fail(why, "fat header: code size");
  }
  if (((flags & FAT_MORE_SECTS) != 0) != (plan->eh_clauses != 0)) {
    return fail(why, "fat header: MoreSects");
  }
  if (get32(p + 8) != locals_token(key) || get16(p + 2) != 8 + pick(key, 9, 24)) {
    return fail(why, "fat header: locals or max stack");
  }
  for (uint32_t i = 0; i < plan->code_size; i++) {
    if (p[FAT_HEADER_SIZE + i] != code_byte(key, i, plan->code_size)) {
      return fail(why, "fat body: code bytes");
    }
  }
  if (plan->eh_clauses == 0) {
    return 0;
  }
  /* The reader finds the section where the runtime would: the next 4-byte
   * boundary of the absolute address after the code. */
  const uint8_t *eh = eh_section((uint8_t *)(uintptr_t)p, plan->code_size);
  if (eh[0] != SECT_EH_TABLE || eh[1] != SMALL_SECT_HEADER + SMALL_CLAUSE_SIZE * plan->eh_clauses) {
    return fail(why, "EH section: kind or DataSize");
  }
  for (uint32_t k = 0; k < plan->eh_clauses; k++) {
    clause c;
    clause_for(key, k, plan->code_size, &c);
    const uint8_t *q = eh + SMALL_SECT_HEADER + (size_t)SMALL_CLAUSE_SIZE * k;
    if (get16(q) != c.flags || get16(q + 2) != c.try_off || q[4] != c.try_len ||
        get16(q + 5) != c.handler_off || q[7] != c.handler_len || get32(q + 8) != c.token) {
      return fail(why, "EH section: clause");
    }
    if (c.handler_off + c.handler_len > plan->code_size) {
      return fail(why, "EH section: clause outside the code");
    }
  }
  return 0;
}
