# SPDX-License-Identifier: MIT
# What the mingw64 and mingw32 toolchain files share. ILHEAP_MINGW_TRIPLE is set
# by the file that includes this one.
#
# The compilers are Debian's mingw-w64 GCC 12, -win32 thread model (the library
# needs no winpthreads DLL; C++ has no std::thread there). Executables are linked statically
# (-static: libgcc, libstdc++ and, for the tests' pthreads, winpthreads), so that
# Wine needs no mingw DLL on its path.
#
# CTest runs every test executable under Wine through
# CMAKE_CROSSCOMPILING_EMULATOR: scripts/wine-run.sh with this build's own
# WINEPREFIX (<build>/wineprefix, made fresh on first use; a prefix made before
# wine32 was installed cannot run 32-bit programs). cmake/wine.cmake adds the
# fixtures that start and stop the Wine server around the tests.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR ${ILHEAP_MINGW_TRIPLE})
string(REGEX REPLACE "-.*" "" CMAKE_SYSTEM_PROCESSOR "${ILHEAP_MINGW_TRIPLE}")

set(CMAKE_C_COMPILER ${ILHEAP_MINGW_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${ILHEAP_MINGW_TRIPLE}-g++)
set(CMAKE_RC_COMPILER ${ILHEAP_MINGW_TRIPLE}-windres)

set(CMAKE_FIND_ROOT_PATH /usr/${ILHEAP_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")

get_filename_component(_ilheap_root "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
set(CMAKE_CROSSCOMPILING_EMULATOR ${_ilheap_root}/scripts/wine-run.sh ${CMAKE_BINARY_DIR}/wineprefix)
unset(_ilheap_root)
