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
#include <portguard/other_family.hpp>

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
  const detail::native_socket s = socket.native_handle();
  if (detail::is_bound(s))
    ec = error::already_bound; // too late for the option to take effect
  else
    detail::make_exclusive(s, detail::is_datagram_v<Socket>, policy, ec);
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
 * The same port on the other address family is held too (see
 * portguard::other_family): for a plain socket the guard is kept until the
 * socket is closed and the next portguard call in this process notices (a
 * bind, is_exclusive(), guard_other_family()); a secure acceptor keeps its
 * own.
 *
 * @param policy What to do if the operating system refuses the option, or
 * another socket already holds the port.
 * @param family Whether to hold the port on the other address family.
 * @param ec Set to indicate what error occurred, if any; besides the
 * operating system's errors and those of make_exclusive(),
 * portguard::error::port_shared, portguard::error::holders_unknown and
 * portguard::error::other_family_held.
 */
template <typename Socket>
std::enable_if_t<detail::is_bindable_v<Socket>>
exclusive_bind(Socket& socket, const typename Socket::endpoint_type& endpoint,
    exclusivity policy, other_family family, error_code& ec)
{
  const bool opened_here = !socket.is_open();
  if (opened_here)
  {
    socket.open(endpoint.protocol(), ec);
    if (ec)
      return;
  }
  else if (detail::is_bound(socket.native_handle()))
    ec = error::already_bound;
  if (!ec)
    detail::make_exclusive(socket.native_handle(), detail::is_datagram_v<Socket>, policy, ec);
  // POSIX: the caller's SO_REUSEADDR (TCP only) stays off for the bind, so
  // the bind is the proof, and is given back after.
  const bool reuse_wanted = !ec && !detail::reuse_address_is_emulated
      && detail::reuse_address_is_set(socket.native_handle());
  if (reuse_wanted)
    detail::set_reuse_address(socket.native_handle(), false, ec);
  if (!ec)
  {
    if constexpr (detail::is_secure_acceptor_v<Socket>)
    {
      // The acceptor's own bind, under the caller's policy.
      using access = detail::secure_acceptor_access;
      socket.set_other_family(family);
      detail::bind_exclusive(access::base(socket), access::state(socket), endpoint, policy,
          detail::bind_mode::bind_only, ec);
    }
    else
    {
      detail::exclusive_state<typename Socket::protocol_type> state(policy);
      state.family = family;
      state.reuse_address = reuse_wanted;
      state.guard_in_registry = true;
      detail::bind_exclusive(socket, state, endpoint, policy,
          detail::bind_mode::bind_only, ec);
    }
  }
  if (!ec && reuse_wanted)
    detail::set_reuse_address(socket.native_handle(), true, ec);
  if (ec && opened_here && socket.is_open())
  {
    error_code ignored;
    socket.close(ignored);
  }
}

/// Binds exclusively, guarding the other address family
/// (other_family::guard).
template <typename Socket>
std::enable_if_t<detail::is_bindable_v<Socket>>
exclusive_bind(Socket& socket, const typename Socket::endpoint_type& endpoint,
    exclusivity policy, error_code& ec)
{
  portguard::exclusive_bind(socket, endpoint, policy, other_family::guard, ec);
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
 * @throws system_error Thrown on failure, naming "exclusive_bind" (and, for
 * portguard::error::port_shared, the holder).
 */
template <typename Socket>
std::enable_if_t<detail::is_bindable_v<Socket>>
exclusive_bind(Socket& socket, const typename Socket::endpoint_type& endpoint,
    exclusivity policy = exclusivity::required)
{
  error_code ec;
  portguard::exclusive_bind(socket, endpoint, policy, ec);
  detail::throw_naming_holder(ec, "exclusive_bind", endpoint);
}

/// Binds exclusively, choosing what to do with the other address family
/// (throwing form).
/**
 * @throws system_error Thrown on failure, naming "exclusive_bind" (and, for
 * portguard::error::port_shared, the holder).
 */
template <typename Socket>
std::enable_if_t<detail::is_bindable_v<Socket>>
exclusive_bind(Socket& socket, const typename Socket::endpoint_type& endpoint,
    exclusivity policy, other_family family)
{
  error_code ec;
  portguard::exclusive_bind(socket, endpoint, policy, family, ec);
  detail::throw_naming_holder(ec, "exclusive_bind", endpoint);
}

/// Holds the port of a socket that is already bound on the other address
/// family too (see portguard::other_family).
/**
 * For a socket bound by code that is not portguard's (make_exclusive() in
 * a hook, then the owner's own bind): exclusive_bind() and
 * portguard::secure_acceptor do this as part of the bind. The guard is kept
 * until the socket is closed and the next portguard call in this process
 * notices. A socket on an address without a counterpart (a dual-stack
 * `[::]`, an address other than a wildcard or loopback) needs none, and a
 * host without the other family has nothing to guard: both succeed.
 *
 * @param socket A bound acceptor or datagram socket.
 * @param policy Under exclusivity::required, fail with
 * portguard::error::other_family_held if another socket holds the port on
 * the other family; under best_effort go on (is_exclusive() then says
 * false).
 * @param ec Set on failure: `bad_descriptor` for a closed socket,
 * `invalid_argument` for one that is not bound, or as above.
 */
template <typename Socket>
std::enable_if_t<detail::is_bindable_v<Socket>>
guard_other_family(Socket& socket, exclusivity policy, error_code& ec)
{
  if (!socket.is_open())
  {
    ec = net::error::bad_descriptor;
    return;
  }
  if constexpr (detail::is_secure_acceptor_v<Socket>)
  {
    if (socket.guards_other_family())
    {
      ec.clear();
      return;
    }
  }
  const detail::native_socket s = socket.native_handle();
  if (detail::bound_port(s) == 0)
  {
    ec = net::error::invalid_argument;
    return;
  }
  if (detail::guard_registry::instance().guards(s))
  {
    ec.clear();
    return;
  }
  detail::exclusive_state<typename Socket::protocol_type> state(policy);
  state.guard_in_registry = true;
  detail::guard_bound_socket(s, state, policy, ec);
  if (!ec)
    detail::keep_guard(s, state);
}

/// Holds the other address family under exclusivity::required.
template <typename Socket>
std::enable_if_t<detail::is_bindable_v<Socket>>
guard_other_family(Socket& socket, error_code& ec)
{
  portguard::guard_other_family(socket, exclusivity::required, ec);
}

/// Holds the other address family (throwing form).
/**
 * @throws system_error Thrown on failure, naming "guard_other_family" (and,
 * for portguard::error::other_family_held, the holder).
 */
template <typename Socket>
std::enable_if_t<detail::is_bindable_v<Socket>>
guard_other_family(Socket& socket, exclusivity policy = exclusivity::required)
{
  error_code ec;
  portguard::guard_other_family(socket, policy, ec);
  error_code ignored;
  detail::throw_naming_holder(ec, "guard_other_family", socket.local_endpoint(ignored));
}

/// The other Asio flavour's sockets: a static_assert that names the macro.
PORTGUARD_DETAIL_REJECT_OTHER_FLAVOUR(make_exclusive)
PORTGUARD_DETAIL_REJECT_OTHER_FLAVOUR(exclusive_bind)
PORTGUARD_DETAIL_REJECT_OTHER_FLAVOUR(guard_other_family)

PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_EXCLUSIVE_BIND_HPP
