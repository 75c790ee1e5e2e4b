//
// test/unit/verdict.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// why_not_exclusive(): one case per reason, each beside its control (the
// same socket without the cause is exclusive, with an empty reason), and
// the verdict's answer equal to is_exclusive()'s over every configuration.
//
#include <portguard/verdict.hpp>

#include <portguard/exclusive_bind.hpp>
#include <portguard/is_exclusive.hpp>
#include <portguard/secure_acceptor.hpp>

#include "support/fault_seam.hpp"
#include "support/ports.hpp"
#include "support/skip.hpp"
#include "support/squatter.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <memory>
#include <string>

namespace {

using namespace pg_test;
using tcp = net::ip::tcp;
using udp = net::ip::udp;
namespace pg = portguard;

const net::ip::address loopback = net::ip::address_v4::loopback();

#if !defined(_WIN32)
using reuse_port = net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
#endif

bool contains(const std::string& text, const std::string& part)
{
  return text.find(part) != std::string::npos;
}

/// The verdict, checked against is_exclusive() on the same socket.
template <typename Socket>
pg::exclusivity_verdict verdict_of(Socket& socket)
{
  error_code ec;
  const bool answer = pg::is_exclusive(socket, ec);
  error_code verdict_ec;
  pg::exclusivity_verdict v = pg::why_not_exclusive(socket, verdict_ec);
  BOOST_TEST(!verdict_ec, verdict_ec.message());
  BOOST_TEST(v.exclusive == answer, "the verdict agrees with is_exclusive()");
  BOOST_TEST_MESSAGE(v.to_string());
  return v;
}

/// An exclusive verdict says nothing more.
void check_exclusive(const pg::exclusivity_verdict& v)
{
  BOOST_TEST(v.exclusive);
  BOOST_TEST(!v.reason);
  BOOST_TEST(v.option.empty());
  BOOST_TEST(v.holders.empty());
  BOOST_TEST(v.remedy.empty());
  BOOST_TEST(v.to_string() == "exclusive");
}

/// An acceptor on 127.0.0.1:`port` with its other family guarded, before
/// listen: SO_REUSEPORT and SO_REUSEADDR as asked.
void open_acceptor(tcp::acceptor& a, unsigned short port, bool reuse_address,
    bool sharing_port)
{
  a.open(tcp::v4());
#if !defined(_WIN32)
  if (sharing_port)
    a.set_option(reuse_port(true));
#else
  (void)sharing_port;
#endif
  if (reuse_address)
    a.set_option(net::socket_base::reuse_address(true));
  a.bind(tcp::endpoint(loopback, port));
  pg::guard_other_family(a, pg::exclusivity::best_effort);
}

/// The process name the kernel shows for `pid` (Linux); empty elsewhere.
std::string process_name(long pid)
{
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

/// A squatter of user nobody on `address`:P with SO_REUSEADDR, not
/// listening, P free on 127.0.0.1 a moment before (a bounded few tries).
std::unique_ptr<squatter> squat(const net::ip::address& address, unsigned short& port)
{
  std::unique_ptr<squatter> squatting;
  for (int attempt = 0; attempt < 4 && !(squatting && squatting->holds()); ++attempt)
  {
    port = unused_tcp_port();
    squatting = std::make_unique<squatter>(
        rival{transport::tcp, rival_options::reuse_address, address, port, address.is_v6()},
        identity::other_user);
  }
  return squatting;
}

std::string linux_other_user_reason()
{
  return first_reason(linux_only_reason(), identity_reason(identity::other_user));
}

} // namespace

BOOST_AUTO_TEST_SUITE(verdict)

#if !defined(_WIN32)
BOOST_AUTO_TEST_CASE(reuse_port_is_named, *boost::unit_test::timeout(60))
{
  net::io_context ctx;
  tcp::acceptor shared(ctx);
  open_acceptor(shared, 0, false, true);
  shared.listen();
  const pg::exclusivity_verdict v = verdict_of(shared);
  BOOST_TEST(!v.exclusive);
  BOOST_TEST((v.reason == pg::error::not_exclusive), v.reason.message());
  BOOST_TEST(v.option == "SO_REUSEPORT on");
  BOOST_TEST(contains(v.remedy, "SO_REUSEPORT off"), v.remedy);
  BOOST_TEST(contains(v.to_string(), "SO_REUSEPORT on"));

  // Control: the same socket without SO_REUSEPORT.
  tcp::acceptor alone(ctx);
  open_acceptor(alone, 0, false, false);
  alone.listen();
  check_exclusive(verdict_of(alone));
}

BOOST_AUTO_TEST_CASE(reuse_address_on_udp_is_named, *boost::unit_test::timeout(60))
{
  net::io_context ctx;
  udp::socket shared(ctx, udp::v4());
  shared.set_option(net::socket_base::reuse_address(true));
  shared.bind(udp::endpoint(loopback, 0));
  pg::guard_other_family(shared, pg::exclusivity::best_effort);
  const pg::exclusivity_verdict v = verdict_of(shared);
  BOOST_TEST((v.reason == pg::error::not_exclusive), v.reason.message());
  BOOST_TEST(v.option == "SO_REUSEADDR on a UDP socket");
  BOOST_TEST(contains(v.remedy, "SO_REUSEADDR off"), v.remedy);

  // Control: the same socket without SO_REUSEADDR.
  udp::socket alone(ctx, udp::v4());
  alone.bind(udp::endpoint(loopback, 0));
  pg::guard_other_family(alone, pg::exclusivity::best_effort);
  check_exclusive(verdict_of(alone));
}

BOOST_AUTO_TEST_CASE(reuse_address_before_listen_is_named, *boost::unit_test::timeout(60))
{
  net::io_context ctx;
  tcp::acceptor a(ctx);
  open_acceptor(a, 0, true, false);
  const pg::exclusivity_verdict v = verdict_of(a);
  BOOST_TEST((v.reason == pg::error::not_exclusive), v.reason.message());
  BOOST_TEST(v.option == "SO_REUSEADDR on a bound, not listening TCP socket");
  BOOST_TEST(contains(v.remedy, "listen"), v.remedy);

  // Control: the same socket once it listens.
  a.listen();
  check_exclusive(verdict_of(a));
}
#else
BOOST_AUTO_TEST_CASE(reuse_address_is_named, *boost::unit_test::timeout(60))
{
  // Windows: SO_REUSEADDR lets a rival share even a listening socket.
  net::io_context ctx;
  tcp::acceptor shared(ctx);
  open_acceptor(shared, 0, true, false);
  shared.listen();
  const pg::exclusivity_verdict v = verdict_of(shared);
  BOOST_TEST((v.reason == pg::error::not_exclusive), v.reason.message());
  BOOST_TEST(v.option == "SO_REUSEADDR on and SO_EXCLUSIVEADDRUSE off");
  BOOST_TEST(contains(v.remedy, "SO_EXCLUSIVEADDRUSE before bind"), v.remedy);

  // Control: the same socket with the option set before bind, SO_REUSEADDR off.
  tcp::acceptor alone(ctx, tcp::v4());
  pg::make_exclusive(alone);
  alone.bind(tcp::endpoint(loopback, 0));
  pg::guard_other_family(alone, pg::exclusivity::best_effort);
  alone.listen();
  check_exclusive(verdict_of(alone));
}
#endif

BOOST_AUTO_TEST_CASE(squatter_is_named,
    *boost::unit_test::timeout(60) * skip_unless(linux_other_user_reason))
{
  unsigned short port = 0;
  std::unique_ptr<squatter> squatting = squat(loopback, port);
  BOOST_TEST_REQUIRE(squatting->holds(), squatting->result());
  const std::string pid = "pid " + std::to_string(squatting->pid());
  net::io_context ctx;

  // The throwing forms name it, with the remedy.
  BOOST_CHECK_EXCEPTION(pg::secure_acceptor(ctx, tcp::endpoint(loopback, port)),
      pg::system_error, [&](const pg::system_error& e) {
        const std::string what = e.what();
        BOOST_TEST_MESSAGE(what);
        return e.code() == pg::error::port_shared && contains(what, "uid 65534, " + pid)
            && contains(what, "to fix: stop " + pid);
      });

  tcp::acceptor beside(ctx);
  open_acceptor(beside, port, true, false); // SO_REUSEADDR binds beside it
  beside.listen();
  const pg::exclusivity_verdict v = verdict_of(beside);
  BOOST_TEST((v.reason == pg::error::port_shared), v.reason.message());
  BOOST_TEST(v.option.empty());
  BOOST_TEST_REQUIRE(v.holders.size() == 1u);
  const pg::port_holder& h = v.holders.front();
  BOOST_TEST((h.uid && *h.uid == 65534u));
  BOOST_TEST((h.pid && static_cast<long>(*h.pid) == squatting->pid()));
  BOOST_TEST(!h.process.empty());
  BOOST_TEST(h.process == process_name(squatting->pid()));
  BOOST_TEST(contains(v.remedy, "stop " + pid + " (" + h.process + ") of uid 65534"),
      v.remedy);
  BOOST_TEST(v.remedy.rfind("best_effort") > v.remedy.find("stop"), "best_effort last");
  BOOST_TEST(contains(v.to_string(), "uid 65534, " + pid));

  // Control: the squatter gone, the same socket is exclusive.
  beside.close();
  squatting.reset();
  tcp::acceptor alone(ctx);
  open_acceptor(alone, port, true, false);
  alone.listen();
  check_exclusive(verdict_of(alone));
}

BOOST_AUTO_TEST_CASE(other_family_is_named,
    *boost::unit_test::timeout(60)
        * skip_unless([] { return first_reason(linux_other_user_reason(), ipv6_reason()); }))
{
  unsigned short port = 0;
  std::unique_ptr<squatter> squatting = squat(net::ip::address_v6::loopback(), port);
  BOOST_TEST_REQUIRE(squatting->holds(), squatting->result());
  net::io_context ctx;
  tcp::acceptor plain(ctx, tcp::v4());
  plain.bind(tcp::endpoint(loopback, port));
  plain.listen();
  const pg::exclusivity_verdict v = verdict_of(plain);
  BOOST_TEST((v.reason == pg::error::other_family_held), v.reason.message());
  BOOST_TEST_REQUIRE(v.holders.size() == 1u);
  BOOST_TEST(v.holders.front().address == net::ip::address(net::ip::address_v6::loopback()));
  BOOST_TEST((v.holders.front().uid && *v.holders.front().uid == 65534u));
  BOOST_TEST(contains(v.remedy, "stop pid " + std::to_string(squatting->pid())), v.remedy);

  // Control: the squatter gone, the other family is free but unguarded...
  squatting.reset();
  const pg::exclusivity_verdict open = verdict_of(plain);
  BOOST_TEST((open.reason == pg::error::other_family_open), open.reason.message());
  BOOST_TEST(open.option == "no guard on [::1]:" + std::to_string(port));
  BOOST_TEST(open.holders.empty());
  BOOST_TEST(contains(open.remedy, "guard_other_family"), open.remedy);
  // ...and guarded, exclusive.
  pg::guard_other_family(plain);
  check_exclusive(verdict_of(plain));
}

BOOST_AUTO_TEST_CASE(unreadable_table_is_named, *boost::unit_test::timeout(60))
{
  net::io_context ctx;
  tcp::acceptor a(ctx);
  open_acceptor(a, 0, false, false);
  a.listen();
  {
    fault_seam seam;
    seam.table(pg::detail::table_fault_kind::unreadable);
    error_code ec;
    BOOST_TEST(!pg::is_exclusive(a, ec));
    BOOST_TEST((ec == pg::error::holders_unknown), ec.message());
    error_code verdict_ec;
    const pg::exclusivity_verdict v = pg::why_not_exclusive(a, verdict_ec);
    BOOST_TEST(!verdict_ec, "a verdict, not an error");
    BOOST_TEST(!v.exclusive);
    BOOST_TEST((v.reason == pg::error::holders_unknown), v.reason.message());
    BOOST_TEST(contains(v.cause, "the socket table cannot be read"), v.cause);
    BOOST_TEST(contains(v.to_string(), v.cause));
    BOOST_TEST(v.remedy.rfind("best_effort") != std::string::npos);
    BOOST_TEST_MESSAGE(v.to_string());
  }
  // Control: the table readable again.
  check_exclusive(verdict_of(a));
}

BOOST_AUTO_TEST_CASE(verdict_equals_is_exclusive, *boost::unit_test::timeout(120))
{
  net::io_context ctx;
  for (bool reuse_address : {false, true})
    for (bool sharing_port : {false, true})
      for (bool listening : {false, true})
      {
        BOOST_TEST_CONTEXT("reuse_address " << reuse_address << ", SO_REUSEPORT "
                           << sharing_port << ", listening " << listening)
        {
          tcp::acceptor a(ctx);
          open_acceptor(a, 0, reuse_address, sharing_port);
          if (listening)
            a.listen();
          const pg::exclusivity_verdict v = verdict_of(a);
          BOOST_TEST(v.exclusive == !v.reason);
        }
      }
  udp::socket unbound(ctx, udp::v4());
  pg::make_exclusive(unbound); // Windows: SO_EXCLUSIVEADDRUSE; POSIX: as it was
  check_exclusive(verdict_of(unbound));
}

BOOST_AUTO_TEST_CASE(closed_socket_is_an_error)
{
  net::io_context ctx;
  tcp::acceptor closed(ctx);
  error_code ec;
  pg::why_not_exclusive(closed, ec);
  BOOST_TEST((ec == net::error::bad_descriptor), ec.message());
  BOOST_CHECK_EXCEPTION(pg::why_not_exclusive(closed), pg::system_error,
      [](const pg::system_error& e) {
        return std::string(e.what()).find("why_not_exclusive") == 0;
      });
}

BOOST_AUTO_TEST_SUITE_END()
