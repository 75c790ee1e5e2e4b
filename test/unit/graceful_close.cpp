//
// test/unit/graceful_close.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// graceful_close and async_graceful_close: every overload compiled with
// every kind of completion token, then each run against a real peer on
// loopback: one that ends its side, one that never does, one that floods.
// The asynchronous form is run with a callback, use_future, deferred,
// use_awaitable (C++20), a handler bound to a strand on a multi-threaded
// io_context, a handler with its own allocator, and cancelled.
//
#include <portguard/graceful_close.hpp>

#include "support/connections.hpp"
#include "support/net.hpp"

#if !defined(PORTGUARD_STANDALONE_ASIO)
#  include <boost/beast/core/tcp_stream.hpp>
#endif
#if defined(PORTGUARD_STANDALONE_ASIO) && ASIO_VERSION >= 102200 && ASIO_VERSION < 102600
#  include <asio/experimental/deferred.hpp>
#endif

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

// deferred: in asio:: from Asio 1.26 (Boost 1.81), experimental before.
#if PORTGUARD_ASIO_VERSION >= 102600
#  define PG_TEST_DEFERRED ::portguard::net::deferred
#elif PORTGUARD_ASIO_VERSION >= 102200 && defined(PORTGUARD_STANDALONE_ASIO)
#  define PG_TEST_DEFERRED ::portguard::net::experimental::deferred
#endif

// use_awaitable: C++20 coroutines.
#if defined(PORTGUARD_STANDALONE_ASIO) && defined(ASIO_HAS_CO_AWAIT)
#  define PG_TEST_AWAITABLE 1
#elif !defined(PORTGUARD_STANDALONE_ASIO) && defined(BOOST_ASIO_HAS_CO_AWAIT)
#  define PG_TEST_AWAITABLE 1
#endif

