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
#include "probe/report.hpp"
#include "probe/scan.hpp"
#include "probe/scan_output.hpp"

#include <exception>
#include <iostream>
#include <string>
#include <vector>

#ifndef PORTGUARD_PROBE_VERSION
#  define PORTGUARD_PROBE_VERSION "unknown"
#endif

namespace probe = portguard::probe;

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
      probe::print_matrix(std::cout, report, cmd.format);
      return report.exit_code();
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
      probe::print_scan(std::cout, report, cmd.format, cmd.verbose);
      return report.exit_code();
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
    probe::print_audit(std::cout, report, cmd.format, cmd.verbose);
    return report.exit_code();
  }
  catch (const std::exception& e)
  {
    std::cerr << "portguard-probe: could not probe: " << e.what() << '\n';
    return probe::exit_code::cannot_probe;
  }
}
