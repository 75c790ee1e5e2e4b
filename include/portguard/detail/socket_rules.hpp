//
// portguard/detail/socket_rules.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The bridge from a live socket to portguard::rules: the socket as the
// rules table sees a defender, and what the table says of its options.
//
#ifndef PORTGUARD_DETAIL_SOCKET_RULES_HPP
#define PORTGUARD_DETAIL_SOCKET_RULES_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/port_rules.hpp>

#include <cstddef>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

/// The socket as portguard::rules sees a defender: its protocol, whether it
/// listens, whether its address is a wildcard (an unbound socket counts as
/// one), and the sharing options it has on. A handful of getsockopt calls
/// and one getsockname.
PORTGUARD_DECL rules::defender rules_defender(native_socket s, error_code& ec) noexcept;

/// Whether no unprivileged rival could share or shadow the socket's port,
/// whatever it tries, by this platform's rules (portguard::rules): the
/// option half of is_exclusive(). False on macOS and FreeBSD for a wildcard
/// socket, which a same-user rival can always shadow.
PORTGUARD_DECL bool options_are_exclusive(native_socket s, error_code& ec) noexcept;

/// Whether the socket's options are as exclusive as this platform allows:
/// no option it has on lets in a rival that portguard's own options would
/// keep out. What an adoption under exclusivity::required asks.
PORTGUARD_DECL bool options_are_as_exclusive_as_possible(native_socket s, error_code& ec) noexcept;

/// Whether setting the raw option (level, name, data, size) on a TCP
/// acceptor would let rivals share the port, so a secure acceptor must
/// refuse it (portguard::rules::option_would_share). The value is judged as
/// the kernel will read it (option_value_as_read), whatever its size: a
/// buffer the kernel refuses cannot share anything.
PORTGUARD_DECL bool option_would_share(int level, int name, const void* data,
    std::size_t size) noexcept;

} // namespace detail
PORTGUARD_NAMESPACE_END

#if defined(PORTGUARD_HEADER_ONLY) || defined(PORTGUARD_SOURCE)
#  include <portguard/detail/impl/socket_rules.ipp>
#endif

#endif // PORTGUARD_DETAIL_SOCKET_RULES_HPP
