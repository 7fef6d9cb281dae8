/* SPDX-License-Identifier: MIT */
/*
 * ilheap_il_verify: walking and checking the INSTRUCTIONS of an IL method body
 * (ECMA-335 Partition III), not only its layout (ilheap_il.h's L1-L5, C1-C6).
 *
 * The failures IL-rewriting profilers report are in the instruction stream:
 * MaxStack too small, branches past injected code, clauses not retargeted or
 * listed outer-first, code at a catch entry that forgets the exception on the
 * stack, orphaned prefixes. Nothing checks a body before the JIT does, and the
 * JIT says only "InvalidProgramException". A profiler calls this right before
 * SetILFunctionBody (or uses ilheap_il_set_function_body, which does both):
 *
 *   ilheap_il_verify_options o = {0};
 *   o.ctx = md; o.method_sig = my_sig_lookup;   token -> signature blob
 *   o.own_sig = sig; o.own_sig_size = sig_len;  the method's own MethodDefSig
 *   ilheap_il_verdict v;
 *   if (ilheap_il_verify(body, size, &o, &v) != ILHEAP_IL_OK)
 *     log("%s at IL_%04x (V%u, clause %u)", ilheap_il_strerror(v.answer),
 *         v.offset, v.check, v.clause);
 *
 * TYPES ARE OUT OF SCOPE: the checker counts stack slots, it does not know what
 * they hold (that needs a type system: ILVerify's job). It never loads
 * metadata: signatures come from the caller, and without them it does every
 * other check and says which it could not do (a PARTIAL verdict, never a false
 * error).
 *
 * THE WALK
 *  ilheap_il_next decodes one instruction with the opcode table of
 *  include/ilheap_il_opcodes.h (one line per ECMA-335 opcode). A prefix is an
 *  instruction of its own there (flow ILHEAP_IL_FLOW_PREFIX); the checker
 *  treats a run of prefixes and the instruction after them as one instruction
 *  that starts at the first prefix (III.2: a prefix is part of the instruction
 *  it modifies), so a branch into the middle of it is V5.
 *
 * THE CHECKS (ilheap_il_verify; V-numbers, each with its ECMA-335 section;
 * each error names the IL offset of the instruction, or of the clause boundary,
 * and the clause index when a clause is involved)
 *
 *  Decoding
 *  V1.  Every opcode is one of the table's (III.1.2.1). ILHEAP_IL_EOPCODE.
 *  V2.  No operand is cut off by the end of the code, a switch's count and
 *       targets included (III.1.7.1, III.3.66). ILHEAP_IL_EOPERAND_PAST_END.
 *  V3.  Prefixes (III.2): each precedes an instruction it may prefix (the
 *       table's `prefixes` column: constrained. before callvirt, and before
 *       call and ldftn for static virtual methods (ECMA-335 augments); no.
 *       before the instructions III.2.2 lists; readonly. before ldelema and
 *       call (III.2.3); tail. before call, calli, callvirt; unaligned. and
 *       volatile. before the memory accesses III.2.5-6 list), none twice, none
 *       at the end of the code: ILHEAP_IL_EPREFIX. unaligned.'s alignment is
 *       1, 2 or 4 (III.2.5) and no.'s flags are within 0x7 and not 0 (III.2.2):
 *       ILHEAP_IL_EPREFIX_OPERAND. A tail. call is immediately followed by
 *       ret (III.2.4): ILHEAP_IL_ETAIL_CALL.
 *  V4.  Tokens name a table the instruction takes, with a nonzero row
 *       (III.1.9, the instruction pages of III.3-4; II.22): methods MethodDef, MemberRef
 *       or MethodSpec; fields Field or MemberRef; types TypeRef, TypeDef or
 *       TypeSpec; calli a StandAloneSig; ldstr a user string (row 0 allowed);
 *       ldtoken a type, method or field. ILHEAP_IL_ETOKEN.
 *
 *  Targets
 *  V5.  Every branch, leave and switch target is the start of an instruction
 *       (of its first prefix) inside the code (III.1.7.2, III.3.66).
 *       ILHEAP_IL_ETARGET; the offset is the branching instruction's.
 *
 *  Clauses (each clause has a try block, a handler block and, for a filter,
 *  a filter block [FilterOffset, HandlerOffset))
 *  V6.  Try, handler and filter starts and ends are instruction starts (an
 *       end may equal the code size) (III.1.7.3).
 *       ILHEAP_IL_ECLAUSE_BOUNDARY.
 *  V7.  A clause's handler and filter do not overlap its own try
 *       (I.12.4.2.7): ILHEAP_IL_ECLAUSE_SELF_OVERLAP. A filter block starts
 *       before its handler, which it ends at (I.12.4.2.5, II.25.4.6):
 *       ILHEAP_IL_EFILTER_BLOCK.
 *  V8.  Blocks of different clauses are disjoint or strictly nested, except
 *       that clauses may share one try block exactly (several handlers of one
 *       try); a clause nested in a block lies wholly in it (its try, filter
 *       and handler have the same innermost enclosing block) (I.12.4.2.7).
 *       ILHEAP_IL_ECLAUSE_OVERLAP.
 *  V9.  Inner clauses are listed before the clauses that enclose them
 *       (I.12.4.2.5: "the most deeply nested try blocks shall come before the
 *       try blocks that enclose them"). ILHEAP_IL_ECLAUSE_ORDER.
 *
 *  Control flow (the edges: fall-through, branches, switch, leave)
 *  V10. The last instruction does not fall through: no path runs off the end
 *       of the code (III.1.7.1: nothing follows the last instruction; the
 *       JIT refuses it as "fall thru end").
 *       ILHEAP_IL_EFALLS_OFF_END.
 *  V11. A try is entered only at its first instruction; a handler or filter is
 *       never entered by a fall-through or branch (only the exception
 *       mechanism enters them) (I.12.4.2.8.2). ILHEAP_IL_EENTER_BLOCK.
 *  V12. A try, handler or filter is left only by leave, throw, rethrow,
 *       endfinally, endfilter (no fall-through, no branch out); and leave
 *       leaves only tries and catch (or filter's) handlers: never a finally,
 *       fault or filter (I.12.4.2.8.1, III.3.46). ILHEAP_IL_EEXIT_BLOCK.
 *  V13. Instructions in their place: endfinally only in a finally or fault
 *       handler (the innermost enclosing handler, III.3.35):
 *       ILHEAP_IL_EENDFINALLY. endfilter only as the last instruction of a
 *       filter block, and every filter block ends with one (III.3.34):
 *       ILHEAP_IL_EENDFILTER. rethrow only in a catch handler (III.4.24):
 *       ILHEAP_IL_ERETHROW. ret and jmp (and so tail. calls) outside every
 *       try, handler and filter (III.3.57, III.3.37): ILHEAP_IL_ERET_IN_BLOCK.
 *       localloc outside handlers and filters (III.3.47): ILHEAP_IL_ELOCALLOC.
 *
 *  Stack depth (III.1.7.5: one forward pass in code order gives every
 *  instruction's depth: from the instruction before when it falls through,
 *  else from an earlier branch to it, else 1 at a catch handler and a filter
 *  (the exception), 0 at a finally or fault handler, else ZERO: "the CLI
 *  demands that the evaluation stack at X be empty". So code reached only by
 *  a later backward branch, or not at all, is checked with depth 0, as the
 *  standard says; the JIT, which follows the flow, is laxer there.)
 *  V14. Never below zero: ILHEAP_IL_ESTACK_UNDERFLOW.
 *  V15. Never above MaxStack (III.1.7.4): ILHEAP_IL_ESTACK_OVERFLOW.
 *  V16. The same depth on every edge into an instruction (III.1.7.5); a leave
 *       arrives with 0 (III.3.46): ILHEAP_IL_ESTACK_MERGE.
 *  V17. Empty on entry to a try (I.12.4.2.8.1): ILHEAP_IL_ESTACK_TRY_ENTRY.
 *  V18. Exact where the instruction needs it (III.3.57 ret: the return value
 *       only, or nothing; III.3.37 jmp: empty; III.3.34 endfilter: the value
 *       only; III.3.47 localloc: the size only): ILHEAP_IL_ESTACK_EXACT.
 *
 *  Signatures (needed for the depth: call, callvirt, newobj and calli pop the
 *  callee's arguments, `this` when HASTHIS and not EXPLICITTHIS, and calli's
 *  pointer, and push 1 unless the return is void; newobj pushes the object;
 *  ret pops the method's own return value)
 *  V19. Argument and local numbers in range (III.3.38, 3.39, 3.43, 3.44,
 *       3.61, 3.63),
 *       when the method's own signature and its LocalVarSig are given:
 *       ILHEAP_IL_EARG_INDEX, ILHEAP_IL_ELOCAL_INDEX; arglist only in a
 *       vararg method (III.3.4): ILHEAP_IL_EARGLIST.
 *
 * SIGNATURES the checker decodes (II.23.2.1-3, II.23.2.6): MethodDefSig,
 * MethodRefSig (a vararg call site's sentinel 0x41 and the arguments after
 * it are counted: ParamCount counts them all), StandAloneMethodSig (any
 * calling convention), LocalVarSig (0x07 Count). Only the header, the counts
 * and whether the return is void (custom modifiers skipped) are read, within
 * the length given; anything else (a count past the blob, an unknown calling
 * convention) is ILHEAP_IL_ESIG_BAD.
 *
 * ANSWERS AND VERDICTS
 *  ILHEAP_IL_VERDICT_OK       every check done, none failed.
 *  ILHEAP_IL_VERDICT_PARTIAL  none failed, but some could not be done
 *                             (v.skipped: which; v.skip_reason: why, at
 *                             v.skip_offset for v.skip_token). A depth unknown
 *                             after an unresolved call stays unknown (no check
 *                             of it, no false error) until the flow gives one
 *                             again (a handler entry, a branch target reached
 *                             with a known depth, code after an unconditional
 *                             transfer).
 *  ILHEAP_IL_VERDICT_ERROR    the body is wrong: v.answer, v.check, v.offset,
 *                             v.clause (ILHEAP_IL_NO_CLAUSE if none). The first
 *                             error in this order: layout (ilheap_il_parse's
 *                             answers, check 0), V1-V4 (in code order), V6-V9
 *                             (V6-V7 clause by clause, then V8, then V8-V9
 *                             clause by clause), then V5 and V10-V19 in one
 *                             forward pass (in code order; for one instruction:
 *                             V17 and V16 on arrival, V13, V19, V14, V18, V15,
 *                             then its edges: V5, V12, V11, V16/V17 at the
 *                             target, and V10).
 *  ILHEAP_IL_VERDICT_NOT_CHECKED  bad arguments (ILHEAP_IL_EBADARG) or no
 *                             working memory (ILHEAP_IL_ENOMEM).
 * The function returns v.answer: ILHEAP_IL_OK for OK and PARTIAL.
 *
 * COST: two passes over the code and one radix sort of the clauses' blocks:
 * O(code + clauses), whatever the branches; working memory 8 bytes per byte of
 * code plus about 270 per clause (ilheap_il_verify_scratch_size), from the
 * caller's scratch or malloc.
 */
