#!/usr/bin/env bash
# End-to-end test of the sample CoreCLR profiler (examples/profiler) in the real
# .NET runtime, with the test application of tests/e2e.
#
#   scripts/e2e.sh            exit 0: pass; 1: fail; 77: skipped (no dotnet on PATH)
#
# It builds the app (net10.0, no NuGet package, offline) and the profiler, runs
# the app without the profiler (the original IL: 41...) and with it (the
# rewritten bodies: 42...), and checks the app's output and the profiler's
# report: every body inside the module's window [1, 0x7FFFFFFF), 4-byte
# aligned, the runtime's own IMethodMalloc answering our IIDs with S_OK, and the
# collectible plugin's heap dropped, its address space released. A third run,
# the negative control, places every body 2 bytes off alignment and expects the
# runtime to reject the fat header: proof that the checks can fail.
# Every check prints one "ok" or "FAIL" line; all of them run.
#
# Environment:
#   ILHEAP_REQUIRE_DOTNET=1  a missing dotnet is a failure (exit 1), not a skip
#   ILHEAP_PROFILER_PATH     use this libilheap_sample_profiler.so as is
#   ILHEAP_BUILD_DIR         an ilheap build directory (configured with the
#                            examples): build the profiler target there
#   ILHEAP_E2E_WORK          where everything else goes (default: build-e2e in
#                            the repository); rerunning reuses it
set -u -o pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${ILHEAP_E2E_WORK:-$repo/build-e2e}
clsid='{1BA6DB91-C0B5-4A2E-BF65-004C550AAC0E}'

say() { printf 'e2e: %s\n' "$*"; }
fails=0
ok() { printf 'e2e:   ok    %s\n' "$*"; }
bad() {
  printf 'e2e:   FAIL  %s\n' "$*"
  fails=$((fails + 1))
}
die() {
  printf 'e2e: FAIL: %s\n' "$*" >&2
  exit 1
}

# ---- dotnet ------------------------------------------------------------------
if ! command -v dotnet >/dev/null 2>&1; then
  if [ "${ILHEAP_REQUIRE_DOTNET:-0}" = 1 ]; then
    die "dotnet is not on PATH and ILHEAP_REQUIRE_DOTNET=1"
  fi
  say "SKIPPED: dotnet is not on PATH (set ILHEAP_REQUIRE_DOTNET=1 to make this a failure)"
  exit 77
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_GENERATE_ASPNET_CERTIFICATE=false DOTNET_ADD_GLOBAL_TOOLS_TO_PATH=false
# A profiler variable inherited from the caller would spoil the baseline run.
unset CORECLR_ENABLE_PROFILING CORECLR_PROFILER CORECLR_PROFILER_PATH \
  CORECLR_PROFILER_PATH_64 DOTNET_EnableDiagnostics ILHEAP_PROFILER_REPORT

mkdir -p "$work" || die "cannot create $work"
say "work directory: $work"
say "dotnet $(dotnet --version 2>/dev/null || echo '?') ($(command -v dotnet))"

# ---- The profiler --------------------------------------------------------------
profiler=${ILHEAP_PROFILER_PATH:-}
if [ -n "$profiler" ]; then
  [ -f "$profiler" ] || die "ILHEAP_PROFILER_PATH=$profiler does not exist (build it first)"
  say "profiler: $profiler (ILHEAP_PROFILER_PATH)"
elif [ -n "${ILHEAP_BUILD_DIR:-}" ]; then
  say "building the profiler in $ILHEAP_BUILD_DIR"
  cmake --build "$ILHEAP_BUILD_DIR" --target ilheap_sample_profiler -j2 >"$work/profiler-build.log" 2>&1 ||
    { cat "$work/profiler-build.log"; die "cmake --build $ILHEAP_BUILD_DIR --target ilheap_sample_profiler failed"; }
  profiler=$ILHEAP_BUILD_DIR/examples/profiler/libilheap_sample_profiler.so
