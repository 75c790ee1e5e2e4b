//
// src/probe/report.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "report.hpp"

#include "encode.hpp"
#include "json.hpp"
#include "platform.hpp"
#include "summary.hpp"
#include "table.hpp"

#include <algorithm>
#include <ostream>

namespace portguard {
namespace probe {

namespace {

std::string rival_address(const rival& r)
{
  std::string text = endpoint_text(r.address, r.port);
  if (r.role != address_role::exact)
    text += std::string(" (") + to_string(r.role) + ")";
  return text;
}

std::string outcome_text(const outcome& o)
{
  switch (o.kind)
  {
  case outcome::won: return "WON";
  case outcome::refused: return "refused " + platform::error_name(o.ec);
  case outcome::skipped: return "skipped: " + o.note;
  }
  return "?";
}

std::string winner_text(const attempt& a)
{
  return std::string(a.who == identity::other_user ? "user nobody"
      : a.who == identity::owner ? "the socket owner's uid"
      : "a " + std::string(to_string(a.who)) + " rival")
      + " binds " + rival_address(a.r) + " with options " + to_string(a.r.option);
}

} // namespace

void print_audit(std::ostream& os, const audit_report& report, output_format format,
    bool verbose)
{
  const attempt* best = report.strongest();
  const counts c = count(report.attempts);
  const std::string target = std::string(to_string(report.proto)) + " "
      + endpoint_text(report.address, report.port);

  if (format == output_format::json)
  {
    write_audit_json(os, report);
    return;
  }

  const bool markdown = format == output_format::markdown;
  auto item = [&](const std::string& text) {
    os << (markdown ? "- " : "  ") << text_for(text, markdown) << '\n';
  };
  os << (markdown ? "### " : "") << "portguard-probe: " << target
     << " is held (a plain bind fails with " << platform::error_name(report.held_because)
     << ")\n\n";
  if (best)
    os << "verdict: HIJACKABLE: " << text_for(winner_text(*best), markdown) << " (" << c.won
       << " of " << report.attempts.size() << " rivals won)\n";
  else
    os << "verdict: not hijackable: none of " << report.attempts.size()
       << " rivals could bind (" << c.skipped << " skipped)\n";
  for (const attempt* a : report.cross_family_winners())
    item(cross_family_line(a->r));
  if (!best && report.cross_family_tried())
    item("the other address family's port is held too: cross-family rivals refused");
  os << '\n';
  std::vector<table_row> rows;
  for (const identity who : report.who)
  {
    const auto mine = of_identity(report.attempts, who);
    std::string reason;
    if (all_skipped(mine, reason))
    {
      if (verbose)
        rows.push_back({to_string(who), "(all)", "-", "skipped: " + reason});
      else
        item(std::string(to_string(who)) + ": skipped: " + reason);
      continue;
    }
    if (!verbose)
    {
      const counts mc = count(mine);
      item(std::string(to_string(who)) + ": " + std::to_string(mc.won) + " won, "
          + std::to_string(mc.refused) + " refused, " + std::to_string(mc.skipped)
          + " skipped");
      continue;
    }
    for (const attempt& a : mine)
      rows.push_back({to_string(a.who), to_string(a.r.option), rival_address(a.r),
          outcome_text(a.result)});
  }
  if (verbose)
    print_table(os, {"identity", "options", "rival binds", "outcome"}, rows, markdown);
  for (const std::string& n : report.not_tried)
    item("not tried: " + n);
  if (!verbose)
    os << "(--verbose lists every rival)\n";
  os << "\naudited in " << three_decimals(report.elapsed_ms) << " ms\n";
}

void print_matrix(std::ostream& os, const matrix_report& report, output_format format)
{
  if (format == output_format::json)
  {
    write_matrix_json(os, report);
    return;
  }

  const bool markdown = format == output_format::markdown;
  std::vector<std::string> notes;
  auto note = [&](const std::string& text) {
    auto it = std::find(notes.begin(), notes.end(), text);
    if (it == notes.end())
      it = notes.insert(notes.end(), text);
    return "[" + std::to_string(it - notes.begin() + 1) + "]";
  };

  table_row header = {"defender", "library", "proto"};
  for (const identity who : report.who)
    header.push_back(std::string("vs ") + to_string(who));
  std::vector<table_row> rows;
  for (const matrix_row& row : report.rows)
  {
    table_row r = {row.name, row.library, to_string(row.proto)};
    for (const identity who : report.who)
    {
      if (!row.skipped.empty())
      {
        r.push_back("skipped " + note(row.name + ": " + row.skipped));
        continue;
      }
      const auto mine = of_identity(row.attempts, who);
      const counts c = count(mine);
      const attempt* best = strongest_winner(mine);
      std::string cell;
      if (c.skipped == mine.size())
        cell = "skipped";
      else if (best)
        cell = std::string("HIJACKED by ") + to_string(best->r.option) + " @ "
            + (best->r.address.is_v6() ? "[" + best->r.address.to_string() + "]"
                                       : best->r.address.to_string());
      else if (!row.caveat.empty())
        cell = "held " + note(row.caveat);
      else
        cell = "held";
      // Rivals skipped (not root, no IPv6, ...): say why, once per reason.
      std::vector<std::string> marks;
      for (const attempt& a : mine)
        if (a.result.kind == outcome::skipped)
        {
          const std::string mark = note(std::string(c.skipped == mine.size() ? "" : "some ")
              + to_string(who) + " rivals skipped: " + a.result.note);
          if (std::find(marks.begin(), marks.end(), mark) == marks.end())
            marks.push_back(mark);
        }
      for (const std::string& mark : marks)
        cell += " " + mark;
      r.push_back(cell);
    }
    rows.push_back(r);
  }

  os << (markdown ? "### " : "") << "portguard-probe --matrix: " << platform::name()
     << (platform::under_wine() ? " (under Wine)" : "")
     << (platform::is_privileged() ? ", as root" : ", not root") << '\n'
     << (markdown ? "\n" : "")
     << "Each defender binds 0.0.0.0 on an ephemeral port; every rival (options ";
  const auto options = rival_options();
  for (std::size_t i = 0; i < options.size(); ++i)
    os << (i ? "/" : "") << to_string(options[i]);
  os << "; addresses 0.0.0.0, 127.0.0.1, ::ffff:0.0.0.0 and dual-stack ::)\n"
     << "binds and closes at once. A cell names the strongest rival that won.\n"
     << "Rows \"on ADDRESS\" bind that address; only rivals on the other address family\n"
     << "try them ([::1] and [::] V6ONLY against IPv4, 127.0.0.1 and 0.0.0.0 against IPv6).\n\n";
  print_table(os, header, rows, markdown);
  if (!notes.empty())
  {
    os << '\n';
    for (std::size_t i = 0; i < notes.size(); ++i)
      os << (markdown ? "- " : "") << '[' << i + 1 << "] " << text_for(notes[i], markdown)
         << '\n';
  }
  os << '\n'
     << (report.exit_code() == exit_code::secure
            ? "portguard: every portguard defender held its port against every rival.\n"
            : "portguard: a portguard defender LOST its port (or could not be set up).\n");
}

} // namespace probe
} // namespace portguard