//
// test/unit/error.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include <portguard/error.hpp>

#include <boost/test/unit_test.hpp>

#include <iterator>
#include <set>
#include <string>

BOOST_AUTO_TEST_SUITE(error)

BOOST_AUTO_TEST_CASE(category_is_named_portguard)
{
  BOOST_TEST(std::string(portguard::category().name()) == "portguard");
  const portguard::error_code ec = portguard::error::not_exclusive;
  BOOST_TEST(std::string(ec.category().name()) == "portguard");
  BOOST_TEST((ec == portguard::error::not_exclusive));
  BOOST_TEST((ec != portguard::error::option_refused));
}

BOOST_AUTO_TEST_CASE(every_error_has_its_own_message)
{
  using portguard::error;
  std::set<std::string> messages;
  const error all[] = {error::option_refused, error::conflicting_option,
      error::not_exclusive, error::already_bound, error::wrong_socket_type,
      error::port_shared, error::holders_unknown, error::other_family_held,
      error::socket_shared};
  for (error e : all)
  {
    const std::string message = portguard::make_error_code(e).message();
    BOOST_TEST_CONTEXT("error " << static_cast<int>(e) << ": " << message)
    {
      BOOST_TEST(message.size() > 20u);
      BOOST_TEST(message.size() <= 120u, "one short sentence");
      BOOST_TEST(message.find(';') != std::string::npos, "the error, then the remedy");
      BOOST_TEST(message.find("unknown") == std::string::npos);
    }
    messages.insert(message);
  }
  BOOST_TEST(messages.size() == std::size(all));
  BOOST_TEST(portguard::make_error_code(static_cast<error>(999)).message()
      == "unknown portguard error");
}

#if !defined(PORTGUARD_STANDALONE_ASIO)
BOOST_AUTO_TEST_CASE(category_identity_is_stable_across_instances)
{
  // Two instances of the category class, as two DLLs of a header-only
  // library would each have, compare equal through Boost.System's id.
  const portguard::detail::error_category_impl another;
  const portguard::error_code here(static_cast<int>(portguard::error::port_shared),
      portguard::category());
  const portguard::error_code there(static_cast<int>(portguard::error::port_shared), another);
  BOOST_TEST(&another != &portguard::category());
  BOOST_TEST((here == there));
}
#endif

BOOST_AUTO_TEST_SUITE_END()
