#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The soak: thousands of collectible load / rewrite / unload cycles in the real
# .NET runtime, with the sample profiler (examples/profiler) and the e2e app's
# soak mode (tests/e2e/app/Soak.cs). Each cycle loads the plugin into a
# collectible AssemblyLoadContext, calls its rewritten and added methods from
# several threads (answers checked), unloads it and waits for the unload; 1 to
# 8 plugins are alive at once, and other threads keep calling the main
# assembly's rewritten methods throughout. It stops by itself (a count of
# cycles, a time limit), then prints a table of the figures, a verdict and a
# PNG plot (gnuplot). docs/testing.md describes the figures and the verdict.
#
#   scripts/soak.sh [options]      exit 0: pass; 1: fail; 77: skipped (no dotnet)
#     --cycles N        cycles to run (default 1000)
#     --seconds S       stop after S seconds even if fewer cycles ran (default 1500)
#     --policy P        strict (ILHEAP_WINDOW_REQUIRED, default) or coreclr
#     --zone 0|1        the landing zone (default 1 with strict, 0 with coreclr)
#     --pave-above M    with the zone: pave the M MiB above each module as it loads, so
#                       that the plugins' heaps come from the zone and go back to it
#                       at each unload (default 64; 0: the zone only where the
#                       profiler's policy puts it, which a plugin mapped among the
#                       shared libraries never reaches)
#     --threads T       threads calling the plugins (default 4)
#     --every E         figures every E cycles (default: 100, or cycles/20 under 2000)
#     --warmup W        cycles left out of the flatness checks (default: 500, or
#                       10% of the cycles under 5000)
#     --table-step K    a table row every K cycles (default: 1000, or cycles/10 under 5000)
#     --baseline        also run the same series without the profiler (the
#                       runtime's own RSS and mappings, for comparison)
#     --malloc-arenas N  MALLOC_ARENA_MAX=N for both runs: glibc's per-thread arenas
#                       keep freed memory resident, and with the app's seven threads
#                       RSS creeps up with no leak anywhere (docs/testing.md, the soak)
#     --process-info    report the mappings count and RSS without checking them
#                       (a short run: a few hundred cycles lie inside the runtime's
#                       own warm-up, which a run with --baseline shows)
#     --out DIR         where the outputs go (default: $ILHEAP_E2E_WORK/soak-<policy>)
#
# Environment: as scripts/e2e.sh, which builds the profiler and the app
# (ILHEAP_PROFILER_PATH, ILHEAP_BUILD_DIR, ILHEAP_E2E_WORK, ILHEAP_REQUIRE_DOTNET;
# ILHEAP_E2E_RID=win-x64|win-x86 with the Windows e2e: the app under Wine);
# ILHEAP_SOAK_PRELOAD: a library preloaded into dotnet (the ASan runtime, for a
# profiler built with -fsanitize=address); ILHEAP_SOAK_PLOT=0: no plot.
set -u -o pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
clsid='{1BA6DB91-C0B5-4A2E-BF65-004C550AAC0E}'
cycles=1000 seconds=1500 policy=strict zone='' pave=64 threads=4 every='' warmup='' step='' baseline=0 out=''
extra=()
arenas=''

die() {
  printf 'soak: FAIL: %s\n' "$*" >&2
  exit 1
}
while [ $# -gt 0 ]; do
  [[ $1 != --* || $1 == --baseline || $1 == --process-info || $# -ge 2 ]] || die "$1 needs a value"
  case $1 in
  --cycles) cycles=$2 ;;
  --seconds) seconds=$2 ;;
  --policy) policy=$2 ;;
  --zone) zone=$2 ;;
  --threads) threads=$2 ;;
  --pave-above) pave=$2 ;;
  --malloc-arenas) arenas=$2 ;;
  --every) every=$2 ;;
  --warmup) warmup=$2 ;;
  --table-step) step=$2 ;;
  --out) out=$2 ;;
  --baseline) baseline=1; shift; continue ;;
  --process-info) extra+=(--process-info); shift; continue ;;
  *) die "unknown option $1 (see the top of $0)" ;;
  esac
  [ $# -ge 2 ] || die "$1 needs a value"
  shift 2
done
case $policy in strict | coreclr) ;; *) die "--policy strict|coreclr" ;; esac
case $zone in '' | 0 | 1) ;; *) die "--zone 0|1" ;; esac
[ -n "$zone" ] || { [ "$policy" = strict ] && zone=1 || zone=0; }
[[ $pave =~ ^[0-9]+$ ]] || die "--pave-above needs a whole number of MiB"
[ "$zone" = 1 ] || pave=0
[ -z "$arenas" ] || [[ $arenas =~ ^[1-9][0-9]*$ ]] || die "--malloc-arenas needs a positive whole number"
for v in cycles seconds threads; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "--$v needs a positive whole number"
done
[ -n "$every" ] || every=$((cycles >= 2000 ? 100 : (cycles / 20 > 10 ? cycles / 20 : 10)))
[ -n "$warmup" ] || warmup=$((cycles >= 5000 ? 500 : cycles / 10))
[ -n "$step" ] || step=$((cycles >= 5000 ? 1000 : (cycles / 10 > 1 ? cycles / 10 : 1)))

