/* SPDX-License-Identifier: MIT */
/*
 * ilheap_il: writing and checking IL method bodies (ECMA-335 II.25.4).
 *
 * A profiler that gets a block from IMethodMalloc then writes a method body into
 * it, and that is where profilers break: tiny headers stretched past 63 bytes of
 * code, exception sections aligned relative to a buffer instead of the absolute
 * address, clauses outside the code. This header gives the layout and a check:
 *
 *   ilheap_il_body b = {code, sizeof code, ...};   describe
 *   ilheap_il_size(&b, 0, &cb);                    size (any 4-aligned address)
 *   p = Alloc(cb);                                 an ilheap block (4-aligned)
 *   ilheap_il_write(&b, p, cb, NULL);              write at the body's home
 *   ilheap_il_parse(p, cb, NULL);                  check (a mock runtime, a test)
 *
 * Nothing here allocates, calls the OS or knows COM: plain byte layout.
 *
 * THE LAYOUT (ECMA-335 II.25.4; the numbers are the standard's)
 *
 *  L1. Tiny header: one byte, (CodeSize << 2) | 0x2; the code follows. Allowed
 *      only for CodeSize < 64, no local variables, no exception clauses, and a
 *      max stack of at most 8 (the runtime assumes 8). Any alignment.
 *  L2. Fat header: 12 bytes, little-endian: Flags (low 12 bits: 0x3 format,
 *      0x8 MoreSects, 0x10 InitLocals) and Size (top 4 bits: 3, the header's
 *      length in 4-byte units) in one u16; MaxStack u16; CodeSize u32;
 *      LocalVarSigTok u32 (0, or a StandAloneSig token 0x11xxxxxx). It SHALL
 *      start on a 4-byte boundary; the code follows at byte 12.
 *  L3. Exception clauses live in one extra data section that starts at the next
 *      4-byte boundary of the ABSOLUTE address after the code (MoreSects set in
 *      the fat header). The padding is written as zero.
 *  L4. Small section: Kind 0x01, DataSize u8 = 4 + 12 n, two reserved bytes,
 *      then n clauses of 12 bytes: Flags u16, TryOffset u16, TryLength u8,
 *      HandlerOffset u16, HandlerLength u8, ClassToken/FilterOffset u32.
 *      Used when n <= 20 and every offset fits 16 bits and every length 8 bits.
 *  L5. Fat section: Kind 0x41, DataSize u24 = 4 + 24 n, then n clauses of 24
 *      bytes, every field u32. Used otherwise (n <= 699050).
 *
 * THE CHECKS (what ilheap_il_parse refuses, and what the writer never writes)
 *
 *  C1. Code of at least one byte (an empty body cannot return).
 *  C2. A fat header's flags hold only the bits above and its Size is 3.
 *  C3. Exactly one section when MoreSects is set: an EH table (kind 0x01 or
 *      0x41) without the section MoreSects bit (0x80): the runtime reads the
 *      first EH table only, so a second section would be silently ignored.
 *  C4. DataSize exactly 4 + n * (12 or 24). (The runtime rounds a wrong DataSize
 *      down; a wrong one is a writer's bug all the same.)
 *  C5. Each clause: kind 0 (catch), 1 (filter), 2 (finally) or 4 (fault);
 *      try and handler regions of at least one byte, inside the code
 *      (offset + length <= CodeSize, computed without wrapping); a filter's
 *      offset inside the code; a catch's token a TypeDef (0x02), TypeRef (0x01)
 *      or TypeSpec (0x1B) token with a nonzero row.
 *  C6. Nothing is read past the bytes the caller said are readable, whatever
 *      they hold.
 *
 * Bad input, once: every function answers a NULL pointer it needs with
 * ILHEAP_IL_EBADARG and writes nothing through the others; sizes near
 * UINT32_MAX and clause counts that would overflow get ILHEAP_IL_ETOO_LARGE;
 * no function has undefined behaviour for any argument value.
 */
#ifndef ILHEAP_IL_H
#define ILHEAP_IL_H

#include <stddef.h>
#include <stdint.h>

#include "ilheap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Answers ----------------------------------------------------------------*/
/* 0 is OK; every reason is a distinct positive number. Listed once:
 * X(name, value, text) gives ILHEAP_IL_<name> and ilheap_il_strerror's text. */
