//
// src/probe/scan_output.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "scan_output.hpp"

#include "encode.hpp"
#include "platform.hpp"
#include "scan_verdict.hpp"
#include "rivals.hpp"
#include "summary.hpp"
#include "table.hpp"

#include <ostream>

namespace portguard {
namespace probe {

namespace {

std::string by_text(rules::takers t)
{
  const auto list = takers_list(t);
  return list.empty() ? "-" : list.back();
}

std::string note_text(const scanned_socket& s)
{
  if (s.verdict != scan_verdict::shared)
    return s.note;
  std::string text = s.uids_differ ? "DIFFERENT USERS: " : "";
  text += std::to_string(s.holders.size()) + " holders:";
  for (const scan_holder& h : s.holders)
    text += " [" + endpoint_text(h.address, s.port) + " " + owner_text(h.uid, h.user)
        + " " + process_text(h.pid, h.process) + "]";
  return text;
}

const char* heading(scan_verdict v) noexcept
{
  switch (v)
  {
  case scan_verdict::shared: return "SHARED: two or more sockets hold the same port now";
  case scan_verdict::hijackable: return "HIJACKABLE: another socket could bind the port";
  case scan_verdict::unknown: return "UNKNOWN: the options could not be read";
  case scan_verdict::exclusive: return "exclusive: no unprivileged rival could take it";
  }
  return "?";
}

} // namespace

std::string owner_text(const std::optional<std::uint32_t>& uid, const std::string& user)
{
  if (!uid)
    return user.empty() ? "?" : user;
  return user.empty() ? "uid " + std::to_string(*uid)
                      : user + " (" + std::to_string(*uid) + ")";
}

std::string process_text(const std::optional<std::uint32_t>& pid, const std::string& process)
{
  if (!pid)
    return "-";
  return std::to_string(*pid) + (process.empty() ? "" : " (" + process + ")");
}

namespace {

/// The pid column: `4242 (nginx)`, or each process with its user when the
/// socket is open in several: `4242 (nginx) root (0), 4250 (rival) nobody (65534)`.
std::string processes_text(const scanned_socket& s)
{
  if (s.processes.size() < 2)
    return process_text(s.pid, s.process);
  std::string text;
  for (const scan_process& p : s.processes)
    text += (text.empty() ? "" : ", ") + process_text(p.pid, p.process) + " "
        + owner_text(p.uid, p.user);
  return text;
}

} // namespace

void print_scan(std::ostream& os, const scan_report& report, output_format format,
    bool verbose)
{
  if (format == output_format::json)
    return write_scan_json(os, report);
  if (format == output_format::prometheus)
    return write_scan_prometheus(os, report);
  const bool markdown = format == output_format::markdown;
  os << (markdown ? "### " : "") << "portguard-probe scan: " << platform::name()
     << (platform::under_wine() ? " (under Wine)" : "")
     << (report.privileged ? ", as root" : ", not root")
     << (report.active ? ", options read and rival binds tried (--active)"
                       : ", options read passively") << "\n\n"
     << report.sockets.size() << " sockets: "
     << report.count(scan_verdict::shared) << " shared, "
     << report.count(scan_verdict::hijackable) << " hijackable, "
     << report.count(scan_verdict::unknown) << " unknown, "
     << report.count(scan_verdict::exclusive) << " exclusive\n";
  for (const scan_verdict v : {scan_verdict::shared, scan_verdict::hijackable,
           scan_verdict::unknown, scan_verdict::exclusive})
  {
    const std::size_t n = report.count(v);
    if (n == 0 || (v == scan_verdict::exclusive && !verbose))
      continue;
    std::vector<table_row> rows;
    for (const scanned_socket& s : report.sockets)
      if (s.verdict == v)
        rows.push_back({to_string(s.proto), endpoint_text(s.address, s.port), s.state,
            owner_text(s.uid, s.user), processes_text(s), by_text(s.by),
            to_string(s.how), s.options ? option_names(*s.options) : "?", note_text(s)});
    os << '\n' << (markdown ? "#### " : "") << heading(v) << " (" << n << ")\n"
       << (markdown ? "\n" : "");
    print_table(os, {"proto", "endpoint", "state", "user", "pid", "by", "how", "options",
        "note"}, rows, markdown);
  }
  if (!verbose && report.count(scan_verdict::exclusive) > 0)
    os << '\n' << report.count(scan_verdict::exclusive)
       << " exclusive sockets not listed; --verbose lists them\n";
  if (!report.limits.empty())
  {
    os << '\n' << (markdown ? "" : "not seen:\n");
    for (const std::string& l : report.limits)
      os << "- " << text_for(l, markdown) << '\n';
  }
  if (report.active)
    os << '\n' << report.rivals_tried << " rival binds tried\n";
  os << "\nscanned in " << three_decimals(report.elapsed_ms) << " ms\n";
}

} // namespace probe
} // namespace portguard