namespace {

namespace net = portguard::net;
using portguard::drain_limits;
using portguard::error_code;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;

// -- Compile part --------------------------------------------------------------

// What graceful_close accepts: a stream socket, a type derived from one, and
// an object whose socket() returns one (Beast's tcp_stream, or this).
struct derived_socket : tcp::socket
{
  using tcp::socket::socket;
};

struct stream_with_socket
{
  explicit stream_with_socket(net::io_context& ctx) : s(ctx) {}
  tcp::socket& socket() { return s; }
  tcp::socket s;
};

struct noop_handler
{
  void operator()(error_code, std::size_t) const {}
};

template <typename T, typename = void>
struct accepted : std::false_type
{
};

template <typename T>
struct accepted<T,
    decltype((void)portguard::graceful_close(std::declval<T&>()),
        (void)portguard::async_graceful_close(std::declval<T&>(), noop_handler()))>
    : std::true_type
{
};

static_assert(accepted<tcp::socket>::value, "a TCP socket");
static_assert(accepted<derived_socket>::value, "a type derived from a stream socket");
static_assert(accepted<stream_with_socket>::value, "an object whose socket() returns one");
static_assert(!accepted<net::ip::udp::socket>::value, "not a datagram socket");
static_assert(!accepted<tcp::acceptor>::value, "not an acceptor");
static_assert(!accepted<int>::value, "not anything else");

static_assert(std::is_same<decltype(portguard::graceful_close(std::declval<tcp::socket&>())),
                  std::size_t>::value, "the throwing form returns the bytes discarded");

/// Never called: every overload with every kind of token this Asio has.
[[maybe_unused]] void compile_every_overload(tcp::socket& socket, stream_with_socket& stream)
{
  error_code ec;
  const drain_limits limits;
  portguard::graceful_close(socket);
  portguard::graceful_close(socket, limits);
  portguard::graceful_close(socket, ec);
  portguard::graceful_close(socket, limits, ec);
  portguard::graceful_close(stream, limits, ec);

  auto callback = [](error_code, std::size_t) {};
  portguard::async_graceful_close(socket, callback);
  portguard::async_graceful_close(socket, limits, callback);
  portguard::async_graceful_close(stream, limits, callback);
  std::future<std::size_t> f1 = portguard::async_graceful_close(socket, net::use_future);
  std::future<std::size_t> f2 = portguard::async_graceful_close(socket, limits, net::use_future);
  (void)f1;
  (void)f2;
#if defined(PG_TEST_DEFERRED)
  auto d1 = portguard::async_graceful_close(socket, PG_TEST_DEFERRED);
  auto d2 = portguard::async_graceful_close(socket, limits, PG_TEST_DEFERRED);
  std::move(d1)(callback);
  std::move(d2)(callback);
#endif
  // A socket whose executor has a default token needs no token. (Clang 14
  // rejects Asio's executor_with_default in Asio's own async_read_some too.)
#if !defined(__clang__)
  using detached_socket = net::detached_t::as_default_on_t<tcp::socket>;
  detached_socket detached(socket.get_executor());
  portguard::async_graceful_close(detached);
  portguard::async_graceful_close(detached, limits);
  static_assert(std::is_void<decltype(portguard::async_graceful_close(detached))>::value,
      "the executor's default token");
#endif
}

#if defined(PG_TEST_AWAITABLE)
[[maybe_unused]] net::awaitable<std::size_t> compile_awaitable(tcp::socket& socket)
{
  std::size_t n = co_await portguard::async_graceful_close(socket, net::use_awaitable);
  n += co_await portguard::async_graceful_close(socket, drain_limits(), net::use_awaitable);
  co_return n;
}
#endif

// -- Run-time part: peers on loopback ---------------------------------------------

const net::ip::address loopback = net::ip::address_v4::loopback();

using pg_test::connection;
using pg_test::elapsed_ms;

/// `count` connections through an acceptor on an ephemeral port.
std::vector<std::unique_ptr<connection>> connect_many(net::io_context& ctx, int count)
{
  tcp::acceptor acceptor(ctx, tcp::endpoint(loopback, 0));
  return pg_test::connect_many(ctx, acceptor, count);
}

/// The peer sends `bytes` and ends its side.
void send_and_end(connection& c, std::size_t bytes)
{
  const std::vector<char> data(bytes, 'x');
  net::write(c.client, net::buffer(data));
  c.client.shutdown(tcp::socket::shutdown_send);
}

/// Whether the peer sees an orderly end-of-stream (not a reset) next.
bool peer_reads_eof(connection& c)
{
  char buf[64];
  error_code ec;
  for (int i = 0; i < 100 && !ec; ++i) // bounded: 6400 bytes at most
    c.client.read_some(net::buffer(buf), ec);
  return ec == net::error::eof;
}


/// Runs the context until it has no work, at most `limit`.
void run_bounded(net::io_context& ctx, milliseconds limit = milliseconds(10000))
{
  ctx.restart();
  ctx.run_for(limit);
  BOOST_TEST_REQUIRE(ctx.stopped(), "io_context still had work after " << limit.count() << " ms");
}

/// What a handler was called with.
struct completion
{
  int calls = 0;
  error_code ec = net::error::would_block;
  std::size_t drained = 0;
  auto handler()
  {
    return [this](const error_code& e, std::size_t n) {
      ++calls;
      ec = e;
      drained = n;
    };
  }
};

// -- A custom allocator that counts ---------------------------------------------

struct allocation_stats
{
  std::size_t allocations = 0;
  std::size_t deallocations = 0;
  std::size_t largest = 0;
};

template <typename T>
struct counting_allocator
{
  using value_type = T;

  explicit counting_allocator(allocation_stats* s) noexcept : stats(s) {}
  template <typename U>
  counting_allocator(const counting_allocator<U>& other) noexcept : stats(other.stats)
  {
  }

  T* allocate(std::size_t n)
  {
    ++stats->allocations;
    stats->largest = std::max(stats->largest, n * sizeof(T));
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }

  void deallocate(T* p, std::size_t)
  {
    ++stats->deallocations;
    ::operator delete(p);
  }

  template <typename U>
  bool operator==(const counting_allocator<U>& other) const noexcept
  {
    return stats == other.stats;
  }
  template <typename U>
  bool operator!=(const counting_allocator<U>& other) const noexcept
  {
    return stats != other.stats;
  }

  allocation_stats* stats;
};

/// A handler with an associated allocator; notes what the allocator had
/// seen when the handler ran.
struct allocating_handler
{
  using allocator_type = counting_allocator<void>;
  allocator_type get_allocator() const noexcept { return allocator_type(stats); }

  void operator()(const error_code& ec, std::size_t n)
  {
    out->ec = ec;
    out->drained = n;
    ++out->calls;
    *outstanding = stats->allocations - stats->deallocations;
  }

