//
// src/probe/table.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The probe's text for people: aligned columns for a terminal, or Markdown.
// Every cell goes through text_for() (encode.hpp), so no byte read from the
// host can move the cursor, split a row or format one.
//
#ifndef PORTGUARD_PROBE_TABLE_HPP
#define PORTGUARD_PROBE_TABLE_HPP

#include <iosfwd>
#include <string>
#include <vector>

namespace portguard {
namespace probe {

using table_row = std::vector<std::string>;

/// Prints `header` and `rows`: columns padded to their widest cell with a
/// rule of dashes under the header, or a Markdown table when `markdown`.
/// One line per row, each cell through text_for().
void print_table(std::ostream& os, const table_row& header, const std::vector<table_row>& rows,
    bool markdown);

} // namespace probe
} // namespace portguard

#endif
