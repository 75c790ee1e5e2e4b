# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# The web frameworks of example/restinio_hello, example/websocketpp_hello and
# docs/frameworks.md, found once for the examples, their tests and the
# compiled snippets of docs/frameworks.md. Sets, in the including scope:
#
#   PORTGUARD_HAVE_RESTINIO      RESTinio's target restinio::restinio (it
#                                uses standalone Asio: link portguard::standalone)
#   PORTGUARD_HAVE_WEBSOCKETPP   websocketpp's target websocketpp::websocketpp
#                                (on Boost.Asio: link portguard::portguard)
#
# Each is OFF, with a message saying why, where the framework is missing:
# Debian's librestinio-dev and libwebsocketpp-dev (scripts/install-deps.sh)
# are for the host, so a cross build has neither.
set(PORTGUARD_HAVE_RESTINIO OFF)
set(PORTGUARD_HAVE_WEBSOCKETPP OFF)
if(CMAKE_CROSSCOMPILING)
  message(STATUS "portguard: RESTinio and websocketpp parts skipped: none for this "
    "cross-compiled target")
  return()
endif()

# RESTinio's package names fmt::fmt and http_parser without finding them.
find_package(fmt CONFIG QUIET)
if(fmt_FOUND)
  find_package(restinio CONFIG QUIET)
endif()
if(NOT restinio_FOUND OR NOT TARGET restinio::restinio)
  message(STATUS "portguard: RESTinio parts skipped: RESTinio not found "
    "(Debian: librestinio-dev, which brings libfmt-dev and libhttp-parser-dev)")
elseif(CMAKE_CXX_FLAGS MATCHES "(^| )-DASIO_NO_DEPRECATED")
  # RESTinio 0.6 calls asio::buffer_cast, socket_base::max_connections and
  # address::from_string.
  message(STATUS "portguard: RESTinio parts skipped: RESTinio 0.6 needs standalone "
    "Asio's deprecated names, and ASIO_NO_DEPRECATED is defined")
else()
  set(PORTGUARD_HAVE_RESTINIO ON)
endif()

find_package(websocketpp CONFIG QUIET)
find_package(Threads QUIET)
if(NOT websocketpp_FOUND OR NOT TARGET websocketpp::websocketpp OR NOT Threads_FOUND)
  message(STATUS "portguard: websocketpp parts skipped: websocketpp not found "
    "(Debian: libwebsocketpp-dev)")
elseif(CMAKE_CXX_FLAGS MATCHES "(^| )-DBOOST_ASIO_NO_DEPRECATED")
  # websocketpp 0.8 is written against io_service and io_service::work.
  message(STATUS "portguard: websocketpp parts skipped: websocketpp 0.8 needs Asio's "
    "deprecated io_service, and BOOST_ASIO_NO_DEPRECATED is defined")
else()
  set(PORTGUARD_HAVE_WEBSOCKETPP ON)
endif()
