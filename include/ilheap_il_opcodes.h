/* SPDX-License-Identifier: MIT */
/*
 * ilheap_il_opcodes.h: every CIL opcode of ECMA-335 Partition III, as data.
 *
 * One line per opcode, written once from the standard (III.1.2.1 "Opcode
 * encodings", the instruction pages of III.2-III.4, and the stack transitions
 * they give). The decoder (ilheap_il_next), the checker (ilheap_il_verify), the
 * tests and the fuzzers all expand this one list; a new opcode is one line.
 *
 *   #define ROW(id, name, code, operand, flow, pops, pushes, prefixes) ...
 *   ILHEAP_IL_OPCODE_LIST(ROW)
 *
 *  id        C identifier (LDARG_0 for ldarg.0): ILHEAP_IL_OP_<id> is its code.
 *  name      the opcode's name in the standard ("ldarg.0").
 *  code      0x00-0xE0 for one-byte opcodes; 0xFE00 | b for two-byte ones
 *            (the 0xFE prefix byte, then b).
 *  operand   ILHEAP_IL_OPERAND_<operand>: what follows the opcode (sizes below).
 *  flow      ILHEAP_IL_FLOW_<flow>: what the instruction does to control.
 *  pops      stack slots popped; -1: depends on a signature (call, callvirt,
 *            newobj, calli: the callee's; ret: the method's own).
 *  pushes    stack slots pushed; -1: depends on the callee's signature.
 *            (Stack transitions in the standard: Pop0, Pop1, PopI+PopI = 2...;
 *            only the number of slots matters here: types are out of scope.)
 *  prefixes  the prefixes that may precede it (ILHEAP_IL_PREFIX_* bits, III.2),
 *            0 for none.
 *
 * The stack effects of leave (empties the stack, III.3.46), endfinally
 * (empties it, III.3.35), jmp (needs it empty, III.3.37) are given by their
 * flow, not by pops.
 */
#ifndef ILHEAP_IL_OPCODES_H
#define ILHEAP_IL_OPCODES_H

/* Operand kinds and sizes (bytes after the opcode). */
#define ILHEAP_IL_OPERAND_NONE 0   /* 0 */
#define ILHEAP_IL_OPERAND_I8 1     /* 1: a signed int8 (ldc.i4.s) */
#define ILHEAP_IL_OPERAND_U8 2     /* 1: an unsigned int8 (unaligned.'s alignment, no.'s flags) */
#define ILHEAP_IL_OPERAND_ARG8 3   /* 1: an argument number (ldarg.s, ldarga.s, starg.s) */
#define ILHEAP_IL_OPERAND_LOC8 4   /* 1: a local number (ldloc.s, ldloca.s, stloc.s) */
#define ILHEAP_IL_OPERAND_ARG16 5  /* 2: an argument number (ldarg, ldarga, starg) */
#define ILHEAP_IL_OPERAND_LOC16 6  /* 2: a local number (ldloc, ldloca, stloc) */
#define ILHEAP_IL_OPERAND_I32 7    /* 4: int32 (ldc.i4) */
#define ILHEAP_IL_OPERAND_I64 8    /* 8: int64 (ldc.i8) */
#define ILHEAP_IL_OPERAND_R4 9     /* 4: float32 (ldc.r4) */
#define ILHEAP_IL_OPERAND_R8 10    /* 8: float64 (ldc.r8) */
#define ILHEAP_IL_OPERAND_BR8 11   /* 1: int8 offset from the next instruction */
#define ILHEAP_IL_OPERAND_BR32 12  /* 4: int32 offset from the next instruction */
#define ILHEAP_IL_OPERAND_SWITCH 13 /* 4 + 4n: uint32 n, then n int32 offsets (III.3.66) */
/* Tokens (4 bytes): the metadata tables each instruction accepts (II.22, II.24.2.6). */
#define ILHEAP_IL_OPERAND_TOK_METHOD 14 /* MethodDef 0x06, MemberRef 0x0A, MethodSpec 0x2B */
#define ILHEAP_IL_OPERAND_TOK_FIELD 15  /* Field 0x04, MemberRef 0x0A */
#define ILHEAP_IL_OPERAND_TOK_TYPE 16   /* TypeRef 0x01, TypeDef 0x02, TypeSpec 0x1B */
#define ILHEAP_IL_OPERAND_TOK_STRING 17 /* a #US heap offset, 0x70 (ldstr) */
#define ILHEAP_IL_OPERAND_TOK_SIG 18    /* StandAloneSig 0x11 (calli) */
#define ILHEAP_IL_OPERAND_TOK_ANY 19    /* ldtoken: a type, method or field token */
#define ILHEAP_IL_OPERAND_COUNT 20

