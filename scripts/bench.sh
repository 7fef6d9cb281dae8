#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the benchmarks in Release (-O2), runs all of them, and writes
#   bench/results/results.txt   the table (also printed on stdout)
#   bench/results/results.csv   every figure: median, quartiles, min, max, ratios
#   bench/results/chart.png     the chart (gnuplot)
#   bench/results/machine.txt   where and when it ran
#   bench/results/README.md     its last section, "The last run of scripts/bench.sh":
#                               machine.txt and the Targets section of results.txt
#                               (the sections above it are kept as written)
#   scripts/bench.sh --refresh-readme   only that section, from the files already there
# About 2 to 4 minutes on a 2-core machine. The method is described in
# bench/bench.c.
#
# Environment: BUILD_DIR (default build-bench), OUT_DIR (default bench/results),
# REPS (processes per throughput figure, default 15), CC (the compiler, read
# when the build directory is first configured).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-bench}
out=${OUT_DIR:-$root/bench/results}
reps=${REPS:-15}

# refresh_readme: rewrites everything after the marker line of $out/README.md
# from $out/machine.txt and the Targets section of $out/results.txt.
refresh_readme() {
  local readme=$out/README.md marker='<!-- scripts/bench.sh replaces everything from here to the end of the file -->'
  if [[ ! -f $readme ]] || ! grep -qxF "$marker" "$readme"; then
    echo "bench.sh: $readme has no marker line; not refreshed" >&2
    return 0
  fi
  local tmp
  tmp=$(mktemp)
  {
    sed "/^$(printf '%s' "$marker" | sed 's/[][\\/.*^$]/\\&/g')\$/q" "$readme"
    echo "Written by scripts/bench.sh from \`machine.txt\` and \`results.txt\` (every table of the run is"
    echo "in \`results.txt\`, every figure with its quartiles and spread in \`results.csv\`)."
    echo
    echo '```'
    cat "$out/machine.txt"
    echo
    sed -n '/^== Targets/,$p' "$out/results.txt"
    echo '```'
  } >"$tmp"
  mv "$tmp" "$readme"
  echo "results:    $readme refreshed (its last section)"
}
if [[ ${1:-} == --refresh-readme ]]; then
  refresh_readme
  exit 0
fi

for tool in cmake gnuplot; do
  if ! command -v "$tool" >/dev/null; then
    echo "bench.sh: $tool is missing (scripts/install-deps.sh installs it)" >&2
    exit 1
  fi
done
generator=()
if command -v ninja >/dev/null; then
  generator=(-G Ninja)
fi

# Release with -O2 (CMake's Release default is -O3), the library static, the
# rest of the project off.
cmake -S "$root" -B "$build" "${generator[@]}" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" \
  -DILHEAP_BUILD_BENCH=ON -DILHEAP_BUILD_TESTS=OFF -DILHEAP_BUILD_FUZZ=OFF \
  -DILHEAP_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" --target ilheap_bench -j "$(nproc)" >/dev/null

bin="$build/bench"
mkdir -p "$out"
plot=$(mktemp -d)
trap 'rm -rf "$plot"' EXIT

started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
"$bin/ilheap_bench" all --reps "$reps" --csv "$out/results.csv" --plot-dir "$plot" \
  | tee "$out/results.txt"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
{
  echo "date:       $started"
  echo "machine:    ${cpu:-unknown CPU}, $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "kernel:     $(uname -srm)"
  compiler=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
  echo "compiler:   $("${compiler:-cc}" --version | head -n 1), -O2"
  echo "libc:       $(ldd --version | head -n 1)"
  if [ -x "$bin/ilheap_bench_mimalloc" ]; then
    echo "mimalloc:   $("$bin/ilheap_bench_mimalloc" version | cut -d' ' -f2) (mi_version)"
  fi
  if [ -x "$bin/ilheap_bench_jemalloc" ]; then
    echo "jemalloc:   $("$bin/ilheap_bench_jemalloc" version | cut -d' ' -f2)"
  fi
  if rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null); then
    if ! git -C "$root" diff --quiet HEAD -- src include 2>/dev/null; then
      rev="$rev + uncommitted changes in src/ or include/"
    fi
    echo "ilheap:     $rev"
  fi
  echo "load:       $load_before before, $load_after after (1, 5, 15 min averages)"
  echo "command:    scripts/bench.sh (REPS=$reps)"
} >"$out/machine.txt"

subtitle="$(sed -n 's/^machine: *//p' "$out/machine.txt"), $started"
gnuplot -e "datadir='$plot'; outfile='$out/chart.png'; subtitle='$subtitle'; cores=$(nproc)" \
  "$root/bench/chart.gp"
echo
cat "$out/machine.txt"
echo "results:    $out/results.csv, $out/chart.png"
refresh_readme
