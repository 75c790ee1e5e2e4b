//
// test/unit/port_rules.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// portguard::rules, the bind rules of four platforms as data, checked on
// every host:
// - compile time: the table is constexpr, so its key cells are static_asserts;
// - the cells stated here from the sources, written out again by hand:
//   Microsoft's 6x6 table and its rule for other accounts, the Linux table
//   measured in platform-notes.md, and what XNU's in_pcbbind() and
//   FreeBSD's in_pcbbind_avail() say (the same-user shadow of a wildcard
//   socket above all);
// - the helpers derived from the table (who could take a socket, which
//   options would open it);
// - on this host, against real sockets: that the table's "could an
//   unprivileged rival take it" agrees with every rival the harness can
//   make (Linux natively; under Wine for the cells Wine models), and on
//   Linux who receives the traffic in a few cells;
// - that docs/platforms.md holds the tables this table prints.
// The rival matrix (rival_matrix.cpp) checks every cell it runs against
// the same table.
//
#include <portguard/port_rules.hpp>

#include "support/platform_rules.hpp"
#include "support/rival.hpp"
#include "support/rules_coverage.hpp"
#include "support/rules_tables.hpp"

#include <boost/predef/os.h>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <fstream>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace pg_test;
namespace utf = boost::unit_test;
using tcp = net::ip::tcp;
using udp = net::ip::udp;

using rules::address_kind;
using rules::option;
using rules::option_set;
using rules::platform;
using rules::protocol;
using rules::relation;
using rules::traffic;

constexpr option_set none{};
constexpr option_set A = option::reuse_address;
constexpr option_set P = option::reuse_port;
constexpr option_set X = option::exclusive_address_use;
constexpr option_set L = option::reuse_port_lb;

constexpr rules::defender held(protocol proto, rules::socket_state state, address_kind a,
    option_set o)
{
  return {proto, state, a, o};
}

constexpr rules::defender tcp_listening(address_kind a, option_set o)
{
  return held(protocol::tcp, rules::socket_state::listening, a, o);
}

constexpr rules::defender tcp_bound(address_kind a, option_set o)
{
  return held(protocol::tcp, rules::socket_state::bound, a, o);
}

constexpr rules::defender udp_bound(address_kind a, option_set o)
{
  return held(protocol::udp, rules::socket_state::bound, a, o);
}

constexpr rules::verdict ask(platform p, rules::defender d, option_set r, relation where,
    rules::identity who)
{
  return rules::evaluate({p, d, {r, where, who}});
}

std::ostream& print(std::ostream& os, option_set s)
{
  if (s.empty())
    return os << "none";
  bool first = true;
  for (option o : {option::reuse_address, option::reuse_port, option::exclusive_address_use,
           option::reuse_port_lb})
    if (s.has(o))
    {
      os << (first ? "" : "+") << rules::to_string(o);
      first = false;
    }
  return os;
}

struct describe
{
  const rules::scenario& s;
};

std::ostream& operator<<(std::ostream& os, const describe& d)
{
  const rules::scenario& s = d.s;
  os << rules::to_string(s.on) << ' ' << rules::to_string(s.held.proto) << ' '
     << rules::to_string(s.held.state) << ' ' << rules::to_string(s.held.address)
     << " defender(";
  print(os, s.held.options) << ") rival(";
  print(os, s.challenger.options) << ", " << rules::to_string(s.challenger.where) << ", "
                                  << rules::to_string(s.challenger.who) << ')';
  return os;
}

const std::vector<option_set>& option_sets(platform p)
{
  static std::vector<option_set> sets[4];
  std::vector<option_set>& mine = sets[static_cast<int>(p)];
  if (mine.empty())
    for (unsigned bits = 0; bits < 16; ++bits)
      if (rules::valid(p, option_set::from_bits(bits)))
        mine.push_back(option_set::from_bits(bits));
  return mine;
}

constexpr platform all_platforms[] = {platform::windows, platform::linux_, platform::macos,
    platform::freebsd};

// -- Compile time ------------------------------------------------------------------

// The BSD same-user shadow: a rival with SO_REUSEADDR binds 127.0.0.1 beside
// a 0.0.0.0 listener whatever it set, and receives its loopback traffic.
static_assert(ask(platform::macos, tcp_listening(address_kind::wildcard, none), A,
                  relation::specific_beside_wildcard, rules::identity::same_user)
                  .receives == traffic::rival);
static_assert(ask(platform::freebsd, tcp_listening(address_kind::wildcard, A | P), A,
                  relation::specific_beside_wildcard, rules::identity::same_user)
                  .binds);
static_assert(!ask(platform::macos, tcp_listening(address_kind::wildcard, none), A,
                   relation::specific_beside_wildcard, rules::identity::other_user)
                   .binds);
// ...which Linux and Windows exclusive sockets refuse.
static_assert(!ask(platform::linux_, tcp_listening(address_kind::wildcard, none), A | P,
                   relation::specific_beside_wildcard, rules::identity::same_user)
                   .binds);
static_assert(!ask(platform::windows, tcp_listening(address_kind::wildcard, X), none,
                   relation::specific_beside_wildcard, rules::identity::same_user)
                   .binds);
static_assert(rules::who_can_take(platform::linux_, udp_bound(address_kind::wildcard, A))
    == rules::takers::any_user);
