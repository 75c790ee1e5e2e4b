//
// src/probe/encode.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// How each output format encodes text: every writer starts from
// printable_text() (valid UTF-8, no control character), then adds what its
// sink needs: nothing for a terminal, Markdown's escapes, JSON through
// Boost.JSON, the Prometheus text format's label escapes.
//
#ifndef PORTGUARD_PROBE_ENCODE_HPP
#define PORTGUARD_PROBE_ENCODE_HPP

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace portguard {
namespace probe {

/// `text` if it is already printable (valid UTF-8, no control character:
/// host strings are made so where a report is built), else
/// detail::printable(text).
std::string printable_text(std::string_view text);

/// printable_text() for a terminal, or for Markdown with what formats or
/// splits a row escaped: `\`, `|`, `` ` ``, `*`, `<`, `>`, `~`, `&`, a `_`
/// that is not inside a word, and a `]` before `(` (a link).
std::string text_for(std::string_view text, bool markdown);

/// A Prometheus label value, quotes included: printable_text(value) with
/// `\` and `"` escaped, as the text exposition format wants.
std::string prometheus_label(std::string_view value);

/// A JSON string of printable_text(text).
boost::json::value json_text(std::string_view text);

/// json_text(text), or null when `text` is empty.
boost::json::value json_text_or_null(std::string_view text);

/// The number, or null.
boost::json::value json_number_or_null(const std::optional<std::uint32_t>& n);

/// Writes `doc` with Boost.JSON: a member of the object per line, and an
/// array of objects with an element per line; a number with a fraction
/// with three decimals (a time in milliseconds). Ends with a newline.
void write_json(std::ostream& os, const boost::json::object& doc);

} // namespace probe
} // namespace portguard

#endif
