//
// test/unit/holders.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// holders.hpp and port_holder.hpp: holders_of() lists the sockets that hold
// a port as the operating system's socket table does, other_holders() the
// same without the socket asked about, to_string() says who a holder is.
// Each listing is beside a control: the same port alone, or freed. The
// squatter scenarios that use these answers are in scenario_truth.cpp.
//
#include <portguard/holders.hpp>

#include <portguard/error.hpp>
#include <portguard/is_exclusive.hpp>
#include <portguard/port_holder.hpp>

#include "support/fault_seam.hpp"
#include "support/net.hpp"
#include "support/skip.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

#if !defined(_WIN32)
#  include <unistd.h>
#endif

namespace {

namespace pg = portguard;
using pg_test::skip_unless;
using portguard::error_code;
using tcp = portguard::net::ip::tcp;
using udp = portguard::net::ip::udp;
namespace net = portguard::net;

const net::ip::address loopback = net::ip::address_v4::loopback();

/// Empty where portguard reads a socket table (Linux, Windows).
std::string table_reason()
{
#if defined(__linux__) || defined(_WIN32)
  return {};
#else
  return "[platform] no socket table reader on this platform (operation_not_supported)";
#endif
}

} // namespace

BOOST_AUTO_TEST_SUITE(holders)

// The compile part: every overload.
[[maybe_unused]] void every_form(tcp::acceptor& acceptor, udp::socket& datagram, error_code& ec)
{
  pg::port_holders h = pg::holders_of(tcp::endpoint());
  h = pg::holders_of(udp::endpoint(), ec);
  h = pg::other_holders(acceptor);
  h = pg::other_holders(datagram, ec);
  const std::string text = pg::to_string(pg::port_holder());
  (void)text;
}

BOOST_AUTO_TEST_CASE(a_listener_is_listed_with_its_owner, *skip_unless(table_reason))
{
  net::io_context ctx;
  tcp::acceptor listener(ctx, tcp::endpoint(loopback, 0));
  const unsigned short port = listener.local_endpoint().port();

  const pg::port_holders holders = pg::holders_of(tcp::endpoint(loopback, port));
  BOOST_TEST_REQUIRE(holders.sockets.size() == 1u);
  const pg::port_holder& h = holders.sockets.front();
  BOOST_TEST((h.state == pg::holder_state::listening), pg::to_string(h));
  BOOST_TEST(h.address == loopback);
  BOOST_TEST(h.port == port);
  const std::string text = pg::to_string(h);
  BOOST_TEST(text.find("127.0.0.1:" + std::to_string(port) + " listening") == 0u, text);
#if defined(__linux__)
  BOOST_TEST_REQUIRE(!!h.uid);
  BOOST_TEST(*h.uid == static_cast<unsigned>(::geteuid()));
  BOOST_TEST_REQUIRE(!!h.pid, "this process may read its own descriptors");
  BOOST_TEST(*h.pid == static_cast<unsigned>(::getpid()));
  BOOST_TEST(text.find(", pid " + std::to_string(::getpid())) != std::string::npos, text);
#endif

  // The wildcard overlaps the loopback listener; other_holders() leaves the
  // listener itself out.
  BOOST_TEST(pg::holders_of(tcp::endpoint(net::ip::address_v4::any(), port)).sockets.size() == 1u);
  BOOST_TEST(pg::other_holders(listener).sockets.empty(), "it holds its port alone");

  // The control: once the listener closes, nothing is listed.
  listener.close();
  BOOST_TEST(pg::holders_of(tcp::endpoint(loopback, port)).sockets.empty());
}

BOOST_AUTO_TEST_CASE(a_udp_sharer_is_another_holder, *skip_unless(pg_test::linux_only_reason))
{
  net::io_context ctx;
  udp::socket first(ctx, udp::v4());
  first.set_option(net::socket_base::reuse_address(true));
  first.bind(udp::endpoint(loopback, 0));
  const udp::endpoint endpoint = first.local_endpoint();

  // The control: alone on its port.
  BOOST_TEST(pg::other_holders(first).sockets.empty());
  BOOST_TEST(pg::holders_of(endpoint).sockets.size() == 1u);

  udp::socket second(ctx, udp::v4());
  second.set_option(net::socket_base::reuse_address(true));
  second.bind(endpoint);
  const pg::port_holders others = pg::other_holders(first);
  BOOST_TEST_REQUIRE(others.sockets.size() == 1u, "the sharer, not the socket itself");
  BOOST_TEST((others.sockets.front().state == pg::holder_state::datagram));
  BOOST_TEST(pg::to_string(others.sockets.front()).find(" udp") != std::string::npos);
  BOOST_TEST(pg::holders_of(endpoint).sockets.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_closed_socket_has_no_holders_to_ask_about)
{
  net::io_context ctx;
  tcp::acceptor closed(ctx);
  error_code ec;
  BOOST_TEST(pg::other_holders(closed, ec).sockets.empty());
  BOOST_TEST((ec == net::error::bad_descriptor), ec.message());
  BOOST_CHECK_EXCEPTION(pg::other_holders(closed), pg::system_error,
      [](const pg::system_error& e) {
        return e.code() == net::error::bad_descriptor
            && std::string(e.what()).find("other_holders") != std::string::npos;
      });
}

BOOST_AUTO_TEST_CASE(partial_table_says_what_it_cannot_see,
    *skip_unless(pg_test::linux_only_reason))
{
  net::io_context ctx;
  pg_test::fault_seam seam;
  seam.table(portguard::detail::table_fault_kind::partial);
  tcp::acceptor plain(ctx, {loopback, 0}); // SO_REUSEADDR, listening
  error_code ec;
  BOOST_TEST(!portguard::is_exclusive(plain, ec));
  BOOST_TEST((ec == portguard::error::holders_unknown), ec.message());
  const portguard::port_holders holders = portguard::holders_of(plain.local_endpoint());
  BOOST_TEST(!holders.complete);
  BOOST_TEST(holders.sockets.size() == 1u, "what it can see, it lists");
}

BOOST_AUTO_TEST_SUITE_END()