static_assert(rules::option_would_share(platform::freebsd, protocol::tcp,
    rules::socket_state::listening, option::reuse_port_lb, true));

} // namespace

BOOST_AUTO_TEST_SUITE(port_rules)

// -- The build's platform ----------------------------------------------------------

BOOST_AUTO_TEST_CASE(this_platform_is_the_build_platform)
{
  const platform p = rules::this_platform();
  BOOST_TEST((p == platform::windows) == (BOOST_OS_WINDOWS != 0));
  BOOST_TEST((p == platform::linux_) == (BOOST_OS_LINUX != 0));
  BOOST_TEST((p == platform::macos) == (BOOST_OS_MACOS != 0 || BOOST_OS_IOS != 0));
  BOOST_TEST((p == platform::freebsd) == (BOOST_OS_BSD_FREE != 0));
}

// -- Windows: Microsoft's table ----------------------------------------------------

// platform-notes.md, "Windows (Microsoft, "Using SO_REUSEADDR and
// SO_EXCLUSIVEADDRUSE", Server 2003 and later)": same user; rows the first
// bind, columns the second; W wildcard, S a specific address.
BOOST_AUTO_TEST_CASE(windows_matches_microsofts_table)
{
  const char* const microsoft[6][6] = {
    /* none W      */ {"INUSE", "Success", "ACCESS", "Success", "INUSE", "Success"},
    /* none S      */ {"Success", "INUSE", "Success", "ACCESS", "INUSE", "INUSE"},
    /* REUSEADDR W */ {"INUSE", "Success", "Success", "Success", "INUSE", "Success"},
    /* REUSEADDR S */ {"Success", "INUSE", "Success", "Success", "INUSE", "INUSE"},
    /* EXCL W      */ {"INUSE", "ACCESS", "ACCESS", "ACCESS", "INUSE", "ACCESS"},
    /* EXCL S      */ {"Success", "INUSE", "Success", "ACCESS", "INUSE", "INUSE"},
  };
  const option_set kinds[] = {none, A, X};
  int checked = 0;
  for (int row = 0; row < 6; ++row)
    for (int col = 0; col < 6; ++col)
    {
      const address_kind first = row % 2 == 0 ? address_kind::wildcard : address_kind::specific;
      const bool second_wildcard = col % 2 == 0;
      const relation where = (first == address_kind::wildcard) == second_wildcard
          ? relation::same_address
          : first == address_kind::wildcard ? relation::specific_beside_wildcard
                                            : relation::wildcard_beside_specific;
      const std::string expected = microsoft[row][col];
      // The article states its rule for sockets in general: every state and protocol.
      for (const rules::defender d : {tcp_bound(first, kinds[row / 2]),
               tcp_listening(first, kinds[row / 2]), udp_bound(first, kinds[row / 2])})
        for (rules::identity who : {rules::identity::same_process, rules::identity::same_user})
        {
          const rules::scenario s{platform::windows, d, {kinds[col / 2], where, who}};
          const rules::verdict v = rules::evaluate(s);
          BOOST_TEST_CONTEXT(describe{s} << ": Microsoft says " << expected)
          {
            BOOST_TEST(v.applicable);
            BOOST_TEST(v.binds == (expected == "Success"));
            if (expected == "INUSE")
              BOOST_TEST((v.error == rules::refusal::address_in_use));
            if (expected == "ACCESS")
              BOOST_TEST((v.error == rules::refusal::access_denied));
            if (v.binds)
              BOOST_TEST((v.receives
                  == (where == relation::specific_beside_wildcard   ? traffic::rival
                         : where == relation::wildcard_beside_specific ? traffic::defender
                                                                       : traffic::either)));
            BOOST_TEST((v.from.kind == rules::source::documented));
          }
          ++checked;
        }
    }
  BOOST_TEST(checked == 6 * 6 * 3 * 2);
}

// platform-notes.md: "A different user: 'none W' fails in every column;
// 'REUSEADDR W' still loses to REUSEADDR." The article's security section:
// another account shares only a port whose first socket set SO_REUSEADDR, so
// an exclusive socket refuses it too.
BOOST_AUTO_TEST_CASE(windows_other_accounts)
{
  for (rules::identity who : {rules::identity::other_user, rules::identity::root})
    for (option_set r : {none, A, X})
      for (relation where : {relation::same_address, relation::specific_beside_wildcard})
      {
        BOOST_TEST_CONTEXT(rules::to_string(who) << " rival " << rules::to_string(where))
        {
          BOOST_TEST(!ask(platform::windows, tcp_bound(address_kind::wildcard, none), r, where, who).binds);
          BOOST_TEST(!ask(platform::windows, tcp_bound(address_kind::wildcard, X), r, where, who).binds);
        }
      }
  const rules::verdict shared = ask(platform::windows, tcp_bound(address_kind::wildcard, A), A,
      relation::same_address, rules::identity::other_user);
  BOOST_TEST(shared.binds);
  BOOST_TEST((shared.receives == traffic::either));
  // SO_REUSEPORT does not exist there; SO_REUSEADDR and SO_EXCLUSIVEADDRUSE exclude each other.
  BOOST_TEST(!ask(platform::windows, tcp_bound(address_kind::wildcard, P), none,
      relation::same_address, rules::identity::same_user).applicable);
  BOOST_TEST(!ask(platform::windows, tcp_bound(address_kind::wildcard, A | X), none,
      relation::same_address, rules::identity::same_user).applicable);
}

