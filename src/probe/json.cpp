//
// src/probe/json.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "json.hpp"

#include "encode.hpp"
#include "platform.hpp"
#include "summary.hpp"

#include <boost/json/array.hpp>

#include <ostream>

namespace portguard {
namespace probe {

namespace json = boost::json;

namespace {

json::value attempt_json(const attempt& a)
{
  const bool refused = a.result.kind != outcome::won && a.result.ec;
  return json::object{
      {"identity", to_string(a.who)},
      {"options", to_string(a.r.option)},
      {"address", json_text(a.r.address.to_string())},
      {"port", a.r.port},
      {"role", to_string(a.r.role)},
      {"outcome", to_string(a.result.kind)},
      {"error", refused ? json_text(platform::error_name(a.result.ec)) : nullptr},
      {"message", refused ? json_text(a.result.ec.message()) : nullptr},
      {"reason", a.result.kind == outcome::skipped ? json_text(a.result.note) : nullptr}};
}

json::value counts_json(const counts& c)
{
  return json::object{{"won", c.won}, {"refused", c.refused}, {"skipped", c.skipped}};
}

json::array attempts_json(const std::vector<attempt>& attempts)
{
  json::array out;
  for (const attempt& a : attempts)
    out.push_back(attempt_json(a));
  return out;
}

json::array identities_json(const std::vector<identity>& who)
{
  json::array out;
  for (const identity i : who)
    out.push_back(to_string(i));
  return out;
}

} // namespace

void write_audit_json(std::ostream& os, const audit_report& report)
{
  const attempt* best = report.strongest();
  json::value cross_family = nullptr;
  if (report.cross_family_tried())
  {
    const auto won = report.cross_family_winners();
    json::array free, lines;
    for (const attempt* a : won)
    {
      free.push_back(json_text(endpoint_text(a->r.address, a->r.port)));
      lines.push_back(json_text(cross_family_line(a->r)));
    }
    cross_family = json::object{
        {"hijackable", !won.empty()}, {"free", std::move(free)}, {"lines", std::move(lines)}};
  }
  json::array owner_uids, not_tried;
  for (const std::uint32_t uid : report.owner_uids)
    owner_uids.push_back(uid);
  for (const std::string& n : report.not_tried)
    not_tried.push_back(json_text(n));
  write_json(os, json::object{
      {"schema", "portguard-probe/audit/1"},
      {"platform", platform::name()},
      {"transport", to_string(report.proto)},
      {"target", json::object{{"host", json_text(report.host)},
          {"address", json_text(report.address.to_string())}, {"port", report.port}}},
      {"held_because", json_text(platform::error_name(report.held_because))},
      {"identities", identities_json(report.who)},
      {"owner_uids", std::move(owner_uids)},
      {"not_tried", std::move(not_tried)},
      {"attempts", attempts_json(report.attempts)},
      {"counts", counts_json(count(report.attempts))},
      {"verdict", json::object{{"hijackable", best != nullptr},
          {"strongest", best ? attempt_json(*best) : nullptr},
          {"cross_family", std::move(cross_family)}}},
      {"elapsed_ms", report.elapsed_ms},
      {"exit_code", report.exit_code()}});
}

void write_matrix_json(std::ostream& os, const matrix_report& report)
{
  json::array defenders;
  for (const matrix_row& row : report.rows)
  {
    json::array verdicts;
    for (const identity who : report.who)
    {
      const auto mine = of_identity(row.attempts, who);
      const attempt* best = strongest_winner(mine);
      const counts c = count(mine);
      const bool skipped = !row.skipped.empty() || c.skipped == mine.size();
      const std::string reason = !row.skipped.empty() ? row.skipped : skip_reasons(mine);
      verdicts.push_back(json::object{
          {"identity", to_string(who)},
          {"hijacked", best != nullptr},
          {"skipped", skipped ? json_text(reason) : nullptr},
          {"counts", counts_json(c)},
          {"strongest", best ? attempt_json(*best) : nullptr}});
    }
    defenders.push_back(json::object{
        {"name", json_text(row.name)},
        {"library", json_text(row.library)},
        {"setup", json_text(row.setup)},
        {"transport", to_string(row.proto)},
        {"address", json_text(row.address.to_string())},
        {"port", row.port},
        {"skipped", json_text_or_null(row.skipped)},
        {"caveat", json_text_or_null(row.caveat)},
        {"rivals", row.cross_family ? "other-family" : "same-family"},
        {"unavailable", row.unavailable},
        {"verdicts", std::move(verdicts)},
        {"attempts", attempts_json(row.attempts)}});
  }
  write_json(os, json::object{
      {"schema", "portguard-probe/matrix/1"},
      {"platform", platform::name()},
      {"wine", platform::under_wine()},
      {"privileged", platform::is_privileged()},
      {"identities", identities_json(report.who)},
      {"defenders", std::move(defenders)},
      {"exit_code", report.exit_code()}});
}

} // namespace probe
} // namespace portguard
