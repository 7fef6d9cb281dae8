# SPDX-License-Identifier: MIT
# Drives one consumer test: cmake -D... -P run.cmake
#   STEP        install | subdirectory | package | pkgconfig | iids
#   VARIANT     static | shared
#   SOURCE_DIR  the ilheap source tree
#   WORK        a scratch directory for this test (wiped first)
#   PREFIX      install prefix shared by install, package and pkgconfig
#   GENERATOR, C_COMPILER, C_FLAGS, PKG_CONFIG: as the enclosing build has them
#   CXX_COMPILER, CXX_FLAGS: for the iids step (C++ sources, iids/CMakeLists.txt)
#   SYSTEM_NAME, EMULATOR (cross builds): CMAKE_SYSTEM_NAME, and the command that
#               runs a program built for it ("|"-separated, e.g. Wine's)
cmake_minimum_required(VERSION 3.16)

foreach(v STEP VARIANT SOURCE_DIR WORK PREFIX GENERATOR C_COMPILER)
  if(NOT DEFINED ${v} OR "${${v}}" STREQUAL "")
    message(FATAL_ERROR "run.cmake: ${v} is not set")
  endif()
endforeach()
if(VARIANT STREQUAL "shared")
  set(shared ON)
else()
  set(shared OFF)
endif()
set(app ${CMAKE_CURRENT_LIST_DIR}/app)

function(run)
  string(REPLACE ";" " " shown "${ARGN}")
  message(STATUS "run: ${shown}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${shown}")
  endif()
endfunction()

set(common -G ${GENERATOR} -DCMAKE_C_COMPILER=${C_COMPILER} "-DCMAKE_C_FLAGS=${C_FLAGS}"
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_SHARED_LIBS=${shared})
set(emulator "")
set(windows OFF)
set(exe "")
if(DEFINED SYSTEM_NAME AND NOT SYSTEM_NAME STREQUAL "")
  list(APPEND common -DCMAKE_SYSTEM_NAME=${SYSTEM_NAME})
  if(DEFINED EMULATOR)
    string(REPLACE "|" ";" emulator "${EMULATOR}")
  endif()
  if(SYSTEM_NAME STREQUAL "Windows")
    set(windows ON)
    set(exe .exe)
  endif()
endif()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

if(STEP STREQUAL "install")
  # Build the library alone, as a packager would, and install it.
  file(REMOVE_RECURSE ${PREFIX})
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK}/build ${common}
      -DILHEAP_BUILD_TESTS=OFF -DILHEAP_BUILD_FUZZ=OFF -DILHEAP_BUILD_EXAMPLES=OFF
      -DILHEAP_BUILD_BENCH=OFF -DCMAKE_INSTALL_PREFIX=${PREFIX})
  run(${CMAKE_COMMAND} --build ${WORK}/build -j 2)
  run(${CMAKE_COMMAND} --install ${WORK}/build)
  file(GLOB_RECURSE installed RELATIVE ${PREFIX} ${PREFIX}/*)
  list(SORT installed)
  string(REPLACE ";" "\n  " listing "${installed}")
  message(STATUS "installed into ${PREFIX}:\n  ${listing}")
  foreach(want include/ilheap.h include/ilheap_com.h ilheapConfig.cmake ilheapConfigVersion.cmake
          ilheapTargets.cmake ilheap.pc)
    if(NOT installed MATCHES "(^|;)([^;]*/)?${want}(;|$)")
      message(FATAL_ERROR "not installed: ${want}")
    endif()
  endforeach()
  if(windows AND shared AND NOT (installed MATCHES "bin/libilheap\\.dll(;|$)" AND
                                 installed MATCHES "libilheap\\.dll\\.a(;|$)"))
    message(FATAL_ERROR "shared variant installed no libilheap.dll with its import library")
  elseif(NOT windows AND shared AND NOT installed MATCHES "libilheap\\.so")
    message(FATAL_ERROR "shared variant installed no libilheap.so")
  endif()
  if(NOT shared AND NOT installed MATCHES "libilheap\\.a")
    message(FATAL_ERROR "static variant installed no libilheap.a")
  endif()

