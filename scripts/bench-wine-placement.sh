#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Before/after placement under Wine, interleaved: two builds of ilheap_bench.exe
# (the same bench/, two versions of the library) time the first allocation for
# a module in crowds of ~1,000, ~3,000 and ~10,000 regions, side by side
# ("adjacent") and apart ("holed"), one process per build, crowd and round, the
# two builds alternating, so that load from elsewhere hits both alike. Each
# process times 100 module bases (`ilheap_bench placement N 100 SHAPE`); a
# figure is the median over the rounds of the processes' medians, with min and
# max; the growth exponent is fitted between the medians.
#
#   scripts/bench-wine-placement.sh PREFIX BEFORE.exe AFTER.exe [ROUNDS]
#
# PREFIX: a WINEPREFIX (scripts/wine-run.sh makes it; a 32-bit build needs one
# made with wine32 installed). ROUNDS: default 5. One round takes about 12 s
# in x64 (load ~7 on 2 cores; several minutes for 5 under load 15-20). Prints
# every process's line, then the summary.
set -euo pipefail
[[ $# -ge 3 ]] || { echo "usage: $0 PREFIX BEFORE.exe AFTER.exe [ROUNDS]" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=$1 before=$2 after=$3 rounds=${4:-5}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for r in $(seq "$rounds"); do
  for n in 1000 3000 10000; do
    for shape in adjacent holed; do
      for who in before after; do
        exe=$before
        [[ $who == after ]] && exe=$after
        out=$("$root/scripts/wine-run.sh" "$prefix" "$exe" placement "$n" 100 "$shape" 2>&1 || true)
        printf '%s\n' "$out" | python3 -c '
import statistics, sys
who, shape, n = sys.argv[1:4]
regions = first = cold = None
for line in sys.stdin:
    f = line.split()
    if f[:2] == ["P", "mappings"]:
        regions = f[2]
    elif f[:2] == ["S", "first_alloc"]:
        first = statistics.median(map(float, f[3:]))
    elif f[:2] == ["S", "first_alloc_cold"]:
        cold = float(f[3])
print(who, shape, n, regions, first, cold)' "$who" "$shape" "$n" | tee -a "$tmp"
      done
    done
  done
done
python3 - "$tmp" <<'PY'
import math, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    who, shape, n, regions, first, cold = line.split()
    e = runs.setdefault((who, shape, int(n)), {"v": [], "c": [], "failed": 0})
    if first == "None":
        e["failed"] += 1
    else:
        e["v"].append(float(first)); e["c"].append(float(cold)); e["regions"] = int(regions)
print("\ncrowd    regions who     median us  [min - max] of the processes' medians; first placement of a process, median")
med = {}
for k in sorted(runs, key=lambda k: (k[1], k[2], k[0] != "before")):
    e = runs[k]
    if not e["v"]:
        print(f"{k[1]:8s} {k[2]:7d} {k[0]:7s} failed in {e['failed']} processes")
        continue
    m = statistics.median(e["v"]); med[k] = (m, e["regions"])
    print(f"{k[1]:8s} {e['regions']:7d} {k[0]:7s} {m:9.1f}  [{min(e['v']):.1f} - {max(e['v']):.1f}] n={len(e['v'])};"
          f" first {statistics.median(e['c']):.0f}" + (f"; failed {e['failed']}" if e["failed"] else ""))
for who in ("before", "after"):
    for shape in ("adjacent", "holed"):
        a = med.get((who, shape, 1000))
        for n in (3000, 10000):
            b = med.get((who, shape, n))
            if a and b:
                print(f"growth exponent, {who}, {shape}, ~1000 to ~{n}: "
                      f"{math.log(b[0] / a[0]) / math.log(b[1] / a[1]):.2f}")
PY
