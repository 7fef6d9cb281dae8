#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole test matrix of ilheap, as CI runs it (.ci/run calls exactly this).
#
#   scripts/test.sh                 install what is missing, build every variant, run every step
#   scripts/test.sh --list          print the steps and exit
#   ILHEAP_STEPS="asan tsan" scripts/test.sh    only the steps whose name contains a word given
#
# Steps (each prints its name, PASS/FAIL/SKIP and its duration; its log is kept in
# $ILHEAP_BUILD_ROOT/logs/, and the tail of a failing step's log is printed):
#   deps                         scripts/install-deps.sh
#   docs check                   scripts/check-docs.sh: links, anchors and backquoted paths of
#                                the Markdown files resolve (about a second)
#   licence check                scripts/check-spdx.sh: every tracked source file has its SPDX line
#   release-gcc: build/unit/demo/consumers/bench/clusterfuzzlite
#                                gcc -O2: unit tests, the demo (label demo), the embedding tests
#                                (add_subdirectory, find_package, pkg-config; static and shared),
#                                the benchmarks' smoke runs (they time nothing), and the
#                                OSS-Fuzz/ClusterFuzzLite build.sh run by hand; header order:
#                                ilheap_com.h before/after the platform's COM headers, C and
#                                C++, gcc and clang (PAL-shaped header), mingw-w64 x86_64/i686
#                                (real windows.h + unknwn.h), -Werror, compile only
#   asan-ubsan: build/unit/replay   clang, ASan+UBSan, no recovery: unit tests and demo, corpus replay
#   tsan: build/all              clang, ThreadSanitizer: the tsan test preset (concurrency, unit,
#                                replay and demo tests)
#   valgrind: build/unit         gcc, every unit test and the demo under memcheck (errors and
#                                definite leaks fail: scripts/valgrind-test.sh)
#   linux32: build/tests         gcc -m32 (gcc-12-multilib), in a real 32-bit process: the unit tests
#                                (tests/compat: Criterion is amd64-only), the corpus replay of every
#                                fuzz target, the demo and the profiler self-test
#   mingw64: build/tests         mingw-w64 x86_64 with UBSan in trap mode; under Wine: the unit
#                                tests (the same sources, through tests/compat), the corpus replay
#                                of every target that is not Linux-only and fuzz_win's, the demo,
#                                the consumer projects (scripts/wine-run.sh)
#   mingw32: build/tests         the same in i686 but the consumers (needs wine32; a canary proves
#                                32-bit programs ran; real-module contract test as /LARGEADDRESSAWARE)
#   arm64: build/tests           gcc-aarch64-linux-gnu, a checked build (UBSan trap), every program
#                                under qemu-aarch64-static: the unit tests (tests/compat), the corpus
#                                replay of every fuzz target, the demo, at 4 KiB pages and again at
#                                64 KiB (scripts/arm64-pages.sh: the full 4/16/64 KiB matrix)
#   fuzz-smoke                   a bounded libFuzzer run of every fuzz target (scripts/fuzz-smoke.sh)
#   e2e                          the sample CoreCLR profiler (scripts/e2e.sh; exit 77 = skipped)
#   soak: linux (short)          500 collectible load/rewrite/unload cycles (scripts/soak.sh) on
#                                the e2e step's build; 5 to 12 s
#   e2e: win-x64/win-x86 (Wine)  the same on Windows: the profiler DLL (mingw-w64) in the app
#                                published self-contained for the RID, under Wine
#                                (ILHEAP_E2E_RID; ~15-30 s each with a warm prefix, ~1 min cold)
#   e2e: linux-arm64 (qemu)      the same on linux-arm64: the profiler cross-built, the app
#                                published self-contained, under qemu-aarch64-static
#   il: framework bodies         every IL body of the .NET shared framework through the IL checks,
#                                and its negative controls, in the asan-ubsan build
#                                (scripts/il-framework.sh; 77 = skipped; 30-70 s)
#   jitdiff: small series        the IL checker against the real JIT (scripts/jitdiff.sh
#                                --seed 1 --count 1000 --strict): no body the JIT refuses
#                                passed by the checker, every valid body's answer right
#                                (~1-2 min cold, most of it the builds; exit 77 = no dotnet)
#   clang-tidy                   .clang-tidy over every file the project compiles
#
# A step that cannot run (a missing tool, a missing script, a build that failed)
# is a failure, never a skip. The last line is the summary, "N passed, N failed,
# N skipped" (skipped: the e2e step without dotnet), and the exit status is
# nonzero if any step failed.
#
# Environment: ILHEAP_BUILD_ROOT (default build/, one subdirectory per preset),
# ILHEAP_FUZZ_SECONDS (per target, default 30), ILHEAP_REQUIRE_DOTNET=1 (a missing
# dotnet fails the e2e step instead of skipping it).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD_ROOT=${ILHEAP_BUILD_ROOT:-$ROOT/build}
LOGS=$BUILD_ROOT/logs
FUZZ_SECONDS=${ILHEAP_FUZZ_SECONDS:-30}
STEPS_FILTER=${ILHEAP_STEPS:-}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export CTEST_OUTPUT_ON_FAILURE=1
# Sanitizers: stop at the first report, inside the test that caused it (Criterion
# reports a test's result before the child exits, so an exit-time report would
# be lost). ASan and UBSan (-fno-sanitize-recover=all) stop by themselves, with
# exit code 1; TSan needs halt_on_error (then exit code 66). Tests that expect a
# fault rely on these exit codes (tests/test_sim_provider.c).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

