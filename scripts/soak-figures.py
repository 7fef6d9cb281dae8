#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The figures and the verdict of a soak run (scripts/soak.sh).

Reads the e2e app's soak output ("soak progress" and "soak done" lines: the
answers, and the process's RSS and mappings count read by the app at a settled
moment, after the unloads) and the sample profiler's report ("soak" lines:
heaps live, bytes reserved by heaps, the landing zone's figures, and the
process's RSS and mappings count read inside the runtime's unload callback).
Prints a table every --step cycles and the verdict; writes the plot's data.
Exit 0 when every check passes, 1 otherwise.

The checks (docs/testing.md, "The soak"):
  - every call answered right, every plugin unloaded, no failure in the
    profiler, the app exited 0, and the run reached its cycles;
  - after the warm-up, heaps live, bytes reserved by heaps, the zone's bytes
    held, pieces and bytes, the mappings count and RSS flat: the median of the
    last third of the samples at most 1% above the median of the first third
    (the mappings count and RSS as the app reads them, settled);
  - the zone's bytes_lost 0 on every line.
"""
import argparse
import re
import statistics
import sys

LIMIT = 0.01  # growth allowed after the warm-up


def fields(line):
    return {k: v for k, v in re.findall(r"(\w+)=(\S+)", line)}


def read_lines(path, prefix):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return [fields(l) for l in f if l.startswith(prefix)]
    except OSError:
        return []


def as_int(d, k):
    try:
        return int(d[k])
    except (KeyError, ValueError):
        return None


def growth(samples):
    """(first third's median, last third's median, growth) of the values."""
    vals = [v for v in samples if v is not None]
    if len(vals) < 3:
        return None
    third = max(1, len(vals) // 3)
    a, b = statistics.median(vals[:third]), statistics.median(vals[-third:])
    return a, b, (b - a) / a if a else (0.0 if b == a else float("inf"))


def at_marks(series, marks):
    """For each mark, the first sample at or past it (None if none)."""
    rows, i = [], 0
    for m in marks:
        while i < len(series) and series[i]["c"] < m:
            i += 1
        rows.append(series[i] if i < len(series) else None)
    return rows


def mib(b):
    return "-" if b is None else f"{b / 1048576:.1f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--app", required=True)
    ap.add_argument("--app-exit", type=int, default=0)
    ap.add_argument("--report", required=True)
    ap.add_argument("--warmup", type=int, required=True)
    ap.add_argument("--step", type=int, required=True)
    ap.add_argument("--cycles", type=int, required=True)
    ap.add_argument("--data")
    ap.add_argument("--baseline")
    ap.add_argument("--zone-served", type=int, default=0,
                    help="nonzero: the plugins' heaps must come from the zone (paved above them)")
    ap.add_argument("--process-info", action="store_true",
                    help="the mappings count and RSS are reported, not checked (a short run)")
    a = ap.parse_args()

    prog = read_lines(a.app, "soak progress ")
    done = read_lines(a.app, "soak done ")
    rep = [d for d in read_lines(a.report, "soak ") if d.get("when") == "cycles"]
    final = [d for d in read_lines(a.report, "soak ") if d.get("when") == "shutdown"]
    app = [dict(c=as_int(d, "cycles"), rss=as_int(d, "rss"), maps=as_int(d, "maps"),
                wrong=(as_int(d, "plugin_wrong") or 0) + (as_int(d, "main_wrong") or 0),
                calls=(as_int(d, "plugin_calls") or 0) + (as_int(d, "main_calls") or 0),
                ms=as_int(d, "ms")) for d in prog]
    prof = [dict(c=as_int(d, "cycles"), heaps=as_int(d, "heaps_live"), heap_bytes=as_int(d, "heap_bytes"),
                 pieces=as_int(d, "zone_pieces"), zone_bytes=as_int(d, "zone_bytes"),
                 held=as_int(d, "zone_held"), lost=as_int(d, "zone_lost"),
                 reserves=as_int(d, "zone_reserves"), malloc=as_int(d, "malloc"), maps=as_int(d, "maps"),
                 rss=as_int(d, "rss"), failures=as_int(d, "failures")) for d in rep]

    # ---- The table ----
    last = max([s["c"] for s in app] + [s["c"] for s in prof] + [0])
    marks = list(range(a.step, last + 1, a.step)) or [last]
    print(f"soak: figures every {a.step} cycles (profiler: at the unload; app: settled after it)")
    hdr = ("cycles", "heaps", "heap KiB", "pieces", "zone MiB", "held KiB", "lost", "zone res.", "maps(p)",
           "RSS MiB(p)", "maps(a)", "RSS MiB(a)", "calls", "wrong")
    print("| " + " | ".join(hdr) + " |")
    print("|" + "|".join("---:" for _ in hdr) + "|")
    seen = set()
    for m, p, s in zip(marks, at_marks(prof, marks), at_marks(app, marks)):
        key = (p["c"] if p else None, s["c"] if s else None)
        if key in seen:
            continue  # a short run's samples are sparser than its marks
        seen.add(key)

        def g(d, k, f=str):
            return "-" if d is None or d.get(k) is None else f(d[k])
        cyc = p["c"] if p else (s["c"] if s else m)
        print("| " + " | ".join([
            str(cyc), g(p, "heaps"), g(p, "heap_bytes", lambda b: str(b // 1024)), g(p, "pieces"),
            g(p, "zone_bytes", mib), g(p, "held", lambda b: str(b // 1024)), g(p, "lost"), g(p, "reserves"),
            g(p, "maps"), g(p, "rss", mib), g(s, "maps"), g(s, "rss", mib), g(s, "calls"),
            g(s, "wrong")]) + " |")

    # ---- The verdict ----
    fails = []

    def check(ok, text):
        print(f"soak:   {'ok  ' if ok else 'FAIL'}  {text}")
        if not ok:
            fails.append(text)

    d = done[-1] if done else {}
    ran = as_int(d, "cycles") or 0
    print("soak: verdict")
    check(bool(done) and d.get("result") == "ok" and a.app_exit == 0,
          f"the app finished: {ran} cycles, exit {a.app_exit}, result={d.get('result', 'none')}")
    check(ran >= a.cycles, f"ran the cycles asked for: {ran} of {a.cycles}"
          + ("" if ran >= a.cycles else " (stopped by the time limit or a failure)"))
    check(as_int(d, "plugin_wrong") == 0 and as_int(d, "main_wrong") == 0 and (as_int(d, "plugin_calls") or 0) > 0
          and (as_int(d, "main_calls") or 0) > 0,
          f"every call answered right: plugin {d.get('plugin_calls', '?')} calls, {d.get('plugin_wrong', '?')} wrong; "
          f"main assembly {d.get('main_calls', '?')} calls, {d.get('main_wrong', '?')} wrong")
    check(as_int(d, "unload_timeouts") == 0, f"every plugin unloaded: {d.get('unload_timeouts', '?')} timeouts")
    fin = final[-1] if final else (rep[-1] if rep else {})
    check(bool(fin) and as_int(fin, "failures") == 0,
          f"no failure in the profiler: failures={fin.get('failures', 'no report')}")
    zone_on = any(s["zone_bytes"] for s in prof)
    lost = [s["lost"] for s in prof] + [as_int(f, "zone_lost") for f in final]
    if zone_on:
        check(all(v == 0 for v in lost),
              f"zone bytes_lost 0 on every line ({len(lost)} lines, max {max([v for v in lost if v is not None] or [0])})")

    post_p = [s for s in prof if s["c"] >= a.warmup]
    if a.zone_served and len(post_p) >= 2:
        # Each plugin's heap reserves its chunk from the zone: the release path is exercised.
        served = (post_p[-1]["reserves"] or 0) - (post_p[0]["reserves"] or 0)
        span = post_p[-1]["c"] - post_p[0]["c"]
        check(served >= span, f"the zone served the plugins' heaps: {served} reserves from the zone over the last {span} cycles")
    post_a = [s for s in app if s["c"] >= a.warmup]
    print(f"soak: after the warm-up ({a.warmup} cycles): {len(post_p)} profiler samples, {len(post_a)} app samples;"
          f" growth = median of the last third over the median of the first third, limit {LIMIT:.0%}")
    flat = [("heaps live", post_p, "heaps", str), ("bytes reserved by heaps", post_p, "heap_bytes", str)]
    if zone_on:
        flat += [("zone bytes held", post_p, "held", str), ("zone bytes", post_p, "zone_bytes", str)]
    else:
        print("soak:   info  no landing zone in this run: its checks do not apply")
    # The app counts mappings on Linux only (-1 elsewhere): then the profiler's count.
    if post_a and all(s["maps"] is not None and s["maps"] >= 0 for s in post_a):
        flat += [("mappings count (app, settled)", post_a, "maps", str)]
    else:
        flat += [("mappings count (profiler, at the unload)", post_p, "maps", str)]
    flat += [("RSS (app, settled)", post_a, "rss", mib)]
    for name, series, key, fmt in flat:
        g = growth([s[key] for s in series])
        process = key in ("maps", "rss")
        if g is None:
            check(False, f"{name}: fewer than 3 samples after the warm-up")
            continue
        lo, hi, gr = g
        text = f"{name} flat: {fmt(lo)} -> {fmt(hi)}{' MiB' if fmt is mib else ''} ({gr:+.2%})"
        if process and a.process_info:
            print(f"soak:   info  {text} (not checked: --process-info)")
        else:
            check(gr <= LIMIT, text)
    pieces = [s["pieces"] for s in post_p if s["pieces"] is not None]
    if pieces:
        # A count, not bytes: paving a hole freed next to a module adds one
        # (the zone's bytes, checked above, say how much address space).
        print(f"soak:   info  zone pieces: {pieces[0]} -> {pieces[-1]}")
    # For information: the same figures as the profiler reads them, inside the
    # unload (the runtime's transient mappings make them noisier).
    for name, key, fmt in (("mappings count (profiler, at the unload)", "maps", str),
                           ("RSS (profiler, at the unload)", "rss", mib),
                           ("malloc in use, whole process (profiler, at the unload)", "malloc", mib)):
        g = growth([s[key] for s in post_p])
        vals = [s[key] for s in post_p if s[key] is not None]
        if g and vals:
            print(f"soak:   info  {name}: {fmt(g[0])} -> {fmt(g[1])} ({g[2]:+.2%}), range {fmt(min(vals))}..{fmt(max(vals))}")
    if a.baseline:
        base = [dict(c=as_int(x, "cycles"), rss=as_int(x, "rss"), maps=as_int(x, "maps"))
                for x in read_lines(a.baseline, "soak progress ")]
        bpost = [s for s in base if s["c"] >= a.warmup]
        for name, key, fmt in (("mappings count", "maps", str), ("RSS", "rss", mib)):
            g = growth([s[key] for s in bpost])
            if g:
                print(f"soak:   info  without the profiler (baseline run): {name} {fmt(g[0])} -> {fmt(g[1])} ({g[2]:+.2%})")
    if app and app[-1]["ms"]:
        print(f"soak: {app[-1]['c']} cycles in {app[-1]['ms'] / 1000:.1f} s "
              f"({app[-1]['ms'] / max(app[-1]['c'], 1):.2f} ms per cycle)")

    if a.data:
        base = ([dict(c=as_int(x, "cycles"), rss=as_int(x, "rss")) for x in read_lines(a.baseline, "soak progress ")]
                if a.baseline else [])
        with open(a.data, "w", encoding="utf-8") as f:
            f.write("# cycles rss_app_MiB rss_profiler_MiB heap_bytes_KiB zone_held_KiB zone_bytes_MiB maps_app"
                    " maps_profiler rss_baseline_MiB\n")
            j = k = 0
            for p in prof:
                while j + 1 < len(app) and app[j]["c"] < p["c"]:
                    j += 1
                s = app[j] if app and app[j]["c"] >= p["c"] else None
                row = [p["c"], (s["rss"] / 1048576) if s and s["rss"] else "NaN",
                       p["rss"] / 1048576 if p["rss"] else "NaN", (p["heap_bytes"] or 0) / 1024,
                       (p["held"] or 0) / 1024, (p["zone_bytes"] or 0) / 1048576,
                       s["maps"] if s and s["maps"] is not None else "NaN", p["maps"] if p["maps"] is not None else "NaN"]
                while k + 1 < len(base) and base[k]["c"] < p["c"]:
                    k += 1
                row.append(base[k]["rss"] / 1048576 if base and base[k]["c"] >= p["c"] and base[k]["rss"] else "NaN")
                f.write(" ".join(str(x) for x in row) + "\n")

    print(f"soak: {'PASSED' if not fails else 'FAILED: ' + str(len(fails)) + ' check(s)'}")
    return 0 if not fails else 1


if __name__ == "__main__":
    sys.exit(main())
