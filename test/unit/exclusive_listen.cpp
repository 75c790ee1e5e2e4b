//
// test/unit/exclusive_listen.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// exclusive_listen(): an acceptor that other code opened and bound (as a
// framework does) gets secure_acceptor's guarantee. Each refusal beside its
// control: the same acceptor listened the plain way, which the rival beats.
//
#include <portguard/exclusive_listen.hpp>

#include <portguard/exclusive_address_use.hpp>
#include <portguard/exclusive_bind.hpp>
#include <portguard/holders.hpp>
#include <portguard/is_exclusive.hpp>
#include <portguard/secure_acceptor.hpp>

#include "support/ports.hpp"
#include "support/rival.hpp"
#include "support/skip.hpp"
#include "support/squatter.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

namespace exclusive_listen_compile {

using portguard::exclusivity;
using portguard::other_family;
namespace net = portguard::net;

// Compile part: every overload, for a plain and a secure acceptor.
template <typename Acceptor>
void every_overload(Acceptor& a)
{
  portguard::error_code ec;
  portguard::exclusive_listen(a);
  portguard::exclusive_listen(a, exclusivity::best_effort);
  portguard::exclusive_listen(a, exclusivity::required, other_family::leave_open);
  portguard::exclusive_listen(a, ec);
  portguard::exclusive_listen(a, exclusivity::best_effort, ec);
  portguard::exclusive_listen(a, exclusivity::required, other_family::guard, ec);
}
template void every_overload(net::ip::tcp::acceptor&);
template void every_overload(portguard::secure_acceptor&);

} // namespace exclusive_listen_compile

namespace {

using namespace pg_test;
using tcp = net::ip::tcp;
using portguard::exclusivity;

/// Empty when rivals of `who` can run here and the table is Linux's.
std::string linux_rival_reason(identity who)
{
  return first_reason(linux_only_reason(), identity_reason(who));
}

/// What a framework does before its hook: open, its own options, the
/// pre-bind half of the recipe (unless `plain`), bind.
void framework_bind(tcp::acceptor& acceptor, const tcp::endpoint& endpoint, bool plain,
    error_code& ec)
{
  acceptor.open(endpoint.protocol(), ec);
  // Windows refuses SO_REUSEADDR beside SO_EXCLUSIVEADDRUSE: a framework
  // user leaves it out there (docs/frameworks.md).
  if (!ec && (plain || !portguard::detail::reuse_address_is_emulated))
    acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec && !plain)
    acceptor.set_option(portguard::exclusive_address_use(true), ec);
  if (!ec)
    acceptor.bind(endpoint, ec);
}

bool reuse_address_is_on(tcp::acceptor& acceptor)
{
  tcp::acceptor::reuse_address option;
  acceptor.get_option(option);
  return option.value();
}

} // namespace

BOOST_AUTO_TEST_SUITE(exclusive_listen)

