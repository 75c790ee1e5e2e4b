//
// test/unit/restart.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// A server restarts on its own port: at once on Linux (the reuse_addr path
// of secure_acceptor), and through graceful_close + bind_with_retry where
// an exclusive rebind may have to wait (Windows). Wine does not model the
// lingering-connection case (its rebind always succeeds), so there only the
// helpers' logic is tested. graceful_close itself is tested in
// graceful_close.cpp.
//
#include <portguard/bind_with_retry.hpp>
#include <portguard/graceful_close.hpp>

#include <portguard/portguard.hpp>

#include "support/net.hpp"

#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

namespace {

namespace net = portguard::net;
using portguard::error_code;
using tcp = net::ip::tcp;
using udp = net::ip::udp;
using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;

const net::ip::address loopback = net::ip::address_v4::loopback();

#if defined(_WIN32)
const int address_not_available = WSAEADDRNOTAVAIL;
#else
const int address_not_available = EADDRNOTAVAIL;
#endif

/// A connected pair on loopback: the server's accepted end and the client.
struct connection
{
  explicit connection(net::io_context& ctx) : server(ctx), client(ctx) {}
  tcp::socket server;
  tcp::socket client;
};

std::vector<std::unique_ptr<connection>> connect_many(net::io_context& ctx,
    tcp::acceptor& acceptor, int count)
{
  std::vector<std::unique_ptr<connection>> result;
  const tcp::endpoint target(loopback, acceptor.local_endpoint().port());
  for (int i = 0; i < count; ++i)
  {
    auto c = std::make_unique<connection>(ctx);
    c->client.connect(target);
    acceptor.accept(c->server);
    // Live traffic both ways.
    const char hello[] = "hello";
    net::write(c->client, net::buffer(hello));
    char got[sizeof(hello)];
    net::read(c->server, net::buffer(got));
    net::write(c->server, net::buffer(got));
    net::read(c->client, net::buffer(got));
    result.push_back(std::move(c));
  }
  return result;
}

long long elapsed_ms(clock_type::time_point start)
{
  return std::chrono::duration_cast<milliseconds>(clock_type::now() - start).count();
}

/// Fast retries for tests: a budget of about a second at most.
portguard::retry_options quick_retry(unsigned attempts)
{
  portguard::retry_options r;
  r.attempts = attempts;
  r.initial_delay = milliseconds(10);
  r.backoff_factor = 2;
  r.max_delay = milliseconds(80);
  return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(restart)

#if !defined(_WIN32)

// Linux: the old listener is closed while its accepted connections are
// still open (and then closed by the server: TIME_WAIT on its side); a new
// secure_acceptor binds the same port at once.
BOOST_AUTO_TEST_CASE(linux_rebind_at_once_with_live_connections, *boost::unit_test::timeout(30))
{
  net::io_context ctx;
  portguard::secure_acceptor old_server(ctx, tcp::endpoint(loopback, 0));
  const unsigned short port = old_server.local_endpoint().port();
  auto live = connect_many(ctx, old_server, 8);
  old_server.close();

  portguard::secure_acceptor new_server(ctx, tcp::endpoint(loopback, port));
  BOOST_TEST(new_server.is_exclusive());
  BOOST_TEST(new_server.local_endpoint().port() == port);

  // The server ends the old connections first (TIME_WAIT on its side);
  // a second restart still binds at once.
  for (auto& c : live)
    c->server.close();
  new_server.close();
  portguard::secure_acceptor third_server(ctx, tcp::endpoint(loopback, port));
  BOOST_TEST(third_server.is_exclusive());

  // The new listener serves.
  tcp::socket client(ctx);
  client.connect(tcp::endpoint(loopback, port));
  tcp::socket accepted(ctx);
  third_server.accept(accepted);
  BOOST_TEST(accepted.is_open());
}

// Control: the same restart without SO_REUSEADDR (reuse_addr = false) is
// refused by Linux while the old connections live, so the test above can
// fail, and reuse_addr is what makes it pass.
BOOST_AUTO_TEST_CASE(linux_rebind_without_reuse_addr_is_refused, *boost::unit_test::timeout(30))
{
  net::io_context ctx;
  portguard::secure_acceptor old_server(ctx, tcp::endpoint(loopback, 0));
  const unsigned short port = old_server.local_endpoint().port();
  auto live = connect_many(ctx, old_server, 2);
  old_server.close();

  error_code ec;
  try
  {
    portguard::secure_acceptor new_server(ctx, tcp::endpoint(loopback, port), false);
  }
  catch (const portguard::system_error& e)
  {
    ec = e.code();
  }
  BOOST_TEST(ec == net::error::address_in_use, ec.message());
}

#endif

// The portable restart: close each live connection gracefully, close the
// listener, bind again with a bounded retry. Works on every platform.
BOOST_AUTO_TEST_CASE(graceful_restart_with_retry, *boost::unit_test::timeout(30))
{
  net::io_context ctx;
  portguard::secure_acceptor old_server(ctx, tcp::endpoint(loopback, 0));
  const unsigned short port = old_server.local_endpoint().port();
  auto live = connect_many(ctx, old_server, 4);
  old_server.close();

  // The clients end their side when they read end-of-stream.
  std::vector<std::thread> peers;
  for (auto& c : live)
    peers.emplace_back([&client = c->client] {
      char buf[64];
      error_code ec;
      while (!ec)
        client.read_some(net::buffer(buf), ec);
      client.close(ec);
    });
  for (auto& c : live)
  {
    error_code ec;
    portguard::graceful_close(c->server, portguard::drain_limits{1024, milliseconds(5000)}, ec);
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(!c->server.is_open());
  }
  for (auto& t : peers)
    t.join();

  portguard::secure_acceptor new_server(ctx);
  unsigned retries = 0;
  auto retry = quick_retry(10);
  retry.on_retry = [&](unsigned, const error_code&) { ++retries; };
  error_code ec;
  portguard::bind_with_retry(new_server, tcp::endpoint(loopback, port), retry, ec);
  BOOST_TEST(!ec, ec.message());
  BOOST_TEST_MESSAGE("restart after graceful close: " << retries << " retries");
  BOOST_TEST(new_server.is_open());
  BOOST_TEST(new_server.is_exclusive());
  BOOST_TEST(new_server.local_endpoint().port() == port);
}

// ---- bind_with_retry -------------------------------------------------------

BOOST_AUTO_TEST_CASE(retry_succeeds_when_holder_releases_in_time, *boost::unit_test::timeout(30))
{
  net::io_context ctx;
  auto holder = std::make_unique<portguard::secure_acceptor>(ctx, tcp::endpoint(loopback, 0));
  const unsigned short port = holder->local_endpoint().port();
  std::thread releaser([&holder] {
    std::this_thread::sleep_for(milliseconds(150));
    holder->close();
  });

  portguard::secure_acceptor server(ctx);
  unsigned retries = 0;
  auto retry = quick_retry(40); // up to ~3 s of pauses
  retry.on_retry = [&](unsigned attempt, const error_code& why) {
    ++retries;
    BOOST_TEST(attempt == retries);
    BOOST_TEST(why == net::error::address_in_use, why.message());
  };
  const auto start = clock_type::now();
  error_code ec;
  portguard::bind_with_retry(server, tcp::endpoint(loopback, port), retry, ec);
  const auto ms = elapsed_ms(start);
  releaser.join();
  BOOST_TEST(!ec, ec.message());
  BOOST_TEST(retries >= 1u); // the port was held at first
  BOOST_TEST(ms >= 100);
  BOOST_TEST(server.is_exclusive());
  BOOST_TEST(server.local_endpoint().port() == port);
  BOOST_TEST_MESSAGE("bound after " << retries << " retries, " << ms << " ms");
}

BOOST_AUTO_TEST_CASE(retry_gives_up_with_last_error_after_n_attempts, *boost::unit_test::timeout(30))
{
  net::io_context ctx;
  portguard::secure_acceptor holder(ctx, tcp::endpoint(loopback, 0));
  const unsigned short port = holder.local_endpoint().port();

  portguard::secure_acceptor server(ctx);
  std::vector<unsigned> seen;
  auto retry = quick_retry(4);
  retry.on_retry = [&](unsigned attempt, const error_code&) { seen.push_back(attempt); };
  const auto start = clock_type::now();
  error_code ec;
  portguard::bind_with_retry(server, tcp::endpoint(loopback, port), retry, ec);
  const auto ms = elapsed_ms(start);
  BOOST_TEST(ec == net::error::address_in_use, ec.message());
  BOOST_TEST(seen == (std::vector<unsigned>{1, 2, 3}), boost::test_tools::per_element());
  BOOST_TEST(ms >= 10 + 20 + 40 - 5); // the back-off: 10, 20, 40 ms
  BOOST_TEST(ms < 5000);
  BOOST_TEST(!server.is_open()); // nothing left open after the last attempt

  // The throwing form throws the last error.
  try
  {
    portguard::bind_with_retry(server, tcp::endpoint(loopback, port), quick_retry(2));
    BOOST_ERROR("bind_with_retry did not throw");
  }
  catch (const portguard::system_error& e)
  {
    BOOST_TEST(e.code() == net::error::address_in_use, e.code().message());
  }
  BOOST_TEST(!server.is_open());
}

BOOST_AUTO_TEST_CASE(retry_back_off_is_capped, *boost::unit_test::timeout(30))
{
  net::io_context ctx;
  portguard::secure_acceptor holder(ctx, tcp::endpoint(loopback, 0));
  const unsigned short port = holder.local_endpoint().port();
  portguard::secure_acceptor server(ctx);
  portguard::retry_options retry;
  retry.attempts = 4;
  retry.initial_delay = milliseconds(30);
  retry.backoff_factor = 1000; // would be 30 s, then 8 h, without the cap
  retry.max_delay = milliseconds(60);
  const auto start = clock_type::now();
  error_code ec;
  portguard::bind_with_retry(server, tcp::endpoint(loopback, port), retry, ec);
  const auto ms = elapsed_ms(start);
  BOOST_TEST(ec == net::error::address_in_use, ec.message());
  BOOST_TEST(ms >= 30 + 60 + 60 - 5);
  BOOST_TEST(ms < 3000);
}

BOOST_AUTO_TEST_CASE(retry_never_retries_other_errors, *boost::unit_test::timeout(30))
{
  net::io_context ctx;
  unsigned retries = 0;
  auto retry = quick_retry(5);
  retry.on_retry = [&](unsigned, const error_code&) { ++retries; };

  // An address this host does not have (TEST-NET-1).
  portguard::secure_acceptor server(ctx);
  error_code ec;
  portguard::bind_with_retry(server,
      tcp::endpoint(net::ip::make_address("192.0.2.1"), 0), retry, ec);
  BOOST_TEST(ec == error_code(address_not_available, net::error::get_system_category()),
      ec.message());
  BOOST_TEST(retries == 0u);
  BOOST_TEST(!server.is_open());

  // No attempts allowed: refused before any attempt.
  retry.attempts = 0;
  portguard::bind_with_retry(server, tcp::endpoint(loopback, 0), retry, ec);
  BOOST_TEST(ec == net::error::invalid_argument, ec.message());
  BOOST_TEST(!server.is_open());

  // An acceptor that is already open.
  server.open(tcp::v4());
  portguard::bind_with_retry(server, tcp::endpoint(loopback, 0), quick_retry(3), ec);
  BOOST_TEST(ec == net::error::already_open, ec.message());
  BOOST_TEST(retries == 0u);
}

BOOST_AUTO_TEST_CASE(retry_for_udp_and_plain_acceptors, *boost::unit_test::timeout(30))
{
  net::io_context ctx;
  udp::socket holder(ctx);
  portguard::exclusive_bind(holder, udp::endpoint(loopback, 0));
  const unsigned short port = holder.local_endpoint().port();

  udp::socket socket(ctx);
  unsigned retries = 0;
  auto retry = quick_retry(3);
  retry.on_retry = [&](unsigned, const error_code&) { ++retries; };
  error_code ec;
  portguard::bind_with_retry(socket, udp::endpoint(loopback, port), retry, ec);
  BOOST_TEST(ec == net::error::address_in_use, ec.message());
  BOOST_TEST(retries == 2u);
  BOOST_TEST(!socket.is_open());

  holder.close();
  portguard::bind_with_retry(socket, udp::endpoint(loopback, port), retry, ec);
  BOOST_TEST(!ec, ec.message());
  BOOST_TEST(portguard::is_exclusive(socket));

  // A plain acceptor is left bound, not listening, and exclusive.
  tcp::acceptor acceptor(ctx);
  portguard::bind_with_retry(acceptor, tcp::endpoint(loopback, 0), quick_retry(2),
      portguard::exclusivity::required);
  BOOST_TEST(acceptor.local_endpoint().port() != 0);
  BOOST_TEST(portguard::is_exclusive(acceptor));
}

BOOST_AUTO_TEST_SUITE_END()
