#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
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
# collectible plugin's heap dropped, its address space released; methods the
# profiler adds (IMetaDataEmit::DefineMethod) run from ilheap bodies, and the one
# added without a body fails (negative control). A third run, the negative
# control of alignment, places every body 2 bytes off alignment and expects the
# runtime to reject the fat header: proof that the checks can fail. A fourth
# runs the CoreCLR window policy (ILHEAP_WINDOW_PREFERRED) without the landing
# zone. A full window (an Alloc that answered NULL) is a failure, named so; it is
# never rerun (scripts/e2e-rates.sh measures how often it happens).
# Every check prints one "ok" or "FAIL" line; all of them run.
#
# Environment:
#   ILHEAP_REQUIRE_DOTNET=1  a missing dotnet is a failure (exit 1), not a skip
#   ILHEAP_PROFILER_PATH     use this libilheap_sample_profiler.so as is
#   ILHEAP_BUILD_DIR         an ilheap build directory (configured with the
#                            examples): build the profiler target there
#   ILHEAP_E2E_WORK          where everything else goes (default: build-e2e in
#                            the repository); rerunning reuses it
#   ILHEAP_E2E_BUILD_ONLY=1  build the profiler and the app, print their paths
#                            ("profiler=...", "app=...", "plugin=...") and stop
#                            (scripts/e2e-rates.sh uses it)
#   ILHEAP_E2E_RID           the target (a .NET runtime identifier); empty (the
#                            default): the host's dotnet runs the app. Others:
#     win-x64, win-x86       the profiler DLL built with mingw-w64
#                            (cmake/toolchains/mingw64|32.cmake), the app
#                            published self-contained for that RID (the runtime
#                            pack comes through dotnet's restore), both run
#                            under Wine in the prefix $ILHEAP_E2E_WORK/wineprefix
#                            (made on first use, then reused). A missing Wine,
#                            wine32 (win-x86), toolchain or runtime pack fails.
#     linux-arm64            the profiler cross-built with gcc-aarch64-linux-gnu
#                            (cmake/toolchains/aarch64-linux-gnu.cmake), the app
#                            published self-contained for linux-arm64, both run
#                            under qemu-aarch64-static (QEMU_PAGESIZE=16384 or
#                            65536 in the environment: 16 or 64 KiB pages)
#   ILHEAP_E2E_RUNNER        the command that runs the target's programs (default
#                            for win-*: scripts/wine-run.sh with that prefix; for
#                            linux-arm64: qemu-aarch64-static -L /usr/aarch64-linux-gnu
#                            -R 0x8000000000, scripts/e2e-target.sh says why)
set -u -o pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rid=${ILHEAP_E2E_RID:-}
work=${ILHEAP_E2E_WORK:-$repo/build-e2e${rid:+-$rid}}
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
# shellcheck source=scripts/dotnet-env.sh
. "$repo/scripts/dotnet-env.sh"
ilheap_need_dotnet e2e
# A profiler variable inherited from the caller would spoil the baseline run.
unset CORECLR_ENABLE_PROFILING CORECLR_PROFILER CORECLR_PROFILER_PATH \
  CORECLR_PROFILER_PATH_64 DOTNET_EnableDiagnostics ILHEAP_PROFILER_REPORT

mkdir -p "$work" || die "cannot create $work"
say "work directory: $work"
say "dotnet $(dotnet --version 2>/dev/null || echo '?') ($(command -v dotnet))"

# ---- The target ------------------------------------------------------------------
# shellcheck source=scripts/e2e-target.sh
. "$repo/scripts/e2e-target.sh"
e2e_target
[ -n "$rid" ] && say "target: $rid (runner: ${runner[*]})"

# ---- The profiler --------------------------------------------------------------
profiler=${ILHEAP_PROFILER_PATH:-}
if [ -n "$profiler" ]; then
  [ -f "$profiler" ] || die "ILHEAP_PROFILER_PATH=$profiler does not exist (build it first)"
  say "profiler: $profiler (ILHEAP_PROFILER_PATH)"
elif [ -n "${ILHEAP_BUILD_DIR:-}" ] && [ -z "$toolchain" ]; then
  say "building the profiler in $ILHEAP_BUILD_DIR"
  cmake --build "$ILHEAP_BUILD_DIR" --target ilheap_sample_profiler -j2 >"$work/profiler-build.log" 2>&1 ||
    { cat "$work/profiler-build.log"; die "cmake --build $ILHEAP_BUILD_DIR --target ilheap_sample_profiler failed"; }
  profiler=$ILHEAP_BUILD_DIR/examples/profiler/libilheap_sample_profiler.so
