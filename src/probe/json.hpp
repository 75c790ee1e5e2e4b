//
// src/probe/json.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The JSON writer: audits, matrices and scans as one JSON object each
// (schemas portguard-probe/audit/1, matrix/1 and scan/1, docs/probe.md),
// built as Boost.JSON values and serialized by Boost.JSON.
//
#ifndef PORTGUARD_PROBE_JSON_HPP
#define PORTGUARD_PROBE_JSON_HPP

#include "audit.hpp"
#include "matrix.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string_view>

namespace portguard {
namespace probe {

/// Writes an audit as JSON.
void write_audit_json(std::ostream& os, const audit_report& report);

/// Writes the matrix as JSON.
void write_matrix_json(std::ostream& os, const matrix_report& report);

/// A JSON string of printable_text(text): valid UTF-8 whatever `text` holds.
boost::json::value json_text(std::string_view text);

/// json_text(text), or null when `text` is empty.
boost::json::value json_text_or_null(std::string_view text);

/// The number, or null.
boost::json::value json_number_or_null(const std::optional<std::uint32_t>& n);

/// Writes `doc`: a member of the object per line, and an array of objects
/// with an element per line; a number with a fraction with three decimals
/// (a time in milliseconds). Ends with a newline.
void write_json(std::ostream& os, const boost::json::object& doc);

} // namespace probe
} // namespace portguard

#endif
