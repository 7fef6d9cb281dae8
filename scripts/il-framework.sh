#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ilheap's IL checks over every IL method body of the .NET shared framework on
# this machine (Microsoft.NETCore.App, every assembly), with the signatures taken
# from the assemblies' own metadata (issue 21, section 4: no false alarm on real
# code).
#
#   scripts/il-framework.sh     exit 0: every body passed; 1: an error (or a
#                               failed build); 77: skipped (no dotnet on PATH)
#
# It builds tests/ilcorpus/dump (C#, System.Reflection.Metadata from the shared
# framework: no package, offline), dumps the framework into one file
# (tests/ilcorpus/ilcorpus.h: the format) and runs tests/ilcorpus/ilcorpus_check
# over it, which prints the figures (assemblies, bodies, instructions, bytes,
# verdicts, time) and one line per error, then its negative controls. About
# 10 s in all here (2 cores).
#
# Environment:
#   ILHEAP_REQUIRE_DOTNET=1   a missing dotnet is a failure (exit 1), not a skip
#   ILHEAP_IL_FRAMEWORK_DIR   the directory of assemblies to dump (default: the
#                             newest Microsoft.NETCore.App 10.x of `dotnet --list-runtimes`)
#   ILHEAP_ILCORPUS_CHECK     use this ilcorpus_check binary as is
#   ILHEAP_BUILD_DIR          an ilheap build directory with the tests: build
#                             the ilcorpus_check target there
#   ILHEAP_IL_WORK            where everything else goes (default: build-il-framework
#                             in the repository); rerunning reuses it
#   ILHEAP_IL_CHECK_ARGS      more arguments for ilcorpus_check (e.g. --max-errors 500)
#   ILHEAP_IL_MORE=1          then also every assembly of the ASP.NET Core shared
#                             framework and of the SDK (Roslyn, MSBuild, the F#
#                             compiler and FSharp.Core, .NET Framework tools...:
#                             ~900 000 bodies, a 180 MB dump, ~30 s more); not in CI
set -u -o pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${ILHEAP_IL_WORK:-$repo/build-il-framework}

say() { printf 'il-framework: %s\n' "$*"; }
die() {
  printf 'il-framework: FAIL: %s\n' "$*" >&2
  exit 1
}

# ---- dotnet ------------------------------------------------------------------
# shellcheck source=scripts/dotnet-env.sh
. "$repo/scripts/dotnet-env.sh"
ilheap_need_dotnet il-framework

mkdir -p "$work" || die "cannot create $work"
say "work directory: $work"
say "dotnet $(dotnet --version 2>/dev/null || echo '?') ($(command -v dotnet))"

# ---- The framework -------------------------------------------------------------
framework=${ILHEAP_IL_FRAMEWORK_DIR:-}
if [ -z "$framework" ]; then
  # "Microsoft.NETCore.App 10.0.12 [/usr/share/dotnet/shared/Microsoft.NETCore.App]"
  framework=$(dotnet --list-runtimes 2>/dev/null |
    sed -n 's/^Microsoft\.NETCore\.App \(10\.[^ ]*\) \[\(.*\)\]$/\2\/\1/p' | sort -V | tail -n 1)
  [ -n "$framework" ] || die "no Microsoft.NETCore.App 10.x in \`dotnet --list-runtimes\`"
fi
[ -f "$framework/System.Private.CoreLib.dll" ] ||
  die "$framework has no System.Private.CoreLib.dll: not a shared framework directory"
say "framework: $framework ($(find "$framework" -maxdepth 1 -name '*.dll' | wc -l) .dll files)"

# ---- The checker's driver ---------------------------------------------------------
check=${ILHEAP_ILCORPUS_CHECK:-}
if [ -n "$check" ]; then
  say "ilcorpus_check: $check (ILHEAP_ILCORPUS_CHECK)"
elif [ -n "${ILHEAP_BUILD_DIR:-}" ]; then
  say "building ilcorpus_check in $ILHEAP_BUILD_DIR"
  cmake --build "$ILHEAP_BUILD_DIR" --target ilcorpus_check -j2 >"$work/check-build.log" 2>&1 ||
    { cat "$work/check-build.log"; die "cmake --build $ILHEAP_BUILD_DIR --target ilcorpus_check failed"; }
  check=$ILHEAP_BUILD_DIR/tests/ilcorpus/ilcorpus_check