else
  command -v cmake >/dev/null 2>&1 || die "cmake is not on PATH (needed to build the profiler)"
  gen=()
  command -v ninja >/dev/null 2>&1 && [ ! -f "$work/profiler-build/CMakeCache.txt" ] && gen=(-G Ninja)
  say "building the profiler (standalone examples/profiler) in $work/profiler-build"
  # No sanitizer flags from the caller: an instrumented library cannot be
  # loaded into an uninstrumented dotnet process.
  { env -u CFLAGS -u LDFLAGS cmake -S "$repo/examples/profiler" -B "$work/profiler-build" "${gen[@]}" \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
    env -u CFLAGS -u LDFLAGS cmake --build "$work/profiler-build" --target ilheap_sample_profiler -j2; } \
    >"$work/profiler-build.log" 2>&1 ||
    { cat "$work/profiler-build.log"; die "building the profiler failed"; }
  profiler=$work/profiler-build/libilheap_sample_profiler.so
fi
[ -f "$profiler" ] || die "no profiler library at $profiler"
profiler=$(cd "$(dirname "$profiler")" && pwd)/$(basename "$profiler")
nm -D --defined-only "$profiler" 2>/dev/null | grep -qw DllGetClassObject ||
  die "$profiler does not export DllGetClassObject"

# ---- The app ------------------------------------------------------------------------
# tests/e2e/nuget.config clears every package source: the restore has nothing to
# fetch and no source to fetch it from. Outputs go to the work directory, never
# into the source tree.
say "building tests/e2e (dotnet build, Release, offline)"
artifacts=$work/dotnet
dotnet build "$repo/tests/e2e/app/IlHeapE2E.csproj" -c Release --nologo -v:minimal \
  --artifacts-path "$artifacts" >"$work/dotnet-build.log" 2>&1 ||
  { cat "$work/dotnet-build.log"; die "dotnet build failed"; }
app=$artifacts/bin/IlHeapE2E/release/IlHeapE2E.dll
plugin=$artifacts/bin/IlHeapE2E.Plugin/release/IlHeapE2E.Plugin.dll
[ -f "$app" ] && [ -f "$plugin" ] || die "dotnet build produced no $app / $plugin"

# ---- Runs -----------------------------------------------------------------------------
run_app() { # $1: output file; the rest: environment assignments
  local out=$1
  shift
  # In a subshell whose own stderr is dropped: the negative control aborts
  # (SIGABRT) on purpose, and the shell would announce it.
  (env "$@" timeout 300 dotnet "$app" "$plugin" >"$out" 2>"$out.stderr"; exit $?) 2>/dev/null
}

# Checks that the output file $1 has the exact line $2.
expect_line() {
  if grep -qxF -- "$2" "$1"; then ok "$3: $2"; else
    bad "$3: expected the line '$2'; the app printed:"
    sed 's/^/e2e:         | /' "$1" "$1.stderr"
  fi
}

# 1 if the report's only failures are bodies that found no room in their
# module's window: every "fail" line an Alloc that returned NULL while the
# largest free range of the window (as the heap's provider sees it) was
# smaller than ilheap's smallest chunk (16 KiB + a guard page). That is
# contract 6 answering a full window, which the address-space layout of the
# run decides (ASLR); the profiler's landing zone makes it rare, and the run
# is repeated (at most 3 attempts in all). Any other failure stays a failure.
no_room_only() {
  [ -s "$1" ] && awk '
    $1 == "fail" {
      n++
      if ($0 !~ / reason=Alloc-returned-NULL /) other = 1
      else if (match($0, / largest_free=[0-9]+/)) { if (substr($0, RSTART + 14, RLENGTH - 14) + 0 >= 20480) other = 1 }
      else other = 1
    }
    END { exit !(n > 0 && !other) }' "$1"
}

# run_profiled OUT REPORT [VAR=VALUE...]: the app with the profiler, repeated
# while no_room_only says the layout left a window without room.
run_profiled() {
  local out=$1 rep=$2 attempt rc=0
  shift 2
  for attempt in 1 2 3; do
    rm -f "$rep"
    run_app "$out" CORECLR_ENABLE_PROFILING=1 "CORECLR_PROFILER=$clsid" \
      "CORECLR_PROFILER_PATH=$profiler" "ILHEAP_PROFILER_REPORT=$rep" "$@"
    rc=$?
    no_room_only "$rep" || return $rc
    say "  attempt $attempt: $(grep -c '^fail' "$rep") bodies found no room in their module's window (the layout of this run, not a bug:"
    say "  $(grep -m1 '^fail' "$rep")); running again"
    cp "$rep" "$rep.no-room-$attempt"
  done
  return $rc
}

