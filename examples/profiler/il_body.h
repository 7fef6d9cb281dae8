/*
 * il_body: reading and writing IL method bodies (ECMA-335 II.25.4; the
 * layout dotnet/runtime's corhlpr.h describes).
 *
 * A body is a header, the code, then optional extra-data sections (the
 * exception-handling table):
 *  - tiny header: one byte, (code_size << 2) | 0x2; code_size < 64, no locals,
 *    no exception handlers, max stack 8. Any alignment.
 *  - fat header: 12 bytes, flags and size (3 dwords) in a u16, MaxStack u16,
 *    CodeSize u32, LocalVarSigTok u32. It must start on a 4-byte boundary.
 *  - an EH section starts at the next 4-byte boundary of the ABSOLUTE address
 *    after the code, so the layout of a body depends on where it lives. The
 *    writer below assumes a 4-byte-aligned destination and says so: that is
 *    exactly what the IMethodMalloc block must guarantee.
 *
 * Nothing here knows COM or the profiling API: it is plain byte layout.
 */
#ifndef ILHEAP_SAMPLE_IL_BODY_H
#define ILHEAP_SAMPLE_IL_BODY_H

#include <stddef.h>
#include <stdint.h>

#define IL_TINY_MAX_CODE 63u
#define IL_FAT_HEADER_SIZE 12u

/* Header flags (the low 12 bits of the fat header's first u16). */
#define IL_FORMAT_TINY 0x2u
#define IL_FORMAT_FAT 0x3u
#define IL_MORE_SECTS 0x8u
#define IL_INIT_LOCALS 0x10u

/* Extra-data section kinds. */
#define IL_SECT_EHTABLE 0x1u
#define IL_SECT_FAT_FORMAT 0x40u
#define IL_SECT_MORE_SECTS 0x80u

/* Exception clause kinds (the clause's Flags field). */
#define IL_CLAUSE_TYPED 0x0u /* catch (ClassToken) */
#define IL_CLAUSE_FILTER 0x1u
#define IL_CLAUSE_FINALLY 0x2u
#define IL_CLAUSE_FAULT 0x4u

typedef struct il_clause {
  uint32_t flags;
  uint32_t try_offset;
  uint32_t try_length;
  uint32_t handler_offset;
  uint32_t handler_length;
  uint32_t class_token; /* or the filter's offset for IL_CLAUSE_FILTER */
} il_clause;

#define IL_MAX_CLAUSES 8u

/* A parsed body. code points into the parsed buffer. */
typedef struct il_method {
  int fat;            /* 0: tiny header, 1: fat header */
  uint32_t flags;     /* header flags (fat only; tiny: IL_FORMAT_TINY) */
  uint32_t max_stack; /* 8 for a tiny header */
  uint32_t code_size;
  uint32_t local_sig_token; /* 0 if none */
  const uint8_t *code;
  uint32_t clause_count; /* clauses of the first EH sections, up to IL_MAX_CLAUSES */
  il_clause clauses[IL_MAX_CLAUSES];
} il_method;

/*
 * Parses the body at body (len bytes available). Returns 0, or -1 when the
 * bytes are not a well-formed body (bad format bits, a size past len, a
 * misaligned fat header, an EH section with more clauses than IL_MAX_CLAUSES).
 */
int il_parse(const uint8_t *body, size_t len, il_method *out);

/* Bytes a tiny body with code_size bytes of code takes (0 if code_size > 63). */
size_t il_tiny_size(size_t code_size);

/* Writes a tiny body to dst (il_tiny_size(code_size) bytes). Returns the size
 * written, or 0 if code_size > 63. */
size_t il_write_tiny(uint8_t *dst, const uint8_t *code, size_t code_size);

/*
 * Bytes a fat body takes when written at a 4-byte-aligned address: header,
 * code, padding to 4, and one EH section for n clauses (none if n == 0).
 * The small section format is used when every clause fits it.
 */
size_t il_fat_size(size_t code_size, const il_clause *clauses, size_t n);

/*
 * Writes a fat body to dst, which must be 4-byte aligned (returns 0 if it is
 * not, or if a size does not fit). Padding bytes are written as zero.
 * Returns the number of bytes written (== il_fat_size(...)).
 */
size_t il_write_fat(uint8_t *dst, uint32_t header_flags, uint16_t max_stack,
                    uint32_t local_sig_token, const uint8_t *code, size_t code_size,
                    const il_clause *clauses, size_t n);

#endif
