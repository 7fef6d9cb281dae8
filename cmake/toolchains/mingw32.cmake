# SPDX-License-Identifier: MIT
# Cross build for 32-bit Windows (i686) with mingw-w64, tests run under Wine,
# which needs wine32 (i386 multiarch; scripts/install-deps.sh installs it).
#   cmake -S . -B build/mingw32 -G Ninja --toolchain cmake/toolchains/mingw32.cmake
# or: cmake --workflow --preset mingw32
set(ILHEAP_MINGW_TRIPLE i686-w64-mingw32)
include(${CMAKE_CURRENT_LIST_DIR}/mingw-common.cmake)
