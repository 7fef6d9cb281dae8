// SPDX-License-Identifier: MIT
// IlCorpusDump: every IL method body of a set of assemblies, with the signatures
// its call sites need, in one file whose format tests/ilcorpus/ilcorpus.h
// documents (and whose C reader is tests/ilcorpus/ilcorpus.c).
//
//   dotnet IlCorpusDump.dll <output file> <directory or assembly>...
//
// A directory stands for its *.dll files (not its subdirectories). Files without
// ECMA-335 metadata are skipped and counted. Everything is read through
// System.Reflection.Metadata (part of the shared framework: no package).
//
// The body bytes are the file's own: header, code, padding and the EH section,
// exactly MethodBodyBlock.Size bytes from the method's RVA. Instead of the
// tokens a body's call sites use, the tool writes the signature of every token
// a call site can name (MethodDef, MemberRef, MethodSpec, StandAloneSig), so
// the checker's resolver sees what the runtime would see. It counts each
// body's instructions with the runtime's own opcode table (OpCodes), as a
// check of the checker's walk, not as a second decoder: it looks at nothing
// but the opcodes' operand sizes.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Emit;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text;

namespace IlCorpusDump;

internal static class Program
{
    private const uint FormatVersion = 1;

    private static int Main(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: IlCorpusDump <output file> <directory or assembly>...");
            return 2;
        }
        var files = new List<string>();
        foreach (string arg in args.Skip(1))
        {
            if (Directory.Exists(arg))
            {
                files.AddRange(Directory.GetFiles(arg, "*.dll"));
            }
            else if (File.Exists(arg))
            {
                files.Add(arg);
            }
            else
            {
                Console.Error.WriteLine($"IlCorpusDump: {arg}: no such file or directory");
                return 2;
            }
        }
        // Ordinal order: the same input gives the same file, byte for byte.
        files.Sort(StringComparer.Ordinal);

