//
// portguard/graceful_close.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#ifndef PORTGUARD_GRACEFUL_CLOSE_HPP
#define PORTGUARD_GRACEFUL_CLOSE_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/platform.hpp>

#if defined(PORTGUARD_STANDALONE_ASIO)
#  include <asio/async_result.hpp>
#  include <asio/basic_stream_socket.hpp>
#  include <asio/buffer.hpp>
#  include <asio/compose.hpp>
#  include <asio/post.hpp>
#  include <asio/steady_timer.hpp>
#else
#  include <boost/asio/async_result.hpp>
#  include <boost/asio/basic_stream_socket.hpp>
#  include <boost/asio/buffer.hpp>
#  include <boost/asio/compose.hpp>
#  include <boost/asio/post.hpp>
#  include <boost/asio/steady_timer.hpp>
#endif

#include <chrono>
#include <cstddef>
#include <memory>

PORTGUARD_NAMESPACE_BEGIN

/// How much graceful_close() may wait for, and read from, the peer.
struct drain_limits
{
  /// The most bytes to read and discard before giving up on the peer.
  std::size_t max_bytes = 64 * 1024;

  /// The longest time to wait for the peer to end its side.
  std::chrono::milliseconds max_time = std::chrono::milliseconds(1000);
};

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
 * @param socket A connected stream socket.
 * @param limits How long to wait and how much to read at most.
 * @param ec Cleared if the peer ended the connection within the limits;
 * `net::error::timed_out` if `limits.max_time` passed first;
 * `net::error::message_size` if the peer sent more than `limits.max_bytes`
 * first; `bad_descriptor` for a closed socket; `not_connected` for a socket
 * that has no connection; otherwise the error of the failed step.
 * @returns The number of bytes read and discarded.
 */
template <typename Protocol, typename Executor>
std::size_t graceful_close(net::basic_stream_socket<Protocol, Executor>& socket,
    const drain_limits& limits, error_code& ec)
{
  ec.clear();
  if (!socket.is_open())
  {
    ec = net::error::bad_descriptor;
    return 0;
  }
  std::size_t drained = 0;
  const auto deadline = std::chrono::steady_clock::now() + limits.max_time;
  socket.shutdown(net::socket_base::shutdown_send, ec);
  if (!ec)
    socket.non_blocking(true, ec);
  char discard[4096];
  while (!ec)
  {
    drained += socket.read_some(net::buffer(discard), ec);
    if (ec == net::error::eof)
    {
      ec.clear(); // the peer ended its side: done
      break;
    }
    if (drained > limits.max_bytes)
    {
      ec = net::error::message_size;
      break;
    }
    if (ec != net::error::would_block && ec != net::error::try_again)
      continue; // read again after data, stop on any other error
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
    {
      ec = net::error::timed_out;
      break;
    }
    // Wait until readable or the deadline, as Asio's own blocking reads do.
    ec.clear();
    detail::wait_readable(socket.native_handle(), static_cast<int>(left.count()), ec);
    if (ec == net::error::interrupted)
      ec.clear();
  }
  error_code ignored;
  socket.close(ignored);
  return drained;
}

/// Closes a connected stream socket gracefully, within the default drain_limits.
template <typename Protocol, typename Executor>
std::size_t graceful_close(net::basic_stream_socket<Protocol, Executor>& socket,
    error_code& ec)
{
  return portguard::graceful_close(socket, drain_limits(), ec);
}

/// Closes a connected stream socket gracefully (throwing form).
/**
 * The socket is closed when the function returns or throws.
 *
 * @throws system_error Thrown on failure, naming "graceful_close".
 */
template <typename Protocol, typename Executor>
std::size_t graceful_close(net::basic_stream_socket<Protocol, Executor>& socket,
    const drain_limits& limits = drain_limits())
{
  error_code ec;
  const std::size_t drained = portguard::graceful_close(socket, limits, ec);
  detail::throw_if(ec, "graceful_close");
  return drained;
}

