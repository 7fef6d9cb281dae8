# SPDX-License-Identifier: MIT
# Cross build for 64-bit Windows with mingw-w64 (Debian: mingw-w64), tests run
# under Wine (see cmake/toolchains/mingw-common.cmake).
#   cmake -S . -B build/mingw64 -G Ninja --toolchain cmake/toolchains/mingw64.cmake
# or: cmake --workflow --preset mingw64
set(ILHEAP_MINGW_TRIPLE x86_64-w64-mingw32)
include(${CMAKE_CURRENT_LIST_DIR}/mingw-common.cmake)
