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
#include <utility>
#include <vector>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

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

PORTGUARD_DECL bool addresses_overlap(const net::ip::address& a, bool a_v6_only,
    const net::ip::address& b, bool b_v6_only)
{
  const net::ip::address x = unmapped(a);
  const net::ip::address y = unmapped(b);
  if (x.is_v4() == y.is_v4())
    return x == y || x.is_unspecified() || y.is_unspecified();
  return x.is_v6() ? !a_v6_only && x.is_unspecified() : !b_v6_only && y.is_unspecified();
}

PORTGUARD_DECL void keep_overlapping(std::vector<port_holder>& holders,
    const net::ip::address& address, bool v6_only)
{
  holders.erase(std::remove_if(holders.begin(), holders.end(),
      [&](const port_holder& h) {
        return !addresses_overlap(h.address, h.v6_only, address, v6_only);
      }), holders.end());
}

PORTGUARD_DECL void read_other_holders(native_socket s, holder_scope scope,
    port_holders& out, error_code& ec, bool exclude_self,
    sharing_verdict* sharing)
{
  out.sockets.clear();
  out.complete = false;
  if (sharing)
    *sharing = sharing_verdict::alone;
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
  if (self == out.sockets.end())
    return;
  if (sharing)
  {
    const std::size_t hidden = find_owners(out.sockets);
    *sharing = judge_sharing(*self, hidden);
    if (*sharing == sharing_verdict::shared)
      return;
  }
  out.sockets.erase(self);
}

PORTGUARD_DECL sharing_verdict socket_sharing(native_socket s, port_holder& self, error_code& ec)
{
  port_holders holders;
  sharing_verdict sharing = sharing_verdict::alone;
  read_other_holders(s, holder_scope::all, holders, ec, false);
  if (ec)
    return sharing;
  const std::uint64_t identity = socket_identity(s);
  for (port_holder& h : holders.sockets)
    if (is_same_socket(h, s, identity))
    {
      std::vector<port_holder> one{h};
      const std::size_t hidden = find_owners(one);
      self = one.front();
      sharing = judge_sharing(self, hidden);
    }
  return sharing;
}

PORTGUARD_DECL std::string endpoint_text(const net::ip::address& address, unsigned short port)
{
  const std::string text = address.to_string();
  return (address.is_v6() ? "[" + text + "]" : text) + ":" + std::to_string(port);
}

PORTGUARD_DECL std::string describe_process(std::uint32_t pid, const std::string& name)
{
  std::string text = "pid " + std::to_string(pid);
  if (!name.empty())
    text += " (" + printable(name) + ")";
  return text;
}

PORTGUARD_DECL std::string describe(const port_holder& h)
{
  std::string line = endpoint_text(h.address, h.port);
  line += h.state == holder_state::listening ? " listening"
      : h.state == holder_state::bound ? " bound, not listening" : " udp";
  if (h.address.is_v6() && h.address.is_unspecified())
    line += h.v6_only ? " (IPv6 only)" : " (dual-stack)";
  if (h.uid)
    line += ", uid " + std::to_string(*h.uid);
  if (h.processes.size() > 1)
  {
    line += ", open in " + std::to_string(h.processes.size()) + " processes: ";
    for (const holder_process& p : h.processes)
    {
      if (&p != &h.processes.front())
        line += ", ";
      line += describe_process(p.pid, p.name);
      if (p.uid)
        line += " uid " + std::to_string(*p.uid);
    }
  }
  else if (h.pid)
    line += ", " + describe_process(*h.pid, h.process);
  return line;
}

PORTGUARD_DECL std::string sharing_cause(native_socket s)
{
  error_code ec;
  port_holder self;
  const sharing_verdict sharing = socket_sharing(s, self, ec);
  if (ec || sharing == sharing_verdict::alone)
    return std::string();
  if (sharing == sharing_verdict::unknown)
    return "the socket was made by uid " + (self.uid ? std::to_string(*self.uid) : "?")
        + ", and this process cannot list every process's descriptors to see who else "
          "holds it (root can)";
  std::string text = "the same socket is also open in ";
  bool first = true;
  for (const holder_process& p : self.processes)
  {
    if (p.pid == this_process_id())
      continue;
    text += first ? "" : ", ";
    first = false;
    text += (p.uid ? "uid " + std::to_string(*p.uid) + ", " : std::string())
        + describe_process(p.pid, p.name);
  }
  return text;
}

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_IMPL_SOCKET_TABLE_IPP
