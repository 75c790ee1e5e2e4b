//
// src/probe/scan.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// portguard-probe scan: every bound TCP and UDP socket of the host, its
// owner, and who could take it over, by the platform's rules
// (portguard::rules) applied to options read from the socket itself, or
// with --active to what rival binds showed.
//
#ifndef PORTGUARD_PROBE_SCAN_HPP
#define PORTGUARD_PROBE_SCAN_HPP

#include "args.hpp"

#include <portguard/detail/config.hpp>
#include <portguard/port_rules.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace portguard {
namespace probe {

/// A socket's verdict, from the worst.
enum class scan_verdict { shared, hijackable, unknown, exclusive };

/// How a verdict was obtained.
enum class evidence
{
  read,     ///< The socket's options were read (passively) and the rules applied.
  probed,   ///< Rival binds (--active) showed it.
  inferred  ///< The rules applied to every option set the socket could have.
};

/// One other socket that holds an overlapping address and port.
struct scan_holder
{
  net::ip::address address;
  std::optional<std::uint32_t> uid;
  std::string user;
  std::optional<std::uint32_t> pid;
  std::string process;
};

/// A process that has a listed socket open.
struct scan_process
{
  std::uint32_t pid = 0;
  std::optional<std::uint32_t> uid;
  std::string user;    ///< Printable; empty when unknown or without a name.
  std::string process; ///< Printable; empty when not visible.
};

/// One listed socket and what the scan found about it.
struct scanned_socket
{
  transport proto = transport::tcp;
  net::ip::address address;
  unsigned short port = 0;
  std::string state;                  ///< "listening", "bound" or "datagram".
  bool v6_only = false;
  std::optional<std::uint32_t> uid;
  std::string user;                   ///< Empty when the uid has no name.
  std::optional<std::uint32_t> pid;
  std::string process;
  /// Every process that has the socket open (a passed or inherited
  /// descriptor is one socket in several), where visible; `pid` and
  /// `process` are the first.
  std::vector<scan_process> processes;
  std::uint64_t inode = 0;
  std::optional<rules::option_set> options; ///< As read; empty when not read.
  scan_verdict verdict = scan_verdict::unknown;
  rules::takers by = rules::takers::nobody; ///< Who could take it (the widest).
  evidence how = evidence::inferred;
  std::vector<scan_holder> holders;   ///< shared: every socket in the group, itself included.
  bool uids_differ = false;           ///< shared: the holders belong to different users.
  std::string note;                   ///< What could not be read or tried, and why.
  /// The other address family's port (0.0.0.0 and `[::]` V6ONLY, 127.0.0.1
  /// and `[::1]`): its address, or empty for a socket that has none (another
  /// address, a dual-stack `[::]`, a TCP socket that does not listen).
  std::optional<net::ip::address> sibling;
  /// What holds the sibling: "free", "held", "no_family" (the host lacks
  /// that family) or "unchecked" (the table does not list every socket).
  std::string sibling_state;
};

/// The scan's result.
struct scan_report
{
  std::vector<scanned_socket> sockets;  ///< Worst first.
  std::vector<std::string> limits;      ///< What the scan could not see, and why.
  bool privileged = false;
  bool active = false;
  double elapsed_ms = 0;
  std::size_t rivals_tried = 0;         ///< --active: rival binds made.

  std::size_t count(scan_verdict v) const;
  int exit_code() const;
};

/// Why the scan could not run: one line and the exit code.
struct scan_failure
{
  int code = 3;
  std::string message;
};

/// The rule for the other address family (docs/probe.md, "The other
/// address family"): a TCP listener or a UDP socket on 0.0.0.0, 127.0.0.1,
/// `[::]` V6ONLY or `[::1]` whose sibling port no socket holds is takeable
/// by any user (root only below the first unprivileged port). `complete`:
/// whether the table lists every socket of that protocol.
void judge_other_family(std::vector<scanned_socket>& sockets, bool tcp_complete,
    bool udp_complete);

/// Lists the sockets, reads what can be read and gives each a verdict.
bool run_scan(const command& cmd, scan_report& report, scan_failure& failure);

/// Who could take the socket: the `by` list of the JSON ("same_user",
/// "any_user", "root_only"), empty for nobody.
std::vector<std::string> takers_list(rules::takers t);

const char* to_string(scan_verdict v) noexcept;
const char* to_string(evidence e) noexcept;

} // namespace probe
} // namespace portguard

#endif
