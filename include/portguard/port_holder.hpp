//
// portguard/port_holder.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#ifndef PORTGUARD_PORT_HOLDER_HPP
#define PORTGUARD_PORT_HOLDER_HPP

#include <portguard/detail/config.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

PORTGUARD_NAMESPACE_BEGIN

/// What a socket that holds a port does with it.
enum class holder_state
{
  /// A listening TCP socket: it accepts the port's connections.
  listening,

  /// A TCP socket bound but not listening: it takes the port over the
  /// moment it listens while nobody else listens.
  bound,

  /// A UDP socket: it receives the port's datagrams.
  datagram
};

/// A process that has a socket open.
struct holder_process
{
  /// Its process id.
  std::uint32_t pid = 0;

  /// Its effective user id (Linux: `/proc/<pid>/status`), where visible.
  /// It may differ from port_holder::uid, the user that created the socket,
  /// when the descriptor was passed or inherited.
  std::optional<std::uint32_t> uid;

  /// Its name, where visible; empty otherwise.
  std::string name;
};

/// One socket that holds a port, as the operating system's socket table
/// lists it.
struct port_holder
{
  /// Its local address: a wildcard (`0.0.0.0`, `::`) or a specific one.
  net::ip::address address;

  /// Its local port.
  unsigned short port = 0;

  /// Listening, bound, or a datagram socket.
  holder_state state = holder_state::bound;

  /// For an IPv6 socket, whether IPV6_V6ONLY is on (false: dual-stack, so
  /// it holds the port on IPv4 as well).
  bool v6_only = false;

  /// The owner's user id, where the platform tells (POSIX): on Linux the
  /// user that created the socket.
  std::optional<std::uint32_t> uid;

  /// A process that has the socket open, where this process may see it: the
  /// first of `processes`.
  std::optional<std::uint32_t> pid;

  /// That process's name, where visible; empty otherwise.
  std::string process;

  /// Every process that has the socket (its one file description) open,
  /// where this process may see it, each with its own pid, uid and name.
  /// More than one when a descriptor was passed to another process
  /// (SCM_RIGHTS, `pidfd_getfd`) or inherited: each of them can accept the
  /// port's connections. Linux lists all it may see (root: all); Windows
  /// the one owner its table names.
  std::vector<holder_process> processes;

  /// The socket's inode (Linux); 0 elsewhere.
  std::uint64_t inode = 0;
};

/// The sockets that hold a port, and whether the list is known to be whole.
struct port_holders
{
  /// The holders found.
  std::vector<port_holder> sockets;

  /// False where the operating system cannot list every kind of holder:
  /// Linux before 6.8 does not list TCP sockets that are bound but not
  /// listening, and Windows never does. An empty list proves nothing then.
  bool complete = false;
};

PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_PORT_HOLDER_HPP
