#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# How often a module's window is full in the real runtime: runs the e2e app
# (tests/e2e) with the sample profiler N times per configuration and counts the
# runs in which any Alloc returned NULL because a window had no room (the
# report's "fail ... reason=Alloc-returned-NULL" lines). The address-space
# layout differs from run to run (ASLR), so this is a rate, not a test.
#
#   scripts/e2e-rates.sh [RUNS] [CONFIG...]     (default: 50 runs, every config)
#
# Configurations (the profiler's environment, see examples/profiler/profiler.c):
#   strict-nozone   ILHEAP_PROFILER_POLICY=strict  ILHEAP_PROFILER_ZONE=0  (baseline)
#   strict-zone     ILHEAP_PROFILER_POLICY=strict  ILHEAP_PROFILER_ZONE=1
#   coreclr-nozone  ILHEAP_PROFILER_POLICY=coreclr ILHEAP_PROFILER_ZONE=0
# Prints one line per run and a summary line per configuration:
#   rates: CONFIG runs=N full_window_runs=K app_failures=F
# ILHEAP_E2E_RID=win-x64|win-x86: the same on Windows under Wine (scripts/e2e.sh,
# scripts/e2e-target.sh); each run's line adds the free room of the main
# assembly's, the plugin's and System.Runtime's windows when they loaded (MiB).
# Outputs go to $ILHEAP_E2E_WORK/rates (default build-e2e/rates). Run it niced on
# a shared machine: nice -n 10 scripts/e2e-rates.sh 50
set -u -o pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rid=${ILHEAP_E2E_RID:-}
work=${ILHEAP_E2E_WORK:-$repo/build-e2e${rid:+-$rid}}
runs=${1:-50}
shift || true
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(strict-nozone strict-zone coreclr-nozone)
clsid='{1BA6DB91-C0B5-4A2E-BF65-004C550AAC0E}'

paths=$(ILHEAP_E2E_WORK=$work ILHEAP_E2E_BUILD_ONLY=1 "$repo/scripts/e2e.sh" | sed -n 's/^\(profiler\|app\|plugin\)=/\1 /p') ||
  { echo "rates: building the profiler and the app failed" >&2; exit 1; }
profiler=$(awk '$1 == "profiler" { print $2 }' <<<"$paths")
app=$(awk '$1 == "app" { print $2 }' <<<"$paths")
plugin=$(awk '$1 == "plugin" { print $2 }' <<<"$paths")
[ -n "$profiler" ] && [ -n "$app" ] || { echo "rates: no profiler or app (e2e.sh build failed?)" >&2; exit 1; }
die() { echo "rates: $*" >&2; exit 1; }
# shellcheck source=scripts/e2e-target.sh
. "$repo/scripts/e2e-target.sh"
e2e_target
if [ -z "$rid" ]; then run_cmd=(dotnet "$app"); else run_cmd=("${runner[@]}" "$app"); fi
out=$work/rates
mkdir -p "$out"
echo "rates: $(date -u +%FT%TZ) dotnet $(dotnet --version) ${rid:+rid=$rid }runs=$runs profiler=$profiler"
# The free room (MiB) of module $2's window when it loaded, from report $1.
room() { sed -n "s/^module-load .* name=$2 .* window_free=\([0-9]*\).*/\1/p" "$1" 2>/dev/null | awk '{ printf "%d", $1 / 1048576 }'; }

for cfg in "${configs[@]}"; do
  case $cfg in
  strict-nozone) env_cfg=(ILHEAP_PROFILER_POLICY=strict ILHEAP_PROFILER_ZONE=0) ;;
  strict-zone) env_cfg=(ILHEAP_PROFILER_POLICY=strict ILHEAP_PROFILER_ZONE=1) ;;
  coreclr-nozone) env_cfg=(ILHEAP_PROFILER_POLICY=coreclr ILHEAP_PROFILER_ZONE=0) ;;
  *) echo "rates: unknown configuration $cfg" >&2; exit 2 ;;
  esac
  full=0 appfail=0
  for i in $(seq 1 "$runs"); do
    rep=$out/$cfg-$i.report
    rm -f "$rep"
    env -u CORECLR_PROFILER_PATH_64 "${target_env[@]}" CORECLR_ENABLE_PROFILING=1 "CORECLR_PROFILER=$clsid" \
      "CORECLR_PROFILER_PATH=$(host_path "$profiler")" "ILHEAP_PROFILER_REPORT=$(host_path "$rep")" "${env_cfg[@]}" \
      timeout 300 "${run_cmd[@]}" "$(host_path "$plugin")" >"$out/$cfg-$i.out" 2>&1
    rc=$?
    nulls=$(grep -c '^fail .*reason=Alloc-returned-NULL' "$rep" 2>/dev/null)
    outside=$(sed -n 's/^shutdown .*outside_window=\([0-9]*\).*/\1/p' "$rep" 2>/dev/null)
    [ "${nulls:-0}" -gt 0 ] && full=$((full + 1))
    # A NULL makes the app print the original answer, not fail: only other exits count.
    [ "$rc" -ne 0 ] && appfail=$((appfail + 1))
    echo "rates: $cfg run=$i exit=$rc null_bodies=${nulls:-0} outside_window=${outside:-?}" \
      "room_mib: main=$(room "$rep" 'IlHeapE2E\.dll') plugin=$(room "$rep" 'IlHeapE2E\.Plugin\.dll') system_runtime=$(room "$rep" 'System\.Runtime\.dll')"
  done
  echo "rates: $cfg runs=$runs full_window_runs=$full app_failures=$appfail"
done