passed=0 failed=0 skipped=0 n=0
summary=()
mkdir -p "$LOGS"
rm -f "$LOGS"/*.log # this run's logs only

bdir() { echo "$BUILD_ROOT/$1"; }

wanted() {
  [[ -z "$STEPS_FILTER" ]] && return 0
  local w
  for w in $STEPS_FILTER; do
    [[ "$1" == *"$w"* ]] && return 0
  done
  return 1
}

# step NAME COMMAND...: runs COMMAND with its output in a log; 0 is PASS, 77 is
# SKIP, anything else FAIL.
step() {
  local name=$1
  shift
  wanted "$name" || return 0
  n=$((n + 1))
  local log
  log="$LOGS/$(printf '%02d' "$n")-${name//[^A-Za-z0-9_-]/_}.log"
  printf '==> [%02d] %s\n' "$n" "$name"
  local t0=$SECONDS rc
  "$@" </dev/null >"$log" 2>&1
  rc=$?
  local dt=$((SECONDS - t0)) result
  case $rc in
    0) result=PASS; passed=$((passed + 1)) ;;
    77) result=SKIP; skipped=$((skipped + 1)) ;;
    *) result=FAIL; failed=$((failed + 1)) ;;
  esac
  printf '%s  %-34s %4ds  (log: %s)\n' "$result" "$name" "$dt" "${log#"$ROOT"/}"
  if [[ $result == FAIL ]]; then
    echo "---- last lines of $log (exit $rc) ----"
    tail -n 60 "$log"
    echo "----"
  elif [[ $result == SKIP ]]; then
    tail -n 3 "$log" | sed 's/^/    /'
  fi
  summary+=("$(printf '%-4s  %-34s %5ds' "$result" "$name" "$dt")")
}

configure_build() { # preset
  local dir
  dir=$(bdir "$1")
  cmake --preset "$1" -B "$dir" && cmake --build "$dir" -j 2
}

ctest_labels() { # preset label-regex [extra ctest args]
  local dir
  dir=$(bdir "$1")
  local labels=$2
  shift 2
  [[ -f "$dir/CTestTestfile.cmake" ]] || { echo "no build in $dir"; return 1; }
  ctest --test-dir "$dir" -L "$labels" --no-tests=error --output-on-failure -j 2 "$@"
}

# preset_tests PRESET: the tests of the test preset of that name (its label
# filter, read from CMakePresets.json), so that a developer's
# `ctest --preset PRESET` and this step run the same set.
preset_tests() {
  local labels
  labels=$(cmake -DPRESET="$1" -P scripts/preset-labels.cmake) || return 1
  echo "test preset $1: labels $labels"
  ctest_labels "$1" "$labels"
}

wine_tests() { # preset [ctest args]: the tests of a mingw build under Wine
  # (cmake/wine.cmake: the server fixtures and the canary come with any selection).
  local dir
  dir=$(bdir "$1")
  shift
  [[ -f "$dir/CTestTestfile.cmake" ]] || { echo "no build in $dir"; return 1; }
  ctest --test-dir "$dir" --no-tests=error --output-on-failure -j 2 "$@"
}

need_script() { # path args...: a missing entry point is a failure
  if [[ ! -f "$1" ]]; then
    echo "$1 does not exist: this step cannot run"
    return 1
  fi
  bash "$@"
}

fuzz_smoke() {
  ILHEAP_FUZZ_BUILD_DIR=$(bdir asan-ubsan) need_script scripts/fuzz-smoke.sh "$FUZZ_SECONDS"
}

# e2e_env COMMAND...: COMMAND with the e2e build's settings: the profiler is
# built in the release build; dotnet's output goes beside it.
e2e_env() {
  ILHEAP_BUILD_DIR=$(bdir release-gcc) ILHEAP_E2E_WORK=$BUILD_ROOT/e2e "$@"
}

e2e() {
  e2e_env need_script scripts/e2e.sh
}

soak_short() {
  # The mappings count and RSS are reported, not checked: 500 cycles lie inside
  # the runtime's own warm-up (the baseline run without the profiler shows it).
  e2e_env need_script scripts/soak.sh --cycles 500 --baseline --process-info
}

e2e_win() { # RID: its own work directory (and for win-*, Wine prefix; kept: later runs reuse it)
  ILHEAP_E2E_RID=$1 ILHEAP_E2E_WORK=$BUILD_ROOT/e2e-$1 need_script scripts/e2e.sh
}

arm64_pages() { # page sizes: the linux-arm64 tests under qemu with those pages
  ILHEAP_ARM64_BUILD_DIR=$(bdir linux-arm64) need_script scripts/arm64-pages.sh "$@"
}

il_framework() {
  # The checker's driver is the ASan+UBSan one: every real body under the sanitizers.
  ILHEAP_BUILD_DIR=$(bdir asan-ubsan) ILHEAP_IL_WORK=$BUILD_ROOT/il-framework \
    need_script scripts/il-framework.sh
}

jitdiff_small() {
  ILHEAP_JITDIFF_WORK=$BUILD_ROOT/jitdiff need_script scripts/jitdiff.sh --seed 1 --count 1000 --time 300 --strict
}

clang_tidy() {
  local dir
  dir=$(bdir asan-ubsan)
  [[ -f "$dir/compile_commands.json" ]] || { echo "no compile_commands.json in $dir"; return 1; }
  command -v clang-tidy >/dev/null || { echo "clang-tidy not found"; return 1; }
  # Every file the project compiles: all that the asan-ubsan build compiled (the
  # library, support/, tests, fuzz targets, benchmarks, examples), plus the two
  # that only other builds compile (clang-tidy infers their flags).
  local files
  mapfile -t files < <(sed -n 's/^ *"file": "\(.*\)",\{0,1\}$/\1/p' "$dir/compile_commands.json" |
    sed "s|^$ROOT/||" | sort -u)
  files+=(tests/tsan/criterion_tsan_shim.c tests/consumer/app/consumer.c)
  echo "clang-tidy $(clang-tidy --version | grep -o 'version [0-9.]*') over ${#files[@]} files: ${files[*]}"
  # One file per run: clang-tidy 14 carries analyzer state from one file into
  # the next within a run (a false valist.Uninitialized report appears only
  # when another file was analyzed first).
  printf '%s\n' "${files[@]}" | xargs -P 2 -n 1 clang-tidy -p "$dir" --quiet
}

if [[ "${1:-}" == "--list" ]]; then
  sed -n '/^# Steps/,/^#   clang-tidy/p' "$0"
  exit 0
fi

start=$SECONDS
echo "ilheap test matrix: $(nproc) cores, logs in ${LOGS#"$ROOT"/}"

step "deps" bash scripts/install-deps.sh
step "docs check" bash scripts/check-docs.sh
step "licence check" bash scripts/check-spdx.sh

step "release-gcc: build" configure_build release-gcc
step "release-gcc: unit tests" ctest_labels release-gcc unit
step "release-gcc: demo" ctest_labels release-gcc demo
step "release-gcc: consumers" ctest_labels release-gcc consumer
step "release-gcc: header order" ctest_labels release-gcc headers
step "release-gcc: bench smoke" ctest_labels release-gcc bench
step "release-gcc: clusterfuzzlite build" ctest_labels release-gcc clusterfuzzlite

step "asan-ubsan: build" configure_build asan-ubsan
step "asan-ubsan: unit tests + demo" ctest_labels asan-ubsan 'unit|demo'
step "asan-ubsan: corpus replay" ctest_labels asan-ubsan replay

step "tsan: build" configure_build tsan
step "tsan: all tests" preset_tests tsan

step "valgrind: build" configure_build valgrind
step "valgrind: unit tests + demo" preset_tests valgrind

step "linux32: build" configure_build linux32
step "linux32: tests" ctest_labels linux32 'unit|replay|demo'

step "mingw64: build" configure_build mingw64
step "mingw64: tests under Wine" wine_tests mingw64
step "mingw32: build" configure_build mingw32
# The consumer projects (the library cross-built static and shared, consumers
# linked and run: ~3 minutes) run in the 64-bit lane only, for CI time;
# `cmake --workflow --preset mingw32` runs them in 32-bit too.
step "mingw32: tests under Wine" wine_tests mingw32 -LE consumer

step "arm64: build" configure_build linux-arm64
step "arm64: tests" ctest_labels linux-arm64 'unit|replay|demo'
step "arm64: tests, 64 KiB pages" arm64_pages 65536

step "fuzz-smoke" fuzz_smoke
step "e2e" e2e
step "soak: linux (short)" soak_short
step "e2e: win-x64 (Wine)" e2e_win win-x64
step "e2e: win-x86 (Wine)" e2e_win win-x86
step "e2e: linux-arm64 (qemu)" e2e_win linux-arm64
step "il: framework bodies" il_framework
step "jitdiff: small series" jitdiff_small
step "clang-tidy" clang_tidy

echo
echo "ilheap test matrix, $((SECONDS - start))s:"
printf '  %s\n' "${summary[@]}"
echo
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
