# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# Builds and runs the consumer against an installed portguard through
# pkg-config alone: no CMake on the consumer's side. The consumer picks its
# own language standard (-std=c++20 before pkg-config's flags, as users
# write it), so Cflags must not name one; nor may a flag come twice.
#
#   cmake -DPREFIX=<install prefix> -DSOURCE=<main.cpp> -DWORK_DIR=<dir>
#         -DCXX=<compiler> -DVERSION=<expected> -P pkg_config.cmake

cmake_minimum_required(VERSION 3.16)
find_program(PKG_CONFIG pkg-config REQUIRED)
set(ENV{PKG_CONFIG_PATH} "${PREFIX}/share/pkgconfig")

function(pkg_config out)
  execute_process(COMMAND ${PKG_CONFIG} ${ARGN} portguard
    OUTPUT_VARIABLE value OUTPUT_STRIP_TRAILING_WHITESPACE
    ERROR_VARIABLE error RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "pkg-config ${ARGN} portguard failed: ${error}")
  endif()
  message(STATUS "pkg-config ${ARGN}: ${value}")
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

pkg_config(modversion --modversion)
if(NOT modversion STREQUAL VERSION)
  message(FATAL_ERROR "portguard.pc says version ${modversion}, expected ${VERSION}")
endif()

# The include directory must be the one we installed into, wherever that is.
pkg_config(includedir --variable=includedir)
file(REAL_PATH "${includedir}" includedir)
file(REAL_PATH "${PREFIX}/include" expected)
if(NOT includedir STREQUAL expected OR NOT EXISTS "${includedir}/portguard/portguard.hpp")
  message(FATAL_ERROR "portguard.pc points at ${includedir}, expected ${expected}")
endif()

pkg_config(cflags --cflags)
pkg_config(libs --libs)
if(cflags MATCHES "-std=")
  message(FATAL_ERROR "portguard.pc's Cflags force a language standard: ${cflags}")
endif()
pkg_config(both --cflags --libs)
separate_arguments(cflags UNIX_COMMAND "${cflags}")
separate_arguments(libs UNIX_COMMAND "${libs}")
separate_arguments(both UNIX_COMMAND "${both}")
set(seen)
foreach(flag IN LISTS both)
  if(flag IN_LIST seen)
    message(FATAL_ERROR "pkg-config --cflags --libs portguard repeats ${flag}")
  endif()
  list(APPEND seen ${flag})
endforeach()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
execute_process(COMMAND ${CXX} -std=c++20 ${cflags} "${SOURCE}" -o "${WORK_DIR}/consumer" ${libs}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "compiling with pkg-config's flags failed")
endif()
execute_process(COMMAND "${WORK_DIR}/consumer" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the consumer built with pkg-config's flags failed")
endif()
