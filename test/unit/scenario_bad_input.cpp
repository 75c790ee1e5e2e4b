//
// test/unit/scenario_bad_input.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Every public function with bad input: a closed socket, the wrong address
// family, an already bound socket, an invalid native handle, a privileged
// port as `nobody`, a port in use, a UDP socket given to the acceptor API.
// Each case is written once and run in both forms (case_list::add): it
// gives a clear error_code from the error_code form and throws
// system_error with the same code from the throwing form; nothing crashes
// and no descriptor leaks, even over 10 000 rounds of every case (1 000
// where descriptors cannot be counted).
//
// PORTGUARD_STRESS_SCALE (a number in (0, 1], default 1) scales the rounds
// down, for slow builds such as those under sanitizers.
//
#include <portguard/portguard.hpp>

#include "support/child.hpp"
#include "support/skip.hpp"
#include "support/descriptors.hpp"

#include "support/net.hpp"
#include "support/ports.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <functional>
#include <string>
#include <system_error>
#include <vector>

#if !defined(_WIN32)
#  include <fcntl.h>
#  include <grp.h>
#  include <unistd.h>
#  include <fstream>
#endif

namespace {

namespace net = portguard::net;
using portguard::error_code;
using tcp = net::ip::tcp;
using udp = net::ip::udp;

const net::ip::address loopback = net::ip::address_v4::loopback();
const net::ip::address loopback_v6 = net::ip::address_v6::loopback();

#if defined(_WIN32)
const int address_not_available = WSAEADDRNOTAVAIL;
#else
const int address_not_available = EADDRNOTAVAIL;
#endif

using pg_test::raw_handle;
using pg_test::raw_socket;
using pg_test::stress_scale;

/// One bad input given to one public function.
struct bad_case
{
  std::string input;                       // what is wrong
  std::string function;                    // the call
  std::vector<error_code> expected;        // the clear answers it may give
  std::function<void(error_code&)> with_ec;
  std::function<void()> throwing;          // empty when the call has no throwing form
};

bool expected_code(const bad_case& c, const error_code& ec)
{
  return std::find(c.expected.begin(), c.expected.end(), ec) != c.expected.end();
}

/// The sockets the cases share: a held TCP port, a held UDP port, an
/// exclusive UDP socket and a shareable TCP socket (for adoption).
struct held_ports
{
  explicit held_ports(net::io_context& ctx)
    : tcp_holder(ctx, tcp::endpoint(loopback, 0)), udp_holder(ctx), shareable(ctx)
  {
    portguard::exclusive_bind(udp_holder, udp::endpoint(loopback, 0));
    shareable.open(tcp::v4());
    shareable.set_option(portguard::exclusive_address_use(false));
    shareable.set_option(net::socket_base::reuse_address(true));
    shareable.bind(tcp::endpoint(loopback, 0));
  }
  unsigned short tcp_port() { return tcp_holder.local_endpoint().port(); }
  unsigned short udp_port() { return udp_holder.local_endpoint().port(); }

  portguard::secure_acceptor tcp_holder;
  udp::socket udp_holder;
  tcp::acceptor shareable;
};

portguard::retry_options one_attempt()
{
  portguard::retry_options r;
  r.attempts = 1;
  return r;
}

/// The cases of one run, each written once (Boost.MySQL's netfun_maker
/// idea): add() takes a callable `call(ec...)` that passes its trailing
/// arguments on to the function under test, and makes the error_code form
/// (`call(ec)`) and the throwing form (`call()`) from it. Checks after the
/// call run in the error_code form; in the throwing form the call throws
/// first. add_pair() is for the few cases whose two forms are different
/// entry points (a constructor and assign()).
class case_list
{
public:
  template <typename Call>
  void add(std::string input, std::string function, std::vector<error_code> expected, Call call)
  {
    cases_.push_back(bad_case{std::move(input), std::move(function), std::move(expected),
        [call](error_code& ec) { call(ec); }, [call] { call(); }});
  }

  void add_pair(std::string input, std::string function, std::vector<error_code> expected,
      std::function<void(error_code&)> with_ec, std::function<void()> throwing)
  {
    cases_.push_back(bad_case{std::move(input), std::move(function), std::move(expected),
        std::move(with_ec), std::move(throwing)});
  }

