#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The benchmarks of scripts/bench.sh for Windows, run under Wine (report only:
# Wine is not Windows). Cross-builds bench/ with mingw-w64 (Release, -O2) for
# x64 and x86, runs `ilheap_bench all` in each (throughput: ilheap, its COM
# vtable, msvcrt's malloc, the bump pointers; placement in a crowd of
# VirtualAlloc regions; economy), and writes
#   bench/results/wine-x64.txt, wine-x86.txt   the tables, with where and when
#   bench/results/wine-x64.csv, wine-x86.csv   every figure (as results.csv)
# About 2-3 minutes per architecture on a 2-core machine (REPS=7).
#
# Environment: ARCHS (default "x64 x86"), REPS (processes per throughput
# figure, default 7), BUILD_ROOT (default build-wine: one directory per
# architecture, each with its own WINEPREFIX), OUT_DIR (default bench/results),
# COMPILER (gcc, the default: mingw-w64 GCC, whose thread-local storage is
# emulated; clang: clang for *-w64-windows-gnu with Windows' own TLS,
# cmake/toolchains/clang-mingw*.cmake; its files are named wine-ARCH-clang.*).
# x86 needs wine32 (scripts/install-deps.sh); without it that architecture
# fails here rather than "passing" having run nothing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build_root=${BUILD_ROOT:-$root/build-wine}
out=${OUT_DIR:-$root/bench/results}
reps=${REPS:-7}
archs=${ARCHS:-x64 x86}
compiler=${COMPILER:-gcc}
case $compiler in
  gcc) prefix_tc= suffix= ;;
  clang) prefix_tc=clang- suffix=-clang ;;
  *) echo "bench-wine.sh: unknown COMPILER $compiler (gcc or clang)" >&2; exit 2 ;;
esac

for tool in cmake wine wineserver; do
  if ! command -v "$tool" >/dev/null; then
    echo "bench-wine.sh: $tool is missing (scripts/install-deps.sh installs it)" >&2
    exit 1
  fi
done
generator=()
if command -v ninja >/dev/null; then
  generator=(-G Ninja)
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)

prefixes=()
stop_wine() {
  for p in "${prefixes[@]}"; do
    "$root/scripts/wine-run.sh" "$p" --stop || true
  done
}
trap stop_wine EXIT

for arch in $archs; do
  case $arch in
    x64) toolchain=mingw64 triple=x86_64-w64-mingw32 need=() ;;
    x86) toolchain=mingw32 triple=i686-w64-mingw32 need=(--need-wine32) ;;
    *) echo "bench-wine.sh: unknown architecture $arch (x64 or x86)" >&2; exit 2 ;;
  esac
  command -v "$triple-gcc" >/dev/null || {
    echo "bench-wine.sh: $triple-gcc is missing (scripts/install-deps.sh installs mingw-w64)" >&2
    exit 1
  }
  toolchain=$prefix_tc$toolchain
  cc=("$triple-gcc")
  if [[ $compiler == clang ]]; then
    cc=(clang "--target=${triple%-mingw32}-windows-gnu")
  fi
  build=$build_root/$arch$suffix
  # Release with -O2 like scripts/bench.sh; no UBSan (the mingw presets' trap
  # mode costs time on every allocation).
  cmake -S "$root" -B "$build" "${generator[@]}" --toolchain "$root/cmake/toolchains/$toolchain.cmake" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" \
    -DILHEAP_BUILD_BENCH=ON -DILHEAP_BUILD_TESTS=OFF -DILHEAP_BUILD_FUZZ=OFF \
    -DILHEAP_BUILD_EXAMPLES=OFF >/dev/null
  cmake --build "$build" --target ilheap_bench -j "$(nproc)" >/dev/null

  prefix=$build/wineprefix
  prefixes+=("$prefix")
  "$root/scripts/wine-run.sh" "$prefix" --start "${need[@]}"

  started=$(date -u '+%Y-%m-%d %H:%M UTC')
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  tmp=$(mktemp)
  # The program writes its CSV where it runs: a relative name needs no
  # translation into a Windows path.
  status=0
  (cd "$out" && "$root/scripts/wine-run.sh" "$prefix" "$build/bench/ilheap_bench.exe" all \
    --reps "$reps" --csv "wine-$arch$suffix.csv") >"$tmp" || status=$?
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)
  if [[ $status -ne 0 ]] || ! grep -q '^== Targets' "$tmp"; then
    cat "$tmp"
    rm -f "$tmp"
    echo "bench-wine.sh: $arch: ilheap_bench all failed (status $status)" >&2
    exit 1
  fi
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
  rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
  if ! git -C "$root" diff --quiet HEAD -- src include bench support 2>/dev/null; then
    rev="$rev + uncommitted changes"
  fi
  {
    echo "Windows $arch under Wine (report only: Wine is not Windows)"
    echo "date:       $started"
    echo "machine:    ${cpu:-unknown CPU}, $(nproc) CPUs, $(uname -sr)"
    echo "wine:       $(wine --version 2>/dev/null)"
    echo "compiler:   $("${cc[@]}" --version | head -n 1), -O2, msvcrt"
    echo "ilheap:     $rev"
    echo "load:       $load_before before, $load_after after (1, 5, 15 min averages)"
    echo "command:    scripts/bench-wine.sh (ARCHS=$arch REPS=$reps COMPILER=$compiler)"
    cat "$tmp"
  } >"$out/wine-$arch$suffix.txt"
  rm -f "$tmp"
  cat "$out/wine-$arch$suffix.txt"
  "$root/scripts/wine-run.sh" "$prefix" --stop || true
done
echo "results:    $out/wine-*.txt, $out/wine-*.csv"
