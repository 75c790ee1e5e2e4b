//
// portguard/detail/impl/exclusive_ops.ipp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The operations of exclusive_ops.hpp that do not depend on a socket type:
// included by it when header-only, and by <portguard/impl/src.hpp> once for a
// program built with PORTGUARD_SEPARATE_COMPILATION.
//
#ifndef PORTGUARD_DETAIL_IMPL_EXCLUSIVE_OPS_IPP
#define PORTGUARD_DETAIL_IMPL_EXCLUSIVE_OPS_IPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/exclusive_ops.hpp>
#include <portguard/detail/fault_seam.hpp>
#include <portguard/detail/other_family_guard.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/detail/socket_rules.hpp>
#include <portguard/detail/socket_table.hpp>
#include <portguard/detail/verify.hpp>
#include <portguard/error.hpp>
#include <portguard/exclusivity.hpp>
#include <portguard/port_holder.hpp>

#include <string>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

PORTGUARD_DECL void make_exclusive(native_socket s, bool datagram,
    exclusivity policy, error_code& ec) noexcept
{
  if (fault_seam_refuses())
    ec = error::option_refused;
  else
    set_exclusive(s, datagram, ec);
  if (ec == error::option_refused && policy == exclusivity::best_effort)
    ec.clear();
}

PORTGUARD_DECL bool check_adoptable(native_socket s, int expected_type,
    int expected_family, exclusivity policy, error_code& ec)
{
  const int type = socket_type(s, ec);
  if (ec)
    return false;
  const int family = socket_family(s);
  if (type != expected_type || (family != 0 && family != expected_family))
  {
    ec = error::wrong_socket_type;
    return false;
  }
  if (policy != exclusivity::required)
    return false;
  const bool exclusive = options_are_as_exclusive_as_possible(s, ec);
  if (!ec && !exclusive)
    ec = error::not_exclusive;
  if (ec || !is_bound(s))
    return false;
  return verify_alone(s, policy, ec);
}

PORTGUARD_DECL bool is_exclusive_on_both_families(native_socket s, bool proven, bool guarded,
    error_code& ec)
{
  if (!is_exclusive_now(s, proven, ec) || ec)
    return false;
  const int type = socket_type(s, ec);
  if (ec)
    return false;
  if (type == SOCK_STREAM && is_connected(s))
    return true;
  return other_family_is_covered(s, guarded);
}

PORTGUARD_DECL void throw_for_socket(const error_code& ec, const char* step, native_socket s)
{
  if (!ec)
    return;
  std::string what = step;
  if (ec == error::holders_unknown || ec == error::socket_shared)
  {
    unsigned short port = 0;
    bound_address(s, port);
    error_code type_ec;
    const int type = socket_type(s, type_ec);
    std::string cause = port == 0 || type_ec || ec == error::socket_shared ? std::string()
        : holders_unknown_cause(type == SOCK_DGRAM ? IPPROTO_UDP : IPPROTO_TCP, port);
    if (cause.empty() && port != 0)
      cause = sharing_cause(s);
    if (!cause.empty())
      what += ": " + cause;
  }
  throw system_error(ec, what);
}


PORTGUARD_DECL void throw_naming_holder(const error_code& ec, const char* step,
    int protocol, const net::ip::address& address_asked, unsigned short port)
{
  if (!ec)
    return;
  std::string what = step;
  net::ip::address address = address_asked;
  const bool other_side = ec == error::other_family_held
      && other_family_address(address_asked, true, address);
  if (ec == error::port_shared || ec == error::socket_shared || other_side)
  {
    error_code ignored;
    port_holders holders;
    read_holders(protocol, port, holder_scope::all,
        holders, ignored);
    keep_overlapping(holders.sockets, address, other_side);
    find_owners(holders.sockets);
    for (const port_holder& h : holders.sockets)
      what += (&h == &holders.sockets.front() ? ": held by " : "; ") + describe(h);
  }
  else if (ec == error::holders_unknown)
  {
    const std::string cause = holders_unknown_cause(protocol,
        port);
    if (!cause.empty())
      what += ": " + cause;
  }
  throw system_error(ec, what);
}
} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_IMPL_EXCLUSIVE_OPS_IPP