#ifndef ILHEAP_IL_VERIFY_H
#define ILHEAP_IL_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "ilheap.h"
#include "ilheap_il.h"
#include "ilheap_il_opcodes.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- The opcode table ----------------------------------------------------------*/
typedef struct ilheap_il_opcode {
  const char *name; /* "ldarg.0" */
  uint16_t code;    /* 0x00-0xE0, or 0xFE00 | b */
  uint8_t operand;  /* ILHEAP_IL_OPERAND_* */
  uint8_t flow;     /* ILHEAP_IL_FLOW_* */
  int8_t pops;      /* -1: from a signature */
  int8_t pushes;    /* -1: from a signature */
  uint8_t prefixes; /* ILHEAP_IL_PREFIX_* that may precede it */
  uint8_t size;     /* opcode + operand bytes (switch: 5, plus 4 per target) */
} ilheap_il_opcode;

/* The table row of `code` (0x00-0xFF one-byte, 0xFE00-0xFEFF two-byte), or
 * NULL for a code that is no opcode (0x24, 0xFE08, 0xFE10, 0xFF...). */
ILHEAP_API const ilheap_il_opcode *ilheap_il_opcode_info(uint32_t code);

/* ---- The walk ---------------------------------------------------------------------*/
typedef struct ilheap_il_insn {
  uint32_t offset;               /* of the opcode */
  uint32_t size;                 /* opcode + operand (a switch's targets included) */
  const ilheap_il_opcode *op;    /* the table row (never NULL on ILHEAP_IL_OK) */
  /* The operand: I8, U8, ARG*, LOC*, I32, I64 and tokens in `value` (signed
   * for I8/I32/I64, zero-extended otherwise); R4/R8 in `real`; BR8/BR32 in
   * `target` (next instruction + delta: may be < 0 or past the code: V5 says
   * so, the walk does not); SWITCH: `value` = n, targets by
   * ilheap_il_switch_target. */
  int64_t value;
  double real;
  int64_t target;
  const uint8_t *switch_table;  /* the n int32 deltas (SWITCH), else NULL */
} ilheap_il_insn;

