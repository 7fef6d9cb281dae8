#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs a Windows program under Wine for CTest (CMAKE_CROSSCOMPILING_EMULATOR of
# the mingw toolchains, cmake/toolchains/) and starts/stops the Wine server for
# the CTest fixtures (cmake/wine.cmake).
#
#   wine-run.sh PREFIX prog.exe args...    run prog.exe in WINEPREFIX=PREFIX
#   wine-run.sh PREFIX --start [--need-wine32]
#                                          start a persistent wineserver and make
#                                          the prefix (wineboot), output detached
#   wine-run.sh PREFIX --stop              wineserver -k
#
# Why the fixtures: Wine's background processes (wineserver, services.exe,
# winedevice...) inherit the output pipe of the program that started them, so
# CTest waits for them after each test (3-4 s per test, sometimes until the
# timeout). Started once here, with their output on /dev/null, they serve every
# test and never hold a test's pipe.
set -uo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 PREFIX prog.exe args... | PREFIX --start | PREFIX --stop" >&2; exit 2; }
export WINEPREFIX=$1
shift
export WINEDEBUG=${WINEDEBUG:--all}
# No desktop, no Mono/Gecko install dialogs in a fresh prefix.
export WINEDLLOVERRIDES=${WINEDLLOVERRIDES:-mscoree,mshtml=}
export DISPLAY=

need() { command -v "$1" >/dev/null || { echo "wine-run: $1 not found (scripts/install-deps.sh installs Wine)" >&2; exit 1; }; }
need wine
need wineserver

case $1 in
  --start)
    if [[ ${2:-} == --need-wine32 ]]; then
      if [[ $(dpkg-query -W -f='${db:Status-Status}' wine32:i386 2>/dev/null) != installed ]]; then
        why=$(cat /var/lib/ilheap-wine32-missing 2>/dev/null || echo "run scripts/install-deps.sh")
        echo "wine-run: wine32 (i386) is not installed, 32-bit Windows programs cannot run: $why" >&2
        exit 1
      fi
      # A prefix made without wine32 cannot run 32-bit programs: start afresh.
      if [[ -d $WINEPREFIX && ! -d $WINEPREFIX/drive_c/windows/syswow64 ]]; then
        echo "wine-run: $WINEPREFIX has no syswow64 (made without wine32): recreating it"
        wineserver -k >/dev/null 2>&1 </dev/null
        rm -rf "$WINEPREFIX"
      fi
    fi
    mkdir -p "$WINEPREFIX"
    t0=$EPOCHREALTIME
    wineserver -p </dev/null >/dev/null 2>&1
    wineboot -i </dev/null >/dev/null 2>&1
    rc=$?
    echo "wine-run: wineserver and prefix $WINEPREFIX ready in" \
      "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s (wineboot rc $rc)"
    exit $rc
    ;;
  --stop)
    wineserver -k </dev/null >/dev/null 2>&1
    exit 0
    ;;
esac
exec wine "$@"
