//
// portguard/detail/impl/socket_rules.ipp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The bridge from a live socket to portguard::rules, declared in
// socket_rules.hpp: included by it when header-only, and by
// <portguard/impl/src.hpp> once for a program built with
// PORTGUARD_SEPARATE_COMPILATION.
//
#ifndef PORTGUARD_DETAIL_IMPL_SOCKET_RULES_IPP
#define PORTGUARD_DETAIL_IMPL_SOCKET_RULES_IPP

#include <portguard/detail/socket_rules.hpp>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

PORTGUARD_DECL rules::defender rules_defender(native_socket s, error_code& ec) noexcept
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

PORTGUARD_DECL bool options_are_exclusive(native_socket s, error_code& ec) noexcept
{
  const rules::defender d = rules_defender(s, ec);
  return !ec && !rules::open_to_unprivileged(rules::this_platform(), d);
}

PORTGUARD_DECL bool options_are_as_exclusive_as_possible(native_socket s, error_code& ec) noexcept
{
  const rules::defender d = rules_defender(s, ec);
  return !ec && !rules::opened_by_options(rules::this_platform(), d);
}

PORTGUARD_DECL bool option_would_share(int level, int name, const void* data,
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

#endif // PORTGUARD_DETAIL_IMPL_SOCKET_RULES_IPP
