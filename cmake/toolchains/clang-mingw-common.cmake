# What clang-mingw64 and clang-mingw32 share: the mingw toolchain
# (mingw-common.cmake: Windows, Wine as the emulator, -static) with clang
# instead of GCC. Why: GCC 12 for mingw has no native thread-local storage
# (_Thread_local is emutls, a call to __emutls_get_address per access, which
# ilheap_alloc makes every time); clang for *-w64-windows-gnu uses Windows'
# own TLS (the TEB's slot, no call). It uses mingw-w64's headers and libraries
# and Debian's mingw GCC runtime (libgcc: -L below), linked by the mingw
# binutils' ld.
include(${CMAKE_CURRENT_LIST_DIR}/mingw-common.cmake)
string(REPLACE "-mingw32" "-windows-gnu" _ilheap_clang_target "${ILHEAP_MINGW_TRIPLE}")
set(CMAKE_C_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET ${_ilheap_clang_target})
set(CMAKE_CXX_COMPILER clang++)
set(CMAKE_CXX_COMPILER_TARGET ${_ilheap_clang_target})
set(_ilheap_gcc_lib /usr/lib/gcc/${ILHEAP_MINGW_TRIPLE}/12-win32)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -L${_ilheap_gcc_lib}")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-L${_ilheap_gcc_lib}")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "-L${_ilheap_gcc_lib}")
unset(_ilheap_clang_target)
unset(_ilheap_gcc_lib)
