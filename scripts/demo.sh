#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The demo, from a fresh machine: installs what is missing (only what the demo
# needs: scripts/install-deps.sh --profile demo), builds, and runs
#   1. ilheap-demo in this machine's real address space: one heap per loaded
#      module, thousands of IL method bodies each, every block checked against
#      the contract and /proc/self/maps;
#   2. ilheap-demo --crowded: a crowded, fragmented simulated address space
#      where exhaustion returns NULL and the heaps stay usable;
#   3. the sample CoreCLR profiler at work (scripts/e2e.sh), when dotnet is
#      there: the app prints 41 on its own and 42 with the profiler, which
#      rewrote a method body in memory from ilheap.
#
#   scripts/demo.sh [ilheap-demo options...]   e.g. --modules 4 --bodies 20000 --threads 4
#
# Exit status: nonzero when a part failed (a part skipped for lack of dotnet is
# not a failure). Safe to run again: the build is incremental.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# Its own build: the library, the demo and the sample profiler, in Release, with
# the tests, fuzzers and benchmarks off (they need what only scripts/test.sh installs).
BUILD=${ILHEAP_BUILD_ROOT:-$ROOT/build}/demo
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

banner() { printf '\n=== %s ===\n' "$*"; }

banner "dependencies (the demo's only: a C compiler, CMake, Ninja)"
bash scripts/install-deps.sh --profile demo

banner "configure and build (Release, in ${BUILD#"$ROOT"/})"
mkdir -p "$BUILD"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Release \
  -DILHEAP_BUILD_TESTS=OFF -DILHEAP_BUILD_FUZZ=OFF -DILHEAP_BUILD_BENCH=OFF \
  -DILHEAP_BUILD_EXAMPLES=ON >"$BUILD/configure.log" 2>&1 || {
  cat "$BUILD/configure.log"
  exit 1
}
cmake --build "$BUILD" -j 2 --target ilheap-demo

status=0

banner "1. the demo in this process's real address space"
"$BUILD/examples/ilheap-demo" "$@" || status=1

banner "2. the demo on a crowded simulated address space"
"$BUILD/examples/ilheap-demo" --crowded || status=1

banner "3. the sample CoreCLR profiler"
if [[ -f scripts/e2e.sh ]]; then
  set +e
  ILHEAP_BUILD_DIR=$BUILD ILHEAP_E2E_WORK=$(dirname "$BUILD")/e2e bash scripts/e2e.sh
  rc=$?
  set -e
  case $rc in
    0) echo "sample profiler: PASS" ;;
    77) echo "sample profiler: skipped (no dotnet on this machine)" ;;
    *) echo "sample profiler: FAILED (exit $rc)"; status=1 ;;
  esac
else
  echo "sample profiler: scripts/e2e.sh is not in this tree"
  status=1
fi

echo
if ((status == 0)); then
  echo "demo: all parts passed"
else
  echo "demo: a part FAILED (see above)"
fi
exit $status