else
  command -v cmake >/dev/null 2>&1 || die "cmake is not on PATH (needed to build the profiler)"
  gen=() tc=()
  command -v ninja >/dev/null 2>&1 && [ ! -f "$work/profiler-build/CMakeCache.txt" ] && gen=(-G Ninja)
  [ -n "$toolchain" ] && tc=(--toolchain "$repo/cmake/toolchains/$toolchain.cmake")
  say "building the profiler (standalone examples/profiler${toolchain:+, $toolchain}) in $work/profiler-build"
  # No sanitizer flags from the caller: an instrumented library cannot be
  # loaded into an uninstrumented dotnet process.
  { env -u CFLAGS -u LDFLAGS cmake -S "$repo/examples/profiler" -B "$work/profiler-build" "${gen[@]}" \
      "${tc[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
    env -u CFLAGS -u LDFLAGS cmake --build "$work/profiler-build" --target ilheap_sample_profiler -j2; } \
    >"$work/profiler-build.log" 2>&1 ||
    { cat "$work/profiler-build.log"; die "building the profiler failed"; }
  profiler=$work/profiler-build/libilheap_sample_profiler.so
  case $toolchain in mingw*) profiler=$work/profiler-build/ilheap_sample_profiler.dll ;; esac
fi
[ -f "$profiler" ] || die "no profiler library at $profiler"
profiler=$(cd "$(dirname "$profiler")" && pwd)/$(basename "$profiler")
if [[ $toolchain != mingw* ]]; then
  ${toolchain:+$toolchain-}nm -D --defined-only "$profiler" 2>/dev/null | grep -qw DllGetClassObject ||
    die "$profiler does not export DllGetClassObject"
else
  # The export table: DllGetClassObject, undecorated (not DllGetClassObject@12).
  objdump=$([ "$toolchain" = mingw64 ] && echo x86_64 || echo i686)-w64-mingw32-objdump
  "$objdump" -p "$profiler" 2>/dev/null | grep -E '^[[:space:]]+\[ *[0-9]+\] DllGetClassObject$' >/dev/null ||
    die "$profiler does not export DllGetClassObject (undecorated)"
fi

# ---- The app ------------------------------------------------------------------------
# tests/e2e/nuget.config clears every package source: the restore has nothing to
# fetch and no source to fetch it from. Outputs go to the work directory, never
# into the source tree.
artifacts=$work/dotnet
if [ -z "$rid" ]; then
  say "building tests/e2e (dotnet build, Release, offline)"
  dotnet build "$repo/tests/e2e/app/IlHeapE2E.csproj" -c Release --nologo -v:minimal \
    --artifacts-path "$artifacts" >"$work/dotnet-build.log" 2>&1 ||
    { cat "$work/dotnet-build.log"; die "dotnet build failed"; }
  app=$artifacts/bin/IlHeapE2E/release/IlHeapE2E.dll
  run_cmd=(dotnet "$app")
else
  # Self-contained for the RID: its runtime pack (Microsoft.NETCore.App.Runtime.<rid>)
  # comes through dotnet's own restore, which tests/e2e/nuget.config (no source at
  # all, for the offline build above) would forbid: the projects are published
  # from a copy outside it, with the machine's NuGet configuration.
  say "publishing tests/e2e for $rid (dotnet publish, Release, self-contained)"
  src=$work/src
  rm -rf "$src" && mkdir -p "$src" &&
    cp -r "$repo/tests/e2e/app" "$repo/tests/e2e/plugin" "$repo/tests/e2e/Directory.Build.props" "$src/" ||
    die "cannot copy tests/e2e to $src"
  rm -rf "$src"/*/bin "$src"/*/obj
  dotnet publish "$src/app/IlHeapE2E.csproj" -c Release -r "$rid" --self-contained -p:UseAppHost=true \
    --nologo -v:minimal --artifacts-path "$artifacts" >"$work/dotnet-build.log" 2>&1 ||
    { cat "$work/dotnet-build.log"; die "dotnet publish -r $rid failed (no runtime pack for $rid?)"; }
  app=$artifacts/publish/IlHeapE2E/release_$rid/IlHeapE2E$(case $rid in win-*) echo .exe ;; esac)
  run_cmd=("${runner[@]}" "$app")
