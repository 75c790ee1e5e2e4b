//
// src/probe/table.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The probe's text for people: aligned columns for a terminal, or Markdown.
// Every cell and line goes through text_for(), so no byte read from the
// host can move the cursor, split a row or format one.
//
#ifndef PORTGUARD_PROBE_TABLE_HPP
#define PORTGUARD_PROBE_TABLE_HPP

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace portguard {
namespace probe {

using table_row = std::vector<std::string>;

/// `text` if it is already printable (valid UTF-8, no control character:
/// host strings are made so where a report is built), else
/// detail::printable(text); what every writer starts from.
std::string printable_text(std::string_view text);

/// printable_text() for a terminal, or for Markdown with what formats or
/// splits a row escaped: `\`, `|`, `` ` ``, `*`, `<`, `>`, `~`, `&`, a `_`
/// that is not inside a word, and a `]` before `(` (a link).
std::string text_for(std::string_view text, bool markdown);

/// Prints `header` and `rows`: columns padded to their widest cell with a
/// rule of dashes under the header, or a Markdown table when `markdown`.
/// One line per row, each cell through text_for().
void print_table(std::ostream& os, const table_row& header, const std::vector<table_row>& rows,
    bool markdown);

} // namespace probe
} // namespace portguard

#endif
