#!/usr/bin/env bash
# Installs with apt-get whatever ilheap's build, tests, fuzzers, benchmarks and
# demo need and the machine lacks (Debian bookworm). Idempotent: when every
# package is there it asks apt nothing and returns at once.
#
#   scripts/install-deps.sh            everything
#   scripts/install-deps.sh --check    only say what is missing (exit 1 if anything)
#
# Needs root (or sudo) only when something is missing. The .NET SDK, which the
# sample profiler's end-to-end test uses, is not a Debian package: it is
# reported here, not installed.
set -euo pipefail

packages=(
  gcc g++ make cmake ninja-build pkgconf   # the build
  clang clang-14 libclang-rt-14-dev        # clang, the sanitizer and libFuzzer runtimes
  llvm                                     # llvm-profdata, llvm-cov, llvm-symbolizer
  clang-tidy clang-format                  # static checks and formatting
  libcriterion-dev                         # the unit tests
  valgrind                                 # memcheck step (valgrind/memcheck.h too)
  python3                                  # small helpers in scripts/
  gnuplot-nox libmimalloc-dev libjemalloc-dev  # benchmarks: plots and the allocators compared
  gcc-multilib g++-multilib                # the linux32 step: gcc -m32 (lib32 runtime, no multiarch)
  mingw-w64 g++-mingw-w64                  # Windows cross builds (x86_64 and i686), header-order tests against the real windows.h
)

check_only=0
[[ "${1:-}" == "--check" ]] && check_only=1

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: missing: ${missing[*]}"
  if ((check_only)); then
    exit 1
  fi
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null; then
      sudo=(sudo)
    else
      echo "install-deps: not root and no sudo: install the packages above by hand" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q || echo "install-deps: apt-get update reported errors; going on"
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
  echo "install-deps: installed ${#missing[@]} packages"
fi

if command -v dotnet >/dev/null; then
  echo "install-deps: dotnet $(DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet --version 2>/dev/null || echo '?') present (sample profiler end-to-end test)"
else
  echo "install-deps: dotnet not found: the sample profiler's end-to-end test will be skipped"
fi
