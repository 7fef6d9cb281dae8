#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every tracked source file says its licence in its first three lines
# (SPDX-License-Identifier: MIT; LICENSE has the text). Prints the files that do
# not and exits 1 if any; data and configuration files (corpus, .json, .csv,
# .dict, .options, .props, .csproj...) are not source and are not asked.
#
#   scripts/check-spdx.sh
# Needs git (the tracked files) and a checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=0 n=0
while IFS= read -r f; do
  n=$((n + 1))
  if ! head -n 3 -- "$f" | grep -q 'SPDX-License-Identifier: MIT'; then
    echo "check-spdx: no SPDX line: $f"
    missing=$((missing + 1))
  fi
done < <(git ls-files -- '*.c' '*.h' '*.cpp' '*.cs' '*.cmake' '*.sh' '*.py' '*.gp' '*.in' \
  'CMakeLists.txt' '*/CMakeLists.txt' '*Dockerfile' '.ci/run' 'cmake/toolchains/bin/clang-mingw')
echo "check-spdx: $n source files, $missing without the licence line"
((missing == 0))
