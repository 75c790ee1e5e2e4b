//
// test/unit/scenario_windows.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The Windows hijacks and how each portguard path stops them, each beside
// its control: a plain Asio acceptor configured the way tcp::acceptor(ctx,
// endpoint) leaves it, against which the same rival must win.
//
// - A rival binding the loopback address over a defender bound to the
//   wildcard (not yet listening), and a reuse_address rival over the
//   defender's own address, against secure_acceptor, a plain acceptor
//   retrofitted with exclusive_address_use(true) before bind,
//   exclusive_bind, and make_exclusive before bind (on Windows also after
//   reuse_address was set); IPv4 and IPv6; rivals in this process and in a
//   second process (under Wine: a second Wine process in the same prefix).
// - Option conflicts, the get_option round trip, the retrofit that comes
//   too late, and the fail-closed and fallback paths (fault seam).
//
// The cases run on every platform. What differs (which rivals beat the
// control, which cells Wine does not model) comes from
// support/platform_rules.cpp; cases that only mean something on Windows are
// skipped elsewhere by a precondition that says so. Every defender binds
// port 0.
//
#include <portguard/portguard.hpp>

#include "support/platform_rules.hpp"
#include "support/rival.hpp"
#include "support/fault_seam.hpp"
#include "support/skip.hpp"

#include <boost/predef/os/windows.h>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <map>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

namespace {

using namespace pg_test;
namespace bdata = boost::unit_test::data;
namespace utf = boost::unit_test;
using tcp = net::ip::tcp;

/// Precondition of the cases that only mean something under Windows' rules.
boost::test_tools::assertion_result windows_only(utf::test_unit_id)
{
  boost::test_tools::assertion_result result(BOOST_OS_WINDOWS != 0);
  result.message() << "[platform] Windows' bind rules only";
  return result;
}

// -- Rivals and defenders -------------------------------------------------------

/// The two ways a rival takes a Windows port from a plain socket.
enum class hijack
{
  specific_over_wildcard,  // no options, 127.0.0.1 / ::1 over 0.0.0.0 / ::
  reuse_over_reuse         // reuse_address, the defender's own wildcard address
};

std::ostream& operator<<(std::ostream& os, hijack h)
{
  return os << (h == hijack::specific_over_wildcard ? "specific-over-wildcard"
                                                   : "reuse_address-over-reuse_address");
}

/// How the defender was made exclusive.
enum class path
{
  secure_acceptor,       // secure_acceptor: open, bind (not listening)
  retrofit,              // tcp::acceptor: open, set_option(exclusive_address_use(true)), bind
  exclusive_bind,        // exclusive_bind on a closed tcp::acceptor
  make_exclusive,        // tcp::acceptor: open, shareable option, make_exclusive, bind
  secure_acceptor_listen // secure_acceptor(ctx, endpoint): listening
};

std::ostream& operator<<(std::ostream& os, path p)
{
  switch (p)
  {
  case path::secure_acceptor: return os << "secure_acceptor";
  case path::retrofit: return os << "retrofit";
  case path::exclusive_bind: return os << "exclusive_bind";
  case path::make_exclusive: return os << "make_exclusive";
  case path::secure_acceptor_listen: return os << "secure_acceptor(ctx,endpoint)";
  }
  return os;
}

struct hijack_cell
{
  hijack kind;
  bool v6;
  identity who;
  path defence;

