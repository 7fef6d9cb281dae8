#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs with apt-get whatever ilheap's build, tests, fuzzers, benchmarks and
# demo need and the machine lacks (Debian bookworm). Idempotent: when every
# package is there it asks apt nothing and returns at once.
#
#   scripts/install-deps.sh            everything (the "all" profile: scripts/test.sh)
#   scripts/install-deps.sh --check    only say what is missing (exit 1 if anything)
#   scripts/install-deps.sh --profile demo   only what scripts/demo.sh needs: a C
#                                      compiler and its libc headers, CMake, Ninja
#                                      (no clang, Criterion, Valgrind, mingw-w64, Wine)
#   scripts/install-deps.sh --list [--profile P]   print the profile's packages, one a line
#
# The Windows lanes need mingw-w64 and Wine; the 32-bit Windows lane needs
# wine32, an i386 package (multiarch: dpkg --add-architecture i386). Debian's
# i386 security index is sometimes out of sync with amd64 ("File has unexpected
# size ... Mirror sync in progress?"); then the i386 libraries wine32 needs exist
# only at bookworm's versions while amd64 has the security ones, and Multi-Arch:
# same wants both equal. The script tries the plain install first, then installs
# from bookworm with those libraries pinned to bookworm's versions on both
# architectures (a downgrade of a few amd64 libraries), and only ever accepts a
# plan that removes nothing. If wine32 still cannot be installed, it says why,
# writes the reason to /var/lib/ilheap-wine32-missing (the mingw32 lane prints
# it), and the rest of the machine is left as it was.
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
  gcc-12-multilib g++-12-multilib          # the linux32 step: gcc -m32 (lib32 runtime, no multiarch). Not
                                           # gcc-multilib: it only adds /usr/include/asm and conflicts
                                           # with the aarch64 cross compilers (cmake/linux32/include)
  mingw-w64 g++-mingw-w64                  # Windows cross builds (x86_64 and i686), header-order tests against the real windows.h
  gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross  # the arm64 lane: cross builds for aarch64
  qemu-user-static                         # the arm64 lane runs them under qemu-aarch64-static (4, 16, 64 KiB pages)
)
# The Windows lanes (mingw64, mingw32): Wine runs what mingw-w64 builds.
# wine32 (i386) is handled apart, below.
packages+=(wine wine64)
# The demo's profile: its own build (tests, fuzzers and benchmarks off) needs a C
# compiler, the C library's headers (gcc only recommends libc6-dev, and the
# install skips recommendations), CMake and Ninja; dotnet, for its part 3, is not
# a Debian package.
demo_packages=(gcc libc6-dev cmake ninja-build)

check_only=0 list_only=0 profile=all
while (($#)); do
  case $1 in
    --check) check_only=1 ;;
    --list) list_only=1 ;;
    --profile) profile=${2:-}; shift ;;
    --profile=*) profile=${1#--profile=} ;;
    *) echo "install-deps: unknown argument: $1 (--check, --list, --profile all|demo)" >&2; exit 2 ;;
  esac
  shift
done
case $profile in
  all) ;;
  demo) packages=("${demo_packages[@]}") ;;
  *) echo "install-deps: unknown profile: $profile (all, demo)" >&2; exit 2 ;;
esac
if ((list_only)); then
  printf '%s\n' "${packages[@]}"
  [[ $profile == all ]] && echo "wine32:i386"
  exit 0
fi

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
  # With i386 added, its security index may be out of sync (see above): apt
  # then reports an error for that index alone; the others are fine.
  "${sudo[@]}" apt-get update -q || echo "install-deps: apt-get update reported errors; going on"
  "${sudo[@]}" apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}"
  echo "install-deps: installed ${#missing[@]} packages"
fi

if [[ $profile == demo ]]; then
  if command -v dotnet >/dev/null; then
    echo "install-deps: dotnet present (the demo's part 3, the sample profiler)"
  else
    echo "install-deps: dotnet not found: the demo's part 3 (the sample profiler) will be skipped"
  fi
  exit 0
fi

# ---- wine32 (i386), for the mingw32 lane ----------------------------------------
WINE32_MISSING=/var/lib/ilheap-wine32-missing
apt_opts=(-y -q --no-install-recommends -o DPkg::Lock::Timeout=600)

wine32_installed() {
  [[ $(dpkg-query -W -f='${db:Status-Status}' wine32:i386 2>/dev/null || true) == installed ]]
}

# plan_ok LOG: the simulated plan in LOG installs and removes nothing.
plan_ok() {
  ! grep -q '^Remv ' "$1" && ! grep -q '^E: ' "$1"
}

wine32_fail() {
  echo "install-deps: wine32 NOT installed: $*" >&2
  if ((check_only == 0)); then
    echo "$*" >"$WINE32_MISSING" 2>/dev/null || true
  fi
}

