// SPDX-License-Identifier: MIT
using System.Runtime.CompilerServices;

namespace IlHeapE2E.Plugin;

/// <summary>
/// Lives in a collectible AssemblyLoadContext. The sample profiler rewrites
/// Answer to return 42; when the context unloads, the module's ilheap heap is
/// dropped (ModuleUnloadFinished) and its address space released.
/// </summary>
public static class Unloadable
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Answer() => 41;

    // Rewritten to call methods the profiler adds to this type (see
    // IlHeapE2E.Targets): 4201 and 4202 then, 41 as compiled.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int CallAddedTiny() => 41;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int CallAddedFat() => 41;
}
