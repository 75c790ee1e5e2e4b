//
// portguard/detail/impl/platform.ipp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The raw socket calls declared in platform.hpp: included by it when
// header-only, and by <portguard/impl/src.hpp> once for a program built with
// PORTGUARD_SEPARATE_COMPILATION.
//
#ifndef PORTGUARD_DETAIL_IMPL_PLATFORM_IPP
#define PORTGUARD_DETAIL_IMPL_PLATFORM_IPP

#include <portguard/detail/platform.hpp>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

PORTGUARD_DECL void store_option_value(void* data, std::size_t size, bool on) noexcept
{
  if (data == nullptr || size == 0)
    return;
  std::memset(data, 0, size);
  const int value = on ? 1 : 0;
  if (size >= sizeof(int))
    std::memcpy(data, &value, sizeof(int));
  else
    *static_cast<unsigned char*>(data) = on ? 1 : 0;
}

PORTGUARD_DECL bool get_int_option(native_socket s, int level, int name, int& value,
    error_code& ec) noexcept
{
  value = 0;
  socket_length size = sizeof(value);
  if (::getsockopt(s, level, name, reinterpret_cast<char*>(&value), &size) != 0)
  {
    ec = last_socket_error();
    return false;
  }
  // Some stacks answer a boolean option with a single byte.
  if (size == 1)
    value = *reinterpret_cast<unsigned char*>(&value) ? 1 : 0;
  ec.clear();
  return true;
}

PORTGUARD_DECL bool set_int_option(native_socket s, int level, int name, int value,
    error_code& ec) noexcept
{
  if (::setsockopt(s, level, name, reinterpret_cast<const char*>(&value),
          static_cast<socket_length>(sizeof(value))) != 0)
  {
    ec = last_socket_error();
    return false;
  }
  ec.clear();
  return true;
}

PORTGUARD_DECL bool reuse_address_is_set(native_socket s) noexcept
{
  int value = 0;
  error_code ignored;
  return get_int_option(s, SOL_SOCKET, SO_REUSEADDR, value, ignored) && value != 0;
}

PORTGUARD_DECL int socket_type(native_socket s, error_code& ec) noexcept
{
  int type = 0;
  get_int_option(s, SOL_SOCKET, SO_TYPE, type, ec);
  return type;
}

PORTGUARD_DECL bool local_address(native_socket s, sockaddr_storage& address) noexcept
{
  std::memset(&address, 0, sizeof(address));
  socket_length size = sizeof(address);
  return ::getsockname(s, reinterpret_cast<sockaddr*>(&address), &size) == 0;
}

PORTGUARD_DECL net::ip::address unmapped(const net::ip::address& address) noexcept
{
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  return address;
}

PORTGUARD_DECL net::ip::address endpoint_address(const sockaddr_storage& address,
    unsigned short& port) noexcept
{
  port = 0;
  if (address.ss_family == AF_INET)
  {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    port = ntohs(v4.sin_port);
    net::ip::address_v4::bytes_type bytes;
    std::memcpy(bytes.data(), &v4.sin_addr, 4);
    return net::ip::address_v4(bytes);
  }
  if (address.ss_family == AF_INET6)
  {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    port = ntohs(v6.sin6_port);
    net::ip::address_v6::bytes_type bytes;
    std::memcpy(bytes.data(), &v6.sin6_addr, 16);
    return net::ip::address_v6(bytes, v6.sin6_scope_id);
  }
  return net::ip::address();
}

PORTGUARD_DECL bool is_v6_only(native_socket s) noexcept
{
  int value = 0;
  error_code ignored;
  return get_int_option(s, IPPROTO_IPV6, IPV6_V6ONLY, value, ignored) && value != 0;
}

PORTGUARD_DECL bool is_listening(native_socket s) noexcept
{
  int value = 0;
  error_code ignored;
  return get_int_option(s, SOL_SOCKET, SO_ACCEPTCONN, value, ignored) && value != 0;
}

PORTGUARD_DECL int socket_family(native_socket s) noexcept
{
  sockaddr_storage address;
  return local_address(s, address) ? address.ss_family : 0;
}

PORTGUARD_DECL bool is_bound(native_socket s) noexcept
{
  sockaddr_storage address;
  if (!local_address(s, address))
    return false;
  if (address.ss_family == AF_INET)
    return reinterpret_cast<const sockaddr_in&>(address).sin_port != 0;
  if (address.ss_family == AF_INET6)
    return reinterpret_cast<const sockaddr_in6&>(address).sin6_port != 0;
  return false;
}

PORTGUARD_DECL bool probe_bind(int family, int type, const net::ip::address& address,
    unsigned short port, error_code& ec) noexcept
{
  const native_socket s = ::socket(family, type, 0);
  if (s == no_socket)
  {
    ec = last_socket_error();
    return false;
  }
  sockaddr_storage storage;
  std::memset(&storage, 0, sizeof(storage));
  socket_length size = 0;
  if (address.is_v4())
  {
    auto& v4 = reinterpret_cast<sockaddr_in&>(storage);
    v4.sin_family = AF_INET;
    v4.sin_port = htons(port);
    const auto bytes = address.to_v4().to_bytes();
    std::memcpy(&v4.sin_addr, bytes.data(), bytes.size());
    size = sizeof(sockaddr_in);
  }
  else
  {
    auto& v6 = reinterpret_cast<sockaddr_in6&>(storage);
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(port);
    const auto bytes = address.to_v6().to_bytes();
    std::memcpy(&v6.sin6_addr, bytes.data(), bytes.size());
    v6.sin6_scope_id = static_cast<std::uint32_t>(address.to_v6().scope_id());
    size = sizeof(sockaddr_in6);
  }
  const bool bound = ::bind(s, reinterpret_cast<const sockaddr*>(&storage), size) == 0;
  if (!bound)
    ec = last_socket_error();
  else
    ec.clear();
  close_socket(s);
  return bound;
}

PORTGUARD_DECL void close_private_socket(native_socket s) noexcept
{
  close_socket(s);
}

PORTGUARD_DECL bool is_missing_family(const error_code& ec) noexcept
{
  return ec == net::error::address_family_not_supported
      || ec == error_code(address_not_available, net::error::get_system_category());
}

PORTGUARD_DECL void set_v6_only(native_socket s, error_code& ec) noexcept
{
  set_int_option(s, IPPROTO_IPV6, IPV6_V6ONLY, 1, ec);
}

PORTGUARD_DECL void set_reuse_address(native_socket s, bool on, error_code& ec) noexcept
{
  set_int_option(s, SOL_SOCKET, SO_REUSEADDR, on ? 1 : 0, ec);
}

PORTGUARD_DECL bool is_connected(native_socket s) noexcept
{
  sockaddr_storage peer;
  socket_length size = sizeof(peer);
  return ::getpeername(s, reinterpret_cast<sockaddr*>(&peer), &size) == 0;
}

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_IMPL_PLATFORM_IPP
