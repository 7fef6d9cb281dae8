// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Threading;

namespace IlHeapE2E;

/// <summary>
/// Runs every target once and prints one line per scenario, in a fixed
/// key=value format that scripts/e2e.sh checks. The app never knows whether a
/// profiler is attached: it reports which body ran, the script decides what
/// was expected.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        // The soak mode (Soak.cs, scripts/soak.sh): PLUGIN soak [settings].
        if (args.Length >= 2 && args[1] == "soak" && File.Exists(args[0]))
            return Soak.Run(args[0], args[2..]);
        if (args.Length != 1 || !File.Exists(args[0]))
        {
            Console.Error.WriteLine("usage: dotnet IlHeapE2E.dll <path of IlHeapE2E.Plugin.dll> [soak [settings]]");
            return 2;
        }

        // 1. Tiny header.
        Console.WriteLine($"answer={Targets.Answer()}");

        // 2. Fat header with an exception section: both the normal path and
        //    the handler.
        Console.WriteLine($"guarded(5)={Targets.Guarded(5)} guarded(0)={Targets.Guarded(0)}");

        // 2b. Methods the profiler added (DefineMethod), called by rewritten
        //     methods; the one without a body must fail when called.
        string noBody;
        try
        {
            noBody = Targets.CallAddedNoBody().ToString();
        }
        catch (Exception e)
        {
            noBody = e.GetType().FullName!;
        }
        Console.WriteLine($"added tiny={Targets.CallAddedTiny()} fat={Targets.CallAddedFat()} nobody={noBody}");

        // 3. A thousand methods, JIT-compiled (and so rewritten) from several
        //    threads at once.
        RunMany(threads: 4);

        // 4. A collectible context: load, call, unload.
        RunPlugin(args[0]);
        return 0;
    }

    private static void RunMany(int threads)
    {
        Func<int>[] all = Many.All;
        int original = 0, rewritten = 0, wrong = 0;
        using var start = new Barrier(threads);
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            // Each thread starts at a different quarter, so the first calls
            // (the JIT compilations) are spread over the threads.
            int first = t * all.Length / threads;
            workers[t] = new Thread(() =>
            {
                int o = 0, r = 0, w = 0;
                start.SignalAndWait();
                for (int k = 0; k < all.Length; k++)
                {
                    int i = (first + k) % all.Length;
                    int v = all[i]();
                    if (v == i)
                        o++;
                    else if (v == 1_000_000 + i)
                        r++;
                    else
                        w++;
                }
                Interlocked.Add(ref original, o);
                Interlocked.Add(ref rewritten, r);
                Interlocked.Add(ref wrong, w);
            });
            workers[t].Start();
        }
        foreach (Thread w in workers)
            w.Join();
        Console.WriteLine($"many threads={threads} methods={all.Length} calls={threads * all.Length} " +
                          $"original={original} rewritten={rewritten} wrong={wrong}");
    }

    private static void RunPlugin(string path)
    {
        WeakReference context = LoadCallUnload(path, out int answer, out int addedTiny, out int addedFat);
        int rounds = 0;
        while (context.IsAlive && rounds < 200)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            rounds++;
        }
        // The runtime frees the context's native side (and notifies a
        // profiler: ModuleUnloadFinished) during collections after the context
        // object is gone; more of them give that work its turn before the
        // process exits, even on a busy machine.
        for (int i = 0; i < 10; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Thread.Sleep(20);
        }
        Console.WriteLine($"plugin added tiny={addedTiny} fat={addedFat}");
        Console.WriteLine($"plugin answer={answer} unloaded={(!context.IsAlive ? "yes" : "no")} gc_rounds={rounds}");
    }

    // Not inlined, so that no reference to the context or its types survives
    // in Main's frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference LoadCallUnload(string path, out int answer, out int addedTiny,
                                                out int addedFat)
    {
        var alc = new AssemblyLoadContext("ilheap-e2e-plugin", isCollectible: true);
        Assembly asm = alc.LoadFromAssemblyPath(Path.GetFullPath(path));
        Type type = asm.GetType("IlHeapE2E.Plugin.Unloadable", throwOnError: true)!;
        var call = type.GetMethod("Answer")!.CreateDelegate<Func<int>>();
        answer = call();
        addedTiny = type.GetMethod("CallAddedTiny")!.CreateDelegate<Func<int>>()();
        addedFat = type.GetMethod("CallAddedFat")!.CreateDelegate<Func<int>>()();
        alc.Unload();
        return new WeakReference(alc);
    }
}
