# SPDX-License-Identifier: MIT
# What clang-mingw64 and clang-mingw32 share: the mingw toolchain
# (mingw-common.cmake: Windows, Wine as the emulator, -static) with clang
# instead of GCC. Why: GCC 12 for mingw has no native thread-local storage
# (_Thread_local is emutls, a call to __emutls_get_address per access, which
# ilheap_alloc makes every time); clang for *-w64-windows-gnu uses Windows'
# own TLS (the TEB's slot array, no call). The compilers are links named after
# the triple to bin/clang-mingw, which adds the target and Debian's mingw GCC
# runtime (libgcc, libstdc++); the mingw binutils' ld links.
include(${CMAKE_CURRENT_LIST_DIR}/mingw-common.cmake)
set(CMAKE_C_COMPILER ${CMAKE_CURRENT_LIST_DIR}/bin/${ILHEAP_MINGW_TRIPLE}-clang)
set(CMAKE_CXX_COMPILER ${CMAKE_CURRENT_LIST_DIR}/bin/${ILHEAP_MINGW_TRIPLE}-clang++)
