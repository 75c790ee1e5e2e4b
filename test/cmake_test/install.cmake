# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# Installs a portguard build tree into a fresh prefix, as a user would:
#   cmake -DBUILD_DIR=<build tree> -DPREFIX=<prefix> [-DPROBE=ON] -P install.cmake
# With PROBE=ON the installed bin/portguard-probe must run (--version).
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install ${BUILD_DIR} --prefix ${PREFIX} failed")
endif()
foreach(file include/portguard/portguard.hpp
             share/portguard/cmake/portguard-config.cmake
             share/portguard/cmake/portguard-config-version.cmake
             share/portguard/cmake/portguard-targets.cmake
             share/pkgconfig/portguard.pc
             share/doc/portguard/LICENSE)
  if(NOT EXISTS "${PREFIX}/${file}")
    message(FATAL_ERROR "cmake --install did not install ${file}")
  endif()
endforeach()
if(PROBE)
  execute_process(COMMAND "${PREFIX}/bin/portguard-probe" --version
    RESULT_VARIABLE rc OUTPUT_VARIABLE version OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "the installed portguard-probe did not run: ${rc}")
  endif()
  message(STATUS "installed: ${version}")
endif()
