/* SPDX-License-Identifier: MIT */
/*
 * ilcorpus: a dump of real IL method bodies with the signatures their call
 * sites need, and its reader (ilcorpus.c). The dump tool (dump/Program.cs, C#,
 * System.Reflection.Metadata) writes it from the assemblies of the .NET shared
 * framework; ilcorpus_check.c runs the IL checker over it (scripts/il-framework.sh).
 *
 * THE FORMAT (version 1)
 *
 * Every integer is a little-endian u32. "pad" is zero bytes up to the next
 * multiple of 4 of the file offset, so every field below starts on a 4-byte
 * boundary of the file. "string" is u32 length, that many UTF-8 bytes (no NUL),
 * pad.
 *
 *   file     = "ILCORPUS" (8 bytes), version (1), assembly_count,
 *              source (string: where the assemblies came from),
 *              assembly * assembly_count
 *   assembly = name (string: the assembly's file name),
 *              sig_count, body_count,
 *              sig * sig_count      tokens strictly ascending
 *              body * body_count    tokens strictly ascending
 *   sig      = token, length, length bytes of blob, pad
 *   body     = token (a MethodDef, 0x06xxxxxx), rva, size, instructions,
 *              name (string: "Namespace.Outer/Inner::Method"),
 *              size bytes of body, pad
 *
 * `instructions` is the number of instructions in the code, prefixes counted
 * as instructions of their own, as the dump tool counted them with the
 * runtime's opcode table (System.Reflection.Emit.OpCodes' operand types): an
 * independent count for the checker's walk to agree with.
 *
 * A body's bytes are the assembly file's own from the method's RVA: header
 * (tiny or fat), code, the padding and the EH section (II.25.4), exactly the
 * bytes the runtime reads. They start on a 4-byte boundary of the file, so in a
 * buffer aligned to 4 a fat header is aligned as it is in the image (a fat
 * body's RVA is a multiple of 4; a tiny body has no section) and the EH
 * section sits where ECMA-335 puts it.
 *
 * The signature table of an assembly holds, for every row of these tables, the
 * blob a call site's token resolves to:
 *   MethodDef     0x06  the method's signature (MethodDefSig, II.23.2.1); a
 *                       body's own signature is its token's entry
 *   MemberRef     0x0A  its signature (MethodRefSig II.23.2.2; a field's
 *                       FieldSig when the member is a field)
 *   MethodSpec    0x2B  the signature of the generic method it instantiates
 *                       (the MethodDef's or MemberRef's blob; not the
 *                       instantiation blob, which has no parameters)
 *   StandAloneSig 0x11  its blob: a LocalVarSig (II.23.2.6: a fat header's
 *                       LocalVarSigTok) or a StandAloneMethodSig (II.23.2.3: calli)
 * So it is a superset of the tokens the bodies' call, callvirt, newobj, jmp,
 * ldftn, ldvirtftn and calli use: the tool need not find the call sites.
 *
 * THE READER
 *
 * Reads the whole file into memory and checks every length and count against
 * the bytes that remain before using it; the body and signature pointers point
 * into that buffer (aligned to 4: fat headers keep their alignment). Bad input
 * is an error with a message naming the file offset, never a read outside the
 * buffer. Nothing here decodes IL.
 */
#ifndef ILCORPUS_H
#define ILCORPUS_H

#include <stddef.h>
#include <stdint.h>

#define ILCORPUS_MAGIC "ILCORPUS"
#define ILCORPUS_VERSION 1u

typedef struct ilcorpus_sig {
  uint32_t token;
  uint32_t length;
  const uint8_t *blob;
} ilcorpus_sig;

typedef struct ilcorpus_body {
  uint32_t token; /* the method's MethodDef token */
  uint32_t rva;   /* where it is in the assembly (for the reports) */
  uint32_t size;  /* bytes at `bytes`: header, code, padding, EH section */
  uint32_t instructions; /* counted by the dump tool (prefixes included) */
  const char *name;
  uint32_t name_length;
  const uint8_t *bytes; /* 4-byte aligned */
} ilcorpus_body;

typedef struct ilcorpus_assembly {
  const char *name;
  uint32_t name_length;
  uint32_t sig_count;
  ilcorpus_sig *sigs; /* sorted by token (checked) */
  uint32_t body_count;
  ilcorpus_body *bodies; /* sorted by token (checked) */
} ilcorpus_assembly;

typedef struct ilcorpus_file {
  uint8_t *data; /* the whole file (owned) */
  size_t size;
  uint32_t version;
  uint32_t assembly_count;
  const char *source;
  uint32_t source_length;
  size_t pos;                /* where the next assembly starts */
  uint32_t assemblies_read;  /* how many ilcorpus_next_assembly returned */
  ilcorpus_assembly current; /* the arrays of the last assembly read (owned) */
  char error[256];           /* why the last call failed */
} ilcorpus_file;

/* Reads and checks the file header of the dump at path. Returns 0, or -1 with
 * f->error set (f is then closed: ilcorpus_close is harmless). */
int ilcorpus_open(ilcorpus_file *f, const char *path);

/* The same over size bytes at data, copied (a test builds dumps in memory). */
int ilcorpus_open_memory(ilcorpus_file *f, const void *data, size_t size);

/*
 * The next assembly, checked whole (every signature and body inside the file,
 * tokens ascending): returns 1 and sets *out (its arrays stay valid until the
 * next call or ilcorpus_close), 0 after the last one (and then checks that
 * nothing follows it), or -1 with f->error set.
 */
int ilcorpus_next_assembly(ilcorpus_file *f, ilcorpus_assembly *out);

/* The table entry of token in *a, or NULL (binary search). */
const ilcorpus_sig *ilcorpus_find_sig(const ilcorpus_assembly *a, uint32_t token);

/* Frees what f owns; f may have failed to open. */
void ilcorpus_close(ilcorpus_file *f);

#endif /* ILCORPUS_H */
