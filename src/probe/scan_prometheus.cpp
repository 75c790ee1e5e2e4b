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

#include "encode.hpp"
#include "platform.hpp"
#include "summary.hpp"

#include <map>
#include <ostream>
#include <tuple>

namespace portguard {
namespace probe {

void write_scan_prometheus(std::ostream& os, const scan_report& report)
{
  std::map<std::string, std::size_t> samples;
  for (const scanned_socket& s : report.sockets)
  {
    const auto by = takers_list(s.by);
    const std::string labels = "proto=" + prometheus_label(to_string(s.proto))
        + ",address=" + prometheus_label(s.address.to_string())
        + ",port=" + prometheus_label(std::to_string(s.port))
        + ",state=" + prometheus_label(s.state)
        + ",process=" + prometheus_label(s.process)
        + ",user=" + prometheus_label(s.user.empty() && s.uid ? std::to_string(*s.uid) : s.user)
        + ",verdict=" + prometheus_label(to_string(s.verdict))
        + ",by=" + prometheus_label(by.empty() ? "none" : by.back())
        + ",how=" + prometheus_label(to_string(s.how));
    ++samples[labels];
  }
  os << "# HELP portguard_socket Bound sockets of this host by owner and who could take "
        "them over (by: any_user, same_user, root_only or none; portguard-probe scan).\n"
     << "# TYPE portguard_socket gauge\n";
  for (const auto& [labels, n] : samples)
    os << "portguard_socket{" << labels << "} " << n << '\n';
  os << "# HELP portguard_sockets Bound sockets of this host per verdict.\n"
     << "# TYPE portguard_sockets gauge\n";
  for (const scan_verdict v : {scan_verdict::shared, scan_verdict::hijackable,
           scan_verdict::unknown, scan_verdict::exclusive})
    os << "portguard_sockets{verdict=" << prometheus_label(to_string(v)) << "} "
       << report.count(v) << '\n';
  os << "# HELP portguard_scan_duration_seconds How long the scan took.\n"
     << "# TYPE portguard_scan_duration_seconds gauge\n"
     << "portguard_scan_duration_seconds " << three_decimals(report.elapsed_ms / 1000.0) << '\n'
     << "# HELP portguard_scan_limits Things the scan could not see (see its table output).\n"
     << "# TYPE portguard_scan_limits gauge\n"
     << "portguard_scan_limits " << report.limits.size() << '\n';
}

} // namespace probe
} // namespace portguard