say "run 1: without the profiler (the original IL)"
base_out=$work/run-baseline.txt
run_app "$base_out" || bad "the app failed without the profiler (exit $?)"
expect_line "$base_out" "answer=41" "tiny target, original"
expect_line "$base_out" "guarded(5)=2 guarded(0)=-1" "try/catch target, original"
expect_line "$base_out" "many threads=4 methods=1000 calls=4000 original=4000 rewritten=0 wrong=0" \
  "1000 methods, original"
expect_line "$base_out" "plugin answer=41 unloaded=yes gc_rounds=$(sed -n 's/.*gc_rounds=//p' "$base_out")" \
  "collectible plugin, original, unloaded"

say "run 2: with the profiler ($profiler)"
report=$work/profiler-report.txt
prof_out=$work/run-profiled.txt
run_profiled "$prof_out" "$report" || bad "the app failed with the profiler (exit $?)"
expect_line "$prof_out" "answer=42" "tiny header body ran"
expect_line "$prof_out" "guarded(5)=200 guarded(0)=-42" "fat header + EH section body ran (both paths)"
expect_line "$prof_out" "many threads=4 methods=1000 calls=4000 original=0 rewritten=4000 wrong=0" \
  "1000 rewritten methods, 4 threads"
expect_line "$prof_out" "plugin answer=42 unloaded=yes gc_rounds=$(sed -n 's/.*gc_rounds=//p' "$prof_out")" \
  "collectible plugin rewritten, then unloaded"

say "run 3 (negative control): every body placed 2 bytes past its 4-byte-aligned block"
# What an IMethodMalloc without the alignment guarantee would cause. A tiny
# header may sit anywhere, so Answer still returns 42; the fat header of
# Guarded must be 4-byte aligned, and the runtime must reject it. If this run
# passed, the checks above could not tell an aligned body from a misaligned one.
neg_out=$work/run-misaligned.txt
run_profiled "$neg_out" "$work/profiler-report-misaligned.txt" ILHEAP_PROFILER_MISALIGN=2
neg_rc=$?
expect_line "$neg_out" "answer=42" "misaligned tiny header still runs"
if [ "$neg_rc" -ne 0 ] && ! grep -q '^guarded' "$neg_out" &&
  grep -q 'InvalidProgramException' "$neg_out.stderr"; then
  ok "misaligned fat header rejected by the runtime: exit $neg_rc, $(grep -m1 -o 'System.InvalidProgramException[^.]*' "$neg_out.stderr")"
else
  bad "the misaligned fat header was not rejected (exit $neg_rc); the app printed:"
  sed 's/^/e2e:         | /' "$neg_out" "$neg_out.stderr"
fi
# The library's check saw it first: answer 7 is ILHEAP_IL_EHEADER_MISALIGNED.
if grep -q '^body method=IlHeapE2E.Targets::Guarded .* check=7 ' "$work/profiler-report-misaligned.txt"; then
  ok "ilheap_il_check_in_module refused the misaligned fat header before the runtime did"
else
  bad "ilheap_il_check_in_module did not report the misaligned fat header (check=7)"
fi

# ---- The report -------------------------------------------------------------------------
say "checking the profiler's report ($report)"
if [ ! -s "$report" ]; then
  bad "no report: the runtime did not load the profiler (see $prof_out.stderr)"
  say "FAILED: $fails check(s)"
  exit 1
fi

