//
// test/unit/scenario_restart.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Scenario: a server restarts on its own port. At once on Linux (the
// reuse_addr path of secure_acceptor), and through graceful_close +
// bind_with_retry where an exclusive rebind may have to wait (Windows).
// Wine does not model the lingering-connection case (its rebind always
// succeeds), so there only the helpers' logic is tested. Each helper has its
// own suite (graceful_close.cpp, bind_with_retry.cpp, secure_acceptor.cpp).
//
#include <portguard/bind_with_retry.hpp>
#include <portguard/graceful_close.hpp>
#include <portguard/secure_acceptor.hpp>

#include "support/connections.hpp"
#include "support/net.hpp"

#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

namespace {

using namespace pg_test;
using portguard::error_code;
using tcp = net::ip::tcp;
using udp = net::ip::udp;
using std::chrono::milliseconds;

const net::ip::address loopback = net::ip::address_v4::loopback();

} // namespace

BOOST_AUTO_TEST_SUITE(scenario_restart)


#if !defined(_WIN32)

// Linux: the old listener is closed while its accepted connections are
// still open (and then closed by the server: TIME_WAIT on its side); a new
// secure_acceptor binds the same port at once.
BOOST_AUTO_TEST_CASE(linux_rebind_at_once_with_live_connections, *boost::unit_test::timeout(30))
{
  net::io_context ctx;
  portguard::secure_acceptor old_server(ctx, tcp::endpoint(loopback, 0));
  const unsigned short port = old_server.local_endpoint().port();
  auto live = connect_many(ctx, old_server, 8, true);
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
  auto live = connect_many(ctx, old_server, 2, true);
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
  auto live = connect_many(ctx, old_server, 4, true);
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

BOOST_AUTO_TEST_SUITE_END()