  /// The cell in the terms of support/platform_rules.hpp.
  cell rules() const
  {
    const bool reuse = kind == hijack::reuse_over_reuse;
    return {defence == path::secure_acceptor_listen ? socket_state::tcp_listening
                                                    : socket_state::tcp_bound,
        v6, /*defender_wildcard=*/true, /*rival_same_address=*/reuse,
        reuse ? rival_options::reuse_address : rival_options::none, who};
  }
};

std::ostream& operator<<(std::ostream& os, const hijack_cell& h)
{
  const cell c = h.rules();
  return os << h.kind << ' ' << (h.v6 ? "v6" : "v4") << " defender@"
            << defender_address(c) << " rival@" << rival_address(c) << ' ' << h.who
            << " path:" << h.defence;
}

std::vector<hijack_cell> make_hijack_cells()
{
  std::vector<hijack_cell> cells;
  for (hijack kind : {hijack::specific_over_wildcard, hijack::reuse_over_reuse})
    for (bool v6 : {false, true})
      for (identity who : {identity::same_process, identity::same_user})
        for (path p : {path::secure_acceptor, path::retrofit, path::exclusive_bind,
                 path::make_exclusive, path::secure_acceptor_listen})
          cells.push_back({kind, v6, who, p});
  return cells;
}

/// Every hijack cell, in the order of the data test case's samples.
const std::vector<hijack_cell>& hijack_cells()
{
  static const std::vector<hijack_cell> cells = make_hijack_cells();
  return cells;
}

outcome rival_on(const cell& c, unsigned short port)
{
  return attempt({transport::tcp, c.options, rival_address(c), port}, c.who);
}

/// The control: a plain acceptor configured the vulnerable way (Windows:
/// reuse_address, as tcp::acceptor(ctx, endpoint) does), and the rival's
/// outcome against it. Measured once per rules cell.
outcome control_outcome(const cell& c)
{
  using key_type = std::tuple<int, bool, bool, bool, int, int>;
  static std::map<key_type, outcome> measured;
  const key_type key{static_cast<int>(c.state), c.v6, c.defender_wildcard,
      c.rival_same_address, static_cast<int>(c.options), static_cast<int>(c.who)};
  if (const auto found = measured.find(key); found != measured.end())
    return found->second;
  net::io_context ctx;
  tcp::acceptor plain(ctx);
  error_code ec;
  open_control(plain, c, ec);
  const outcome result = ec
      ? outcome{outcome::skipped, ec, "control defender failed: " + ec.message()}
      : rival_on(c, plain.local_endpoint().port());
  return measured[key] = result;
}

/// Makes `plain` or `secure` hold a port exclusively by the cell's path;
/// returns the acceptor that holds it.
tcp::acceptor& defend(const hijack_cell& h, tcp::acceptor& plain,
    portguard::secure_acceptor& secure, error_code& ec)
{
  const tcp::endpoint endpoint(defender_address(h.rules()), 0);
  switch (h.defence)
  {
  case path::secure_acceptor:
    secure.open(endpoint.protocol(), ec);
    if (!ec) secure.bind(endpoint, ec);
    return secure;
  case path::retrofit:
    plain.open(endpoint.protocol(), ec);
    if (!ec) plain.set_option(portguard::exclusive_address_use(true), ec);
    if (!ec) plain.bind(endpoint, ec);
    if (!ec) portguard::guard_other_family(plain, ec);
    return plain;
  case path::exclusive_bind:
    portguard::exclusive_bind(plain, endpoint, ec);
    return plain;
  case path::make_exclusive:
    plain.open(endpoint.protocol(), ec);
    if (!ec) make_shareable(plain, ec);
    if (!ec) portguard::make_exclusive(plain, ec);
    if (!ec) plain.bind(endpoint, ec);
    if (!ec) portguard::guard_other_family(plain, ec);
    return plain;
  case path::secure_acceptor_listen:
    secure = portguard::secure_acceptor(secure.get_executor(), endpoint);
    return secure;
  }
  return plain;
}


} // namespace

BOOST_AUTO_TEST_SUITE(scenario_windows)

// -- Hijacks: control first, then every portguard path ---------------------------

// Cells Wine does not model are skipped before they start.
BOOST_TEST_DECORATOR(*skip_sample_unless([](std::size_t i) {
  return not_modeled(hijack_cells().at(i).rules());
}))
BOOST_DATA_TEST_CASE(hijack_refused_beside_its_control, bdata::make(hijack_cells()), h)
{
  const cell c = h.rules();

  const outcome control = control_outcome(c);
  BOOST_TEST_REQUIRE(control.kind != outcome::skipped, "control: " << control.note);
  BOOST_TEST(control.won_port() == control_rival_wins(c),
      "control (plain acceptor): rival " << control << ", platform rule says "
          << (control_rival_wins(c) ? "won" : "refused"));
  if (!control.won_port())
    BOOST_TEST_MESSAGE(h << ": the rival loses against a plain socket here too, "
                            "so this cell is no evidence on this platform");

  net::io_context ctx;
  tcp::acceptor plain(ctx);
  portguard::secure_acceptor secure(ctx);
  error_code ec;
  tcp::acceptor& defender = defend(h, plain, secure, ec);
  BOOST_TEST_REQUIRE(!ec, "exclusive defender could not be set up: " << ec.message());
  BOOST_TEST(portguard::is_exclusive(defender));

  const outcome rival = rival_on(c, defender.local_endpoint().port());
  BOOST_TEST_REQUIRE(rival.kind != outcome::skipped, rival.note);
  BOOST_TEST(rival.was_refused(), "exclusive defender: rival " << rival);
}

