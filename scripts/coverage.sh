#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# How much of src/ the fuzz corpus reaches: clang source-based coverage.
#
#   scripts/coverage.sh [--min-lines PERCENT] [--html DIR]
#
# Builds the corpus replay drivers (fuzz/replay.c, no libFuzzer) with
# -fprofile-instr-generate -fcoverage-mapping in build/coverage-fuzz, replays
# every corpus/<target>/ through its target (fuzz_os and fuzz_faults a second time with
# ILHEAP_PROCMAP=text, the path kernels older than 6.11 take), merges the
# profiles with llvm-profdata and prints llvm-cov's report of src/: regions,
# functions, lines and branches per file and in total. The build has the
# test seams (ILHEAP_SEAMS=ON: the failure injection of src/seams.h, which the
# corpus drives) and not the asserts (ILHEAP_ASSERTS=OFF), as SQLite measures
# coverage: an assert's failing branch is never taken by design.
#
#   --min-lines P   exit 1 if the total line coverage of src/ is below P percent
#   --html DIR      also write an HTML report (per-line counts) into DIR
# Environment: ILHEAP_COVERAGE_BUILD_DIR (default build/coverage-fuzz), CC (default
# clang), LLVM_PROFDATA / LLVM_COV (default: llvm-profdata / llvm-cov, or their
# -14 names).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MIN_LINES=
HTML=
while (($#)); do
  case $1 in
    --min-lines) MIN_LINES=$2; shift 2 ;;
    --html) HTML=$2; shift 2 ;;
    *) echo "usage: $0 [--min-lines PERCENT] [--html DIR]" >&2; exit 2 ;;
  esac
done

find_tool() { # name
  local t
  for t in "$1" "$1-14" "/usr/lib/llvm-14/bin/$1"; do
    command -v "$t" >/dev/null 2>&1 && { command -v "$t"; return; }
  done
  echo "coverage: $1 not found (Debian: apt-get install llvm)" >&2
  exit 1
}
PROFDATA=${LLVM_PROFDATA:-$(find_tool llvm-profdata)}
COV=${LLVM_COV:-$(find_tool llvm-cov)}

BUILD=${ILHEAP_COVERAGE_BUILD_DIR:-$ROOT/build/coverage-fuzz}
CC=${CC:-clang} cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DILHEAP_BUILD_TESTS=OFF -DILHEAP_BUILD_EXAMPLES=OFF -DILHEAP_LIBFUZZER=OFF \
  -DILHEAP_ASSERTS=OFF -DILHEAP_SEAMS=ON -DCMAKE_C_FLAGS="-fprofile-instr-generate -fcoverage-mapping" >/dev/null
cmake --build "$BUILD" -j 2 >/dev/null

PROFILES=$BUILD/profiles
rm -rf "$PROFILES"
mkdir -p "$PROFILES"
objects=()
for drv in "$BUILD"/fuzz/fuzz_*_replay; do
  t=$(basename "$drv" _replay)
  [[ -d "$ROOT/corpus/$t" ]] || { echo "coverage: no corpus/$t" >&2; exit 1; }
  n=$(find "$ROOT/corpus/$t" -type f | wc -l)
  echo "coverage: replaying $n inputs of $t"
  LLVM_PROFILE_FILE="$PROFILES/$t-%p.profraw" "$drv" "$ROOT/corpus/$t" 2>"$PROFILES/$t.log" ||
    { tail -n 20 "$PROFILES/$t.log"; echo "coverage: $t failed on its corpus" >&2; exit 1; }
  if [[ $t == fuzz_os || $t == fuzz_faults ]]; then
    ILHEAP_PROCMAP=text LLVM_PROFILE_FILE="$PROFILES/$t-text-%p.profraw" "$drv" "$ROOT/corpus/$t" \
      2>"$PROFILES/$t-text.log" || { echo "coverage: $t (text maps) failed" >&2; exit 1; }
  fi
  objects+=(-object "$drv")
done
"$PROFDATA" merge -sparse "$PROFILES"/*.profraw -o "$PROFILES/merged.profdata"

# llvm-cov takes the first binary plainly and the others with -object.
first=${objects[1]}
rest=("${objects[@]:2}")
sources=("$ROOT"/src/*.c "$ROOT"/src/*.h "$ROOT"/src/os/os.h "$ROOT"/src/os/posix.c "$ROOT"/src/os/provider_linux.c)
echo
echo "Coverage of src/ by the fuzz corpus ($(date -u +%Y-%m-%d), $(find "$ROOT"/corpus -type f | wc -l) inputs):"
"$COV" report "$first" "${rest[@]}" -instr-profile="$PROFILES/merged.profdata" "${sources[@]}" |
  tee "$PROFILES/report.txt"
if [[ -n "$HTML" ]]; then
  "$COV" show "$first" "${rest[@]}" -instr-profile="$PROFILES/merged.profdata" -format=html \
    -show-branches=count -output-dir="$HTML" "${sources[@]}"
  echo "coverage: HTML report in $HTML/index.html"
fi

# The TOTAL row: regions, missed, %, functions, missed, %, lines, missed, %, branches, missed, %.
total=$(grep '^TOTAL' "$PROFILES/report.txt")
lines=$(awk '{print $10}' <<<"$total")
branches=$(awk '{print $13}' <<<"$total")
echo
echo "coverage: src/ lines $lines, branches $branches"
if [[ -n "$MIN_LINES" ]]; then
  if awk -v l="${lines%\%}" -v m="$MIN_LINES" 'BEGIN { exit !(l + 0 < m + 0) }'; then
    echo "coverage: line coverage $lines is below the required $MIN_LINES%" >&2
    exit 1
  fi
fi
