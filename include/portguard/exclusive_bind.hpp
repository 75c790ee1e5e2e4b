//
// portguard/exclusive_bind.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#ifndef PORTGUARD_EXCLUSIVE_BIND_HPP
#define PORTGUARD_EXCLUSIVE_BIND_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/exclusive_ops.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/detail/socket_traits.hpp>
#include <portguard/error.hpp>
#include <portguard/exclusivity.hpp>

#include <type_traits>

PORTGUARD_NAMESPACE_BEGIN

/// Makes an open, not yet bound acceptor or UDP socket exclusive.
/**
 * Applies this platform's rule:
 * - **Windows:** SO_EXCLUSIVEADDRUSE on; SO_REUSEADDR off first if it was
 *   on (the two conflict).
 * - **POSIX:** SO_REUSEPORT off; for a UDP socket SO_REUSEADDR off too. A
 *   TCP acceptor keeps SO_REUSEADDR: once listening it cannot be shared
 *   through it (until then is_exclusive() answers false).
 *
 * It never turns SO_REUSEADDR on. Use it to retrofit a socket that other
 * code opened, before that code binds it.
 *
 * @param socket An open `basic_socket_acceptor` or `basic_datagram_socket`.
 * @param policy What to do if the operating system refuses the option.
 * @param ec Set on failure: `bad_descriptor` if the socket is closed,
 * portguard::error::already_bound if it is bound (too late to take effect),
 * portguard::error::conflicting_option if SO_REUSEADDR could not be turned
 * off on Windows,
 * portguard::error::option_refused if the OS refused under exclusivity::required.
 */
template <typename Socket>
std::enable_if_t<detail::is_bindable_v<Socket>>
make_exclusive(Socket& socket, exclusivity policy, error_code& ec)
{
  if (!socket.is_open())
  {
    ec = net::error::bad_descriptor;
    return;
  }
  detail::exclusive_open(socket.native_handle(), detail::is_datagram_v<Socket>,
      policy, ec);
}

/// Makes an open, not yet bound socket exclusive, under exclusivity::required.
template <typename Socket>
std::enable_if_t<detail::is_bindable_v<Socket>>
make_exclusive(Socket& socket, error_code& ec)
{
  portguard::make_exclusive(socket, exclusivity::required, ec);
}

/// Makes an open, not yet bound socket exclusive (throwing form).
/**
 * @throws system_error Thrown on failure, naming "make_exclusive".
 */
template <typename Socket>
std::enable_if_t<detail::is_bindable_v<Socket>>
make_exclusive(Socket& socket, exclusivity policy = exclusivity::required)
{
  error_code ec;
  portguard::make_exclusive(socket, policy, ec);
  detail::throw_if(ec, "make_exclusive");
}

/// Binds an acceptor or UDP socket so that no rival can share its port.
/**
 * Equivalent to the following code, with each step's error returned:
 * @code
 * if (!socket.is_open())
 *   socket.open(endpoint.protocol());
 * portguard::make_exclusive(socket, policy);
 * socket.bind(endpoint);
 * @endcode
 * and it checks who holds the port: the bind itself is the proof where it
 * can be (see portguard::secure_acceptor). On POSIX a TCP acceptor that
 * has SO_REUSEADDR (set by the caller for restarts) is bound without it
 * first; only if that fails with "address in use" (TIME_WAIT entries of a
 * previous run) is it bound with it, and the socket table is read to tell
 * those entries from a socket that shares the port. SO_REUSEADDR is on
 * again afterwards, as the caller left it, so until the caller listens a
 * rival could still join the bound acceptor (is_exclusive() says false
 * until then); portguard::secure_acceptor closes that window.
 *
 * It never turns SO_REUSEADDR on, and an acceptor is left bound, not
 * listening. If this function opened the socket and any step fails, it
 * closes the socket again, so nothing stays open or bound. Under
 * exclusivity::required, a socket whose port turns out to be held by
 * someone else is closed whoever opened it (a bound socket cannot be
 * unbound).
 *
 * @param socket A `basic_socket_acceptor` (TCP) or `basic_datagram_socket` (UDP).
 * @param endpoint The local endpoint to bind.
 * @param policy What to do if the operating system refuses the option, or
 * another socket already holds the port.
 * @param ec Set to indicate what error occurred, if any; besides the
 * operating system's errors and those of make_exclusive(),
 * portguard::error::port_shared and portguard::error::holders_unknown.
 */
template <typename Socket>
std::enable_if_t<detail::is_bindable_v<Socket>>
exclusive_bind(Socket& socket, const typename Socket::endpoint_type& endpoint,
    exclusivity policy, error_code& ec)
{
  const bool opened_here = !socket.is_open();
  if (opened_here)
  {
    socket.open(endpoint.protocol(), ec);
    if (ec)
      return;
    detail::exclusive_unbound(socket.native_handle(),
        detail::is_datagram_v<Socket>, policy, ec);
  }
  else
  {
    detail::exclusive_open(socket.native_handle(),
        detail::is_datagram_v<Socket>, policy, ec);
  }
  // POSIX: the caller's SO_REUSEADDR (TCP only: make_exclusive turned it
  // off for UDP) is kept off for the bind, so the bind proves the socket
  // alone, and given back after.
  const bool reuse_wanted = !ec && !detail::reuse_address_is_emulated
      && detail::reuse_address_is_set(socket.native_handle());
  if (reuse_wanted)
    detail::set_reuse_address(socket.native_handle(), false, ec);
  if (!ec)
    detail::bind_verified(socket, endpoint, reuse_wanted, policy, ec);
  if (!ec && reuse_wanted)
    detail::set_reuse_address(socket.native_handle(), true, ec);
  if (ec && opened_here && socket.is_open())
  {
    error_code ignored;
    socket.close(ignored);
  }
}

/// Binds exclusively under exclusivity::required.
template <typename Socket>
std::enable_if_t<detail::is_bindable_v<Socket>>
exclusive_bind(Socket& socket, const typename Socket::endpoint_type& endpoint,
    error_code& ec)
{
  portguard::exclusive_bind(socket, endpoint, exclusivity::required, ec);
}

/// Binds exclusively (throwing form).
/**
 * @throws system_error Thrown on failure, naming "exclusive_bind".
 */
template <typename Socket>
std::enable_if_t<detail::is_bindable_v<Socket>>
exclusive_bind(Socket& socket, const typename Socket::endpoint_type& endpoint,
    exclusivity policy = exclusivity::required)
{
  error_code ec;
  portguard::exclusive_bind(socket, endpoint, policy, ec);
  detail::throw_if(ec, "exclusive_bind");
}

PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_EXCLUSIVE_BIND_HPP