/* Control flow kinds. */
#define ILHEAP_IL_FLOW_NEXT 0       /* continues with the next instruction */
#define ILHEAP_IL_FLOW_CALL 1       /* continues; stack effect from a signature */
#define ILHEAP_IL_FLOW_BRANCH 2     /* br, br.s: to the target only */
#define ILHEAP_IL_FLOW_COND 3       /* conditional branch: target and next */
#define ILHEAP_IL_FLOW_SWITCH 4     /* switch: every target and next */
#define ILHEAP_IL_FLOW_LEAVE 5      /* leave, leave.s: empties the stack, to the target */
#define ILHEAP_IL_FLOW_RETURN 6     /* ret */
#define ILHEAP_IL_FLOW_THROW 7      /* throw */
#define ILHEAP_IL_FLOW_RETHROW 8    /* rethrow */
#define ILHEAP_IL_FLOW_ENDFINALLY 9 /* endfinally (endfault): empties the stack */
#define ILHEAP_IL_FLOW_ENDFILTER 10 /* endfilter */
#define ILHEAP_IL_FLOW_JMP 11       /* jmp: leaves the method, stack empty */
#define ILHEAP_IL_FLOW_PREFIX 12    /* a prefix: belongs to the next instruction */

/* Prefixes (III.2), as bits of the `prefixes` column. */
#define ILHEAP_IL_PREFIX_CONSTRAINED 0x01u /* III.2.1 (and call, ldftn: static virtuals) */
#define ILHEAP_IL_PREFIX_NO 0x02u          /* III.2.2 */
#define ILHEAP_IL_PREFIX_READONLY 0x04u    /* III.2.3 */
#define ILHEAP_IL_PREFIX_TAIL 0x08u        /* III.2.4 */
#define ILHEAP_IL_PREFIX_UNALIGNED 0x10u   /* III.2.5 */
#define ILHEAP_IL_PREFIX_VOLATILE 0x20u    /* III.2.6 */

/* Shorthands the list expands to (internal: ilheap_il__ names are not API). */
#define ILHEAP_IL__UV (ILHEAP_IL_PREFIX_UNALIGNED | ILHEAP_IL_PREFIX_VOLATILE)
#define ILHEAP_IL__V ILHEAP_IL_PREFIX_VOLATILE
#define ILHEAP_IL__N ILHEAP_IL_PREFIX_NO
#define ILHEAP_IL__UVN (ILHEAP_IL__UV | ILHEAP_IL__N)
/* call: tail. (III.2.4), constrained. (static virtual methods: ECMA-335
 * augments, .NET 7), readonly. (the Address method of arrays, III.2.3). */
#define ILHEAP_IL__CALL                                                                            \
  (ILHEAP_IL_PREFIX_TAIL | ILHEAP_IL_PREFIX_CONSTRAINED | ILHEAP_IL_PREFIX_READONLY)
#define ILHEAP_IL__CALLVIRT                                                                        \
  (ILHEAP_IL_PREFIX_TAIL | ILHEAP_IL_PREFIX_CONSTRAINED | ILHEAP_IL_PREFIX_NO)
#define ILHEAP_IL__T ILHEAP_IL_PREFIX_TAIL
#define ILHEAP_IL__C ILHEAP_IL_PREFIX_CONSTRAINED
#define ILHEAP_IL__RN (ILHEAP_IL_PREFIX_READONLY | ILHEAP_IL_PREFIX_NO)

