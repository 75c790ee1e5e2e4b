# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# Included right after project() by the mingw-w64 toolchain.
#
# A mingw build may use the host's header-only Boost, but must not see
# /usr/include (glibc and Linux headers there would shadow mingw's). So we
# make a folder in the build tree that holds only a `boost` symlink to the
# host's Boost headers, and offer it as the imported target Boost::headers,
# the name the project links against when Boost is found natively.

if(TARGET Boost::headers)
  return()
endif()

set(PORTGUARD_HOST_BOOST_DIR "/usr/include/boost" CACHE PATH
  "The host's Boost headers, made visible to the mingw build through a symlink")
if(NOT EXISTS "${PORTGUARD_HOST_BOOST_DIR}/version.hpp")
  message(FATAL_ERROR "Boost headers not found at ${PORTGUARD_HOST_BOOST_DIR} "
    "(install libboost1.81-dev or set PORTGUARD_HOST_BOOST_DIR)")
endif()

set(portguard_boost_only "${CMAKE_BINARY_DIR}/boost-only-include")
file(MAKE_DIRECTORY "${portguard_boost_only}")
file(CREATE_LINK "${PORTGUARD_HOST_BOOST_DIR}" "${portguard_boost_only}/boost" SYMBOLIC)

add_library(Boost::headers INTERFACE IMPORTED GLOBAL)
set_target_properties(Boost::headers PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${portguard_boost_only}")