// -- Linux: the measured table ------------------------------------------------------

// platform-notes.md, "Linux (measured natively ...)": defender bound to
// 0.0.0.0, rival on 0.0.0.0 or 127.0.0.1; the options with which a
// same-user and an other-user rival win. (A rival with both options wins
// wherever one of them does.)
struct linux_row
{
  rules::defender d;
  std::vector<option_set> same_user_wins;
  std::vector<option_set> other_user_wins;
};

BOOST_AUTO_TEST_CASE(linux_matches_the_measured_table)
{
  const address_kind W = address_kind::wildcard;
  const linux_row table[] = {
    {tcp_bound(W, none), {}, {}},
    {tcp_listening(W, none), {}, {}},
    {tcp_bound(W, A), {A, A | P}, {A, A | P}},
    {tcp_listening(W, A), {}, {}},
    {tcp_bound(W, P), {P, A | P}, {}},
    {tcp_listening(W, P), {P, A | P}, {}},
    {udp_bound(W, none), {}, {}},
    {udp_bound(W, A), {A, A | P}, {A, A | P}},
    {udp_bound(W, P), {P, A | P}, {}},
  };
  const auto in = [](const std::vector<option_set>& v, option_set s) {
    for (option_set x : v)
      if (x == s)
        return true;
    return false;
  };
  for (const linux_row& row : table)
    for (relation where : {relation::same_address, relation::specific_beside_wildcard})
      for (option_set r : {none, A, P, A | P})
        for (rules::identity who : {rules::identity::same_process, rules::identity::same_user,
                 rules::identity::other_user})
        {
          const rules::scenario s{platform::linux_, row.d, {r, where, who}};
          const bool expected = in(who == rules::identity::other_user ? row.other_user_wins
                                                                      : row.same_user_wins,
              r);
          BOOST_TEST_CONTEXT(describe{s})
          {
            const rules::verdict v = rules::evaluate(s);
            BOOST_TEST(v.binds == expected);
            BOOST_TEST((v.from.kind == rules::source::measured));
            // A TCP socket that is bound only: the first to listen keeps it.
            if (v.binds && row.d.proto == protocol::tcp && row.d.state == rules::socket_state::bound
                && !(row.d.options.has(option::reuse_port) && r.has(option::reuse_port)
                    && who != rules::identity::other_user))
              BOOST_TEST((v.receives == traffic::first_listener));
          }
        }
}

// platform-notes.md, "The other address family": while 0.0.0.0:P is held,
// exclusively or not, anyone can bind [::1]:P or a V6ONLY [::]:P. Kernel
// source: root has no exemption from the uid check.
BOOST_AUTO_TEST_CASE(linux_other_family_and_root)
{
  for (option_set d : {none, A, P})
  {
    const rules::verdict v = ask(platform::linux_, tcp_listening(address_kind::wildcard, d), none,
        relation::other_family, rules::identity::other_user);
    BOOST_TEST(v.binds);
    BOOST_TEST((v.receives == traffic::none));
  }
  const rules::verdict root = ask(platform::linux_, tcp_listening(address_kind::wildcard, P), P,
      relation::same_address, rules::identity::root);
  BOOST_TEST(!root.binds);
  BOOST_TEST((root.from.kind == rules::source::kernel_source));
  BOOST_TEST(!ask(platform::linux_, tcp_bound(address_kind::wildcard, X), none,
      relation::same_address, rules::identity::same_user).applicable);
}

// -- macOS and FreeBSD: from the kernels' sources ------------------------------------

// XNU in_pcbbind() / FreeBSD in_pcbbind_avail(): a rival that sets
// SO_REUSEADDR (or SO_REUSEPORT, or on FreeBSD SO_REUSEPORT_LB) looks up its
// exact address only, so it binds 127.0.0.1 beside a 0.0.0.0 socket whatever
// that socket set; only a different uid is stopped (root is not).
BOOST_AUTO_TEST_CASE(bsd_same_user_shadows_a_wildcard_socket)
{
  int checked = 0;
  for (platform p : {platform::macos, platform::freebsd})
    for (option_set d : option_sets(p))
      for (const rules::defender defender : {tcp_bound(address_kind::wildcard, d),
               tcp_listening(address_kind::wildcard, d), udp_bound(address_kind::wildcard, d)})
      {
        BOOST_TEST_CONTEXT(rules::to_string(p) << " defender " << rules::to_string(defender.proto)
            << ' ' << rules::to_string(defender.state) << " options " << d.bits())
        {
          for (option_set r : {A, P, A | P})
          {
            const rules::verdict same = ask(p, defender, r, relation::specific_beside_wildcard,
                rules::identity::same_user);
            BOOST_TEST(same.binds);
            // FreeBSD looks up SO_REUSEPORT_LB groups first: a wildcard group keeps
            // the traffic from a plain shadow.
            BOOST_TEST((same.receives
                == (p == platform::freebsd && d.has(option::reuse_port_lb) ? traffic::defender
                                                                         : traffic::rival)));
            BOOST_TEST((same.from.kind == rules::source::kernel_source));
            BOOST_TEST(ask(p, defender, r, relation::specific_beside_wildcard,
                rules::identity::root).binds);
            BOOST_TEST(!ask(p, defender, r, relation::specific_beside_wildcard,
                rules::identity::other_user).binds);
          }
          // Without SO_REUSEADDR or SO_REUSEPORT the rival's lookup includes
          // wildcards and finds the socket.
          BOOST_TEST(!ask(p, defender, none, relation::specific_beside_wildcard,
              rules::identity::same_user).binds);
          ++checked;
        }
      }
  BOOST_TEST(checked == (4 + 8) * 3);
}

