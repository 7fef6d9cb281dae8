# SPDX-License-Identifier: MIT
# Cross build for 64-bit Windows with clang and mingw-w64 (native TLS; see
# clang-mingw-common.cmake), tests run under Wine.
#   cmake -S . -B build/clang-mingw64 -G Ninja --toolchain cmake/toolchains/clang-mingw64.cmake
set(ILHEAP_MINGW_TRIPLE x86_64-w64-mingw32)
include(${CMAKE_CURRENT_LIST_DIR}/clang-mingw-common.cmake)
