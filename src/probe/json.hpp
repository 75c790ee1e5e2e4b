//
// src/probe/json.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The JSON writer: audits and matrices as one JSON object each
// (schemas portguard-probe/audit/1 and matrix/1, docs/probe.md), built as
// Boost.JSON values and written by write_json() (encode.hpp). The scan's
// writer is in scan_json.cpp.
//
#ifndef PORTGUARD_PROBE_JSON_HPP
#define PORTGUARD_PROBE_JSON_HPP

#include "audit.hpp"
#include "matrix.hpp"

#include <iosfwd>

namespace portguard {
namespace probe {

/// Writes an audit as JSON.
void write_audit_json(std::ostream& os, const audit_report& report);

/// Writes the matrix as JSON.
void write_matrix_json(std::ostream& os, const matrix_report& report);

} // namespace probe
} // namespace portguard

#endif
