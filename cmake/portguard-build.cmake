# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# Settings for portguard's own builds: tests, examples, the probe and its
# fuzzer. Nothing here reaches the exported targets portguard::portguard and
# portguard::standalone, so a user never inherits these warnings or -Werror.
#
#   portguard_use_build_flags(<dir>)
#       gives every target defined in <dir> and its subdirectories the
#       interface target portguard_build_flags. The top-level CMakeLists.txt
#       calls it for src/, test/ and example/, so a new test, example or tool
#       there gets the flags without a line of its own.

option(PORTGUARD_WARNINGS_AS_ERRORS "Fail portguard's own builds on any compiler warning" ON)

# Warnings for GCC and Clang (the mingw-w64 GCC too). Asio's and Boost's
# headers come in as SYSTEM include folders (imported targets, or the
# compiler's own folders), so their warnings do not count.
add_library(portguard_build_flags INTERFACE)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(portguard_build_flags INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wnon-virtual-dtor
    $<$<BOOL:${PORTGUARD_WARNINGS_AS_ERRORS}>:-Werror>)
endif()
if(MINGW)
  # Static runtime: the executables run under Wine without DLLs beside them.
  target_link_options(portguard_build_flags INTERFACE -static)
endif()

function(portguard_use_build_flags dir)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY)$")
      # A private link dependency, whichever target_link_libraries signature
      # the target's own CMakeLists.txt used.
      set_property(TARGET ${target} APPEND PROPERTY LINK_LIBRARIES portguard_build_flags)
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdir IN LISTS subdirs)
    portguard_use_build_flags(${subdir})
  endforeach()
endfunction()