namespace detail {

/// The composed operation behind async_graceful_close(): a chain of reads
/// that owns the operation, and a timer that only cancels the socket.
template <typename Socket>
class graceful_close_op
{
  struct state
  {
    state(Socket& s, const drain_limits& l)
      : socket(s), limits(l), timer(s.get_executor())
    {
    }
    Socket& socket;
    drain_limits limits;
    net::steady_timer timer;
    error_code early_error;
    std::size_t drained = 0;
    bool done = false;
    bool timed_out = false;
    char buffer[4096];
  };

public:
  graceful_close_op(Socket& socket, const drain_limits& limits)
    : state_(std::make_shared<state>(socket, limits))
  {
  }

  template <typename Self>
  void operator()(Self& self, error_code ec = {}, std::size_t n = 0)
  {
    state& st = *state_;
    switch (phase_)
    {
    case starting:
      if (!st.socket.is_open())
        st.early_error = net::error::bad_descriptor;
      else
        st.socket.shutdown(net::socket_base::shutdown_send, st.early_error);
      if (st.early_error)
      {
        // Never complete inside the initiating function.
        phase_ = failing;
        net::post(st.socket.get_executor(), std::move(self));
        return;
      }
      phase_ = reading;
      st.timer.expires_after(st.limits.max_time);
      st.timer.async_wait([s = state_](const error_code& timer_ec) {
        if (timer_ec || s->done)
          return;
        s->timed_out = true;
        error_code ignored;
        s->socket.cancel(ignored);
      });
      st.socket.async_read_some(net::buffer(st.buffer), std::move(self));
      return;
    case failing:
      finish(self, st.early_error);
      return;
    case reading:
      st.drained += n;
      if (ec == net::error::eof)
        finish(self, error_code());
      else if (st.timed_out)
        finish(self, net::error::timed_out);
      else if (ec)
        finish(self, ec);
      else if (st.drained > st.limits.max_bytes)
        finish(self, net::error::message_size);
      else
        st.socket.async_read_some(net::buffer(st.buffer), std::move(self));
      return;
    }
  }

private:
  template <typename Self>
  void finish(Self& self, const error_code& ec)
  {
    state& st = *state_;
    st.done = true;
    st.timer.cancel();
    error_code ignored;
    st.socket.close(ignored);
    const error_code result = ec;
    const std::size_t drained = st.drained;
    self.complete(result, drained);
  }

  std::shared_ptr<state> state_;
  enum { starting, failing, reading } phase_ = starting;
};

} // namespace detail

/// Closes a connected stream socket gracefully, asynchronously.
/**
 * The asynchronous form of graceful_close(): shuts down sending, reads and
 * discards until the peer ends its side within `limits` (a timer on the
 * socket's executor bounds the time), then closes the socket. The socket is
 * closed when the handler runs, whatever happened.
 *
 * As with every operation on an Asio socket, no other operation may run on
 * the socket meanwhile, and on a multi-threaded `io_context` the socket's
 * executor must be a strand (the internal timer runs on it too).
 *
 * @param socket A connected stream socket; it must outlive the operation.
 * @param limits How long to wait and how much to read at most.
 * @param token The completion token. The handler's signature is
 * `void(error_code ec, std::size_t bytes_discarded)`, with the codes of
 * graceful_close().
 */
template <typename Protocol, typename Executor,
    typename CompletionToken = net::default_completion_token_t<Executor>>
auto async_graceful_close(net::basic_stream_socket<Protocol, Executor>& socket,
    const drain_limits& limits,
    CompletionToken&& token = net::default_completion_token_t<Executor>())
{
  using socket_type = net::basic_stream_socket<Protocol, Executor>;
  return net::async_compose<CompletionToken, void(error_code, std::size_t)>(
      detail::graceful_close_op<socket_type>(socket, limits), token, socket);
}

PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_GRACEFUL_CLOSE_HPP