// -- Options on a secure acceptor -------------------------------------------------

BOOST_AUTO_TEST_CASE(exclusive_address_use_false_is_conflicting)
{
  net::io_context ctx;
  portguard::secure_acceptor acceptor(ctx, tcp::v4());
  error_code ec;
  acceptor.set_option(portguard::exclusive_address_use(false), ec);
  BOOST_TEST((ec == portguard::error::conflicting_option), ec.message());
  BOOST_TEST(std::string(ec.category().name()) == "portguard");
  BOOST_TEST(acceptor.is_exclusive());
  portguard::exclusive_address_use option;
  acceptor.get_option(option);
  BOOST_TEST(option.value());
}

BOOST_AUTO_TEST_CASE(reuse_address_on_secure_acceptor_is_recorded_not_set,
    *utf::precondition(windows_only)
    *utf::description("Windows: SO_REUSEADDR would open the port to sharing, so a "
                      "secure acceptor records reuse_address(true) instead of "
                      "passing it on; on POSIX it is passed on (a listener cannot "
                      "be shared through it)"))
{
  for (bool v6 : {false, true})
  {
    BOOST_TEST_CONTEXT((v6 ? "v6" : "v4"))
    {
      net::io_context ctx;
      const cell c{socket_state::tcp_bound, v6, true, false, rival_options::none,
          identity::same_user};
      portguard::secure_acceptor acceptor(ctx, tcp::endpoint(defender_address(c), 0).protocol());
      error_code ec;
      acceptor.set_option(net::socket_base::reuse_address(true), ec);
      BOOST_TEST(!ec, ec.message());
      BOOST_CHECK_NO_THROW(acceptor.set_option(net::socket_base::reuse_address(true)));

      // It answers what was set...
      net::socket_base::reuse_address reuse;
      acceptor.get_option(reuse);
      BOOST_TEST(reuse.value());

      // ...while the socket stays exclusive: the OS holds SO_EXCLUSIVEADDRUSE
      // on and SO_REUSEADDR off (read through the Asio base, unfiltered)...
      const tcp::acceptor& as_asio = acceptor;
      portguard::exclusive_address_use exclusive;
      as_asio.get_option(exclusive);
      BOOST_TEST(exclusive.value());
      as_asio.get_option(reuse);
      BOOST_TEST(!reuse.value());
      BOOST_TEST(acceptor.is_exclusive());

      // ...and a rival that beats the control is refused.
      // Bound, not listening, same family: a cell every platform models.
      BOOST_TEST_REQUIRE(not_modeled(c).empty(), not_modeled(c));
      const outcome control = control_outcome(c);
      BOOST_TEST_REQUIRE(control.won_port() == control_rival_wins(c),
          "control: rival " << control);
      acceptor.bind(tcp::endpoint(defender_address(c), 0));
      const outcome rival = rival_on(c, acceptor.local_endpoint().port());
      BOOST_TEST_REQUIRE(rival.kind != outcome::skipped, rival.note);
      BOOST_TEST(rival.was_refused(), "rival " << rival);
    }
  }
}

BOOST_AUTO_TEST_CASE(get_option_round_trip)
{
  for (bool v6 : {false, true})
  {
    BOOST_TEST_CONTEXT((v6 ? "v6" : "v4"))
    {
      net::io_context ctx;
      tcp::acceptor plain(ctx, v6 ? tcp::v6() : tcp::v4());
      for (bool value : {true, false, true})
      {
        plain.set_option(portguard::exclusive_address_use(value));
        portguard::exclusive_address_use read(!value);
        plain.get_option(read);
        BOOST_TEST(read.value() == value);
        BOOST_TEST(static_cast<bool>(read) == value);
        BOOST_TEST(!read == !value);
      }
      portguard::secure_acceptor secure(ctx, v6 ? tcp::v6() : tcp::v4());
      portguard::exclusive_address_use read;
      secure.get_option(read);
      BOOST_TEST(read.value(), "a secure acceptor reads back exclusive after open");
    }
  }
}

// -- The retrofit that comes too late ----------------------------------------------

