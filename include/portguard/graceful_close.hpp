//
// portguard/graceful_close.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#ifndef PORTGUARD_GRACEFUL_CLOSE_HPP
#define PORTGUARD_GRACEFUL_CLOSE_HPP

#include <portguard/detail/config.hpp>

#if defined(PORTGUARD_STANDALONE_ASIO)
#  include <asio/async_result.hpp>
#  include <asio/basic_stream_socket.hpp>
#else
#  include <boost/asio/async_result.hpp>
#  include <boost/asio/basic_stream_socket.hpp>
#endif

#include <chrono>
#include <cstddef>
#include <type_traits>
#include <utility>

PORTGUARD_NAMESPACE_BEGIN

/// How much graceful_close() may wait for, and read from, the peer.
struct drain_limits
{
  /// The most bytes to read and discard before giving up on the peer.
  std::size_t max_bytes = 64 * 1024;

  /// The longest time to wait for the peer to end its side.
  std::chrono::milliseconds max_time = std::chrono::milliseconds(1000);
};

namespace detail {

// The stream socket of what graceful_close() is given: an Asio stream socket
// (or a type derived from one), or an object whose `socket()` returns one,
// such as Beast's `basic_stream` (`tcp_stream`). Beast is never included.
template <typename Protocol, typename Executor>
net::basic_stream_socket<Protocol, Executor>& stream_socket(
    net::basic_stream_socket<Protocol, Executor>& socket, long) noexcept
{
  return socket;
}

template <typename Stream>
auto stream_socket(Stream& stream, int) noexcept
    -> decltype(detail::stream_socket(stream.socket(), 0L))
{
  return stream.socket();
}

template <typename Stream>
using stream_socket_t = std::remove_reference_t<
    decltype(detail::stream_socket(std::declval<Stream&>(), 0))>;

// `T` when `Stream` is something graceful_close() accepts.
template <typename Stream, typename T>
using if_stream_t = std::conditional_t<true, T, stream_socket_t<Stream>>;

template <typename Socket>
class initiate_graceful_close;

// The initiating function's return type, as Asio's own operations spell it.
template <typename Stream, typename CompletionToken>
using graceful_close_result_t = decltype(
    net::async_initiate<CompletionToken, void(error_code, std::size_t)>(
        std::declval<initiate_graceful_close<stream_socket_t<Stream>>>(),
        std::declval<CompletionToken&>(), std::declval<drain_limits>()));

// The default token of the stream socket's executor.
template <typename Stream>
using default_token_t =
    net::default_completion_token_t<typename stream_socket_t<Stream>::executor_type>;

// Keeps `async_graceful_close(s, limits)` off the overload without limits.
template <typename CompletionToken>
using if_not_limits_t = std::enable_if_t<
    !std::is_same<std::decay_t<CompletionToken>, drain_limits>::value>;

} // namespace detail

/// Closes a connected stream socket so that the connection ends cleanly.
/**
 * Shuts down sending (the peer reads end-of-stream), reads and discards
 * what the peer still sends until the peer ends its side too, within
 * `limits`, then closes the socket. Equivalent to the following code, with
 * the drain bounded in bytes and time:
 * @code
 * socket.shutdown(socket_base::shutdown_send);
 * while (socket.read_some(discard_buffer) > 0) {}  // until end-of-stream
 * socket.close();
 * @endcode
 *
 * Why: Microsoft documents that on Windows an exclusive listener closed
 * while its accepted connections linger may fail to bind its port again
 * until they end. Closing each connection gracefully before closing the
 * listener lets a server restart on its own port (see bind_with_retry()).
 *
 * The socket is closed when the function returns, whatever happened. The
 * calling thread blocks for at most `limits.max_time` (plus one read).
 * Call it when no other operation is pending on the socket.
 *
 * @param stream A connected `net::basic_stream_socket` (such as
 * `tcp::socket`), or an object whose `socket()` member returns one (such as
 * Beast's `tcp_stream`); its socket is the one closed.
 * @param limits How long to wait and how much to read at most.
 * @param ec Cleared if the peer ended the connection within the limits;
 * `net::error::timed_out` if `limits.max_time` passed first;
 * `net::error::message_size` if the peer sent more than `limits.max_bytes`
 * first; `bad_descriptor` for a closed socket; `not_connected` for a socket
 * that has no connection; otherwise the error of the failed step.
 * @returns The number of bytes read and discarded.
 */
