//
// test/unit/rival_matrix.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The rival matrix: every cell pits one rival (options x address x
// identity) against a defender made exclusive by one portguard path, and
// first against the control, a plain Asio socket configured the vulnerable
// way for this platform. Both outcomes must match the library's table,
// portguard::rules (through support/platform_rules.cpp), so each cell also
// checks one row of that table; where the control loses, the cell is no
// evidence and says so. A failing cell names itself.
//
#include <portguard/portguard.hpp>

#include "support/platform_rules.hpp"
#include "support/rival.hpp"
#include "support/skip.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <map>
#include <ostream>
#include <set>
#include <tuple>
#include <vector>

namespace {

using namespace pg_test;
namespace bdata = boost::unit_test::data;
using tcp = net::ip::tcp;
using udp = net::ip::udp;

/// How the defender was made exclusive.
enum class secure_path
{
  secure_acceptor,  // portguard::secure_acceptor (TCP only)
  retrofit,         // plain socket, shareable option, then made exclusive before bind
  exclusive_bind    // portguard::exclusive_bind on a closed plain socket
};

std::ostream& operator<<(std::ostream& os, secure_path p)
{
  switch (p)
  {
  case secure_path::secure_acceptor: return os << "secure_acceptor";
  case secure_path::retrofit: return os << "retrofit";
  case secure_path::exclusive_bind: return os << "exclusive_bind";
  }
  return os;
}

struct matrix_cell
{
  cell rules;
  secure_path path;
};

std::ostream& operator<<(std::ostream& os, const matrix_cell& m)
{
  const cell& c = m.rules;
  return os << c.state << ' ' << (c.v6 ? "v6" : "v4") << " defender@"
            << defender_address(c) << " rival@" << rival_address(c) << " rival:"
            << c.options << ' ' << c.who << " path:" << m.path;
}

std::vector<matrix_cell> make_cells()
{
  std::vector<matrix_cell> cells;
  const rival_options options[] = {rival_options::none, rival_options::reuse_address,
      rival_options::reuse_port, rival_options::both, rival_options::exclusive};
  const identity identities[] = {
      identity::same_process, identity::same_user, identity::other_user};
  for (socket_state state : {socket_state::tcp_listening, socket_state::tcp_bound, socket_state::udp})
    for (secure_path path : {secure_path::secure_acceptor, secure_path::retrofit, secure_path::exclusive_bind})
    {
      if (state == socket_state::udp && path == secure_path::secure_acceptor)
        continue;
      for (bool v6 : {false, true})
        for (bool defender_wildcard : {true, false})
          for (bool same : {true, false})
            for (rival_options o : options)
            {
              if (!option_available(o))
                continue;
              for (identity who : identities)
                cells.push_back({{state, v6, defender_wildcard, same, o, who}, path});
            }
    }
  return cells;
}

/// Every cell, in the order of the data test case (its samples _0, _1, ...).
const std::vector<matrix_cell>& all_cells()
{
  static const std::vector<matrix_cell> cells = make_cells();
  return cells;
}

/// Why cell `i` cannot run here (Wine's gaps, no second user), or empty.
std::string cell_skip_reason(std::size_t i)
{
  const cell& c = all_cells().at(i).rules;
  return first_reason(not_modeled(c), identity_reason(c.who));
}

/// A defender socket holding a port, of whichever kind the cell needs.
struct defender
{
  explicit defender(net::io_context& ctx) : plain(ctx), secure(ctx), datagram(ctx) {}
  tcp::acceptor plain;
  portguard::secure_acceptor secure;
  udp::socket datagram;
  unsigned short port = 0;
};

void open_secure(defender& d, const matrix_cell& m, error_code& ec)
{
  const cell& c = m.rules;
  const bool listening = c.state == socket_state::tcp_listening;
  if (c.state == socket_state::udp)
  {
    const udp::endpoint endpoint(defender_address(c), 0);
    if (m.path == secure_path::exclusive_bind)
      portguard::exclusive_bind(d.datagram, endpoint, ec);
    else
    {
      d.datagram.open(endpoint.protocol(), ec);
      if (!ec) make_shareable(d.datagram, ec);
      if (!ec) portguard::make_exclusive(d.datagram, ec);
      if (!ec) d.datagram.bind(endpoint, ec);
    }
    if (!ec)
      d.port = d.datagram.local_endpoint().port();
    return;
  }
  const tcp::endpoint endpoint(defender_address(c), 0);
  tcp::acceptor* acceptor = &d.plain;
  switch (m.path)
  {
  case secure_path::secure_acceptor:
    acceptor = &d.secure;
    if (listening)
    {
      d.secure = portguard::secure_acceptor(d.secure.get_executor(), endpoint);
      d.port = d.secure.local_endpoint().port();
      return;
    }
    d.secure.open(endpoint.protocol(), ec);
    if (!ec) d.secure.bind(endpoint, ec);
    break;
  case secure_path::retrofit:
    d.plain.open(endpoint.protocol(), ec);
    if (!ec) make_shareable(d.plain, ec);
    if (!ec) d.plain.set_option(portguard::exclusive_address_use(true), ec);
    if (!ec) d.plain.bind(endpoint, ec);
    break;
  case secure_path::exclusive_bind:
    portguard::exclusive_bind(d.plain, endpoint, ec);
    break;
  }
  if (!ec && listening)
    acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (!ec)
    d.port = acceptor->local_endpoint().port();
}

outcome rival_against(const cell& c, unsigned short port)
{
  const transport proto = c.state == socket_state::udp ? transport::udp : transport::tcp;
  return attempt({proto, c.options, rival_address(c), port}, c.who);
}

/// The control's outcome, measured once per rules cell (it does not depend
/// on the secure path).
outcome control_outcome(const cell& c)
{
  using key_type = std::tuple<int, bool, bool, bool, int, int>;
  static std::map<key_type, outcome> measured;
  const key_type key{static_cast<int>(c.state), c.v6, c.defender_wildcard,
      c.rival_same_address, static_cast<int>(c.options), static_cast<int>(c.who)};
  const auto found = measured.find(key);
  if (found != measured.end())
    return found->second;

  net::io_context ctx;
  defender d(ctx);
  error_code ec;
  if (c.state == socket_state::udp)
  {
    open_control(d.datagram, c, ec);
    if (!ec) d.port = d.datagram.local_endpoint().port();
  }
  else
  {
    open_control(d.plain, c, ec);
    if (!ec) d.port = d.plain.local_endpoint().port();
  }
  outcome result = ec ? outcome{outcome::skipped, ec, "control defender failed: " + ec.message()}
                      : rival_against(c, d.port);
  return measured[key] = result;
}

struct tally
{
  int evidence = 0;      // control won, exclusive defender refused the same rival
  int not_evidence = 0;  // rival lost against the control too
};

tally& totals()
{
  static tally t;
  return t;
}

/// A scenario as a comparable key.
using scenario_key = std::tuple<int, int, int, int, unsigned, unsigned, int, int>;

scenario_key key(const rules::scenario& s)
{
  return {static_cast<int>(s.on), static_cast<int>(s.held.proto),
      static_cast<int>(s.held.state), static_cast<int>(s.held.address), s.held.options.bits(),
      s.challenger.options.bits(), static_cast<int>(s.challenger.where),
      static_cast<int>(s.challenger.who)};
}

#if !defined(_WIN32)
// -- Hostile starting points ---------------------------------------------------
//
// The matrix's retrofit path starts from a shareable socket; the others start
// from a fresh one, which on Linux is unshareable already, so a portguard
// that set nothing would pass them. These cells hand each path that takes a
// socket from other code one configured exactly as the control (what plain
// Asio code or a framework sets: SO_REUSEPORT on a listener, SO_REUSEADDR on
// UDP), so a portguard that sets nothing loses: the same rival that wins
// against the control must be refused. The adopted-handle path is covered in
// adoption.cpp (an SO_REUSEPORT socket refused, beside its control). The
// secure acceptor opens its own socket and refuses SO_REUSEPORT, so no other
// code configures it first on POSIX. Windows: not yet measured under Wine.

/// A portguard path that takes an open socket configured by other code.
enum class hostile_path { exclusive_bind, make_exclusive, exclusive_address_use, bind_with_retry };

std::ostream& operator<<(std::ostream& os, hostile_path p)
{
  switch (p)
  {
  case hostile_path::exclusive_bind: return os << "exclusive_bind";
  case hostile_path::make_exclusive: return os << "make_exclusive";
  case hostile_path::exclusive_address_use: return os << "exclusive_address_use";
  case hostile_path::bind_with_retry: return os << "bind_with_retry";
  }
  return os;
}

struct hostile_cell
{
  cell rules;
  hostile_path path;
};

std::ostream& operator<<(std::ostream& os, const hostile_cell& h)
{
  const cell& c = h.rules;
  return os << c.state << " defender@" << defender_address(c) << " rival@"
            << rival_address(c) << " rival:" << c.options << ' ' << c.who
            << " path:" << h.path << " (defender starts as the control)";
}

/// Every path against each loopback cell of the rules where the control's
/// rival wins and an exclusive defender's is refused (same user: a
/// SO_REUSEPORT group admits only its own user).
const std::vector<hostile_cell>& hostile_cells()
{
  static const std::vector<hostile_cell> cells = [] {
    std::vector<hostile_cell> out;
    for (hostile_path path : {hostile_path::exclusive_bind, hostile_path::make_exclusive,
             hostile_path::exclusive_address_use, hostile_path::bind_with_retry})
      for (socket_state state : {socket_state::tcp_listening, socket_state::udp})
        for (rival_options o : {rival_options::reuse_address, rival_options::reuse_port,
                 rival_options::both})
        {
          // The option alone leaves SO_REUSEADDR as it was on a UDP socket
          // (documented: make_exclusive() or exclusive_bind() there).
          if (path == hostile_path::exclusive_address_use && state == socket_state::udp)
            continue;
          const cell c{state, false, false, true, o, identity::same_user};
          if (option_available(o) && control_rival_wins(c) && !exclusive_rival_wins(c))
            out.push_back({c, path});
        }
    return out;
  }();
  return cells;
}

std::string hostile_skip_reason(std::size_t i)
{
  const cell& c = hostile_cells().at(i).rules;
  return first_reason(not_modeled(c), identity_reason(c.who));
}

/// Opens `s`, sets the control's options on it, then lets the path make it
/// exclusive and bind it.
template <typename Socket>
void open_hostile(Socket& s, const hostile_cell& h, error_code& ec)
{
  const typename Socket::endpoint_type endpoint(defender_address(h.rules), 0);
  s.open(endpoint.protocol(), ec);
  if (!ec) apply_options(s, control_scenario(h.rules).held.options, ec);
  if (ec)
    return;
  switch (h.path)
  {
  case hostile_path::exclusive_bind:
    portguard::exclusive_bind(s, endpoint, ec);
    break;
  case hostile_path::make_exclusive:
    portguard::make_exclusive(s, ec);
    if (!ec) s.bind(endpoint, ec);
    break;
  case hostile_path::exclusive_address_use:
    s.set_option(portguard::exclusive_address_use(true), ec);
    if (!ec) s.bind(endpoint, ec);
    break;
  case hostile_path::bind_with_retry:
    portguard::bind_with_retry(s, endpoint, ec);
    break;
  }
}
#endif

} // namespace