elseif(STEP STREQUAL "subdirectory")
  run(${CMAKE_COMMAND} -S ${app} -B ${WORK}/build ${common}
      -DILHEAP_CONSUMER_MODE=subdirectory -DILHEAP_SOURCE_DIR=${SOURCE_DIR})
  run(${CMAKE_COMMAND} --build ${WORK}/build -j 2)
  run(${emulator} ${WORK}/build/consumer${exe} ${VARIANT})

elseif(STEP STREQUAL "package")
  run(${CMAKE_COMMAND} -S ${app} -B ${WORK}/build ${common}
      -DILHEAP_CONSUMER_MODE=package -DCMAKE_PREFIX_PATH=${PREFIX})
  run(${CMAKE_COMMAND} --build ${WORK}/build -j 2)
  run(${emulator} ${WORK}/build/consumer${exe} ${VARIANT})

elseif(STEP STREQUAL "pkgconfig")
  # No CMake on the consumer's side: the compiler driven by pkg-config's answers.
  file(GLOB pcdirs ${PREFIX}/lib*/pkgconfig ${PREFIX}/lib/*/pkgconfig)
  if(NOT pcdirs)
    message(FATAL_ERROR "no pkgconfig directory under ${PREFIX}")
  endif()
  list(GET pcdirs 0 pcdir)
  get_filename_component(libdir ${pcdir} DIRECTORY)
  set(ENV{PKG_CONFIG_PATH} ${pcdir})
  if(shared)
    set(static_flag "")
  else()
    set(static_flag --static)
  endif()
  foreach(what cflags libs)
    execute_process(COMMAND ${PKG_CONFIG} ${static_flag} --${what} ilheap
                    OUTPUT_VARIABLE out OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "pkg-config --${what} ilheap failed")
    endif()
    message(STATUS "pkg-config ${static_flag} --${what} ilheap: ${out}")
    separate_arguments(pc_${what} UNIX_COMMAND "${out}")
  endforeach()
  separate_arguments(cflags UNIX_COMMAND "${C_FLAGS}")
  if(windows)
    set(dl "")
    if(shared) # no rpath on Windows: the DLL goes beside the program
      file(COPY ${PREFIX}/bin/libilheap.dll DESTINATION ${WORK})
    endif()
  else()
    set(dl -ldl)
  endif()
  run(${C_COMPILER} ${cflags} -std=c11 -Wall -Wextra -Werror ${pc_cflags} ${app}/consumer.c
      ${pc_libs} ${dl} -o ${WORK}/consumer${exe})
  set(ENV{LD_LIBRARY_PATH} ${libdir})
  run(${emulator} ${WORK}/consumer${exe} ${VARIANT})

elseif(STEP STREQUAL "iids")
  # A profiler's own IID definitions beside the library's (iids/CMakeLists.txt).
  if(NOT DEFINED CXX_COMPILER OR CXX_COMPILER STREQUAL "")
    message(FATAL_ERROR "run.cmake: the iids step needs CXX_COMPILER")
  endif()
  run(${CMAKE_COMMAND} -S ${CMAKE_CURRENT_LIST_DIR}/iids -B ${WORK}/build ${common}
      -DCMAKE_CXX_COMPILER=${CXX_COMPILER} "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
      -DILHEAP_SOURCE_DIR=${SOURCE_DIR})
  run(${CMAKE_COMMAND} --build ${WORK}/build -j 2)
  run(${emulator} ${WORK}/build/iids_corprof${exe})
  run(${emulator} ${WORK}/build/iids_own_unknown${exe})

else()
  message(FATAL_ERROR "run.cmake: unknown STEP ${STEP}")
endif()
