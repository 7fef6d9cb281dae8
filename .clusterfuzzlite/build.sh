#!/bin/bash -eu
# SPDX-License-Identifier: MIT
# OSS-Fuzz / ClusterFuzzLite build script (the build.sh contract): builds the
# library with $CC $CFLAGS, compiles every fuzz/fuzz_*.c with $CC $CFLAGS and
# links it with $CXX $CXXFLAGS $LIB_FUZZING_ENGINE into $OUT, next to
#   $OUT/<target>_seed_corpus.zip   corpus/<target>/ (seeds and minimized corpus)
#   $OUT/<target>.dict              fuzz/<target>.dict, where there is one
#   $OUT/<target>.options           fuzz/<target>.options, where there is one
# It runs from the source tree ($SRC/ilheap, the Dockerfile's WORKDIR) or from
# any directory when ILHEAP_SRC names the tree. scripts/test-clusterfuzzlite-build.sh
# runs it outside Docker with these variables set by hand.

SRC_DIR=${ILHEAP_SRC:-$SRC/ilheap}
BUILD_DIR=$WORK/ilheap-build

# The library only, with ILHEAP_ASSERTS and ILHEAP_SEAMS (the invariant asserts, the failure-
# injection seams that fuzz_faults drives); the engine's flags come from $CFLAGS
# (-fsanitize=..., fuzzer-no-link). Warnings stay warnings: the infrastructure's compiler and
# flags are not the ones the project's CI pins.
cmake -S "$SRC_DIR" -B "$BUILD_DIR" -G Ninja \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_BUILD_TYPE=None \
  -DBUILD_SHARED_LIBS=OFF -DILHEAP_WERROR=OFF -DILHEAP_INSTALL=OFF \
  -DILHEAP_BUILD_TESTS=OFF -DILHEAP_BUILD_FUZZ=OFF -DILHEAP_BUILD_EXAMPLES=OFF \
  -DILHEAP_BUILD_BENCH=OFF -DILHEAP_ASSERTS=ON -DILHEAP_SEAMS=ON
cmake --build "$BUILD_DIR" --target ilheap -j "$(nproc)"

# fuzz_com needs the COM adapter in the library.
has_com=0
if nm "$BUILD_DIR/libilheap.a" 2>/dev/null | grep -q ' T ilheap_method_malloc$'; then
  has_com=1
fi

zip_dir() { # dir zipfile: zip's own tool if there is one, Python's otherwise
  rm -f "$2"
  if command -v zip >/dev/null 2>&1; then
    (cd "$1" && zip -q -r "$2" .)
  else
    python3 - "$1" "$2" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        if os.path.isfile(path):
            z.write(path, name)
PY
  fi
}

# The support library the targets share (support/README.md), built the same way.
SUPPORT_OBJS=()
for src in "$SRC_DIR"/support/*.c; do
  # One file per OS (os_*.c, proc_*.c): the Linux one only.
  case $(basename "$src") in *_windows.c) continue ;; esac
  obj="$WORK/support_$(basename "$src" .c).o"
  $CC $CFLAGS -std=c11 -D_GNU_SOURCE -DILHEAP_STATIC_DEFINE -I"$SRC_DIR/include" \
    -c "$src" -o "$obj"
  SUPPORT_OBJS+=("$obj")
done

for src in "$SRC_DIR"/fuzz/fuzz_*.c; do
  target=$(basename "$src" .c)
  if [[ $target == fuzz_com && $has_com == 0 ]]; then
    echo "build.sh: skipping fuzz_com (the library has no COM adapter)"
    continue
  fi
  seams=()
  srcs=("$src")
  if [[ $target == fuzz_faults ]]; then # its jobs in files of their own (fuzz/faults.h)
    seams=(-DILHEAP_SEAMS=1 -I"$SRC_DIR/src")
    srcs+=("$SRC_DIR"/fuzz/faults_*.c)
  fi
  [[ $target == fuzz_maps ]] && seams=(-I"$SRC_DIR/src") # the parser's header (src/os/maps.h)
  objs=()
  for s in "${srcs[@]}"; do
    $CC $CFLAGS -std=c11 -D_GNU_SOURCE -DILHEAP_STATIC_DEFINE -I"$SRC_DIR/include" \
      -I"$SRC_DIR/support" "${seams[@]}" -c "$s" -o "$WORK/$(basename "$s" .c).o"
    objs+=("$WORK/$(basename "$s" .c).o")
  done
  $CXX $CXXFLAGS $LIB_FUZZING_ENGINE "${objs[@]}" "${SUPPORT_OBJS[@]}" "$BUILD_DIR/libilheap.a" \
    -lpthread -ldl -o "$OUT/$target"
  if [[ -d "$SRC_DIR/corpus/$target" ]]; then
    zip_dir "$SRC_DIR/corpus/$target" "$OUT/${target}_seed_corpus.zip"
  fi
  for ext in dict options; do
    if [[ -f "$SRC_DIR/fuzz/$target.$ext" ]]; then
      cp "$SRC_DIR/fuzz/$target.$ext" "$OUT/$target.$ext"
    fi
  done
done