BOOST_AUTO_TEST_CASE(listens_keeps_reuse_address_and_reads_exclusive)
{
  net::io_context ctx;
  tcp::acceptor acceptor(ctx);
  error_code ec;
  framework_bind(acceptor, {net::ip::address_v4::loopback(), unused_tcp_port()}, false, ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  portguard::exclusive_listen(acceptor, ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(reuse_address_is_on(acceptor) == !portguard::detail::reuse_address_is_emulated,
      "SO_REUSEADDR is left as the framework set it");
  acceptor.listen(tcp::acceptor::max_listen_connections, ec); // the framework's own listen
  BOOST_TEST(!ec, "a second listen only sets the backlog: " << ec.message());
  BOOST_TEST(portguard::is_exclusive(acceptor));
  tcp::socket client(ctx);
  client.connect(acceptor.local_endpoint(), ec);
  BOOST_TEST(!ec, "it accepts connections: " << ec.message());
}

BOOST_AUTO_TEST_CASE(bad_input_is_an_error_not_a_crash)
{
  net::io_context ctx;
  tcp::acceptor closed(ctx);
  error_code ec;
  portguard::exclusive_listen(closed, ec);
  BOOST_TEST((ec == net::error::bad_descriptor), ec.message());

  tcp::acceptor unbound(ctx, tcp::v4());
  portguard::exclusive_listen(unbound, ec);
  BOOST_TEST((ec == net::error::invalid_argument), ec.message());
  BOOST_CHECK_THROW(portguard::exclusive_listen(unbound), portguard::system_error);
}

BOOST_AUTO_TEST_CASE(a_secure_acceptor_simply_listens)
{
  net::io_context ctx;
  portguard::secure_acceptor acceptor(ctx);
  acceptor.open(tcp::v4());
  acceptor.bind({net::ip::address_v4::loopback(), 0});
  error_code ec;
  portguard::exclusive_listen(acceptor, ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(portguard::is_exclusive(acceptor));
  portguard::exclusive_listen(acceptor, ec);
  BOOST_TEST(!ec, "again: nothing to do: " << ec.message());
}

BOOST_TEST_DECORATOR(*skip_unless([] { return linux_rival_reason(identity::other_user); }))
BOOST_AUTO_TEST_CASE(other_family_is_held_against_another_user)
{
  const unsigned short port = unused_tcp_port();
  const tcp::endpoint endpoint(net::ip::address_v4::loopback(), port);
  const rival shadow{transport::tcp, rival_options::none, net::ip::address_v6::loopback(), port};
  net::io_context ctx;
  error_code ec;
  {
    // The control: the plain framework listens; nobody takes [::1]:P.
    tcp::acceptor plain(ctx);
    framework_bind(plain, endpoint, true, ec);
    BOOST_TEST_REQUIRE(!ec, ec.message());
    plain.listen();
    const outcome o = attempt(shadow, identity::other_user);
    BOOST_TEST_REQUIRE(o.kind != outcome::skipped, o.note);
    BOOST_TEST(o.won_port(), "control: nobody binds [::1] beside a plain listener: " << o);
  }
  tcp::acceptor acceptor(ctx);
  framework_bind(acceptor, endpoint, false, ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  portguard::exclusive_listen(acceptor, ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  const outcome o = attempt(shadow, identity::other_user);
  BOOST_TEST(o.was_refused(), "the guard holds [::1]: " << o);
}

BOOST_TEST_DECORATOR(*skip_unless([] { return linux_rival_reason(identity::other_user); }))
BOOST_AUTO_TEST_CASE(squatter_that_bound_first_fails_it_closed_and_is_named)
{
  const unsigned short port = unused_tcp_port();
  const tcp::endpoint endpoint(net::ip::address_v4::loopback(), port);
  const rival squat_on{transport::tcp, rival_options::reuse_address,
      net::ip::address_v4::loopback(), port};
  net::io_context ctx;
  error_code ec;
  {
    // The control: the plain framework binds and listens beside the squatter.
    squatter squat(squat_on, identity::other_user);
    BOOST_TEST_REQUIRE(squat.holds(), "the squatter could not bind: " << squat.result());
    tcp::acceptor plain(ctx);
    framework_bind(plain, endpoint, true, ec);
    BOOST_TEST_REQUIRE(!ec, ec.message());
    plain.listen(tcp::acceptor::max_listen_connections, ec);
    BOOST_TEST(!ec, "control: the plain framework starts beside the squatter");
  }
  for (const bool after_framework_listen : {false, true})
  {
    BOOST_TEST_CONTEXT("called " << (after_framework_listen ? "after listen" : "after bind"))
    {
      squatter squat(squat_on, identity::other_user);
      BOOST_TEST_REQUIRE(squat.holds(), "the squatter could not bind: " << squat.result());
      tcp::acceptor acceptor(ctx);
      framework_bind(acceptor, endpoint, false, ec);
      BOOST_TEST_REQUIRE(!ec, "the framework's bind beside it: " << ec.message());
      if (after_framework_listen)
        acceptor.listen();
      portguard::exclusive_listen(acceptor, ec);
      BOOST_TEST((ec == portguard::error::port_shared), ec.message());
      BOOST_TEST(!acceptor.is_open(), "nothing stays bound");

      tcp::acceptor again(ctx);
      framework_bind(again, endpoint, false, ec);
      BOOST_TEST_REQUIRE(!ec, ec.message());
      try
      {
        portguard::exclusive_listen(again);
        BOOST_ERROR("no exception beside the squatter");
      }
      catch (const portguard::system_error& e)
      {
        const std::string what = e.what();
        BOOST_TEST(what.find("exclusive_listen") != std::string::npos, what);
        BOOST_TEST(what.find("uid 65534") != std::string::npos, what);
        BOOST_TEST(what.find("pid " + std::to_string(squat.pid())) != std::string::npos, what);
      }
    }
  }
}

BOOST_TEST_DECORATOR(*skip_unless([] { return first_reason(linux_only_reason(),
    option_reason(rival_options::reuse_port)); }))
BOOST_AUTO_TEST_CASE(reuse_port_is_refused_unless_best_effort)
{
  const unsigned short port = unused_tcp_port();
  const tcp::endpoint endpoint(net::ip::address_v4::loopback(), port);
  net::io_context ctx;
  error_code ec;
  tcp::acceptor acceptor(ctx);
  framework_bind(acceptor, endpoint, true, ec); // no exclusive option: SO_REUSEPORT set below
  BOOST_TEST_REQUIRE(!ec, ec.message());
  acceptor.close();
  acceptor.open(tcp::v4());
  acceptor.set_option(portguard::exclusive_address_use(false)); // SO_REUSEPORT on
  acceptor.bind(endpoint);
  const rival sharer{transport::tcp, rival_options::reuse_port, endpoint.address(), port};
  BOOST_TEST(attempt(sharer, identity::same_user).won_port(),
      "control: a same-user SO_REUSEPORT rival joins the plain acceptor");
  portguard::exclusive_listen(acceptor, ec);
  BOOST_TEST((ec == portguard::error::not_exclusive), ec.message());

  // The throwing form names the option and the fix.
  tcp::acceptor named(ctx);
  named.open(tcp::v4());
  named.set_option(tcp::acceptor::reuse_address(true));
  named.set_option(portguard::exclusive_address_use(false)); // SO_REUSEPORT on
  named.bind({endpoint.address(), unused_tcp_port()});
  try
  {
    portguard::exclusive_listen(named);
    BOOST_ERROR("no exception for SO_REUSEPORT");
  }
  catch (const portguard::system_error& e)
  {
    const std::string what = e.what();
    BOOST_TEST_MESSAGE(what);
    BOOST_TEST(what.find("exclusive_listen: SO_REUSEPORT on; to fix: turn SO_REUSEPORT off")
        == 0, what);
  }

  tcp::acceptor tolerated(ctx);
  tolerated.open(tcp::v4());
  tolerated.set_option(portguard::exclusive_address_use(false));
  tolerated.bind({endpoint.address(), unused_tcp_port()});
  portguard::exclusive_listen(tolerated, exclusivity::best_effort, ec);
  BOOST_TEST(!ec, "best_effort listens: " << ec.message());
  BOOST_TEST(!portguard::is_exclusive(tolerated), "and tells the truth");
}

BOOST_TEST_DECORATOR(*skip_unless(linux_only_reason))
BOOST_AUTO_TEST_CASE(restarts_over_time_wait)
{
  const unsigned short port = unused_tcp_port();
  const tcp::endpoint endpoint(net::ip::address_v4::loopback(), port);
  net::io_context ctx;
  error_code ec;
  {
    tcp::acceptor first(ctx);
    framework_bind(first, endpoint, false, ec);
    BOOST_TEST_REQUIRE(!ec, ec.message());
    portguard::exclusive_listen(first);
    tcp::socket client(ctx);
    client.connect(endpoint);
    tcp::socket served = first.accept();
    served.close(); // the server closes first: its side goes to TIME_WAIT
    char byte = 0;
    client.read_some(net::buffer(&byte, 1), ec); // end of stream
  }
  {
    // The control: without SO_REUSEADDR the port is not free yet.
    tcp::acceptor plain(ctx, tcp::v4());
    plain.bind(endpoint, ec);
    BOOST_TEST_REQUIRE((ec == net::error::address_in_use),
        "TIME_WAIT should block a bind without SO_REUSEADDR: " << ec.message());
  }
  tcp::acceptor second(ctx);
  framework_bind(second, endpoint, false, ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  portguard::exclusive_listen(second, ec);
  BOOST_TEST(!ec, "the restart listens beside TIME_WAIT: " << ec.message());
  BOOST_TEST(portguard::is_exclusive(second));
}

BOOST_AUTO_TEST_SUITE_END()