BOOST_AUTO_TEST_CASE(bsd_same_address_and_other_cells)
{
  const rules::identity same = rules::identity::same_user;
  const rules::identity other = rules::identity::other_user;
  const address_kind W = address_kind::wildcard;
  const address_kind S = address_kind::specific;
  for (platform p : {platform::macos, platform::freebsd})
  {
    BOOST_TEST_CONTEXT(rules::to_string(p))
    {
      // The exact lookup finds a socket on the same address: it conflicts
      // unless both set SO_REUSEPORT ("reuseport & t->inp_socket->so_options").
      BOOST_TEST(!ask(p, tcp_listening(S, A), A, relation::same_address, same).binds);
      BOOST_TEST(!ask(p, tcp_listening(W, A), A | P, relation::same_address, same).binds);
      const rules::verdict shared = ask(p, tcp_listening(S, P), P, relation::same_address, same);
      BOOST_TEST(shared.binds);
      BOOST_TEST((shared.receives == traffic::either));
      // A wildcard rival beside a specific socket binds and leaves it its traffic.
      const rules::verdict beside = ask(p, udp_bound(S, none), A, relation::wildcard_beside_specific, same);
      BOOST_TEST(beside.binds);
      BOOST_TEST((beside.receives == traffic::defender));
      BOOST_TEST(!ask(p, udp_bound(S, none), A, relation::wildcard_beside_specific, other).binds);
      // Another uid never joins a specific socket.
      BOOST_TEST(!ask(p, tcp_listening(S, none), A | P, relation::same_address, other).binds);
      // The other family is a separate port space.
      BOOST_TEST(ask(p, tcp_listening(W, none), none, relation::other_family, other).binds);
    }
  }
  // XNU in_pcbbind(): the uid check is skipped when both binds are the
  // wildcard, so another uid joins a wildcard SO_REUSEPORT socket.
  BOOST_TEST(ask(platform::macos, tcp_listening(W, P), P, relation::same_address, other).binds);
  BOOST_TEST(!ask(platform::macos, tcp_listening(S, P), P, relation::same_address, other).binds);
  // FreeBSD main in_pcbbind_avail(): "SO_REUSE* can only be used to share a
  // port among sockets owned by the same user".
  BOOST_TEST(!ask(platform::freebsd, tcp_listening(W, P), P, relation::same_address, other).binds);
  BOOST_TEST(!ask(platform::freebsd, tcp_listening(W, L), L, relation::same_address, other).binds);
  // XNU in6_pcbbind(): a dual-stack [::] passes both v4-mapped checks against
  // a PF_INET wildcard socket, for any uid; that socket keeps IPv4 traffic.
  const rules::verdict dual = ask(platform::macos, tcp_listening(W, none), none,
      relation::dual_stack_beside_wildcard, other);
  BOOST_TEST(dual.binds);
  BOOST_TEST((dual.receives == traffic::defender));
  // FreeBSD in6_pcbbind_avail() refuses another uid on the v4-mapped side.
  BOOST_TEST(!ask(platform::freebsd, tcp_listening(W, none), none,
      relation::dual_stack_beside_wildcard, other).binds);
  BOOST_TEST(ask(platform::freebsd, tcp_listening(W, none), none,
      relation::dual_stack_beside_wildcard, same).binds);
  // macOS has no SO_REUSEPORT_LB.
  BOOST_TEST(!ask(platform::macos, tcp_listening(W, L), none, relation::same_address, same).applicable);
}

// FreeBSD's SO_REUSEPORT_LB: a load-balancing group needs the option on both
// sockets, and in_pcblookup_lbgroup() is consulted before plain sockets.
BOOST_AUTO_TEST_CASE(freebsd_reuse_port_lb)
{
  const rules::identity same = rules::identity::same_user;
  const address_kind W = address_kind::wildcard;
  const address_kind S = address_kind::specific;
  const rules::verdict group = ask(platform::freebsd, tcp_listening(W, L), L, relation::same_address, same);
  BOOST_TEST(group.binds);
  BOOST_TEST((group.receives == traffic::split));
  BOOST_TEST(!ask(platform::freebsd, tcp_listening(W, L), P, relation::same_address, same).binds);
  BOOST_TEST(!ask(platform::freebsd, tcp_listening(W, P), L, relation::same_address, same).binds);
  // A wildcard LB group is found before a plain socket on a specific address.
  const rules::verdict over = ask(platform::freebsd, tcp_listening(S, none), L,
      relation::wildcard_beside_specific, same);
  BOOST_TEST(over.binds);
  BOOST_TEST((over.receives == traffic::rival));
  BOOST_TEST(!ask(platform::linux_, tcp_listening(S, none), L, relation::same_address, same).applicable);
}

// -- Consistency over every scenario ----------------------------------------------

