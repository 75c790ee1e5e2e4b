//
// portguard/detail/impl/socket_table.ipp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// What is common to every socket table, declared in socket_table.hpp:
// included by it when header-only, and by <portguard/impl/src.hpp> once for
// a program built with PORTGUARD_SEPARATE_COMPILATION.
//
#ifndef PORTGUARD_DETAIL_IMPL_SOCKET_TABLE_IPP
#define PORTGUARD_DETAIL_IMPL_SOCKET_TABLE_IPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/fault_seam.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/detail/printable.hpp>
#include <portguard/detail/socket_table.hpp>
#include <portguard/port_holder.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

/// read_table, through the test seam: a build with PORTGUARD_FAULT_SEAM can
/// make the table unreadable (as in a sandbox that refuses netlink) or
/// partial (as on a kernel that does not list bound sockets).
PORTGUARD_DECL void read_holders(int protocol, unsigned short port, holder_scope scope,
    port_holders& out, error_code& ec)
{
  switch (table_fault())
  {
  case table_fault_kind::unreadable:
    out.sockets.clear();
    out.complete = false;
    ec = net::error::access_denied;
    return;
  case table_fault_kind::partial:
    read_table(protocol, port, holder_scope::listeners, out, ec);
    out.complete = protocol == IPPROTO_UDP || scope == holder_scope::listeners;
    return;
  case table_fault_kind::none:
    break;
  }
  read_table(protocol, port, scope, out, ec);
}

/// Why a lookup of `protocol` on `port` cannot show every holder, for an
/// exception's text: the error that stopped the read, a failed check of
/// the table, or a table without bound TCP sockets. Empty if it can now.
PORTGUARD_DECL std::string holders_unknown_cause(int protocol, unsigned short port)
{
  port_holders holders;
  error_code ec;
  read_holders(protocol, port, holder_scope::listeners, holders, ec);
  if (ec)
    return "the socket table cannot be read: " + ec.message();
  if (protocol == IPPROTO_UDP)
    return std::string(); // complete whenever it can be read
  error_code cause;
  if (table_fault() != table_fault_kind::partial && table_lists_bound_sockets(cause))
    return std::string();
  if (cause)
    return "the socket table could not be checked: " + cause.message();
  return std::string("the socket table does not list TCP sockets bound but not listening")
      + bound_listing_hint;
}

/// Whether two sockets bound to the same port on these addresses overlap:
/// the same address, a wildcard on either side of one family, or an IPv4
/// address under a dual-stack `[::]`. A v4-mapped address counts as IPv4.
PORTGUARD_DECL bool addresses_overlap(const net::ip::address& a, bool a_v6_only,
    const net::ip::address& b, bool b_v6_only)
{
  const net::ip::address x = unmapped(a);
  const net::ip::address y = unmapped(b);
  if (x.is_v4() == y.is_v4())
    return x == y || x.is_unspecified() || y.is_unspecified();
  return x.is_v6() ? !a_v6_only && x.is_unspecified() : !b_v6_only && y.is_unspecified();
}

/// Keeps the holders whose address overlaps `address` (an IPv6 socket that
/// is dual-stack unless `v6_only`).
PORTGUARD_DECL void keep_overlapping(std::vector<port_holder>& holders,
    const net::ip::address& address, bool v6_only)
{
  holders.erase(std::remove_if(holders.begin(), holders.end(),
      [&](const port_holder& h) {
        return !addresses_overlap(h.address, h.v6_only, address, v6_only);
      }), holders.end());
}

/// The holders of the socket's local port that overlap its address, but
/// not the socket itself (`exclude_self`: a connection is never among the
/// holders, so there is nothing to take out). `invalid_argument` if the
/// socket is not bound.
PORTGUARD_DECL void read_other_holders(native_socket s, holder_scope scope,
    port_holders& out, error_code& ec, bool exclude_self)
{
  out.sockets.clear();
  out.complete = false;
  sockaddr_storage local;
  unsigned short port = 0;
  const net::ip::address address = local_address(s, local)
      ? endpoint_address(local, port) : net::ip::address();
  if (port == 0)
  {
    ec = net::error::invalid_argument;
    return;
  }
  const int type = socket_type(s, ec);
  if (ec)
    return;
  read_holders(type == SOCK_DGRAM ? IPPROTO_UDP : IPPROTO_TCP, port, scope, out, ec);
  if (ec)
    return;
  keep_overlapping(out.sockets, address, address.is_v6() && is_v6_only(s));
  if (!exclude_self)
    return;
  const std::uint64_t identity = socket_identity(s);
  const auto self = std::find_if(out.sockets.begin(), out.sockets.end(),
      [&](const port_holder& h) { return is_same_socket(h, s, identity); });
  if (self != out.sockets.end())
    out.sockets.erase(self);
}

/// `[::1]:8080` or `127.0.0.1:8080`.
PORTGUARD_DECL std::string endpoint_text(const net::ip::address& address, unsigned short port)
{
  const std::string text = address.to_string();
  return (address.is_v6() ? "[" + text + "]" : text) + ":" + std::to_string(port);
}

/// One line: `127.0.0.1:8080 listening, uid 65534, pid 4242 (python3)`; the
/// process name as printable() shows it (any user may choose a name).
PORTGUARD_DECL std::string describe(const port_holder& h)
{
  std::string line = endpoint_text(h.address, h.port);
  line += h.state == holder_state::listening ? " listening"
      : h.state == holder_state::bound ? " bound, not listening" : " udp";
  if (h.address.is_v6() && h.address.is_unspecified())
    line += h.v6_only ? " (IPv6 only)" : " (dual-stack)";
  if (h.uid)
    line += ", uid " + std::to_string(*h.uid);
  if (h.pid)
  {
    line += ", pid " + std::to_string(*h.pid);
    if (!h.process.empty())
      line += " (" + printable(h.process) + ")";
  }
  return line;
}

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_IMPL_SOCKET_TABLE_IPP
