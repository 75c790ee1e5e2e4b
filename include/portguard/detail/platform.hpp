//
// portguard/detail/platform.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The operating system underneath, chosen once: platform_win32.hpp or
// platform_posix.hpp hold its headers, constants, quirks and error
// classifiers; the raw socket calls common to both are declared here and
// defined in impl/platform.ipp (the POSIX ones in impl/platform_posix.ipp).
//
#ifndef PORTGUARD_DETAIL_PLATFORM_HPP
#define PORTGUARD_DETAIL_PLATFORM_HPP

#include <portguard/detail/config.hpp>
#include <portguard/error.hpp>

#if defined(_WIN32)
#  include <portguard/detail/platform_win32.hpp>
#else
#  include <portguard/detail/platform_posix.hpp>
#endif

#include <cstddef>
#include <cstdint>
#include <cstring>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

/// Whether (level, name) is SOL_SOCKET/SO_REUSEADDR.
constexpr bool is_reuse_address_option(int level, int name) noexcept
{
  return level == SOL_SOCKET && name == SO_REUSEADDR;
}

/// Writes a boolean option value into a getsockopt-style buffer of `size`
/// bytes, as the operating system would answer it (an int, or a single byte
/// for a one-byte buffer).
PORTGUARD_DECL void store_option_value(void* data, std::size_t size, bool on) noexcept;

PORTGUARD_DECL bool get_int_option(native_socket s, int level, int name, int& value,
    error_code& ec) noexcept;

PORTGUARD_DECL bool set_int_option(native_socket s, int level, int name, int value,
    error_code& ec) noexcept;

/// Whether SO_REUSEADDR is on (false if it cannot be read).
PORTGUARD_DECL bool reuse_address_is_set(native_socket s) noexcept;

/// The socket's type (SOCK_STREAM, SOCK_DGRAM, ...).
PORTGUARD_DECL int socket_type(native_socket s, error_code& ec) noexcept;

/// Reads the socket's local address; false where the platform gives none
/// (Windows fails getsockname on an unbound socket with WSAEINVAL).
PORTGUARD_DECL bool local_address(native_socket s, sockaddr_storage& address) noexcept;

/// The IPv4 address a v4-mapped IPv6 one is (the kernel binds it as that
/// address); any other address unchanged.
PORTGUARD_DECL net::ip::address unmapped(const net::ip::address& address) noexcept;

/// The address and port held in a socket address (unspecified for another
/// family).
PORTGUARD_DECL net::ip::address endpoint_address(const sockaddr_storage& address,
    unsigned short& port) noexcept;

/// Whether an IPv6 socket has IPV6_V6ONLY on (false if it cannot be read).
PORTGUARD_DECL bool is_v6_only(native_socket s) noexcept;

/// Whether the socket listens (SO_ACCEPTCONN; false if it cannot be read).
PORTGUARD_DECL bool is_listening(native_socket s) noexcept;

/// The socket's address family (AF_INET, AF_INET6), or 0 where the
/// platform cannot tell (Windows answers only for a bound socket).
PORTGUARD_DECL int socket_family(native_socket s) noexcept;

/// Whether the socket has a local port. An unbound socket answers false on
/// every platform (POSIX gives port 0).
PORTGUARD_DECL bool is_bound(native_socket s) noexcept;

/// Binds a new socket of `family`/`type` with no options to the address and
/// port, and closes it at once: true if the bind succeeded. `ec` holds the
/// bind's error otherwise (or the error of opening the socket).
PORTGUARD_DECL bool probe_bind(int family, int type, const net::ip::address& address,
    unsigned short port, error_code& ec) noexcept;

/// Closes a socket opened by open_private_socket().
PORTGUARD_DECL void close_private_socket(native_socket s) noexcept;

/// Whether a socket or bind error means the address family, or the
/// address, does not exist on this host (no IPv6, or no `::1`).
PORTGUARD_DECL bool is_missing_family(const error_code& ec) noexcept;

/// Sets IPV6_V6ONLY on an IPv6 socket.
PORTGUARD_DECL void set_v6_only(native_socket s, error_code& ec) noexcept;

/// Sets SO_REUSEADDR on or off.
PORTGUARD_DECL void set_reuse_address(native_socket s, bool on, error_code& ec) noexcept;

/// Whether a stream socket is connected (it has a peer).
PORTGUARD_DECL bool is_connected(native_socket s) noexcept;

} // namespace detail
PORTGUARD_NAMESPACE_END

#if defined(PORTGUARD_HEADER_ONLY) || defined(PORTGUARD_SOURCE)
#  if !defined(_WIN32)
#    include <portguard/detail/impl/platform_posix.ipp>
#  endif
#  include <portguard/detail/impl/platform.ipp>
#endif

#endif // PORTGUARD_DETAIL_PLATFORM_HPP
