//
// test/support/rules_tables.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "rules_tables.hpp"

#include "rules_coverage.hpp"

#include <initializer_list>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

namespace pg_test {

const char* const rules_block_begin = "<!-- BEGIN GENERATED RULES -->";
const char* const rules_block_end = "<!-- END GENERATED RULES -->";

namespace {

using rules::address_kind;
using rules::identity;
using rules::option;
using rules::option_set;
using rules::platform;
using rules::protocol;
using rules::relation;
using rules::socket_state;
using rules::traffic;

struct socket_kind
{
  protocol proto;
  socket_state state;
  const char* name;
};

constexpr socket_kind socket_kinds[] = {{protocol::tcp, socket_state::bound, "TCP bound"},
    {protocol::tcp, socket_state::listening, "TCP listening"},
    {protocol::udp, socket_state::bound, "UDP"}};

std::string option_name(option_set s)
{
  if (s.empty())
    return "none";
  std::string name;
  const std::pair<option, const char*> letters[] = {{option::reuse_address, "A"},
      {option::reuse_port, "P"}, {option::reuse_port_lb, "L"},
      {option::exclusive_address_use, "X"}};
  for (const auto& l : letters)
    if (s.has(l.first))
      name += (name.empty() ? "" : "+") + std::string(l.second);
  return name;
}

std::vector<option_set> option_sets(platform p)
{
  std::vector<option_set> sets;
  for (unsigned bits = 0; bits < 16; ++bits)
    if (rules::valid(p, option_set::from_bits(bits)))
      sets.push_back(option_set::from_bits(bits));
  return sets;
}

const char* platform_title(platform p)
{
  switch (p)
  {
  case platform::windows: return "Windows";
  case platform::linux_: return "Linux";
  case platform::macos: return "macOS";
  case platform::freebsd: return "FreeBSD";
  }
  return "?";
}

/// Collects evidence over the scenarios behind one printed cell.
struct marks
{
  bool any_linux = false, any_wine = false, any_source = false;

  void add(const rules::scenario& s)
  {
    switch (evidence_for(s))
    {
    case evidence::observed_linux: any_linux = true; break;
    case evidence::observed_wine: any_wine = true; break;
    case evidence::from_source: any_source = true; break;
    }
  }

