//
// src/probe/table.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "table.hpp"

#include "encode.hpp"

#include <algorithm>
#include <ostream>

namespace portguard {
namespace probe {

namespace {

// Columns a cell takes on a terminal: one per character, not per byte.
std::size_t width_of(const std::string& text)
{
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(),
      [](char c) { return (static_cast<unsigned char>(c) & 0xc0u) != 0x80; }));
}

} // namespace

void print_table(std::ostream& os, const table_row& header, const std::vector<table_row>& rows,
    bool markdown)
{
  auto encode = [&](const table_row& r) {
    table_row out;
    for (const std::string& cell : r)
      out.push_back(text_for(cell, markdown));
    return out;
  };
  std::vector<table_row> lines{encode(header)};
  for (const table_row& r : rows)
    lines.push_back(encode(r));
  if (markdown)
  {
    for (std::size_t n = 0; n < lines.size(); ++n)
    {
      os << '|';
      for (const std::string& cell : lines[n])
        os << ' ' << cell << " |";
      os << '\n';
      if (n == 0)
      {
        os << '|';
        for (std::size_t i = 0; i < header.size(); ++i)
          os << "---|";
        os << '\n';
      }
    }
    return;
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const table_row& r : lines)
    for (std::size_t i = 0; i < r.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], width_of(r[i]));
  table_row rule;
  for (const std::size_t w : width)
    rule.push_back(std::string(w, '-'));
  lines.insert(lines.begin() + 1, rule);
  for (const table_row& r : lines)
  {
    std::string text;
    for (std::size_t i = 0; i < r.size(); ++i)
    {
      text += r[i];
      if (i + 1 < r.size())
        text += std::string(width[i] - std::min(width[i], width_of(r[i])) + 2, ' ');
    }
    os << text << '\n';
  }
}

} // namespace probe
} // namespace portguard
