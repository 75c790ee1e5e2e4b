//
// src/probe/args.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The command line of portguard-probe: what the user asked for, parsed
// without touching the network, so tests and the fuzzer can call it alone.
//
#ifndef PORTGUARD_PROBE_ARGS_HPP
#define PORTGUARD_PROBE_ARGS_HPP

#include <string>
#include <string_view>
#include <vector>

namespace portguard {
namespace probe {

/// The transport of the audited port.
enum class transport { tcp, udp };

/// How results are printed.
enum class output_format { table, markdown, json, prometheus };

/// What the user asked for.
enum class mode { help, version, audit, matrix, scan };

/// `HOST:PORT` or `[IPv6]:PORT`, split and checked, not yet resolved.
struct endpoint_spec
{
  std::string host;        ///< An address literal or a name, without brackets.
  unsigned short port = 0; ///< 1-65535.
  bool literal = false;    ///< The host is an IPv4 or IPv6 literal.
};

/// A parsed command line.
struct command
{
  mode what = mode::help;
  transport proto = transport::tcp;
  endpoint_spec target;
  output_format format = output_format::table;
  bool scan_tcp = true;    ///< scan: list TCP sockets (--proto udp turns it off).
  bool scan_udp = true;    ///< scan: list UDP sockets (--proto tcp turns it off).
  bool active = false;     ///< scan: try rival binds as well (--active).
  unsigned short scan_port = 0; ///< scan: only sockets on this port (--port; 0: all).
  bool verbose = false;    ///< Print every row, not only the verdict and a summary.
  std::string output;      ///< --output FILE: replace FILE with the report (empty: stdout).
};

/// The result of parsing: a command, or one line saying what is wrong.
struct parse_result
{
  command cmd;
  std::string error; ///< Empty on success.
  bool ok() const noexcept { return error.empty(); }
};

/// Parses the arguments that follow the program name.
parse_result parse_arguments(const std::vector<std::string>& args);

/// Parses `HOST:PORT` or `[IPv6]:PORT`; returns false and sets `error` to a
/// sentence saying what is wrong and what is expected.
bool parse_endpoint(std::string_view text, endpoint_spec& out, std::string& error);

/// The text printed by --help.
const char* usage_text() noexcept;

} // namespace probe
} // namespace portguard

#endif
