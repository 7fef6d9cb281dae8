#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The IL checker against the real JIT (issue 22, docs/jit-differential.md).
#
#   scripts/jitdiff.sh [--seed S] [--count N] [--time SECONDS] [--strict] [--table]
#
# --table: no build, no run; the table of the last run in the work directory
# (its outcome.txt and expect.txt), with the same --seed and --count.
#
# Builds tests/jitdiff/jitdiff_gen, the sample profiler and the app of
# tests/jitdiff/app; generates N bodies from seed S (1000 per process: target
# JitDiff.T::M<i> of batch b gets body b*1000+i, installed unchecked with the
# runtime's SetILFunctionBody by the profiler's ILHEAP_PROFILER_JITDIFF mode);
# runs the app, which calls every target and prints what happened; gives every
# body to ilheap_il_verify (in the generator); prints the table of the checker's
# verdicts against the JIT's outcomes, the disagreements by check and mutation,
# and an example body of each (jitdiff_gen --show S J prints it again).
# A process that crashes (or hangs: 60 s) is recorded for the body it was
# running, and the batch goes on from the next body in a new process.
# Stops starting batches after SECONDS (default 1500): the table says how many
# bodies ran. Exit: 0; 1 with --strict when a body the JIT refused was passed
# by the checker (a miss), a body the checker passed ran with a wrong answer, an
# other exception, a crash or a hang, or fewer than N bodies ran; 77: no dotnet.
#
# Outcomes: ran (the expected answer: the value the generator's interpreter
# computed, or the NullReferenceException a `throw` raises), ran-wrong (another
# answer), refused (InvalidProgramException), badimage (BadImageFormatException),
# other (another exception), crash, hang.
#
# Environment: ILHEAP_JITDIFF_WORK (default build-jitdiff in the repository),
# ILHEAP_E2E_RID=win-x64 (the app and the profiler DLL under Wine: see
# scripts/e2e-target.sh).
set -u -o pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seed=1 count=10000 limit=1500 strict=0 table_only=0
while [ $# -gt 0 ]; do
  case $1 in
  --seed) seed=$2; shift 2 ;;
  --count) count=$2; shift 2 ;;
  --time) limit=$2; shift 2 ;;
  --strict) strict=1; shift ;;
  --table) table_only=1; shift ;;
  *) echo "usage: $0 [--seed S] [--count N] [--time SECONDS] [--strict] [--table]" >&2; exit 2 ;;
  esac
done
rid=${ILHEAP_E2E_RID:-}
work=${ILHEAP_JITDIFF_WORK:-$repo/build-jitdiff${rid:+-$rid}}
batch=1000 # tests/jitdiff/app/Targets.cs: T.Count
clsid='{1BA6DB91-C0B5-4A2E-BF65-004C550AAC0E}'
say() { printf 'jitdiff: %s\n' "$*"; }
die() {
  printf 'jitdiff: FAIL: %s\n' "$*" >&2
  exit 1
}

# shellcheck source=scripts/dotnet-env.sh
. "$repo/scripts/dotnet-env.sh"
ilheap_need_dotnet jitdiff
unset CORECLR_ENABLE_PROFILING CORECLR_PROFILER CORECLR_PROFILER_PATH ILHEAP_PROFILER_REPORT
mkdir -p "$work" || die "cannot create $work"
start=$SECONDS

# shellcheck source=scripts/e2e-target.sh
. "$repo/scripts/e2e-target.sh"
e2e_target

genexe=$work/gen/jitdiff_gen
if [ "$table_only" = 0 ]; then
# ---- Build -------------------------------------------------------------------------
say "building jitdiff_gen and the profiler in $work"
gen=(); command -v ninja >/dev/null 2>&1 && [ ! -f "$work/gen/CMakeCache.txt" ] && gen=(-G Ninja)
{ env -u CFLAGS -u LDFLAGS cmake -S "$repo/tests/jitdiff" -B "$work/gen" "${gen[@]}" &&
  cmake --build "$work/gen" -j2; } >"$work/gen-build.log" 2>&1 ||
  { cat "$work/gen-build.log"; die "building jitdiff_gen failed"; }
tc=(); [ -n "$toolchain" ] && tc=(--toolchain "$repo/cmake/toolchains/$toolchain.cmake")
gen=(); command -v ninja >/dev/null 2>&1 && [ ! -f "$work/prof/CMakeCache.txt" ] && gen=(-G Ninja)
{ env -u CFLAGS -u LDFLAGS cmake -S "$repo/examples/profiler" -B "$work/prof" "${gen[@]}" "${tc[@]}" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
  cmake --build "$work/prof" --target ilheap_sample_profiler -j2; } >"$work/prof-build.log" 2>&1 ||
  { cat "$work/prof-build.log"; die "building the profiler failed"; }
