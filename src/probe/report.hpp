//
// src/probe/report.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Printing audits and matrices: a readable table or Markdown here, JSON
// through json.hpp (the schema is documented in docs/probe.md).
//
#ifndef PORTGUARD_PROBE_REPORT_HPP
#define PORTGUARD_PROBE_REPORT_HPP

#include "args.hpp"
#include "audit.hpp"
#include "matrix.hpp"

#include <iosfwd>

namespace portguard {
namespace probe {

/// Prints an audit: every attempt, then a one-line verdict.
/// The audit: the verdict and a summary per identity; every rival's row
/// too when `verbose` (JSON is always complete).
void print_audit(std::ostream& os, const audit_report& report, output_format format,
    bool verbose = false);

/// Prints the matrix: a row per defender, a verdict per identity.
void print_matrix(std::ostream& os, const matrix_report& report, output_format format);

} // namespace probe
} // namespace portguard

#endif