// tcp::acceptor(ctx, endpoint) has set reuse_address, bound and listened:
// exclusivity can no longer take effect. make_exclusive says so in
// portguard's terms; the raw option is reported for the documentation.
BOOST_AUTO_TEST_CASE(make_exclusive_after_asio_endpoint_constructor)
{
  for (bool v6 : {false, true})
  {
    BOOST_TEST_CONTEXT((v6 ? "v6" : "v4"))
    {
      net::io_context ctx;
      const tcp::endpoint endpoint(v6 ? net::ip::address(net::ip::address_v6::loopback())
                                      : net::ip::address(net::ip::address_v4::loopback()),
          0);
      tcp::acceptor acceptor(ctx, endpoint);
      net::socket_base::reuse_address reuse;
      acceptor.get_option(reuse);
      BOOST_TEST(reuse.value(), "tcp::acceptor(ctx, endpoint) sets reuse_address");

      error_code ec;
      portguard::make_exclusive(acceptor, ec);
      BOOST_TEST((ec == portguard::error::already_bound), ec.message());
      BOOST_TEST(std::string(ec.category().name()) == "portguard");
      BOOST_TEST(ec.message().find("secure_acceptor") != std::string::npos,
          "the message points to the fix: " << ec.message());
      BOOST_CHECK_EXCEPTION(portguard::make_exclusive(acceptor), portguard::system_error,
          [](const portguard::system_error& e) {
            return e.code() == portguard::error::already_bound;
          });
      BOOST_TEST(acceptor.is_open(), "make_exclusive must not close the caller's acceptor");

      error_code raw;
      acceptor.set_option(portguard::exclusive_address_use(true), raw);
      BOOST_TEST_MESSAGE("plain set_option(exclusive_address_use(true)) after "
                         "tcp::acceptor(ctx, endpoint): "
          << (raw ? raw.message() + " (" + std::to_string(raw.value()) + ")" : "success"));
    }
  }
}

// Microsoft: SO_EXCLUSIVEADDRUSE cannot be set while SO_REUSEADDR is on
// (WSAEINVAL); Wine models this conflict faithfully.
BOOST_AUTO_TEST_CASE(raw_exclusive_option_conflicts_with_reuse_address,
    *utf::precondition(windows_only)
    *utf::description("Windows: SO_EXCLUSIVEADDRUSE and SO_REUSEADDR exclude each other"))
{
  net::io_context ctx;
  tcp::acceptor unbound(ctx, tcp::v4());
  unbound.set_option(net::socket_base::reuse_address(true));
  error_code ec;
  unbound.set_option(portguard::exclusive_address_use(true), ec);
  BOOST_TEST((ec == net::error::invalid_argument), ec.message());

  tcp::acceptor listening(ctx, tcp::endpoint(net::ip::address_v4::loopback(), 0));
  listening.set_option(portguard::exclusive_address_use(true), ec);
  BOOST_TEST((ec == net::error::invalid_argument), ec.message());
}

// Code that opened an acceptor with reuse_address (as Asio's endpoint
// constructor does) can still be made exclusive before bind: make_exclusive
// turns SO_REUSEADDR off first, as the two options exclude each other.
BOOST_AUTO_TEST_CASE(make_exclusive_clears_reuse_address_before_bind,
    *utf::precondition(windows_only)
    *utf::description("Windows: SO_REUSEADDR must go before SO_EXCLUSIVEADDRUSE"))
{
  for (bool v6 : {false, true})
    for (hijack kind : {hijack::specific_over_wildcard, hijack::reuse_over_reuse})
      for (identity who : {identity::same_process, identity::same_user})
      {
        const hijack_cell h{kind, v6, who, path::make_exclusive};
        BOOST_TEST_CONTEXT(h)
        {
          const cell c = h.rules();
          net::io_context ctx;
          tcp::acceptor plain(ctx, tcp::endpoint(defender_address(c), 0).protocol());
          plain.set_option(net::socket_base::reuse_address(true));
          error_code ec;
          portguard::make_exclusive(plain, ec);
          BOOST_TEST_REQUIRE(!ec, ec.message());
          net::socket_base::reuse_address reuse;
          plain.get_option(reuse);
          BOOST_TEST(!reuse.value());
          BOOST_TEST(portguard::is_exclusive(plain));
          plain.bind(tcp::endpoint(defender_address(c), 0));

          // Bound, not listening, same family: a cell every platform models.
          BOOST_TEST_REQUIRE(not_modeled(c).empty(), not_modeled(c));
          const outcome control = control_outcome(c);
          BOOST_TEST(control.won_port() == control_rival_wins(c), "control: rival " << control);
          const outcome rival = rival_on(c, plain.local_endpoint().port());
          BOOST_TEST_REQUIRE(rival.kind != outcome::skipped, rival.note);
          BOOST_TEST(rival.was_refused(), "rival " << rival);
        }
      }
}