profiler=$work/prof/libilheap_sample_profiler.so
[ -n "$toolchain" ] && profiler=$work/prof/ilheap_sample_profiler.dll
genexe=$work/gen/jitdiff_gen
# The committed targets must be what the generator makes (kinds, arguments).
"$genexe" --cs "$batch" | cmp -s - "$repo/tests/jitdiff/app/Targets.cs" ||
  die "tests/jitdiff/app/Targets.cs is stale: regenerate it with jitdiff_gen --cs $batch"
say "building tests/jitdiff/app (dotnet, Release, offline)"
if [ -z "$rid" ]; then
  dotnet build "$repo/tests/jitdiff/app/JitDiff.csproj" -c Release --nologo -v:minimal \
    --artifacts-path "$work/dotnet" >"$work/dotnet-build.log" 2>&1 ||
    { cat "$work/dotnet-build.log"; die "dotnet build failed"; }
  run_cmd=(dotnet "$work/dotnet/bin/JitDiff/release/JitDiff.dll")
else
  src=$work/src
  rm -rf "$src" && mkdir -p "$src" && cp "$repo"/tests/jitdiff/app/*.cs "$repo"/tests/jitdiff/app/*.csproj "$src/" ||
    die "cannot copy the app"
  dotnet publish "$src/JitDiff.csproj" -c Release -r "$rid" --self-contained -p:UseAppHost=true \
    --nologo -v:minimal --artifacts-path "$work/dotnet" >"$work/dotnet-build.log" 2>&1 ||
    { cat "$work/dotnet-build.log"; die "dotnet publish -r $rid failed"; }
  run_cmd=("${runner[@]}" "$work/dotnet/publish/JitDiff/release_$rid/JitDiff.exe")
fi
say "built in $((SECONDS - start)) s"

# ---- Batches -------------------------------------------------------------------------
rm -f "$work"/batch-* "$work/expect.txt" "$work/outcome.txt"
t_run=$SECONDS
done_bodies=0 restarts=0
for ((first = 0; first < count; first += batch)); do
  if ((SECONDS - start >= limit)); then
    say "time limit ($limit s) reached: $done_bodies of $count bodies run"
    break
  fi
  n=$((count - first < batch ? count - first : batch))
  b=$work/batch-$first
  "$genexe" --seed "$seed" --first "$first" --count "$n" "$b.bin" "$b.expect" || die "jitdiff_gen failed"
  from=0
  : >"$b.out"
  while ((from < n)); do
    (env "${target_env[@]}" CORECLR_ENABLE_PROFILING=1 "CORECLR_PROFILER=$clsid" \
      "CORECLR_PROFILER_PATH=$(host_path "$profiler")" "ILHEAP_PROFILER_REPORT=$(host_path "$b.report.$from")" \
      "ILHEAP_PROFILER_JITDIFF=$(host_path "$b.bin")" DOTNET_TieredCompilation=0 \
      timeout 60 "${run_cmd[@]}" "$from" "$n" >"$b.part" 2>"$b.part.stderr"
      exit $?) 2>/dev/null
    rc=$?
    [ -z "$rid" ] || sed -i 's/\r$//' "$b.part"
    grep '^r ' "$b.part" >>"$b.out"
    grep -q '^done$' "$b.part" && break
    # The process died in the body after the last line it printed.
    last=$(tail -n 1 "$b.out" | awk '$1 == "r" {print $2}')
    next=$(( ${last:--1} + 1 ))
    ((next < from)) && next=$from
    if ((next >= n)); then break; fi
    what=crash; [ "$rc" -eq 124 ] && what=hang
    printf 'r %d %s:rc=%d\n' "$next" "$what" "$rc" >>"$b.out"
    restarts=$((restarts + 1))
    from=$((next + 1))
  done
  # Global body numbers.
  awk -v f="$first" '{ $2 = $2 + f; print }' "$b.out" >>"$work/outcome.txt"
  cat "$b.expect" >>"$work/expect.txt"
  done_bodies=$((first + n))
done
t_run=$((SECONDS - t_run))
say "$done_bodies bodies, $restarts process restarts (crash or hang), $t_run s for generating and running"
fi

# ---- The table -------------------------------------------------------------------------
# expect: j kind mutation expected verdict Vn offset reachable|unreachable|- answer...;
# outcome: r j answer. "unreachable": the checker's answer is about code no path
# from the entry (or from a live handler) reaches, which the JIT never imports.
awk -v seed="$seed" -v genexe="$genexe" -v strict="$strict" -v want_n="$count" '
FNR == NR { ans[$2] = $3; next }
{
  j = $1; mut = $3; want = $4; verdict = $5; check = $6; where = $8
  a = (j in ans) ? ans[j] : "missing"
  if (a ~ /^exc:System.InvalidProgramException/) o = "refused"
  else if (a ~ /^exc:System.BadImageFormatException/) o = "badimage"
  else if (a ~ /^crash/) o = "crash"
  else if (a ~ /^hang/) o = "hang"
  else if (a == "missing") o = "missing"
  else if (a == want || (want == "exc" && a == "exc:System.NullReferenceException")) o = "ran"
  else if (a ~ /^exc:/ && a != "exc:System.NullReferenceException") o = "other"
  else o = "ran-wrong"
  n++; cell[verdict, o]++; vt[verdict]++; ot[o]++
  jitok = (o == "ran" || o == "ran-wrong")
  if (verdict == "error" && jitok) { k = check " " mut " " where; strictc[k]++; if (!(k in ex)) ex[k] = j }
  if (verdict == "ok" && !jitok) { k = o " " mut; miss[k]++; if (!(k in mex)) mex[k] = j }
  if (verdict == "error" && !jitok) { k = check " " where; agree[k]++ }
  if (verdict == "ok" && o == "ran-wrong") { k = mut; wrong[k]++; if (!(k in wex)) wex[k] = j " (" want " / " a ")" }
  mm[mut, (verdict == "error") ? "checker-refuses" : "checker-passes", jitok ? "jit-runs" : "jit-refuses"]++
  muts[mut] = 1
}
END {
  split("ran ran-wrong refused badimage other crash hang missing", O, " ")
  split("ok partial error", V, " ")
  printf "\njitdiff: seed %s, %d bodies: the checker (rows) against the JIT (columns)\n\n", seed, n
  printf "%-9s", "checker"; for (i = 1; i <= 8; i++) printf " %9s", O[i]; printf " %9s\n", "total"
  for (v = 1; v <= 3; v++) {
    printf "%-9s", V[v]; for (i = 1; i <= 8; i++) printf " %9d", cell[V[v], O[i]]; printf " %9d\n", vt[V[v]]
  }
  printf "%-9s", "total"; for (i = 1; i <= 8; i++) printf " %9d", ot[O[i]]; printf " %9d\n", n
  printf "\nby mutation: checker refuses/passes x JIT refuses/runs\n"
  printf "%-20s %14s %14s %14s %14s\n", "mutation", "both-refuse", "chk-only", "jit-only", "both-run"
  for (m in muts) printf "%-20s %14d %14d %14d %14d\n", m, mm[m, "checker-refuses", "jit-refuses"], \
    mm[m, "checker-refuses", "jit-runs"], mm[m, "checker-passes", "jit-refuses"], mm[m, "checker-passes", "jit-runs"]
  printf "\nchecker refuses, JIT runs (stricter on purpose: the rule, count, example body)\n"
  for (k in strictc) printf "  %-44s %6d   e.g. %s --show %s %s\n", k, strictc[k], genexe, seed, ex[k]
  printf "\nboth refuse: by check (where the checker found it)\n"
  for (k in agree) printf "  %-32s %6d\n", k, agree[k]
  printf "\nJIT refuses (or fails), checker passes: MISSES\n"
  nm = 0
  for (k in miss) { printf "  %-32s %6d   e.g. %s --show %s %s\n", k, miss[k], genexe, seed, mex[k]; nm += miss[k] }
  if (!nm) printf "  none\n"
  printf "\nchecker passes, JIT runs with another answer than the program'"'"'s\n"
  nw = 0
  for (k in wrong) { printf "  %-32s %6d   e.g. body %s\n", k, wrong[k], wex[k]; nw += wrong[k] }
  if (!nw) printf "  none\n"
  bad = ot["missing"] + cell["ok", "ran-wrong"] + cell["ok", "crash"] + cell["ok", "hang"] + cell["ok", "other"]
  printf "\nmisses=%d valid-but-wrong-or-lost=%d\n", nm, bad
  if (strict && (nm || bad || n < want_n)) { printf "jitdiff: FAIL (--strict)\n"; exit 1 }
  exit 0
}' "$work/outcome.txt" "$work/expect.txt"
rc=$?
say "total $((SECONDS - start)) s (work: $work)"
exit $rc
