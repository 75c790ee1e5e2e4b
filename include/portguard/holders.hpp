//
// portguard/holders.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#ifndef PORTGUARD_HOLDERS_HPP
#define PORTGUARD_HOLDERS_HPP

#include <portguard/detail/config.hpp>
#include <portguard/port_holder.hpp>
#include <portguard/detail/socket_table.hpp>
#include <portguard/detail/socket_traits.hpp>

#include <string>
#include <type_traits>
#include <vector>

PORTGUARD_NAMESPACE_BEGIN

/// The sockets that hold an endpoint's port on an overlapping address, from
/// the operating system's socket table.
/**
 * Overlapping means: the same port, and the same address or a wildcard on
 * either side (an IPv4 address also overlaps a dual-stack IPv6 wildcard).
 * TCP: listening sockets and sockets bound but not listening; connections
 * (accepted or connected sockets) and TIME_WAIT entries are not holders.
 * UDP: every bound socket.
 *
 * - **Linux:** NETLINK_SOCK_DIAG (inet_diag), filtered on the port in the
 *   kernel; the owner's uid always, pid and process name where this process
 *   may read `/proc/<pid>/fd` (root, or the same user). `processes` lists
 *   every process that has the socket open (a passed or inherited
 *   descriptor is one socket in several processes), each with its own uid;
 *   the whole of `/proc` is walked for them. Sockets that are
 *   bound but not listening are listed from Linux 6.8 on; before that
 *   `complete` is false.
 * - **Windows:** GetExtendedTcpTable (listeners) and GetExtendedUdpTable,
 *   with the owning process id. Windows does not list TCP sockets that are
 *   bound but not listening, so for TCP `complete` is false.
 * - **Elsewhere:** not available (`operation_not_supported`).
 *
 * @param endpoint A TCP or UDP endpoint; its address may be a wildcard.
 * @param ec Set if the table could not be read (for example
 * `operation_not_supported`, or the sandbox refused the netlink socket).
 */
template <typename Endpoint>
port_holders holders_of(const Endpoint& endpoint, error_code& ec)
{
  static_assert(!detail::is_other_flavour_endpoint_v<Endpoint>, PORTGUARD_DETAIL_OTHER_FLAVOUR);
  port_holders result;
  if constexpr (!detail::is_other_flavour_endpoint_v<Endpoint>)
  {
    detail::read_holders(endpoint.protocol().protocol(), endpoint.port(),
        detail::holder_scope::all, result, ec);
    if (ec)
      return result;
    detail::keep_overlapping(result.sockets, endpoint.address(), false);
    detail::find_owners(result.sockets);
  }
  return result;
}

/// The sockets that hold an endpoint's port (throwing form).
/**
 * @throws system_error Thrown on failure, naming "holders_of".
 */
template <typename Endpoint>
port_holders holders_of(const Endpoint& endpoint)
{
  static_assert(!detail::is_other_flavour_endpoint_v<Endpoint>, PORTGUARD_DETAIL_OTHER_FLAVOUR);
  error_code ec;
  port_holders result = portguard::holders_of(endpoint, ec);
  detail::throw_if(ec, "holders_of");
  return result;
}

/// The sockets other than this one that hold its port on an overlapping
/// address: who else could receive its traffic, now or when it closes.
/**
 * The same table as holders_of(), for the socket's own local endpoint,
 * without the socket itself, unless another process holds it too (a
 * descriptor passed or inherited; the service manager that handed it over,
 * this process's parent or PID 1, excepted): then it is listed, with every
 * process that has it open. An empty list with `complete` true means the
 * socket holds its port alone.
 *
 * @param socket An open, bound acceptor or socket.
 * @param ec `bad_descriptor` for a closed socket, `invalid_argument` for
 * one that is not bound; otherwise as holders_of().
 */
template <typename Socket>
std::enable_if_t<detail::is_inspectable_v<Socket>, port_holders>
other_holders(Socket& socket, error_code& ec)
{
  port_holders result;
  if (!socket.is_open())
  {
    ec = net::error::bad_descriptor;
    return result;
  }
  detail::sharing_verdict sharing = detail::sharing_verdict::alone;
  detail::read_other_holders(socket.native_handle(), detail::holder_scope::all, result, ec,
      true, &sharing);
  if (!ec)
    detail::find_owners(result.sockets);
  return result;
}

/// The sockets other than this one that hold its port (throwing form).
/**
 * @throws system_error Thrown on failure, naming "other_holders".
 */
template <typename Socket>
std::enable_if_t<detail::is_inspectable_v<Socket>, port_holders>
other_holders(Socket& socket)
{
  error_code ec;
  port_holders result = portguard::other_holders(socket, ec);
  detail::throw_if(ec, "other_holders");
  return result;
}

/// One line for logs: `127.0.0.1:8080 listening, uid 65534, pid 4242 (python3)`.
/**
 * A socket open in several processes names each, with its own uid:
 * `127.0.0.1:8080 listening, uid 65534, open in 2 processes: pid 4242
 * (python3) uid 65534, pid 4250 (server) uid 0`.
 *
 * Safe to print as it is: the process name (which any user may choose,
 * bytes such as a newline or ESC included) is shown with control bytes,
 * invalid UTF-8 and the backslash escaped (`\n`, `\x1b`, `\\`), so the
 * line is one line of valid UTF-8.
 */
inline std::string to_string(const port_holder& holder)
{
  return detail::describe(holder);
}

/// The other Asio flavour's sockets: a static_assert that names the macro.
PORTGUARD_DETAIL_REJECT_OTHER_FLAVOUR(other_holders)

PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_HOLDERS_HPP
