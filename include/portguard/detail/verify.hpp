//
// portguard/detail/verify.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Who else holds a socket's port, decided as cheaply as the platform
// allows. Option flags say what a future rival could do; this says who is
// there now.
//
// The cheapest proof is a bind: on POSIX a bind made with SO_REUSEADDR and
// SO_REUSEPORT off succeeds only if no other socket (and no TIME_WAIT
// entry) holds an overlapping address at that moment, and while those
// options stay off nobody can join; on Windows an exclusive bind to a
// wildcard succeeds only if nobody overlaps, and SO_EXCLUSIVEADDRUSE keeps
// everyone out after. Where no such proof exists the socket table is read
// (socket_table.hpp), and on Windows a probe bind shows whether
// SO_EXCLUSIVEADDRUSE really took effect.
//
#ifndef PORTGUARD_DETAIL_VERIFY_HPP
#define PORTGUARD_DETAIL_VERIFY_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/detail/socket_table.hpp>
#include <portguard/error.hpp>
#include <portguard/exclusivity.hpp>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

/// The socket's local address and port (port 0 when it is not bound).
inline net::ip::address bound_address(native_socket s, unsigned short& port) noexcept
{
  sockaddr_storage local;
  port = 0;
  return local_address(s, local) ? endpoint_address(local, port) : net::ip::address();
}

/// Reads the other holders of `s`'s port and judges them: true when there
/// are none and the list is complete. Otherwise `ec` says why not, when
/// it matters under `policy`: error::port_shared (others found) or
/// error::holders_unknown (none seen, but the table could not show all),
/// or the table's own error. Under exclusivity::best_effort neither is an
/// error; the answer is just false.
inline bool table_shows_alone(native_socket s, holder_scope scope,
    exclusivity policy, error_code& ec)
{
  port_holders others;
  read_other_holders(s, scope, others, ec);
  if (ec)
  {
    if (policy == exclusivity::best_effort)
      ec.clear();
    else
      ec = error::holders_unknown;
    return false;
  }
  if (!others.sockets.empty())
  {
    if (policy == exclusivity::required)
      ec = error::port_shared;
    return false;
  }
  if (!others.complete)
  {
    if (policy == exclusivity::required)
      ec = error::holders_unknown;
    return false;
  }
  return true;
}

/// Windows: a probe bind that shows what the exclusive option really does
/// for a bound socket, and stands in for the part of the table Windows does
/// not list (TCP sockets bound but not listening). The probe has no options
/// and is closed at once.
///
/// - A wildcard socket: a bind of the family's loopback must be refused with
///   WSAEACCES, the answer of an effective SO_EXCLUSIVEADDRUSE. Success
///   means the option was set after bind and protects nothing. Any other
///   refusal (WSAEADDRINUSE) comes from a socket already on the loopback
///   address, or from our own socket where the platform refuses every
///   overlapping bind (Wine's Linux underneath): for UDP, whose table is
///   complete, the table read that follows tells the two apart; for TCP it
///   cannot, and the answer is false.
/// - A specific address (TCP): a bind of the wildcard must succeed; it is
///   refused when a wildcard socket already holds the port. For UDP the
///   table read that follows shows any wildcard socket. Where the platform
///   refuses a wildcard bind beside any specific one (Wine), a refusal
///   proves nothing and the table of listeners decides; a bound, not
///   listening socket that shares the port is then not seen.
///
/// The probe holds the address for microseconds; a UDP datagram for the
/// socket that arrives in that time may go to the probe.
inline bool probe_shows_alone(native_socket s, error_code& ec)
{
  unsigned short port = 0;
  const net::ip::address address = bound_address(s, port);
  if (port == 0)
    return true; // not bound: nothing to probe
  const int type = socket_type(s, ec);
  if (ec)
    return false;
  const bool datagram = type == SOCK_DGRAM;
  const int family = address.is_v4() ? AF_INET : AF_INET6;
  error_code bind_ec;
  if (address.is_unspecified())
  {
    const net::ip::address loopback = address.is_v4()
        ? net::ip::address(net::ip::address_v4::loopback())
        : net::ip::address(net::ip::address_v6::loopback());
    if (probe_bind(family, type, loopback, port, bind_ec))
      return false;
    if (bind_ec == net::error::access_denied)
      return true;
    if (!is_conflict(bind_ec))
    {
      ec = bind_ec;
      return false;
    }
    return datagram;
  }
  if (datagram)
    return true;
  const net::ip::address wildcard = address.is_v4()
      ? net::ip::address(net::ip::address_v4::any())
      : net::ip::address(net::ip::address_v6::any());
  if (probe_bind(family, type, wildcard, port, bind_ec))
    return true;
  if (!is_conflict(bind_ec))
  {
    ec = bind_ec;
    return false;
  }
  // Where every overlapping bind is refused (Wine), the refusal may come
  // from our own socket; the listener table read that follows decides.
  return bind_ec == net::error::address_in_use && wildcard_refused_beside_any_specific();
}

