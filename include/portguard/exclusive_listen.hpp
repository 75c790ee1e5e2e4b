//
// portguard/exclusive_listen.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#ifndef PORTGUARD_EXCLUSIVE_LISTEN_HPP
#define PORTGUARD_EXCLUSIVE_LISTEN_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/exclusive_ops.hpp>
#include <portguard/detail/socket_traits.hpp>
#include <portguard/error.hpp>
#include <portguard/exclusivity.hpp>
#include <portguard/other_family.hpp>

#include <type_traits>

PORTGUARD_NAMESPACE_BEGIN

/// Makes an acceptor that other code bound (a framework's) as exclusive as
/// portguard::secure_acceptor, and listens on it.
/**
 * For a framework that owns its acceptor and calls `bind()` itself
 * (RESTinio, websocketpp, a Beast-style listener): call it in the
 * framework's hook after bind, or right after the framework listens.
 * Make the acceptor exclusive before its bind too
 * (`acceptor.set_option(portguard::exclusive_address_use(true))` or
 * portguard::make_exclusive() in the framework's pre-bind hook): on Windows
 * the option works only when set before bind.
 *
 * Equivalent to the following, with each step's error returned:
 * @code
 * // refuse options that share the port (SO_REUSEPORT on; on Windows
 * // SO_EXCLUSIVEADDRUSE off or set too late)
 * if (!listening)
 *   acceptor.listen(max_listen_connections); // Linux: without SO_REUSEADDR first
 * // show that nobody else holds the port (the listen itself, or the socket table)
 * portguard::guard_other_family(acceptor, policy);
 * @endcode
 *
 * - **Called after bind, before the framework listens** (RESTinio's
 *   `acceptor_post_bind_hook`): on Linux the listen runs with SO_REUSEADDR
 *   off, so it fails if any socket overlaps the port; only then (entries
 *   in TIME_WAIT from a previous run, or a squatter bound first with
 *   SO_REUSEADDR) does it listen with it and read the socket table, which
 *   names a squatter. From the listen on, no rival can bind beside the
 *   socket. SO_REUSEADDR is left as the framework set it, so restarts over
 *   TIME_WAIT keep working. The framework's own `listen()` that follows
 *   only sets its backlog.
 * - **Called after the framework listened** (websocketpp, which has no
 *   post-bind hook): the socket table shows whether a socket joined
 *   between the framework's bind and its listen, or bound first; a
 *   squatter is found either way, but only the socket table can show it
 *   (Linux 6.8 and later list TCP sockets that are bound but not
 *   listening; before that exclusivity::required fails with
 *   portguard::error::holders_unknown).
 * - **Windows:** a probe bind shows whether SO_EXCLUSIVEADDRUSE took effect
 *   and no socket shadows the port, then it listens.
 * - **macOS, FreeBSD:** listen() does not check the port again, so only a
 *   socket table could show a squatter, and portguard reads none there:
 *   exclusivity::required fails with portguard::error::holders_unknown.
 *
 * Under exclusivity::required a socket that is not alone is closed (a bound
 * socket cannot be unbound). The guard on the other family is kept as for
 * exclusive_bind(): until the acceptor is closed and the next portguard
 * call in this process notices.
 *
 * @param acceptor An open, bound `basic_socket_acceptor` or
 * portguard::secure_acceptor (which simply listens as it always does).
 * @param policy What to do if an option shares the port or another socket
 * holds it.
 * @param family Whether to hold the port on the other address family.
 * @param ec Set to indicate what error occurred, if any: `bad_descriptor`
 * for a closed acceptor, `invalid_argument` for one that is not bound,
 * portguard::error::not_exclusive (an option shares the port),
 * portguard::error::port_shared, portguard::error::holders_unknown,
 * portguard::error::other_family_held, or the operating system's error.
 */
template <typename Acceptor>
std::enable_if_t<detail::is_acceptor_v<Acceptor>>
exclusive_listen(Acceptor& acceptor, exclusivity policy, other_family family,
    error_code& ec)
{
  ec.clear();
  if (!acceptor.is_open())
  {
    ec = net::error::bad_descriptor;
    return;
  }
  if constexpr (detail::is_secure_acceptor_v<Acceptor>)
  {
    if (!detail::is_listening(acceptor.native_handle()))
      acceptor.listen(net::socket_base::max_listen_connections, ec);
  }
  else
  {
    detail::exclusive_state<typename Acceptor::protocol_type> state(policy);
    state.family = family;
    state.guard_in_registry = true;
    detail::listen_bound_by_others(acceptor, state, ec);
  }
}

/// Makes a bound acceptor exclusive and listens, guarding the other address
/// family (other_family::guard).
template <typename Acceptor>
std::enable_if_t<detail::is_acceptor_v<Acceptor>>
exclusive_listen(Acceptor& acceptor, exclusivity policy, error_code& ec)
{
  portguard::exclusive_listen(acceptor, policy, other_family::guard, ec);
}

/// Makes a bound acceptor exclusive and listens, under
/// exclusivity::required, guarding the other address family.
template <typename Acceptor>
std::enable_if_t<detail::is_acceptor_v<Acceptor>>
exclusive_listen(Acceptor& acceptor, error_code& ec)
{
  portguard::exclusive_listen(acceptor, exclusivity::required, ec);
}

/// Makes a bound acceptor exclusive and listens (throwing form).
/**
 * @throws system_error Thrown on failure, naming "exclusive_listen", the
 * option judged or the holder (on either family), and the remedy.
 */
template <typename Acceptor>
std::enable_if_t<detail::is_acceptor_v<Acceptor>>
exclusive_listen(Acceptor& acceptor, exclusivity policy = exclusivity::required,
    other_family family = other_family::guard)
{
  error_code ec;
  const detail::failure_site site = detail::site_before_listen(acceptor.native_handle());
  portguard::exclusive_listen(acceptor, policy, family, ec);
  if (ec)
    detail::throw_explained(ec, "exclusive_listen", site);
}

/// The other Asio flavour's sockets: a static_assert that names the macro.
PORTGUARD_DETAIL_REJECT_OTHER_FLAVOUR(exclusive_listen)

PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_EXCLUSIVE_LISTEN_HPP