template <typename Stream>
detail::if_stream_t<Stream, std::size_t> graceful_close(Stream& stream,
    const drain_limits& limits, error_code& ec);

/// Closes a connected stream socket gracefully, within the default drain_limits.
template <typename Stream>
detail::if_stream_t<Stream, std::size_t> graceful_close(Stream& stream, error_code& ec);

/// Closes a connected stream socket gracefully (throwing form).
/**
 * The socket is closed when the function returns or throws.
 *
 * @throws system_error Thrown on failure, naming "graceful_close".
 */
template <typename Stream>
detail::if_stream_t<Stream, std::size_t> graceful_close(Stream& stream,
    const drain_limits& limits = drain_limits());

/// Closes a connected stream socket gracefully, asynchronously.
/**
 * The asynchronous form of graceful_close(): shuts down sending, reads and
 * discards until the peer ends its side within `limits` (a timer on the
 * socket's executor bounds the time), then closes the socket. The socket is
 * closed when the handler runs, whatever happened. The operation starts on
 * the handler's associated executor, never inside this function.
 *
 * Every step of the operation (each read, the timer's expiry, a
 * cancellation) runs on the handler's associated executor, which defaults
 * to the socket's. As with every operation on an Asio socket, no other
 * operation may run on the socket meanwhile, and on a multi-threaded
 * `io_context` that executor must be a strand: bind the handler to one
 * (`bind_executor`), or give the socket one.
 *
 * The operation's state is allocated with the handler's associated
 * allocator. Where Asio has per-operation cancellation (Boost 1.77,
 * standalone Asio 1.19 and later), emitting `cancellation_type::terminal` or
 * `partial` on the handler's associated cancellation slot ends the drain:
 * the handler gets `net::error::operation_aborted` and the socket is closed.
 *
 * @param stream A connected stream socket, or an object whose `socket()`
 * returns one (such as Beast's `tcp_stream`); it must outlive the operation.
 * @param limits How long to wait and how much to read at most.
 * @param token The completion token. The handler's signature is
 * `void(error_code ec, std::size_t bytes_discarded)`, with the codes of
 * graceful_close() and `operation_aborted` when cancelled.
 */
template <typename Stream,
    PORTGUARD_COMPLETION_TOKEN_FOR(void(error_code, std::size_t)) CompletionToken
        = detail::default_token_t<Stream>>
auto async_graceful_close(Stream& stream, const drain_limits& limits,
    CompletionToken&& token = detail::default_token_t<Stream>())
    -> detail::graceful_close_result_t<Stream, CompletionToken>;

/// Closes a connected stream socket gracefully and asynchronously, within the default drain_limits.
/**
 * @param stream A connected stream socket, or an object whose `socket()`
 * returns one; it must outlive the operation.
 * @param token The completion token, as for the form with limits.
 */
template <typename Stream,
    PORTGUARD_COMPLETION_TOKEN_FOR(void(error_code, std::size_t)) CompletionToken
        = detail::default_token_t<Stream>,
    typename = detail::if_not_limits_t<CompletionToken>>
auto async_graceful_close(Stream& stream,
    CompletionToken&& token = detail::default_token_t<Stream>())
    -> detail::graceful_close_result_t<Stream, CompletionToken>;

PORTGUARD_NAMESPACE_END

#include <portguard/impl/graceful_close.hpp>

#endif // PORTGUARD_GRACEFUL_CLOSE_HPP
