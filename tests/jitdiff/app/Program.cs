// SPDX-License-Identifier: MIT
// The JIT differential run's app (issue 22). The profiler (ILHEAP_PROFILER_JITDIFF)
// gives target T.M<j> the generated body j when the JIT compiles it; this calls
// each target from the first one asked for and prints one line per target:
//   r <j> ret:<value> | r <j> void | r <j> exc:<exception type>
// and never stops at a failure: an exception of the JIT (InvalidProgramException,
// BadImageFormatException...) or of the body is the answer. A crash ends the
// process: scripts/jitdiff.sh records it and starts again after that target.
using System;

namespace JitDiff
{
    public static class Program
    {
        public static int Main(string[] args)
        {
            int first = args.Length > 0 ? int.Parse(args[0]) : 0;
            int end = args.Length > 1 ? Math.Min(int.Parse(args[1]), T.Count) : T.Count;
            T t = new T();
            // Test hook of scripts/jitdiff.sh's restart: JITDIFF_CRASH_AT=j ends the
            // process (FailFast) instead of calling target j, once per process start.
            string? crashAt = Environment.GetEnvironmentVariable("JITDIFF_CRASH_AT");
            for (int j = first; j < end; j++)
            {
                if (crashAt != null && j != first && ("," + crashAt + ",").Contains("," + j + ","))
                    Environment.FailFast("JITDIFF_CRASH_AT " + j);
                string answer;
                try
                {
                    answer = T.Call(t, j);
                }
                catch (Exception e)
                {
                    answer = "exc:" + e.GetType().FullName;
                }
                Console.Out.WriteLine("r " + j + " " + answer);
            }
            Console.Out.WriteLine("done");
            return 0;
        }
    }
}