# Everything numeric is checked by awk (hex offsets, windows, counts); it
# prints ok/FAIL lines and exits with the number of failures.
awk -v expected_many=1000 '
  function hex(s,   i, c, v) {
    v = 0; s = tolower(s); sub(/^0x/, "", s)
    for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)); if (!c) return -1; v = v * 16 + c - 1 }
    return v
  }
  function field(k,   i) { for (i = 2; i <= NF; i++) if (index($i, k "=") == 1) return substr($i, length(k) + 2); return "" }
  function ok(m) { printf "e2e:   ok    %s\n", m }
  function bad(m) { printf "e2e:   FAIL  %s\n", m; fails++ }
  $1 == "init" { init = $0; mask_hr = field("set_event_mask") }
  $1 == "abi" { abi[field("allocator")] = $0 }
  $1 == "fail" { bad("profiler failure: " $0) }
  $1 == "module-load" { loads++ }
  $1 == "module-unload" && field("name") == "IlHeapE2E.Plugin.dll" { unload = $0 }
  $1 == "shutdown" { shutdown = $0 }
  $1 == "body" {
    bodies++
    m = field("method"); off = hex(field("offset")); size = field("size") + 0
    seen[m]++
    if (off < 1 || off + size > 2147483647) { bad("body outside the window [1, 0x7FFFFFFF): " $0); outside++ }
    if (field("align4") != "1") { bad("body not 4-byte aligned: " $0); misaligned++ }
    if (field("check") != "0") { bad("body refused by ilheap_il_check_in_module: " $0); unchecked++ }
    if (m ~ /^IlHeapE2E\.Many::M[0-9]+$/) { many++; threads[field("thread")] = 1 }
    if (m == "IlHeapE2E.Targets::Guarded") guarded_header = field("header")
    if (m == "IlHeapE2E.Targets::Answer") answer_header = field("header")
    if (min == "" || off < min) min = off
    if (max == "" || off + size > max) max = off + size
  }
  END {
    if (init == "") bad("no init line: Initialize was not called")
    else if (mask_hr != "0x00000000") bad("SetEventMask failed: " init)
    else ok("Initialize called, event mask set: " init)
    split("runtime ilheap", who, " ")
    for (w = 1; w <= 2; w++) {
      line = abi[who[w]]
      if (line == "") { bad("no ABI check for the " who[w] " allocator"); continue }
      $0 = line
      if (field("qi_imethodmalloc") == "0x00000000" && field("qi_iunknown") == "0x00000000" && field("same_object") == "1" && field("alloc16") == "ok")
        ok(who[w] " IMethodMalloc: QI(IID_IMethodMalloc)=S_OK QI(IID_IUnknown)=S_OK, Alloc through slot 3 ok (offset from base " field("offset") ")")
      else bad("ABI check of the " who[w] " allocator: " line)
    }
    if (bodies == expected_many + 3) ok(bodies " bodies set (Answer, Guarded, " expected_many " M methods, plugin Answer)")
    else bad(bodies + 0 " bodies set, expected " expected_many + 3)
    n = 0; dup = 0
    for (m in seen) { n++; if (seen[m] > 1) dup++ }
    if (dup) bad(dup " methods rewritten more than once")
    if (many == expected_many && n == expected_many + 3) ok("each target rewritten exactly once")
    else bad("distinct rewritten methods: " n ", M methods: " many + 0)
    if (answer_header == "tiny") ok("Answer: tiny header"); else bad("Answer header: " answer_header)
    if (guarded_header == "fat") ok("Guarded: fat header with an EH section"); else bad("Guarded header: " guarded_header)
    nt = 0; for (t in threads) nt++
    if (nt >= 2) ok("the M bodies were allocated on " nt " JIT threads"); else bad("all M bodies came from " nt " thread(s): no concurrency")
    if (!outside && bodies) ok("every body inside [1, 0x7FFFFFFF) of its module (offsets " sprintf("0x%x..0x%x", min, max) ")")
    if (!misaligned && bodies) ok("every body 4-byte aligned")
    if (!unchecked && bodies) ok("every body well formed and inside its window (ilheap_il_check_in_module)")
    if (unload == "") bad("no module-unload line for IlHeapE2E.Plugin.dll (ModuleUnloadFinished not seen)")
    else {
      $0 = unload
      if (field("dropped") == "1" && field("blocks") + 0 >= 1 && field("bytes_released") + 0 > 0 && field("still_held") == "0")
        ok("plugin unloaded: heap dropped, " field("blocks") " block(s), " field("bytes_released") " bytes of address space released, none still held")
      else bad("plugin unload: " unload)
    }
    if (shutdown == "") bad("no shutdown line")
    else { $0 = shutdown; if (field("failures") == "0") ok("shutdown: " shutdown); else bad("shutdown: " shutdown) }
    exit fails
  }
' "$report" || fails=$((fails + $?))

if [ "$fails" -ne 0 ]; then
  say "FAILED: $fails check(s) failed (outputs and report in $work)"
  exit 1
fi
say "PASSED: the runtime ran IL bodies allocated by ilheap, written through our COM declarations"
exit 0