#define ILHEAP_IL_ANSWER_LIST(X)                                                                   \
  X(OK, 0, "ok")                                                                                   \
  /* Arguments */                                                                                  \
  /* a NULL pointer, unknown flag bits, code NULL with a size... */                                \
  X(EBADARG, 1, "bad argument")                                                                    \
  /* the body would not fit in 32 bits, or too many clauses */                                     \
  X(ETOO_LARGE, 2, "body too large")                                                               \
  /* write: the destination has fewer bytes than the body needs */                                 \
  X(ETOO_SMALL, 3, "destination too small")                                                        \
  /* ILHEAP_IL_TINY asked for a body L1 does not allow */                                          \
  X(ETINY_FORBIDDEN, 4, "tiny header not allowed for this body")                                   \
  /* Header: fewer readable bytes than the header (0, or < 12 for fat) */                          \
  X(EHEADER_PAST_END, 5, "header past the end")                                                    \
  /* low bits neither tiny (x10) nor fat (011) */                                                  \
  X(EFORMAT, 6, "neither a tiny nor a fat header")                                                 \
  /* a fat header not on a 4-byte boundary (L2) */                                                 \
  X(EHEADER_MISALIGNED, 7, "fat header misaligned")                                                \
  /* a fat header whose Size is not 3 (C2) */                                                      \
  X(EHEADER_SIZE, 8, "fat header size not 3 dwords")                                               \
  /* a fat header with undefined flag bits (C2) */                                                 \
  X(EHEADER_FLAGS, 9, "fat header has undefined flags")                                            \
  /* LocalVarSigTok neither 0 nor a StandAloneSig token */                                         \
  X(ELOCALS_TOKEN, 10, "local signature token not a StandAloneSig")                                \
  /* Code: CodeSize 0 (C1) */                                                                      \
  X(EEMPTY_CODE, 11, "empty code")                                                                 \
  /* the code runs past the readable bytes */                                                      \
  X(ECODE_PAST_END, 12, "code past the end")                                                       \
  /* Section: the EH section runs past the readable bytes */                                       \
  X(ESECTION_PAST_END, 13, "EH section past the end")                                              \
  /* a section that is not an EH table (C3) */                                                     \
  X(ESECTION_KIND, 14, "section is not an EH table")                                               \
  /* DataSize not 4 + n * clause size (C4) */                                                      \
  X(ESECTION_SIZE, 15, "EH section DataSize not 4 + n * clause size")                              \
  /* the EH section says another follows (C3) */                                                   \
  X(EMORE_SECTIONS, 16, "more than one section")                                                   \
  /* Clauses (C5): not catch, filter, finally or fault */                                          \
  X(ECLAUSE_KIND, 17, "bad clause kind")                                                           \
  /* a try or handler region of 0 bytes */                                                         \
  X(ECLAUSE_EMPTY, 18, "empty try or handler region")                                              \
  /* a try, handler or filter outside the code */                                                  \
  X(ECLAUSE_OUTSIDE, 19, "clause outside the code")                                                \
  /* a catch whose token is not a type token */                                                    \
  X(ECLASS_TOKEN, 20, "catch token is not a type token")                                           \
  /* Placement (ilheap_il_check_in_module): the body starts at or below the base */                \
  X(ENOT_ABOVE_BASE, 21, "body not above the module base")                                         \
  /* the body ends past base + max_offset */                                                       \
  X(EOUTSIDE_WINDOW, 22, "body ends outside the window")                                          \
  /* The instruction checks V1-V19 (include/ilheap_il_verify.h) */                                 \
  X(EOPCODE, 23, "unknown opcode")                                                                 \
  X(EOPERAND_PAST_END, 24, "operand past the end of the code")                                     \
  X(EPREFIX, 25, "prefix before an instruction it may not prefix")                                 \
  X(EPREFIX_OPERAND, 26, "unaligned. or no. operand out of range")                                 \
  X(ETAIL_CALL, 27, "tail. call not followed by ret")                                              \
  X(ETOKEN, 28, "token from a table the instruction does not take")                                \
  X(ETARGET, 29, "branch target not an instruction start in the code")                             \
  X(ECLAUSE_BOUNDARY, 30, "clause boundary not an instruction start")                              \
  X(ECLAUSE_SELF_OVERLAP, 31, "handler or filter overlaps its own try")                            \
  X(EFILTER_BLOCK, 32, "filter block does not end where its handler begins")                       \
  X(ECLAUSE_OVERLAP, 33, "clauses neither disjoint nor nested")                                    \
  X(ECLAUSE_ORDER, 34, "outer clause listed before an inner one")                                  \
  X(EFALLS_OFF_END, 35, "control falls off the end of the code")                                   \
  X(EENTER_BLOCK, 36, "enters a try not at its start, or a handler or filter")                     \
  X(EEXIT_BLOCK, 37, "leaves a try, handler or filter by a forbidden path")                        \
  X(EENDFINALLY, 38, "endfinally outside a finally or fault handler")                              \
  X(EENDFILTER, 39, "endfilter not the last instruction of a filter")                              \
  X(ERETHROW, 40, "rethrow outside a catch handler")                                               \
  X(ERET_IN_BLOCK, 41, "ret or jmp inside a try, handler or filter")                               \
  X(ELOCALLOC, 42, "localloc inside a handler or filter")                                          \
  X(ESTACK_UNDERFLOW, 43, "stack underflow")                                                       \
  X(ESTACK_OVERFLOW, 44, "stack deeper than MaxStack")                                             \
  X(ESTACK_MERGE, 45, "different stack depths where paths meet")                                   \
  X(ESTACK_TRY_ENTRY, 46, "stack not empty on entry to a try")                                     \
  X(ESTACK_EXACT, 47, "stack not as ret, jmp, endfilter or localloc need")                         \
  X(EARG_INDEX, 48, "argument number out of range")                                                \
  X(ELOCAL_INDEX, 49, "local number out of range")                                                 \
  X(EARGLIST, 50, "arglist in a method that is not vararg")                                        \
  /* Why a check could not be done (a partial verdict), or could not run */                        \
  X(ESIG_MISSING, 51, "no signature for a token")                                                  \
  X(ESIG_BAD, 52, "malformed signature")                                                           \
  X(ENOMEM, 53, "no memory for the checker")

