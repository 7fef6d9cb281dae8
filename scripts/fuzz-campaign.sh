#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A long local fuzzing campaign: every target at once, time-bounded, merging what
# it finds into corpus/.
#
#   scripts/fuzz-campaign.sh SECONDS [TARGET...]
#
# Each target (default: every libFuzzer target the build has) fuzzes for SECONDS
# in libFuzzer's fork mode (-fork, -ignore_crashes: a finding is recorded and the
# campaign goes on), starting from a working copy of corpus/<target>/. At the
# end each target's corpus is re-minimized with -merge=1 over the old corpus and
# everything found, counting edges only (-use_counters=0: one input per new
# edge, not per new hit count), so corpus/<target>/ stays small and
# commit-ready; the hand-written seeds (seed-*) are always kept. The whole
# corpus the campaign grew stays in its work directory. The summary gives, per target,
# executions, coverage (edges) before and after, corpus files before and after,
# and findings (with where their inputs are).
#
# Environment:
#   ILHEAP_FUZZ_BUILD_DIR  a build configured with -DILHEAP_LIBFUZZER=ON
#                          (default: build/fuzz-campaign, configured here with clang,
#                          ASan+UBSan, no recovery)
#   ILHEAP_FUZZ_JOBS       fuzzing processes in all (default: the number of cores);
#                          targets run side by side, JOBS at a time, with
#                          -fork=max(1, JOBS / targets)
#   ILHEAP_FUZZ_NO_MERGE=1 leave corpus/ alone (findings are still reported)
#   ILHEAP_FUZZ_MERGE_COUNTERS=1  minimize on hit counts too (a larger corpus)
# Exit status: 0 when there was no finding, 1 otherwise, 2 on bad usage.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if (($# < 1)) || ! [[ "$1" =~ ^[0-9]+$ ]] || (($1 < 1)); then
  echo "usage: $0 SECONDS [TARGET...]" >&2
  exit 2
fi
DURATION=$1
shift

BUILD=${ILHEAP_FUZZ_BUILD_DIR:-$ROOT/build/fuzz-campaign}
if [[ -z "${ILHEAP_FUZZ_BUILD_DIR:-}" ]]; then
  CC=${CC:-clang} cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DILHEAP_LIBFUZZER=ON -DILHEAP_BUILD_TESTS=OFF -DILHEAP_BUILD_EXAMPLES=OFF \
    -DILHEAP_ASSERTS=ON -DILHEAP_SEAMS=ON \
    -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" >/dev/null
