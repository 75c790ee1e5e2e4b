# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# Compiles other_flavour.cpp (syntax only) with SOCKETS' Asio and FLAVOUR's
# portguard. EXPECT=fail: the compiler must refuse, and every one of the
# file's calls must meet the static_assert naming the right macro, and
# nothing else; EXPECT=pass: it must compile.
set(calls 11) # the numbered calls in other_flavour.cpp
string(REPLACE "|" ";" INCLUDES "${INCLUDES}")
set(args -std=c++17 -fsyntax-only)
foreach(dir IN LISTS INCLUDES)
  list(APPEND args -I${dir})
endforeach()
if(SOCKETS STREQUAL "standalone")
  list(APPEND args -DSOCKETS_STANDALONE)
  set(text "this is a standalone Asio socket: define PORTGUARD_STANDALONE_ASIO before including portguard")
else()
  set(text "this is a Boost.Asio socket: include portguard without PORTGUARD_STANDALONE_ASIO")
endif()
if(FLAVOUR STREQUAL "standalone")
  list(APPEND args -DPORTGUARD_STANDALONE_ASIO)
endif()
execute_process(COMMAND ${COMPILER} ${args} ${SOURCE}
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(EXPECT STREQUAL "pass")
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "control: expected to compile, got:\n${out}")
  endif()
  message(STATUS "control: compiles")
  return()
endif()
if(status EQUAL 0)
  message(FATAL_ERROR "expected a compile error: the other flavour's socket was accepted")
endif()
string(REGEX MATCHALL "error: [^\n]*this is a [^\n]*" asserts "${out}")
list(LENGTH asserts count)
string(REGEX MATCHALL "error: [^\n]*" errors "${out}")
list(LENGTH errors error_count)
string(FIND "${out}" "${text}" found)
if(found EQUAL -1 OR NOT count EQUAL calls OR NOT error_count EQUAL calls)
  message(FATAL_ERROR "expected ${calls} static_asserts saying \"${text}\" and no other "
    "error; got ${count} static_asserts among ${error_count} errors:\n${out}")
endif()
message(STATUS "${count} calls refused: ${text}")
