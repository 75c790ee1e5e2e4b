//
// test/unit/rival_wire.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The rival harness's vocabulary and the wire encoding of outcomes that
// cross a process boundary (docs/reliability.md, "Rival outcomes between
// processes"): every outcome survives the trip, malformed lines are
// refused, and a child process's answer reaches the parent by name.
//
#include "support/rival.hpp"

#include "support/net.hpp"

#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <string>

namespace {

using namespace pg_test;
using tcp = net::ip::tcp;

// The order both rival engines share (the probe's src/probe/rivals.hpp too).
static_assert(outcome::won == 0 && outcome::refused == 1 && outcome::skipped == 2,
    "outcome kinds: won, refused, skipped");
static_assert(static_cast<int>(identity::same_process) == 0
        && static_cast<int>(identity::same_user) == 1
        && static_cast<int>(identity::other_user) == 2,
    "identities: same_process, same_user, other_user");

#if defined(_WIN32)
const int in_use = WSAEADDRINUSE;
#else
const int in_use = EADDRINUSE;
#endif

outcome round_trip(const outcome& o)
{
  const std::string line = wire_line(o);
  BOOST_TEST_CONTEXT("line: " << line)
  {
    BOOST_TEST_REQUIRE(!line.empty());
    BOOST_TEST(line.back() == '\n');
    BOOST_TEST(line.find('\n') == line.size() - 1); // one line
    outcome back;
    BOOST_TEST_REQUIRE(parse_wire_line(line.substr(0, line.size() - 1), back));
    return back;
  }
  return {};
}

} // namespace

BOOST_AUTO_TEST_SUITE(rival_wire)

BOOST_AUTO_TEST_CASE(every_outcome_survives_the_trip)
{
  const outcome won = round_trip({outcome::won, {}, {}});
  BOOST_TEST(won.kind == outcome::won);
  BOOST_TEST(wire_line({outcome::won, {}, {}}) == "won\n");

  const error_code refused_ec(in_use, net::error::get_system_category());
  BOOST_TEST(wire_line({outcome::refused, refused_ec, {}})
      == "refused " + std::to_string(in_use) + "\n");
  const outcome refused = round_trip({outcome::refused, refused_ec, {}});
  BOOST_TEST(refused.kind == outcome::refused);
  BOOST_TEST(refused.ec == refused_ec);

  const error_code skip_ec(EINVAL, net::error::get_system_category());
  const outcome skipped = round_trip({outcome::skipped, skip_ec, "no IPv6\nhere"});
  BOOST_TEST(skipped.kind == outcome::skipped);
  BOOST_TEST(skipped.ec == skip_ec);
  BOOST_TEST(skipped.note == "no IPv6 here"); // a newline cannot split the line

  const outcome no_code = round_trip({outcome::skipped, {}, "not root"});
  BOOST_TEST(!no_code.ec);
  BOOST_TEST(no_code.note == "not root");
}

BOOST_AUTO_TEST_CASE(malformed_lines_are_refused)
{
  for (const char* line : {"", "wonx", "won 1", "refused", "refused x", "refused 98 extra",
           "skipped", "lost 1", "WON", "1000"})
  {
    outcome o;
    BOOST_TEST(!parse_wire_line(line, o), "accepted: '" << line << "'");
  }
}

// A child process of this user answers over the wire: refused by name,
// with the OS's error, beside a control it wins.
BOOST_AUTO_TEST_CASE(child_answers_by_name, *boost::unit_test::timeout(60))
{
  net::io_context ctx;
  tcp::acceptor holder(ctx, tcp::endpoint(net::ip::address_v4::loopback(), 0), false);
  const unsigned short port = holder.local_endpoint().port();
  const rival plain{transport::tcp, rival_options::none, net::ip::address_v4::loopback(), port};
  const outcome refused = attempt(plain, identity::same_user);
  BOOST_TEST(refused.kind == outcome::refused, refused);
  BOOST_TEST(refused.ec == net::error::address_in_use, refused.ec.message());

  holder.close();
  const outcome won = attempt(plain, identity::same_user);
  BOOST_TEST(won.kind == outcome::won, won);
}

BOOST_AUTO_TEST_SUITE_END()