fi
# Only the fuzz targets are built here (the rest of the build is not ours).
known=$(cmake --build "$BUILD" --target help | sed -n 's/^\(fuzz_[a-z_]*\):.*/\1/p')
targets=("$@")
if ((${#targets[@]} == 0)); then
  for src in "$ROOT"/fuzz/fuzz_*.c; do
    t=$(basename "$src" .c)
    grep -qx "$t" <<<"$known" && targets+=("$t")
  done
fi
((${#targets[@]} > 0)) || { echo "no libFuzzer target in $BUILD (configure it with -DILHEAP_LIBFUZZER=ON)" >&2; exit 2; }
cmake --build "$BUILD" -j 2 --target "${targets[@]}" >/dev/null
for t in "${targets[@]}"; do
  [[ -x "$BUILD/fuzz/$t" ]] || { echo "no libFuzzer build of $t in $BUILD/fuzz" >&2; exit 2; }
done

JOBS=${ILHEAP_FUZZ_JOBS:-$(nproc)}
FORK=$((JOBS / ${#targets[@]}))
((FORK >= 1)) || FORK=1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ilheap-fuzz-campaign.XXXXXX")
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
echo "fuzz-campaign: ${targets[*]}; ${DURATION}s each, $JOBS job(s), -fork=$FORK; work in $WORK"

# The coverage a corpus reaches: libFuzzer's "cov:" after loading it (-runs=0).
coverage_of() { # target dir
  "$BUILD/fuzz/$1" -runs=0 -artifact_prefix="$WORK/$1/artifacts/coverage-" "$2" 2>&1 |
    grep -o 'cov: [0-9]*' | tail -n 1 | cut -d' ' -f2
}

run_target() { # target
  local t=$1 dir=$WORK/$1
  mkdir -p "$dir/corpus" "$dir/artifacts"
  [[ -d "$ROOT/corpus/$t" ]] && cp -r "$ROOT/corpus/$t/." "$dir/corpus/"
  local args=(-fork="$FORK" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1
              -max_total_time="$DURATION" -timeout=60 -rss_limit_mb=2560
              -artifact_prefix="$dir/artifacts/")
  [[ -f "$ROOT/fuzz/$t.dict" ]] && args+=(-dict="$ROOT/fuzz/$t.dict")
  (cd "$dir" && "$BUILD/fuzz/$t" "${args[@]}" "$dir/corpus" >"$dir/log" 2>&1) || true
}

# Targets side by side, JOBS at a time.
running=0
for t in "${targets[@]}"; do
  echo "==> $t"
  run_target "$t" &
  running=$((running + 1))
  if ((running * FORK >= JOBS)); then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

status=0
summary=()
for t in "${targets[@]}"; do
  dir=$WORK/$t
  # Fork mode reports "#N: cov: C ft: F corp: K exec/s ..."; the last such line
  # holds the totals.
  execs=$(grep -oE '^#[0-9]+: cov' "$dir/log" | tail -n 1 | tr -dc 0-9)
  [[ -n "$execs" ]] || execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -n 1)
  findings=$(find "$dir/artifacts" -type f | wc -l)
  before_files=0
  [[ -d "$ROOT/corpus/$t" ]] && before_files=$(find "$ROOT/corpus/$t" -type f | wc -l)
  cov_before=$( [[ -d "$ROOT/corpus/$t" ]] && coverage_of "$t" "$ROOT/corpus/$t" || echo 0)
  after_files=$before_files
  cov_after=$cov_before
  if [[ "${ILHEAP_FUZZ_NO_MERGE:-0}" != 1 ]]; then
    # Re-minimize: the old corpus first (its files are preferred), then the
    # campaign's; the hand-written seeds stay whatever coverage they add.
    fresh=$dir/minimized
    mkdir -p "$fresh"
    counters=-use_counters=0
    [[ "${ILHEAP_FUZZ_MERGE_COUNTERS:-0}" == 1 ]] && counters=-use_counters=1
    "$BUILD/fuzz/$t" -merge=1 "$counters" -timeout=60 -rss_limit_mb=2560 \
      -artifact_prefix="$dir/artifacts/merge-" "$fresh" \
      "$ROOT/corpus/$t" "$dir/corpus" >"$dir/merge.log" 2>&1 || {
      echo "merge of $t failed (see $dir/merge.log); corpus/$t left as it was"
      status=1
      continue
    }
    mkdir -p "$ROOT/corpus/$t"
    find "$ROOT/corpus/$t" -type f ! -name 'seed-*' -delete
    # libFuzzer names merged files by the SHA-1 of their contents: one equal
    # to a seed's is that seed, already kept under its own name.
    seeds=$(cd "$ROOT/corpus/$t" && sha1sum seed-* 2>/dev/null | cut -c1-40 || true)
    for f in "$fresh"/*; do
      [[ -f "$f" ]] || continue
      grep -qx "$(basename "$f")" <<<"$seeds" || cp "$f" "$ROOT/corpus/$t/"
    done
    after_files=$(find "$ROOT/corpus/$t" -type f | wc -l)
    cov_after=$(coverage_of "$t" "$ROOT/corpus/$t")
  fi
  line="$t: ${execs:-?} executions, coverage ${cov_before:-?} -> ${cov_after:-?} edges, corpus $before_files -> $after_files files, $findings finding(s)"
  if ((findings > 0)); then
    status=1
    line+=" in $dir/artifacts"
  fi
  summary+=("$line")
done

echo
echo "fuzz-campaign (${DURATION}s per target, $JOBS job(s)):"
printf '  %s\n' "${summary[@]}"
echo "logs in $WORK; reproduce a finding with: $BUILD/fuzz/<target>_replay FILE"
exit "$status"
