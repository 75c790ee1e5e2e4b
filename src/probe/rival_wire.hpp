//
// src/probe/rival_wire.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// How a rival child reports its outcome, one line each, shared by the probe
// and the test harness (docs/reliability.md, "Rival outcomes between
// processes"):
//   won | refused <code> | skipped <code> <reason>
// <code>: the OS error value (errno, or the WSA code on Windows), 0 for none.
// `Outcome` has `kind` (won, refused, skipped), `ec` and `note`.
//
#ifndef PORTGUARD_PROBE_RIVAL_WIRE_HPP
#define PORTGUARD_PROBE_RIVAL_WIRE_HPP

#include <portguard/detail/config.hpp>

#include <algorithm>
#include <sstream>
#include <string>

namespace portguard {
namespace rival_wire {

/// The outcome as one line, newline included.
template <typename Outcome>
std::string line(const Outcome& o)
{
  switch (o.kind)
  {
  case Outcome::won:
    return "won\n";
  case Outcome::refused:
    return "refused " + std::to_string(o.ec.value()) + "\n";
  case Outcome::skipped:
    break;
  }
  std::string reason = o.note;
  std::replace(reason.begin(), reason.end(), '\n', ' ');
  return "skipped " + std::to_string(o.ec.value()) + " " + reason + "\n";
}

/// Reads one line; false when it is not one.
template <typename Outcome>
bool parse(const std::string& text, Outcome& o)
{
  std::istringstream in(text);
  std::string word;
  int value = 0;
  in >> word;
  if (word == "won")
  {
    o = Outcome{Outcome::won, {}, {}};
    return in.peek() == std::char_traits<char>::eof();
  }
  if ((word != "refused" && word != "skipped") || !(in >> value))
    return false;
  const error_code ec(value, net::error::get_system_category());
  if (word == "refused")
  {
    o = Outcome{Outcome::refused, ec, {}};
    return in.peek() == std::char_traits<char>::eof();
  }
  std::string reason;
  in.get(); // the space before the reason
  std::getline(in, reason);
  o = Outcome{Outcome::skipped, value ? ec : error_code(), reason};
  return true;
}

} // namespace rival_wire
} // namespace portguard

#endif // PORTGUARD_PROBE_RIVAL_WIRE_HPP
