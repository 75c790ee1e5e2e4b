//
// src/main.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// portguard-probe: can someone take over the port a server is on?
//
#include "probe/args.hpp"
#include "probe/audit.hpp"
#include "probe/matrix.hpp"
#include "probe/output_file.hpp"
#include "probe/report.hpp"
#include "probe/scan.hpp"
#include "probe/scan_output.hpp"

#include <exception>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#ifndef PORTGUARD_PROBE_VERSION
#  define PORTGUARD_PROBE_VERSION "unknown"
#endif

namespace probe = portguard::probe;

namespace {

// The report's destination: standard output, or with --output a buffer that
// finish() writes to the file in one step once the report is complete.
class destination
{
public:
  explicit destination(const probe::command& cmd) : file_(cmd.output) {}

  std::ostream& stream() { return file_.empty() ? std::cout : buffer_; }

  // The exit status: the report's own, or 3 when the file was not written.
  // A report with findings (status 1) is written like any other.
  int finish(int status)
  {
    if (file_.empty())
      return status;
    std::string error;
    if (!probe::write_file_atomically(file_, buffer_.str(), error))
    {
      std::cerr << "portguard-probe: cannot write the report to " << file_ << ": " << error
                << '\n';
      return probe::exit_code::cannot_probe;
    }
    return status;
  }

private:
  std::string file_;
  std::ostringstream buffer_;
};

} // namespace

int main(int argc, char** argv)
{
  try
  {
    const std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    const probe::parse_result parsed = probe::parse_arguments(args);
    if (!parsed.ok())
    {
      std::cerr << "portguard-probe: " << parsed.error << '\n';
      return probe::exit_code::bad_input;
    }
    const probe::command& cmd = parsed.cmd;
    destination out(cmd);
    switch (cmd.what)
    {
    case probe::mode::help:
      std::cout << probe::usage_text();
      return 0;
    case probe::mode::version:
      std::cout << "portguard-probe " PORTGUARD_PROBE_VERSION "\n";
      return 0;
    case probe::mode::matrix:
    {
      const auto report = probe::run_matrix();
      probe::print_matrix(out.stream(), report, cmd.format);
      return out.finish(report.exit_code());
    }
    case probe::mode::scan:
    {
      probe::scan_report report;
      probe::scan_failure failure;
      if (!probe::run_scan(cmd, report, failure))
      {
        std::cerr << "portguard-probe: " << failure.message << '\n';
        return failure.code;
      }
      probe::print_scan(out.stream(), report, cmd.format, cmd.verbose);
      return out.finish(report.exit_code());
    }
    case probe::mode::audit:
      break;
    }
    probe::audit_report report;
    probe::audit_failure failure;
    if (!probe::run_audit(cmd, report, failure))
    {
      std::cerr << "portguard-probe: " << failure.message << '\n';
      return failure.code;
    }
    probe::print_audit(out.stream(), report, cmd.format, cmd.verbose);
    return out.finish(report.exit_code());
  }
  catch (const std::exception& e)
  {
    std::cerr << "portguard-probe: could not probe: " << e.what() << '\n';
    return probe::exit_code::cannot_probe;
  }
}
