//
// src/fuzz/output_fuzzer.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Feeds arbitrary bytes, as a process name read from the host, through
// detail::printable() and each output format's encoding. Checks what the
// formats promise: valid UTF-8 and no control byte anywhere, one line per
// row or sample, Markdown rows that keep their cells, a Prometheus label
// and a JSON document that read back as the printable text, and a
// printable text that reads back as the bytes it came from.
//
#include "probe/encode.hpp"
#include "probe/table.hpp"

#include <portguard/detail/printable.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

namespace probe = portguard::probe;
namespace json = boost::json;

namespace {

void check(bool condition)
{
  if (!condition)
    std::abort();
}

// Strict UTF-8 by code point (no overlong form, surrogate or value above
// U+10FFFF), written apart from printable_length().
bool valid_utf8(std::string_view s)
{
  static constexpr unsigned least[] = {0, 0, 0x80, 0x800, 0x10000};
  for (std::size_t i = 0; i < s.size();)
  {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : c >= 0xc0 && c < 0xe0 ? 2
        : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf8 ? 4 : 0;
    if (n == 0 || i + n > s.size())
      return false;
    unsigned cp = n == 1 ? c : c & (0x7fu >> n);
    for (std::size_t k = 1; k < n; ++k)
    {
      const auto t = static_cast<unsigned char>(s[i + k]);
      if ((t & 0xc0u) != 0x80)
        return false;
      cp = cp << 6 | (t & 0x3fu);
    }
    if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += n;
  }
  return true;
}

// No C0 control (but the newlines a document ends its lines with), DEL or
// C1 control (U+0080-U+009F, bytes C2 80-C2 9F).
bool no_control(std::string_view s, bool newlines = false)
{
  for (std::size_t i = 0; i < s.size(); ++i)
  {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && !(newlines && c == '\n')) || c == 0x7f)
      return false;
    if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xa0)
      return false;
  }
  return true;
}

int hex_digit(char c)
{
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// The bytes a printable text stands for; aborts on an escape printable()
// does not write.
std::string unescape(std::string_view s)
{
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i)
  {
    if (s[i] != '\\')
    {
      out += s[i];
      continue;
    }
    check(i + 1 < s.size());
    const char e = s[++i];
    if (e == 'n' || e == 'r' || e == 't' || e == '\\')
    {
      out += e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : '\\';
      continue;
    }
    check(e == 'x' && i + 2 < s.size());
    const int high = hex_digit(s[i + 1]);
    const int low = hex_digit(s[i + 2]);
    check(high >= 0 && low >= 0);
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

std::size_t lines(const std::string& s)
{
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

// The `|` of a Markdown line that are not escaped: its cell boundaries.
std::size_t markdown_bars(std::string_view line)
{
  std::size_t bars = 0;
  for (std::size_t i = 0; i < line.size(); ++i)
  {
    if (line[i] == '\\')
      ++i;
    else if (line[i] == '|')
      ++bars;
  }
  return bars;
}

void check_printable(const std::string& text)
{
  const std::string shown = portguard::detail::printable(text);
  check(valid_utf8(shown) && no_control(shown));
  check(portguard::detail::is_printable(shown));
  check(unescape(shown) == text);
  check(probe::printable_text(shown) == shown);
  if (portguard::detail::is_printable(text) && text.find('\\') == std::string::npos)
    check(shown == text);
}

void check_tables(const std::string& text)
{
  for (const bool markdown : {false, true})
  {
    std::ostringstream os;
    probe::print_table(os, {"name", "pid"}, {{text, "1"}, {"2", text}}, markdown);
    const std::string out = os.str();
    check(valid_utf8(out) && no_control(out, true));
    check(lines(out) == 4); // the header, the rule and the two rows
    if (!markdown)
      continue;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
      check(markdown_bars(line) == 3);
  }
}

void check_prometheus(const std::string& text)
{
  const std::string label = probe::prometheus_label(text);
  check(valid_utf8(label) && no_control(label));
  check(label.size() >= 2 && label.front() == '"' && label.back() == '"');
  std::string value;
  for (std::size_t i = 1; i + 1 < label.size(); ++i)
  {
    check(label[i] != '"');
    if (label[i] == '\\')
    {
      check(i + 2 < label.size() && (label[i + 1] == '\\' || label[i + 1] == '"'));
      ++i;
    }
    value += label[i];
  }
  check(value == probe::printable_text(text));
}

void check_json(const std::string& text)
{
  std::ostringstream os;
  probe::write_json(os, json::object{
      {"process", probe::json_text(text)},
      {"sockets", json::array{json::object{{"process", probe::json_text(text)}}}},
      {"note", probe::json_text_or_null(text)}});
  const std::string out = os.str();
  check(valid_utf8(out) && no_control(out, true));
  check(lines(out) == 7); // {, process, sockets: [, the socket, ], note, }
  json::error_code ec;
  const json::value doc = json::parse(out, ec);
  check(!ec && doc.is_object());
  const std::string shown = probe::printable_text(text);
  check(doc.at("process") == json::string(shown));
  check(doc.at("sockets").at(0).at("process") == json::string(shown));
  check(text.empty() ? doc.at("note").is_null() : doc.at("note") == json::string(shown));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string text(reinterpret_cast<const char*>(data), size);
  check_printable(text);
  check_tables(text);
  check_prometheus(text);
  check_json(text);
  return 0;
}
