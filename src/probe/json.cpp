//
// src/probe/json.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "json.hpp"

#include "platform.hpp"
#include "summary.hpp"

#include <cstdio>
#include <ostream>
#include <sstream>

namespace portguard {
namespace probe {

namespace {

std::string json_number(double v)
{
  return three_decimals(v);
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

void write_audit_json(std::ostream& os, const audit_report& report)
{
  const attempt* best = report.strongest();
  const counts c = count(report.attempts);
  os << "{\n  \"schema\": \"portguard-probe/audit/1\",\n"
     << "  \"platform\": " << json_string(platform::name()) << ",\n"
     << "  \"transport\": " << json_string(to_string(report.proto)) << ",\n"
     << "  \"target\": {\"host\":" << json_string(report.host)
     << ",\"address\":" << json_string(report.address.to_string())
     << ",\"port\":" << report.port << "},\n"
     << "  \"held_because\": " << json_string(platform::error_name(report.held_because)) << ",\n"
     << "  \"identities\": " << identity_list(report.who) << ",\n"
     << "  \"owner_uids\": [";
  for (std::size_t i = 0; i < report.owner_uids.size(); ++i)
    os << (i ? "," : "") << report.owner_uids[i];
  os << "],\n  \"not_tried\": [";
  for (std::size_t i = 0; i < report.not_tried.size(); ++i)
    os << (i ? "," : "") << json_string(report.not_tried[i]);
  os << "],\n  \"attempts\": ";
  json_attempts(os, report.attempts, "  ");
  os << ",\n  \"counts\": " << json_counts(c) << ",\n"
     << "  \"verdict\": {\"hijackable\":" << (best ? "true" : "false")
     << ",\"strongest\":" << (best ? json_attempt(*best) : "null")
     << ",\"cross_family\":";
  if (!report.cross_family_tried())
    os << "null";
  else
  {
    const auto won = report.cross_family_winners();
    os << "{\"hijackable\":" << (won.empty() ? "false" : "true") << ",\"free\":[";
    for (std::size_t i = 0; i < won.size(); ++i)
      os << (i ? "," : "") << json_string(endpoint_text(won[i]->r.address, won[i]->r.port));
    os << "],\"lines\":[";
    for (std::size_t i = 0; i < won.size(); ++i)
      os << (i ? "," : "") << json_string(cross_family_line(won[i]->r));
    os << "]}";
  }
  os << "},\n"
     << "  \"elapsed_ms\": " << json_number(report.elapsed_ms) << ",\n"
     << "  \"exit_code\": " << report.exit_code() << "\n}\n";
}

void write_matrix_json(std::ostream& os, const matrix_report& report)
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
       << ",\"rivals\":" << json_string(row.cross_family ? "other-family" : "same-family")
       << ",\"unavailable\":" << (row.unavailable ? "true" : "false")
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
}

} // namespace probe
} // namespace portguard
