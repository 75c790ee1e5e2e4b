//
// test/unit/error.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include <portguard/error.hpp>

#include <boost/test/unit_test.hpp>

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
  for (error e : {error::option_refused, error::conflicting_option, error::not_exclusive,
           error::already_bound, error::wrong_socket_type})
  {
    const std::string message = portguard::make_error_code(e).message();
    BOOST_TEST_CONTEXT("error " << static_cast<int>(e))
    {
      BOOST_TEST(message.size() > 20u);
      BOOST_TEST(message.find("unknown") == std::string::npos);
    }
    messages.insert(message);
  }
  BOOST_TEST(messages.size() == 5u);
  BOOST_TEST(portguard::make_error_code(static_cast<error>(999)).message()
      == "unknown portguard error");
}

BOOST_AUTO_TEST_SUITE_END()
