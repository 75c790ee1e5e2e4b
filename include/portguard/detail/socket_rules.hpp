//
// portguard/detail/socket_rules.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The bridge from a live socket to portguard::rules: the socket as the
// rules table sees a defender, and what the table says of its options.
//
#ifndef PORTGUARD_DETAIL_SOCKET_RULES_HPP
#define PORTGUARD_DETAIL_SOCKET_RULES_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/port_rules.hpp>

#include <cstddef>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

/// The socket as portguard::rules sees a defender: its protocol, whether it
/// listens, whether its address is a wildcard (an unbound socket counts as
/// one), and the sharing options it has on. A handful of getsockopt calls
/// and one getsockname.
inline rules::defender rules_defender(native_socket s, error_code& ec) noexcept
{
  rules::defender d{rules::protocol::tcp, rules::socket_state::bound,
      rules::address_kind::wildcard, {}};
  const int type = socket_type(s, ec);
  if (ec)
    return d;
  d.proto = type == SOCK_DGRAM ? rules::protocol::udp : rules::protocol::tcp;
  int value = 0;
  if (d.proto == rules::protocol::tcp)
  {
    if (!get_int_option(s, SOL_SOCKET, SO_ACCEPTCONN, value, ec))
      return d;
    if (value != 0)
      d.state = rules::socket_state::listening;
  }
  sockaddr_storage local;
  if (local_address(s, local))
  {
    unsigned short port = 0;
    if (!unmapped(endpoint_address(local, port)).is_unspecified())
      d.address = rules::address_kind::specific;
  }
  for (int name : sharing_option_names)
  {
    if (!get_int_option(s, SOL_SOCKET, name, value, ec))
      return d;
    rules::option o = rules::option::reuse_address;
    if (value != 0 && rules_option(SOL_SOCKET, name, o))
      d.options = d.options.with(o);
  }
  return d;
}

/// Whether no unprivileged rival could share or shadow the socket's port,
/// whatever it tries, by this platform's rules (portguard::rules): the
/// option half of is_exclusive(). False on macOS and FreeBSD for a wildcard
/// socket, which a same-user rival can always shadow.
inline bool options_are_exclusive(native_socket s, error_code& ec) noexcept
{
  const rules::defender d = rules_defender(s, ec);
  return !ec && !rules::open_to_unprivileged(rules::this_platform(), d);
}

/// Whether the socket's options are as exclusive as this platform allows:
/// no option it has on lets in a rival that portguard's own options would
/// keep out. What an adoption under exclusivity::required asks.
inline bool options_are_as_exclusive_as_possible(native_socket s, error_code& ec) noexcept
{
  const rules::defender d = rules_defender(s, ec);
  return !ec && !rules::opened_by_options(rules::this_platform(), d);
}

/// Whether setting the raw option (level, name, data, size) on a TCP
/// acceptor would let rivals share the port, so a secure acceptor must
/// refuse it (portguard::rules::option_would_share). The value is judged as
/// the kernel will read it (option_value_as_read), whatever its size: a
/// buffer the kernel refuses cannot share anything.
inline bool option_would_share(int level, int name, const void* data,
    std::size_t size) noexcept
{
  int value = 0;
  rules::option o = rules::option::reuse_address;
  if (!rules_option(level, name, o) || !option_value_as_read(data, size, value))
    return false;
  return rules::option_would_share(rules::this_platform(), rules::protocol::tcp,
      rules::socket_state::bound, o, value != 0);
}

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_SOCKET_RULES_HPP