enum {
#define ILHEAP_IL__ANSWER_ENUM(name, value, text) ILHEAP_IL_##name = (value),
  ILHEAP_IL_ANSWER_LIST(ILHEAP_IL__ANSWER_ENUM)
#undef ILHEAP_IL__ANSWER_ENUM
};

/* A short English name for an answer ("fat header misaligned"...). Never NULL;
 * an unknown value gives "unknown IL answer". */
ILHEAP_API const char *ilheap_il_strerror(int answer);

/* ---- A description of a body ---------------------------------------------------*/
/* Clause kinds: the clause's Flags field (ECMA-335 II.25.4.6). */
#define ILHEAP_IL_CATCH 0x0u
#define ILHEAP_IL_FILTER 0x1u
#define ILHEAP_IL_FINALLY 0x2u
#define ILHEAP_IL_FAULT 0x4u

typedef struct ilheap_il_clause {
  uint32_t kind; /* ILHEAP_IL_CATCH, _FILTER, _FINALLY or _FAULT */
  uint32_t try_offset, try_length;
  uint32_t handler_offset, handler_length;
  /* The last field of the clause: a catch's type token (class_token), a
   * filter's offset (filter_offset); written and read back as given for
   * finally and fault (the runtime ignores it; 0 is usual). */
  union {
    uint32_t class_token;
    uint32_t filter_offset;
  };
} ilheap_il_clause;

/* Body flags. The layout is chosen automatically (tiny when L1 allows it, small
 * section when L4 allows it); the TINY/FAT bits force a choice, and parsing sets
 * exactly one of them, so a written body parses back with the flags it was
 * described with plus the choices made. */
#define ILHEAP_IL_TINY 0x1u         /* a tiny header (ILHEAP_IL_ETINY_FORBIDDEN if L1 refuses) */
#define ILHEAP_IL_FAT 0x2u          /* a fat header even when tiny would do */
#define ILHEAP_IL_FAT_SECTION 0x4u  /* a fat EH section even when a small one would do (no
                                       clauses: no section, the flag changes nothing) */
#define ILHEAP_IL_INIT_LOCALS 0x10u /* the header's InitLocals bit (a fat header) */
#define ILHEAP_IL_FLAGS_ALL 0x17u

/* The standard's limits. */
#define ILHEAP_IL_TINY_MAX_CODE 63u
#define ILHEAP_IL_TINY_MAX_STACK 8u
#define ILHEAP_IL_FAT_HEADER_SIZE 12u
#define ILHEAP_IL_SMALL_MAX_CLAUSES 20u   /* 4 + 12 * 20 = 244 <= 255 */
#define ILHEAP_IL_FAT_MAX_CLAUSES 699050u /* 4 + 24 * 699050 <= 0xFFFFFF */

typedef struct ilheap_il_body {
  const uint8_t *code; /* code_size bytes of IL (may be NULL only when code_size is 0) */
  uint32_t code_size;
  uint32_t max_stack;              /* 0..65535 */
  uint32_t local_sig_token;        /* 0: no locals; else a StandAloneSig token (0x11000000 | row) */
  uint32_t flags;                  /* ILHEAP_IL_* body flags */
  const ilheap_il_clause *clauses; /* clause_count clauses (NULL only when the count is 0) */
  uint32_t clause_count;
} ilheap_il_body;

