// SPDX-License-Identifier: MIT
using System;
using System.Runtime.CompilerServices;

namespace IlHeapE2E;

/// <summary>
/// Methods the sample profiler rewrites (examples/profiler/profiler.c, g_rules).
/// Each returns one thing with its original IL and another with the new body,
/// so the output tells which body the runtime executed.
/// </summary>
public static class Targets
{
    /// <summary>41 as compiled; the profiler's tiny-header body returns 42.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Answer() => 41;

    /// <summary>
    /// As compiled: 10 / divisor, or -1 when divisor is 0 (caught
    /// DivideByZeroException). The profiler's body has a fat header and an
    /// exception section of its own: 1000 / divisor, or -42. Its catch clause
    /// reuses this method's exception type token and its local signature.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Guarded(int divisor)
    {
        int result;
        try
        {
            result = 10 / divisor;
        }
        catch (DivideByZeroException)
        {
            result = -1;
        }
        return result;
    }

    // Rewritten by the profiler to call methods it adds to this type in
    // ModuleLoadFinished (IMetaDataEmit::DefineMethod, bodies from ilheap):
    // AddedTiny returns 4201 (tiny header), AddedFat 4202 (fat header with a
    // try/finally). AddedNoBody gets no body: calling it must fail (the
    // negative control). As compiled, each returns 41.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int CallAddedTiny() => 41;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int CallAddedFat() => 41;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int CallAddedNoBody() => 41;
}
