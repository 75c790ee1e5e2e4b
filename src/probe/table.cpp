//
// src/probe/table.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "table.hpp"

#include <portguard/detail/printable.hpp>

#include <algorithm>
#include <cctype>
#include <ostream>

namespace portguard {
namespace probe {

namespace {

bool word_char(char c)
{
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// Columns a cell takes on a terminal: one per character, not per byte.
std::size_t width_of(const std::string& text)
{
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(),
      [](char c) { return (static_cast<unsigned char>(c) & 0xc0u) != 0x80; }));
}

} // namespace

std::string printable_text(std::string_view text)
{
  return detail::is_printable(text) ? std::string(text) : detail::printable(text);
}

std::string text_for(std::string_view text, bool markdown)
{
  std::string shown = printable_text(text);
  if (!markdown)
    return shown;
  std::string out;
  for (std::size_t i = 0; i < shown.size(); ++i)
  {
    const char c = shown[i];
    const bool next = i + 1 < shown.size();
    const bool escape = std::string_view("\\|`*<>~&").find(c) != std::string_view::npos
        || (c == '_' && !(i > 0 && next && word_char(shown[i - 1]) && word_char(shown[i + 1])))
        || (c == ']' && next && shown[i + 1] == '(');
    if (escape)
      out += '\\';
    out += c;
  }
  return out;
}

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
