//
// portguard/detail/socket_table.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Who holds a port, from the operating system's socket table, chosen once:
// socket_table_linux.hpp (inet_diag), socket_table_win32.hpp (IP Helper) or
// socket_table_none.hpp, each with read_table, table_lists_bound_sockets,
// socket_identity, is_same_socket and find_owners; what is common is in
// impl/socket_table.ipp. This header declares them; the definitions (and the
// system headers they need) come with it only when header-only.
//
#ifndef PORTGUARD_DETAIL_SOCKET_TABLE_HPP
#define PORTGUARD_DETAIL_SOCKET_TABLE_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/port_holder.hpp>

#include <cstdint>
#include <string>
#include <vector>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

/// Which TCP holders a lookup lists (UDP sockets are always listed).
enum class holder_scope
{
  listeners, ///< Listening sockets only: cheap.
  all        ///< Also sockets bound but not listening: walks the bind table.
};

} // namespace detail
PORTGUARD_NAMESPACE_END

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

// Each operating system's file (socket_table_linux.hpp, _win32.hpp,
// _none.hpp) defines these.

/// Every socket holding `port` (0: every port) of `protocol`, both families.
PORTGUARD_DECL void read_table(int protocol, unsigned short port, holder_scope scope,
    port_holders& out, error_code& ec);

/// Whether the table lists TCP sockets that are bound but not listening;
/// `cause` says why that could not be checked.
PORTGUARD_DECL bool table_lists_bound_sockets(error_code& cause) noexcept;
PORTGUARD_DECL bool table_lists_bound_sockets() noexcept;

/// What tells a socket of this process from others in the table.
PORTGUARD_DECL std::uint64_t socket_identity(native_socket s) noexcept;

/// Whether `holder` is the socket `s` itself (`identity`: socket_identity(s)).
PORTGUARD_DECL bool is_same_socket(const port_holder& holder, native_socket s,
    std::uint64_t identity) noexcept;

/// Fills in pid and process name where this process may see them.
PORTGUARD_DECL void find_owners(std::vector<port_holder>& holders);

/// Whether `holder` is a socket of this process whose options keep rivals out.
PORTGUARD_DECL bool listener_of_this_process_is_exclusive(const port_holder& holder,
    error_code& ec);

// Defined in impl/socket_table.ipp.

/// read_table, through the test seam.
PORTGUARD_DECL void read_holders(int protocol, unsigned short port, holder_scope scope,
    port_holders& out, error_code& ec);

/// Why a lookup of `protocol` on `port` cannot show every holder; empty if
/// it can now.
PORTGUARD_DECL std::string holders_unknown_cause(int protocol, unsigned short port);

/// Whether two sockets bound to the same port on these addresses overlap.
PORTGUARD_DECL bool addresses_overlap(const net::ip::address& a, bool a_v6_only,
    const net::ip::address& b, bool b_v6_only);

/// Keeps the holders whose address overlaps `address`.
PORTGUARD_DECL void keep_overlapping(std::vector<port_holder>& holders,
    const net::ip::address& address, bool v6_only);

/// The holders of the socket's local port that overlap its address, but
/// not the socket itself unless `exclude_self` is false.
PORTGUARD_DECL void read_other_holders(native_socket s, holder_scope scope,
    port_holders& out, error_code& ec, bool exclude_self = true);

/// `[::1]:8080` or `127.0.0.1:8080`.
PORTGUARD_DECL std::string endpoint_text(const net::ip::address& address,
    unsigned short port);

/// One line describing a holder, for an exception's text.
PORTGUARD_DECL std::string describe(const port_holder& h);

} // namespace detail
PORTGUARD_NAMESPACE_END

// The definitions: in every translation unit when header-only, else in the
// one that includes <portguard/impl/src.hpp>.
#if defined(PORTGUARD_HEADER_ONLY) || defined(PORTGUARD_SOURCE)
#  if defined(__linux__)
#    include <portguard/detail/socket_table_linux.hpp>
#  elif defined(_WIN32)
#    include <portguard/detail/socket_table_win32.hpp>
#  else
#    include <portguard/detail/socket_table_none.hpp>
#  endif

#  include <portguard/detail/impl/socket_table.ipp>
#endif

#endif // PORTGUARD_DETAIL_SOCKET_TABLE_HPP