  allocation_stats* stats;
  completion* out;
  std::size_t* outstanding;
};

} // namespace

BOOST_AUTO_TEST_SUITE(graceful_close)

// -- graceful_close ----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(drains_until_peer_ends, *boost::unit_test::timeout(30))
{
  net::io_context ctx;
  auto pair = connect_many(ctx, 1);
  auto& c = *pair.front();
  send_and_end(c, 3000);

  error_code ec;
  const std::size_t drained = portguard::graceful_close(c.server, ec);
  BOOST_TEST(!ec, ec.message());
  BOOST_TEST(drained == 3000u);
  BOOST_TEST(!c.server.is_open());
  // The peer saw an orderly end-of-stream (shutdown of sending), not a reset.
  BOOST_TEST(peer_reads_eof(c));
}

BOOST_AUTO_TEST_CASE(gives_up_after_max_time, *boost::unit_test::timeout(30))
{
  net::io_context ctx;
  auto pair = connect_many(ctx, 1);
  auto& c = *pair.front();

  // The peer never ends its side.
  const auto start = clock_type::now();
  error_code ec;
  portguard::graceful_close(c.server, drain_limits{1024, milliseconds(150)}, ec);
  const auto ms = elapsed_ms(start);
  BOOST_TEST(ec == net::error::timed_out, ec.message());
  BOOST_TEST(ms >= 140);
  BOOST_TEST(ms < 5000);
  BOOST_TEST(!c.server.is_open());
}

BOOST_AUTO_TEST_CASE(gives_up_after_max_bytes, *boost::unit_test::timeout(30))
{
  net::io_context ctx;
  auto pair = connect_many(ctx, 1);
  auto& c = *pair.front();
  const std::vector<char> flood(20000, 'y');
  net::write(c.client, net::buffer(flood));

  const auto start = clock_type::now();
  error_code ec;
  const std::size_t drained = portguard::graceful_close(
      c.server, drain_limits{1000, milliseconds(20000)}, ec);
  BOOST_TEST(ec == net::error::message_size, ec.message());
  BOOST_TEST(drained > 1000u);
  BOOST_TEST(drained <= flood.size());
  BOOST_TEST(elapsed_ms(start) < 5000); // did not wait for the time limit
  BOOST_TEST(!c.server.is_open());
}

BOOST_AUTO_TEST_CASE(bad_sockets)
{
  net::io_context ctx;
  tcp::socket closed(ctx);
  error_code ec;
  BOOST_TEST(portguard::graceful_close(closed, ec) == 0u);
  BOOST_TEST(ec == net::error::bad_descriptor, ec.message());
  BOOST_CHECK_THROW(portguard::graceful_close(closed), portguard::system_error);

  // Open but never connected: nothing to shut down; still closed afterwards.
  tcp::socket unconnected(ctx);
  unconnected.open(tcp::v4());
  portguard::graceful_close(unconnected, ec);
  BOOST_TEST(ec == net::error::not_connected, ec.message());
  BOOST_TEST(!unconnected.is_open());
}

BOOST_AUTO_TEST_CASE(stream_with_a_socket_member, *boost::unit_test::timeout(30))
{
  net::io_context ctx;
  auto pair = connect_many(ctx, 1);
  auto& c = *pair.front();
  send_and_end(c, 100);
  stream_with_socket stream(ctx);
  stream.s = std::move(c.server);
  BOOST_TEST(portguard::graceful_close(stream) == 100u);
  BOOST_TEST(!stream.s.is_open());
  BOOST_TEST(peer_reads_eof(c));
}

// -- async_graceful_close: a callback --------------------------------------------

