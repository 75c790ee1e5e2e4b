//
// test/unit/exclusive_bind.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include <portguard/exclusive_bind.hpp>

#include <portguard/exclusive_address_use.hpp>
#include <portguard/is_exclusive.hpp>

#include "support/descriptors.hpp"
#include "support/platform_rules.hpp"
#include "support/ports.hpp"
#include "support/fault_seam.hpp"
#include "support/skip.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

namespace {

using namespace pg_test;
using tcp = net::ip::tcp;
using udp = net::ip::udp;
using portguard::exclusivity;

} // namespace

namespace exclusive_bind_compile {

using namespace pg_test;
using tcp = net::ip::tcp;
using udp = net::ip::udp;
using portguard::exclusivity;

// Compile part: every overload, for both socket kinds.
template <typename Socket>
void every_overload(Socket& s, const typename Socket::endpoint_type& e)
{
  error_code ec;
  portguard::exclusive_bind(s, e);
  portguard::exclusive_bind(s, e, exclusivity::best_effort);
  portguard::exclusive_bind(s, e, ec);
  portguard::exclusive_bind(s, e, exclusivity::required, ec);
  portguard::make_exclusive(s);
  portguard::make_exclusive(s, exclusivity::best_effort);
  portguard::make_exclusive(s, ec);
  portguard::make_exclusive(s, exclusivity::required, ec);
}
template void every_overload(tcp::acceptor&, const tcp::endpoint&);
template void every_overload(udp::socket&, const udp::endpoint&);

} // namespace exclusive_bind_compile

namespace {

const tcp::endpoint loopback_any_port(net::ip::address_v4::loopback(), 0);

} // namespace

BOOST_AUTO_TEST_SUITE(exclusive_bind)

