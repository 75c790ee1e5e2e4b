//
// src/probe/table.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The probe's tables: aligned columns for a terminal, or Markdown.
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
/// rule of dashes under the header, or a Markdown table (`|` in a cell
/// escaped) when `markdown`.
void print_table(std::ostream& os, const table_row& header, const std::vector<table_row>& rows,
    bool markdown);

} // namespace probe
} // namespace portguard

#endif
