//
// src/probe/matrix.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The platform's matrix: servers set up the ways users really write them,
// with plain Asio and with portguard, each against the same rivals.
//
#ifndef PORTGUARD_PROBE_MATRIX_HPP
#define PORTGUARD_PROBE_MATRIX_HPP

#include "rivals.hpp"

#include <string>
#include <vector>

namespace portguard {
namespace probe {

/// One defender (a server socket the probe creates) and what its rivals did.
struct matrix_row
{
  std::string name;     ///< Short label, e.g. "tcp::acceptor(ctx, endpoint)".
  std::string library;  ///< "asio" or "portguard".
  std::string setup;    ///< What the defender does, e.g. "open, reuse_address, bind, listen".
  transport proto = transport::tcp;
  net::ip::address address;
  unsigned short port = 0;
  std::string skipped;  ///< Why the defender could not be set up; empty if it was.
  std::string caveat;   ///< Why "held" may not carry over to the real platform (Wine).
  /// Only cross-family rivals (other_family_rivals()) tried this defender:
  /// the other address family's port, not its own.
  bool cross_family = false;
  /// The host lacks the defender's address family (or address): skipped,
  /// and not a portguard defender that lost.
  bool unavailable = false;
  std::vector<attempt> attempts;
};

/// The whole matrix.
struct matrix_report
{
  std::vector<identity> who;
  std::vector<matrix_row> rows;

  /// 0 if every portguard defender kept every rival out, 1 otherwise.
  int exit_code() const;
};

/// Creates each defender on 0.0.0.0 (an ephemeral port), runs every rival
/// as each identity against it, and closes it; then the cross-family rows:
/// defenders on 0.0.0.0, 127.0.0.1 and `[::1]` against the rivals on the
/// other address family only.
matrix_report run_matrix();

} // namespace probe
} // namespace portguard

#endif
