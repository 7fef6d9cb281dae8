# SPDX-License-Identifier: MIT
# Tests of a Windows build run under Wine (the mingw toolchains set
# CMAKE_CROSSCOMPILING_EMULATOR to scripts/wine-run.sh). Each directory that
# adds tests calls ilheap_wine_fixtures() after its add_test calls: every test
# of the directory then requires
#   wine      wine_setup starts a persistent wineserver and makes the prefix, with
#             output detached; wine_cleanup stops it (wineserver -k);
#   wine_ran  wine_canary proved that a program of this build's bitness really
#             ran (tests/wine/canary.c: without wine32 a 32-bit program exits 0
#             having run nothing, and every test would "pass").
# and a timeout that ends a Wine hang in a minute or two, not ctest's default.
if(WIN32 AND CMAKE_CROSSCOMPILING AND CMAKE_CROSSCOMPILING_EMULATOR)
  set(ILHEAP_UNDER_WINE ON)
else()
  set(ILHEAP_UNDER_WINE OFF)
endif()
set(ILHEAP_WINE_TEST_TIMEOUT 120 CACHE STRING "Timeout (s) of each test under Wine")

function(ilheap_wine_fixtures)
  if(NOT ILHEAP_UNDER_WINE)
    return()
  endif()
  get_property(tests DIRECTORY PROPERTY TESTS)
  foreach(t IN LISTS tests)
    if(t MATCHES "^wine_(setup|cleanup|canary)$")
      continue()
    endif()
    get_test_property(${t} TIMEOUT timeout)
    get_test_property(${t} LABELS labels)
    if(labels MATCHES "consumer")
      # They build the library again before running anything: their own timeout.
    elseif(NOT timeout OR timeout GREATER ILHEAP_WINE_TEST_TIMEOUT)
      set(timeout ${ILHEAP_WINE_TEST_TIMEOUT})
    endif()
    set_tests_properties(${t} PROPERTIES FIXTURES_REQUIRED "wine;wine_ran" TIMEOUT ${timeout})
  endforeach()
endfunction()

# The test programs, fuzz drivers, demo and benchmarks use POSIX threads. On
# Windows that is mingw-w64's winpthreads, linked statically into them (the
# toolchains link executables with -static); the library itself uses none
# (src/os/windows.c: SRWLOCK, InitOnce), so it does not link this.
if(WIN32 AND NOT TARGET Threads::Threads)
  add_library(Threads::Threads INTERFACE IMPORTED)
  set_target_properties(Threads::Threads PROPERTIES INTERFACE_LINK_LIBRARIES pthread)
endif()

# mingw-w64's own printf family for the test programs, fuzz drivers and demo:
# msvcrt's has no %zu / %jd, which the tests print with.
if(MINGW)
  add_compile_definitions(__USE_MINGW_ANSI_STDIO=1)
endif()
