//
// portguard/impl/graceful_close.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The bodies of graceful_close() and async_graceful_close(). Included by
// <portguard/graceful_close.hpp>; not a public header.
//
// The asynchronous operation runs two waits at once, a read and a timer.
// Both complete through the operation: each is started with a small
// intermediate handler that points at the operation's state and carries the
// final handler's associated executor and allocator, so every step runs on
// the handler's executor (a strand, when the handler is bound to one) and
// nothing outside the operation touches its state. The state (socket
// reference, limits, timer, buffer, the final handler) is allocated with
// the handler's associated allocator and freed before the handler is called.
//
#ifndef PORTGUARD_IMPL_GRACEFUL_CLOSE_HPP
#define PORTGUARD_IMPL_GRACEFUL_CLOSE_HPP

#include <portguard/graceful_close.hpp>
#include <portguard/detail/platform.hpp>

#if defined(PORTGUARD_STANDALONE_ASIO)
#  include <asio/associated_allocator.hpp>
#  include <asio/associated_executor.hpp>
#  include <asio/basic_waitable_timer.hpp>
#  include <asio/buffer.hpp>
#  include <asio/post.hpp>
#  if ASIO_VERSION >= 101900
#    include <asio/associated_cancellation_slot.hpp>
#    include <asio/cancellation_type.hpp>
#  endif
#else
#  include <boost/asio/associated_allocator.hpp>
#  include <boost/asio/associated_executor.hpp>
#  include <boost/asio/basic_waitable_timer.hpp>
#  include <boost/asio/buffer.hpp>
#  include <boost/asio/post.hpp>
#  if BOOST_ASIO_VERSION >= 101900
#    include <boost/asio/associated_cancellation_slot.hpp>
#    include <boost/asio/cancellation_type.hpp>
#  endif
#endif

#include <chrono>
#include <memory>
#include <new>

/// Whether this Asio has per-operation cancellation (Asio 1.19, Boost 1.77).
#if PORTGUARD_ASIO_VERSION >= 101900
#  define PORTGUARD_HAS_CANCELLATION_SLOT 1
#else
#  define PORTGUARD_HAS_CANCELLATION_SLOT 0
#endif

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

/// The state of one async_graceful_close() operation, and its steps.
///
/// `refs_` counts the intermediate handlers alive (the start, a read, the
/// timer's wait). A step that runs gives up its reference after its work;
/// the last one to go completes the operation when it has finished, or
/// only frees the state when the handlers were destroyed without running
/// (an io_context destroyed with the operation pending). Every step runs on
/// the final handler's associated executor, so the state needs no lock.
template <typename Socket, typename Handler>
class graceful_close_state
{
public:
  using io_executor_type = typename Socket::executor_type;
  using executor_type = net::associated_executor_t<Handler, io_executor_type>;
  using allocator_type = net::associated_allocator_t<Handler>;
  using timer_type = net::basic_waitable_timer<std::chrono::steady_clock,
      net::wait_traits<std::chrono::steady_clock>, io_executor_type>;

  template <typename H>
  graceful_close_state(Socket& socket, const drain_limits& limits, H&& handler)
    : socket_(socket),
      limits_(limits),
      timer_(socket.get_executor()),
      handler_(std::forward<H>(handler)),
      executor_(net::get_associated_executor(handler_, socket.get_executor()))
  {
  }

  graceful_close_state(const graceful_close_state&) = delete;
  graceful_close_state& operator=(const graceful_close_state&) = delete;

  /// An intermediate handler: runs one step of the operation on the final
  /// handler's executor, allocates with its allocator.
  template <typename Step>
  class step_handler
  {
  public:
    using executor_type = graceful_close_state::executor_type;
    using allocator_type = graceful_close_state::allocator_type;

    explicit step_handler(graceful_close_state* state) noexcept
      : state_(state), executor_(state->executor_),
        allocator_(net::get_associated_allocator(state->handler_))
    {
      ++state_->refs_;
    }

    // The executor and allocator are copies, so a moved-from handler still
    // answers for them (an executor may ask after the move).
    step_handler(step_handler&& other) noexcept
      : state_(other.state_), executor_(other.executor_), allocator_(other.allocator_)
    {
      other.state_ = nullptr;
    }

    step_handler(const step_handler&) = delete;
    step_handler& operator=(const step_handler&) = delete;
    step_handler& operator=(step_handler&&) = delete;

