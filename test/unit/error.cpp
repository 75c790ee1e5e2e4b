//
// test/unit/error.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include <portguard/error.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
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
      error::socket_shared, error::other_family_open};
  for (error e : all)
  {
    const std::string message = portguard::make_error_code(e).message();
    BOOST_TEST_CONTEXT("error " << static_cast<int>(e) << ": " << message)
    {
      BOOST_TEST(message.size() > 20u);
      BOOST_TEST(message.size() <= 120u, "one short sentence");
      BOOST_TEST(message.find(';') != std::string::npos, "the error, then the remedy");
      BOOST_TEST(message.find("unknown") == std::string::npos);
      // Where best_effort is offered beside a fix, the fix comes first.
      const std::string last = "or use exclusivity::best_effort";
      if (message.find("best_effort") != std::string::npos && e != error::option_refused)
        BOOST_TEST(message.substr(message.size() - std::min(message.size(), last.size()))
            == last, "another remedy first, best_effort last");
    }
    messages.insert(message);
  }
  BOOST_TEST(messages.size() == std::size(all));
  BOOST_TEST(portguard::make_error_code(static_cast<error>(999)).message()
      == "unknown portguard error");
}

BOOST_AUTO_TEST_CASE(values_are_stable)
{
  // Codes cross process and module boundaries as numbers: new values go last.
  using portguard::error;
  BOOST_TEST(static_cast<int>(error::option_refused) == 1);
  BOOST_TEST(static_cast<int>(error::not_exclusive) == 3);
  BOOST_TEST(static_cast<int>(error::port_shared) == 6);
  BOOST_TEST(static_cast<int>(error::holders_unknown) == 7);
  BOOST_TEST(static_cast<int>(error::other_family_held) == 8);
  BOOST_TEST(static_cast<int>(error::socket_shared) == 9);
  BOOST_TEST(static_cast<int>(error::other_family_open) == 10);
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