else
  command -v cmake >/dev/null 2>&1 || die "cmake is not on PATH (needed to build ilcorpus_check)"
  gen=()
  command -v ninja >/dev/null 2>&1 && [ ! -f "$work/build/CMakeCache.txt" ] && gen=(-G Ninja)
  say "building ilcorpus_check (Release) in $work/build"
  { cmake -S "$repo" -B "$work/build" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release \
      -DILHEAP_BUILD_FUZZ=OFF -DILHEAP_BUILD_EXAMPLES=OFF &&
    cmake --build "$work/build" --target ilcorpus_check -j2; } >"$work/check-build.log" 2>&1 ||
    { cat "$work/check-build.log"; die "building ilcorpus_check failed"; }
  check=$work/build/tests/ilcorpus/ilcorpus_check
fi
[ -x "$check" ] || die "no ilcorpus_check at $check"

# ---- The dump -------------------------------------------------------------------------
# tests/ilcorpus/nuget.config clears every package source: nothing to fetch.
say "building tests/ilcorpus/dump (dotnet build, Release, offline)"
artifacts=$work/dotnet
dotnet build "$repo/tests/ilcorpus/dump/IlCorpusDump.csproj" -c Release --nologo -v:minimal \
  --artifacts-path "$artifacts" >"$work/dotnet-build.log" 2>&1 ||
  { cat "$work/dotnet-build.log"; die "dotnet build failed"; }
tool=$artifacts/bin/IlCorpusDump/release/IlCorpusDump.dll
[ -f "$tool" ] || die "dotnet build produced no $tool"

dump=$work/framework.ilcorpus
rm -f "$dump"
dotnet "$tool" "$dump" "$framework" || die "IlCorpusDump failed"

# ---- The check -------------------------------------------------------------------------
# Then the negative controls on the same bodies (ilcorpus_check.c): every fat
# body with MaxStack - 1 must be refused with V15 or be over-declared; a branch
# moved 1 byte into its target instruction, V5 at that branch; two nested
# clauses listed outer first, V9; and without signatures no body may get an
# error.
controls=(none maxstack branch clause-order no-sigs)
fails=0
for control in "${controls[@]}"; do
  say "ilcorpus_check --control $control"
  # shellcheck disable=SC2086 # ILHEAP_IL_CHECK_ARGS is a list of words
  opcodes=()
  [ "$control" = none ] && opcodes=(--opcodes) # what the bodies cover, in the log
  "$check" "$dump" --control "$control" "${opcodes[@]}" ${ILHEAP_IL_CHECK_ARGS:-}
  rc=$?
  case $rc in
    0) ;;
    1) say "FAIL: control $control (above)"; fails=$((fails + 1)) ;;
    *) say "FAIL: ilcorpus_check --control $control exited $rc"; fails=$((fails + 1)) ;;
  esac
done

# ---- More real code (ILHEAP_IL_MORE=1) --------------------------------------------------
more_runs=0
if [ "${ILHEAP_IL_MORE:-0}" = 1 ]; then
  runtimes=$(dirname "$(dirname "$framework")")  # .../dotnet/shared
  dotnet_root=$(dirname "$runtimes")
  aspnet=$(find "$runtimes/Microsoft.AspNetCore.App" -mindepth 1 -maxdepth 1 -type d -name '10.*' 2>/dev/null |
    sort -V | tail -n 1)
  sdk=$(find "$dotnet_root/sdk" -mindepth 1 -maxdepth 1 -type d -name '10.*' 2>/dev/null | sort -V | tail -n 1)
  for set in aspnetcore sdk; do
    dirs=()
    if [ "$set" = aspnetcore ]; then
      [ -n "$aspnet" ] && dirs=("$aspnet")
    elif [ -n "$sdk" ]; then
      # Every directory of the SDK that holds assemblies (satellite resources aside).
      mapfile -t dirs < <(find "$sdk" -name '*.dll' -not -name '*.resources.dll' -printf '%h\n' | sort -u)
    fi
    if [ ${#dirs[@]} -eq 0 ]; then
      say "FAIL: ILHEAP_IL_MORE=1 but no $set 10.x under $dotnet_root"
      fails=$((fails + 1))
      continue
    fi
    more_runs=$((more_runs + 1))
    say "$set: ${#dirs[@]} directories from ${dirs[0]}"
    rm -f "$work/$set.ilcorpus"
    dotnet "$tool" "$work/$set.ilcorpus" "${dirs[@]}" || { fails=$((fails + 1)); continue; }
    # shellcheck disable=SC2086
    "$check" "$work/$set.ilcorpus" ${ILHEAP_IL_CHECK_ARGS:-} || { say "FAIL: $set (above)"; fails=$((fails + 1)); }
  done
fi
((fails == 0)) || die "$fails of $((${#controls[@]} + more_runs)) runs failed"
say "PASS: no error in the framework's bodies, and every control failed where it must"
