//
// src/probe/rivals.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Rival sockets: every way this platform offers to bind a port that
// someone else holds. A rival only binds and closes at once.
//
#ifndef PORTGUARD_PROBE_RIVALS_HPP
#define PORTGUARD_PROBE_RIVALS_HPP

#include "args.hpp"

#include <portguard/detail/config.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace portguard {
namespace probe {

/// The options a rival sets before it binds.
enum class rival_option { none, reuse_address, reuse_port, both, exclusive };

/// Who makes the attempt: this process; another process of this user; an
/// unprivileged other user (uid and gid 65534, "nobody"). The first three
/// are the tests' rival harness's words (test/support/rival.hpp), in the
/// same order. `owner`: a child running as the uid that owns the audited
/// socket (from the socket table), as only root can start one.
enum class identity { same_process, same_user, other_user, owner };

/// Which address a rival binds, relative to the target. `other_family`:
/// the other address family's loopback or wildcard (IPV6_V6ONLY on IPv6),
/// the address a client that tries that family first reaches; tried only
/// against a wildcard or loopback target (see other_family_rivals()).
enum class address_role { exact, wildcard, loopback, v4_mapped, dual_stack, other_family };

/// One rival: options, address and port.
struct rival
{
  transport proto = transport::tcp;
  rival_option option = rival_option::none;
  address_role role = address_role::exact;
  net::ip::address address;
  unsigned short port = 0;
};

/// What became of one attempt. A child process reports it with the wire
/// encoding of docs/reliability.md ("Rival outcomes between processes"):
/// `won`, `refused <code>`, `skipped <code> <reason>`.
struct outcome
{
  enum kind_type { won, refused, skipped };
  kind_type kind = skipped;
  error_code ec;    ///< The bind's error when refused, or the failed step's.
  std::string note; ///< Why it was skipped.
};

/// A rival, who tried it, and what happened.
struct attempt
{
  rival r;
  identity who = identity::same_process;
  outcome result;
};

/// This platform's rival options, from the plainest: POSIX none,
/// reuse_address, reuse_port, both; Windows none, reuse_address, exclusive.
std::vector<rival_option> rival_options();

/// Every rival for a target: each option at each address (the exact one;
/// the wildcard of its family; loopback when the target is a wildcard; for
/// IPv4 targets, the v4-mapped IPv6 form and the dual-stack wildcard).
std::vector<rival> rivals_for(transport proto, const net::ip::address& target,
    unsigned short port);

/// The cross-family rivals for a wildcard or loopback target: each option
/// at the target's counterpart on the other family (portguard's
/// detail::other_family_address: 0.0.0.0 and `[::]` V6ONLY, 127.0.0.1 and
/// `[::1]`) and at that family's other one of the two, so `[::1]` and `[::]`
/// V6ONLY against an IPv4 target, 127.0.0.1 and 0.0.0.0 against an IPv6
/// one. Empty for any other target (no client falls back to such a pair).
std::vector<rival> other_family_rivals(transport proto, const net::ip::address& target,
    unsigned short port);

/// Whether a rival is a cross-family one.
inline bool is_cross_family(const rival& r) noexcept
{
  return r.role == address_role::other_family;
}

/// The one line that says what a won cross-family rival means:
/// "[::1]:P free: a client trying IPv6 first reaches whoever binds it".
std::string cross_family_line(const rival& r);

/// Runs the rivals as `who` (a child process per identity, not per rival).
/// `owner` needs `owner_uid`.
std::vector<attempt> run_rivals(const std::vector<rival>& rivals, identity who,
    std::uint32_t owner_uid = 0);

/// The identities this platform can try, in order.
std::vector<identity> identities();

/// The most alarming winner, or nullptr if no rival won: a rival on the
/// target's own port over a cross-family one, then another user over this
/// user, then the fewest options, then the address nearest the target.
const attempt* strongest_winner(const std::vector<attempt>& attempts);

/// Whether a plain bind of the endpoint fails because something holds it.
struct hold_check
{
  enum state_type { held, free, not_local, no_permission, failed };
  state_type state = failed;
  error_code ec; ///< The plain bind's error.
};

/// Checks whether something holds the port at this address.
hold_check check_held(transport proto, const net::ip::address& address,
    unsigned short port);

const char* to_string(transport t) noexcept;
const char* to_string(rival_option o) noexcept;
/// The identity's name in reports and JSON (schema portguard-probe/*/1):
/// "same-process", "child-process" (same_user), "nobody" (other_user) and
/// "owner".
const char* to_string(identity i) noexcept;
const char* to_string(address_role r) noexcept;
const char* to_string(outcome::kind_type k) noexcept;

/// `127.0.0.1:80` or `[::1]:80`.
std::string endpoint_text(const net::ip::address& a, unsigned short port);

} // namespace probe
} // namespace portguard

#endif