BOOST_AUTO_TEST_CASE(every_verdict_is_consistent)
{
  int applicable = 0, inconsistent = 0;
  for (platform p : all_platforms)
    for (unsigned d_bits = 0; d_bits < 16; ++d_bits)
      for (protocol proto : {protocol::tcp, protocol::udp})
        for (rules::socket_state state : {rules::socket_state::bound, rules::socket_state::listening})
          for (address_kind a : {address_kind::wildcard, address_kind::specific})
            for (unsigned r_bits = 0; r_bits < 16; ++r_bits)
              for (relation where : {relation::same_address, relation::specific_beside_wildcard,
                       relation::wildcard_beside_specific, relation::dual_stack_beside_wildcard,
                       relation::other_family})
                for (rules::identity who : {rules::identity::same_process, rules::identity::same_user,
                         rules::identity::other_user, rules::identity::root})
                {
                  const rules::scenario s{p, {proto, state, a, option_set::from_bits(d_bits)},
                      {option_set::from_bits(r_bits), where, who}};
                  const rules::verdict v = rules::evaluate(s);
                  if (!v.applicable)
                    continue;
                  ++applicable;
                  // The same user is the same user in another process.
                  rules::scenario other_process = s;
                  if (who == rules::identity::same_process)
                    other_process.challenger.who = rules::identity::same_user;
                  const rules::verdict w = rules::evaluate(other_process);
                  const bool ok = v.why != nullptr && v.from.citation != nullptr
                      && v.binds == (v.error == rules::refusal::none)
                      && (v.binds || v.receives == traffic::none)
                      && (where != relation::other_family || v.receives == traffic::none)
                      && w.binds == v.binds && w.receives == v.receives;
                  if (!ok)
                  {
                    ++inconsistent;
                    BOOST_ERROR("inconsistent verdict: " << describe{s} << " binds " << v.binds
                        << " receives " << rules::to_string(v.receives) << " error "
                        << rules::to_string(v.error));
                  }
                }
  BOOST_TEST(inconsistent == 0);
  BOOST_TEST(applicable > 5000);
}

// -- The derived helpers -----------------------------------------------------------

BOOST_AUTO_TEST_CASE(who_can_take_the_sockets_portguard_makes)
{
  using rules::takers;
  const address_kind W = address_kind::wildcard;
  const address_kind S = address_kind::specific;
  struct expectation
  {
    platform p;
    rules::defender d;
    takers who;
  };
  const expectation table[] = {
    // Windows: SO_EXCLUSIVEADDRUSE keeps everyone out; without it the same
    // user shadows a wildcard socket, and SO_REUSEADDR opens it to all.
    {platform::windows, tcp_listening(W, X), takers::nobody},
    {platform::windows, udp_bound(S, X), takers::nobody},
    {platform::windows, tcp_bound(W, none), takers::same_user},
    {platform::windows, tcp_bound(S, none), takers::nobody},
    {platform::windows, tcp_listening(W, A), takers::any_user},
    // Linux: only SO_REUSEPORT (same uid) and SO_REUSEADDR on a socket that
    // does not listen open a port.
    {platform::linux_, tcp_listening(W, none), takers::nobody},
    {platform::linux_, tcp_listening(W, A), takers::nobody},
    {platform::linux_, tcp_bound(W, A), takers::any_user},
    {platform::linux_, udp_bound(S, A), takers::any_user},
    {platform::linux_, tcp_listening(S, P), takers::same_user},
    // macOS: a wildcard socket is always open to its own user; a specific
    // one only through SO_REUSEPORT, and on the wildcard to anyone.
    {platform::macos, tcp_listening(W, none), takers::same_user},
    {platform::macos, udp_bound(S, none), takers::nobody},
    {platform::macos, tcp_listening(S, P), takers::same_user},
    {platform::macos, tcp_listening(W, P), takers::any_user},
    // FreeBSD: a wildcard socket as on macOS; a specific one through a
    // wildcard SO_REUSEPORT_LB group, found first.
    {platform::freebsd, tcp_listening(W, none), takers::same_user},
    {platform::freebsd, tcp_listening(S, none), takers::same_user},
    {platform::freebsd, tcp_listening(W, L), takers::same_user},
  };
  for (const expectation& e : table)
    BOOST_TEST_CONTEXT(rules::to_string(e.p) << ' ' << rules::to_string(e.d.proto) << ' '
        << rules::to_string(e.d.state) << ' ' << rules::to_string(e.d.address) << " options "
        << e.d.options.bits())
    {
      BOOST_TEST((rules::who_can_take(e.p, e.d) == e.who),
          "who_can_take says " << rules::to_string(rules::who_can_take(e.p, e.d)));
      BOOST_TEST(rules::open_to_unprivileged(e.p, e.d)
          == (e.who == takers::same_user || e.who == takers::any_user));
    }
}

