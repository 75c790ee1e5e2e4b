//
// test/unit/exclusivity.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// portguard::exclusivity: two distinct policies, and `required` is the
// default of every entry point that takes one.
//
#include <portguard/exclusivity.hpp>

#include <portguard/exclusive_bind.hpp>
#include <portguard/secure_acceptor.hpp>

#include "support/fault_seam.hpp"
#include "support/net.hpp"

#include <boost/test/unit_test.hpp>

#include <type_traits>

namespace {

using portguard::exclusivity;
using tcp = portguard::net::ip::tcp;
using udp = portguard::net::ip::udp;

static_assert(std::is_enum<exclusivity>::value, "a scoped enumeration");
static_assert(!std::is_convertible<exclusivity, int>::value, "scoped");
static_assert(exclusivity::required != exclusivity::best_effort, "two policies");

} // namespace

BOOST_AUTO_TEST_SUITE(exclusivity)

BOOST_AUTO_TEST_CASE(required_is_the_default)
{
  portguard::net::io_context ctx;
  const portguard::secure_acceptor acceptor(ctx);
  BOOST_TEST((acceptor.policy() == portguard::exclusivity::required));

  // Without a policy argument, a refused option fails the call.
  pg_test::fault_seam seam;
  portguard::error_code ec;
  udp::socket datagram(ctx);
  seam.refuse_exclusive(1);
  portguard::exclusive_bind(datagram, udp::endpoint(portguard::net::ip::address_v4::loopback(), 0), ec);
  BOOST_TEST((ec == portguard::error::option_refused), ec.message());
  BOOST_TEST(!datagram.is_open());

  // The control: best_effort, under the same refusal, goes on.
  seam.refuse_exclusive(1);
  portguard::exclusive_bind(datagram, udp::endpoint(portguard::net::ip::address_v4::loopback(), 0),
      portguard::exclusivity::best_effort, ec);
  BOOST_TEST(!ec, ec.message());
  BOOST_TEST(datagram.is_open());
}

BOOST_AUTO_TEST_SUITE_END()