    ~step_handler()
    {
      if (state_)
        state_->release(false); // destroyed without running
    }

    template <typename... Args>
    void operator()(Args... args)
    {
      graceful_close_state* state = state_;
      state_ = nullptr;
      Step::run(*state, args...);
      state->release(true);
    }

    executor_type get_executor() const noexcept { return executor_; }

    allocator_type get_allocator() const noexcept { return allocator_; }

  private:
    graceful_close_state* state_;
    executor_type executor_;
    allocator_type allocator_;
  };

  struct start_step
  {
    static void run(graceful_close_state& s) { s.on_start(); }
  };

  struct read_step
  {
    static void run(graceful_close_state& s, error_code ec, std::size_t n)
    {
      s.on_read(ec, n);
    }
  };

  struct timer_step
  {
    static void run(graceful_close_state& s, error_code ec) { s.on_timer(ec); }
  };

  /// Allocates and constructs the state with the handler's allocator.
  template <typename H>
  static graceful_close_state* create(Socket& socket, const drain_limits& limits,
      H&& handler)
  {
    using alloc_type = typename std::allocator_traits<
        allocator_type>::template rebind_alloc<graceful_close_state>;
    using traits = std::allocator_traits<alloc_type>;
    alloc_type alloc(net::get_associated_allocator(handler));
    graceful_close_state* p = traits::allocate(alloc, 1);
    try
    {
      traits::construct(alloc, p, socket, limits, std::forward<H>(handler));
    }
    catch (...)
    {
      traits::deallocate(alloc, p, 1);
      throw;
    }
    return p;
  }

  /// Called once, in the initiating function: connects the cancellation
  /// slot and posts the first step.
  void launch()
  {
#if PORTGUARD_HAS_CANCELLATION_SLOT
    auto slot = net::get_associated_cancellation_slot(handler_);
    if (slot.is_connected())
      slot.template emplace<cancel_handler>(this);
#endif
    net::post(socket_.get_executor(), step_handler<start_step>(this));
  }

private:
#if PORTGUARD_HAS_CANCELLATION_SLOT
  struct cancel_handler
  {
    explicit cancel_handler(graceful_close_state* s) noexcept : state(s) {}
    graceful_close_state* state;
    void operator()(net::cancellation_type_t type) const { state->on_cancel(type); }
  };

  void on_cancel(net::cancellation_type_t type)
  {
    if (finishing_ || (type & (net::cancellation_type::terminal
                                  | net::cancellation_type::partial))
            == net::cancellation_type::none)
      return; // no drain is undone by "total": it has already shut down sending
    cancelled_ = true;
    error_code ignored;
    timer_.cancel();
    socket_.cancel(ignored);
  }
#endif

  void on_start()
  {
    error_code ec;
    if (cancelled_)
      ec = net::error::operation_aborted;
    else if (!socket_.is_open())
      ec = net::error::bad_descriptor;
    else
      socket_.shutdown(net::socket_base::shutdown_send, ec);
    if (ec)
    {
      finish(ec);
      return;
    }
    timer_.expires_after(limits_.max_time);
    timer_.async_wait(step_handler<timer_step>(this));
    read();
  }

  void read()
  {
    socket_.async_read_some(net::buffer(buffer_), step_handler<read_step>(this));
  }

  void on_read(const error_code& ec, std::size_t n)
  {
    drained_ += n;
    if (ec == net::error::eof)
      finish(error_code()); // the peer ended its side: done
    else if (timed_out_)
      finish(net::error::timed_out);
    else if (cancelled_)
      finish(net::error::operation_aborted);
    else if (ec)
      finish(ec);
    else if (drained_ > limits_.max_bytes)
      finish(net::error::message_size);
    else
      read();
  }

  void on_timer(const error_code& ec)
  {
    if (finishing_ || ec)
      return; // the operation is ending, or the timer was cancelled
    timed_out_ = true;
    error_code ignored;
    socket_.cancel(ignored); // the pending read completes with operation_aborted
  }

  /// Ends the drain: closes the socket, stops the timer. The handler runs
  /// when the last step has returned (the timer's wait, if still pending).
  void finish(const error_code& ec)
  {
    finishing_ = true;
    result_ = ec;
    timer_.cancel();
    error_code ignored;
    socket_.close(ignored);
  }