  std::string text() const
  {
    if (!any_source && any_linux && !any_wine)
      return mark(evidence::observed_linux);
    if (!any_source && any_wine && !any_linux)
      return mark(evidence::observed_wine);
    if (!any_linux && !any_wine)
      return mark(evidence::from_source);
    // Some of the cell's scenarios run here, the rest do not.
    return std::string(any_linux ? mark(evidence::observed_linux) : mark(evidence::observed_wine))
        + " in part, " + mark(evidence::from_source);
  }
};

/// Every rival that binds, for a group of identities that must agree.
std::string cell_text(platform p, const rules::defender& d, relation where,
    std::initializer_list<identity> group, std::set<std::string>& citations)
{
  std::vector<std::pair<traffic, std::string>> winners; // in order of first appearance
  marks m;
  std::string disagreement;
  for (option_set r : option_sets(p))
  {
    bool first = true;
    rules::verdict seen{};
    for (identity who : group)
    {
      const rules::scenario s{p, d, {r, where, who}};
      const rules::verdict v = rules::evaluate(s);
      citations.insert(v.from.citation);
      m.add(s);
      if (first)
        seen = v;
      else if (v.binds != seen.binds || v.receives != seen.receives)
        disagreement = " (identities differ)";
      first = false;
    }
    if (!seen.binds)
      continue;
    bool placed = false;
    for (auto& w : winners)
      if (w.first == seen.receives)
      {
        w.second += ", " + option_name(r);
        placed = true;
      }
    if (!placed)
      winners.push_back({seen.receives, option_name(r)});
  }
  std::string text;
  for (const auto& w : winners)
    text += (text.empty() ? "" : "; ") + w.second + " → " + rules::to_string(w.first);
  if (text.empty())
    text = "—";
  return text + disagreement + " [" + m.text() + "]";
}

struct row
{
  std::string kinds; // "TCP bound, UDP"
  std::string cells[3];
};

void print_platform(std::ostream& os, platform p)
{
  std::set<std::string> citations;
  os << "### " << platform_title(p) << "\n\n";
  os << "| defender options | defender's address | rival's address | socket | "
        "same process / same user | other user | root |\n";
  os << "|---|---|---|---|---|---|---|\n";
  for (address_kind a : {address_kind::wildcard, address_kind::specific})
  {
    const std::vector<relation> relations = a == address_kind::wildcard
        ? std::vector<relation>{relation::same_address, relation::specific_beside_wildcard,
              relation::dual_stack_beside_wildcard}
        : std::vector<relation>{relation::same_address, relation::wildcard_beside_specific};
    for (option_set d : option_sets(p))
      for (relation where : relations)
      {
        std::vector<row> rows;
        for (const socket_kind& k : socket_kinds)
        {
          const rules::defender held{k.proto, k.state, a, d};
          row r;
          r.kinds = k.name;
          r.cells[0] = cell_text(p, held, where, {identity::same_process, identity::same_user},
              citations);
          r.cells[1] = cell_text(p, held, where, {identity::other_user}, citations);
          r.cells[2] = cell_text(p, held, where, {identity::root}, citations);
          bool merged = false;
          for (row& existing : rows)
            if (existing.cells[0] == r.cells[0] && existing.cells[1] == r.cells[1]
                && existing.cells[2] == r.cells[2])
            {
              existing.kinds += ", " + r.kinds;
              merged = true;
            }
          if (!merged)
            rows.push_back(r);
        }
        for (const row& r : rows)
          os << "| " << option_name(d) << " | " << rules::to_string(a) << " | "
             << rules::to_string(where) << " | " << r.kinds << " | " << r.cells[0] << " | "
             << r.cells[1] << " | " << r.cells[2] << " |\n";
      }
  }

  // The other address family: one sentence when every cell agrees.
  bool uniform = true;
  marks m;
  for (address_kind a : {address_kind::wildcard, address_kind::specific})
    for (option_set d : option_sets(p))
      for (const socket_kind& k : socket_kinds)
        for (option_set r : option_sets(p))
          for (identity who : {identity::same_process, identity::same_user,
                   identity::other_user, identity::root})
          {
            const rules::scenario s{p, {k.proto, k.state, a, d}, {r, relation::other_family, who}};
            const rules::verdict v = rules::evaluate(s);
            citations.insert(v.from.citation);
            m.add(s);
            uniform = uniform && v.binds && v.receives == traffic::none;
          }
  os << "\nThe other address family (neither socket dual-stack): "
     << (uniform ? "every rival binds, whatever the options and whoever binds; the two port "
                   "spaces are separate and no traffic is shared"
                 : "the rule is not uniform; see portguard::rules::evaluate()")
     << " [" << m.text() << "].\n\n";
  bool first_check = true;
  for (const rules::scenario& s : traffic_checks())
    if (s.on == p)
    {
      if (first_check)
        os << "Who receives the traffic was observed here too (suite port_rules, "
              "same process, 127.0.0.1), for:\n\n";
      first_check = false;
      os << "- " << (s.held.proto == protocol::tcp ? "TCP " : "UDP ")
         << rules::to_string(s.held.state) << ", " << option_name(s.held.options) << " on "
         << (s.held.address == address_kind::wildcard ? "the wildcard" : "a specific address")
         << "; rival " << option_name(s.challenger.options)
         << ", " << rules::to_string(s.challenger.where) << ": "
         << rules::to_string(rules::evaluate(s).receives) << "\n";
    }
  if (!first_check)
    os << "\n";
  os << "Sources:\n\n";
  for (const std::string& c : citations)
    os << "- " << c << "\n";
  os << "\n";
}

void print_windows_matrix(std::ostream& os)
{
  os << "### Windows: Microsoft's table (same user, TCP bound)\n\n"
        "Rows: the first bind (defender); columns: the second bind (rival). W: the "
        "wildcard, S: a specific address. Success: the second socket shares or shadows "
        "the port.\n\n";
  const option_set sets[] = {option_set(), option::reuse_address, option::exclusive_address_use};
  os << "| first ↓ / second → |";
  for (option_set r : sets)
    for (const char* where : {"W", "S"})
      os << ' ' << option_name(r) << ' ' << where << " |";
  os << "\n|---|---|---|---|---|---|---|\n";
  for (option_set d : sets)
    for (address_kind a : {address_kind::wildcard, address_kind::specific})
    {
      os << "| " << option_name(d) << ' ' << (a == address_kind::wildcard ? "W" : "S") << " |";
      for (option_set r : sets)
        for (bool rival_wildcard : {true, false})
        {
          const relation where = (a == address_kind::wildcard) == rival_wildcard
              ? relation::same_address
              : a == address_kind::wildcard ? relation::specific_beside_wildcard
                                            : relation::wildcard_beside_specific;
          const rules::scenario s{platform::windows,
              {protocol::tcp, socket_state::bound, a, d}, {r, where, identity::same_user}};
          const rules::verdict v = rules::evaluate(s);
          marks m;
          m.add(s);
          os << ' '
             << (v.binds ? "Success"
                         : v.error == rules::refusal::access_denied ? "ACCESS" : "INUSE")
             << " [" << m.text() << "] |";
        }
      os << "\n";
    }
  os << "\n";
}

} // namespace

std::string rules_tables_markdown()
{
  std::ostringstream os;
  os << rules_block_begin << "\n"
     << "<!-- Written by scripts/gen-platforms.sh from portguard::rules "
        "(include/portguard/port_rules.hpp) and test/support/rules_coverage.cpp: edit "
        "those, not this block. -->\n\n"
     << "Marks: **L** observed here (Linux): the rival matrix runs the cell natively "
        "(the other-user cells when the suite runs as root, as scripts/test.sh does); "
        "**W** observed under Wine: the Windows build runs it under Wine; **S** from "
        "source, not run here: the source is cited under each table. A mark says whether "
        "the rival's bind was observed; who receives the traffic comes from the cited "
        "source (the rival tests bind and close at once), except in the few Linux cells "
        "listed under its table.\n\n"
        "Option sets: none; A = SO_REUSEADDR; P = SO_REUSEPORT; L = SO_REUSEPORT_LB; "
        "X = SO_EXCLUSIVEADDRUSE. A cell lists the rival option sets whose bind "
        "succeeds, then who receives the traffic to the address both sockets cover "
        "(rival; defender; split between them; either: one of them, not fixed by the "
        "rule; first to listen: TCP sockets both bound, the other's listen fails). — : "
        "no rival binds. root: root or an Administrator against another user's socket.\n\n";
  print_windows_matrix(os);
  for (platform p : {platform::windows, platform::linux_, platform::macos, platform::freebsd})
    print_platform(os, p);
  os << rules_block_end;
  return os.str();
}

std::string rules_block_in(const std::string& page)
{
  const std::string::size_type begin = page.find(rules_block_begin);
  if (begin == std::string::npos)
    return {};
  const std::string::size_type end = page.find(rules_block_end, begin);
  if (end == std::string::npos)
    return {};
  return page.substr(begin, end + std::string(rules_block_end).size() - begin);
}

} // namespace pg_test