        var assemblies = new List<byte[]>();
        int skipped = 0;
        long bodies = 0, bodyBytes = 0, sigs = 0, noBody = 0, notIl = 0;
        foreach (string file in files)
        {
            using var stream = File.OpenRead(file);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                skipped++;
                continue;
            }
            var record = DumpAssembly(pe, Path.GetFileName(file), out int nbodies, out long nbytes, out int nsigs,
                ref noBody, ref notIl);
            assemblies.Add(record);
            bodies += nbodies;
            bodyBytes += nbytes;
            sigs += nsigs;
        }

        string source = string.Join(" ", args.Skip(1));
        using (var output = new BinaryWriter(File.Create(args[0])))
        {
            output.Write(Encoding.ASCII.GetBytes("ILCORPUS"));
            output.Write(FormatVersion);
            output.Write((uint)assemblies.Count);
            WriteString(output, source);
            foreach (byte[] record in assemblies)
            {
                output.Write(record);
            }
        }
        Console.WriteLine(
            $"IlCorpusDump: {assemblies.Count} assemblies ({skipped} files without metadata skipped), " +
            $"{bodies} bodies, {bodyBytes} bytes of bodies ({noBody} methods without a body, {notIl} with " +
            $"native code skipped), {sigs} signatures -> {args[0]} " +
            $"({new FileInfo(args[0]).Length} bytes)");
        return 0;
    }

    // One assembly record: its name, its signature table, its bodies (ilcorpus.h).
    private static byte[] DumpAssembly(PEReader pe, string name, out int nbodies, out long nbytes, out int nsigs,
        ref long noBody, ref long notIl)
    {
        MetadataReader md = pe.GetMetadataReader();
        var table = new SortedDictionary<uint, byte[]>();
        foreach (MethodDefinitionHandle h in md.MethodDefinitions)
        {
            table[Token(h)] = md.GetBlobBytes(md.GetMethodDefinition(h).Signature);
        }
        foreach (MemberReferenceHandle h in md.MemberReferences)
        {
            table[Token(h)] = md.GetBlobBytes(md.GetMemberReference(h).Signature);
        }
        // A MethodSpec's own blob is the instantiation (the type arguments); the
        // stack effect comes from the generic method's signature, so that is
        // what the table gives for a MethodSpec token.
        for (int row = 1; row <= md.GetTableRowCount(TableIndex.MethodSpec); row++)
        {
            MethodSpecificationHandle h = MetadataTokens.MethodSpecificationHandle(row);
            EntityHandle method = md.GetMethodSpecification(h).Method;
            BlobHandle sig = method.Kind switch
            {
                HandleKind.MethodDefinition => md.GetMethodDefinition((MethodDefinitionHandle)method).Signature,
                HandleKind.MemberReference => md.GetMemberReference((MemberReferenceHandle)method).Signature,
                _ => throw new BadImageFormatException($"{name}: MethodSpec row {row} names a {method.Kind}"),
            };
            table[Token(h)] = md.GetBlobBytes(sig);
        }
        for (int row = 1; row <= md.GetTableRowCount(TableIndex.StandAloneSig); row++)
        {
            StandaloneSignatureHandle h = MetadataTokens.StandaloneSignatureHandle(row);
            table[Token(h)] = md.GetBlobBytes(md.GetStandaloneSignature(h).Signature);
        }

        var record = new MemoryStream();
        var w = new BinaryWriter(record);
        WriteString(w, name);
        var bodies = new MemoryStream();
        var bw = new BinaryWriter(bodies);
        nbodies = 0;
        nbytes = 0;
        foreach (MethodDefinitionHandle h in md.MethodDefinitions)
        {
            MethodDefinition def = md.GetMethodDefinition(h);
            int rva = def.RelativeVirtualAddress;
            // No body: abstract, extern (P/Invoke, InternalCall) and runtime-
            // implemented methods (delegates' Invoke...) have RVA 0.
            if (rva == 0)
            {
                noBody++;
                continue;
            }
            if ((def.ImplAttributes & MethodImplAttributes.CodeTypeMask) != MethodImplAttributes.IL)
            {
                notIl++; // native code at the RVA, not IL
                continue;
            }
            MethodBodyBlock body = pe.GetMethodBody(rva);
            int size = body.Size; // header + code + padding + EH section
            byte[] bytes = pe.GetSectionData(rva).GetContent(0, size).ToArray();
            bw.Write(Token(h));
            bw.Write((uint)rva);
            bw.Write((uint)size);
            bw.Write(CountInstructions(body.GetILBytes() ?? Array.Empty<byte>(), name, Token(h)));
            WriteString(bw, MethodName(md, def));
            bw.Write(bytes);
            Pad(bw);
            nbodies++;
            nbytes += size;
        }
        w.Write((uint)table.Count);
        w.Write((uint)nbodies);
        foreach (KeyValuePair<uint, byte[]> e in table)
        {
            w.Write(e.Key);
            w.Write((uint)e.Value.Length);
            w.Write(e.Value);
            Pad(w);
        }
        w.Write(bodies.ToArray());
        nsigs = table.Count;
        return record.ToArray();
    }

    private static uint Token(EntityHandle h) => (uint)MetadataTokens.GetToken(h);

    // The runtime's own opcode table (System.Reflection.Emit.OpCodes), by value:
    // an instruction count made without ilheap's table, for the checker's walk
    // to agree with.
    private static readonly Dictionary<ushort, OperandType> Operands =
        typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (OpCode)f.GetValue(null)!)
            .ToDictionary(op => (ushort)op.Value, op => op.OperandType);

    // Instructions in the code, prefixes counted as instructions of their own.
    private static uint CountInstructions(byte[] code, string assembly, uint token)
    {
        uint count = 0;
        int pos = 0;
        while (pos < code.Length)
        {
            ushort value = code[pos++];
            if (value == 0xFE && pos < code.Length)
            {
                value = (ushort)(0xFE00 | code[pos++]);
            }
            if (!Operands.TryGetValue(value, out OperandType operand))
            {
                throw new BadImageFormatException($"{assembly} 0x{token:x8}: no opcode 0x{value:x} at {pos}");
            }
            pos += operand switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * (int)BitConverter.ToUInt32(code, pos),
                _ => 4,
            };
            count++;
        }
        if (pos != code.Length)
        {
            throw new BadImageFormatException($"{assembly} 0x{token:x8}: the last operand runs past the code");
        }
        return count;
    }

    // "Namespace.Outer/Inner::Method", for the reports.
    private static string MethodName(MetadataReader md, MethodDefinition def)
    {
        return TypeName(md, def.GetDeclaringType()) + "::" + md.GetString(def.Name);
    }

    private static string TypeName(MetadataReader md, TypeDefinitionHandle h)
    {
        TypeDefinition t = md.GetTypeDefinition(h);
        string name = md.GetString(t.Name);
        TypeDefinitionHandle outer = t.GetDeclaringType();
        if (!outer.IsNil)
        {
            return TypeName(md, outer) + "/" + name;
        }
        string ns = md.GetString(t.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    // u32 length, UTF-8 bytes, zero padding to the next multiple of 4.
    private static void WriteString(BinaryWriter w, string s)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s);
        w.Write((uint)bytes.Length);
        w.Write(bytes);
        Pad(w);
    }

    private static void Pad(BinaryWriter w)
    {
        while (w.BaseStream.Position % 4 != 0)
        {
            w.Write((byte)0);
        }
    }
}
