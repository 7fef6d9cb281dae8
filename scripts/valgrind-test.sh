#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs one test program under Valgrind memcheck and fails when memcheck found
# an error in it or in any process it started: Criterion runs each test in a
# child and reports its result before the child exits, so memcheck's own exit
# code (--error-exitcode) never reaches the test's verdict. Each process writes
# its own log; any log with a nonzero ERROR SUMMARY fails the run.
#
# Used as CMAKE_CROSSCOMPILING_EMULATOR by the "valgrind" preset, so that plain
# `ctest` runs every test under memcheck. Definite leaks count as errors.
set -u
logdir=$(mktemp -d "${TMPDIR:-/tmp}/ilheap-memcheck.XXXXXX")
valgrind --tool=memcheck --error-exitcode=99 --trace-children=yes \
  --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
  --suppressions="$(dirname "${BASH_SOURCE[0]}")/valgrind-criterion.supp" \
  --num-callers=30 --log-file="$logdir/%p.log" "$@"
rc=$?
failed=0
for log in "$logdir"/*.log; do
  [[ -e "$log" ]] || continue
  if grep -qE 'ERROR SUMMARY: [1-9]' "$log"; then
    failed=1
    echo "memcheck: errors in process ${log##*/}:"
    cat "$log"
  fi
done
rm -rf "$logdir"
if ((failed)); then
  echo "memcheck: FAILED: $*"
  exit 1
fi
exit "$rc"