BOOST_AUTO_TEST_CASE(async_drains_until_peer_ends, *boost::unit_test::timeout(30))
{
  net::io_context ctx;
  auto pairs = connect_many(ctx, 2);
  send_and_end(*pairs[0], 3000);
  send_and_end(*pairs[1], 10);

  completion with_limits, with_defaults;
  portguard::async_graceful_close(pairs[0]->server, drain_limits{}, with_limits.handler());
  portguard::async_graceful_close(pairs[1]->server, with_defaults.handler());
  BOOST_TEST(with_limits.calls == 0); // never inside the initiating function
  BOOST_TEST(with_defaults.calls == 0);
  run_bounded(ctx);
  BOOST_TEST(with_limits.calls == 1);
  BOOST_TEST(!with_limits.ec, with_limits.ec.message());
  BOOST_TEST(with_limits.drained == 3000u);
  BOOST_TEST(with_defaults.calls == 1);
  BOOST_TEST(!with_defaults.ec, with_defaults.ec.message());
  BOOST_TEST(with_defaults.drained == 10u);
  for (auto& c : pairs)
  {
    BOOST_TEST(!c->server.is_open());
    BOOST_TEST(peer_reads_eof(*c));
  }
}

BOOST_AUTO_TEST_CASE(async_limits_and_bad_sockets, *boost::unit_test::timeout(30))
{
  net::io_context ctx;
  auto pairs = connect_many(ctx, 2);
  const std::vector<char> flood(20000, 'y');
  net::write(pairs[1]->client, net::buffer(flood));
  tcp::socket closed(ctx);
  tcp::socket unconnected(ctx);
  unconnected.open(tcp::v4());

  std::vector<completion> results(4);
  std::vector<long long> when(4, -1);
  const auto start = clock_type::now();
  auto record = [&](std::size_t i) {
    return [&, i](const error_code& ec, std::size_t n) {
      ++results[i].calls;
      results[i].ec = ec;
      results[i].drained = n;
      when[i] = elapsed_ms(start);
    };
  };
  // The peer never ends its side; the peer floods; closed; not connected.
  portguard::async_graceful_close(pairs[0]->server, drain_limits{1024, milliseconds(150)}, record(0));
  portguard::async_graceful_close(pairs[1]->server, drain_limits{1000, milliseconds(20000)}, record(1));
  portguard::async_graceful_close(closed, record(2));
  portguard::async_graceful_close(unconnected, record(3));
  for (const auto& r : results)
    BOOST_TEST(r.calls == 0);
  run_bounded(ctx);
  for (const auto& r : results)
    BOOST_TEST(r.calls == 1);
  BOOST_TEST(results[0].ec == net::error::timed_out, results[0].ec.message());
  BOOST_TEST(when[0] >= 140);
  BOOST_TEST(when[0] < 5000);
  BOOST_TEST(results[1].ec == net::error::message_size, results[1].ec.message());
  BOOST_TEST(results[1].drained > 1000u);
  BOOST_TEST(when[1] < 5000);
  BOOST_TEST(results[2].ec == net::error::bad_descriptor, results[2].ec.message());
  BOOST_TEST(results[3].ec == net::error::not_connected, results[3].ec.message());
  BOOST_TEST(!pairs[0]->server.is_open());
  BOOST_TEST(!pairs[1]->server.is_open());
  BOOST_TEST(!unconnected.is_open());
}

// -- Other completion tokens -------------------------------------------------------

BOOST_AUTO_TEST_CASE(async_use_future, *boost::unit_test::timeout(30))
{
  net::io_context ctx;
  auto pairs = connect_many(ctx, 2);
  send_and_end(*pairs[0], 500);
  tcp::socket closed(ctx);

  auto drained = portguard::async_graceful_close(pairs[0]->server, net::use_future);
  auto timed_out = portguard::async_graceful_close(pairs[1]->server,
      drain_limits{1024, milliseconds(100)}, net::use_future);
  auto bad = portguard::async_graceful_close(closed, drain_limits{}, net::use_future);
  std::thread runner([&ctx] { ctx.run_for(std::chrono::seconds(10)); });
  const auto ready = [](auto& f) {
    return f.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  };
  const bool all_ready = ready(drained) && ready(timed_out) && ready(bad);
  runner.join();
  BOOST_TEST_REQUIRE(all_ready);
  BOOST_TEST(drained.get() == 500u);
  try
  {
    timed_out.get();
    BOOST_ERROR("no exception for a peer that never ended its side");
  }
  catch (const portguard::system_error& e)
  {
    BOOST_TEST(e.code() == net::error::timed_out, e.code().message());
  }
  BOOST_CHECK_THROW(bad.get(), portguard::system_error);
  BOOST_TEST(!pairs[0]->server.is_open());
  BOOST_TEST(!pairs[1]->server.is_open());
}