BOOST_AUTO_TEST_CASE(opens_a_closed_acceptor_and_binds_it_exclusive)
{
  net::io_context ctx;
  tcp::acceptor acceptor(ctx);
  error_code ec;
  portguard::exclusive_bind(acceptor, loopback_any_port, ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(acceptor.is_open());
  BOOST_TEST(acceptor.local_endpoint().port() != 0);
  BOOST_TEST(portguard::is_exclusive(acceptor));
  portguard::exclusive_address_use option;
  acceptor.get_option(option);
  BOOST_TEST(option.value());
  acceptor.listen(); // left bound, not listening: listen still works
}

BOOST_AUTO_TEST_CASE(udp_socket_shareable_before_is_exclusive_after)
{
  net::io_context ctx;
  udp::socket datagram(ctx, udp::v4());
  error_code ec;
  make_shareable(datagram, ec);
  BOOST_TEST_REQUIRE(!ec);
  portguard::exclusive_bind(datagram, {net::ip::address_v4::loopback(), 0}, ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(portguard::is_exclusive(datagram));
  net::socket_base::reuse_address reuse(true);
  datagram.get_option(reuse);
  BOOST_TEST(!reuse.value(), "exclusive_bind never leaves SO_REUSEADDR on a UDP socket");
}

BOOST_AUTO_TEST_CASE(already_bound_socket_is_refused_and_left_open)
{
  net::io_context ctx;
  tcp::acceptor acceptor(ctx, tcp::v4());
  acceptor.bind(loopback_any_port);
  error_code ec;
  portguard::exclusive_bind(acceptor, loopback_any_port, ec);
  BOOST_TEST((ec == portguard::error::already_bound), ec.message());
  BOOST_TEST(acceptor.is_open(), "a socket it did not open, it does not close");
  portguard::make_exclusive(acceptor, ec);
  BOOST_TEST((ec == portguard::error::already_bound));
}

BOOST_AUTO_TEST_CASE(tcp_acceptor_constructor_then_retrofit_is_a_clear_error)
{
  // tcp::acceptor(ctx, endpoint) sets SO_REUSEADDR, binds and listens: too late.
  net::io_context ctx;
  tcp::acceptor acceptor(ctx, loopback_any_port);
  error_code ec;
  portguard::make_exclusive(acceptor, ec);
  BOOST_TEST((ec == portguard::error::already_bound));
  BOOST_TEST(ec.message().find("between open and bind") != std::string::npos, ec.message());
  BOOST_CHECK_THROW(portguard::make_exclusive(acceptor), portguard::system_error);
}

BOOST_AUTO_TEST_CASE(port_in_use_fails_and_closes_what_it_opened)
{
  net::io_context ctx;
  tcp::acceptor holder(ctx, loopback_any_port, false);
  tcp::acceptor acceptor(ctx);
  error_code ec;
  portguard::exclusive_bind(acceptor, holder.local_endpoint(), ec);
  BOOST_TEST((ec == net::error::address_in_use || ec == net::error::access_denied), ec.message());
  BOOST_TEST(!acceptor.is_open());
}

BOOST_AUTO_TEST_CASE(endpoint_of_the_other_family_is_an_error_not_a_throw)
{
  net::io_context ctx;
  tcp::acceptor acceptor(ctx, tcp::v4());
  error_code ec;
  BOOST_CHECK_NO_THROW(portguard::exclusive_bind(acceptor, {net::ip::address_v6::loopback(), 0}, ec));
  BOOST_TEST(!!ec);
  BOOST_TEST(acceptor.is_open());
}

BOOST_AUTO_TEST_CASE(closed_socket_for_make_exclusive)
{
  net::io_context ctx;
  udp::socket datagram(ctx);
  error_code ec;
  portguard::make_exclusive(datagram, ec);
  BOOST_TEST((ec == net::error::bad_descriptor));
}

BOOST_AUTO_TEST_CASE(throwing_form_names_the_operation)
{
  net::io_context ctx;
  tcp::acceptor holder(ctx, loopback_any_port, false);
  tcp::acceptor acceptor(ctx);
  try
  {
    portguard::exclusive_bind(acceptor, holder.local_endpoint());
    BOOST_ERROR("no exception");
  }
  catch (const portguard::system_error& e)
  {
    BOOST_TEST(std::string(e.what()).find("exclusive_bind") != std::string::npos, e.what());
  }
  BOOST_TEST(!acceptor.is_open());
}

// The fallback: under `required` a refused option fails closed (nothing
// open, nothing bound); under `best_effort` the socket binds and
// is_exclusive() tells the truth.
BOOST_AUTO_TEST_CASE(required_fails_closed_when_the_os_refuses)
{
  const unsigned short port = unused_tcp_port();
  net::io_context ctx;
  tcp::acceptor acceptor(ctx);
  const int descriptors = open_descriptors();
  error_code ec;
  {
    fault_seam os;
    os.refuse_exclusive(1);
    portguard::exclusive_bind(acceptor, {net::ip::address_v4::loopback(), port}, ec);
  }
  BOOST_TEST((ec == portguard::error::option_refused), ec.message());
  BOOST_TEST(!acceptor.is_open());
  BOOST_TEST(open_descriptors() == descriptors);
  BOOST_TEST(tcp_port_is_free(port), "nothing stays bound");
}

BOOST_AUTO_TEST_CASE(best_effort_binds_and_tells_the_truth)
{
  net::io_context ctx;
  udp::socket datagram(ctx, udp::v4());
  error_code ec;
  make_shareable(datagram, ec); // as plain code left it
  {
    fault_seam os;
    os.refuse_exclusive(1);
    portguard::exclusive_bind(datagram, {net::ip::address_v4::any(), 0},
        exclusivity::best_effort, ec);
  }
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(datagram.local_endpoint().port() != 0);
  BOOST_TEST(!portguard::is_exclusive(datagram));
}

// ...and that answer is true to life: a rival can share the port.
BOOST_AUTO_TEST_CASE(best_effort_answer_is_true_to_life, *skip_unless([] {
  return rival_check_reason(socket_state::udp, net::ip::address_v4::any());
}))
{
  net::io_context ctx;
  udp::socket datagram(ctx, udp::v4());
  error_code ec;
  make_shareable(datagram, ec); // as plain code left it
  {
    fault_seam os;
    os.refuse_exclusive(1);
    portguard::exclusive_bind(datagram, {net::ip::address_v4::any(), 0},
        exclusivity::best_effort, ec);
  }
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(!portguard::is_exclusive(datagram));
  std::string reason;
  const bool shared = some_rival_shares(socket_state::udp, net::ip::address_v4::any(),
      datagram.local_endpoint().port(), reason);
  BOOST_TEST_REQUIRE(reason.empty(), reason);
  BOOST_TEST(shared);
}

BOOST_AUTO_TEST_SUITE_END()
