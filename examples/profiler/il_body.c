/* IL method body layout: see il_body.h. Little-endian, byte by byte, so it
 * never depends on the host's alignment or endianness. */
#include "il_body.h"

#include <string.h>

static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd24(const uint8_t *p) { return rd16(p) | (uint32_t)p[2] << 16; }
static uint32_t rd32(const uint8_t *p) { return rd24(p) | (uint32_t)p[3] << 24; }

static void wr16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static void wr24(uint8_t *p, uint32_t v) {
  wr16(p, v);
  p[2] = (uint8_t)(v >> 16);
}
static void wr32(uint8_t *p, uint32_t v) {
  wr24(p, v);
  p[3] = (uint8_t)(v >> 24);
}

/* Offset of the next 4-byte boundary of the absolute address base + off. */
static size_t align4_abs(uintptr_t base, size_t off) {
  uintptr_t end = base + off;
  return off + (size_t)((4u - (end & 3u)) & 3u);
}

static int parse_sections(const uint8_t *body, size_t len, size_t off, il_method *out) {
  for (;;) {
    off = align4_abs((uintptr_t)body, off);
    if (off + 4 > len)
      return -1;
    const uint8_t *s = body + off;
    uint32_t kind = s[0];
    int fat = (kind & IL_SECT_FAT_FORMAT) != 0;
    uint32_t size = fat ? rd24(s + 1) : s[1];
    if (size < 4 || off + size > len)
      return -1;
    if (kind & IL_SECT_EHTABLE) {
      uint32_t clause_size = fat ? 24u : 12u;
      uint32_t n = (size - 4) / clause_size;
      if ((size - 4) % clause_size != 0 || out->clause_count + n > IL_MAX_CLAUSES)
        return -1;
      for (uint32_t i = 0; i < n; i++) {
        const uint8_t *c = s + 4 + (size_t)i * clause_size;
        il_clause *cl = &out->clauses[out->clause_count++];
        if (fat) {
          cl->flags = rd32(c);
          cl->try_offset = rd32(c + 4);
          cl->try_length = rd32(c + 8);
          cl->handler_offset = rd32(c + 12);
          cl->handler_length = rd32(c + 16);
          cl->class_token = rd32(c + 20);
        } else {
          cl->flags = rd16(c);
          cl->try_offset = rd16(c + 2);
          cl->try_length = c[4];
          cl->handler_offset = rd16(c + 5);
          cl->handler_length = c[7];
          cl->class_token = rd32(c + 8);
        }
      }
    }
    off += size;
    if (!(kind & IL_SECT_MORE_SECTS))
      return 0;
  }
}

int il_parse(const uint8_t *body, size_t len, il_method *out) {
  if (!body || !out || len < 1)
    return -1;
  memset(out, 0, sizeof *out);
  if ((body[0] & 0x3u) == IL_FORMAT_TINY) {
    out->flags = IL_FORMAT_TINY;
    out->max_stack = 8;
    out->code_size = body[0] >> 2;
    out->code = body + 1;
    return 1 + (size_t)out->code_size <= len ? 0 : -1;
  }
  if ((body[0] & 0x3u) != IL_FORMAT_FAT || ((uintptr_t)body & 3u) != 0 || len < IL_FAT_HEADER_SIZE)
    return -1;
  uint32_t w = rd16(body);
  uint32_t header_dwords = w >> 12;
  if (header_dwords * 4u < IL_FAT_HEADER_SIZE)
    return -1;
  out->fat = 1;
  out->flags = w & 0xFFFu;
  out->max_stack = rd16(body + 2);
  out->code_size = rd32(body + 4);
  out->local_sig_token = rd32(body + 8);
  size_t header = (size_t)header_dwords * 4u;
  if (out->code_size > len || header > len - out->code_size)
    return -1;
  out->code = body + header;
  if (!(out->flags & IL_MORE_SECTS))
    return 0;
  return parse_sections(body, len, header + out->code_size, out);
}

