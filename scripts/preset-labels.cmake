# SPDX-License-Identifier: MIT
# Prints the label filter (filter.include.label) of one test preset of
# CMakePresets.json, so that scripts/test.sh runs exactly the set a developer's
# `ctest --preset NAME` runs:
#   cmake -DPRESET=tsan -P scripts/preset-labels.cmake
cmake_minimum_required(VERSION 3.19) # string(JSON)
get_filename_component(root ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)
file(READ ${root}/CMakePresets.json json)
string(JSON count LENGTH "${json}" testPresets)
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  string(JSON name GET "${json}" testPresets ${i} name)
  if(name STREQUAL PRESET)
    string(JSON labels ERROR_VARIABLE err GET "${json}" testPresets ${i} filter include label)
    if(err)
      message(FATAL_ERROR "test preset ${PRESET} has no filter.include.label")
    endif()
    execute_process(COMMAND ${CMAKE_COMMAND} -E echo "${labels}")
    return()
  endif()
endforeach()
message(FATAL_ERROR "no test preset named ${PRESET} in CMakePresets.json")
