//
// test/unit/portguard.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The umbrella header: <portguard/portguard.hpp> alone gives every public
// name (each has its own suite, named after its header).
//
#include <portguard/portguard.hpp>

#include "support/net.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <type_traits>

namespace {

namespace pg = portguard;
using tcp = pg::net::ip::tcp;
using udp = pg::net::ip::udp;

static_assert(std::is_class<pg::secure_acceptor>::value, "secure_acceptor.hpp");
static_assert(std::is_class<pg::exclusive_address_use>::value, "exclusive_address_use.hpp");
static_assert(std::is_enum<pg::exclusivity>::value, "exclusivity.hpp");
static_assert(std::is_enum<pg::error>::value, "error.hpp");
static_assert(std::is_class<pg::retry_options>::value, "bind_with_retry.hpp");
static_assert(std::is_class<pg::drain_limits>::value, "graceful_close.hpp");
static_assert(std::is_class<pg::port_holder>::value, "port_holder.hpp");
static_assert(std::is_class<pg::port_holders>::value, "port_holder.hpp");

// The function templates, called in unevaluated context.
using exclusive_bind_result = decltype(pg::exclusive_bind(
    std::declval<udp::socket&>(), std::declval<const udp::endpoint&>()));
using is_exclusive_result = decltype(pg::is_exclusive(std::declval<tcp::acceptor&>()));
using holders_result = decltype(pg::holders_of(std::declval<const tcp::endpoint&>()));
using graceful_close_result = decltype(pg::graceful_close(std::declval<tcp::socket&>()));
static_assert(std::is_same<is_exclusive_result, bool>::value, "is_exclusive.hpp");
static_assert(std::is_same<holders_result, pg::port_holders>::value, "holders.hpp");

} // namespace

BOOST_AUTO_TEST_SUITE(portguard)

BOOST_AUTO_TEST_CASE(every_name_through_the_umbrella)
{
  pg::net::io_context ctx;
  pg::secure_acceptor acceptor(ctx, tcp::endpoint(pg::net::ip::address_v4::loopback(), 0));
  BOOST_TEST(pg::is_exclusive(acceptor));
  const pg::error_code ec = pg::error::not_exclusive;
  BOOST_TEST(std::string(ec.category().name()) == "portguard");
}

BOOST_AUTO_TEST_SUITE_END()
