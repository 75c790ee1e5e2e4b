//
// src/probe/scan_json.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The scan as JSON: schema portguard-probe/scan/1 (docs/probe.md).
//
#include "scan_output.hpp"

#include "encode.hpp"
#include "platform.hpp"
#include "rivals.hpp"

#include <boost/json/array.hpp>

#include <ostream>

namespace portguard {
namespace probe {

namespace json = boost::json;

namespace {

json::value option_list(const std::optional<rules::option_set>& options)
{
  if (!options)
    return nullptr;
  json::array names;
  for (rules::option o : {rules::option::reuse_address, rules::option::reuse_port,
           rules::option::exclusive_address_use, rules::option::reuse_port_lb})
    if (options->has(o))
      names.push_back(json::string(rules::to_string(o)));
  return names;
}

json::value holders_json(const scanned_socket& s)
{
  if (s.verdict != scan_verdict::shared)
    return nullptr;
  json::array out;
  for (const scan_holder& h : s.holders)
    out.push_back(json::object{
        {"address", json_text(h.address.to_string())},
        {"uid", json_number_or_null(h.uid)},
        {"user", json_text_or_null(h.user)},
        {"pid", json_number_or_null(h.pid)},
        {"process", json_text_or_null(h.process)}});
  return out;
}

json::value processes_json(const scanned_socket& s)
{
  json::array out;
  for (const scan_process& p : s.processes)
    out.push_back(json::object{
        {"pid", p.pid},
        {"uid", json_number_or_null(p.uid)},
        {"user", json_text_or_null(p.user)},
        {"process", json_text_or_null(p.process)}});
  return out;
}

json::value socket_json(const scanned_socket& s)
{
  json::array by;
  for (const std::string& taker : takers_list(s.by))
    by.push_back(json::string(taker));
  return json::object{
      {"proto", to_string(s.proto)},
      {"address", json_text(s.address.to_string())},
      {"port", s.port},
      {"state", json_text(s.state)},
      {"v6_only", s.v6_only},
      {"uid", json_number_or_null(s.uid)},
      {"user", json_text_or_null(s.user)},
      {"pid", json_number_or_null(s.pid)},
      {"process", json_text_or_null(s.process)},
      {"processes", processes_json(s)},
      {"options", option_list(s.options)},
      {"verdict", to_string(s.verdict)},
      {"by", std::move(by)},
      {"how", to_string(s.how)},
      {"holders", holders_json(s)},
      {"uids_differ", s.uids_differ},
      {"note", json_text_or_null(s.note)},
      {"other_family", s.sibling
          ? json::value(json::object{{"address", json_text(s.sibling->to_string())},
                {"state", json_text(s.sibling_state)}})
          : json::value(nullptr)}};
}

} // namespace

void write_scan_json(std::ostream& os, const scan_report& report)
{
  json::array sockets, limits;
  for (const scanned_socket& s : report.sockets)
    sockets.push_back(socket_json(s));
  for (const std::string& l : report.limits)
    limits.push_back(json_text(l));
  json::object summary{{"sockets", report.sockets.size()}};
  for (const scan_verdict v : {scan_verdict::shared, scan_verdict::hijackable,
           scan_verdict::unknown, scan_verdict::exclusive})
    summary[to_string(v)] = report.count(v);
  summary["rivals_tried"] = report.rivals_tried;
  write_json(os, json::object{
      {"schema", "portguard-probe/scan/1"},
      {"platform", platform::name()},
      {"wine", platform::under_wine()},
      {"privileged", report.privileged},
      {"active", report.active},
      {"sockets", std::move(sockets)},
      {"summary", std::move(summary)},
      {"limits", std::move(limits)},
      {"elapsed_ms", report.elapsed_ms},
      {"exit_code", report.exit_code()}});
}

} // namespace probe
} // namespace portguard