install_wine32() {
  local sim
  sim=$(mktemp)
  if ! dpkg --print-foreign-architectures | grep -qx i386; then
    "${sudo[@]}" dpkg --add-architecture i386
  fi
  # The i386 security index may fail to download (out of sync): apt-get update
  # then exits nonzero but the other indexes are fine.
  "${sudo[@]}" apt-get update -q || echo "install-deps: apt-get update reported errors (see above); going on"
  # 1. The plain way.
  "${sudo[@]}" apt-get -s install "${apt_opts[@]}" wine32:i386 >"$sim" 2>&1 || true
  if plan_ok "$sim"; then
    if "${sudo[@]}" apt-get install "${apt_opts[@]}" wine32:i386; then
      rm -f "$sim"
      return 0
    fi
  fi
  echo "install-deps: plain install of wine32:i386 not possible:"
  grep -E '^(E:| )' "$sim" | head -n 20 | sed 's/^/    /'
  # 2. From bookworm, pinning each Multi-Arch library apt cannot pair to
  # bookworm's version on both architectures, until the plan resolves.
  local pins=() round lib ver
  for round in 1 2 3 4 5 6 7 8 9 10 11 12; do
    "${sudo[@]}" apt-get -s install "${apt_opts[@]}" -t bookworm --allow-downgrades \
      wine32:i386 "${pins[@]}" >"$sim" 2>&1 || true
    if plan_ok "$sim"; then
      echo "install-deps: wine32 from bookworm, pinned: ${pins[*]:-(none)}"
      grep -E '^[0-9]+ upgraded' "$sim" | sed 's/^/    /' || true
      if "${sudo[@]}" apt-get install "${apt_opts[@]}" -t bookworm --allow-downgrades \
        wine32:i386 "${pins[@]}"; then
        rm -f "$sim"
        return 0
      fi
      break
    fi
    local new=0 pkg
    # A package the plan removes because it wants the exact (newer) version of a
    # library pinned above (libpcre2-dev -> libpcre2-8-0, and with it
    # libcriterion-dev): downgrade it to bookworm's version too, never remove it.
    while read -r pkg; do
      ver=$(apt-cache madison "$pkg" |
        awk -F'|' '$3 ~ / bookworm\/main amd64/ {gsub(/ /, "", $2); print $2; exit}')
      [[ -n "$ver" ]] || continue
      [[ " ${pins[*]} " == *" $pkg=$ver "* ]] && continue
      pins+=("$pkg=$ver")
      new=1
    done < <(grep '^Remv ' "$sim" | cut -d' ' -f2)
    if grep -q '^Remv ' "$sim" && ((new == 0)); then
      wine32_fail "apt's plan for wine32 removes packages: $(grep '^Remv ' "$sim" | cut -d' ' -f2 | tr '\n' ' ')"
      rm -f "$sim"
      return 1
    fi
    # "Depends: libfoo (= V) but W is to be installed": the same family, pinned to V.
    while read -r pkg ver; do
      [[ " ${pins[*]} " == *" $pkg=$ver "* ]] && continue
      pins+=("$pkg=$ver")
      new=1
    done < <(grep -oE 'Depends: [^ ]+ \(= [^)]+\) but [^ ]+ is to be installed' "$sim" |
      sed -E 's/Depends: ([^ ]+) \(= ([^)]+)\).*/\1 \2/' | sort -u)
    # "Depends: libfoo:i386 (>= 1) but it is not going to be installed"
    while read -r lib; do
      ver=$(apt-cache madison "$lib:i386" |
        awk -F'|' '$3 ~ / bookworm\/main i386/ {gsub(/ /, "", $2); print $2; exit}')
      [[ -n "$ver" ]] || continue
      [[ " ${pins[*]} " == *" $lib:i386=$ver "* ]] && continue
      pins+=("$lib:amd64=$ver" "$lib:i386=$ver")
      new=1
    done < <(grep -oE '[a-z0-9][a-z0-9.+-]*:i386 \([^)]*\) but it is not going to be installed|[a-z0-9][a-z0-9.+-]*:i386 but it is not going to be installed' "$sim" |
      sed 's/:i386.*//' | sort -u)
    if ((new == 0)); then
      break
    fi
  done
  wine32_fail "apt found no plan without removals; last errors: $(grep -E '^(E:| )' "$sim" | head -n 5 | tr -s ' \n' ' ')"
  rm -f "$sim"
  return 1
}

if wine32_installed; then
  echo "install-deps: wine32 present (32-bit Windows lane)"
  rm -f "$WINE32_MISSING" 2>/dev/null || true
elif ((check_only)); then
  echo "install-deps: missing: wine32:i386 (32-bit Windows lane)"
  exit 1
else
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null; then
      sudo=(sudo)
    else
      wine32_fail "not root and no sudo"
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  if [[ $(id -u) -eq 0 || ${#sudo[@]} -gt 0 ]] && install_wine32 && wine32_installed; then
    echo "install-deps: wine32 installed"
    rm -f "$WINE32_MISSING" 2>/dev/null || true
  fi
fi

if command -v dotnet >/dev/null; then
  echo "install-deps: dotnet $(DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet --version 2>/dev/null || echo '?') present (sample profiler end-to-end test)"
else
  echo "install-deps: dotnet not found: the sample profiler's end-to-end test will be skipped"
fi
