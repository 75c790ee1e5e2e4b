//
// src/probe/scan_verdict.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// A scanned socket's verdict without touching it: portguard::rules applied
// to the options read from the socket, or to every option set it could have.
//
#ifndef PORTGUARD_PROBE_SCAN_VERDICT_HPP
#define PORTGUARD_PROBE_SCAN_VERDICT_HPP

#include "scan.hpp"

#include "host_table.hpp"

#include <string>

namespace portguard {
namespace probe {

/// The socket as portguard::rules sees a defender, from the table alone
/// (no options).
rules::defender table_defender(const scanned_socket& s);

/// The verdict for who could take a socket.
scan_verdict verdict_for(rules::takers t) noexcept;

/// Sets verdict, by, how, options and note from a passive read: `read` when
/// the options were read, otherwise `inferred` over every option set the
/// platform allows (`unknown` where those disagree).
void judge_passively(scanned_socket& s, const detail::foreign_socket_read& read);

/// "SO_REUSEADDR+SO_REUSEPORT", or "none".
std::string option_names(rules::option_set options);

} // namespace probe
} // namespace portguard

#endif