fi
plugin=$artifacts/bin/IlHeapE2E.Plugin/release/IlHeapE2E.Plugin.dll
[ -f "$app" ] && [ -f "$plugin" ] || die "dotnet produced no $app / $plugin"
if [ "${ILHEAP_E2E_BUILD_ONLY:-0}" = 1 ]; then
  printf 'profiler=%s\napp=%s\nplugin=%s\n' "$profiler" "$app" "$plugin"
  exit 0
fi

# ---- Runs -----------------------------------------------------------------------------
run_app() { # $1: output file; the rest: environment assignments
  local out=$1
  shift
  # In a subshell whose own stderr is dropped: the negative control aborts
  # (SIGABRT) on purpose, and the shell would announce it.
  local rc
  (env "${target_env[@]}" "$@" timeout 300 "${run_cmd[@]}" "$(host_path "$plugin")" >"$out" 2>"$out.stderr"
    exit $?) 2>/dev/null
  rc=$?
  # Windows ends lines with \r\n; the checks compare lines.
  [ -z "$rid" ] || sed -i 's/\r$//' "$out" "$out.stderr"
  return $rc
}

# Checks that the output file $1 has the exact line $2.
expect_line() {
  if grep -qxF -- "$2" "$1"; then ok "$3: $2"; else
    bad "$3: expected the line '$2'; the app printed:"
    sed 's/^/e2e:         | /' "$1" "$1.stderr"
  fi
}

# The report's bodies that found no room in their module's window: Alloc
# returned NULL (contract 6 answering a full window). The landing zone (strict
# policy) and the CoreCLR policy exist so that this does not happen; it is a
# failure, named as such (scripts/e2e-rates.sh measures how often it happens).
full_window_line() {
  local n
  n=$(grep -c '^fail .*reason=Alloc-returned-NULL' "$1" 2>/dev/null)
  [ "${n:-0}" -gt 0 ] || return 0
  bad "$2: $n bodies found no room in their module's window (a full window: $(grep -m1 '^fail' "$1"))"
}

# run_profiled OUT REPORT [VAR=VALUE...]: the app with the profiler, once.
run_profiled() {
  local out=$1 rep=$2
  shift 2
  rm -f "$rep"
  run_app "$out" CORECLR_ENABLE_PROFILING=1 "CORECLR_PROFILER=$clsid" \
    "CORECLR_PROFILER_PATH=$(host_path "$profiler")" "ILHEAP_PROFILER_REPORT=$(host_path "$rep")" "$@"
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
expect_line "$base_out" "added tiny=41 fat=41 nobody=41" "CallAdded* methods, original"
expect_line "$base_out" "plugin added tiny=41 fat=41" "plugin CallAdded* methods, original"

# Methods the profiler added with IMetaDataEmit::DefineMethod in
# ModuleLoadFinished, called by rewritten methods: the tiny body (4201) and the
# fat body with a try/finally (4202) ran; AddedNoBody, the negative control
# (defined, no SetILFunctionBody), fails at its first call, so the other two
# ran because of the bodies ilheap held, not by accident.
check_added() { # $1 output, $2 label
  local line
  line=$(grep -m1 '^added ' "$1")
  case $line in
  *"tiny=4201 fat=4202 "*) ok "$2: added methods ran, tiny and fat+EH bodies ($line)" ;;
  *) bad "$2: added methods: expected tiny=4201 fat=4202, got '$line'" ;;
  esac
  case $line in
  *" nobody=System.BadImageFormatException") ok "$2: negative control, added method without a body: BadImageFormatException" ;;
  *) bad "$2: the added method without a body did not fail as expected: '$line'" ;;
  esac
  expect_line "$1" "plugin added tiny=4201 fat=4202" "$2: added methods in the collectible plugin ran"
}

say "run 2: with the profiler ($profiler), strict window policy, landing zone"
report=$work/profiler-report.txt
prof_out=$work/run-profiled.txt
run_profiled "$prof_out" "$report" ILHEAP_PROFILER_POLICY=strict || bad "the app failed with the profiler (exit $?)"
full_window_line "$report" "strict policy with the landing zone"
check_added "$prof_out" "strict policy"
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
# What the runtime does with it differs by architecture: the x64 runtime (Linux,
# Windows) refuses the header (InvalidProgramException); the x86 runtime (seen
# on 10.0.12 under Wine) runs the code, but looks for the EH section where an
# aligned header puts it and finds none: Guarded(0)'s DivideByZeroException
# escapes its lost handler. Either way the method cannot run as written.
if [ "$rid" = win-x86 ]; then
  misaligned_sign='Unhandled exception. System.DivideByZeroException'
  misaligned_frame='at IlHeapE2E.Targets.Guarded'
