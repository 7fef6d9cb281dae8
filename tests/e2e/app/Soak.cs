// SPDX-License-Identifier: MIT
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Threading;

namespace IlHeapE2E;

/// <summary>
/// The soak mode (scripts/soak.sh): load the collectible plugin, call its
/// rewritten and added methods from several threads, unload it, wait for the
/// unload; again and again, for a count of cycles or a time, with 1 to
/// max_alive plugins alive at once. Meanwhile other threads keep calling the
/// main assembly's rewritten methods. Every answer is checked against what
/// `expect` says ran (rewritten: the sample profiler's bodies; original: the
/// IL as compiled). One cycle is one plugin loaded, called and unloaded.
///
/// Usage: dotnet IlHeapE2E.dll PLUGIN soak [cycles=N] [seconds=S] [threads=T]
///        [max_alive=A] [every=E] [expect=rewritten|original]
/// Output, one line each, key=value:
///   soak start ...            the settings
///   soak progress cycles=...  every E cycles, after the batch that reached it
///                             unloaded and settled (the profiler reports its
///                             figures at the same moments)
///   soak done ... result=ok|fail
/// Exit code: 0 when every call answered right and every plugin unloaded, 1 otherwise.
/// </summary>
internal static class Soak
{
    private sealed class Settings
    {
        public long Cycles = 1000;
        public double Seconds = 600;
        public int Threads = 4;
        public int MaxAlive = 8;
        public long Every = 100;
        public bool Rewritten = true;
    }

    // What each plugin method answers, in the order of PluginMethods.
    private static readonly string[] PluginMethods = { "Answer", "CallAddedTiny", "CallAddedFat" };

    private static long s_pluginCalls, s_pluginWrong, s_mainCalls, s_mainWrong;
    private static string? s_firstWrong;
    private static volatile bool s_stop;

    // The plugin callers: the same threads for the whole run (threads started
    // per batch would churn stacks, and the mappings count the soak watches
    // with them). Between the two barriers they call the batch's delegates.
    private static Func<int>[]? s_batch;
    private static long s_batchFirst;
    private static int[] s_expected = Array.Empty<int>();
    private static Barrier? s_go, s_done;
    private static volatile bool s_callersStop;

    public static int Run(string pluginPath, string[] args)
    {
        Settings? s = Parse(args);
        if (s == null)
        {
            Console.Error.WriteLine("usage: dotnet IlHeapE2E.dll PLUGIN soak [cycles=N] [seconds=S] [threads=T] " +
                                    "[max_alive=1..8] [every=E] [expect=rewritten|original]");
            return 2;
        }
        string path = Path.GetFullPath(pluginPath);
        int[] pluginExpected = s.Rewritten ? new[] { 42, 4201, 4202 } : new[] { 41, 41, 41 };
        Console.WriteLine($"soak start cycles={s.Cycles} seconds={s.Seconds.ToString(CultureInfo.InvariantCulture)} " +
                          $"threads={s.Threads} max_alive={s.MaxAlive} every={s.Every} " +
                          $"expect={(s.Rewritten ? "rewritten" : "original")}");

        // The main assembly's rewritten methods run throughout, on two threads.
        var main = new Thread[2];
        for (int i = 0; i < main.Length; i++)
        {
            int first = i * 500;
            main[i] = new Thread(() => MainLoop(first, s.Rewritten)) { IsBackground = true, Name = $"soak-main-{i}" };
            main[i].Start();
        }

        s_expected = pluginExpected;
        s_go = new Barrier(s.Threads + 1);
        s_done = new Barrier(s.Threads + 1);
        var callers = new Thread[s.Threads];
        for (int t = 0; t < callers.Length; t++)
        {
            int index = t, count = s.Threads;
            callers[t] = new Thread(() => Caller(index, count)) { IsBackground = true, Name = $"soak-caller-{t}" };
            callers[t].Start();
        }

        var clock = Stopwatch.StartNew();
        long cycles = 0, batches = 0, unloadTimeouts = 0, gcRounds = 0, nextMark = s.Every;
        while (cycles < s.Cycles && clock.Elapsed.TotalSeconds < s.Seconds)
        {
            // 1, 2, ... max_alive plugins alive at once, then again from 1.
            int n = (int)Math.Min(1 + batches % s.MaxAlive, s.Cycles - cycles);
            WeakReference[] contexts = LoadCallUnload(path, n, cycles);
            batches++;
            cycles += n;
            int rounds = WaitUnloaded(contexts, 400);
            gcRounds += rounds;
            foreach (WeakReference w in contexts)
                if (w.IsAlive)
                    unloadTimeouts++;
            if (cycles >= nextMark || cycles >= s.Cycles)
            {
                // Give the runtime's native unload (and the profiler's
                // ModuleUnloadFinished) its turn before the figures are read.
                Settle();
                Console.WriteLine($"soak progress cycles={cycles} batches={batches} " +
                                  $"plugin_calls={Interlocked.Read(ref s_pluginCalls)} " +
                                  $"plugin_wrong={Interlocked.Read(ref s_pluginWrong)} " +
                                  $"main_calls={Interlocked.Read(ref s_mainCalls)} " +
                                  $"main_wrong={Interlocked.Read(ref s_mainWrong)} " +
                                  $"unload_timeouts={unloadTimeouts} gc_rounds={gcRounds} " +
                                  $"rss={Environment.WorkingSet} maps={MappingsCount()} " +
                                  $"gc_committed={GC.GetGCMemoryInfo().TotalCommittedBytes} ms={clock.ElapsedMilliseconds}");
                while (nextMark <= cycles)
                    nextMark += s.Every;
            }
        }
        s_stop = true;
        foreach (Thread t in main)
            t.Join();
        s_callersStop = true;
        s_go.SignalAndWait();
        foreach (Thread t in callers)
            t.Join();
        bool ok = Interlocked.Read(ref s_pluginWrong) == 0 && Interlocked.Read(ref s_mainWrong) == 0 &&
                  unloadTimeouts == 0 && Interlocked.Read(ref s_mainCalls) > 0;
        Console.WriteLine($"soak done cycles={cycles} batches={batches} " +
                          $"plugin_calls={s_pluginCalls} plugin_wrong={s_pluginWrong} " +
                          $"main_calls={s_mainCalls} main_wrong={s_mainWrong} " +
                          $"unload_timeouts={unloadTimeouts} gc_rounds={gcRounds} " +
                          $"ms={clock.ElapsedMilliseconds} result={(ok ? "ok" : "fail")}");
        if (s_firstWrong != null)
            Console.WriteLine($"soak first_wrong {s_firstWrong}");
        return ok ? 0 : 1;
    }