  std::vector<bad_case> take() { return std::move(cases_); }

private:
  std::vector<bad_case> cases_;
};

std::vector<bad_case> all_cases(net::io_context& ctx, held_ports& held)
{
  namespace pg = portguard;
  using e = pg::error;
  const error_code bad_descriptor = net::error::bad_descriptor;
  const error_code in_use = net::error::address_in_use;
  const error_code not_socket = net::error::not_socket;
  const tcp::endpoint tcp_in_use(loopback, held.tcp_port());
  const udp::endpoint udp_in_use(loopback, held.udp_port());
  const tcp::endpoint v6_endpoint(loopback_v6, 0);
  const raw_socket invalid_handle = static_cast<raw_socket>(-1);
  case_list cases;

  // -- make_exclusive ----------------------------------------------------------
  cases.add("closed socket", "make_exclusive(tcp::acceptor)", {bad_descriptor},
      [&ctx](auto&... ec) { tcp::acceptor a(ctx); pg::make_exclusive(a, ec...); });
  cases.add("closed socket", "make_exclusive(udp::socket)", {bad_descriptor},
      [&ctx](auto&... ec) { udp::socket s(ctx); pg::make_exclusive(s, ec...); });
  cases.add("already bound", "make_exclusive(tcp::acceptor)", {e::already_bound},
      [&ctx](auto&... ec) {
        tcp::acceptor a(ctx, tcp::v4());
        a.bind(tcp::endpoint(loopback, 0));
        pg::make_exclusive(a, ec...);
      });

  // -- exclusive_bind ----------------------------------------------------------
  cases.add("wrong family (v4 socket, v6 endpoint)", "exclusive_bind(tcp::acceptor)",
      // Linux: EAFNOSUPPORT; Wine: WSAEOPNOTSUPP; Windows may say WSAEFAULT.
      {net::error::invalid_argument, net::error::address_family_not_supported,
          net::error::operation_not_supported, net::error::fault},
      [=, &ctx](auto&... ec) {
        tcp::acceptor a(ctx, tcp::v4());
        pg::exclusive_bind(a, v6_endpoint, ec...);
      });
  cases.add("already bound", "exclusive_bind(udp::socket)", {e::already_bound},
      [&ctx](auto&... ec) {
        udp::socket s(ctx, udp::endpoint(loopback, 0));
        pg::exclusive_bind(s, udp::endpoint(loopback, 0), ec...);
      });
  cases.add("port in use", "exclusive_bind(tcp::acceptor)", {in_use},
      [=, &ctx](auto&... ec) {
        tcp::acceptor a(ctx);
        pg::exclusive_bind(a, tcp_in_use, ec...);
        BOOST_TEST(!a.is_open()); // it opened the socket, so it closed it again
      });
  cases.add("port in use", "exclusive_bind(udp::socket)", {in_use},
      [=, &ctx](auto&... ec) {
        udp::socket s(ctx);
        pg::exclusive_bind(s, udp_in_use, ec...);
        BOOST_TEST(!s.is_open());
      });
  cases.add("address not on this host", "exclusive_bind(tcp::acceptor)",
      {error_code(address_not_available, net::error::get_system_category())},
      [&ctx](auto&... ec) {
        tcp::acceptor a(ctx);
        pg::exclusive_bind(a, tcp::endpoint(net::ip::make_address("192.0.2.1"), 0), ec...);
      });

  // -- is_exclusive ------------------------------------------------------------
  cases.add("closed socket", "is_exclusive(tcp::acceptor)", {bad_descriptor},
      [&ctx](auto&... ec) { tcp::acceptor a(ctx); BOOST_TEST(!pg::is_exclusive(a, ec...)); });
  cases.add("closed socket", "is_exclusive(tcp::socket)", {bad_descriptor},
      [&ctx](auto&... ec) { tcp::socket s(ctx); BOOST_TEST(!pg::is_exclusive(s, ec...)); });

  // -- secure_acceptor ---------------------------------------------------------
  cases.add_pair("port in use", "secure_acceptor(ctx, endpoint) / bind_with_retry", {in_use},
      [=, &ctx](error_code& ec) {
        pg::secure_acceptor a(ctx);
        pg::bind_with_retry(a, tcp_in_use, one_attempt(), ec);
        BOOST_TEST(!a.is_open());
      },
      [=, &ctx] { pg::secure_acceptor a(ctx, tcp_in_use); });
  cases.add("already open", "secure_acceptor::open", {net::error::already_open},
      [&ctx](auto&... ec) {
        pg::secure_acceptor a(ctx, tcp::v4());
        a.open(tcp::v4(), ec...);
        BOOST_TEST(a.is_open()); // the first socket is kept
      });
  cases.add_pair("invalid native handle", "secure_acceptor::assign / constructor",
      {bad_descriptor, not_socket},
      [=, &ctx](error_code& ec) { pg::secure_acceptor a(ctx); a.assign(tcp::v4(), invalid_handle, ec); },
      [=, &ctx] { pg::secure_acceptor a(ctx, tcp::v4(), invalid_handle); });
  cases.add_pair("UDP socket's handle", "secure_acceptor::assign / constructor",
      {e::wrong_socket_type},
      [&ctx, &held](error_code& ec) {
        pg::secure_acceptor a(ctx);
        a.assign(tcp::v4(), raw_handle(held.udp_holder), ec);
      },
      [&ctx, &held] { pg::secure_acceptor a(ctx, tcp::v4(), raw_handle(held.udp_holder)); });
  cases.add_pair("UDP socket's handle, best_effort", "secure_acceptor::assign / constructor",
      {e::wrong_socket_type},
      [&ctx, &held](error_code& ec) {
        pg::secure_acceptor a(ctx, pg::exclusivity::best_effort);
        a.assign(tcp::v4(), raw_handle(held.udp_holder), ec);
      },
      [&ctx, &held] {
        pg::secure_acceptor a(ctx, tcp::v4(), raw_handle(held.udp_holder),
            pg::exclusivity::best_effort);
      });
  cases.add_pair("shareable socket", "secure_acceptor::assign / constructor", {e::not_exclusive},
      [&ctx, &held](error_code& ec) {
        pg::secure_acceptor a(ctx);
        a.assign(tcp::v4(), held.shareable.native_handle(), ec);
      },
      [&ctx, &held] { pg::secure_acceptor a(ctx, tcp::v4(), held.shareable.native_handle()); });
  cases.add("already open", "secure_acceptor::assign", {net::error::already_open},
      [&ctx, &held](auto&... ec) {
        pg::secure_acceptor a(ctx, tcp::v4());
        a.assign(tcp::v4(), held.tcp_holder.native_handle(), ec...);
      });
  cases.add("sharing option", "secure_acceptor::set_option(exclusive_address_use(false))",
      {e::conflicting_option},
      [&ctx](auto&... ec) {
        pg::secure_acceptor a(ctx, tcp::v4());
        a.set_option(pg::exclusive_address_use(false), ec...);
        BOOST_TEST(a.is_exclusive());
      });
  cases.add("closed socket", "secure_acceptor::set_option", {bad_descriptor},
      [&ctx](auto&... ec) {
        pg::secure_acceptor a(ctx);
        a.set_option(net::socket_base::keep_alive(true), ec...);
      });
  cases.add("closed socket", "secure_acceptor::is_exclusive", {bad_descriptor},
      [&ctx](auto&... ec) { pg::secure_acceptor a(ctx); BOOST_TEST(!a.is_exclusive(ec...)); });

  // -- bind_with_retry ---------------------------------------------------------
  cases.add("zero attempts", "bind_with_retry(secure_acceptor)", {net::error::invalid_argument},
      [&ctx](auto&... ec) {
        pg::secure_acceptor a(ctx);
        pg::retry_options r;
        r.attempts = 0;
        pg::bind_with_retry(a, tcp::endpoint(loopback, 0), r, ec...);
      });
  cases.add("already open", "bind_with_retry(secure_acceptor)", {net::error::already_open},
      [&ctx](auto&... ec) {
        pg::secure_acceptor a(ctx, tcp::v4());
        pg::bind_with_retry(a, tcp::endpoint(loopback, 0), one_attempt(), ec...);
      });
  cases.add("port in use", "bind_with_retry(udp::socket)", {in_use},
      [=, &ctx](auto&... ec) {
        udp::socket s(ctx);
        pg::bind_with_retry(s, udp_in_use, one_attempt(), ec...);
      });

  // -- graceful_close ----------------------------------------------------------
  cases.add("closed socket", "graceful_close(tcp::socket)", {bad_descriptor},
      [&ctx](auto&... ec) { tcp::socket s(ctx); pg::graceful_close(s, ec...); });
  cases.add("not connected", "graceful_close(tcp::socket)", {net::error::not_connected},
      [&ctx](auto&... ec) {
        tcp::socket s(ctx, tcp::v4());
        pg::graceful_close(s, ec...);
        BOOST_TEST(!s.is_open());
      });

#if !defined(_WIN32)
  cases.add_pair("not a socket (a pipe)", "secure_acceptor::assign / constructor", {not_socket},
      [&ctx](error_code& ec) {
        int fds[2];
        BOOST_TEST_REQUIRE(::pipe(fds) == 0);
        pg::secure_acceptor a(ctx);
        a.assign(tcp::v4(), fds[0], ec);
        ::close(fds[0]);
        ::close(fds[1]);
      },
      [&ctx] {
        int fds[2];
        BOOST_TEST_REQUIRE(::pipe(fds) == 0);
        struct closer
        {
          int* fds;
          ~closer() { ::close(fds[0]); ::close(fds[1]); }
        } guard{fds};
        pg::secure_acceptor a(ctx, tcp::v4(), fds[0]);
      });
#endif
  return cases.take();
}

/// Runs both forms of a case once; returns whether both gave an expected code.
bool run_once(const bad_case& c, bool report)
{
  error_code ec;
  bool ok = true;
  try
  {
    c.with_ec(ec);
  }
  catch (const std::exception& e)
  {
    ok = false;
    if (report)
      BOOST_ERROR(c.function << " with " << c.input << ": error_code form threw: " << e.what());
  }
  if (ok && !expected_code(c, ec))
  {
    ok = false;
    if (report)
      BOOST_ERROR(c.function << " with " << c.input << ": unexpected error_code: "
          << ec.category().name() << ':' << ec.value() << " (" << ec.message() << ')');
  }
  if (!c.throwing)
    return ok;
  try
  {
    c.throwing();
    ok = false;
    if (report)
      BOOST_ERROR(c.function << " with " << c.input << ": throwing form did not throw");
  }
  catch (const portguard::system_error& e)
  {
    if (!expected_code(c, e.code()))
    {
      ok = false;
      if (report)
        BOOST_ERROR(c.function << " with " << c.input << ": threw unexpected code "
            << e.code().message());
    }
  }
  catch (const std::exception& e)
  {
    ok = false;
    if (report)
      BOOST_ERROR(c.function << " with " << c.input << ": threw something else: " << e.what());
  }
  return ok;
}

} // namespace

