//
// src/probe/report.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "report.hpp"

#include "platform.hpp"

#include <algorithm>
#include <cstdio>
#include <ostream>
#include <sstream>

namespace portguard {
namespace probe {

namespace {

// -- Tables --------------------------------------------------------------------

using table_row = std::vector<std::string>;

void print_table(std::ostream& os, const table_row& header,
    const std::vector<table_row>& rows, bool markdown)
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

struct counts
{
  std::size_t won = 0, refused = 0, skipped = 0;
};

counts count(const std::vector<attempt>& attempts)
{
  counts c;
  for (const attempt& a : attempts)
  {
    if (a.result.kind == outcome::won) ++c.won;
    else if (a.result.kind == outcome::refused) ++c.refused;
    else ++c.skipped;
  }
  return c;
}

std::vector<attempt> of_identity(const std::vector<attempt>& attempts, identity who)
{
  std::vector<attempt> out;
  for (const attempt& a : attempts)
    if (a.who == who)
      out.push_back(a);
  return out;
}

// Every attempt of the identity was skipped for one reason: the reason.
bool all_skipped(const std::vector<attempt>& attempts, std::string& reason)
{
  if (attempts.empty())
    return false;
  for (const attempt& a : attempts)
    if (a.result.kind != outcome::skipped || a.result.note != attempts.front().result.note)
      return false;
  reason = attempts.front().result.note;
  return true;
}

// The distinct reasons attempts were skipped, joined with "; ".
std::string skip_reasons(const std::vector<attempt>& attempts)
{
  std::vector<std::string> reasons;
  for (const attempt& a : attempts)
    if (a.result.kind == outcome::skipped
        && std::find(reasons.begin(), reasons.end(), a.result.note) == reasons.end())
      reasons.push_back(a.result.note);
  std::string joined;
  for (const std::string& r : reasons)
    joined += (joined.empty() ? "" : "; ") + r;
  return joined;
}

std::string winner_text(const attempt& a)
{
  return std::string(a.who == identity::other_user ? "user nobody" : "a " + std::string(to_string(a.who)) + " rival")
      + " binds " + rival_address(a.r) + " with options " + to_string(a.r.option);
}

// -- JSON ---------------------------------------------------------------------

std::string json_number(double v)
{
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3f", v);
  return buffer;
}

std::string json_attempt(const attempt& a)
{
  std::ostringstream os;
  os << "{\"identity\":" << json_string(to_string(a.who))
     << ",\"options\":" << json_string(to_string(a.r.option))
     << ",\"address\":" << json_string(a.r.address.to_string())
     << ",\"port\":" << a.r.port
     << ",\"role\":" << json_string(to_string(a.r.role))
     << ",\"outcome\":" << json_string(to_string(a.result.kind))
     << ",\"error\":";
  if (a.result.kind == outcome::won || !a.result.ec)
    os << "null,\"message\":null";
  else
    os << json_string(platform::error_name(a.result.ec))
       << ",\"message\":" << json_string(a.result.ec.message());
  os << ",\"reason\":"
     << (a.result.kind == outcome::skipped ? json_string(a.result.note) : "null")
     << '}';
  return os.str();
}

std::string json_counts(const counts& c)
{
  return "{\"won\":" + std::to_string(c.won) + ",\"refused\":" + std::to_string(c.refused)
      + ",\"skipped\":" + std::to_string(c.skipped) + "}";
}

void json_attempts(std::ostream& os, const std::vector<attempt>& attempts,
    const char* indent)
{
  os << '[';
  for (std::size_t i = 0; i < attempts.size(); ++i)
    os << (i ? "," : "") << '\n' << indent << "  " << json_attempt(attempts[i]);
  os << '\n' << indent << ']';
}

std::string identity_list(const std::vector<identity>& who)
{
  std::string s = "[";
  for (std::size_t i = 0; i < who.size(); ++i)
    s += (i ? "," : "") + json_string(to_string(who[i]));
  return s + "]";
}

} // namespace

std::string json_string(const std::string& s)
{
  std::string out = "\"";
  for (const char c : s)
  {
    const auto u = static_cast<unsigned char>(c);
    switch (c)
    {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      if (u < 0x20)
      {
        char buffer[8];
        std::snprintf(buffer, sizeof(buffer), "\\u%04x", u);
        out += buffer;
      }
      else
        out += c;
    }
  }
  return out + "\"";
}

void print_audit(std::ostream& os, const audit_report& report, output_format format)
{
  const attempt* best = report.strongest();
  const counts c = count(report.attempts);
  const std::string target = std::string(to_string(report.proto)) + " "
      + endpoint_text(report.address, report.port);

  if (format == output_format::json)
  {
    os << "{\n  \"schema\": \"portguard-probe/audit/1\",\n"
       << "  \"platform\": " << json_string(platform::name()) << ",\n"
       << "  \"transport\": " << json_string(to_string(report.proto)) << ",\n"
       << "  \"target\": {\"host\":" << json_string(report.host)
       << ",\"address\":" << json_string(report.address.to_string())
       << ",\"port\":" << report.port << "},\n"
       << "  \"held_because\": " << json_string(platform::error_name(report.held_because)) << ",\n"
       << "  \"identities\": " << identity_list(report.who) << ",\n"
       << "  \"attempts\": ";
    json_attempts(os, report.attempts, "  ");
    os << ",\n  \"counts\": " << json_counts(c) << ",\n"
       << "  \"verdict\": {\"hijackable\":" << (best ? "true" : "false")
       << ",\"strongest\":" << (best ? json_attempt(*best) : "null") << "},\n"
       << "  \"elapsed_ms\": " << json_number(report.elapsed_ms) << ",\n"
       << "  \"exit_code\": " << report.exit_code() << "\n}\n";
    return;
  }

  const bool markdown = format == output_format::markdown;
  os << (markdown ? "### " : "") << "portguard-probe: " << target
     << " is held (a plain bind fails with " << platform::error_name(report.held_because)
     << ")\n\n";
  std::vector<table_row> rows;
  for (const identity who : report.who)
  {
    const auto mine = of_identity(report.attempts, who);
    std::string reason;
    if (all_skipped(mine, reason))
    {
      rows.push_back({to_string(who), "(all)", "-", "skipped: " + reason});
      continue;
    }
    for (const attempt& a : mine)
      rows.push_back({to_string(a.who), to_string(a.r.option), rival_address(a.r),
          outcome_text(a.result)});
  }
  print_table(os, {"identity", "options", "rival binds", "outcome"}, rows, markdown);
  os << '\n';
  if (best)
    os << "verdict: HIJACKABLE: " << winner_text(*best) << " (" << c.won << " of "
       << report.attempts.size() << " rivals won)\n";
  else
    os << "verdict: not hijackable: none of " << report.attempts.size()
       << " rivals could bind (" << c.skipped << " skipped)\n";
  os << "audited in " << json_number(report.elapsed_ms) << " ms\n";
}

void print_matrix(std::ostream& os, const matrix_report& report, output_format format)
{
  if (format == output_format::json)
  {
    os << "{\n  \"schema\": \"portguard-probe/matrix/1\",\n"
       << "  \"platform\": " << json_string(platform::name()) << ",\n"
       << "  \"wine\": " << (platform::under_wine() ? "true" : "false") << ",\n"
       << "  \"privileged\": " << (platform::is_privileged() ? "true" : "false") << ",\n"
       << "  \"identities\": " << identity_list(report.who) << ",\n"
       << "  \"defenders\": [";
    for (std::size_t i = 0; i < report.rows.size(); ++i)
    {
      const matrix_row& row = report.rows[i];
      os << (i ? "," : "") << "\n    {\"name\":" << json_string(row.name)
         << ",\"library\":" << json_string(row.library)
         << ",\"setup\":" << json_string(row.setup)
         << ",\"transport\":" << json_string(to_string(row.proto))
         << ",\"address\":" << json_string(row.address.to_string())
         << ",\"port\":" << row.port
         << ",\"skipped\":" << (row.skipped.empty() ? "null" : json_string(row.skipped))
         << ",\"caveat\":" << (row.caveat.empty() ? "null" : json_string(row.caveat))
         << ",\n     \"verdicts\":[";
      for (std::size_t k = 0; k < report.who.size(); ++k)
      {
        const auto mine = of_identity(row.attempts, report.who[k]);
        const attempt* best = strongest_winner(mine);
        const counts c = count(mine);
        const bool skipped = !row.skipped.empty() || c.skipped == mine.size();
        const std::string reason = !row.skipped.empty() ? row.skipped : skip_reasons(mine);
        os << (k ? "," : "") << "\n       {\"identity\":" << json_string(to_string(report.who[k]))
           << ",\"hijacked\":" << (best ? "true" : "false")
           << ",\"skipped\":" << (skipped ? json_string(reason) : "null")
           << ",\"counts\":" << json_counts(c)
           << ",\"strongest\":" << (best ? json_attempt(*best) : "null") << '}';
      }
      os << "],\n     \"attempts\": ";
      json_attempts(os, row.attempts, "     ");
      os << '}';
    }
    os << "\n  ],\n  \"exit_code\": " << report.exit_code() << "\n}\n";
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
     << "binds and closes at once. A cell names the strongest rival that won.\n\n";
  print_table(os, header, rows, markdown);
  if (!notes.empty())
  {
    os << '\n';
    for (std::size_t i = 0; i < notes.size(); ++i)
      os << (markdown ? "- " : "") << '[' << i + 1 << "] " << notes[i] << '\n';
  }
  os << '\n'
     << (report.exit_code() == exit_code::secure
            ? "portguard: every portguard defender held its port against every rival.\n"
            : "portguard: a portguard defender LOST its port (or could not be set up).\n");
}

} // namespace probe
} // namespace portguard
