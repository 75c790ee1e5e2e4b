//
// src/probe/scan_prometheus.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The scan in the Prometheus text exposition format, for node_exporter's
// textfile collector: one gauge per socket (sockets with identical labels
// are counted in one sample, so no series repeats), a gauge per verdict,
// and the scan's duration.
//
#include "scan_output.hpp"

#include "platform.hpp"
#include "summary.hpp"

#include <map>
#include <ostream>
#include <tuple>

namespace portguard {
namespace probe {

namespace {

// A label value with \, " and newlines escaped.
std::string label(const std::string& value)
{
  std::string out = "\"";
  for (const char c : value)
  {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out + "\"";
}

} // namespace

void write_scan_prometheus(std::ostream& os, const scan_report& report)
{
  std::map<std::string, std::size_t> samples;
  for (const scanned_socket& s : report.sockets)
  {
    const auto by = takers_list(s.by);
    const std::string labels = "proto=" + label(to_string(s.proto))
        + ",address=" + label(s.address.to_string())
        + ",port=" + label(std::to_string(s.port))
        + ",state=" + label(s.state)
        + ",process=" + label(s.process)
        + ",user=" + label(s.user.empty() && s.uid ? std::to_string(*s.uid) : s.user)
        + ",verdict=" + label(to_string(s.verdict))
        + ",by=" + label(by.empty() ? "nobody" : by.back())
        + ",how=" + label(to_string(s.how));
    ++samples[labels];
  }
  os << "# HELP portguard_socket Bound sockets of this host by owner and who could take "
        "them over (portguard-probe scan).\n"
     << "# TYPE portguard_socket gauge\n";
  for (const auto& [labels, n] : samples)
    os << "portguard_socket{" << labels << "} " << n << '\n';
  os << "# HELP portguard_sockets Bound sockets of this host per verdict.\n"
     << "# TYPE portguard_sockets gauge\n";
  for (const scan_verdict v : {scan_verdict::shared, scan_verdict::hijackable,
           scan_verdict::unknown, scan_verdict::exclusive})
    os << "portguard_sockets{verdict=" << label(to_string(v)) << "} " << report.count(v) << '\n';
  os << "# HELP portguard_scan_duration_seconds How long the scan took.\n"
     << "# TYPE portguard_scan_duration_seconds gauge\n"
     << "portguard_scan_duration_seconds " << three_decimals(report.elapsed_ms / 1000.0) << '\n'
     << "# HELP portguard_scan_limits Things the scan could not see (see its table output).\n"
     << "# TYPE portguard_scan_limits gauge\n"
     << "portguard_scan_limits " << report.limits.size() << '\n';
}

} // namespace probe
} // namespace portguard
