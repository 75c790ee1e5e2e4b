//
// portguard/bind_with_retry.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#ifndef PORTGUARD_BIND_WITH_RETRY_HPP
#define PORTGUARD_BIND_WITH_RETRY_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/exclusive_ops.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/detail/socket_traits.hpp>
#include <portguard/exclusive_bind.hpp>
#include <portguard/secure_acceptor.hpp>

#include <chrono>
#include <functional>
#include <type_traits>

PORTGUARD_NAMESPACE_BEGIN

/// How often, and how patiently, listen_with_retry() and bind_with_retry()
/// try again.
struct retry_options
{
  /// The most bind attempts in all (the first included). Must be at least 1.
  unsigned attempts = 5;

  /// The pause after the first failed attempt.
  std::chrono::milliseconds initial_delay = std::chrono::milliseconds(100);

  /// Each later pause is the previous one times this factor (at least 1)...
  unsigned backoff_factor = 2;

  /// ...but never longer than this.
  std::chrono::milliseconds max_delay = std::chrono::milliseconds(2000);

  /// Called before each pause with the number of the attempt that failed
  /// (1 for the first) and its error, for logging. May be empty.
  std::function<void(unsigned, const error_code&)> on_retry;
};

namespace detail {

/// Sleeps between two attempts (impl/bind_with_retry.ipp: <thread> stays out
/// of the headers).
PORTGUARD_DECL void pause_between_attempts(std::chrono::milliseconds delay);

/// Runs `attempt` until it succeeds, fails with a non-transient error, or
/// the attempts run out; sleeps with exponential back-off in between.
template <typename Attempt>
void retry_bind(const retry_options& retry, error_code& ec, Attempt attempt)
{
  if (retry.attempts == 0 || retry.initial_delay.count() < 0
      || retry.max_delay.count() < 0)
  {
    ec = net::error::invalid_argument;
    return;
  }
  auto delay = retry.initial_delay;
  for (unsigned n = 1;; ++n)
  {
    ec.clear();
    attempt(ec);
    if (!ec || !bind_error_is_transient(ec) || n == retry.attempts)
      return;
    if (retry.on_retry)
      retry.on_retry(n, ec);
    pause_between_attempts(delay < retry.max_delay ? delay : retry.max_delay);
    if (delay < retry.max_delay)
      delay *= (retry.backoff_factor > 1 ? retry.backoff_factor : 1);
  }
}

} // namespace detail

/// Opens, binds and listens a secure acceptor on the application's own port,
/// retrying while the port is still held.
/**
 * Each attempt does what the secure acceptor's endpoint constructor does
 * (open exclusive; on POSIX SO_REUSEADDR; bind; listen) and closes the
 * acceptor again if a step fails. An attempt that fails while the port is
 * held is retried (POSIX: `address_in_use`; Windows: `address_in_use` and
 * `access_denied`, the answer to an exclusive rebind while the previous
 * socket's connections linger) after a pause that grows
 * from `retry.initial_delay` by `retry.backoff_factor` up to
 * `retry.max_delay`; any other error ends the call at once. The calling
 * thread sleeps during the pauses, so call it at start-up.
 *
 * Why: on Windows an exclusive rebind of a port may fail while connections
 * accepted by the previous listener linger (Microsoft's documentation);
 * close them with graceful_close() and let this function wait for the rest.
 *
 * To bind an acceptor that is not a secure acceptor, or a UDP socket,
 * without listening, use bind_with_retry().
 *
 * @param acceptor A closed secure acceptor (`already_open` otherwise).
 * @param endpoint The local endpoint to listen on.
 * @param retry How many attempts, and the back-off between them.
 * @param ec Cleared on success; otherwise the error of the last attempt, or
 * `invalid_argument` if `retry.attempts` is 0 or a delay is negative.
 */
template <typename Protocol, typename Executor>
void listen_with_retry(basic_secure_acceptor<Protocol, Executor>& acceptor,
    const typename Protocol::endpoint& endpoint, const retry_options& retry,
    error_code& ec)
{
  if (acceptor.is_open())
  {
    ec = net::error::already_open;
    return;
  }
  using access = detail::secure_acceptor_access;
  detail::retry_bind(retry, ec, [&](error_code& step) {
    detail::open_bind_listen(access::base(acceptor), access::state(acceptor), endpoint,
        true, step);
  });
}

/// Opens, binds and listens a secure acceptor, retrying with the default
/// retry_options.
template <typename Protocol, typename Executor>
void listen_with_retry(basic_secure_acceptor<Protocol, Executor>& acceptor,
    const typename Protocol::endpoint& endpoint, error_code& ec)
{
  portguard::listen_with_retry(acceptor, endpoint, retry_options(), ec);
}

/// Opens, binds and listens a secure acceptor, retrying (throwing form).
/**
 * @throws system_error Thrown with the last attempt's error, naming
 * "listen_with_retry" (and, for portguard::error::port_shared, the holder).
 */
template <typename Protocol, typename Executor>
void listen_with_retry(basic_secure_acceptor<Protocol, Executor>& acceptor,
    const typename Protocol::endpoint& endpoint, const retry_options& retry = retry_options())
{
  error_code ec;
  portguard::listen_with_retry(acceptor, endpoint, retry, ec);
  detail::throw_naming_holder(ec, "listen_with_retry", endpoint);
}