// What portguard can fix, apart from what no option prevents.
BOOST_AUTO_TEST_CASE(exposure_the_options_add)
{
  const address_kind W = address_kind::wildcard;
  const address_kind S = address_kind::specific;
  // The BSD shadow is there whatever the options: not the options' doing.
  BOOST_TEST(rules::open_to_unprivileged(platform::macos, tcp_listening(W, none)));
  BOOST_TEST(!rules::opened_by_options(platform::macos, tcp_listening(W, none)));
  BOOST_TEST(!rules::opened_by_options(platform::macos, tcp_listening(W, A)));
  BOOST_TEST(rules::opened_by_options(platform::macos, tcp_listening(S, P)));
  BOOST_TEST(rules::opened_by_options(platform::macos, udp_bound(W, A | P)));
  BOOST_TEST(rules::open_to_unprivileged(platform::freebsd, tcp_listening(S, none)));
  BOOST_TEST(!rules::opened_by_options(platform::freebsd, tcp_listening(S, none)));
  BOOST_TEST(rules::opened_by_options(platform::freebsd, tcp_listening(S, L)));
  // Windows: without SO_EXCLUSIVEADDRUSE a wildcard socket can be shadowed.
  BOOST_TEST(rules::opened_by_options(platform::windows, tcp_listening(W, none)));
  BOOST_TEST(!rules::opened_by_options(platform::windows, tcp_listening(S, none)));
  BOOST_TEST(rules::opened_by_options(platform::windows, udp_bound(S, A)));
  // Linux: the same answer as open_to_unprivileged(), as exclusive options leave nothing open.
  for (rules::defender d : {tcp_listening(W, A), tcp_bound(W, A), udp_bound(S, P),
           tcp_listening(S, none)})
    BOOST_TEST(rules::opened_by_options(platform::linux_, d)
        == rules::open_to_unprivileged(platform::linux_, d));
}

BOOST_AUTO_TEST_CASE(options_that_would_open_a_socket)
{
  const rules::socket_state listening = rules::socket_state::listening;
  const rules::socket_state bound = rules::socket_state::bound;
  struct expectation
  {
    platform p;
    protocol proto;
    rules::socket_state state;
    option o;
    bool value;
    bool opens;
  };
  const expectation table[] = {
    // Windows: SO_REUSEADDR on, or SO_EXCLUSIVEADDRUSE off.
    {platform::windows, protocol::tcp, listening, option::reuse_address, true, true},
    {platform::windows, protocol::udp, bound, option::exclusive_address_use, false, true},
    {platform::windows, protocol::tcp, listening, option::exclusive_address_use, true, false},
    {platform::windows, protocol::tcp, listening, option::reuse_address, false, false},
    {platform::windows, protocol::tcp, listening, option::reuse_port, true, false},
    // Linux: SO_REUSEPORT; SO_REUSEADDR except on a listener.
    {platform::linux_, protocol::tcp, listening, option::reuse_port, true, true},
    {platform::linux_, protocol::tcp, listening, option::reuse_address, true, false},
    {platform::linux_, protocol::tcp, bound, option::reuse_address, true, true},
    {platform::linux_, protocol::udp, bound, option::reuse_address, true, true},
    {platform::linux_, protocol::tcp, listening, option::exclusive_address_use, false, false},
    // macOS: SO_REUSEPORT; SO_REUSEADDR adds nothing the wildcard shadow
    // does not already allow.
    {platform::macos, protocol::tcp, listening, option::reuse_port, true, true},
    {platform::macos, protocol::udp, bound, option::reuse_address, true, false},
    {platform::macos, protocol::tcp, listening, option::reuse_port_lb, true, false},
    // FreeBSD: SO_REUSEPORT and SO_REUSEPORT_LB.
    {platform::freebsd, protocol::tcp, listening, option::reuse_port_lb, true, true},
    {platform::freebsd, protocol::udp, bound, option::reuse_port_lb, true, true},
    {platform::freebsd, protocol::tcp, listening, option::reuse_port, true, true},
    {platform::freebsd, protocol::tcp, listening, option::reuse_address, true, false},
  };
  for (const expectation& e : table)
    BOOST_TEST_CONTEXT(rules::to_string(e.p) << ' ' << rules::to_string(e.proto) << ' '
        << rules::to_string(e.state) << ' ' << rules::to_string(e.o) << '=' << e.value)
    {
      BOOST_TEST(rules::option_would_share(e.p, e.proto, e.state, e.o, e.value) == e.opens);
    }
}

// -- This host, against real sockets ------------------------------------------------

// open_to_unprivileged() against every rival the harness can make here: a
// socket configured each way, then some_rival_shares(). At least one
// configuration (a control) must be shared, or the check proves nothing.
BOOST_AUTO_TEST_CASE(open_to_unprivileged_agrees_with_the_rivals_here, *utf::timeout(300))
{
  const platform p = rules::this_platform();
  int shared_seen = 0, checked = 0;
  for (socket_state state : {socket_state::tcp_listening, socket_state::tcp_bound, socket_state::udp})
    for (option_set o : option_sets(p))
    {
      if (o.has(option::reuse_port_lb))
        continue;
      for (bool wildcard : {true, false})
      {
        const rules::defender d{state == socket_state::udp ? protocol::udp : protocol::tcp,
            state == socket_state::tcp_listening ? rules::socket_state::listening
                                                 : rules::socket_state::bound,
            wildcard ? address_kind::wildcard : address_kind::specific, o};
        const net::ip::address address = wildcard
            ? net::ip::address(net::ip::address_v4::any())
            : net::ip::address(net::ip::address_v4::loopback());
        BOOST_TEST_CONTEXT(state << " options " << o.bits() << (wildcard ? " @0.0.0.0" : " @127.0.0.1"))
        {
          net::io_context ctx;
          tcp::acceptor acceptor(ctx);
          udp::socket datagram(ctx);
          error_code ec;
          unsigned short port = 0;
          if (state == socket_state::udp)
          {
            datagram.open(udp::v4(), ec);
            if (!ec) apply_options(datagram, o, ec);
            if (!ec) datagram.bind({address, 0}, ec);
            if (!ec) port = datagram.local_endpoint().port();
          }
          else
          {
            acceptor.open(tcp::v4(), ec);
            if (!ec) apply_options(acceptor, o, ec);
            if (!ec) acceptor.bind({address, 0}, ec);
            if (!ec && state == socket_state::tcp_listening) acceptor.listen(8, ec);
            if (!ec) port = acceptor.local_endpoint().port();
          }
          BOOST_TEST_REQUIRE(!ec, ec.message());
          std::string reason;
          const bool shared = some_rival_shares(state, address, port, reason, false);
          if (!reason.empty())
          {
            BOOST_TEST_MESSAGE("skipped: " << reason);
            continue;
          }
          ++checked;
          shared_seen += shared ? 1 : 0;
          BOOST_TEST(rules::open_to_unprivileged(p, d) == shared,
              "the table says " << rules::to_string(rules::who_can_take(p, d))
                  << " could take it; a rival here " << (shared ? "did" : "did not"));
        }
      }
    }
  BOOST_TEST_MESSAGE(checked << " configurations checked, " << shared_seen << " shared");
  if (checked > 0)
    BOOST_TEST(shared_seen > 0, "no configuration was shared: the check proved nothing");
}

