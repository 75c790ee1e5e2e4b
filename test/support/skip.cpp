//
// test/support/skip.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "skip.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <sstream>
#include <utility>

namespace pg_test {

namespace utf = boost::unit_test;

namespace {

boost::test_tools::assertion_result as_result(const std::string& reason)
{
  boost::test_tools::assertion_result result{reason.empty()};
  if (!reason.empty())
    result.message() << reason;
  return result;
}

} // namespace

utf::precondition skip_unless(skip_reason reason)
{
  return utf::precondition([reason = std::move(reason)](utf::test_unit_id) {
    return as_result(reason());
  });
}

utf::precondition skip_sample_unless(std::function<std::string(std::size_t)> reason)
{
  return utf::precondition([reason = std::move(reason)](utf::test_unit_id id) {
    const std::string name = utf::framework::get(id, utf::TUT_ANY).p_name;
    if (name.size() < 2 || name[0] != '_')
      return as_result({}); // the data test case's suite: its samples decide
    return as_result(reason(static_cast<std::size_t>(std::stoul(name.substr(1)))));
  });
}

std::string other_user_reason()
{
#if defined(_WIN32)
  return "[platform] no second user account to switch to on Windows";
#else
  return can_switch_user() ? std::string() : "[needs root] switching to user nobody needs root";
#endif
}

std::string identity_reason(identity who)
{
  return who == identity::other_user ? other_user_reason() : std::string();
}

std::string option_reason(rival_options options)
{
  if (option_available(options))
    return {};
  std::ostringstream os;
  os << "[platform] no " << options << " option on this platform";
  return os.str();
}

std::string ipv6_reason()
{
  net::io_context ctx;
  net::ip::tcp::acceptor a(ctx);
  error_code ec;
  a.open(net::ip::tcp::v6(), ec);
  if (!ec)
    a.bind(net::ip::tcp::endpoint(net::ip::address_v6::loopback(), 0), ec);
  return ec ? "[os] no IPv6 loopback here: " + ec.message() : std::string();
}

std::string release_reason()
{
  net::io_context ctx;
  net::ip::tcp::acceptor a(ctx, net::ip::tcp::v4());
  error_code ec;
  const auto handle = a.release(ec);
  if (ec)
    return "[os] acceptor::release() is not supported here: " + ec.message();
  net::ip::tcp::acceptor closer(ctx, net::ip::tcp::v4(), handle);
  return {};
}

double stress_scale()
{
  const char* text = std::getenv("PORTGUARD_STRESS_SCALE");
  const double scale = text ? std::atof(text) : 1.0;
  return scale > 0.0 && scale <= 1.0 ? scale : 1.0;
}

std::string linux_only_reason()
{
#if defined(__linux__)
  return {};
#else
  return "[platform] Linux only";
#endif
}

std::string first_reason(const std::string& a, const std::string& b)
{
  return a.empty() ? b : a;
}

} // namespace pg_test
