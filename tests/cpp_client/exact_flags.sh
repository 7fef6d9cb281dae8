#!/usr/bin/env bash
# Builds the library (C) and tests/cpp_client (C++) with exactly
#   clang -fsanitize=address,undefined -fno-sanitize-recover=all
# (UBSan's vptr check is on: the C++ code has RTTI), and runs the test.
#   exact_flags.sh SOURCE_DIR WORK_DIR
set -euo pipefail
src=$1
work=$2
mkdir -p "$work"
cc=$(command -v clang-14 || command -v clang || true)
cxx=$(command -v clang++-14 || command -v clang++ || true)
[[ -n "$cc" && -n "$cxx" ]] || { echo "clang not found (scripts/install-deps.sh installs it)"; exit 1; }
flags=(-fsanitize=address,undefined -fno-sanitize-recover=all -g -O1 -Wall -Wextra -Werror)
echo "exact_flags: $cxx ${flags[*]}"
objs=()
# Every portable file of src/ and the Linux platform layer (as CMakeLists.txt).
for path in "$src"/src/*.c "$src/src/os/posix.c" "$src/src/os/provider_linux.c"; do
  f=$(basename "$path" .c)
  "$cc" -std=c11 "${flags[@]}" -D_GNU_SOURCE -DILHEAP_BUILDING -DILHEAP_STATIC_DEFINE \
    -I"$src/include" -c "$path" -o "$work/$f.o"
  objs+=("$work/$f.o")
done
for f in main client_own client_corprof; do
  "$cxx" -std=c++11 "${flags[@]}" -DILHEAP_STATIC_DEFINE -I"$src/include" -I"$src/tests" \
    -c "$src/tests/cpp_client/$f.cpp" -o "$work/$f.o"
  objs+=("$work/$f.o")
done
"$cxx" "${flags[@]}" "${objs[@]}" -lpthread -o "$work/cpp_client"
"$work/cpp_client"
