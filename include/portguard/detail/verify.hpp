//
// portguard/detail/verify.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Who else holds a socket's port now, as cheaply as the platform allows:
// an exclusive bind is the proof where it can be, else the
// socket table or, on Windows, a probe bind.
//
#ifndef PORTGUARD_DETAIL_VERIFY_HPP
#define PORTGUARD_DETAIL_VERIFY_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/detail/socket_rules.hpp>
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

/// True when the table shows no other holder of `s`'s port and is complete;
/// else under exclusivity::required error::port_shared / holders_unknown.
/// With `check_sharing` (a socket this process did not bind: adoption,
/// is_exclusive() without a proof) the socket itself must not be held by
/// another process either (read_other_holders(), a walk of /proc on Linux):
/// error::socket_shared, or holders_unknown where that cannot be seen.
/// `found`, when given, receives the other holders read.
inline bool table_shows_alone(native_socket s, holder_scope scope,
    exclusivity policy, error_code& ec, bool check_sharing = false,
    port_holders* found = nullptr)
{
  port_holders own;
  port_holders& others = found ? *found : own;
  sharing_verdict sharing = sharing_verdict::alone;
  read_other_holders(s, scope, others, ec, true, check_sharing ? &sharing : nullptr);
  if (ec)
  {
    if (policy == exclusivity::best_effort)
      ec.clear();
    else
      ec = error::holders_unknown;
    return false;
  }
  if (sharing != sharing_verdict::alone)
  {
    if (policy == exclusivity::required)
      ec = sharing == sharing_verdict::shared ? error::socket_shared : error::holders_unknown;
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

/// Windows: a probe bind with no options, closed at once, for what the table
/// does not show. A wildcard socket: the family's loopback must be refused
/// with WSAEACCES (the option works). A specific address (TCP): the wildcard
/// must bind (no wildcard socket beside it). Where Wine refuses every
/// overlapping bind, the table read that follows decides.
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
  return bind_ec == net::error::address_in_use && wildcard_refused_beside_any_specific();
}

/// Whether an exclusive bind proved `s` alone: POSIX, if SO_REUSEADDR was
/// off; Windows, for a wildcard, or once the probe / table shows no wildcard.
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

/// For a socket whose bind proved nothing (an adopted one): true when it
/// holds its port alone, no other process holding the socket itself; fails
/// under exclusivity::required as table_shows_alone() with `check_sharing`.
inline bool verify_alone(native_socket s, exclusivity policy, error_code& ec)
{
  holder_scope scope = holder_scope::all;
  if (exclusive_option_may_be_inert)
  {
    scope = holder_scope::listeners; // the probe stands in for the rest

    const bool alone = probe_shows_alone(s, ec);
    if (ec)
      return false;
    if (!alone)
    {
      unsigned short port = 0;
      const bool wildcard = bound_address(s, port).is_unspecified();
      if (policy == exclusivity::required)
        ec = wildcard ? error::not_exclusive : error::port_shared;
      return false;
    }
  }
  return table_shows_alone(s, scope, policy, ec, true);
}

/// What judge_exclusive_now() found: the answer and, when it is no, the
/// first reason (a portguard::error) with what it judged.
struct exclusive_finding
{
  bool exclusive = false;
  error_code reason;          // empty when exclusive or when `ec` was set
  rules::defender socket{};   // the options judged (options_read)
  bool options_read = false;
  bool option_inert = false;  // Windows: the probe shows the option protects nothing
  bool connection = false;    // a connected TCP socket, judged by its listeners
  port_holders holders;       // the other holders read, if the table was read
};

/// is_exclusive(): options keep rivals out and nobody else holds the port,
/// nor (without a proof) the socket itself in another process.
/// `proven`: a portguard bind or adoption proved it alone, so only
/// listeners are read and /proc is not walked.
inline exclusive_finding judge_exclusive_now(native_socket s, bool proven, error_code& ec)
{
  exclusive_finding f;
  ec.clear();
  const int type = socket_type(s, ec);
  if (ec)
    return f;
  if (type == SOCK_STREAM && is_connected(s))
  {
    // A connection's port is judged by this process's exclusive listeners.
    f.connection = true;
    read_other_holders(s, exclusive_option_may_be_inert ? holder_scope::listeners
                                                        : holder_scope::all,
        f.holders, ec, false);
    if (ec)
      return f;
    bool own_listener = false;
    for (const port_holder& h : f.holders.sockets)
    {
      error_code listener_ec;
      if (h.state != holder_state::listening
          || !listener_of_this_process_is_exclusive(h, listener_ec))
      {
        f.reason = h.state == holder_state::listening ? error::not_exclusive
                                                      : error::port_shared;
        return f;
      }
      own_listener = true;
    }
    if (!f.holders.complete)
    {
      ec = error::holders_unknown;
      return f;
    }
    f.exclusive = own_listener;
    if (!own_listener)
      f.reason = error::not_exclusive;
    return f;
  }
  f.socket = rules_defender(s, ec);
  if (ec)
    return f;
  f.options_read = true;
  if (rules::open_to_unprivileged(rules::this_platform(), f.socket))
  {
    f.reason = error::not_exclusive;
    return f;
  }
  unsigned short port = 0;
  const bool wildcard = bound_address(s, port).is_unspecified();
  if (port == 0)
  {
    f.exclusive = true;
    return f;
  }
  holder_scope scope = proven ? holder_scope::listeners : holder_scope::all;
  if (exclusive_option_may_be_inert)
  {
    // Windows lists no bound TCP socket: the probe or the proof stands in.
    if (!proven)
    {
      const bool probed_alone = probe_shows_alone(s, ec);
      if (ec)
        return f;
      if (!probed_alone)
      {
        f.option_inert = wildcard;
        f.reason = wildcard ? error::not_exclusive : error::port_shared;
        return f;
      }
    }
    scope = holder_scope::listeners;
  }
  f.exclusive = table_shows_alone(s, scope, exclusivity::required, ec, !proven, &f.holders);
  if (ec == error::port_shared || ec == error::socket_shared)
  {
    f.reason = ec;
    ec.clear(); // others hold the port or the socket: the answer is "no", not an error
  }
  else if (ec && proven)
  {
    // An unreadable table (a sandbox): the bind's own proof stands.
    ec.clear();
    f.exclusive = true;
  }
  return f;
}

/// is_exclusive() on this family: judge_exclusive_now()'s answer.
inline bool is_exclusive_now(native_socket s, bool proven, error_code& ec)
{
  return judge_exclusive_now(s, proven, ec).exclusive;
}

/// What a verified bind learned.
struct bind_result
{
  /// The bind or the table proved the socket alone.
  bool proven_alone = false;

  /// POSIX: the bind needed SO_REUSEADDR beside TIME_WAIT; listen must too,
  /// and must look again after.
  bool listen_needs_reuse = false;
};

/// Binds a socket whose exclusive options are set so the bind is the proof.
/// POSIX: without SO_REUSEADDR first; on "address in use" and `reuse_wanted`
/// (TIME_WAIT of a previous run) again with it, off at once after, and the
/// table decides (left to listen when `listen_follows`). Under
/// exclusivity::required a socket not alone is closed.
template <typename Socket>
bind_result bind_verified(Socket& socket, const typename Socket::endpoint_type& endpoint,
    bool reuse_wanted, exclusivity policy, error_code& ec, bool listen_follows = false)
{
  bind_result result;
  const native_socket s = socket.native_handle();
  socket.bind(endpoint, ec);
  bool reuse_was_on = false;
  if (ec == net::error::address_in_use && reuse_wanted && !reuse_address_is_emulated)
  {
    set_reuse_address(s, true, ec);
    if (ec)
      return result;
    socket.bind(endpoint, ec);
    error_code ignored;
    set_reuse_address(s, false, ignored); // nobody joins until listen
    if (ec)
      return result;
    reuse_was_on = true;
    result.listen_needs_reuse = true;
  }
  if (ec)
    return result;
  result.proven_alone = bind_proves_alone(s, reuse_was_on, ec);
  if (!ec && !result.proven_alone)
  {
    if (reuse_was_on)
    {
      if (!listen_follows)
        result.proven_alone = table_shows_alone(s, holder_scope::all, policy, ec);
    }
    else if (policy == exclusivity::required)
      ec = error::port_shared; // a wildcard socket beside this one
  }
  if (ec)
  {
    error_code ignored;
    socket.close(ignored);
  }
  return result;
}

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_VERIFY_HPP