BOOST_AUTO_TEST_SUITE(scenario_bad_input)

BOOST_AUTO_TEST_CASE(every_case_gives_a_clear_error)
{
  net::io_context ctx;
  held_ports held(ctx);
  const auto cases = all_cases(ctx, held);
  for (const auto& c : cases)
  {
    BOOST_TEST_CONTEXT(c.function << " with " << c.input)
    {
      error_code ec;
      c.with_ec(ec);
      BOOST_TEST_MESSAGE("| " << c.input << " | " << c.function << " | "
          << ec.category().name() << ": " << ec.message() << " |");
      BOOST_TEST(run_once(c, true));
    }
  }
  BOOST_TEST_MESSAGE(cases.size() << " bad inputs, each through the error_code and the throwing form");
}

BOOST_AUTO_TEST_CASE(ten_thousand_rounds_leak_no_descriptor, *boost::unit_test::timeout(300))
{
  net::io_context ctx;
  held_ports held(ctx);
  const auto cases = all_cases(ctx, held);
  // Where descriptors cannot be counted (Windows) the loop only checks the
  // answers, so 1 000 rounds do.
  const int before = pg_test::open_descriptors();
  const int rounds = static_cast<int>((before >= 0 ? 10000 : 1000) * stress_scale());
  const auto start = std::chrono::steady_clock::now();
  long long calls = 0;
  int failures = 0;
  for (int round = 0; round < rounds; ++round)
    for (const auto& c : cases)
    {
      if (!run_once(c, failures == 0))
        ++failures;
      calls += c.throwing ? 2 : 1;
    }
  const int after = pg_test::open_descriptors();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start).count();
  BOOST_TEST(failures == 0);
  if (before >= 0)
    BOOST_TEST(after == before, "descriptors before: " << before << ", after: " << after);
  BOOST_TEST_MESSAGE(rounds << " rounds x " << cases.size() << " bad inputs = " << calls
      << " failing calls in " << ms << " ms; "
      << (before < 0 ? std::string("descriptors not counted on this platform")
                     : "descriptors before " + std::to_string(before) + ", after "
                           + std::to_string(after) + " (leaked "
                           + std::to_string(after - before) + ")"));
}