/*
 * Decodes the instruction at `offset` of the code_size bytes at code. Returns
 * ILHEAP_IL_OK and fills *out; or ILHEAP_IL_EOPCODE (no such opcode, also a
 * lone 0xFE as the last byte), ILHEAP_IL_EOPERAND_PAST_END (the operand, or a
 * switch's table, runs past code_size), ILHEAP_IL_EBADARG (code or out NULL,
 * offset >= code_size); on error *out is zeroed but for offset. Never reads
 * outside [code, code + code_size). The next instruction is at
 * out->offset + out->size.
 */
ILHEAP_API ILHEAP_NODISCARD int ilheap_il_next(const uint8_t *code, size_t code_size, size_t offset,
                                               ilheap_il_insn *out);

/* Target i (0 <= i < insn->value) of a decoded switch into *target (next
 * instruction + delta, as for branches). ILHEAP_IL_EBADARG for a NULL pointer,
 * an instruction that is no switch, or i out of range. */
ILHEAP_API int ilheap_il_switch_target(const ilheap_il_insn *insn, uint32_t i, int64_t *target);

/* ---- Signatures -------------------------------------------------------------------*/
typedef struct ilheap_il_sig {
  uint32_t params;      /* ParamCount (a vararg call site's extra arguments included) */
  uint8_t has_this;     /* HASTHIS and not EXPLICITTHIS: one more slot popped */
  uint8_t returns;      /* 1 unless the return type is void */
  uint8_t vararg;       /* calling convention VARARG (5) */
  uint8_t generic;      /* GENERIC (0x10): GenParamCount was skipped */
  uint32_t generic_count;
} ilheap_il_sig;