namespace {

/// Precondition of the traffic checks: Linux's lookup, as the table states it.
boost::test_tools::assertion_result on_linux(utf::test_unit_id)
{
  boost::test_tools::assertion_result result(rules::this_platform() == platform::linux_);
  result.message() << "traffic_checks() are Linux cells";
  return result;
}

net::ip::address address_of(address_kind a)
{
  return a == address_kind::wildcard ? net::ip::address(net::ip::address_v4::any())
                                     : net::ip::address(net::ip::address_v4::loopback());
}

net::ip::address rival_address_of(const rules::scenario& s)
{
  switch (s.challenger.where)
  {
  case relation::specific_beside_wildcard: return net::ip::address_v4::loopback();
  case relation::wildcard_beside_specific: return net::ip::address_v4::any();
  default: return address_of(s.held.address);
  }
}

struct counts
{
  int defender = 0;
  int rival = 0;
};

constexpr int messages = 24; // split: all 24 on one side by chance, about 1 in 8 million
constexpr auto patience = std::chrono::seconds(3);

/// Receives what is queued on a non-blocking socket; false on a real error.
template <typename Receive>
bool drain(Receive receive, int& count)
{
  for (int i = 0; i < messages; ++i)
  {
    error_code ec;
    receive(ec);
    if (ec == net::error::would_block || ec == net::error::try_again)
      return true;
    if (ec)
      return false;
    ++count;
  }
  return true;
}

counts udp_traffic(const rules::scenario& s)
{
  net::io_context ctx;
  udp::socket d(ctx), r(ctx);
  error_code ec;
  d.open(udp::v4(), ec);
  if (!ec) apply_options(d, s.held.options, ec);
  if (!ec) d.bind({address_of(s.held.address), 0}, ec);
  BOOST_TEST_REQUIRE(!ec, "defender: " << ec.message());
  const unsigned short port = d.local_endpoint().port();
  r.open(udp::v4(), ec);
  if (!ec) apply_options(r, s.challenger.options, ec);
  if (!ec) r.bind({rival_address_of(s), port}, ec);
  BOOST_TEST_REQUIRE(!ec, "rival (the table says it binds): " << ec.message());
  // One client per datagram: a new source port each time.
  for (int i = 0; i < messages; ++i)
  {
    udp::socket client(ctx, udp::v4());
    const char byte = static_cast<char>('a' + i % 26);
    client.send_to(net::buffer(&byte, 1), udp::endpoint(net::ip::address_v4::loopback(), port));
  }
  d.non_blocking(true);
  r.non_blocking(true);
  counts c;
  char buffer[16];
  const auto deadline = std::chrono::steady_clock::now() + patience;
  while (c.defender + c.rival < messages && std::chrono::steady_clock::now() < deadline)
  {
    BOOST_TEST_REQUIRE(drain([&](error_code& e) { d.receive(net::buffer(buffer), 0, e); }, c.defender));
    BOOST_TEST_REQUIRE(drain([&](error_code& e) { r.receive(net::buffer(buffer), 0, e); }, c.rival));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return c;
}

counts tcp_traffic(const rules::scenario& s)
{
  net::io_context ctx;
  tcp::acceptor d(ctx), r(ctx);
  error_code ec;
  d.open(tcp::v4(), ec);
  if (!ec) apply_options(d, s.held.options, ec);
  if (!ec) d.bind({address_of(s.held.address), 0}, ec);
  if (!ec) d.listen(messages * 2, ec);
  BOOST_TEST_REQUIRE(!ec, "defender: " << ec.message());
  const unsigned short port = d.local_endpoint().port();
  r.open(tcp::v4(), ec);
  if (!ec) apply_options(r, s.challenger.options, ec);
  if (!ec) r.bind({rival_address_of(s), port}, ec);
  if (!ec) r.listen(messages * 2, ec);
  BOOST_TEST_REQUIRE(!ec, "rival (the table says it binds and listens): " << ec.message());
  std::vector<std::unique_ptr<tcp::socket>> clients;
  for (int i = 0; i < messages; ++i)
  {
    clients.push_back(std::make_unique<tcp::socket>(ctx));
    clients.back()->connect(tcp::endpoint(net::ip::address_v4::loopback(), port), ec);
    BOOST_TEST_REQUIRE(!ec, "connect: " << ec.message());
  }
  d.non_blocking(true);
  r.non_blocking(true);
  counts c;
  const auto deadline = std::chrono::steady_clock::now() + patience;
  while (c.defender + c.rival < messages && std::chrono::steady_clock::now() < deadline)
  {
    BOOST_TEST_REQUIRE(drain([&](error_code& e) { tcp::socket a(ctx); d.accept(a, e); }, c.defender));
    BOOST_TEST_REQUIRE(drain([&](error_code& e) { tcp::socket a(ctx); r.accept(a, e); }, c.rival));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return c;
}

/// Both TCP sockets bound with the table's options; `defender_first` says
/// who calls listen() first. Returns whether the second listen() failed.
bool second_listen_fails(const rules::scenario& s, bool defender_first)
{
  net::io_context ctx;
  tcp::acceptor d(ctx), r(ctx);
  error_code ec;
  d.open(tcp::v4(), ec);
  if (!ec) apply_options(d, s.held.options, ec);
  if (!ec) d.bind({address_of(s.held.address), 0}, ec);
  BOOST_TEST_REQUIRE(!ec, "defender: " << ec.message());
  r.open(tcp::v4(), ec);
  if (!ec) apply_options(r, s.challenger.options, ec);
  if (!ec) r.bind({rival_address_of(s), d.local_endpoint().port()}, ec);
  BOOST_TEST_REQUIRE(!ec, "rival (the table says it binds): " << ec.message());
  tcp::acceptor& first = defender_first ? d : r;
  tcp::acceptor& second = defender_first ? r : d;
  first.listen(8, ec);
  BOOST_TEST_REQUIRE(!ec, "first listen: " << ec.message());
  second.listen(8, ec);
  return ec == net::error::address_in_use;
}

} // namespace

// Who receives the traffic, for the Linux cells of traffic_checks()
// (docs/platforms.md lists them as observed): datagrams or connections to
// 127.0.0.1, each from its own source port, counted on both sockets.
BOOST_AUTO_TEST_CASE(traffic_goes_where_the_table_says, *utf::precondition(on_linux)
    *utf::timeout(120))
{
  for (const rules::scenario& s : traffic_checks())
  {
    const rules::verdict v = rules::evaluate(s);
    BOOST_TEST_CONTEXT(describe{s} << ": the table says " << rules::to_string(v.receives))
    {
      BOOST_TEST_REQUIRE(v.binds);
      if (v.receives == traffic::first_listener)
      {
        BOOST_TEST(second_listen_fails(s, true), "the rival listened after the defender");
        BOOST_TEST(second_listen_fails(s, false), "the defender listened after the rival");
        continue;
      }
      const counts c = s.held.proto == protocol::udp ? udp_traffic(s) : tcp_traffic(s);
      BOOST_TEST_MESSAGE(describe{s} << ": defender received " << c.defender << ", rival "
                                     << c.rival << " of " << messages);
      BOOST_TEST(c.defender + c.rival == messages, "traffic was lost");
      switch (v.receives)
      {
      case traffic::defender: BOOST_TEST(c.rival == 0); break;
      case traffic::rival: BOOST_TEST(c.defender == 0); break;
      case traffic::split: BOOST_TEST((c.defender > 0 && c.rival > 0)); break;
      case traffic::either: BOOST_TEST((c.defender == 0 || c.rival == 0)); break;
      default: BOOST_TEST(false, "no traffic check for this value"); break;
      }
    }
  }
}

// -- docs/platforms.md ---------------------------------------------------------------

// The rules tables in docs/platforms.md are printed from this table by
// scripts/gen-platforms.sh (test/rules_tables/); the page must hold exactly
// what they print today.
BOOST_AUTO_TEST_CASE(platforms_md_holds_the_current_tables)
{
  const std::string path = std::string(PORTGUARD_SOURCE_DIR) + "/docs/platforms.md";
  std::ifstream in(path, std::ios::binary);
  BOOST_TEST_REQUIRE(in.good(), "cannot read " << path);
  std::ostringstream page;
  page << in.rdbuf();
  const std::string block = rules_block_in(page.str());
  BOOST_TEST_REQUIRE(!block.empty(), path << " has no " << rules_block_begin << " ... "
                                          << rules_block_end << " block");
  const std::string expected = rules_tables_markdown();
  std::string difference;
  if (block != expected)
  {
    std::istringstream a(block), b(expected);
    std::string line_a, line_b;
    for (int line = 1; line <= 100000; ++line)
    {
      const bool more_a = static_cast<bool>(std::getline(a, line_a));
      const bool more_b = static_cast<bool>(std::getline(b, line_b));
      if (!more_a && !more_b)
        break;
      if (line_a != line_b || more_a != more_b)
      {
        difference = "first difference at line " + std::to_string(line) + " of the block:\n  page:  "
            + (more_a ? line_a : "(end)") + "\n  table: " + (more_b ? line_b : "(end)");
        break;
      }
    }
  }
  BOOST_TEST((block == expected), "docs/platforms.md is stale: run scripts/gen-platforms.sh "
                                  "--rules\n" << difference);
}

BOOST_AUTO_TEST_SUITE_END()
