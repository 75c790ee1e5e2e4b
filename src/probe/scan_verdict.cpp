//
// src/probe/scan_verdict.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "scan_verdict.hpp"

namespace portguard {
namespace probe {

namespace {

const char* option_name(rules::option o) noexcept
{
  switch (o)
  {
  case rules::option::reuse_address: return "SO_REUSEADDR";
  case rules::option::reuse_port: return "SO_REUSEPORT";
  case rules::option::exclusive_address_use: return "SO_EXCLUSIVEADDRUSE";
  case rules::option::reuse_port_lb: return "SO_REUSEPORT_LB";
  }
  return "?";
}

} // namespace

rules::defender table_defender(const scanned_socket& s)
{
  rules::defender d{rules::protocol::tcp, rules::socket_state::bound,
      s.address.is_unspecified() ? rules::address_kind::wildcard : rules::address_kind::specific,
      {}};
  if (s.proto == transport::udp)
    d.proto = rules::protocol::udp;
  else if (s.state == "listening")
    d.state = rules::socket_state::listening;
  return d;
}

scan_verdict verdict_for(rules::takers t) noexcept
{
  return t == rules::takers::same_user || t == rules::takers::any_user
      ? scan_verdict::hijackable : scan_verdict::exclusive;
}

std::string option_names(rules::option_set options)
{
  std::string text;
  for (rules::option o : {rules::option::reuse_address, rules::option::reuse_port,
           rules::option::exclusive_address_use, rules::option::reuse_port_lb})
    if (options.has(o))
      text += (text.empty() ? "" : "+") + std::string(option_name(o));
  return text.empty() ? "none" : text;
}

void judge_passively(scanned_socket& s, const detail::foreign_socket_read& read)
{
  const rules::platform here = rules::this_platform();
  if (read.read)
  {
    s.options = read.defender.options;
    s.by = rules::who_can_take(here, read.defender);
    s.verdict = verdict_for(s.by);
    s.how = evidence::read;
    return;
  }
  // Not read: every option set this platform allows, with the state and
  // address the table shows.
  rules::defender d = table_defender(s);
  bool first = true;
  rules::takers least = rules::takers::nobody;
  rules::takers most = rules::takers::nobody;
  rules::option_set worst;
  for (unsigned bits = 0; bits < 16; ++bits)
  {
    d.options = rules::option_set::from_bits(bits);
    if (!rules::valid(here, d.options))
      continue;
    const rules::takers t = rules::who_can_take(here, d);
    if (first || static_cast<int>(t) < static_cast<int>(least))
      least = t;
    if (first || static_cast<int>(t) > static_cast<int>(most))
    {
      most = t;
      worst = d.options;
    }
    first = false;
  }
  s.how = evidence::inferred;
  s.by = most;
  s.note = "options not read: " + read.why_not;
  if (verdict_for(least) == verdict_for(most))
  {
    s.verdict = verdict_for(most);
    s.note += "; the same verdict for every option set";
    return;
  }
  s.verdict = scan_verdict::unknown;
  s.note += std::string("; by the rules, ") + (most == rules::takers::any_user
      ? "any user" : "its own user") + " could take it if it set " + option_names(worst);
}

} // namespace probe
} // namespace portguard
