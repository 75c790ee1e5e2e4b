//
// portguard/detail/impl/platform_posix.ipp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The POSIX raw calls declared in platform_posix.hpp: included by it when
// header-only, and by <portguard/impl/src.hpp> once for a program built with
// PORTGUARD_SEPARATE_COMPILATION.
//
#ifndef PORTGUARD_DETAIL_IMPL_PLATFORM_POSIX_IPP
#define PORTGUARD_DETAIL_IMPL_PLATFORM_POSIX_IPP

#include <portguard/detail/platform.hpp>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

PORTGUARD_DECL bool option_value_as_read(const void* data, std::size_t size, int& value) noexcept
{
  value = 0;
  if (data == nullptr || size < sizeof(int))
    return false;
  std::memcpy(&value, data, sizeof(int));
  return true;
}

PORTGUARD_DECL bool bind_error_is_transient(const error_code& ec) noexcept
{
  return ec.category() == net::error::get_system_category() && ec.value() == EADDRINUSE;
}

PORTGUARD_DECL bool is_conflict(const error_code& ec) noexcept
{
  return ec == net::error::address_in_use;
}

PORTGUARD_DECL error_code last_socket_error() noexcept
{
  return error_code(errno, net::error::get_system_category());
}

PORTGUARD_DECL void close_socket(native_socket s) noexcept
{
  ::close(s);
}

PORTGUARD_DECL void wait_readable(native_socket s, int milliseconds, error_code& ec) noexcept
{
  pollfd request{s, POLLIN, 0};
  if (::poll(&request, 1, milliseconds) < 0)
    ec = last_socket_error();
  else
    ec.clear();
}

PORTGUARD_DECL native_socket open_private_socket(int family, int type, error_code& ec) noexcept
{
#if defined(SOCK_CLOEXEC)
  const native_socket s = ::socket(family, type | SOCK_CLOEXEC, 0);
#else
  const native_socket s = ::socket(family, type, 0);
  if (s >= 0)
    ::fcntl(s, F_SETFD, FD_CLOEXEC);
#endif
  if (s < 0)
  {
    ec = last_socket_error();
    return no_socket;
  }
  ec.clear();
  return s;
}

PORTGUARD_DECL bool socket_fingerprint(native_socket s, std::uint64_t& identity) noexcept
{
  struct stat status;
  if (::fstat(s, &status) != 0 || !S_ISSOCK(status.st_mode))
    return false;
  identity = static_cast<std::uint64_t>(status.st_ino);
  return true;
}

PORTGUARD_DECL bool wildcard_refused_beside_any_specific() noexcept
{
  return false;
}

PORTGUARD_DECL bool rules_option(int level, int name, rules::option& out) noexcept
{
  if (level != SOL_SOCKET)
    return false;
  if (name == SO_REUSEADDR)
    out = rules::option::reuse_address;
  else if (name == SO_REUSEPORT)
    out = rules::option::reuse_port;
#if defined(SO_REUSEPORT_LB)
  else if (name == SO_REUSEPORT_LB)
    out = rules::option::reuse_port_lb;
#endif
  else
    return false;
  return true;
}

PORTGUARD_DECL void set_exclusive(native_socket s, bool datagram, error_code& ec) noexcept
{
  if (!set_int_option(s, SOL_SOCKET, SO_REUSEPORT, 0, ec))
  {
    ec = error::option_refused;
    return;
  }
  if (datagram && !set_int_option(s, SOL_SOCKET, SO_REUSEADDR, 0, ec))
    ec = error::option_refused;
}

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_IMPL_PLATFORM_POSIX_IPP
