//
// portguard/is_exclusive.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#ifndef PORTGUARD_IS_EXCLUSIVE_HPP
#define PORTGUARD_IS_EXCLUSIVE_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/detail/socket_traits.hpp>

#include <type_traits>

PORTGUARD_NAMESPACE_BEGIN

/// Whether a rival could share the port of a live socket, judged from its options.
/**
 * Reads the socket's options and applies this platform's rule:
 * - **Windows:** exclusive if SO_EXCLUSIVEADDRUSE is on.
 * - **POSIX:** exclusive if SO_REUSEPORT is off and either SO_REUSEADDR is
 *   off or the socket is a listening TCP socket (a bound-but-not-listening
 *   TCP socket with SO_REUSEADDR, or a UDP socket with SO_REUSEADDR, can be
 *   bound again by any user).
 *
 * At most three getsockopt calls.
 *
 * @param socket An open acceptor or socket.
 * @param ec Set to indicate what error occurred, if any (a closed socket
 * gives `bad_descriptor`). The result is false on error.
 */
template <typename Socket>
std::enable_if_t<detail::is_inspectable_v<Socket>, bool>
is_exclusive(Socket& socket, error_code& ec)
{
  if (!socket.is_open())
  {
    ec = net::error::bad_descriptor;
    return false;
  }
  return detail::native_is_exclusive(socket.native_handle(), ec);
}

/// Whether a rival could share the port of a live socket (throwing form).
/**
 * @throws system_error Thrown on failure, naming "is_exclusive".
 */
template <typename Socket>
std::enable_if_t<detail::is_inspectable_v<Socket>, bool>
is_exclusive(Socket& socket)
{
  error_code ec;
  const bool result = portguard::is_exclusive(socket, ec);
  detail::throw_if(ec, "is_exclusive");
  return result;
}

PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_IS_EXCLUSIVE_HPP
