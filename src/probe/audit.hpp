//
// src/probe/audit.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// One audit of one live endpoint: is it held, and which rivals can bind it.
//
#ifndef PORTGUARD_PROBE_AUDIT_HPP
#define PORTGUARD_PROBE_AUDIT_HPP

#include "args.hpp"
#include "rivals.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace portguard {
namespace probe {

/// portguard-probe's exit codes.
namespace exit_code {
constexpr int secure = 0;       ///< No rival could bind.
constexpr int hijackable = 1;   ///< A rival could bind.
constexpr int bad_input = 2;    ///< Bad usage or input.
constexpr int cannot_probe = 3; ///< Nothing bound, not local, or no permission.
} // namespace exit_code

/// The result of an audit.
struct audit_report
{
  transport proto = transport::tcp;
  std::string host;          ///< As the user wrote it.
  net::ip::address address;  ///< The address audited.
  unsigned short port = 0;
  error_code held_because;   ///< The plain bind's error that shows the port is held.
  std::vector<identity> who; ///< The identities tried.
  std::vector<std::uint32_t> owner_uids; ///< The holders' uids, from the socket table.
  std::vector<std::string> not_tried;    ///< Identities that could not be tried, and why.
  std::vector<attempt> attempts;
  double elapsed_ms = 0;     ///< Wall time of the whole audit.

  const attempt* strongest() const { return strongest_winner(attempts); }
  /// The cross-family rivals that won, one per address (loopback first).
  std::vector<const attempt*> cross_family_winners() const;
  /// Whether cross-family rivals were tried (the target is a wildcard or
  /// loopback address).
  bool cross_family_tried() const;
  int exit_code() const { return strongest() ? exit_code::hijackable : exit_code::secure; }
};

/// Why an audit could not run: one line for the user, and the exit code.
struct audit_failure
{
  int code = exit_code::cannot_probe;
  std::string message;
};

/// Resolves the target, checks that something holds it, and runs every
/// rival as this user and, when root on POSIX, as user nobody.
bool run_audit(const command& cmd, audit_report& report, audit_failure& failure);

} // namespace probe
} // namespace portguard

#endif