/* Decodes a MethodDefSig, MethodRefSig or StandAloneMethodSig blob (len bytes,
 * without the blob heap's length prefix). ILHEAP_IL_OK, or ILHEAP_IL_ESIG_BAD
 * (a field past len, an unknown calling convention, a field, property or
 * local signature), or ILHEAP_IL_EBADARG (blob or out NULL); *out is zeroed on
 * error. */
ILHEAP_API int ilheap_il_decode_method_sig(const uint8_t *blob, size_t len, ilheap_il_sig *out);

/* A LocalVarSig (0x07, Count): the count into *count. ILHEAP_IL_OK,
 * ILHEAP_IL_ESIG_BAD or ILHEAP_IL_EBADARG. */
ILHEAP_API int ilheap_il_decode_local_sig(const uint8_t *blob, size_t len, uint32_t *count);

/* ---- The checker -------------------------------------------------------------------*/
/*
 * Resolves a token of call, callvirt, newobj (MethodDef 0x06, MemberRef 0x0A;
 * a MethodSpec 0x2B resolved by the caller to its generic method's
 * MethodDefSig/MethodRefSig) or calli (StandAloneSig 0x11) to its signature
 * blob (without the blob heap's length prefix). Returns 0 and sets *blob and
 * *len, or nonzero when it does not know the token (the verdict becomes
 * PARTIAL with ILHEAP_IL_ESIG_MISSING). The blob must stay readable during the
 * call to ilheap_il_verify. Called at most once per call instruction.
 */
typedef int (*ilheap_il_sig_fn)(void *ctx, uint32_t token, const uint8_t **blob, size_t *len);