#if defined(PG_TEST_DEFERRED)
BOOST_AUTO_TEST_CASE(async_deferred, *boost::unit_test::timeout(30))
{
  net::io_context ctx;
  auto pairs = connect_many(ctx, 1);
  auto& c = *pairs.front();
  send_and_end(c, 700);

  // Nothing starts until the deferred operation is given a handler.
  auto op = portguard::async_graceful_close(c.server, drain_limits{}, PG_TEST_DEFERRED);
  run_bounded(ctx);
  BOOST_TEST(c.server.is_open());

  completion done;
  std::move(op)(done.handler());
  run_bounded(ctx);
  BOOST_TEST(done.calls == 1);
  BOOST_TEST(!done.ec, done.ec.message());
  BOOST_TEST(done.drained == 700u);
  BOOST_TEST(!c.server.is_open());
}
#endif

#if defined(PG_TEST_AWAITABLE)
BOOST_AUTO_TEST_CASE(async_use_awaitable, *boost::unit_test::timeout(30))
{
  net::io_context ctx;
  auto pairs = connect_many(ctx, 2);
  send_and_end(*pairs[0], 900);

  std::size_t drained = 0;
  error_code timed_out;
  bool finished = false;
  net::co_spawn(ctx,
      [&]() -> net::awaitable<void> {
        drained = co_await portguard::async_graceful_close(pairs[0]->server, net::use_awaitable);
        try
        {
          co_await portguard::async_graceful_close(pairs[1]->server,
              drain_limits{1024, milliseconds(100)}, net::use_awaitable);
        }
        catch (const portguard::system_error& e)
        {
          timed_out = e.code();
        }
        finished = true;
      },
      net::detached);
  run_bounded(ctx);
  BOOST_TEST(finished);
  BOOST_TEST(drained == 900u);
  BOOST_TEST(timed_out == net::error::timed_out, timed_out.message());
  BOOST_TEST(!pairs[0]->server.is_open());
  BOOST_TEST(!pairs[1]->server.is_open());
}
#endif

// -- Executors and allocators ----------------------------------------------------

// Many drains at once on a multi-threaded io_context, each handler bound to
// its own strand while the sockets use the io_context's executor: every
// step, the timer's expiry too, must run on the strand (the handler checks
// it; ThreadSanitizer checks the state). Peers that end, flood, stay silent
// or trickle data past the deadline (the timer fires while reads complete).
BOOST_AUTO_TEST_CASE(async_handler_bound_to_strand, *boost::unit_test::timeout(60))
{
  constexpr int rounds = 5;
  constexpr int per_kind = 2;
  enum kind { ends, floods, silent, trickles, kinds };
  for (int round = 0; round < rounds; ++round)
  {
    BOOST_TEST_CONTEXT("round " << round)
    {
      net::io_context ctx(3);
      auto pairs = connect_many(ctx, kinds * per_kind);
      const std::vector<char> flood(20000, 'y');
      for (int i = 0; i < per_kind; ++i)
      {
        send_and_end(*pairs[static_cast<std::size_t>(ends * per_kind + i)], 500);
        net::write(pairs[static_cast<std::size_t>(floods * per_kind + i)]->client,
            net::buffer(flood));
      }

      std::mutex mutex;
      std::vector<error_code> results(pairs.size(), net::error::would_block);
      std::atomic<int> off_strand{0};
      std::atomic<int> calls{0};
      std::vector<net::strand<net::io_context::executor_type>> strands;
      for (std::size_t i = 0; i < pairs.size(); ++i)
        strands.push_back(net::make_strand(ctx));
      // Ending and flooding peers finish by themselves; silent and trickling
      // ones only by the deadline.
      const drain_limits by_kind[kinds] = {{1000, milliseconds(5000)},
          {1000, milliseconds(5000)}, {std::size_t(1) << 30, milliseconds(40)},
          {std::size_t(1) << 30, milliseconds(40)}};
      for (std::size_t i = 0; i < pairs.size(); ++i)
      {
        auto& strand = strands[i];
        portguard::async_graceful_close(pairs[i]->server, by_kind[i / per_kind],
            net::bind_executor(strand, [&, i](const error_code& ec, std::size_t) {
              if (!strand.running_in_this_thread())
                ++off_strand;
              ++calls;
              std::lock_guard<std::mutex> lock(mutex);
              results[i] = ec;
            }));
      }
      std::vector<std::thread> trickle;
      for (int i = 0; i < per_kind; ++i)
      {
        tcp::socket& client = pairs[static_cast<std::size_t>(trickles * per_kind + i)]->client;
        trickle.emplace_back([&client] {
          const char chunk[64] = {};
          error_code ec;
          const auto stop = clock_type::now() + milliseconds(2000);
          for (int n = 0; n < 1000 && !ec && clock_type::now() < stop; ++n)
          {
            net::write(client, net::buffer(chunk), ec);
            std::this_thread::sleep_for(milliseconds(1));
          }
        });
      }
      std::vector<std::thread> threads;
      for (int t = 0; t < 3; ++t)
        threads.emplace_back([&ctx] { ctx.run_for(std::chrono::seconds(20)); });
      for (auto& t : threads)
        t.join();
      for (auto& t : trickle)
        t.join();

      BOOST_TEST(calls.load() == static_cast<int>(pairs.size()));
      BOOST_TEST(off_strand.load() == 0);
      for (int i = 0; i < per_kind; ++i)
      {
        const auto at = [&](int k) { return results[static_cast<std::size_t>(k * per_kind + i)]; };
        BOOST_TEST(!at(ends), at(ends).message());
        BOOST_TEST(at(floods) == net::error::message_size, at(floods).message());
        BOOST_TEST(at(silent) == net::error::timed_out, at(silent).message());
        BOOST_TEST(at(trickles) == net::error::timed_out, at(trickles).message());
      }
      for (auto& c : pairs)
        BOOST_TEST(!c->server.is_open());
    }
  }
}