# ---- Build: scripts/e2e.sh builds the profiler and the app (and says where) ----
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
rid=${ILHEAP_E2E_RID:-}
work=${ILHEAP_E2E_WORK:-$repo/build-e2e${rid:+-$rid}}
# The target (ILHEAP_E2E_RID, as scripts/e2e.sh): its runner, its environment and
# how it spells this machine's paths, from scripts/e2e-target.sh (the Windows e2e).
runner=() target_env=()
host_path() { printf '%s' "$1"; }
if [ -n "$rid" ]; then
  [ -f "$repo/scripts/e2e-target.sh" ] || die "ILHEAP_E2E_RID=$rid needs the Windows e2e (scripts/e2e-target.sh)"
  # shellcheck source=/dev/null
  . "$repo/scripts/e2e-target.sh"
  e2e_target
fi
built=$(ILHEAP_E2E_WORK=$work ILHEAP_E2E_BUILD_ONLY=1 bash "$repo/scripts/e2e.sh")
rc=$?
[ $rc -eq 77 ] && { printf '%s\n' "$built" | tail -n 1; exit 77; }
[ $rc -eq 0 ] || { printf '%s\n' "$built"; die "building the profiler and the app failed"; }
profiler=$(printf '%s\n' "$built" | sed -n 's/^profiler=//p')
app=$(printf '%s\n' "$built" | sed -n 's/^app=//p')
plugin=$(printf '%s\n' "$built" | sed -n 's/^plugin=//p')
[ -n "$profiler" ] && [ -n "$app" ] && [ -n "$plugin" ] || die "scripts/e2e.sh named no profiler/app/plugin"
run_cmd=(dotnet "$app")
[ -z "$rid" ] || run_cmd=("${runner[@]}" "$app") # a self-contained IlHeapE2E.exe

out=${out:-$work/soak-$policy}
mkdir -p "$out" || die "cannot create $out"
unset CORECLR_ENABLE_PROFILING CORECLR_PROFILER CORECLR_PROFILER_PATH ILHEAP_PROFILER_REPORT

# run_soak NAME EXPECT [VAR=VALUE...]: the app's soak mode once, expecting the
# rewritten or the original bodies; output in $out/NAME.txt.
run_soak() {
  local name=$1 expect=$2
  shift 2
  local rc
  env ${arenas:+"MALLOC_ARENA_MAX=$arenas"} "${target_env[@]}" "$@" timeout $((seconds + 300)) "${run_cmd[@]}" \
    "$(host_path "$plugin")" soak "cycles=$cycles" "seconds=$seconds" "threads=$threads" "every=$every" \
    "expect=$expect" >"$out/$name.txt" 2>"$out/$name.stderr"
  rc=$?
  # Windows ends lines with \r\n.
  [ -z "$rid" ] || sed -i 's/\r$//' "$out/$name.txt" "$out/$name.stderr" "$out/report.txt" 2>/dev/null
  return $rc
}

printf 'soak: %s cycles (at most %s s), policy %s, zone %s (paved %s MiB above each module), %s threads, figures every %s cycles, warm-up %s\n' \
  "$cycles" "$seconds" "$policy" "$zone" "$pave" "$threads" "$every" "$warmup"
printf 'soak: profiler %s%s%s\n' "$profiler" "${ILHEAP_SOAK_PRELOAD:+ (preloaded: $ILHEAP_SOAK_PRELOAD)}" \
  "${arenas:+, MALLOC_ARENA_MAX=$arenas}"
t0=$SECONDS
rm -f "$out/report.txt"
run_soak app rewritten CORECLR_ENABLE_PROFILING=1 "CORECLR_PROFILER=$clsid" \
  "CORECLR_PROFILER_PATH=$(host_path "$profiler")" "ILHEAP_PROFILER_REPORT=$(host_path "$out/report.txt")" \
  "ILHEAP_PROFILER_SOAK_EVERY=$every" \
  "ILHEAP_PROFILER_POLICY=$policy" "ILHEAP_PROFILER_ZONE=$zone" "ILHEAP_PROFILER_PAVE_ABOVE=$pave" \
  ${ILHEAP_SOAK_PRELOAD:+"LD_PRELOAD=$ILHEAP_SOAK_PRELOAD"} ${ASAN_OPTIONS:+"ASAN_OPTIONS=$ASAN_OPTIONS"}
app_rc=$?
printf 'soak: ran in %d s (exit %d); outputs in %s\n' $((SECONDS - t0)) "$app_rc" "$out"
base_args=()
if [ "$baseline" = 1 ]; then
  t0=$SECONDS
  run_soak baseline original
  printf 'soak: baseline (no profiler) ran in %d s (exit %d)\n' $((SECONDS - t0)) $?
  base_args=(--baseline "$out/baseline.txt")
fi

python3 "$repo/scripts/soak-figures.py" --app "$out/app.txt" --app-exit "$app_rc" \
  --report "$out/report.txt" --warmup "$warmup" --step "$step" --cycles "$cycles" \
  --data "$out/figures.dat" --zone-served "$pave" "${base_args[@]}" "${extra[@]}"
verdict=$?

if [ "${ILHEAP_SOAK_PLOT:-1}" != 0 ] && [ -s "$out/figures.dat" ]; then
  if command -v gnuplot >/dev/null 2>&1; then
    title="ilheap soak${rid:+ ($rid)}: policy $policy, zone $zone${arenas:+, MALLOC_ARENA_MAX=$arenas}, $(sed -n 's/^soak done cycles=\([0-9]*\).*/\1/p' "$out/app.txt") cycles, $(date -u '+%Y-%m-%d %H:%M UTC')"
    gnuplot -e "datafile='$out/figures.dat'; outfile='$out/soak.png'; title='$title'; baseline=$baseline" \
      "$repo/scripts/soak.gp" &&
      printf 'soak: plot %s\n' "$out/soak.png"
  else
    printf 'soak: no gnuplot, no plot (scripts/install-deps.sh installs gnuplot-nox)\n'
  fi
fi
exit $verdict
