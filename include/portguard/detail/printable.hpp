//
// portguard/detail/printable.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Bytes from the host (a process name any user may choose, a user name)
// made safe to print: one line of valid UTF-8, no control character, and
// unambiguous, since every byte that is escaped is written as an escape and
// the backslash itself is escaped.
//
#ifndef PORTGUARD_DETAIL_PRINTABLE_HPP
#define PORTGUARD_DETAIL_PRINTABLE_HPP

#include <portguard/detail/config.hpp>

#include <cstddef>
#include <string>
#include <string_view>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

/// The length of the character that starts at `s[i]` if it is valid UTF-8
/// and safe to print as it is; 0 if its bytes must be escaped: C0 and C1
/// controls, DEL, the line and paragraph separators, the bidirectional
/// overrides and isolates, and every byte of an invalid, overlong or
/// truncated sequence.
inline std::size_t printable_length(std::string_view s, std::size_t i) noexcept
{
  const auto byte = [&](std::size_t k) {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u;
  };
  const unsigned b0 = byte(0);
  if (b0 < 0x80)
    return b0 >= 0x20 && b0 != 0x7f ? 1 : 0;
  const auto tail = [&](std::size_t k) { return (byte(k) & 0xc0u) == 0x80; };
  const unsigned b1 = byte(1);
  if (b0 >= 0xc2 && b0 <= 0xdf)
    return tail(1) && !(b0 == 0xc2 && b1 < 0xa0) ? 2 : 0; // not C1 (U+0080-U+009F)
  if (b0 >= 0xe0 && b0 <= 0xef)
  {
    if (!tail(1) || !tail(2) || (b0 == 0xe0 && b1 < 0xa0) || (b0 == 0xed && b1 >= 0xa0))
      return 0; // overlong, or a surrogate
    const unsigned cp = (b0 & 0x0fu) << 12 | (b1 & 0x3fu) << 6 | (byte(2) & 0x3fu);
    const bool format = (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
    return format ? 0 : 3;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4)
    return tail(1) && tail(2) && tail(3) && !(b0 == 0xf0 && b1 < 0x90)
        && !(b0 == 0xf4 && b1 >= 0x90) ? 4 : 0;
  return 0;
}

/// Whether `s` is safe to print as it is: valid UTF-8 without a control
/// character (what printable() returns; backslashes may be in it).
inline bool is_printable(std::string_view s) noexcept
{
  for (std::size_t i = 0; i < s.size();)
  {
    const std::size_t n = printable_length(s, i);
    if (n == 0)
      return false;
    i += n;
  }
  return true;
}

/// `s` as one line of valid UTF-8 without control characters, unambiguous:
/// the backslash as `\\`, `\n`, `\r` and `\t` for those bytes, `\xHH` for
/// every other byte that printable_length() refuses; the rest unchanged.
inline std::string printable(std::string_view s)
{
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();)
  {
    const std::size_t n = s[i] == '\\' ? 0 : printable_length(s, i);
    if (n != 0)
    {
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    const auto b = static_cast<unsigned char>(s[i++]);
    switch (b)
    {
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    case '\\': out += "\\\\"; break;
    default:
      out += "\\x";
      out += hex[b >> 4];
      out += hex[b & 0x0f];
    }
  }
  return out;
}

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_PRINTABLE_HPP
