#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the library (C) and tests/cpp_client (C++) with exactly
#   clang -fsanitize=address,undefined -fno-sanitize-recover=all
# (UBSan's vptr check is on: the C++ code has RTTI), and runs the test.
#   exact_flags.sh SOURCE_DIR WORK_DIR LIBRARY_SOURCE...   (paths relative to SOURCE_DIR)
set -euo pipefail
src=$1
work=$2
shift 2
(($# > 0)) || { echo "no library sources given"; exit 1; }
mkdir -p "$work"
cc=$(command -v clang-14 || command -v clang || true)
cxx=$(command -v clang++-14 || command -v clang++ || true)
[[ -n "$cc" && -n "$cxx" ]] || { echo "clang not found (scripts/install-deps.sh installs it)"; exit 1; }
flags=(-fsanitize=address,undefined -fno-sanitize-recover=all -g -O1 -Wall -Wextra -Werror)
echo "exact_flags: $cxx ${flags[*]}"
objs=()
for f in "$@"; do
  o="$work/$(basename "$f" .c).o"
  "$cc" -std=c11 "${flags[@]}" -D_GNU_SOURCE -DILHEAP_BUILDING -DILHEAP_STATIC_DEFINE \
    -I"$src/include" -I"$src/src" -c "$src/$f" -o "$o"
  objs+=("$o")
done
for f in main client_own client_corprof; do
  "$cxx" -std=c++11 "${flags[@]}" -DILHEAP_STATIC_DEFINE -I"$src/include" -I"$src/tests" \
    -c "$src/tests/cpp_client/$f.cpp" -o "$work/cxx_$f.o"
  objs+=("$work/cxx_$f.o")
done
"$cxx" "${flags[@]}" "${objs[@]}" -lpthread -o "$work/cpp_client"
"$work/cpp_client"
