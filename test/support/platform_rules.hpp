//
// test/support/platform_rules.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Everything the tests expect that differs by platform, stated once: which
// plain-socket configuration is the vulnerable one (the control), which
// rivals beat it, what a rival may still do against an exclusive socket,
// and which cells the platform (or Wine) does not model. The expectations
// come from the library's own table, portguard::rules (port_rules.hpp), so
// every rival the tests run checks that table against the platform.
//
#ifndef PORTGUARD_TEST_SUPPORT_PLATFORM_RULES_HPP
#define PORTGUARD_TEST_SUPPORT_PLATFORM_RULES_HPP

#include "rival.hpp"
#include "rules_coverage.hpp"

#include <iosfwd>
#include <string>

namespace pg_test {

/// The state of the socket that holds the port.
enum class socket_state { tcp_listening, tcp_bound, udp };

/// One cell of the rival matrix, without the defender's kind.
struct cell
{
  socket_state state;
  bool v6;                  // IPv6 (::, ::1) or IPv4 (0.0.0.0, 127.0.0.1)
  bool defender_wildcard;   // defender bound to the wildcard, else loopback
  bool rival_same_address;  // rival binds the defender's address, else the other one
  rival_options options;
  identity who;
};

std::ostream& operator<<(std::ostream& os, socket_state s);

/// The defender's address and the rival's, for a cell.
net::ip::address defender_address(const cell& c);
net::ip::address rival_address(const cell& c);

/// A cell in the terms of portguard::rules, with the control's options
/// (control_options()) or an exclusive defender's (exclusive_options(),
/// plus SO_REUSEADDR when `endpoint_constructor` made a POSIX listener).
rules::scenario control_scenario(const cell& c);
rules::scenario exclusive_scenario(const cell& c, bool endpoint_constructor = false);

/// The harness's vocabulary in the rules' terms.
rules::identity to_rules(identity who);
rules::option_set to_rules(rival_options options);

/// Opens and configures `acceptor` the vulnerable way plain Asio code does
/// on this platform for `state` (control_options(): Linux reuse_port for a
/// listener, reuse_address when bound-not-listening; Windows reuse_address,
/// as tcp::acceptor(ctx, endpoint) does), then binds (and listens).
void open_control(net::ip::tcp::acceptor& acceptor, const cell& c, error_code& ec);
/// The same for UDP (reuse_address everywhere).
void open_control(net::ip::udp::socket& socket, const cell& c, error_code& ec);

/// Sets every option of `options` on an open socket (SO_REUSEADDR,
/// SO_REUSEPORT where it exists, exclusive_address_use), stopping at the
/// first failure.
void apply_options(net::ip::tcp::acceptor& acceptor, rules::option_set options, error_code& ec);
void apply_options(net::ip::udp::socket& socket, rules::option_set options, error_code& ec);

/// Sets on an open socket the option that plain code on this platform uses
/// and that makes it shareable, so a retrofit can be shown to undo it
/// (POSIX: reuse_port on an acceptor, reuse_address on a UDP socket;
/// Windows: nothing, a plain socket is shareable already and reuse_address
/// would conflict with the exclusive option).
void make_shareable(net::ip::tcp::acceptor& acceptor, error_code& ec);
void make_shareable(net::ip::udp::socket& socket, error_code& ec);

/// Whether the platform lets the rival of `c` bind against the control
/// (rules::evaluate() on control_scenario()).
bool control_rival_wins(const cell& c);

/// Whether the platform lets the rival of `c` bind even against an
/// exclusive defender (rules::evaluate() on exclusive_scenario(); Windows:
/// a wildcard rival next to an exclusive socket bound to a specific
/// address, which keeps its traffic).
bool exclusive_rival_wins(const cell& c, bool endpoint_constructor = false);

/// Non-empty when the cell is not modeled faithfully here (Wine, see
/// wine_gap()), with the reason; such cells are skipped, never asserted.
std::string not_modeled(const cell& c);

/// The counterpart of a wildcard or loopback address on the other family
/// (0.0.0.0 ↔ `[::]`, 127.0.0.1 ↔ `[::1]`, a v4-mapped address as the IPv4
/// address it maps); false for other addresses.
bool other_family_address(const net::ip::address& defender, net::ip::address& other);

/// Reality check: tries every rival this platform offers (every option,
/// the defender's own address and the other one of its family, every
/// identity available, and a rival on the same port of the other address
/// family, IPV6_V6ONLY) against a live defender and tells whether one could
/// share the port. Rivals the platform lets bind next to any exclusive
/// socket (see exclusive_rival_wins) are not counted. Cells not modeled
/// here, and rivals that cannot be made here (no second user), make
/// `reason` non-empty and the answer meaningless: check
/// rival_check_reason() first.
bool some_rival_shares(socket_state state, const net::ip::address& defender,
    unsigned short port, std::string& reason, bool other_family = true);

/// Why some_rival_shares() cannot give a whole answer here for a defender
/// of `state` bound to `defender` (a Wine gap, no second user), or empty:
/// a precondition for the tests that ask it (support/skip.hpp).
std::string rival_check_reason(socket_state state, const net::ip::address& defender);

/// Whether is_exclusive() answers exactly "no rival can share the port"
/// (Linux), or conservatively "the socket is protected" (Windows, where it
/// answers false for a plain socket bound to a specific address although
/// only a wildcard rival binds beside it, one that binds beside an
/// exclusive socket too: only SO_EXCLUSIVEADDRUSE is a guarantee there).
bool is_exclusive_is_exact();

/// Whether this process runs under Wine.
bool running_under_wine();

} // namespace pg_test

#endif
