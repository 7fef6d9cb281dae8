# SPDX-License-Identifier: MIT
# Links tests/consumer/iids/main.c three ways and runs each program (see
# CMakeLists.txt here). Variables: CXX, LINK_FLAGS and EMULATOR ("|"-separated),
# WORK, LIB (libilheap.a), MAIN, CORPROF, OWN_UNKNOWN (object files).
cmake_minimum_required(VERSION 3.16)
foreach(v CXX WORK LIB MAIN CORPROF OWN_UNKNOWN)
  if(NOT DEFINED ${v} OR "${${v}}" STREQUAL "")
    message(FATAL_ERROR "links.cmake: ${v} is not set")
  endif()
endforeach()
string(REPLACE "|" ";" LINK_FLAGS "${LINK_FLAGS}")
string(REPLACE "|" ";" EMULATOR "${EMULATOR}")
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(failed "")
# link NAME ARGS...: links ${WORK}/NAME from ARGS (in that order) and runs it.
function(link name)
  set(exe ${WORK}/${name}.exe)
  string(REPLACE ";" " " shown "${ARGN}")
  execute_process(COMMAND ${CXX} ${MAIN} ${ARGN} ${LINK_FLAGS} -o ${exe}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(STATUS "${name}: FAILED to link (${shown}):\n${out}")
    set(failed "${failed} ${name}" PARENT_SCOPE)
    return()
  endif()
  execute_process(COMMAND ${EMULATOR} ${exe} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(STATUS "${name}: linked, then FAILED (${rc}):\n${out}")
    set(failed "${failed} ${name}" PARENT_SCOPE)
    return()
  endif()
  message(STATUS "${name}: ok (${shown})")
endfunction()

link(corprof_then_library ${CORPROF} ${LIB})
link(library_then_corprof ${LIB} ${CORPROF})
link(whole_archive_own_unknown ${CORPROF} ${OWN_UNKNOWN}
     -Wl,--whole-archive ${LIB} -Wl,--no-whole-archive)
link(own_unknown_whole_archive -Wl,--whole-archive ${LIB} -Wl,--no-whole-archive
     ${CORPROF} ${OWN_UNKNOWN})
if(NOT failed STREQUAL "")
  message(FATAL_ERROR "IID links failed:${failed}")
endif()