    private static Settings? Parse(string[] args)
    {
        var s = new Settings();
        foreach (string a in args)
        {
            int eq = a.IndexOf('=');
            if (eq <= 0)
                return null;
            string k = a.Substring(0, eq), v = a.Substring(eq + 1);
            CultureInfo ci = CultureInfo.InvariantCulture;
            bool good = k switch
            {
                "cycles" => long.TryParse(v, NumberStyles.None, ci, out s.Cycles) && s.Cycles > 0,
                "seconds" => double.TryParse(v, NumberStyles.Float, ci, out s.Seconds) && s.Seconds > 0,
                "threads" => int.TryParse(v, NumberStyles.None, ci, out s.Threads) && s.Threads is > 0 and <= 64,
                "max_alive" => int.TryParse(v, NumberStyles.None, ci, out s.MaxAlive) && s.MaxAlive is > 0 and <= 8,
                "every" => long.TryParse(v, NumberStyles.None, ci, out s.Every) && s.Every > 0,
                "expect" => v is "rewritten" or "original",
                _ => false,
            };
            if (!good)
                return null;
            if (k == "expect")
                s.Rewritten = v == "rewritten";
        }
        return s;
    }

    private static void Wrong(string what)
    {
        Interlocked.CompareExchange(ref s_firstWrong, what, null);
    }

    // Not inlined, so that no reference to a context, its assembly or its
    // delegates survives in the caller's frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] LoadCallUnload(string path, int n, long firstCycle)
    {
        var contexts = new AssemblyLoadContext[n];
        var calls = new Func<int>[n * PluginMethods.Length];
        for (int i = 0; i < n; i++)
        {
            contexts[i] = new AssemblyLoadContext($"soak-{firstCycle + i}", isCollectible: true);
            Assembly asm = contexts[i].LoadFromAssemblyPath(path);
            Type type = asm.GetType("IlHeapE2E.Plugin.Unloadable", throwOnError: true)!;
            for (int m = 0; m < PluginMethods.Length; m++)
                calls[i * PluginMethods.Length + m] = type.GetMethod(PluginMethods[m])!.CreateDelegate<Func<int>>();
        }
        // The callers run the batch; then nothing refers to it any more.
        s_batch = calls;
        s_batchFirst = firstCycle;
        s_go!.SignalAndWait();
        s_done!.SignalAndWait();
        s_batch = null;
        var weak = new WeakReference[n];
        for (int i = 0; i < n; i++)
        {
            contexts[i].Unload();
            weak[i] = new WeakReference(contexts[i]);
        }
        return weak;
    }

    private static void Caller(int index, int count)
    {
        while (true)
        {
            s_go!.SignalAndWait();
            if (s_callersStop)
                return;
            CallBatch(index, count);
            s_done!.SignalAndWait();
        }
    }

