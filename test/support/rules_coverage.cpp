//
// test/support/rules_coverage.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "rules_coverage.hpp"

#include <algorithm>

namespace pg_test {

namespace {

using rules::address_kind;
using rules::identity;
using rules::option;
using rules::option_set;
using rules::platform;
using rules::protocol;
using rules::relation;
using rules::socket_state;

struct matrix_state
{
  protocol proto;
  socket_state state;
};

constexpr matrix_state matrix_states[] = {{protocol::tcp, socket_state::listening},
    {protocol::tcp, socket_state::bound}, {protocol::udp, socket_state::bound}};

bool same_scenario(const rules::scenario& a, const rules::scenario& b)
{
  return a.on == b.on && a.held.proto == b.held.proto && a.held.state == b.held.state
      && a.held.address == b.held.address && a.held.options == b.held.options
      && a.challenger.options == b.challenger.options
      && a.challenger.where == b.challenger.where && a.challenger.who == b.challenger.who;
}

} // namespace

option_set control_options(platform p, protocol proto, socket_state state)
{
  if (p == platform::windows)
    return option::reuse_address;
  if (proto == protocol::tcp && state == socket_state::listening)
    return option::reuse_port;
  return option::reuse_address;
}

std::vector<option_set> exclusive_defender_options(platform p, protocol proto,
    socket_state state)
{
  std::vector<option_set> sets{rules::exclusive_options(p)};
  if (p != platform::windows && proto == protocol::tcp && state == socket_state::listening)
    sets.push_back(rules::exclusive_options(p) | option::reuse_address);
  return sets;
}

std::vector<option_set> matrix_rival_options(platform p)
{
  if (p == platform::windows)
    return {option_set(), option::reuse_address, option::exclusive_address_use};
  return {option_set(), option::reuse_address, option::reuse_port,
      option::reuse_address | option::reuse_port};
}

bool harness_identity(platform p, identity who)
{
  switch (who)
  {
  case identity::same_process:
  case identity::same_user:
    return true;
  case identity::other_user:
    return p != platform::windows;
  case identity::root:
    return false;
  }
  return false;
}

std::string wine_gap(const rules::scenario& s)
{
  if (s.held.proto == protocol::udp)
    return "Wine: SO_EXCLUSIVEADDRUSE is not modeled for UDP";
  if (s.held.state == socket_state::listening)
    return "Wine: a listening defender refuses every overlapping bind (Linux underneath)";
  if (s.challenger.where == relation::dual_stack_beside_wildcard)
    return "Wine: a dual-stack rival against an IPv4 wildcard is not modeled";
  return {};
}

std::vector<rules::scenario> rival_matrix_scenarios(platform p)
{
  std::vector<rules::scenario> all;
  for (const matrix_state& m : matrix_states)
    for (address_kind address : {address_kind::wildcard, address_kind::specific})
      for (bool same : {true, false})
      {
        const relation where = same ? relation::same_address
            : address == address_kind::wildcard ? relation::specific_beside_wildcard
                                                : relation::wildcard_beside_specific;
        for (option_set rival_options : matrix_rival_options(p))
          for (identity who : {identity::same_process, identity::same_user, identity::other_user})
          {
            if (!harness_identity(p, who))
              continue;
            const rules::rival r{rival_options, where, who};
            all.push_back({p, {m.proto, m.state, address, control_options(p, m.proto, m.state)}, r});
            for (option_set defender_options : exclusive_defender_options(p, m.proto, m.state))
              all.push_back({p, {m.proto, m.state, address, defender_options}, r});
          }
      }
  return all;
}

std::vector<rules::scenario> traffic_checks()
{
  const auto udp = [](address_kind a, option_set o) {
    return rules::defender{protocol::udp, socket_state::bound, a, o};
  };
  const auto listener = [](address_kind a, option_set o) {
    return rules::defender{protocol::tcp, socket_state::listening, a, o};
  };
  const auto rival = [](option_set o, relation where) {
    return rules::rival{o, where, identity::same_process};
  };
  const option_set a = option::reuse_address;
  const option_set p = option::reuse_port;
  return {
    {platform::linux_, udp(address_kind::wildcard, a), rival(a, relation::specific_beside_wildcard)},
    {platform::linux_, udp(address_kind::specific, a), rival(a, relation::wildcard_beside_specific)},
    {platform::linux_, udp(address_kind::specific, a), rival(a, relation::same_address)},
    {platform::linux_, udp(address_kind::wildcard, p), rival(p, relation::same_address)},
    {platform::linux_, listener(address_kind::wildcard, p), rival(p, relation::specific_beside_wildcard)},
    {platform::linux_, listener(address_kind::specific, p), rival(p, relation::wildcard_beside_specific)},
    {platform::linux_, listener(address_kind::wildcard, p), rival(p, relation::same_address)},
    {platform::linux_, {protocol::tcp, socket_state::bound, address_kind::wildcard, a},
        rival(a, relation::same_address)},
  };
}

evidence evidence_for(const rules::scenario& s)
{
  if (s.on != platform::linux_ && s.on != platform::windows)
    return evidence::from_source;
  static const std::vector<rules::scenario> linux_cells = rival_matrix_scenarios(platform::linux_);
  static const std::vector<rules::scenario> windows_cells =
      rival_matrix_scenarios(platform::windows);
  const std::vector<rules::scenario>& cells = s.on == platform::linux_ ? linux_cells : windows_cells;
  const bool run = std::any_of(cells.begin(), cells.end(),
      [&](const rules::scenario& c) { return same_scenario(c, s); });
  if (!run)
    return evidence::from_source;
  if (s.on == platform::linux_)
    return evidence::observed_linux;
  return wine_gap(s).empty() ? evidence::observed_wine : evidence::from_source;
}

const char* mark(evidence e)
{
  switch (e)
  {
  case evidence::observed_linux: return "L";
  case evidence::observed_wine: return "W";
  case evidence::from_source: return "S";
  }
  return "?";
}

} // namespace pg_test