#if !defined(_WIN32)

// A privileged port as user nobody: the bind is refused with access_denied
// (EACCES), clearly, by every entry point. Runs in a forked child that drops
// to nobody; needs root to switch user.
/// The first unprivileged port (net.ipv4.ip_unprivileged_port_start).
static int unprivileged_port_start()
{
  int start = 1024;
  std::ifstream("/proc/sys/net/ipv4/ip_unprivileged_port_start") >> start;
  return start;
}

BOOST_AUTO_TEST_CASE(privileged_port_as_nobody, *boost::unit_test::timeout(60)
    * pg_test::skip_unless(pg_test::other_user_reason) * pg_test::skip_unless([] {
        const int start = unprivileged_port_start();
        return start > 1 ? std::string() : "[os] every port is unprivileged here "
            "(net.ipv4.ip_unprivileged_port_start = " + std::to_string(start) + ")";
      }))
{
  const unsigned short port = static_cast<unsigned short>(unprivileged_port_start() - 1);

  // The child reports, for each entry point: '1' = access_denied as expected.
  enum { via_exclusive_bind, via_constructor, via_retry, via_udp, checks };
  const pg_test::child_report report = pg_test::run_in_child([&] {
    std::string result(checks, '0');
    if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0)
      return result;
    const error_code denied = net::error::access_denied;
    auto mark = [&](int check, bool ok) { result[static_cast<std::size_t>(check)] = ok ? '1' : '0'; };
    net::io_context ctx;
    error_code ec;
    tcp::acceptor a(ctx);
    portguard::exclusive_bind(a, tcp::endpoint(loopback, port), ec);
    mark(via_exclusive_bind, ec == denied && !a.is_open());
    try
    {
      portguard::secure_acceptor s(ctx, tcp::endpoint(loopback, port));
    }
    catch (const portguard::system_error& e)
    {
      mark(via_constructor, e.code() == denied);
    }
    portguard::secure_acceptor r(ctx);
    portguard::retry_options retry;
    retry.attempts = 2;
    retry.initial_delay = std::chrono::milliseconds(1);
    portguard::bind_with_retry(r, tcp::endpoint(loopback, port), retry, ec);
    mark(via_retry, ec == denied && !r.is_open());
    udp::socket u(ctx);
    portguard::exclusive_bind(u, udp::endpoint(loopback, port), ec);
    mark(via_udp, ec == denied && !u.is_open());
    return result;
  });
  BOOST_TEST_REQUIRE(report.returned, "the child reported nothing");
  BOOST_TEST_REQUIRE(report.text.size() == std::size_t{checks}, report.text);
  auto result = [&](int check) { return report.text[static_cast<std::size_t>(check)] - '0'; };
  BOOST_TEST(result(via_exclusive_bind) == 1, "exclusive_bind(tcp::acceptor) as nobody, port " << port);
  BOOST_TEST(result(via_constructor) == 1, "secure_acceptor(ctx, endpoint) as nobody, port " << port);
  BOOST_TEST(result(via_retry) == 1, "bind_with_retry(secure_acceptor) as nobody, port " << port);
  BOOST_TEST(result(via_udp) == 1, "exclusive_bind(udp::socket) as nobody, port " << port);
}

#endif

BOOST_AUTO_TEST_SUITE_END()