else
  misaligned_sign='System.InvalidProgramException'
  misaligned_frame=$misaligned_sign
fi
if [ "$neg_rc" -ne 0 ] && ! grep -q '^guarded' "$neg_out" &&
  grep -qF "$misaligned_sign" "$neg_out.stderr" && grep -qF "$misaligned_frame" "$neg_out.stderr"; then
  ok "misaligned fat header rejected by the runtime: exit $neg_rc, $(grep -m1 -F "$misaligned_sign" "$neg_out.stderr" | cut -c1-120)"
else
  bad "the misaligned fat header was not rejected (exit $neg_rc, expected '$misaligned_sign'); the app printed:"
  sed 's/^/e2e:         | /' "$neg_out" "$neg_out.stderr"
fi
# The library's check saw it first: answer 7 is ILHEAP_IL_EHEADER_MISALIGNED.
if grep -q '^body method=IlHeapE2E.Targets::Guarded .* check=7 ' "$work/profiler-report-misaligned.txt"; then
  ok "ilheap_il_check_in_module refused the misaligned fat header before the runtime did"
else
  bad "ilheap_il_check_in_module did not report the misaligned fat header (check=7)"
fi

say "run 4: CoreCLR window policy (ILHEAP_WINDOW_PREFERRED), no landing zone"
# CoreCLR keeps the body's pointer and derives no RVA from it: a body outside a
# full window runs like any other. Same answers as run 2, no NULL, and every
# body either inside its window with the RVA ilheap_rva gave, or outside it with
# none.
core_out=$work/run-coreclr.txt
core_rep=$work/profiler-report-coreclr.txt
run_profiled "$core_out" "$core_rep" ILHEAP_PROFILER_POLICY=coreclr ILHEAP_PROFILER_ZONE=0 ||
  bad "the app failed with the CoreCLR policy (exit $?)"
expect_line "$core_out" "answer=42" "CoreCLR policy: tiny header body ran"
expect_line "$core_out" "guarded(5)=200 guarded(0)=-42" "CoreCLR policy: fat header + EH body ran"
expect_line "$core_out" "many threads=4 methods=1000 calls=4000 original=0 rewritten=4000 wrong=0" \
  "CoreCLR policy: 1000 rewritten methods"
expect_line "$core_out" "plugin answer=42 unloaded=yes gc_rounds=$(sed -n 's/.*gc_rounds=//p' "$core_out")" \
  "CoreCLR policy: collectible plugin rewritten, then unloaded"
full_window_line "$core_rep" "CoreCLR policy"
check_added "$core_out" "CoreCLR policy"
# Every body either inside the window with the RVA ilheap_rva gave (its offset),
# or outside it with none; the window is the one the init line reports.
rva_disagrees() { # REPORT: prints the body lines where RVA and window disagree
  local win line off size rva
  win=$(sed -n 's/^init .* window=\(0x[0-9a-f]*\) .*/\1/p' "$1")
  while read -r line; do
    [[ $line =~ \ size=([0-9]+)\ .*\ offset=(0x[0-9a-f]+)\ rva=([^ ]+) ]] || { echo "$line"; continue; }
    size=${BASH_REMATCH[1]} off=${BASH_REMATCH[2]} rva=${BASH_REMATCH[3]}
    if ((off >= 1 && off + size <= win)); then
      [[ $rva == "$off" ]] || echo "$line"
    else
      [[ $rva == none ]] || echo "$line"
    fi
  done < <(grep '^body ' "$1")
}
core_bodies=$(grep -c '^body ' "$core_rep")
if grep -q '^init .* policy=coreclr ' "$core_rep" && [ "$core_bodies" -eq 1008 ]; then
  ok "CoreCLR policy: $core_bodies bodies set, $(grep -c '^body .* rva=none ' "$core_rep") of them outside a full window (no RVA)"
else
  bad "CoreCLR policy: $core_bodies bodies set, expected 1008, with $(grep -m1 '^init ' "$core_rep")"
