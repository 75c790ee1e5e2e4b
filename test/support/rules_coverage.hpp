//
// test/support/rules_coverage.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Which cells of portguard::rules the rival tests check against real
// sockets, stated once in the rules' own terms: the rival matrix's axes
// (states, addresses, rival options, identities), its defenders (the
// control and each exclusive path), and the cells Wine does not model. The
// rival matrix takes its expectations from these definitions, and the
// tables in docs/platforms.md take their "observed" marks from them.
// Pure: no sockets, no Asio.
//
#ifndef PORTGUARD_TEST_SUPPORT_RULES_COVERAGE_HPP
#define PORTGUARD_TEST_SUPPORT_RULES_COVERAGE_HPP

#include <portguard/port_rules.hpp>

#include <string>
#include <vector>

namespace pg_test {

namespace rules = portguard::rules;

/// The vulnerable configuration plain code uses on a platform, the control
/// of every rival matrix cell: Windows SO_REUSEADDR (what
/// tcp::acceptor(ctx, endpoint) sets); POSIX SO_REUSEPORT for a listener,
/// SO_REUSEADDR for a TCP socket that is bound only and for UDP.
rules::option_set control_options(rules::platform p, rules::protocol proto,
    rules::socket_state state);

/// The options of the rival matrix's exclusive defenders, one entry per
/// distinct set: exclusive_options(), and on POSIX for a listener also
/// SO_REUSEADDR (secure_acceptor's endpoint constructor sets it there).
std::vector<rules::option_set> exclusive_defender_options(rules::platform p,
    rules::protocol proto, rules::socket_state state);

/// The rival option sets the harness tries on a platform: POSIX none,
/// SO_REUSEADDR, SO_REUSEPORT, both; Windows none, SO_REUSEADDR,
/// SO_EXCLUSIVEADDRUSE.
std::vector<rules::option_set> matrix_rival_options(rules::platform p);

/// Whether the harness can make a rival of this identity on the platform:
/// the same process and a second process always; another user on POSIX
/// only (as `nobody`, when the tests run as root); root never.
bool harness_identity(rules::platform p, rules::identity who);

/// Non-empty when Wine does not model the scenario (platform-notes.md),
/// with the reason: a listening defender, UDP, a dual-stack rival. (Another
/// account is no Wine gap but the harness's: see harness_identity().)
std::string wine_gap(const rules::scenario& s);

/// Every scenario the rival matrix checks on a platform, the controls and
/// the exclusive defenders, in matrix order (duplicates included).
std::vector<rules::scenario> rival_matrix_scenarios(rules::platform p);

/// The Linux scenarios whose traffic the port_rules suite follows with real
/// sockets (same process, IPv4 loopback): datagrams or connections to
/// 127.0.0.1 and who receives them, or for `first_listener` which listen()
/// fails.
std::vector<rules::scenario> traffic_checks();

/// What the rival tests of this project establish about a scenario.
enum class evidence
{
  observed_linux, ///< The rival matrix runs it natively on Linux.
  observed_wine,  ///< The rival matrix runs it in the Windows build under Wine.
  from_source     ///< Nothing here runs it: the answer is the source's.
};

/// The evidence for one scenario (whether the rival binds; no rival test
/// observes who receives traffic).
evidence evidence_for(const rules::scenario& s);

/// The mark docs/platforms.md prints for an evidence.
const char* mark(evidence e);

} // namespace pg_test

#endif
