#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A bounded libFuzzer run of every fuzz target: what CI runs on each change.
#
#   scripts/fuzz-smoke.sh [SECONDS]      SECONDS per target (default 30)
#
# Uses the libFuzzer build in $ILHEAP_FUZZ_BUILD_DIR if set (it must have been
# configured with -DILHEAP_LIBFUZZER=ON), otherwise configures and builds one in
# build/fuzz-smoke with clang, ASan+UBSan, no recovery. Each target starts from
# a temporary copy of its corpus (corpus/<target>/, which this never modifies)
# and runs for SECONDS with -max_total_time. Any finding (crash, check failure,
# sanitizer report, leak, timeout, out-of-memory) fails the run; the input that
# caused it is left in the temporary directory printed at the end, and the
# libFuzzer log says how to reproduce it.
#
# Exit status: 0 when every target ran its time with no finding, 1 otherwise.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SECONDS_PER_TARGET=${1:-30}
if ! [[ "$SECONDS_PER_TARGET" =~ ^[0-9]+$ ]] || ((SECONDS_PER_TARGET < 1)); then
  echo "usage: $0 [SECONDS]" >&2
  exit 2
fi

BUILD=${ILHEAP_FUZZ_BUILD_DIR:-$ROOT/build/fuzz-smoke}
if [[ -z "${ILHEAP_FUZZ_BUILD_DIR:-}" ]]; then
  CC=${CC:-clang} cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DILHEAP_LIBFUZZER=ON -DILHEAP_BUILD_TESTS=OFF -DILHEAP_BUILD_EXAMPLES=OFF \
    -DILHEAP_ASSERTS=ON -DILHEAP_SEAMS=ON \
    -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
fi
# Only the fuzz targets are built here: the rest of the build is not this
# script's business. A target the build does not define (fuzz_com without the
# COM adapter) is left out; one it defines must build.
known=$(cmake --build "$BUILD" --target help | sed -n 's/^\(fuzz_[a-z_]*\):.*/\1/p')
targets=()
for src in "$ROOT"/fuzz/fuzz_*.c; do
  t=$(basename "$src" .c)
  if ! grep -qx "$t" <<<"$known"; then
    if grep -qx "${t}_replay" <<<"$known"; then
      echo "fuzz-smoke: $BUILD has no libFuzzer build of $t (configure it with -DILHEAP_LIBFUZZER=ON)" >&2
      exit 1
    fi
    continue
  fi
  targets+=("$t")
done
if ((${#targets[@]} > 0)); then
  cmake --build "$BUILD" -j 2 --target "${targets[@]}"
fi
if ((${#targets[@]} == 0)); then
  echo "fuzz-smoke: no fuzz target in $BUILD/fuzz" >&2
  exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ilheap-fuzz-smoke.XXXXXX")
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

status=0
summary=()
for t in "${targets[@]}"; do
  mkdir -p "$WORK/$t/corpus" "$WORK/$t/artifacts"
  if [[ -d "$ROOT/corpus/$t" ]]; then
    cp -r "$ROOT/corpus/$t/." "$WORK/$t/corpus/"
  fi
  args=(-max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 -timeout=60 -rss_limit_mb=2560
        -artifact_prefix="$WORK/$t/artifacts/")
  [[ -f "$ROOT/fuzz/$t.dict" ]] && args+=(-dict="$ROOT/fuzz/$t.dict")
  echo "==> $t: ${SECONDS_PER_TARGET}s from $(find "$WORK/$t/corpus" -type f | wc -l) corpus files"
  set +e
  "$BUILD/fuzz/$t" "${args[@]}" "$WORK/$t/corpus" >"$WORK/$t/log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$WORK/$t/log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$WORK/$t/log" | tail -n 1 | cut -d' ' -f2)
  findings=$(find "$WORK/$t/artifacts" -type f | wc -l)
  if ((rc != 0 || findings != 0)); then
    status=1
    summary+=("FAIL  $t: exit $rc, $findings finding(s) in $WORK/$t/artifacts")
    echo "---- last lines of the $t log ----"
    tail -n 60 "$WORK/$t/log"
    echo "----"
  else
    summary+=("PASS  $t: ${execs:-?} executions, coverage ${cov:-?} edges, no finding")
  fi
done

echo
echo "fuzz-smoke (${SECONDS_PER_TARGET}s per target):"
printf '  %s\n' "${summary[@]}"
if ((status == 0)); then
  rm -rf "$WORK"
else
  echo "inputs and logs kept in $WORK; reproduce with: <build>/fuzz/<target>_replay FILE"
fi
exit "$status"
