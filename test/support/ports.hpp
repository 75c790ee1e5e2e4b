//
// test/support/ports.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#ifndef PORTGUARD_TEST_SUPPORT_PORTS_HPP
#define PORTGUARD_TEST_SUPPORT_PORTS_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/platform.hpp>

namespace pg_test {

/// A TCP port that was free a moment ago on 127.0.0.1 (bound to port 0,
/// closed) and on both wildcards, 0.0.0.0 and [::] (where the host has
/// IPv6): a port-0 bind on one family may be given a port that another
/// program's socket, or TIME_WAIT, holds on the other.
unsigned short unused_tcp_port();

/// Whether a plain, option-less TCP bind to 127.0.0.1:port succeeds now,
/// i.e. nothing holds the port.
bool tcp_port_is_free(unsigned short port);

/// The wildcard address of IPv6 (`v6`) or of IPv4.
portguard::net::ip::address wildcard_address(bool v6);

/// The loopback address of IPv6 (`v6`) or of IPv4.
portguard::net::ip::address loopback_address(bool v6);

/// The raw OS handle of a socket (Asio's native_handle_type is a class on
/// Windows, one per protocol).
using raw_socket = portguard::detail::native_socket;

template <typename Socket>
raw_socket raw_handle(Socket& s)
{
  return static_cast<raw_socket>(s.native_handle());
}

} // namespace pg_test

#endif
