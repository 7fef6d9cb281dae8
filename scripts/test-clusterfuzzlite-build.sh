#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Proves .clusterfuzzlite/build.sh without Docker: runs it with the variables the
# OSS-Fuzz / ClusterFuzzLite base image would set ($CC $CFLAGS $CXX $CXXFLAGS
# $LIB_FUZZING_ENGINE $SRC $WORK $OUT, here for libFuzzer + AddressSanitizer),
# on a copy of the source tree in a temporary $SRC, then checks $OUT: every
# fuzz target was built, with its seed corpus zip (and dict/options where fuzz/
# has them), and each binary runs its whole seed corpus without a finding.
#
#   scripts/test-clusterfuzzlite-build.sh
#
# Exit status: 0 pass, 1 fail, 77 skipped (no clang/clang++ with libFuzzer here;
# CTest reports the test as skipped). ILHEAP_CLANG / ILHEAP_CLANGXX name the
# compilers (default: clang and clang++ on PATH). ILHEAP_KEEP_CFL=1 keeps the
# temporary directories.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLANG=${ILHEAP_CLANG:-$(command -v clang || true)}
CLANGXX=${ILHEAP_CLANGXX:-$(command -v clang++ || true)}
if [[ -z "$CLANG" || -z "$CLANGXX" || ! -x "$CLANG" || ! -x "$CLANGXX" ]]; then
  echo "SKIP: clang and clang++ are needed to test the ClusterFuzzLite build (Debian: clang libclang-rt-14-dev)"
  exit 77
fi
probe=$(mktemp -d "${TMPDIR:-/tmp}/ilheap-cfl-probe.XXXXXX")
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$probe/t.c"
if ! "$CLANG" -fsanitize=fuzzer,address "$probe/t.c" -o "$probe/t" >/dev/null 2>&1; then
  rm -rf "$probe"
  echo "SKIP: $CLANG cannot link libFuzzer with ASan (Debian: libclang-rt-14-dev)"
  exit 77
fi
rm -rf "$probe"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ilheap-cfl.XXXXXX")
[[ "${ILHEAP_KEEP_CFL:-0}" == 1 ]] || trap 'rm -rf "$TMP"' EXIT
export SRC=$TMP/src WORK=$TMP/work OUT=$TMP/out
mkdir -p "$SRC/ilheap" "$WORK" "$OUT"
# The image copies the repository; build trees and .git are not part of it.
tar -C "$ROOT" --exclude='./build' --exclude='./build-*' --exclude='./.git' -cf - . |
  tar -C "$SRC/ilheap" -xf -
cp "$ROOT/.clusterfuzzlite/build.sh" "$SRC/build.sh"

# What the base image sets for FUZZING_ENGINE=libfuzzer SANITIZER=address.
export CC=$CLANG CXX=$CLANGXX
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
export CXXFLAGS="$CFLAGS"
export LIB_FUZZING_ENGINE="-fsanitize=fuzzer"
export FUZZING_ENGINE=libfuzzer SANITIZER=address ARCHITECTURE=x86_64 FUZZING_LANGUAGE=c
echo "== build.sh (CC=$CC, SRC=$SRC, OUT=$OUT)"
(cd "$SRC/ilheap" && bash "$SRC/build.sh")

status=0
built=0
for src in "$ROOT"/fuzz/fuzz_*.c; do
  t=$(basename "$src" .c)
  if [[ ! -x "$OUT/$t" ]]; then
    if [[ $t == fuzz_com ]] && ! grep -q 'src/com.c' "$ROOT/CMakeLists.txt"; then
      continue # the library has no COM adapter yet
    fi
    echo "FAIL: build.sh did not produce $OUT/$t"
    status=1
    continue
  fi
  built=$((built + 1))
  for ext in dict options; do
    if [[ -f "$ROOT/fuzz/$t.$ext" && ! -f "$OUT/$t.$ext" ]]; then
      echo "FAIL: $OUT/$t.$ext is missing"
      status=1
    fi
  done
  zip=$OUT/${t}_seed_corpus.zip
  if [[ ! -f "$zip" ]]; then
    echo "FAIL: $zip is missing"
    status=1
    continue
  fi
  seeds=$WORK/seeds-$t
  mkdir -p "$seeds"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$zip" "$seeds"
  n=$(find "$seeds" -type f | wc -l)
  want=$(find "$ROOT/corpus/$t" -type f | wc -l)
  if ((n != want)); then
    echo "FAIL: $zip holds $n files, corpus/$t has $want"
    status=1
  fi
  # As ClusterFuzzLite starts a target: its options, its seed corpus, no fuzzing
  # (-runs=0 executes every seed once).
  echo "== $t: $n seeds"
  if ! (cd "$OUT" && ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 "./$t" -runs=0 \
        -artifact_prefix="$WORK/$t-" "$seeds") >"$WORK/$t.log" 2>&1; then
    tail -n 40 "$WORK/$t.log"
    echo "FAIL: $t failed on its seed corpus"
    status=1
  elif ! grep -q 'INITED\|Done' "$WORK/$t.log"; then
    tail -n 20 "$WORK/$t.log"
    echo "FAIL: $t did not run its corpus"
    status=1
  else
    grep -o 'INITED cov: [0-9]* ft: [0-9]*' "$WORK/$t.log" | head -n 1 | sed "s/^/   $t: /"
  fi
done
if ((built == 0)); then
  echo "FAIL: no fuzz target built"
  status=1
fi
((status == 0)) && echo "PASS: build.sh built $built target(s); each ran its seed corpus"
exit "$status"
