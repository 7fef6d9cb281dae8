#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The linux-arm64 tests at each page size: the unit tests, the corpus replay of
# every fuzz target and the demo (labels unit|replay|demo) of the linux-arm64
# preset, run under qemu-aarch64-static with QEMU_PAGESIZE set, so that every
# program sees 4, 16 or 64 KiB pages (sysconf(_SC_PAGESIZE), mmap's granularity).
#
#   scripts/arm64-pages.sh                  4096, 16384 and 65536 (the full matrix)
#   scripts/arm64-pages.sh 65536            one page size
#
# Builds build/linux-arm64 first when it is not there (ILHEAP_ARM64_BUILD_DIR
# names another). CI (scripts/test.sh) runs 4 KiB and 64 KiB; this script is
# the full matrix. Prints each size's verdict and time; exit 1 if one failed.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${ILHEAP_ARM64_BUILD_DIR:-$ROOT/build/linux-arm64}
sizes=("$@")
((${#sizes[@]})) || sizes=(4096 16384 65536)

if [[ ! -f "$DIR/CTestTestfile.cmake" ]]; then
  (cd "$ROOT" && cmake --preset linux-arm64 -B "$DIR" && cmake --build "$DIR" -j 2) || exit 1
fi

rc=0 results=()
for ps in "${sizes[@]}"; do
  echo "==> linux-arm64 tests with ${ps}-byte pages (QEMU_PAGESIZE=$ps)"
  t0=$SECONDS
  if QEMU_PAGESIZE=$ps ctest --test-dir "$DIR" -L 'unit|replay|demo' --no-tests=error \
    --output-on-failure -j 2; then
    verdict=PASS
  else
    verdict=FAIL rc=1
  fi
  results+=("$(printf '%-4s  %6d-byte pages  %4ds' "$verdict" "$ps" $((SECONDS - t0)))")
done
printf '%s\n' "${results[@]}"
exit $rc
