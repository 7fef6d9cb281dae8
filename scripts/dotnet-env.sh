# SPDX-License-Identifier: MIT
# Sourced by the scripts that run .NET (e2e.sh, il-framework.sh, jitdiff.sh).
#
# ilheap_need_dotnet NAME: returns when dotnet is on PATH, with its first-run
# noise and telemetry off; otherwise the script ends: 77 (skipped), or 1 when
# ILHEAP_REQUIRE_DOTNET=1 (CI: a missing dotnet is a failure, not a skip).
ilheap_need_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    if [ "${ILHEAP_REQUIRE_DOTNET:-0}" = 1 ]; then
      printf '%s: FAIL: dotnet is not on PATH and ILHEAP_REQUIRE_DOTNET=1\n' "$1" >&2
      exit 1
    fi
    printf '%s: SKIPPED: dotnet is not on PATH (set ILHEAP_REQUIRE_DOTNET=1 to make this a failure)\n' "$1"
    exit 77
  fi
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
  export DOTNET_GENERATE_ASPNET_CERTIFICATE=false DOTNET_ADD_GLOBAL_TOOLS_TO_PATH=false
}
