//
// src/probe/host_table.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// What only the probe reads of the host: every socket on every port, the
// TIME_WAIT entries of a port, the processes that have a socket open, and
// the options of another process's socket. Built on the library's socket
// table (portguard/detail/socket_table.hpp), compiled once, here.
//
#ifndef PORTGUARD_PROBE_HOST_TABLE_HPP
#define PORTGUARD_PROBE_HOST_TABLE_HPP

#include <portguard/detail/config.hpp>
#include <portguard/port_holder.hpp>
#include <portguard/port_rules.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

/// Where a listed socket is open: a process and the descriptor number it
/// has for the socket there, where this process may see it.
struct socket_location
{
  std::uint32_t pid = 0; ///< 0: no visible process has it open.
  int descriptor = -1;   ///< The descriptor number in that process.
};

/// What a passive read of another process's socket found: the socket as
/// portguard::rules sees a defender, or why it could not be read.
struct foreign_socket_read
{
  bool read = false;        ///< Whether `defender` holds what was read.
  rules::defender defender{rules::protocol::tcp, rules::socket_state::bound,
      rules::address_kind::wildcard, {}};
  std::string why_not;      ///< When not read: what stopped the read.

  /// A read that did not happen, and why.
  static foreign_socket_read refused(std::string reason)
  {
    foreign_socket_read result;
    result.why_not = std::move(reason);
    return result;
  }
};

/// Every TCP socket that listens or is bound (Windows: listens), or every
/// UDP socket, on every port, both families.
void read_host_table(int protocol, port_holders& out, error_code& ec);

/// The number of TCP TIME_WAIT entries on `port` (either family);
/// `operation_not_supported` where the table does not list them.
std::size_t count_time_wait(unsigned short port, error_code& ec);

/// Where each holder is open (index for index), with pid and process name
/// filled in, and the number of processes whose descriptors could not be
/// listed.
std::vector<socket_location> locate_sockets(std::vector<port_holder>& holders,
    std::size_t& hidden_processes);

/// Reads the sharing options of a socket another process has open, changing
/// nothing (Linux: a pidfd_getfd copy, checked against `inode`).
foreign_socket_read read_foreign_socket(const socket_location& where, std::uint64_t inode);

/// Whether options of other processes' sockets can be read here at all.
#if defined(__linux__)
constexpr bool can_read_foreign_sockets = true;
#else
constexpr bool can_read_foreign_sockets = false;
#endif

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_PROBE_HOST_TABLE_HPP
