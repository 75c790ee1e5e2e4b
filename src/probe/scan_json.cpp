//
// src/probe/scan_json.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The scan as JSON: schema portguard-probe/scan/1 (docs/probe.md).
//
#include "scan_output.hpp"

#include "json.hpp"
#include "platform.hpp"
#include "summary.hpp"

#include <ostream>

namespace portguard {
namespace probe {

namespace {

std::string or_null(const std::string& text)
{
  return text.empty() ? "null" : json_string(text);
}

std::string or_null(const std::optional<std::uint32_t>& n)
{
  return n ? std::to_string(*n) : "null";
}

std::string string_list(const std::vector<std::string>& items)
{
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i ? "," : "") + json_string(items[i]);
  return out + "]";
}

std::string option_list(const std::optional<rules::option_set>& options)
{
  if (!options)
    return "null";
  std::vector<std::string> names;
  for (rules::option o : {rules::option::reuse_address, rules::option::reuse_port,
           rules::option::exclusive_address_use, rules::option::reuse_port_lb})
    if (options->has(o))
      names.push_back(rules::to_string(o));
  return string_list(names);
}

void write_socket(std::ostream& os, const scanned_socket& s)
{
  os << "{\"proto\":" << json_string(to_string(s.proto))
     << ",\"address\":" << json_string(s.address.to_string())
     << ",\"port\":" << s.port
     << ",\"state\":" << json_string(s.state)
     << ",\"v6_only\":" << (s.v6_only ? "true" : "false")
     << ",\"uid\":" << or_null(s.uid)
     << ",\"user\":" << or_null(s.user)
     << ",\"pid\":" << or_null(s.pid)
     << ",\"process\":" << or_null(s.process)
     << ",\"options\":" << option_list(s.options)
     << ",\"verdict\":" << json_string(to_string(s.verdict))
     << ",\"by\":" << string_list(takers_list(s.by))
     << ",\"how\":" << json_string(to_string(s.how))
     << ",\"holders\":";
  if (s.verdict != scan_verdict::shared)
    os << "null";
  else
  {
    os << '[';
    for (std::size_t i = 0; i < s.holders.size(); ++i)
    {
      const scan_holder& h = s.holders[i];
      os << (i ? "," : "") << "{\"address\":" << json_string(h.address.to_string())
         << ",\"uid\":" << or_null(h.uid) << ",\"user\":" << or_null(h.user)
         << ",\"pid\":" << or_null(h.pid) << ",\"process\":" << or_null(h.process) << '}';
    }
    os << ']';
  }
  os << ",\"uids_differ\":" << (s.uids_differ ? "true" : "false")
     << ",\"note\":" << or_null(s.note)
     << ",\"other_family\":";
  if (!s.sibling)
    os << "null";
  else
    os << "{\"address\":" << json_string(s.sibling->to_string())
       << ",\"state\":" << json_string(s.sibling_state) << '}';
  os << '}';
}

} // namespace

void write_scan_json(std::ostream& os, const scan_report& report)
{
  os << "{\n  \"schema\": \"portguard-probe/scan/1\",\n"
     << "  \"platform\": " << json_string(platform::name()) << ",\n"
     << "  \"wine\": " << (platform::under_wine() ? "true" : "false") << ",\n"
     << "  \"privileged\": " << (report.privileged ? "true" : "false") << ",\n"
     << "  \"active\": " << (report.active ? "true" : "false") << ",\n"
     << "  \"sockets\": [";
  for (std::size_t i = 0; i < report.sockets.size(); ++i)
  {
    os << (i ? "," : "") << "\n    ";
    write_socket(os, report.sockets[i]);
  }
  os << (report.sockets.empty() ? "" : "\n  ") << "],\n"
     << "  \"summary\": {\"sockets\":" << report.sockets.size();
  for (const scan_verdict v : {scan_verdict::shared, scan_verdict::hijackable,
           scan_verdict::unknown, scan_verdict::exclusive})
    os << ",\"" << to_string(v) << "\":" << report.count(v);
  os << ",\"rivals_tried\":" << report.rivals_tried << "},\n"
     << "  \"limits\": " << string_list(report.limits) << ",\n"
     << "  \"elapsed_ms\": " << three_decimals(report.elapsed_ms) << ",\n"
     << "  \"exit_code\": " << report.exit_code() << "\n}\n";
}

} // namespace probe
} // namespace portguard