/* ---- Size and write ------------------------------------------------------------*/
/*
 * The exact number of bytes *body takes when written at address `at` (only
 * at % 4 matters: pass 0 for "any 4-byte-aligned address", which every ilheap
 * block is). Returns ILHEAP_IL_OK and sets *size, or:
 *   ILHEAP_IL_EBADARG        body or size NULL, unknown flags, TINY and FAT
 *                            both set, code NULL with code_size > 0, clauses
 *                            NULL with clause_count > 0, max_stack > 65535;
 *   ILHEAP_IL_ETINY_FORBIDDEN ILHEAP_IL_TINY with code >= 64 bytes, max stack
 *                            > 8, locals, InitLocals or clauses;
 *   ILHEAP_IL_EHEADER_MISALIGNED a fat header at an address not a multiple of 4;
 *   ILHEAP_IL_ETOO_LARGE     more clauses than a fat section holds, or a body
 *                            of more than UINT32_MAX bytes;
 *   any check C1, C5 or ILHEAP_IL_ELOCALS_TOKEN the description fails.
 * On error *size is set to 0 (when size is not NULL).
 */
ILHEAP_API ILHEAP_NODISCARD int ilheap_il_size(const ilheap_il_body *body, uintptr_t at,
                                               uint32_t *size);

/*
 * Writes *body at dst, which must be where the body will live (the EH section's
 * place depends on dst's absolute address), with cap bytes writable there.
 * Padding is written as zero; nothing past the body's size is touched.
 * Returns ILHEAP_IL_OK and sets *written (if written is not NULL), or every
 * answer of ilheap_il_size for (body, (uintptr_t)dst), or ILHEAP_IL_EBADARG for
 * a NULL dst, or ILHEAP_IL_ETOO_SMALL when cap is less than the size. On error
 * nothing is written at dst and *written is 0. The code and clauses must not
 * overlap [dst, dst + size).
 */
ILHEAP_API ILHEAP_NODISCARD int ilheap_il_write(const ilheap_il_body *body, void *dst, size_t cap,
                                                uint32_t *written);

/* ---- Parse and check -------------------------------------------------------------*/
typedef struct ilheap_il_view {
  ilheap_il_body body;    /* code points into the parsed bytes; clauses is NULL (use
                             ilheap_il_clause_at); flags has TINY or FAT set, and
                             FAT_SECTION for a fat EH section; a tiny body's max_stack is 8 */
  uint32_t size;          /* bytes from the header to the end of the body (padding and
                             EH section included) */
  const uint8_t *section; /* the EH section, or NULL: read by ilheap_il_clause_at */
} ilheap_il_view;
/* An EH section of zero clauses (DataSize 4) is well formed (ECMA-335 II.25.4.5
 * allows it; the runtime reads it): the view has clause_count 0 and section set.
 * Written back (ilheap_il_write of view.body), such a body has no section: the
 * same header fields, code and (no) clauses, 4 to 7 bytes shorter. The writer
 * writes no empty section, because nothing in a body needs one. */

/*
 * Decodes the body at p, of which only the `avail` bytes [p, p + avail) may be
 * read (C6), and checks it against L1-L5 and C1-C5. Returns ILHEAP_IL_OK and,
 * if out is not NULL, fills *out; or the first reason the body fails, in the
 * order header, code, section, clauses (ILHEAP_IL_EBADARG for a NULL p). On
 * error *out is zeroed. p's absolute address matters (L2, L3): parse the body
 * where it lives, not a copy at another alignment.
 */
ILHEAP_API ILHEAP_NODISCARD int ilheap_il_parse(const void *p, size_t avail, ilheap_il_view *out);

/* Clause i of a parsed body into *out. Returns ILHEAP_IL_OK, or
 * ILHEAP_IL_EBADARG when view or out is NULL or i >= view->body.clause_count. */
ILHEAP_API int ilheap_il_clause_at(const ilheap_il_view *view, uint32_t i, ilheap_il_clause *out);

/*
 * The .NET Framework's SetILFunctionBody rule, for mock runtimes and debug
 * builds: the body at p starts above module_base (offset >= 1), ends at an
 * offset <= max_offset (ILHEAP_DEFAULT_MAX_OFFSET is the Framework's), and is
 * well formed (ilheap_il_parse with avail bytes). Returns ILHEAP_IL_OK (and
 * fills *out when it is not NULL), or ILHEAP_IL_ENOT_ABOVE_BASE,
 * ILHEAP_IL_EOUTSIDE_WINDOW, or a reason of ilheap_il_parse. The placement of
 * the first byte is checked before anything is read; p NULL is
 * ILHEAP_IL_EBADARG.
 */
ILHEAP_API ILHEAP_NODISCARD int ilheap_il_check_in_module(const void *p, size_t avail,
                                                          uintptr_t module_base,
                                                          uint32_t max_offset, ilheap_il_view *out);

#ifdef __cplusplus
}
#endif

#endif /* ILHEAP_IL_H */