// -- Fail closed, or fall back and tell the truth ----------------------------------

BOOST_FIXTURE_TEST_CASE(required_fails_closed, fault_seam)
{
  net::io_context ctx;
  const tcp::endpoint endpoint(net::ip::address_v4::any(), 0);
  error_code ec;

  refuse_exclusive(1);
  portguard::secure_acceptor secure(ctx);
  secure.open(tcp::v4(), ec);
  BOOST_TEST((ec == portguard::error::option_refused), ec.message());
  BOOST_TEST(!secure.is_open(), "nothing stays open after a refusal under required");

  refuse_exclusive(1);
  tcp::acceptor plain(ctx);
  portguard::exclusive_bind(plain, endpoint, ec);
  BOOST_TEST((ec == portguard::error::option_refused), ec.message());
  BOOST_TEST(!plain.is_open(), "exclusive_bind closes the socket it opened");

  refuse_exclusive(1);
  BOOST_CHECK_EXCEPTION(portguard::secure_acceptor(ctx, endpoint), portguard::system_error,
      [](const portguard::system_error& e) {
        return e.code() == portguard::error::option_refused;
      });
  BOOST_TEST(refusals_left() == 0);
}

BOOST_FIXTURE_TEST_CASE(best_effort_binds_and_tells_the_truth, fault_seam,
    *skip_unless([] {
      return rival_check_reason(socket_state::tcp_bound, net::ip::address_v4::any());
    }))
{
  for (bool use_secure_acceptor : {true, false})
  {
    BOOST_TEST_CONTEXT((use_secure_acceptor ? "secure_acceptor" : "exclusive_bind"))
    {
      net::io_context ctx;
      const tcp::endpoint endpoint(net::ip::address_v4::any(), 0);
      portguard::secure_acceptor secure(ctx, portguard::exclusivity::best_effort);
      tcp::acceptor plain(ctx);
      error_code ec;
      refuse_exclusive(1);
      if (use_secure_acceptor)
      {
        secure.open(endpoint.protocol(), ec);
        if (!ec) secure.bind(endpoint, ec);
      }
      else
        portguard::exclusive_bind(plain, endpoint, portguard::exclusivity::best_effort, ec);
      BOOST_TEST_REQUIRE(!ec, "best_effort goes on without the option: " << ec.message());
      BOOST_TEST(refusals_left() == 0);
      tcp::acceptor& bound = use_secure_acceptor ? secure : plain;

      std::string reason;
      const bool shared = some_rival_shares(socket_state::tcp_bound,
          endpoint.address(), bound.local_endpoint().port(), reason);
      BOOST_TEST_REQUIRE(reason.empty(), "the rivals could not all be tried: " << reason);
      BOOST_TEST(portguard::is_exclusive(bound) == !shared,
          "is_exclusive() says " << portguard::is_exclusive(bound)
              << " but a rival " << (shared ? "shared" : "could not share") << " the port");
      BOOST_TEST_MESSAGE("best_effort without the option: is_exclusive() == "
          << portguard::is_exclusive(bound) << ", a rival "
          << (shared ? "shared" : "could not share") << " the port");
    }
  }
}

// On Windows a socket without SO_EXCLUSIVEADDRUSE is open to the loopback
// rival, so the fallback must report false, and the rival must win there.
BOOST_FIXTURE_TEST_CASE(best_effort_without_the_option_is_not_exclusive, fault_seam,
    *utf::precondition(windows_only)
    *utf::description("Windows: a socket without SO_EXCLUSIVEADDRUSE can be shadowed"))
{
  net::io_context ctx;
  portguard::secure_acceptor secure(ctx, portguard::exclusivity::best_effort);
  refuse_exclusive(1);
  secure.open(tcp::v4());
  secure.bind(tcp::endpoint(net::ip::address_v4::any(), 0));
  BOOST_TEST(!secure.is_exclusive());
  portguard::exclusive_address_use option;
  secure.get_option(option);
  BOOST_TEST(!option.value());
  for (identity who : {identity::same_process, identity::same_user})
  {
    const outcome rival = attempt({transport::tcp, rival_options::none,
        net::ip::address_v4::loopback(), secure.local_endpoint().port()}, who);
    BOOST_TEST(rival.won_port(), who << ": rival " << rival);
  }
}

BOOST_AUTO_TEST_SUITE_END()