/// The older name of listen_with_retry() for a secure acceptor: opens, binds
/// and listens, retrying.
/**
 * Kept so existing code builds; new code says listen_with_retry(), which
 * names what happens. Same arguments, same errors.
 */
template <typename Protocol, typename Executor>
void bind_with_retry(basic_secure_acceptor<Protocol, Executor>& acceptor,
    const typename Protocol::endpoint& endpoint, const retry_options& retry,
    error_code& ec)
{
  portguard::listen_with_retry(acceptor, endpoint, retry, ec);
}

/// The older name of listen_with_retry() for a secure acceptor, with the
/// default retry_options.
template <typename Protocol, typename Executor>
void bind_with_retry(basic_secure_acceptor<Protocol, Executor>& acceptor,
    const typename Protocol::endpoint& endpoint, error_code& ec)
{
  portguard::listen_with_retry(acceptor, endpoint, retry_options(), ec);
}

/// Binds an acceptor or UDP socket with exclusive_bind(), retrying while the
/// port is still held.
/**
 * Each attempt is `exclusive_bind(socket, endpoint, policy, ec)`; the retry
 * rule is that of listen_with_retry(). An acceptor is left bound, not
 * listening: call `listen()` next. (Given a secure acceptor,
 * bind_with_retry() is listen_with_retry() under its older name, and
 * listens.)
 *
 * @param socket A `basic_socket_acceptor` or `basic_datagram_socket`.
 * @param endpoint The local endpoint to bind.
 * @param retry How many attempts, and the back-off between them.
 * @param policy What to do if the operating system refuses exclusivity.
 * @param ec Cleared on success; otherwise the error of the last attempt.
 */
template <typename Socket>
std::enable_if_t<detail::is_bindable_v<Socket> && !detail::is_secure_acceptor_v<Socket>>
bind_with_retry(Socket& socket, const typename Socket::endpoint_type& endpoint,
    const retry_options& retry, exclusivity policy, error_code& ec)
{
  detail::retry_bind(retry, ec, [&](error_code& step) {
    portguard::exclusive_bind(socket, endpoint, policy, step);
  });
}

/// Binds with exclusive_bind() under exclusivity::required, retrying.
template <typename Socket>
std::enable_if_t<detail::is_bindable_v<Socket> && !detail::is_secure_acceptor_v<Socket>>
bind_with_retry(Socket& socket, const typename Socket::endpoint_type& endpoint,
    const retry_options& retry, error_code& ec)
{
  portguard::bind_with_retry(socket, endpoint, retry, exclusivity::required, ec);
}

/// Binds with exclusive_bind() under exclusivity::required, retrying with
/// the default retry_options.
template <typename Socket>
std::enable_if_t<detail::is_bindable_v<Socket> && !detail::is_secure_acceptor_v<Socket>>
bind_with_retry(Socket& socket, const typename Socket::endpoint_type& endpoint,
    error_code& ec)
{
  portguard::bind_with_retry(socket, endpoint, retry_options(), exclusivity::required, ec);
}

/// Binds (and, for a secure acceptor, listens), retrying (throwing form).
/**
 * For a secure acceptor prefer listen_with_retry(), the same call under the
 * name of what it does.
 *
 * @throws system_error Thrown with the last attempt's error, naming
 * "bind_with_retry" (and, for portguard::error::port_shared, the holder).
 */
template <typename Socket>
std::enable_if_t<detail::is_bindable_v<Socket>>
bind_with_retry(Socket& socket, const typename Socket::endpoint_type& endpoint,
    const retry_options& retry = retry_options())
{
  error_code ec;
  portguard::bind_with_retry(socket, endpoint, retry, ec);
  detail::throw_naming_holder(ec, "bind_with_retry", endpoint);
}

/// Binds exclusively under `policy`, retrying (throwing form).
/**
 * @throws system_error Thrown with the last attempt's error, naming
 * "bind_with_retry" (and, for portguard::error::port_shared, the holder).
 */
template <typename Socket>
std::enable_if_t<detail::is_bindable_v<Socket> && !detail::is_secure_acceptor_v<Socket>>
bind_with_retry(Socket& socket, const typename Socket::endpoint_type& endpoint,
    const retry_options& retry, exclusivity policy)
{
  error_code ec;
  portguard::bind_with_retry(socket, endpoint, retry, policy, ec);
  detail::throw_naming_holder(ec, "bind_with_retry", endpoint);
}

/// The other Asio flavour's sockets: a static_assert that names the macro.
PORTGUARD_DETAIL_REJECT_OTHER_FLAVOUR(bind_with_retry)
PORTGUARD_DETAIL_REJECT_OTHER_FLAVOUR(listen_with_retry)

PORTGUARD_NAMESPACE_END

#if defined(PORTGUARD_HEADER_ONLY) || defined(PORTGUARD_SOURCE)
#  include <portguard/impl/bind_with_retry.ipp>
#endif

#endif // PORTGUARD_BIND_WITH_RETRY_HPP