BOOST_AUTO_TEST_SUITE(rival_matrix)

// Cells this platform cannot run are skipped before they start (and counted
// as skipped by the report); a cell that starts and cannot measure its
// control fails.
BOOST_TEST_DECORATOR(*skip_sample_unless(cell_skip_reason))
BOOST_DATA_TEST_CASE(rival_against_exclusive_defender, bdata::make(all_cells()), m)
{
  const cell& c = m.rules;
  const outcome control = control_outcome(c);
  BOOST_TEST_REQUIRE(control.kind != outcome::skipped, "control: " << control.note);
  BOOST_TEST(control.won_port() == control_rival_wins(c),
      "control (plain socket): rival " << control << ", platform rule says "
          << (control_rival_wins(c) ? "won" : "refused"));

  net::io_context ctx;
  defender d(ctx);
  error_code ec;
  open_secure(d, m, ec);
  BOOST_TEST_REQUIRE(!ec, "exclusive defender could not be set up: " << ec.message());

  const outcome secure = rival_against(c, d.port);
  BOOST_TEST_REQUIRE(secure.kind != outcome::skipped, secure.note);
  const bool expected = exclusive_rival_wins(c, m.path == secure_path::secure_acceptor);
  BOOST_TEST(secure.won_port() == expected,
      "exclusive defender: rival " << secure << ", expected "
          << (expected ? "won" : "refused"));

  if (control.won_port() && !secure.won_port())
    ++totals().evidence;
  else
    ++totals().not_evidence;
}