// The state is allocated with the handler's associated allocator, and
// every allocation is freed before the handler runs.
BOOST_AUTO_TEST_CASE(async_uses_handler_allocator, *boost::unit_test::timeout(30))
{
  net::io_context ctx;
  auto pairs = connect_many(ctx, 2);
  send_and_end(*pairs[0], 5000);

  allocation_stats drained_stats, timed_out_stats;
  completion drained, timed_out;
  std::size_t drained_outstanding = 99, timed_out_outstanding = 99;
  portguard::async_graceful_close(pairs[0]->server,
      allocating_handler{&drained_stats, &drained, &drained_outstanding});
  portguard::async_graceful_close(pairs[1]->server, drain_limits{1024, milliseconds(50)},
      allocating_handler{&timed_out_stats, &timed_out, &timed_out_outstanding});
  run_bounded(ctx);

  BOOST_TEST(drained.calls == 1);
  BOOST_TEST(!drained.ec, drained.ec.message());
  BOOST_TEST(drained.drained == 5000u);
  BOOST_TEST(timed_out.calls == 1);
  BOOST_TEST(timed_out.ec == net::error::timed_out, timed_out.ec.message());
  for (const auto* s : {&drained_stats, &timed_out_stats})
  {
    BOOST_TEST(s->allocations >= 1u);
    // The state holds the 4 KiB read buffer: it came from this allocator.
    BOOST_TEST(s->largest >= 4096u);
    BOOST_TEST(s->allocations == s->deallocations);
  }
  BOOST_TEST(drained_outstanding == 0u); // freed before the handler ran
  BOOST_TEST(timed_out_outstanding == 0u);
}

// An io_context destroyed with the operation pending destroys the handler
// without calling it, and frees the state (the allocator balances).
BOOST_AUTO_TEST_CASE(async_pending_at_shutdown_frees_state, *boost::unit_test::timeout(30))
{
  allocation_stats stats;
  completion never;
  std::size_t outstanding = 99;
  {
    net::io_context ctx;
    auto pairs = connect_many(ctx, 1);
    portguard::async_graceful_close(pairs[0]->server, drain_limits{1024, milliseconds(20000)},
        allocating_handler{&stats, &never, &outstanding});
    ctx.run_for(milliseconds(50)); // started: a read and the timer pending
    BOOST_TEST(stats.allocations >= 2u);
    pairs.clear();
  }
  BOOST_TEST(never.calls == 0);
  BOOST_TEST(stats.allocations == stats.deallocations);
}

// -- Cancellation ------------------------------------------------------------------

