# SPDX-License-Identifier: MIT
# The target of the end-to-end runs (ILHEAP_E2E_RID), for scripts/e2e.sh and
# scripts/e2e-rates.sh, which source this file and call e2e_target with $rid,
# $work and $repo set and a die function defined. It sets:
#   toolchain   cmake/toolchains/<toolchain>.cmake builds the profiler (empty:
#               the host's compiler)
#   runner      the command prefix that runs the target's programs (array)
#   target_env  VAR=VALUE assignments every run of the app gets (array)
#   host_path   a function: how a path of this machine is spelled for the
#               target's programs (the profiler's path, its report's)
# and, for Windows, starts a wineserver in $work/wineprefix for the caller's
# lifetime (stopped on exit).
e2e_target() {
  toolchain='' runner=() target_env=()
  host_path() { printf '%s' "$1"; }
  case $rid in
  '') ;;
  win-x64 | win-x86)
    toolchain=$([ "$rid" = win-x64 ] && echo mingw64 || echo mingw32)
    command -v wine >/dev/null 2>&1 ||
      die "wine is not on PATH (scripts/install-deps.sh installs it): $rid cannot run"
    prefix=$work/wineprefix
    if [ -n "${ILHEAP_E2E_RUNNER:-}" ]; then
      read -r -a runner <<<"$ILHEAP_E2E_RUNNER"
    else
      runner=("$repo/scripts/wine-run.sh" "$prefix")
    fi
    # A wineserver for the whole script, its output detached (scripts/wine-run.sh);
    # stopped at the end. win-x86 needs wine32 and a prefix made with it (the
    # first start of such a prefix takes ~20 s, later ones ~1 s).
    "$repo/scripts/wine-run.sh" "$prefix" --start $([ "$rid" = win-x86 ] && echo --need-wine32) ||
      die "cannot start Wine in $prefix"
    trap '"$repo/scripts/wine-run.sh" "$prefix" --stop' EXIT
    # Wine maps / to Z:.
    host_path() { printf 'Z:%s' "${1//\//\\}"; }
    # Wine's loader hands a .NET image (one with a COR header: the framework's
    # ReadyToRun assemblies) to its mscoree.dll, which wine-run.sh's default
    # override turns off (no Mono prompt in a new prefix): without it the runtime
    # cannot load System.Runtime.dll ("Module not found"). The runs keep it.
    # winedbg off: an unhandled exception ends the app with its code, no crash
    # dialog, no register dump.
    target_env=("WINEDLLOVERRIDES=mshtml=;winedbg.exe=d")
    # Wine 8 cannot release the W^X double mapping of a dynamic method's code: the
    # x64 runtime stops with "Internal CLR error" in DynamicResolver's finalizer,
    # with or without a profiler (seen on 10.0.12). Off, the app runs as on
    # Windows without W^X. The x86 runtime runs with its defaults.
    [ "$rid" = win-x64 ] && target_env+=(DOTNET_EnableWriteXorExecute=0)
    ;;
  linux-arm64)
    # Cross-built for aarch64, run under qemu-user (FACTS section 15): the
    # guest's page size is qemu's, 4 KiB unless QEMU_PAGESIZE (16384, 65536) is
    # set in the environment. No arm64 libicu here: globalization invariant.
    toolchain=aarch64-linux-gnu
    if [ -n "${ILHEAP_E2E_RUNNER:-}" ]; then
      read -r -a runner <<<"$ILHEAP_E2E_RUNNER"
    else
      command -v qemu-aarch64-static >/dev/null 2>&1 ||
        die "qemu-aarch64-static is not on PATH (scripts/install-deps.sh installs it): $rid cannot run"
      # -R: the guest gets 512 GiB of its own (a 39-bit user space, as arm64
      # kernels with 4 KiB pages often have), where qemu places mappings
      # top-down like the kernel. Without it qemu places them bottom-up from
      # 0x5500000000 and then wherever the host's mmap finds room, between its
      # own host mappings: assemblies landed under windows with no free page.
      runner=(qemu-aarch64-static -L /usr/aarch64-linux-gnu -R 0x8000000000)
    fi
    target_env=(DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1)
    ;;
  *) die "ILHEAP_E2E_RID=$rid: unknown target (known: win-x64, win-x86, linux-arm64)" ;;
  esac
  return 0
}