#if !defined(_WIN32)
// A no-op portguard loses every one of these cells (see hostile_cells()).
BOOST_TEST_DECORATOR(*skip_sample_unless(hostile_skip_reason))
BOOST_DATA_TEST_CASE(rival_against_hostile_start, bdata::make(hostile_cells()), h)
{
  const cell& c = h.rules;
  const outcome control = control_outcome(c);
  BOOST_TEST_REQUIRE(control.kind != outcome::skipped, "control: " << control.note);
  BOOST_TEST_REQUIRE(control.won_port(),
      "control (plain socket): rival " << control << ", the platform rule says won");

  net::io_context ctx;
  defender d(ctx);
  error_code ec;
  if (c.state == socket_state::udp)
  {
    open_hostile(d.datagram, h, ec);
    if (!ec) d.port = d.datagram.local_endpoint().port();
  }
  else
  {
    open_hostile(d.plain, h, ec);
    if (!ec) d.plain.listen(net::socket_base::max_listen_connections, ec);
    if (!ec) d.port = d.plain.local_endpoint().port();
  }
  BOOST_TEST_REQUIRE(!ec, "defender could not be set up: " << ec.message());
  const outcome secure = rival_against(c, d.port);
  BOOST_TEST_REQUIRE(secure.kind != outcome::skipped, secure.note);
  BOOST_TEST(secure.was_refused(),
      "defender made exclusive from the control's options: rival " << secure
          << ", expected refused");
}

