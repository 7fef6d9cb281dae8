# SPDX-License-Identifier: MIT
# Cross build for 32-bit Windows (i686) with clang and mingw-w64 (native TLS;
# see clang-mingw-common.cmake), tests run under Wine (wine32).
#   cmake -S . -B build/clang-mingw32 -G Ninja --toolchain cmake/toolchains/clang-mingw32.cmake
set(ILHEAP_MINGW_TRIPLE i686-w64-mingw32)
include(${CMAKE_CURRENT_LIST_DIR}/clang-mingw-common.cmake)
