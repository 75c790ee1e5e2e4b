//
// test/unit/bind_with_retry.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// bind_with_retry and listen_with_retry: retries while the port is held,
// gives up with the last error, caps its back-off, never retries a
// permanent error, and which bind errors count as transient is the
// platform's rule (POSIX: EADDRINUSE only; Windows: WSAEADDRINUSE and
// WSAEACCES, an exclusive rebind refused while the old socket's connections
// linger). listen_with_retry leaves a secure acceptor listening;
// bind_with_retry leaves any other socket only bound.
//
#include <portguard/bind_with_retry.hpp>

#include <portguard/exclusive_bind.hpp>
#include <portguard/is_exclusive.hpp>
#include <portguard/secure_acceptor.hpp>

#include "support/connections.hpp"
#include "support/net.hpp"

#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace pg_test;
using portguard::error_code;
using tcp = net::ip::tcp;
using udp = net::ip::udp;
using std::chrono::milliseconds;

const net::ip::address loopback = net::ip::address_v4::loopback();

#if defined(_WIN32)
const int address_not_available = WSAEADDRNOTAVAIL;
#else
const int address_not_available = EADDRNOTAVAIL;
#endif

/// Whether a loopback client can connect to `port` now (bounded: a refused
/// or unanswered connect ends within two seconds).
bool accepts_connections(unsigned short port)
{
  net::io_context ctx;
  tcp::socket client(ctx);
  error_code result = net::error::timed_out;
  client.async_connect(tcp::endpoint(loopback, port), [&](const error_code& ec) { result = ec; });
  ctx.run_for(std::chrono::seconds(2));
  return !result;
}

/// Refused the way the platform refuses a bind on a held port.
bool refused_as_held(const error_code& ec)
{
#if defined(_WIN32)
  return ec == net::error::address_in_use || ec == net::error::access_denied;
#else
  return ec == net::error::address_in_use;
#endif
}

/// An OS error value as Asio reports it.
error_code os_error(int value)
{
  return error_code(value, net::error::get_system_category());
}

} // namespace

BOOST_AUTO_TEST_SUITE(bind_with_retry)

// The rule, written here from the OS's documentation, not from the library.
BOOST_AUTO_TEST_CASE(transient_errors_are_the_platforms_rule)
{
#if defined(_WIN32)
  BOOST_TEST(portguard::detail::bind_error_is_transient(os_error(WSAEADDRINUSE)));
  // An exclusive rebind refused while the old socket's connections linger.
  BOOST_TEST(portguard::detail::bind_error_is_transient(os_error(WSAEACCES)));
  BOOST_TEST(!portguard::detail::bind_error_is_transient(os_error(WSAEADDRNOTAVAIL)));
  BOOST_TEST(!portguard::detail::bind_error_is_transient(os_error(WSAEINVAL)));
#else
  BOOST_TEST(portguard::detail::bind_error_is_transient(os_error(EADDRINUSE)));
  // A privileged port, or a security module: no wait makes it work.
  BOOST_TEST(!portguard::detail::bind_error_is_transient(os_error(EACCES)));
  BOOST_TEST(!portguard::detail::bind_error_is_transient(os_error(EADDRNOTAVAIL)));
  BOOST_TEST(!portguard::detail::bind_error_is_transient(os_error(EINVAL)));
#endif
  BOOST_TEST(!portguard::detail::bind_error_is_transient(error_code()));
  BOOST_TEST(!portguard::detail::bind_error_is_transient(portguard::error::not_exclusive));
}


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

// The compile part of listen_with_retry: every overload.
[[maybe_unused]] void every_listen_with_retry_form(portguard::secure_acceptor& a,
    const tcp::endpoint& endpoint, error_code& ec)
{
  portguard::listen_with_retry(a, endpoint);
  portguard::listen_with_retry(a, endpoint, portguard::retry_options());
  portguard::listen_with_retry(a, endpoint, ec);
  portguard::listen_with_retry(a, endpoint, portguard::retry_options(), ec);
}

BOOST_AUTO_TEST_CASE(listen_with_retry_listens_where_bind_with_retry_only_binds,
    *boost::unit_test::timeout(30))
{
  net::io_context ctx;

  // The control: on a plain acceptor, bind_with_retry binds and does not
  // listen, so a client is refused.
  tcp::acceptor bound_only(ctx);
  portguard::bind_with_retry(bound_only, tcp::endpoint(loopback, 0), quick_retry(2));
  BOOST_TEST(portguard::is_exclusive(bound_only));
  BOOST_TEST(!accepts_connections(bound_only.local_endpoint().port()),
      "control: bind_with_retry left the plain acceptor bound, not listening");

  // listen_with_retry: open, bind and listen, in both forms.
  portguard::secure_acceptor thrown(ctx);
  portguard::listen_with_retry(thrown, tcp::endpoint(loopback, 0));
  BOOST_TEST(thrown.is_exclusive());
  BOOST_TEST(accepts_connections(thrown.local_endpoint().port()), "listening");

  portguard::secure_acceptor with_ec(ctx);
  error_code ec;
  portguard::listen_with_retry(with_ec, tcp::endpoint(loopback, 0), quick_retry(2), ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(accepts_connections(with_ec.local_endpoint().port()), "listening");

  // bind_with_retry on a secure acceptor is the same call under its older name.
  portguard::secure_acceptor older_name(ctx);
  portguard::bind_with_retry(older_name, tcp::endpoint(loopback, 0), ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(accepts_connections(older_name.local_endpoint().port()), "listening");

  // A held port: the last error, naming the call; nothing left open.
  const unsigned short held = thrown.local_endpoint().port();
  portguard::secure_acceptor late(ctx);
  portguard::listen_with_retry(late, tcp::endpoint(loopback, held), quick_retry(2), ec);
  BOOST_TEST(refused_as_held(ec), ec.message());
  BOOST_TEST(!late.is_open());
  try
  {
    portguard::listen_with_retry(late, tcp::endpoint(loopback, held), quick_retry(2));
    BOOST_ERROR("listen_with_retry did not throw");
  }
  catch (const portguard::system_error& e)
  {
    BOOST_TEST(refused_as_held(e.code()), e.code().message());
    BOOST_TEST(std::string(e.what()).find("listen_with_retry") != std::string::npos, e.what());
  }
  BOOST_TEST(!late.is_open());
  portguard::listen_with_retry(late, tcp::endpoint(loopback, 0), quick_retry(1), ec);
  BOOST_TEST(!ec, "control: the same acceptor listens on a free port: " << ec.message());
}

BOOST_AUTO_TEST_SUITE_END()
