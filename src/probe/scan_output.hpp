//
// src/probe/scan_output.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The scan's four outputs: the table, Markdown, JSON (schema
// portguard-probe/scan/1, docs/probe.md) and the Prometheus text format.
//
#ifndef PORTGUARD_PROBE_SCAN_OUTPUT_HPP
#define PORTGUARD_PROBE_SCAN_OUTPUT_HPP

#include "args.hpp"
#include "scan.hpp"

#include <iosfwd>
#include <string>

namespace portguard {
namespace probe {

/// Prints the report in the format asked for. The table and Markdown leave
/// exclusive sockets out unless `verbose`; JSON and Prometheus list all.
void print_scan(std::ostream& os, const scan_report& report, output_format format,
    bool verbose);

/// The JSON document.
void write_scan_json(std::ostream& os, const scan_report& report);

/// The node_exporter textfile-collector format.
void write_scan_prometheus(std::ostream& os, const scan_report& report);


/// "uid 33 (www-data)", "uid 0 (root)" or "?".
std::string owner_text(const std::optional<std::uint32_t>& uid, const std::string& user);

/// "1234 (nginx)", "1234" or "-".
std::string process_text(const std::optional<std::uint32_t>& pid, const std::string& process);

} // namespace probe
} // namespace portguard

#endif