typedef struct ilheap_il_verify_options {
  void *ctx;                   /* passed to method_sig */
  ilheap_il_sig_fn method_sig; /* NULL: no call's effect is known (PARTIAL if any call) */
  const uint8_t *own_sig;      /* the method's own MethodDefSig; NULL: ret's
                                  depth and argument numbers are not checked */
  size_t own_sig_size;
  const uint8_t *local_sig;    /* the LocalVarSig of the body's LocalVarSigTok; NULL:
                                  local numbers are not checked (a body without
                                  LocalVarSigTok has no locals: always checked) */
  size_t local_sig_size;
  void *scratch;               /* working memory (any alignment), or NULL: malloc */
  size_t scratch_size;         /* at least ilheap_il_verify_scratch_size(), or
                                  ILHEAP_IL_ENOMEM */
} ilheap_il_verify_options;

#define ILHEAP_IL_VERDICT_OK 0
#define ILHEAP_IL_VERDICT_PARTIAL 1
#define ILHEAP_IL_VERDICT_ERROR 2
#define ILHEAP_IL_VERDICT_NOT_CHECKED 3

#define ILHEAP_IL_NO_CLAUSE UINT32_MAX

/* The checks' numbers (bit n of `skipped` is check Vn). */
#define ILHEAP_IL_CHECK_COUNT 19
#define ILHEAP_IL_CHECK_BIT(n) (1u << (n))
/* The checks a missing callee signature stops (for the rest of the flow
 * until the depth is known again): V14-V18. */
#define ILHEAP_IL_CHECKS_DEPTH 0x7C000u

typedef struct ilheap_il_verdict {
  int result;           /* ILHEAP_IL_VERDICT_* */
  int answer;           /* ILHEAP_IL_OK or the ILHEAP_IL_E* reason */
  unsigned check;       /* 1-19 for Vn; 0 for the layout (ilheap_il_parse) and
                           NOT_CHECKED */
  uint32_t offset;      /* IL offset of the instruction or clause boundary */
  uint32_t clause;      /* clause index, or ILHEAP_IL_NO_CLAUSE */
  uint32_t skipped;     /* PARTIAL: ILHEAP_IL_CHECK_BIT(n) for each check not done */
  int skip_reason;      /* PARTIAL: ILHEAP_IL_ESIG_MISSING or ILHEAP_IL_ESIG_BAD (the
                           first reason met) */
  uint32_t skip_offset; /* PARTIAL: the instruction that needed it */
  uint32_t skip_token;  /* PARTIAL: its token (0 for the method's own signatures) */
  uint32_t instructions; /* instructions decoded (prefixes count as instructions) */
} ilheap_il_verdict;

/* Working memory ilheap_il_verify needs for a body of code_size bytes of code
 * and clause_count clauses; SIZE_MAX when it would not fit in a size_t. */
ILHEAP_API size_t ilheap_il_verify_scratch_size(uint32_t code_size, uint32_t clause_count);

/*
 * Checks the body at `body` (header, code and EH section, of which only the
 * `readable` bytes [body, body + readable) may be read): first its layout with
 * ilheap_il_parse (an answer of it is an ERROR with check 0), then V1-V19.
 * Parse the body where it lives (its address matters: L2, L3). o may be NULL
 * (no signatures: PARTIAL for any body with a call or ret). v may be NULL.
 * Returns v->answer (see ANSWERS AND VERDICTS); ILHEAP_IL_EBADARG for body
 * NULL. Never calls the OS but malloc/free (without scratch); thread-safe.
 */
ILHEAP_API ILHEAP_NODISCARD int ilheap_il_verify(const void *body, size_t readable,
                                                 const ilheap_il_verify_options *o,
                                                 ilheap_il_verdict *v);

/*
 * The same checks on a body description, before it is written (code and
 * clauses as ilheap_il_write takes them; the layout is checked as
 * ilheap_il_size does, at a 4-aligned address). Same answers; EBADARG for a
 * NULL body.
 */
ILHEAP_API ILHEAP_NODISCARD int ilheap_il_verify_body(const ilheap_il_body *body,
                                                      const ilheap_il_verify_options *o,
                                                      ilheap_il_verdict *v);

/* "V5", "III.1.7.2"...: the check's section in ECMA-335 (for messages);
 * "layout" for 0; "" for an unknown number. Never NULL. */
ILHEAP_API const char *ilheap_il_check_section(unsigned check);

#ifdef __cplusplus
}
#endif

#endif /* ILHEAP_IL_VERIFY_H */
