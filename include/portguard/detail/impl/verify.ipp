//
// portguard/detail/impl/verify.ipp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The bind proof, the Windows probe bind and is_exclusive's check, declared
// in verify.hpp: included by it when header-only, and by
// <portguard/impl/src.hpp> once for a program built with
// PORTGUARD_SEPARATE_COMPILATION.
//
#ifndef PORTGUARD_DETAIL_IMPL_VERIFY_IPP
#define PORTGUARD_DETAIL_IMPL_VERIFY_IPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/detail/socket_rules.hpp>
#include <portguard/detail/socket_table.hpp>
#include <portguard/detail/verify.hpp>
#include <portguard/error.hpp>
#include <portguard/exclusivity.hpp>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

PORTGUARD_DECL net::ip::address bound_address(native_socket s, unsigned short& port) noexcept
{
  sockaddr_storage local;
  port = 0;
  return local_address(s, local) ? endpoint_address(local, port) : net::ip::address();
}

PORTGUARD_DECL bool table_shows_alone(native_socket s, holder_scope scope,
    exclusivity policy, error_code& ec, bool check_sharing, port_holders* found)
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

PORTGUARD_DECL bool probe_shows_alone(native_socket s, error_code& ec)
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

PORTGUARD_DECL bool bind_proves_alone(native_socket s, bool reuse_address_was_on,
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

PORTGUARD_DECL bool verify_alone(native_socket s, exclusivity policy, error_code& ec)
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

PORTGUARD_DECL exclusive_finding judge_exclusive_now(native_socket s, bool proven,
    error_code& ec)
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

PORTGUARD_DECL bool is_exclusive_now(native_socket s, bool proven, error_code& ec)
{
  return judge_exclusive_now(s, proven, ec).exclusive;
}

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_IMPL_VERIFY_IPP
