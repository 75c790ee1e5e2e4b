//
// src/probe/encode.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Boost.JSON is compiled here, header-only, for the whole probe.
//
#include "encode.hpp"

#include <portguard/detail/printable.hpp>

#include <boost/json/src.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ostream>

namespace portguard {
namespace probe {

namespace json = boost::json;

namespace {

bool word_char(char c)
{
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// Whether every element is an object: such an array is printed one per line.
bool of_objects(const json::value& v)
{
  return v.is_array() && !v.get_array().empty()
      && std::all_of(v.get_array().begin(), v.get_array().end(),
          [](const json::value& e) { return e.is_object(); });
}

std::string serialized(const json::value& v)
{
  if (!v.is_double())
    return json::serialize(v);
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3f", v.get_double());
  return buffer;
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

std::string prometheus_label(std::string_view value)
{
  // printable_text() leaves no newline or other control byte to escape.
  std::string out = "\"";
  for (const char c : printable_text(value))
  {
    if (c == '\\' || c == '"')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

json::value json_text(std::string_view text)
{
  return json::string(printable_text(text));
}

json::value json_text_or_null(std::string_view text)
{
  return text.empty() ? json::value(nullptr) : json_text(text);
}

json::value json_number_or_null(const std::optional<std::uint32_t>& n)
{
  return n ? json::value(*n) : json::value(nullptr);
}

void write_json(std::ostream& os, const json::object& doc)
{
  os << '{';
  const char* separator = "\n  ";
  for (const auto& member : doc)
  {
    os << separator << json::serialize(json::string(member.key())) << ": ";
    separator = ",\n  ";
    if (!of_objects(member.value()))
    {
      os << serialized(member.value());
      continue;
    }
    const char* inner = "[\n    ";
    for (const json::value& e : member.value().get_array())
    {
      os << inner << serialized(e);
      inner = ",\n    ";
    }
    os << "\n  ]";
  }
  os << "\n}\n";
}

} // namespace probe
} // namespace portguard