/// After a bind made with the exclusive options already set (by a
/// portguard path): whether the bind itself proves the socket alone.
/// POSIX: yes, if SO_REUSEADDR was off for it. Windows: yes for a
/// wildcard; for a specific address only once the probe (TCP) or the table
/// (UDP) shows no wildcard socket beside it.
inline bool bind_proves_alone(native_socket s, bool reuse_address_was_on,
    error_code& ec)
{
  ec.clear();
  if (!specific_bind_may_sit_beside_wildcard)
    return !reuse_address_was_on;
  unsigned short port = 0;
  const net::ip::address address = bound_address(s, port);
  if (address.is_unspecified())
    return true;
  if (!probe_shows_alone(s, ec) || ec)
    return false;
  if (socket_type(s, ec) != SOCK_DGRAM || ec)
    return !ec;
  return table_shows_alone(s, holder_scope::all, exclusivity::best_effort, ec);
}

/// Verifies a socket whose bind proved nothing (it needed SO_REUSEADDR
/// beside TIME_WAIT entries, or another path bound it): true when it holds
/// its port alone. Fails under exclusivity::required as table_shows_alone.
inline bool verify_alone(native_socket s, exclusivity policy, error_code& ec)
{
  holder_scope scope = holder_scope::all;
  if (exclusive_option_may_be_inert)
  {
    // Windows lists no bound, not listening TCP socket; the probe stands in
    // for that part of the table.
    scope = holder_scope::listeners;
    const bool alone = probe_shows_alone(s, ec);
    if (ec)
      return false;
    if (!alone)
    {
      // A wildcard socket whose exclusive option took no effect, or one
      // that shares its port.
      unsigned short port = 0;
      const bool wildcard = bound_address(s, port).is_unspecified();
      if (policy == exclusivity::required)
        ec = wildcard ? error::not_exclusive : error::port_shared;
      return false;
    }
  }
  return table_shows_alone(s, scope, policy, ec);
}

/// is_exclusive(): the socket's options keep rivals out, and nobody else
/// holds its port now. `proven` says a portguard path already proved the
/// socket alone (then only listeners are looked up, a cheap dump that
/// catches a SO_REUSEPORT group joined behind its back). An unbound socket
/// is judged by its options alone. A connected TCP socket is judged by the
/// port it is on (see connected_socket_is_exclusive). On error (including
/// error::holders_unknown when the table cannot show every holder) the
/// answer is false.
inline bool is_exclusive_now(native_socket s, bool proven, error_code& ec)
{
  ec.clear();
  const int type = socket_type(s, ec);
  if (ec)
    return false;
  if (type == SOCK_STREAM && is_connected(s))
  {
    // Windows lists listeners only; a connection's port is judged by them.
    port_holders holders;
    read_other_holders(s, exclusive_option_may_be_inert ? holder_scope::listeners
                                                        : holder_scope::all,
        holders, ec, false);
    if (ec)
      return false;
    // Every holder of a connection's port must be a listener of this
    // process whose options keep rivals out.
    bool own_listener = false;
    for (const port_holder& h : holders.sockets)
    {
      error_code listener_ec;
      if (h.state != holder_state::listening
          || !listener_of_this_process_is_exclusive(h, listener_ec))
        return false;
      own_listener = true;
    }
    if (!holders.complete)
    {
      ec = error::holders_unknown;
      return false;
    }
    return own_listener;
  }
  if (!options_are_exclusive(s, ec))
    return false;
  unsigned short port = 0;
  bound_address(s, port);
  if (port == 0)
    return true;
  holder_scope scope = proven ? holder_scope::listeners : holder_scope::all;
  if (exclusive_option_may_be_inert)
  {
    // Windows lists no bound, not listening TCP socket; the probe (or the
    // proof of a portguard bind) stands in for that part of the table.
    if (!proven)
    {
      const bool probed_alone = probe_shows_alone(s, ec);
      if (ec || !probed_alone)
        return false;
    }
    scope = holder_scope::listeners;
  }
  const bool alone = table_shows_alone(s, scope, exclusivity::required, ec);
  if (ec == error::port_shared)
    ec.clear(); // others hold the port: the answer is "no", not an error
  else if (ec && proven)
  {
    // The table cannot be read (a sandbox refusing netlink): the proof of
    // the socket's own bind stands.
    ec.clear();
    return true;
  }
  return alone;
}

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_VERIFY_HPP
