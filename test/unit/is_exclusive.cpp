//
// test/unit/is_exclusive.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// is_exclusive() is checked against reality: for each way a socket is
// configured, its answer must equal "no rival could share the port", found
// by trying every rival this platform offers.
//
#include <portguard/is_exclusive.hpp>

#include <portguard/exclusive_address_use.hpp>
#include <portguard/exclusive_bind.hpp>

#include "support/platform_rules.hpp"
#include "support/skip.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>
#include <vector>

namespace {

using namespace pg_test;
namespace bdata = boost::unit_test::data;
using tcp = net::ip::tcp;
using udp = net::ip::udp;

#if !defined(_WIN32)
using reuse_port = net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
#endif

struct configuration
{
  socket_state state;
  bool reuse_address;
  bool reuse_port;  // POSIX only
  bool exclusive;   // exclusive_address_use(true) before bind
  bool wildcard;
  bool guarded;     // guard_other_family() after bind
};

std::ostream& operator<<(std::ostream& os, const configuration& c)
{
  return os << c.state << (c.reuse_address ? " reuse_address" : "")
            << (c.reuse_port ? " reuse_port" : "") << (c.exclusive ? " exclusive" : "")
            << (c.wildcard ? " @0.0.0.0" : " @127.0.0.1")
            << (c.guarded ? " guarded" : " other family open");
}

std::vector<configuration> make_configurations()
{
  std::vector<configuration> all;
  for (socket_state state : {socket_state::tcp_listening, socket_state::tcp_bound, socket_state::udp})
    for (bool ra : {false, true})
      for (bool rp : {false, true})
        for (bool ex : {false, true})
          for (bool wildcard : {true, false})
          {
#if defined(_WIN32)
            if (rp || (ra && ex)) // no SO_REUSEPORT; the two options conflict
              continue;
#else
            if (rp && ex) // exclusive_address_use(true) is SO_REUSEPORT off
              continue;
#endif
            all.push_back({state, ra, rp, ex, wildcard, true});
            // Without the guard on the other family, for the sockets whose
            // own options are exclusive.
            if (ex && !ra && !rp)
              all.push_back({state, ra, rp, ex, wildcard, false});
          }
  return all;
}

/// Every configuration, in the order of the data test case's samples.
const std::vector<configuration>& configurations()
{
  static const std::vector<configuration> all = make_configurations();
  return all;
}

net::ip::address address_of(const configuration& c)
{
  return c.wildcard ? net::ip::address(net::ip::address_v4::any())
                    : net::ip::address(net::ip::address_v4::loopback());
}

template <typename Socket>
void configure(Socket& s, const configuration& c, error_code& ec)
{
  if (!ec && c.reuse_address)
    s.set_option(net::socket_base::reuse_address(true), ec);
#if !defined(_WIN32)
  if (!ec && c.reuse_port)
    s.set_option(reuse_port(true), ec);
#endif
  if (!ec && c.exclusive)
    s.set_option(portguard::exclusive_address_use(true), ec);
}

} // namespace

BOOST_AUTO_TEST_SUITE(is_exclusive)

// A configuration whose rivals cannot all be tried here (a Wine gap, no
// second user) is skipped: a partial answer would prove nothing.
BOOST_TEST_DECORATOR(*skip_sample_unless([](std::size_t i) {
  const configuration& c = configurations().at(i);
  return rival_check_reason(c.state, address_of(c));
}))
BOOST_DATA_TEST_CASE(answer_matches_what_rivals_can_do, bdata::make(configurations()), c)
{
  const net::ip::address address = address_of(c);
  net::io_context ctx;
  tcp::acceptor acceptor(ctx);
  udp::socket datagram(ctx);
  error_code ec;
  bool answer = false;
  unsigned short port = 0;
  if (c.state == socket_state::udp)
  {
    datagram.open(udp::v4(), ec);
    configure(datagram, c, ec);
    if (!ec) datagram.bind({address, 0}, ec);
    BOOST_TEST_REQUIRE(!ec, ec.message());
    port = datagram.local_endpoint().port();
    if (c.guarded)
      portguard::guard_other_family(datagram, portguard::exclusivity::best_effort);
    answer = portguard::is_exclusive(datagram);
  }
  else
  {
    acceptor.open(tcp::v4(), ec);
    configure(acceptor, c, ec);
    if (!ec) acceptor.bind({address, 0}, ec);
    if (!ec && c.state == socket_state::tcp_listening) acceptor.listen(8, ec);
    BOOST_TEST_REQUIRE(!ec, ec.message());
    port = acceptor.local_endpoint().port();
    if (c.guarded)
      portguard::guard_other_family(acceptor, portguard::exclusivity::best_effort);
    answer = portguard::is_exclusive(acceptor);
  }
  std::string reason;
  const bool shared = some_rival_shares(c.state, address, port, reason);
  BOOST_TEST_REQUIRE(reason.empty(), c << ": the rivals could not all be tried: " << reason);
  if (is_exclusive_is_exact())
    BOOST_TEST(answer == !shared, c << ": is_exclusive says " << answer << ", a rival "
        << (shared ? "could" : "could not") << " share the port");
  else
    BOOST_TEST((!answer || !shared), c << ": is_exclusive says true, yet a rival shared the port");
}

BOOST_AUTO_TEST_CASE(closed_socket_is_an_error)
{
  net::io_context ctx;
  tcp::acceptor acceptor(ctx);
  udp::socket datagram(ctx);
  error_code ec;
  BOOST_TEST(!portguard::is_exclusive(acceptor, ec));
  BOOST_TEST((ec == net::error::bad_descriptor));
  ec.clear();
  BOOST_TEST(!portguard::is_exclusive(datagram, ec));
  BOOST_TEST((ec == net::error::bad_descriptor));
  BOOST_CHECK_THROW(portguard::is_exclusive(acceptor), portguard::system_error);
}

BOOST_AUTO_TEST_CASE(works_on_stream_sockets_too)
{
  net::io_context ctx;
  tcp::socket socket(ctx);
  socket.open(tcp::v4());
  socket.set_option(portguard::exclusive_address_use(true));
  BOOST_TEST(portguard::is_exclusive(socket));
}

BOOST_AUTO_TEST_SUITE_END()