  void release(bool ran)
  {
    if (--refs_ > 0)
      return;
    if (ran && finishing_)
      complete();
    else
      destroy(this);
  }

  /// Frees the state, then calls the handler. Runs inside a step, on the
  /// handler's executor, so the handler is called as if by dispatch.
  void complete()
  {
    clear_slot();
    const allocator_type alloc = net::get_associated_allocator(handler_);
    Handler handler(std::move(handler_)); // handler_ is not asked anything after this
    const error_code result = result_;
    const std::size_t drained = drained_;
    deallocate(this, alloc);
    std::move(handler)(result, drained);
  }

  /// Frees the state without calling the handler.
  static void destroy(graceful_close_state* p)
  {
    p->clear_slot();
    deallocate(p, net::get_associated_allocator(p->handler_));
  }

  void clear_slot()
  {
#if PORTGUARD_HAS_CANCELLATION_SLOT
    auto slot = net::get_associated_cancellation_slot(handler_);
    if (slot.is_connected())
      slot.clear();
#endif
  }

  static void deallocate(graceful_close_state* p, const allocator_type& allocator)
  {
    using alloc_type = typename std::allocator_traits<
        allocator_type>::template rebind_alloc<graceful_close_state>;
    using traits = std::allocator_traits<alloc_type>;
    alloc_type alloc(allocator);
    traits::destroy(alloc, p);
    traits::deallocate(alloc, p, 1);
  }

  Socket& socket_;
  const drain_limits limits_;
  timer_type timer_;
  Handler handler_;
  const executor_type executor_;
  error_code result_;
  std::size_t drained_ = 0;
  int refs_ = 0;
  bool finishing_ = false;
  bool timed_out_ = false;
  bool cancelled_ = false;
  char buffer_[4096];
};

/// The initiation: what async_initiate() calls with the final handler.
template <typename Socket>
class initiate_graceful_close
{
public:
  using executor_type = typename Socket::executor_type;

  explicit initiate_graceful_close(Socket& socket) noexcept : socket_(&socket) {}

  executor_type get_executor() const noexcept { return socket_->get_executor(); }

  template <typename Handler>
  void operator()(Handler&& handler, const drain_limits& limits) const
  {
    using state_type = graceful_close_state<Socket, std::decay_t<Handler>>;
    state_type::create(*socket_, limits, std::forward<Handler>(handler))->launch();
  }

private:
  Socket* socket_;
};

} // namespace detail

template <typename Stream>
detail::if_stream_t<Stream, std::size_t> graceful_close(Stream& stream,
    const drain_limits& limits, error_code& ec)
{
  auto& socket = detail::stream_socket(stream, 0);
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

template <typename Stream>
detail::if_stream_t<Stream, std::size_t> graceful_close(Stream& stream, error_code& ec)
{
  return portguard::graceful_close(stream, drain_limits(), ec);
}

template <typename Stream>
detail::if_stream_t<Stream, std::size_t> graceful_close(Stream& stream,
    const drain_limits& limits)
{
  error_code ec;
  const std::size_t drained = portguard::graceful_close(stream, limits, ec);
  detail::throw_if(ec, "graceful_close");
  return drained;
}

template <typename Stream, PORTGUARD_COMPLETION_TOKEN_FOR(void(error_code, std::size_t)) CompletionToken>
auto async_graceful_close(Stream& stream, const drain_limits& limits,
    CompletionToken&& token)
    -> detail::graceful_close_result_t<Stream, CompletionToken>
{
  return net::async_initiate<CompletionToken, void(error_code, std::size_t)>(
      detail::initiate_graceful_close<detail::stream_socket_t<Stream>>(
          detail::stream_socket(stream, 0)),
      token, drain_limits(limits));
}

template <typename Stream, PORTGUARD_COMPLETION_TOKEN_FOR(void(error_code, std::size_t)) CompletionToken,
    typename>
auto async_graceful_close(Stream& stream, CompletionToken&& token)
    -> detail::graceful_close_result_t<Stream, CompletionToken>
{
  return net::async_initiate<CompletionToken, void(error_code, std::size_t)>(
      detail::initiate_graceful_close<detail::stream_socket_t<Stream>>(
          detail::stream_socket(stream, 0)),
      token, drain_limits());
}

PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_IMPL_GRACEFUL_CLOSE_HPP