    // Every caller calls every method of every plugin alive, four times, each
    // from a different start, so the first calls (the JIT compilations, where
    // the profiler allocates the bodies) are spread over the threads. Not
    // inlined: no reference to the batch outlives it in the caller's frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CallBatch(int index, int count)
    {
        Func<int>[] calls = s_batch!;
        long firstCycle = s_batchFirst, done = 0, wrong = 0;
        int offset = index * calls.Length / count;
        for (int round = 0; round < 4; round++)
        {
            for (int k = 0; k < calls.Length; k++)
            {
                int j = (offset + k) % calls.Length;
                int v = calls[j]();
                int want = s_expected[j % PluginMethods.Length];
                done++;
                if (v != want)
                {
                    wrong++;
                    Wrong($"plugin={firstCycle + j / PluginMethods.Length} " +
                          $"method={PluginMethods[j % PluginMethods.Length]} got={v} want={want}");
                }
            }
        }
        Interlocked.Add(ref s_pluginCalls, done);
        Interlocked.Add(ref s_pluginWrong, wrong);
    }

    // GC rounds until every context is collected (at most max); the rounds run.
    private static int WaitUnloaded(WeakReference[] contexts, int max)
    {
        int rounds = 0;
        while (rounds < max && Array.Exists(contexts, w => w.IsAlive))
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            rounds++;
        }
        return rounds;
    }

    // As the e2e's single unload does: the runtime frees a context's native
    // side (and calls the profiler's ModuleUnloadFinished) during collections
    // after the context object is gone.
    private static void Settle()
    {
        for (int i = 0; i < 5; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Thread.Sleep(10);
        }
    }

    // The process's mappings: Linux, the lines of /proc/self/maps; Windows, the
    // VirtualQuery regions that are not free (as the profiler counts them,
    // examples/profiler/soak_windows.c); -1 elsewhere.
    private static int MappingsCount()
    {
        try
        {
            if (OperatingSystem.IsWindows())
                return WindowsRegions();
            return OperatingSystem.IsLinux() && File.Exists("/proc/self/maps")
                       ? File.ReadAllLines("/proc/self/maps").Length
                       : -1;
        }
        catch (IOException)
        {
            return -1;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MemoryBasicInformation
    {
        public IntPtr BaseAddress, AllocationBase;
        public uint AllocationProtect;
        public UIntPtr RegionSize;
        public uint State, Protect, Type;
    }

    [DllImport("kernel32.dll")]
    private static extern UIntPtr VirtualQuery(IntPtr address, out MemoryBasicInformation info, UIntPtr length);

    private static int WindowsRegions()
    {
        const uint MemFree = 0x10000;
        int regions = 0;
        ulong at = 0x10000;
        var size = (UIntPtr)Marshal.SizeOf<MemoryBasicInformation>();
        // nint/nuint: addresses as unsigned, on 32-bit too.
        while (VirtualQuery((IntPtr)(nint)(nuint)at, out MemoryBasicInformation m, size) != UIntPtr.Zero &&
               m.RegionSize != UIntPtr.Zero)
        {
            if (m.State != MemFree)
                regions++;
            ulong next = (ulong)(nuint)(nint)m.BaseAddress + (ulong)m.RegionSize;
            if (next <= at)
                break;
            at = next;
        }
        return regions;
    }

    // The main assembly's rewritten methods, round and round, until the end.
    private static void MainLoop(int first, bool rewritten)
    {
        Func<int>[] many = Many.All;
        long done = 0, wrong = 0;
        int i = first;
        void Check(string what, int got, int want)
        {
            done++;
            if (got != want)
            {
                wrong++;
                Wrong($"main method={what} got={got} want={want}");
            }
        }
        while (!s_stop)
        {
            for (int k = 0; k < 50; k++, i = (i + 1) % many.Length)
                Check($"Many.M{i:D3}", many[i](), rewritten ? 1_000_000 + i : i);
            Check("Targets.Answer", Targets.Answer(), rewritten ? 42 : 41);
            Check("Targets.Guarded(5)", Targets.Guarded(5), rewritten ? 200 : 2);
            Check("Targets.Guarded(0)", Targets.Guarded(0), rewritten ? -42 : -1);
            Check("Targets.CallAddedTiny", Targets.CallAddedTiny(), rewritten ? 4201 : 41);
            Check("Targets.CallAddedFat", Targets.CallAddedFat(), rewritten ? 4202 : 41);
            Interlocked.Add(ref s_mainCalls, done);
            Interlocked.Add(ref s_mainWrong, wrong);
            done = wrong = 0;
            // Steady, not greedy: the plugin threads share the cores.
            Thread.Sleep(1);
        }
    }
}