/* X(id, name, code, operand, flow, pops, pushes, prefixes) */
#define ILHEAP_IL_OPCODE_LIST(X)                                                                   \
  X(NOP, "nop", 0x00, NONE, NEXT, 0, 0, 0)                                                         \
  X(BREAK, "break", 0x01, NONE, NEXT, 0, 0, 0)                                                     \
  X(LDARG_0, "ldarg.0", 0x02, NONE, NEXT, 0, 1, 0)                                                 \
  X(LDARG_1, "ldarg.1", 0x03, NONE, NEXT, 0, 1, 0)                                                 \
  X(LDARG_2, "ldarg.2", 0x04, NONE, NEXT, 0, 1, 0)                                                 \
  X(LDARG_3, "ldarg.3", 0x05, NONE, NEXT, 0, 1, 0)                                                 \
  X(LDLOC_0, "ldloc.0", 0x06, NONE, NEXT, 0, 1, 0)                                                 \
  X(LDLOC_1, "ldloc.1", 0x07, NONE, NEXT, 0, 1, 0)                                                 \
  X(LDLOC_2, "ldloc.2", 0x08, NONE, NEXT, 0, 1, 0)                                                 \
  X(LDLOC_3, "ldloc.3", 0x09, NONE, NEXT, 0, 1, 0)                                                 \
  X(STLOC_0, "stloc.0", 0x0A, NONE, NEXT, 1, 0, 0)                                                 \
  X(STLOC_1, "stloc.1", 0x0B, NONE, NEXT, 1, 0, 0)                                                 \
  X(STLOC_2, "stloc.2", 0x0C, NONE, NEXT, 1, 0, 0)                                                 \
  X(STLOC_3, "stloc.3", 0x0D, NONE, NEXT, 1, 0, 0)                                                 \
  X(LDARG_S, "ldarg.s", 0x0E, ARG8, NEXT, 0, 1, 0)                                                 \
  X(LDARGA_S, "ldarga.s", 0x0F, ARG8, NEXT, 0, 1, 0)                                               \
  X(STARG_S, "starg.s", 0x10, ARG8, NEXT, 1, 0, 0)                                                 \
  X(LDLOC_S, "ldloc.s", 0x11, LOC8, NEXT, 0, 1, 0)                                                 \
  X(LDLOCA_S, "ldloca.s", 0x12, LOC8, NEXT, 0, 1, 0)                                               \
  X(STLOC_S, "stloc.s", 0x13, LOC8, NEXT, 1, 0, 0)                                                 \
  X(LDNULL, "ldnull", 0x14, NONE, NEXT, 0, 1, 0)                                                   \
  X(LDC_I4_M1, "ldc.i4.m1", 0x15, NONE, NEXT, 0, 1, 0)                                             \
  X(LDC_I4_0, "ldc.i4.0", 0x16, NONE, NEXT, 0, 1, 0)                                               \
  X(LDC_I4_1, "ldc.i4.1", 0x17, NONE, NEXT, 0, 1, 0)                                               \
  X(LDC_I4_2, "ldc.i4.2", 0x18, NONE, NEXT, 0, 1, 0)                                               \
  X(LDC_I4_3, "ldc.i4.3", 0x19, NONE, NEXT, 0, 1, 0)                                               \
  X(LDC_I4_4, "ldc.i4.4", 0x1A, NONE, NEXT, 0, 1, 0)                                               \
  X(LDC_I4_5, "ldc.i4.5", 0x1B, NONE, NEXT, 0, 1, 0)                                               \
  X(LDC_I4_6, "ldc.i4.6", 0x1C, NONE, NEXT, 0, 1, 0)                                               \
  X(LDC_I4_7, "ldc.i4.7", 0x1D, NONE, NEXT, 0, 1, 0)                                               \
  X(LDC_I4_8, "ldc.i4.8", 0x1E, NONE, NEXT, 0, 1, 0)                                               \
  X(LDC_I4_S, "ldc.i4.s", 0x1F, I8, NEXT, 0, 1, 0)                                                 \
  X(LDC_I4, "ldc.i4", 0x20, I32, NEXT, 0, 1, 0)                                                    \
  X(LDC_I8, "ldc.i8", 0x21, I64, NEXT, 0, 1, 0)                                                    \
  X(LDC_R4, "ldc.r4", 0x22, R4, NEXT, 0, 1, 0)                                                     \
  X(LDC_R8, "ldc.r8", 0x23, R8, NEXT, 0, 1, 0)                                                     \
  X(DUP, "dup", 0x25, NONE, NEXT, 1, 2, 0)                                                         \
  X(POP, "pop", 0x26, NONE, NEXT, 1, 0, 0)                                                         \
  X(JMP, "jmp", 0x27, TOK_METHOD, JMP, 0, 0, 0)                                                    \
  X(CALL, "call", 0x28, TOK_METHOD, CALL, -1, -1, ILHEAP_IL__CALL)                                 \
  X(CALLI, "calli", 0x29, TOK_SIG, CALL, -1, -1, ILHEAP_IL__T)                                     \
  X(RET, "ret", 0x2A, NONE, RETURN, -1, 0, 0)                                                      \
  X(BR_S, "br.s", 0x2B, BR8, BRANCH, 0, 0, 0)                                                      \
  X(BRFALSE_S, "brfalse.s", 0x2C, BR8, COND, 1, 0, 0)                                              \
  X(BRTRUE_S, "brtrue.s", 0x2D, BR8, COND, 1, 0, 0)                                                \
  X(BEQ_S, "beq.s", 0x2E, BR8, COND, 2, 0, 0)                                                      \
  X(BGE_S, "bge.s", 0x2F, BR8, COND, 2, 0, 0)                                                      \
  X(BGT_S, "bgt.s", 0x30, BR8, COND, 2, 0, 0)                                                      \
  X(BLE_S, "ble.s", 0x31, BR8, COND, 2, 0, 0)                                                      \
  X(BLT_S, "blt.s", 0x32, BR8, COND, 2, 0, 0)                                                      \
  X(BNE_UN_S, "bne.un.s", 0x33, BR8, COND, 2, 0, 0)                                                \
  X(BGE_UN_S, "bge.un.s", 0x34, BR8, COND, 2, 0, 0)                                                \
  X(BGT_UN_S, "bgt.un.s", 0x35, BR8, COND, 2, 0, 0)                                                \
  X(BLE_UN_S, "ble.un.s", 0x36, BR8, COND, 2, 0, 0)                                                \
  X(BLT_UN_S, "blt.un.s", 0x37, BR8, COND, 2, 0, 0)                                                \
  X(BR, "br", 0x38, BR32, BRANCH, 0, 0, 0)                                                         \
  X(BRFALSE, "brfalse", 0x39, BR32, COND, 1, 0, 0)                                                 \
  X(BRTRUE, "brtrue", 0x3A, BR32, COND, 1, 0, 0)                                                   \
  X(BEQ, "beq", 0x3B, BR32, COND, 2, 0, 0)                                                         \
  X(BGE, "bge", 0x3C, BR32, COND, 2, 0, 0)                                                         \
  X(BGT, "bgt", 0x3D, BR32, COND, 2, 0, 0)                                                         \
  X(BLE, "ble", 0x3E, BR32, COND, 2, 0, 0)                                                         \
  X(BLT, "blt", 0x3F, BR32, COND, 2, 0, 0)                                                         \
  X(BNE_UN, "bne.un", 0x40, BR32, COND, 2, 0, 0)                                                   \
  X(BGE_UN, "bge.un", 0x41, BR32, COND, 2, 0, 0)                                                   \
  X(BGT_UN, "bgt.un", 0x42, BR32, COND, 2, 0, 0)                                                   \
  X(BLE_UN, "ble.un", 0x43, BR32, COND, 2, 0, 0)                                                   \
  X(BLT_UN, "blt.un", 0x44, BR32, COND, 2, 0, 0)                                                   \
  X(SWITCH, "switch", 0x45, SWITCH, SWITCH, 1, 0, 0)                                               \
  X(LDIND_I1, "ldind.i1", 0x46, NONE, NEXT, 1, 1, ILHEAP_IL__UV)                                   \
  X(LDIND_U1, "ldind.u1", 0x47, NONE, NEXT, 1, 1, ILHEAP_IL__UV)                                   \
  X(LDIND_I2, "ldind.i2", 0x48, NONE, NEXT, 1, 1, ILHEAP_IL__UV)                                   \
  X(LDIND_U2, "ldind.u2", 0x49, NONE, NEXT, 1, 1, ILHEAP_IL__UV)                                   \
  X(LDIND_I4, "ldind.i4", 0x4A, NONE, NEXT, 1, 1, ILHEAP_IL__UV)                                   \
  X(LDIND_U4, "ldind.u4", 0x4B, NONE, NEXT, 1, 1, ILHEAP_IL__UV)                                   \
  X(LDIND_I8, "ldind.i8", 0x4C, NONE, NEXT, 1, 1, ILHEAP_IL__UV)                                   \
  X(LDIND_I, "ldind.i", 0x4D, NONE, NEXT, 1, 1, ILHEAP_IL__UV)                                     \
  X(LDIND_R4, "ldind.r4", 0x4E, NONE, NEXT, 1, 1, ILHEAP_IL__UV)                                   \
  X(LDIND_R8, "ldind.r8", 0x4F, NONE, NEXT, 1, 1, ILHEAP_IL__UV)                                   \
  X(LDIND_REF, "ldind.ref", 0x50, NONE, NEXT, 1, 1, ILHEAP_IL__UV)                                 \
  X(STIND_REF, "stind.ref", 0x51, NONE, NEXT, 2, 0, ILHEAP_IL__UV)                                 \
  X(STIND_I1, "stind.i1", 0x52, NONE, NEXT, 2, 0, ILHEAP_IL__UV)                                   \
  X(STIND_I2, "stind.i2", 0x53, NONE, NEXT, 2, 0, ILHEAP_IL__UV)                                   \
  X(STIND_I4, "stind.i4", 0x54, NONE, NEXT, 2, 0, ILHEAP_IL__UV)                                   \
  X(STIND_I8, "stind.i8", 0x55, NONE, NEXT, 2, 0, ILHEAP_IL__UV)                                   \
  X(STIND_R4, "stind.r4", 0x56, NONE, NEXT, 2, 0, ILHEAP_IL__UV)                                   \
  X(STIND_R8, "stind.r8", 0x57, NONE, NEXT, 2, 0, ILHEAP_IL__UV)                                   \
  X(ADD, "add", 0x58, NONE, NEXT, 2, 1, 0)                                                         \
  X(SUB, "sub", 0x59, NONE, NEXT, 2, 1, 0)                                                         \
  X(MUL, "mul", 0x5A, NONE, NEXT, 2, 1, 0)                                                         \
  X(DIV, "div", 0x5B, NONE, NEXT, 2, 1, 0)                                                         \
  X(DIV_UN, "div.un", 0x5C, NONE, NEXT, 2, 1, 0)                                                   \
  X(REM, "rem", 0x5D, NONE, NEXT, 2, 1, 0)                                                         \
  X(REM_UN, "rem.un", 0x5E, NONE, NEXT, 2, 1, 0)                                                   \
  X(AND, "and", 0x5F, NONE, NEXT, 2, 1, 0)                                                         \
  X(OR, "or", 0x60, NONE, NEXT, 2, 1, 0)                                                           \
  X(XOR, "xor", 0x61, NONE, NEXT, 2, 1, 0)                                                         \
  X(SHL, "shl", 0x62, NONE, NEXT, 2, 1, 0)                                                         \
  X(SHR, "shr", 0x63, NONE, NEXT, 2, 1, 0)                                                         \
  X(SHR_UN, "shr.un", 0x64, NONE, NEXT, 2, 1, 0)                                                   \
  X(NEG, "neg", 0x65, NONE, NEXT, 1, 1, 0)                                                         \
  X(NOT, "not", 0x66, NONE, NEXT, 1, 1, 0)                                                         \
  X(CONV_I1, "conv.i1", 0x67, NONE, NEXT, 1, 1, 0)                                                 \
  X(CONV_I2, "conv.i2", 0x68, NONE, NEXT, 1, 1, 0)                                                 \
  X(CONV_I4, "conv.i4", 0x69, NONE, NEXT, 1, 1, 0)                                                 \
  X(CONV_I8, "conv.i8", 0x6A, NONE, NEXT, 1, 1, 0)                                                 \
  X(CONV_R4, "conv.r4", 0x6B, NONE, NEXT, 1, 1, 0)                                                 \
  X(CONV_R8, "conv.r8", 0x6C, NONE, NEXT, 1, 1, 0)                                                 \
  X(CONV_U4, "conv.u4", 0x6D, NONE, NEXT, 1, 1, 0)                                                 \
  X(CONV_U8, "conv.u8", 0x6E, NONE, NEXT, 1, 1, 0)                                                 \
  X(CALLVIRT, "callvirt", 0x6F, TOK_METHOD, CALL, -1, -1, ILHEAP_IL__CALLVIRT)                     \
  X(CPOBJ, "cpobj", 0x70, TOK_TYPE, NEXT, 2, 0, 0)                                                 \
  X(LDOBJ, "ldobj", 0x71, TOK_TYPE, NEXT, 1, 1, ILHEAP_IL__UV)                                     \
  X(LDSTR, "ldstr", 0x72, TOK_STRING, NEXT, 0, 1, 0)                                               \
  X(NEWOBJ, "newobj", 0x73, TOK_METHOD, CALL, -1, 1, 0)                                            \
  X(CASTCLASS, "castclass", 0x74, TOK_TYPE, NEXT, 1, 1, ILHEAP_IL__N)                              \
  X(ISINST, "isinst", 0x75, TOK_TYPE, NEXT, 1, 1, 0)                                               \
  X(CONV_R_UN, "conv.r.un", 0x76, NONE, NEXT, 1, 1, 0)                                             \
  X(UNBOX, "unbox", 0x79, TOK_TYPE, NEXT, 1, 1, ILHEAP_IL__N)                                      \
  X(THROW, "throw", 0x7A, NONE, THROW, 1, 0, 0)                                                    \
  X(LDFLD, "ldfld", 0x7B, TOK_FIELD, NEXT, 1, 1, ILHEAP_IL__UVN)                                   \
  X(LDFLDA, "ldflda", 0x7C, TOK_FIELD, NEXT, 1, 1, 0)                                                 \
  X(STFLD, "stfld", 0x7D, TOK_FIELD, NEXT, 2, 0, ILHEAP_IL__UVN)                                   \
  X(LDSFLD, "ldsfld", 0x7E, TOK_FIELD, NEXT, 0, 1, ILHEAP_IL__V)                                   \
  X(LDSFLDA, "ldsflda", 0x7F, TOK_FIELD, NEXT, 0, 1, 0)                                            \
  X(STSFLD, "stsfld", 0x80, TOK_FIELD, NEXT, 1, 0, ILHEAP_IL__V)                                   \
  X(STOBJ, "stobj", 0x81, TOK_TYPE, NEXT, 2, 0, ILHEAP_IL__UV)                                     \
  X(CONV_OVF_I1_UN, "conv.ovf.i1.un", 0x82, NONE, NEXT, 1, 1, 0)                                   \
  X(CONV_OVF_I2_UN, "conv.ovf.i2.un", 0x83, NONE, NEXT, 1, 1, 0)                                   \
  X(CONV_OVF_I4_UN, "conv.ovf.i4.un", 0x84, NONE, NEXT, 1, 1, 0)                                   \
  X(CONV_OVF_I8_UN, "conv.ovf.i8.un", 0x85, NONE, NEXT, 1, 1, 0)                                   \
  X(CONV_OVF_U1_UN, "conv.ovf.u1.un", 0x86, NONE, NEXT, 1, 1, 0)                                   \
  X(CONV_OVF_U2_UN, "conv.ovf.u2.un", 0x87, NONE, NEXT, 1, 1, 0)                                   \
  X(CONV_OVF_U4_UN, "conv.ovf.u4.un", 0x88, NONE, NEXT, 1, 1, 0)                                   \
  X(CONV_OVF_U8_UN, "conv.ovf.u8.un", 0x89, NONE, NEXT, 1, 1, 0)                                   \
  X(CONV_OVF_I_UN, "conv.ovf.i.un", 0x8A, NONE, NEXT, 1, 1, 0)                                     \
  X(CONV_OVF_U_UN, "conv.ovf.u.un", 0x8B, NONE, NEXT, 1, 1, 0)                                     \
  X(BOX, "box", 0x8C, TOK_TYPE, NEXT, 1, 1, 0)                                                     \
  X(NEWARR, "newarr", 0x8D, TOK_TYPE, NEXT, 1, 1, 0)                                               \
  X(LDLEN, "ldlen", 0x8E, NONE, NEXT, 1, 1, 0)                                                     \
  X(LDELEMA, "ldelema", 0x8F, TOK_TYPE, NEXT, 2, 1, ILHEAP_IL__RN)                                 \
  X(LDELEM_I1, "ldelem.i1", 0x90, NONE, NEXT, 2, 1, ILHEAP_IL__N)                                  \
  X(LDELEM_U1, "ldelem.u1", 0x91, NONE, NEXT, 2, 1, ILHEAP_IL__N)                                  \
  X(LDELEM_I2, "ldelem.i2", 0x92, NONE, NEXT, 2, 1, ILHEAP_IL__N)                                  \
  X(LDELEM_U2, "ldelem.u2", 0x93, NONE, NEXT, 2, 1, ILHEAP_IL__N)                                  \
  X(LDELEM_I4, "ldelem.i4", 0x94, NONE, NEXT, 2, 1, ILHEAP_IL__N)                                  \
  X(LDELEM_U4, "ldelem.u4", 0x95, NONE, NEXT, 2, 1, ILHEAP_IL__N)                                  \
  X(LDELEM_I8, "ldelem.i8", 0x96, NONE, NEXT, 2, 1, ILHEAP_IL__N)                                  \
  X(LDELEM_I, "ldelem.i", 0x97, NONE, NEXT, 2, 1, ILHEAP_IL__N)                                    \
  X(LDELEM_R4, "ldelem.r4", 0x98, NONE, NEXT, 2, 1, ILHEAP_IL__N)                                  \
  X(LDELEM_R8, "ldelem.r8", 0x99, NONE, NEXT, 2, 1, ILHEAP_IL__N)                                  \
  X(LDELEM_REF, "ldelem.ref", 0x9A, NONE, NEXT, 2, 1, ILHEAP_IL__N)                                \
  X(STELEM_I, "stelem.i", 0x9B, NONE, NEXT, 3, 0, ILHEAP_IL__N)                                    \
  X(STELEM_I1, "stelem.i1", 0x9C, NONE, NEXT, 3, 0, ILHEAP_IL__N)                                  \
  X(STELEM_I2, "stelem.i2", 0x9D, NONE, NEXT, 3, 0, ILHEAP_IL__N)                                  \
  X(STELEM_I4, "stelem.i4", 0x9E, NONE, NEXT, 3, 0, ILHEAP_IL__N)                                  \
  X(STELEM_I8, "stelem.i8", 0x9F, NONE, NEXT, 3, 0, ILHEAP_IL__N)                                  \
  X(STELEM_R4, "stelem.r4", 0xA0, NONE, NEXT, 3, 0, ILHEAP_IL__N)                                  \
  X(STELEM_R8, "stelem.r8", 0xA1, NONE, NEXT, 3, 0, ILHEAP_IL__N)                                  \
  X(STELEM_REF, "stelem.ref", 0xA2, NONE, NEXT, 3, 0, ILHEAP_IL__N)                                \
  X(LDELEM, "ldelem", 0xA3, TOK_TYPE, NEXT, 2, 1, ILHEAP_IL__N)                                    \
  X(STELEM, "stelem", 0xA4, TOK_TYPE, NEXT, 3, 0, ILHEAP_IL__N)                                    \
  X(UNBOX_ANY, "unbox.any", 0xA5, TOK_TYPE, NEXT, 1, 1, 0)                                         \
  X(CONV_OVF_I1, "conv.ovf.i1", 0xB3, NONE, NEXT, 1, 1, 0)                                         \
  X(CONV_OVF_U1, "conv.ovf.u1", 0xB4, NONE, NEXT, 1, 1, 0)                                         \
  X(CONV_OVF_I2, "conv.ovf.i2", 0xB5, NONE, NEXT, 1, 1, 0)                                         \
  X(CONV_OVF_U2, "conv.ovf.u2", 0xB6, NONE, NEXT, 1, 1, 0)                                         \
  X(CONV_OVF_I4, "conv.ovf.i4", 0xB7, NONE, NEXT, 1, 1, 0)                                         \
  X(CONV_OVF_U4, "conv.ovf.u4", 0xB8, NONE, NEXT, 1, 1, 0)                                         \
  X(CONV_OVF_I8, "conv.ovf.i8", 0xB9, NONE, NEXT, 1, 1, 0)                                         \
  X(CONV_OVF_U8, "conv.ovf.u8", 0xBA, NONE, NEXT, 1, 1, 0)                                         \
  X(REFANYVAL, "refanyval", 0xC2, TOK_TYPE, NEXT, 1, 1, 0)                                         \
  X(CKFINITE, "ckfinite", 0xC3, NONE, NEXT, 1, 1, 0)                                               \
  X(MKREFANY, "mkrefany", 0xC6, TOK_TYPE, NEXT, 1, 1, 0)                                           \
  X(LDTOKEN, "ldtoken", 0xD0, TOK_ANY, NEXT, 0, 1, 0)                                              \
  X(CONV_U2, "conv.u2", 0xD1, NONE, NEXT, 1, 1, 0)                                                 \
  X(CONV_U1, "conv.u1", 0xD2, NONE, NEXT, 1, 1, 0)                                                 \
  X(CONV_I, "conv.i", 0xD3, NONE, NEXT, 1, 1, 0)                                                   \
  X(CONV_OVF_I, "conv.ovf.i", 0xD4, NONE, NEXT, 1, 1, 0)                                           \
  X(CONV_OVF_U, "conv.ovf.u", 0xD5, NONE, NEXT, 1, 1, 0)                                           \
  X(ADD_OVF, "add.ovf", 0xD6, NONE, NEXT, 2, 1, 0)                                                 \
  X(ADD_OVF_UN, "add.ovf.un", 0xD7, NONE, NEXT, 2, 1, 0)                                           \
  X(MUL_OVF, "mul.ovf", 0xD8, NONE, NEXT, 2, 1, 0)                                                 \
  X(MUL_OVF_UN, "mul.ovf.un", 0xD9, NONE, NEXT, 2, 1, 0)                                           \
  X(SUB_OVF, "sub.ovf", 0xDA, NONE, NEXT, 2, 1, 0)                                                 \
  X(SUB_OVF_UN, "sub.ovf.un", 0xDB, NONE, NEXT, 2, 1, 0)                                           \
  X(ENDFINALLY, "endfinally", 0xDC, NONE, ENDFINALLY, 0, 0, 0)                                     \
  X(LEAVE, "leave", 0xDD, BR32, LEAVE, 0, 0, 0)                                                    \
  X(LEAVE_S, "leave.s", 0xDE, BR8, LEAVE, 0, 0, 0)                                                 \
  X(STIND_I, "stind.i", 0xDF, NONE, NEXT, 2, 0, ILHEAP_IL__UV)                                     \
  X(CONV_U, "conv.u", 0xE0, NONE, NEXT, 1, 1, 0)                                                   \
  X(ARGLIST, "arglist", 0xFE00, NONE, NEXT, 0, 1, 0)                                               \
  X(CEQ, "ceq", 0xFE01, NONE, NEXT, 2, 1, 0)                                                       \
  X(CGT, "cgt", 0xFE02, NONE, NEXT, 2, 1, 0)                                                       \
  X(CGT_UN, "cgt.un", 0xFE03, NONE, NEXT, 2, 1, 0)                                                 \
  X(CLT, "clt", 0xFE04, NONE, NEXT, 2, 1, 0)                                                       \
  X(CLT_UN, "clt.un", 0xFE05, NONE, NEXT, 2, 1, 0)                                                 \
  X(LDFTN, "ldftn", 0xFE06, TOK_METHOD, NEXT, 0, 1, ILHEAP_IL__C)                                  \
  X(LDVIRTFTN, "ldvirtftn", 0xFE07, TOK_METHOD, NEXT, 1, 1, ILHEAP_IL__N)                          \
  X(LDARG, "ldarg", 0xFE09, ARG16, NEXT, 0, 1, 0)                                                  \
  X(LDARGA, "ldarga", 0xFE0A, ARG16, NEXT, 0, 1, 0)                                                \
  X(STARG, "starg", 0xFE0B, ARG16, NEXT, 1, 0, 0)                                                  \
  X(LDLOC, "ldloc", 0xFE0C, LOC16, NEXT, 0, 1, 0)                                                  \
  X(LDLOCA, "ldloca", 0xFE0D, LOC16, NEXT, 0, 1, 0)                                                \
  X(STLOC, "stloc", 0xFE0E, LOC16, NEXT, 1, 0, 0)                                                  \
  X(LOCALLOC, "localloc", 0xFE0F, NONE, NEXT, 1, 1, 0)                                             \
  X(ENDFILTER, "endfilter", 0xFE11, NONE, ENDFILTER, 1, 0, 0)                                      \
  X(UNALIGNED, "unaligned.", 0xFE12, U8, PREFIX, 0, 0, 0)                                          \
  X(VOLATILE, "volatile.", 0xFE13, NONE, PREFIX, 0, 0, 0)                                          \
  X(TAIL, "tail.", 0xFE14, NONE, PREFIX, 0, 0, 0)                                                  \
  X(INITOBJ, "initobj", 0xFE15, TOK_TYPE, NEXT, 1, 0, 0)                                           \
  X(CONSTRAINED, "constrained.", 0xFE16, TOK_TYPE, PREFIX, 0, 0, 0)                                \
  X(CPBLK, "cpblk", 0xFE17, NONE, NEXT, 3, 0, ILHEAP_IL__UV)                                       \
  X(INITBLK, "initblk", 0xFE18, NONE, NEXT, 3, 0, ILHEAP_IL__UV)                                   \
  X(NO, "no.", 0xFE19, U8, PREFIX, 0, 0, 0)                                                        \
  X(RETHROW, "rethrow", 0xFE1A, NONE, RETHROW, 0, 0, 0)                                            \
  X(SIZEOF, "sizeof", 0xFE1C, TOK_TYPE, NEXT, 0, 1, 0)                                             \
  X(REFANYTYPE, "refanytype", 0xFE1D, NONE, NEXT, 1, 1, 0)                                         \
  X(READONLY, "readonly.", 0xFE1E, NONE, PREFIX, 0, 0, 0)

/* ILHEAP_IL_OP_NOP = 0x00 ... ILHEAP_IL_OP_READONLY = 0xFE1E */
enum {
#define ILHEAP_IL__OP_ENUM(id, name, code, operand, flow, pops, pushes, prefixes)                   \
  ILHEAP_IL_OP_##id = (code),
  ILHEAP_IL_OPCODE_LIST(ILHEAP_IL__OP_ENUM)
#undef ILHEAP_IL__OP_ENUM
};

#endif /* ILHEAP_IL_OPCODES_H */