BOOST_AUTO_TEST_CASE(hostile_cells_cover_every_path)
{
  std::set<int> paths;
  for (const hostile_cell& h : hostile_cells())
    paths.insert(static_cast<int>(h.path) * 2 + (h.rules.state == socket_state::udp));
  BOOST_TEST(paths.size() == 7u,
      "each path needs a TCP and a UDP cell (the option alone: TCP only)");
}
#endif

// docs/platforms.md marks a rules cell "observed" when it is among
// rival_matrix_scenarios() (support/rules_coverage.cpp): that list must be
// exactly what this matrix runs here, cell for cell.
BOOST_AUTO_TEST_CASE(runs_the_cells_the_docs_call_observed)
{
  std::set<scenario_key> runs;
  for (const matrix_cell& m : all_cells())
  {
    if (!harness_identity(rules::this_platform(), to_rules(m.rules.who)))
      continue;
    runs.insert(key(control_scenario(m.rules)));
    runs.insert(key(exclusive_scenario(m.rules, m.path == secure_path::secure_acceptor)));
  }
  std::set<scenario_key> claimed;
  for (const rules::scenario& s : rival_matrix_scenarios(rules::this_platform()))
    claimed.insert(key(s));
  BOOST_TEST(runs.size() == claimed.size());
  BOOST_TEST((runs == claimed), "the matrix and rules_coverage disagree on the cells run");
}

BOOST_AUTO_TEST_CASE(summary, *skip_unless([] {
  const tally& t = totals();
  return t.evidence + t.not_evidence == 0
      ? std::string("[filtered] no cell ran in this process: nothing to sum up")
      : std::string();
}))
{
  const tally& t = totals();
  BOOST_TEST_MESSAGE("rival matrix: " << t.evidence << " cells where the control lost the port "
      "and the exclusive defender kept it; " << t.not_evidence << " cells where the rival "
      "lost against the control too (the report counts the skipped cells)");
  BOOST_TEST(t.evidence > 0, "no cell showed a rival winning against a plain socket");
}

BOOST_AUTO_TEST_SUITE_END()