size_t il_tiny_size(size_t code_size) { return code_size <= IL_TINY_MAX_CODE ? 1 + code_size : 0; }

size_t il_write_tiny(uint8_t *dst, const uint8_t *code, size_t code_size) {
  if (!dst || code_size > IL_TINY_MAX_CODE || (code_size && !code))
    return 0;
  dst[0] = (uint8_t)(code_size << 2 | IL_FORMAT_TINY);
  memcpy(dst + 1, code, code_size);
  return 1 + code_size;
}

static int fits_small(const il_clause *clauses, size_t n) {
  if (4 + 12 * n > 0xFF)
    return 0;
  for (size_t i = 0; i < n; i++) {
    const il_clause *c = &clauses[i];
    if (c->flags > 0xFFFF || c->try_offset > 0xFFFF || c->try_length > 0xFF ||
        c->handler_offset > 0xFFFF || c->handler_length > 0xFF)
      return 0;
  }
  return 1;
}

static size_t eh_section_size(const il_clause *clauses, size_t n) {
  if (n == 0)
    return 0;
  return fits_small(clauses, n) ? 4 + 12 * n : 4 + 24 * n;
}

size_t il_fat_size(size_t code_size, const il_clause *clauses, size_t n) {
  if (code_size > UINT32_MAX - 64 || n > IL_MAX_CLAUSES || (n && !clauses))
    return 0;
  size_t end = IL_FAT_HEADER_SIZE + code_size;
  if (n == 0)
    return end;
  return align4_abs(0, end) + eh_section_size(clauses, n);
}

size_t il_write_fat(uint8_t *dst, uint32_t header_flags, uint16_t max_stack,
                    uint32_t local_sig_token, const uint8_t *code, size_t code_size,
                    const il_clause *clauses, size_t n) {
  size_t total = il_fat_size(code_size, clauses, n);
  if (!dst || ((uintptr_t)dst & 3u) != 0 || total == 0 || (code_size && !code))
    return 0;
  uint32_t flags = (header_flags & ~(uint32_t)(IL_MORE_SECTS | 0x3u)) | IL_FORMAT_FAT;
  if (n)
    flags |= IL_MORE_SECTS;
  wr16(dst, (3u << 12) | (flags & 0xFFFu));
  wr16(dst + 2, max_stack);
  wr32(dst + 4, (uint32_t)code_size);
  wr32(dst + 8, local_sig_token);
  memcpy(dst + IL_FAT_HEADER_SIZE, code, code_size);
  size_t off = IL_FAT_HEADER_SIZE + code_size;
  if (n == 0)
    return off;
  size_t sect = align4_abs((uintptr_t)dst, off);
  memset(dst + off, 0, sect - off);
  uint8_t *s = dst + sect;
  if (fits_small(clauses, n)) {
    s[0] = IL_SECT_EHTABLE;
    s[1] = (uint8_t)(4 + 12 * n);
    wr16(s + 2, 0);
    for (size_t i = 0; i < n; i++) {
      uint8_t *c = s + 4 + 12 * i;
      wr16(c, clauses[i].flags);
      wr16(c + 2, clauses[i].try_offset);
      c[4] = (uint8_t)clauses[i].try_length;
      wr16(c + 5, clauses[i].handler_offset);
      c[7] = (uint8_t)clauses[i].handler_length;
      wr32(c + 8, clauses[i].class_token);
    }
  } else {
    s[0] = IL_SECT_EHTABLE | IL_SECT_FAT_FORMAT;
    wr24(s + 1, (uint32_t)(4 + 24 * n));
    for (size_t i = 0; i < n; i++) {
      uint8_t *c = s + 4 + 24 * i;
      wr32(c, clauses[i].flags);
      wr32(c + 4, clauses[i].try_offset);
      wr32(c + 8, clauses[i].try_length);
      wr32(c + 12, clauses[i].handler_offset);
      wr32(c + 16, clauses[i].handler_length);
      wr32(c + 20, clauses[i].class_token);
    }
  }
  return total;
}