fi
disagree=$(rva_disagrees "$core_rep")
if [ -z "$disagree" ]; then
  ok "CoreCLR policy: ilheap_rva gave every inside body its offset, none to the outside ones"
else
  bad "CoreCLR policy: RVA and window disagree:"
  printf '%s\n' "$disagree" | sed 's/^/e2e:         | /'
fi

# ---- The report -------------------------------------------------------------------------
say "checking the profiler's report ($report)"
if [ ! -s "$report" ]; then
  bad "no report: the runtime did not load the profiler (see $prof_out.stderr)"
  say "FAILED: $fails check(s)"
  exit 1
fi

# The report is one event per line, key=value fields (examples/profiler/profiler.c
# documents them); the profiler and the library state each verdict as a field
# (check, align4, rva, set_rva...), so every check is a grep.
expected_many=1000 # IlHeapE2E.Many::M0..M999
expected_bodies=$((expected_many + 8)) # and Answer, Guarded, the plugin's Answer, 5 CallAdded*
lines() { grep "^$1 " "$report"; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; } # the field's value on each line of stdin
check() {                                        # DESCRIPTION COMMAND...: ok when it succeeds
  local what=$1
  shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}
none() { ! grep -q .; } # stdin is empty

check "Initialize called, event mask set: $(lines init)" \
  grep -q '^init .* set_event_mask=0x00000000 ' "$report"
for who in runtime ilheap; do
  check "$who IMethodMalloc: QI(IID_IMethodMalloc) and QI(IID_IUnknown) S_OK, the same object, Alloc through slot 3" \
    grep -q "^abi allocator=$who qi_imethodmalloc=0x00000000 qi_iunknown=0x00000000 same_object=1 alloc16=ok " "$report"
done
check "no failure reported by the profiler" none < <(lines fail)
lines fail | sed 's/^/e2e:         | /'
check "$expected_bodies bodies set ($(lines body | wc -l))" test "$(lines body | wc -l)" -eq "$expected_bodies"
check "each target rewritten exactly once" \
  test "$(lines body | field method | sort -u | wc -l)" -eq "$expected_bodies" -a \
  "$(lines body | grep -c ' method=IlHeapE2E\.Many::M[0-9]* ')" -eq "$expected_many"
check "Answer: tiny header" grep -q '^body method=IlHeapE2E\.Targets::Answer .* header=tiny ' "$report"
check "Guarded: fat header with an EH section" \
  grep -q '^body method=IlHeapE2E\.Targets::Guarded .* header=fat ' "$report"
threads=$(lines body | grep ' method=IlHeapE2E\.Many::M' | field thread | sort -u | wc -l)
check "the M bodies were allocated on $threads JIT threads (at least 2)" test "$threads" -ge 2
check "every body well formed and inside its module's window (ilheap_il_check_in_module)" \
  none < <(lines body | grep -v ' check=0 ')
check "every body 4-byte aligned" none < <(lines body | grep -v ' align4=1 ')
# An added method's RVA comes from ilheap_rva, which answers only for a body
# inside the window; "none" would mean outside.
check "5 methods added (DefineMethod): 4 bodies from ilheap with RVA = body - base (ilheap_rva, SetRVA), 1 without a body" \
  test "$(lines added | wc -l)" -eq 5 -a \
  "$(lines added | grep -Ec ' header=(tiny|fat) .* rva=0x[0-9a-f]+ define=0x00000000 set_rva=0x00000000 set_body=0x00000000 ')" -eq 4 -a \
  "$(lines added | grep -c ' header=none .* define=0x00000000 ')" -eq 1
check "plugin unloaded: heap dropped, its blocks' address space released, none still held: $(lines module-unload | grep ' name=IlHeapE2E\.Plugin\.dll ')" \
  grep -Eq '^module-unload .* name=IlHeapE2E\.Plugin\.dll dropped=1 blocks=[1-9][0-9]* bytes_released=[1-9][0-9]* .*still_held=0 ' "$report"
check "shutdown without failures: $(lines shutdown)" grep -q '^shutdown .* failures=0 ' "$report"

if [ "$fails" -ne 0 ]; then
  say "FAILED: $fails check(s) failed (outputs and report in $work)"
  exit 1
fi
say "PASSED: the runtime ran IL bodies allocated by ilheap, written through our COM declarations"
exit 0