// Cancelling the socket (what a server does on shutdown) ends the drain.
BOOST_AUTO_TEST_CASE(async_socket_cancel_ends_drain, *boost::unit_test::timeout(30))
{
  net::io_context ctx;
  auto pairs = connect_many(ctx, 1);
  auto& c = *pairs.front();
  completion done;
  portguard::async_graceful_close(c.server, drain_limits{1024, milliseconds(20000)},
      done.handler());
  net::steady_timer later(ctx, milliseconds(50));
  later.async_wait([&](const error_code&) { c.server.cancel(); });
  const auto start = clock_type::now();
  run_bounded(ctx);
  BOOST_TEST(done.calls == 1);
  BOOST_TEST(done.ec == net::error::operation_aborted, done.ec.message());
  BOOST_TEST(elapsed_ms(start) < 5000);
  BOOST_TEST(!c.server.is_open());
}

#if PORTGUARD_HAS_CANCELLATION_SLOT
// Per-operation cancellation through the handler's cancellation slot, both
// before the operation has started and while it drains; "total" alone is
// not honoured (the drain has already shut down sending).
BOOST_AUTO_TEST_CASE(async_cancellation_slot, *boost::unit_test::timeout(30))
{
  net::io_context ctx;
  auto pairs = connect_many(ctx, 3);
  net::cancellation_signal at_once, while_draining, total_only;
  completion first, second, third;
  const drain_limits long_wait{1024, milliseconds(20000)};
  portguard::async_graceful_close(pairs[0]->server, long_wait,
      net::bind_cancellation_slot(at_once.slot(), first.handler()));
  at_once.emit(net::cancellation_type::terminal); // before it has started
  portguard::async_graceful_close(pairs[1]->server, long_wait,
      net::bind_cancellation_slot(while_draining.slot(), second.handler()));
  portguard::async_graceful_close(pairs[2]->server, drain_limits{1024, milliseconds(200)},
      net::bind_cancellation_slot(total_only.slot(), third.handler()));
  net::steady_timer later(ctx, milliseconds(50));
  later.async_wait([&](const error_code&) {
    while_draining.emit(net::cancellation_type::partial);
    total_only.emit(net::cancellation_type::total);
  });
  const auto start = clock_type::now();
  run_bounded(ctx);
  BOOST_TEST(elapsed_ms(start) < 5000);
  BOOST_TEST(first.calls == 1);
  BOOST_TEST(first.ec == net::error::operation_aborted, first.ec.message());
  BOOST_TEST(second.calls == 1);
  BOOST_TEST(second.ec == net::error::operation_aborted, second.ec.message());
  BOOST_TEST(third.calls == 1);
  BOOST_TEST(third.ec == net::error::timed_out, third.ec.message());
  for (auto& c : pairs)
    BOOST_TEST(!c->server.is_open());
  // The slots were cleared: emitting again calls nothing.
  at_once.emit(net::cancellation_type::terminal);
  while_draining.emit(net::cancellation_type::terminal);
  BOOST_TEST(first.calls == 1);
}
#endif

// -- Beast's tcp_stream ------------------------------------------------------------

#if !defined(PORTGUARD_STANDALONE_ASIO)
BOOST_AUTO_TEST_CASE(beast_tcp_stream, *boost::unit_test::timeout(30))
{
  namespace beast = boost::beast;
  net::io_context ctx;
  auto pairs = connect_many(ctx, 2);
  send_and_end(*pairs[0], 1200);
  send_and_end(*pairs[1], 300);

  beast::tcp_stream sync_stream(std::move(pairs[0]->server));
  error_code ec;
  BOOST_TEST(portguard::graceful_close(sync_stream, ec) == 1200u);
  BOOST_TEST(!ec, ec.message());
  BOOST_TEST(!sync_stream.socket().is_open());
  BOOST_TEST(peer_reads_eof(*pairs[0]));

  beast::tcp_stream async_stream(std::move(pairs[1]->server));
  completion done;
  portguard::async_graceful_close(async_stream, drain_limits{}, done.handler());
  run_bounded(ctx);
  BOOST_TEST(done.calls == 1);
  BOOST_TEST(!done.ec, done.ec.message());
  BOOST_TEST(done.drained == 300u);
  BOOST_TEST(!async_stream.socket().is_open());
  BOOST_TEST(peer_reads_eof(*pairs[1]));
}
#endif

BOOST_AUTO_TEST_SUITE_END()
