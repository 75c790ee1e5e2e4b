//
// portguard/detail/config.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Picks the Asio backend once for the whole library: Boost.Asio by default,
// standalone Asio when PORTGUARD_STANDALONE_ASIO is defined. Everything else
// in portguard names `net::`, `error_code` and `system_error` from here,
// and the flavour's macros through PORTGUARD_ aliases (the completion token
// constraint of asynchronous operations, the Asio version number).
//
#ifndef PORTGUARD_DETAIL_CONFIG_HPP
#define PORTGUARD_DETAIL_CONFIG_HPP

#if defined(PORTGUARD_STANDALONE_ASIO)
#  include <asio/any_io_executor.hpp>
#  include <asio/basic_datagram_socket.hpp>
#  include <asio/basic_socket_acceptor.hpp>
#  include <asio/error.hpp>
#  include <asio/ip/tcp.hpp>
#  include <asio/ip/udp.hpp>
#  include <asio/socket_base.hpp>
#  include <asio/version.hpp>
#  include <system_error>
#  define PORTGUARD_BACKEND_NAMESPACE standalone_asio
#  define PORTGUARD_SYNC_OP_VOID ASIO_SYNC_OP_VOID
#  define PORTGUARD_SYNC_OP_VOID_RETURN(e) ASIO_SYNC_OP_VOID_RETURN(e)
#  define PORTGUARD_COMPLETION_TOKEN_FOR(sig) ASIO_COMPLETION_TOKEN_FOR(sig)
#  define PORTGUARD_ASIO_VERSION ASIO_VERSION
#else
#  include <boost/asio/any_io_executor.hpp>
#  include <boost/asio/basic_datagram_socket.hpp>
#  include <boost/asio/basic_socket_acceptor.hpp>
#  include <boost/asio/error.hpp>
#  include <boost/asio/ip/tcp.hpp>
#  include <boost/asio/ip/udp.hpp>
#  include <boost/asio/socket_base.hpp>
#  include <boost/asio/version.hpp>
#  include <boost/system/error_code.hpp>
#  include <boost/system/system_error.hpp>
#  define PORTGUARD_BACKEND_NAMESPACE boost_asio
#  define PORTGUARD_SYNC_OP_VOID BOOST_ASIO_SYNC_OP_VOID
#  define PORTGUARD_SYNC_OP_VOID_RETURN(e) BOOST_ASIO_SYNC_OP_VOID_RETURN(e)
#  define PORTGUARD_COMPLETION_TOKEN_FOR(sig) BOOST_ASIO_COMPLETION_TOKEN_FOR(sig)
#  define PORTGUARD_ASIO_VERSION BOOST_ASIO_VERSION
#endif

// Header-only by default: every function is defined in the headers.
// With PORTGUARD_SEPARATE_COMPILATION defined (for every translation unit of
// the program), the headers declare the non-template functions that read
// the socket table, and one translation unit that includes
// <portguard/impl/src.hpp> defines them, as Asio's ASIO_SEPARATE_COMPILATION
// and asio/impl/src.hpp do. PORTGUARD_DECL marks those functions.
#if defined(PORTGUARD_SEPARATE_COMPILATION)
#  define PORTGUARD_DECL
#else
#  define PORTGUARD_HEADER_ONLY 1
#  define PORTGUARD_DECL inline
#endif

/// Opens portguard's namespace. The inline namespace differs per backend, so
/// a program may use the Boost and the standalone flavour side by side
/// without an ODR clash.
#define PORTGUARD_NAMESPACE_BEGIN                                            \
  namespace portguard {                                                      \
  inline namespace PORTGUARD_BACKEND_NAMESPACE {
#define PORTGUARD_NAMESPACE_END                                              \
  }                                                                          \
  }

PORTGUARD_NAMESPACE_BEGIN

#if defined(PORTGUARD_STANDALONE_ASIO)
namespace net = ::asio;
using error_code = std::error_code;
using error_category = std::error_category;
using system_error = std::system_error;
#else
// `net`: the Asio flavour portguard was built against (`boost::asio`, or
// standalone `asio`); explained on the reference's main page, since Doxygen
// would give this comment to the next name.
namespace net = ::boost::asio;
/// The error code type of the Asio flavour: `boost::system::error_code`
/// (`std::error_code` with standalone Asio).
using error_code = ::boost::system::error_code;
/// The error category base of that flavour.
using error_category = ::boost::system::error_category;
/// The exception the throwing overloads raise.
using system_error = ::boost::system::system_error;
#endif

namespace detail {

/// Throws `system_error(ec, what)` when `ec` holds an error, as Asio does.
inline void throw_if(const error_code& ec, const char* what)
{
  if (ec)
    throw system_error(ec, what);
}

} // namespace detail

PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_CONFIG_HPP
