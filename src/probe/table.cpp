//
// src/probe/table.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "table.hpp"

#include <algorithm>
#include <ostream>

namespace portguard {
namespace probe {

void print_table(std::ostream& os, const table_row& header, const std::vector<table_row>& rows,
    bool markdown)
{
  if (markdown)
  {
    auto line = [&](const table_row& r) {
      os << '|';
      for (const auto& cell : r)
      {
        std::string escaped;
        for (const char c : cell)
          escaped += c == '|' ? std::string("\\|") : std::string(1, c);
        os << ' ' << escaped << " |";
      }
      os << '\n';
    };
    line(header);
    os << '|';
    for (std::size_t i = 0; i < header.size(); ++i)
      os << "---|";
    os << '\n';
    for (const auto& r : rows)
      line(r);
    return;
  }
  std::vector<std::size_t> width(header.size(), 0);
  auto measure = [&](const table_row& r) {
    for (std::size_t i = 0; i < r.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], r[i].size());
  };
  measure(header);
  for (const auto& r : rows)
    measure(r);
  auto line = [&](const table_row& r) {
    std::string text;
    for (std::size_t i = 0; i < r.size(); ++i)
    {
      text += r[i];
      if (i + 1 < r.size())
        text += std::string(width[i] - r[i].size() + 2, ' ');
    }
    os << text << '\n';
  };
  line(header);
  table_row rule;
  for (const std::size_t w : width)
    rule.push_back(std::string(w, '-'));
  line(rule);
  for (const auto& r : rows)
    line(r);
}

} // namespace probe
} // namespace portguard
